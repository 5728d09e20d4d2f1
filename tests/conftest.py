"""Hypothesis profiles, chosen with ``HYPOTHESIS_PROFILE`` (default ``quick``).

``quick`` is the everyday run's, after each change: a few dozen examples of
each property, so the whole suite stays under two minutes.  ``ci`` is the
full fuzz budget, which ``.ci/run`` runs on every submission.  Both are
derandomised, so every run tries the same examples and a failure can be
reproduced; ``long`` draws fresh random examples, many more of them, for a
fuzzing session (see docs/development.md, "Tests and fuzzing").
"""

import os
import tempfile

from hypothesis import HealthCheck, settings

_COMMON = dict(deadline=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                      HealthCheck.data_too_large, HealthCheck.filter_too_much])

settings.register_profile("quick", max_examples=25, derandomize=True, **_COMMON)
settings.register_profile("ci", max_examples=550, derandomize=True, **_COMMON)
settings.register_profile("long", max_examples=25_000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

# Incremental builds keep their manifests in the user's cache folder: the tests (and the
# builds they run in subprocesses) keep theirs in a folder of their own.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="decision-papers-tests-cache-")


import pytest  # noqa: E402


@pytest.fixture
def project_repo(tmp_path, monkeypatch):
    """A temporary git repository with the approved example committed; the current directory."""
    from support import new_project_repo
    return new_project_repo(tmp_path / "repo", monkeypatch)
