"""Real published decision papers, as an officer would encode them from their text.

``papers/real/`` holds papers of the GLA, MOPAC, councils and police and crime
commissioners, found in the stored public pages and cited by title and address
in ``papers/real/README.md``, with what a careful reader finds wrong in each,
written down before the tool ran.  Each paper has three files:

- ``<name>.json``: the paper as published, every figure as it prints;
- ``<name>.expect``: exactly what the build reports on it (nothing, for a paper a
  careful reader finds nothing wrong in: a control against false alarms);
- ``<name>-corrected.json``: the same paper with only its slips corrected, which
  must build with no message at all, even under ``--strict``.

They are the test that counts: a check is judged on papers as officers write them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from support import run

REAL = Path(__file__).parent / "papers" / "real"
NAMES = sorted(p.stem for p in REAL.glob("*.json") if not p.stem.endswith("-corrected"))
BODIES = {"gla": "GLA", "mopac": "MOPAC", "council": "council", "pcc": "police and crime "
                                                                       "commissioner"}


def build_here(source: Path, *options):
    """Copy ``source`` into the current folder and build it into ./out."""
    Path(source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return run(source.name, "--out", "out", *options)


def test_at_least_twelve_papers_from_at_least_four_kinds_of_body():
    assert len(NAMES) >= 12, NAMES
    kinds = {name.split("-")[0] for name in NAMES}
    assert kinds == set(BODIES), kinds
    for name in NAMES:
        assert (REAL / f"{name}-corrected.json").is_file(), name
        assert (REAL / f"{name}.expect").is_file(), name


def test_each_paper_is_cited_by_title_and_address():
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    for name in NAMES:
        row = next((line for line in readme.splitlines() if f"`{name}`" in line), None)
        assert row is not None, f"{name} is not in papers/real/README.md"
        assert re.search(r"https?://\S+", row), f"{name} has no address"


@pytest.mark.parametrize("name", NAMES)
def test_the_paper_as_published_gives_exactly_its_findings(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = build_here(REAL / f"{name}.json")
    expect = (REAL / f"{name}.expect").read_text(encoding="utf-8")
    assert result.err == expect
    assert "Traceback" not in result.err and "[internal]" not in result.err


@pytest.mark.parametrize("name", NAMES)
def test_the_corrected_paper_builds_with_no_message(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = build_here(REAL / f"{name}-corrected.json", "--strict")
    assert (result.code, result.err) == (0, "")


@pytest.mark.parametrize("name", NAMES)
def test_each_source_names_its_schema_and_its_own_id(name):
    for stem in (name, f"{name}-corrected"):
        data = json.loads((REAL / f"{stem}.json").read_text(encoding="utf-8"))
        assert data["id"] == stem
        assert data["$schema"] == f"../../../schema/forms/{data['form']['template']}.schema.json"
