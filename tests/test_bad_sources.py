"""Bad sources get every error, located and explained; nothing is written.

Each case in ``cases/errors/*.case`` is a text replacement applied to
``fixtures/minimal.json`` and the exact error output expected::

    # one line saying what the case checks
    --- replace
    <text in minimal.json>
    --- with
    <replacement>
    --- expect
    <exact stderr>

For bytes that are not text (a byte order mark, bad UTF-8), a ``--- bytes``
section holds the whole file as a Python bytes literal instead.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from support import EXAMPLE, MINIMAL, read_case, run

CASES = sorted((Path(__file__).parent / "cases" / "errors").glob("*.case"))


def case_bytes(spec: dict[str, str]) -> bytes:
    """The source file a case describes."""
    if "bytes" in spec:
        return ast.literal_eval(spec["bytes"])
    original = MINIMAL.read_text(encoding="utf-8")
    assert original.count(spec["replace"]) == 1, "the case's text must occur once"
    return original.replace(spec["replace"], spec["with"]).encode("utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_error_case(case, tmp_path, monkeypatch):
    spec = read_case(case)
    monkeypatch.chdir(tmp_path)
    Path("minimal.json").write_bytes(case_bytes(spec))
    result = run("minimal.json", "--out", "out")
    assert result.err == spec["expect"] + "\n"
    assert result.code == 1
    assert "Traceback" not in result.err
    assert not Path("out").exists()


def test_other_papers_still_build_and_old_outputs_survive(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    good = Path("good.json")
    good.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    bad = Path("minimal.json")
    bad.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    assert run(good, bad, "--out", "out").code == 0
    before = {p.name: p.read_bytes() for p in Path("out").iterdir()}

    bad.write_text(MINIMAL.read_text(encoding="utf-8").replace('"id": "minimal"', '"id": 7'),
                   encoding="utf-8")
    result = run(good, bad, "--out", "out")

    assert result.code == 1
    # the good paper's inputs have not changed, so its outputs stand
    assert result.out == ("unchanged good.json -> out: pcd-1717.docx, pcd-1717.figures.json, "
                          "pcd-1717.md\n")
    assert "minimal.json: not built (1 error); nothing was written for it." in result.err
    after = {p.name: p.read_bytes() for p in Path("out").iterdir()}
    assert after == before  # the bad paper's old outputs are untouched
    assert not [p for p in os.listdir("out") if p.endswith(".tmp")]


def test_directory_and_missing_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("folder").mkdir()
    result = run("folder", "missing.json", "--out", "out")
    assert result.code == 1
    assert result.err == (
        "folder: error [json]: this is a folder, not a decision file.\n"
        "  hint: give the path of a .json file inside it.\n"
        "folder: not built (1 error); nothing was written for it.\n"
        "missing.json: error [json]: no such file.\n"
        "  hint: check the spelling of the path.\n"
        "missing.json: not built (1 error); nothing was written for it.\n"
    )


def test_usage_error_exits_2():
    result = run("--no-such-option")
    assert result.code == 2
    assert "unrecognized arguments: --no-such-option" in result.err


def test_an_unreadable_file_is_reported(tmp_path, monkeypatch):
    source = tmp_path / "locked.json"
    source.write_text("{}", encoding="utf-8")
    real = Path.open

    def refuse(self, *args, **kwargs):
        if self.name == "locked.json":
            raise PermissionError(13, "Permission denied")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)  # root can read anything, so simulate
    monkeypatch.chdir(tmp_path)
    result = run("locked.json", "--out", "out")
    assert result.code == 1
    assert result.err.splitlines()[:2] == [
        "locked.json: error [json]: the file cannot be read (Permission denied).",
        "  hint: check that you have permission to read it."]
