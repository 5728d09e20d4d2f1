"""A corpus of realistic decision papers, one for each shape of decision.

Each shape has two sources in ``papers/``:

- ``<shape>.json``: a paper as a drafting officer would write it, consistent
  throughout.  It must build with no message at all.
- ``<shape>-inconsistent.json``: the same paper with one to three slips of
  the kind real papers have (a total that does not add up, an allocation
  over its cap, an instalment outside its period, a share rounded wrongly, a
  wrong claim, a date out of order...).  It must fail with exactly the
  messages in ``<shape>-inconsistent.expect``.

Both are built in a temporary folder, so the file names in the messages do
not depend on where the tests run.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pytest

from support import run

PAPERS = Path(__file__).parent / "papers"
SHAPES = sorted(p.stem for p in PAPERS.glob("*.json") if not p.stem.endswith("-inconsistent"))
ERROR_LINE = re.compile(r"^\S+:\d+:\d+: \$\S*: error \[[a-z_0-9]+\]: ", re.M)
"""A located error message (not a 'see also' or 'hint' line)."""


def build_here(source: Path):
    """Copy ``source`` into the current folder and build it into ./out."""
    Path(source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return run(source.name, "--out", "out")


def test_the_corpus_has_at_least_eight_shapes_each_with_an_inconsistent_twin():
    assert len(SHAPES) >= 8, SHAPES
    for shape in SHAPES:
        assert (PAPERS / f"{shape}-inconsistent.json").is_file(), shape
        assert (PAPERS / f"{shape}-inconsistent.expect").is_file(), shape
    stray = {p.name for p in PAPERS.iterdir() if p.is_file()} - {
        f"{shape}{suffix}" for shape in SHAPES
        for suffix in (".json", "-inconsistent.json", "-inconsistent.expect")}
    assert not stray, f"files in papers/ that belong to no shape: {sorted(stray)}"


@pytest.mark.parametrize("name", [f"{s}{t}" for s in SHAPES for t in ("", "-inconsistent")])
def test_every_source_names_the_schema_and_its_own_id(name):
    data = json.loads((PAPERS / f"{name}.json").read_text(encoding="utf-8"))
    assert data["$schema"] == "../../schema/forms/pcd-april-2023.schema.json"
    assert data["id"] == name
    assert data["form"]["template"] == "pcd-april-2023"
    assert data["organisation"]["rules"] == "mopac"


@pytest.mark.parametrize("shape", SHAPES)
def test_the_inconsistent_paper_is_the_same_paper_with_a_few_slips(shape):
    correct = (PAPERS / f"{shape}.json").read_text(encoding="utf-8").splitlines()
    twin = (PAPERS / f"{shape}-inconsistent.json").read_text(encoding="utf-8")
    twin = twin.replace(f'"id": "{shape}-inconsistent"', f'"id": "{shape}"').splitlines()
    changed = [line for line in difflib.unified_diff(correct, twin, lineterm="", n=0)
               if line.startswith("-") and not line.startswith("---")]
    assert 1 <= len(changed) <= 6, changed


@pytest.mark.parametrize("shape", SHAPES)
def test_the_correct_paper_builds_with_no_message(shape, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = build_here(PAPERS / f"{shape}.json")
    assert result.err == ""
    assert result.code == 0
    assert Path("out", f"{shape}.md").is_file()
    assert Path("out", f"{shape}.docx").is_file()
    assert Path("out", f"{shape}.figures.json").is_file()


@pytest.mark.parametrize("shape", SHAPES)
def test_the_inconsistent_paper_reports_exactly_its_slips(shape, tmp_path, monkeypatch):
    expect = (PAPERS / f"{shape}-inconsistent.expect").read_text(encoding="utf-8")
    assert ERROR_LINE.search(expect), "an inconsistent paper must have at least one error"
    monkeypatch.chdir(tmp_path)
    result = build_here(PAPERS / f"{shape}-inconsistent.json")
    assert "Traceback" not in result.err
    assert result.err == expect
    assert result.code == 1
    assert ERROR_LINE.search(result.err)
    assert not Path("out").exists()
