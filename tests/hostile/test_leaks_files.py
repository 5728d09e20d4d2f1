"""Leaks through files: what stays published, and who may read what was written.

Each test reproduces an attack from the hostile review (issue 13) first.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from support import MINIMAL, run

SUFFIXES = (".docx", ".figures.json", ".md")


def decision(folder: Path, pid: str, status: str = "approved", deferred_until: str | None = None,
             part2: bool = False, broken: bool = False) -> Path:
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["id"], data["status"] = pid, status
    if status == "approved":
        data["approval"]["date"] = "2024-09-12"
    if deferred_until:
        data["publication"].update(deferred=True, reason="Until the tender is published",
                                   until=deferred_until)
    if part2:
        data["publication"]["part2"] = True
        data["part2"] = {"exemption": {"basis": "FOIA section 43(2)", "reason": "Commercial."},
                         "paragraphs": ["The lowest bid was confidential."]}
    folder.mkdir(exist_ok=True)
    path = folder / f"{pid}.json"
    path.write_text(json.dumps(data, indent=2) + ("}" if broken else ""), encoding="utf-8")
    return path


def files(pid: str) -> list[str]:
    return [pid + suffix for suffix in SUFFIXES]


def publish(*args):
    """Record every approved paper (as ``approve`` does, outside git here), then publish."""
    for path in sorted(Path("decisions").glob("*.json")):
        if '"status": "approved"' in path.read_text(encoding="utf-8") and \
                not Path("records", path.name).exists():
            run("approve", path.stem)
    return run("publish", "--as-of", "2024-11-01", "site", *args)


def test_publish_removes_a_paper_reverted_to_draft_or_deferred_and_nothing_else(
        tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sources = [decision(Path("decisions"), pid) for pid in ("a-kept", "b-reverted", "c-deferred")]
    first = publish(*sources)
    assert first.code == 0, first.err
    site = Path("site")
    assert sorted(p.name for p in site.iterdir()) == sorted(
        files("a-kept") + files("b-reverted") + files("c-deferred"))
    # the site's own files, some named like a paper's: publish never wrote them
    for name in ("index.html", "b-reverted.txt", "b-reverted.pdf", ".htaccess"):
        (site / name).write_text("the web team's\n", encoding="utf-8")
    (site / "c-deferred.md.d").mkdir()
    kept = {p.name: p.read_bytes() for p in site.iterdir() if p.is_file()}

    decision(Path("decisions"), "b-reverted", status="draft")
    decision(Path("decisions"), "c-deferred", deferred_until="2024-12-01")
    second = publish(*sources)
    # both are recorded, so the record refuses the change: the papers fail and leave the set
    assert second.code == 1
    assert "b-reverted has a record (records/b-reverted.json, approved on 12 September 2024), " \
           "so it cannot be a draft again." in second.err
    assert second.out == (
        "published a-kept: a-kept.docx, a-kept.figures.json, a-kept.md\n"
        "removed b-reverted: its source has errors\n"
        "removed c-deferred: its source has errors\n")
    assert sorted(p.name for p in site.iterdir()) == sorted(
        files("a-kept") + [".htaccess", "b-reverted.pdf", "b-reverted.txt", "c-deferred.md.d",
                           "index.html"])
    for name in (".htaccess", "b-reverted.pdf", "b-reverted.txt", "index.html"):
        assert (site / name).read_bytes() == kept[name]
    for name in files("a-kept"):
        assert (site / name).read_bytes() == kept[name]
    # held back again: nothing left to remove, so it is only held back
    third = publish(*sources)
    assert "held back b-reverted: its source has errors\n" in third.out
    assert "removed" not in third.out


def test_publish_removes_a_paper_whose_source_broke_or_went(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = Path("decisions")
    sources = [decision(folder, pid) for pid in ("a-broken", "b-gone", "c-kept")]
    assert publish().code == 0
    decision(folder, "a-broken", broken=True)
    sources[1].unlink()
    Path("records/b-gone.json").unlink()
    result = publish()
    assert result.code == 1
    assert result.out == (
        "removed a-broken: its source has errors\n"
        "published c-kept: c-kept.docx, c-kept.figures.json, c-kept.md\n"
        "removed b-gone: its source is no longer among the decisions\n")
    assert sorted(p.name for p in Path("site").iterdir()) == files("c-kept")


def test_publish_into_a_file_is_a_clear_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("site").write_text("not a folder\n", encoding="utf-8")
    result = publish(decision(Path("decisions"), "a-paper"))
    assert (result.code, result.out) == (2, "")
    assert result.err == "error: site is a file, not a folder; give publish a folder to write " \
                         "the publication set into.\n"
    assert Path("site").read_text(encoding="utf-8") == "not a folder\n"


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077, 0o277], ids=oct)
def test_part2_files_are_owner_only_and_part1_files_follow_the_umask(tmp_path, mask):
    source = decision(tmp_path / "decisions", "secret", status="draft", part2=True)
    previous = os.umask(mask)
    try:
        result = run(source, "--out", tmp_path / "out", "--part2", tmp_path / "part2")
    finally:
        os.umask(previous)
    assert result.code == 0, result.err
    part1 = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "out").iterdir()}
    part2 = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "part2").iterdir()}
    assert part1 == {name: 0o666 & ~mask for name in files("secret")}
    assert part2 == {"secret.part2.docx": 0o600, "secret.part2.md": 0o600}
    assert stat.S_IMODE((tmp_path / "part2").stat().st_mode) == 0o700


def test_a_part2_file_rewritten_over_a_readable_one_becomes_owner_only(tmp_path):
    source = decision(tmp_path / "decisions", "secret", status="draft", part2=True)
    (tmp_path / "part2").mkdir(mode=0o755)
    (tmp_path / "part2" / "secret.part2.md").write_text("old\n", encoding="utf-8")
    os.chmod(tmp_path / "part2" / "secret.part2.md", 0o644)
    result = run(source, "--out", tmp_path / "out", "--part2", tmp_path / "part2", "-q")
    assert result.code == 0, result.err
    assert stat.S_IMODE((tmp_path / "part2" / "secret.part2.md").stat().st_mode) == 0o600
