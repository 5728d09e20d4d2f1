"""Hypothesis profiles, chosen with ``HYPOTHESIS_PROFILE`` (default ``ci``).

``ci`` is derandomised, so every CI run tries the same examples and a failure
can be reproduced; ``long`` draws fresh random examples, many more of them,
for a fuzzing session (see the README's "Tests and fuzzing" section).
"""

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(deadline=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                      HealthCheck.data_too_large, HealthCheck.filter_too_much])

settings.register_profile("ci", max_examples=550, derandomize=True, **_COMMON)
settings.register_profile("long", max_examples=25_000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


import pytest  # noqa: E402


@pytest.fixture
def project_repo(tmp_path, monkeypatch):
    """A temporary git repository with the approved example committed; the current directory."""
    from support import new_project_repo
    return new_project_repo(tmp_path / "repo", monkeypatch)
