"""Reviewers get reproducible bytes, a freshness check, text diffs and a record."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest

from support import EXAMPLE, MINIMAL, PREVIOUS_VALUE_CHANGES, ROOT, build_copy, run

BUILD = [sys.executable, str(ROOT / "build.py")]


def hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def build_in_process(out: Path, **env) -> None:
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environment.update(env)
    subprocess.run([*BUILD, "-q", str(EXAMPLE), "--out", str(out)], check=True, env=environment,
                   cwd=ROOT)


def test_builds_in_different_processes_zones_locales_and_times_are_identical(tmp_path):
    build_in_process(tmp_path / "a", TZ="Pacific/Kiritimati", LANG="C", LC_ALL="C")
    time.sleep(2.2)  # zip timestamps have a 2-second resolution
    build_in_process(tmp_path / "b", TZ="America/Los_Angeles", LANG="en_GB.UTF-8",
                     LC_ALL="de_DE.UTF-8")
    first, second = hashes(tmp_path / "a"), hashes(tmp_path / "b")
    assert first == second
    assert len(first) == 3


def test_zip_entries_have_fixed_times_and_order(tmp_path):
    assert run(EXAMPLE, "--out", tmp_path).code == 0
    with zipfile.ZipFile(tmp_path / "pcd-1717.docx") as archive:
        infos = archive.infolist()
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    names = [i.filename for i in infos]
    assert names[0] == "[Content_Types].xml" and names[1:] == sorted(names[1:])


def test_properties_come_from_the_source_or_source_date_epoch(tmp_path):
    build_in_process(tmp_path / "plain")
    props = docx.Document(tmp_path / "plain" / "pcd-1717.docx").core_properties
    assert props.created.isoformat().startswith("2024-09-23T00:00:00")
    assert props.author == props.last_modified_by == "MAYOR OF LONDON OFFICE FOR POLICING AND CRIME"
    build_in_process(tmp_path / "epoch", SOURCE_DATE_EPOCH="1700000000")
    props = docx.Document(tmp_path / "epoch" / "pcd-1717.docx").core_properties
    assert props.created.isoformat().startswith("2023-11-14T22:13:20")
    assert props.modified == props.created
    # the paper's own text, the record, does not depend on when it was built
    assert (tmp_path / "epoch" / "pcd-1717.md").read_bytes() == \
        (tmp_path / "plain" / "pcd-1717.md").read_bytes()


def test_bad_source_date_epoch_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = run(EXAMPLE, "--out", tmp_path)
    assert result.code == 2
    assert result.err == "error: SOURCE_DATE_EPOCH='yesterday' is not a whole number of seconds.\n"


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """A folder with a draft copy of the example and its built outputs."""
    monkeypatch.chdir(tmp_path)
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["status"] = "draft"
    Path("decisions").mkdir()
    Path("decisions/pcd-1717.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert run("decisions/pcd-1717.json", "--out", "out").code == 0
    return tmp_path


def check():
    return run("decisions/pcd-1717.json", "--out", "out", "--check")


def test_check_passes_when_fresh_and_writes_nothing(workspace):
    before = hashes(Path("out"))
    result = check()
    assert (result.code, result.out, result.err) == (0, "all 3 outputs in out are fresh.\n", "")
    assert hashes(Path("out")) == before


def test_check_names_stale_missing_and_orphaned_outputs(workspace):
    Path("out/pcd-1717.md").write_text("edited by hand\n", encoding="utf-8")
    Path("out/pcd-1717.figures.json").unlink()
    Path("out/old-paper.docx").write_bytes(b"left over")
    result = check()
    assert result.code == 1
    assert result.err == (
        "missing: out/pcd-1717.figures.json; run build.py and commit out/\n"
        "stale: out/pcd-1717.md is not what its source builds; run build.py and commit out/\n"
        "--check failed: 2 findings; fix each as its line says.\n")
    assert Path("out/pcd-1717.md").read_text(encoding="utf-8") == "edited by hand\n"


def test_check_of_all_decisions_finds_orphans(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "out", tmp_path / "out")
    (tmp_path / "out" / "withdrawn-paper.md").write_text("old\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "decisions", tmp_path / "decisions")
    shutil.copytree(ROOT / "records", tmp_path / "records")
    result = run("--check", "--out", "out")
    assert result.code == 1
    assert result.err.splitlines()[0].startswith("orphaned: ")
    assert result.err.splitlines()[0].endswith("withdrawn-paper.md belongs to no decision; "
                                               "delete it (git rm out/withdrawn-paper.md)")


def test_committed_out_folder_is_fresh():
    result = run("--check")
    assert (result.code, result.err) == (0, "")


def test_textconv_prints_the_markdown_text_of_a_paper():
    result = run("textconv", ROOT / "out" / "pcd-1717.docx")
    assert result.code == 0
    assert result.out == (ROOT / "out" / "pcd-1717.md").read_text(encoding="utf-8")


def test_textconv_of_a_file_that_is_not_a_paper(tmp_path):
    (tmp_path / "x.docx").write_text("not a zip", encoding="utf-8")
    result = run("textconv", tmp_path / "x.docx")
    assert result.code == 1
    assert "cannot read this as a Word document" in result.err


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid",
                           *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(workspace):
    """A git repository holding the draft paper, its outputs and the diff driver."""
    git(workspace, "init", "-q")
    shutil.copy(ROOT / ".gitattributes", workspace / ".gitattributes")
    git(workspace, "config", "diff.decision-paper.textconv", f"{sys.executable} {ROOT / 'build.py'} textconv")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "paper")
    return workspace


def change_previous_value(repo: Path) -> None:
    source = repo / "decisions" / "pcd-1717.json"
    source.write_text(source.read_text(encoding="utf-8").replace(
        '"previous_value": 69260', '"previous_value": 69760'), encoding="utf-8")
    assert run("decisions/pcd-1717.json", "--out", "out").code == 0


def test_git_diff_of_the_docx_shows_exactly_the_changed_sentences(repo):
    change_previous_value(repo)
    diff = git(repo, "diff", "--", "out/pcd-1717.docx")
    changed = [line for line in diff.splitlines()
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    removed = [line[1:] for line in changed if line.startswith("-")]
    added = [line[1:] for line in changed if line.startswith("+")]
    assert len(removed) == len(added) == 6  # summary ×2, recommendation + bullet, 3.1, 5.1
    assert [r.replace("£83,820", "£84,320").replace("£111,845", "£112,345")
            .replace("£69,260", "£69,760") for r in removed] == added
    assert added[-1].startswith("5.1 This decision is seeking approval for a total variation")


def test_diff_reports_figures_and_text(repo):
    change_previous_value(repo)
    result = run("diff")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[:4] == PREVIOUS_VALUE_CHANGES
    assert "--- a/out/pcd-1717.md (HEAD)" in lines
    assert "+++ b/out/pcd-1717.md (working tree)" in lines
    assert sum(1 for line in lines if line.startswith("+") and not line.startswith("+++")) == 6


def test_diff_redline_marks_the_changes_as_tracked_changes(repo):
    change_previous_value(repo)
    result = run("diff", "--redline", "changes.docx")
    assert result.code == 0, result.err
    assert result.out.endswith("redline of pcd-1717 written to changes.docx\n")
    with zipfile.ZipFile(repo / "changes.docx") as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    deleted = re.findall(r"<w:delText[^>]*>([^<]*)</w:delText>", body)
    inserted = [t for chunk in re.findall(r"<w:ins [^>]*>(.*?)</w:ins>", body)
                for t in re.findall(r"<w:t[^>]*>([^<]*)</w:t>", chunk)]
    # words keep their punctuation ("£83,820."); compare the figures themselves
    assert sorted({t.rstrip(".,") for t in deleted}) == ["£111,845", "£69,260", "£83,820"]
    assert sorted({t.rstrip(".,") for t in inserted}) == ["£112,345", "£69,760", "£84,320"]


def test_diff_between_two_revisions_and_no_changes(repo):
    change_previous_value(repo)
    git(repo, "commit", "-qam", "new previous value")
    assert run("diff").out == "no changes between HEAD and working tree.\n"
    result = run("diff", "HEAD~1", "HEAD", "pcd-1717")
    assert result.out.startswith("pcd-1717: 3 figures changed\n")


def test_diff_outside_git_or_with_a_bad_revision_is_a_usage_error(repo, tmp_path_factory, monkeypatch):
    result = run("diff", "no-such-rev")
    assert result.code == 2 and result.err.startswith("error: ")
    monkeypatch.chdir(tmp_path_factory.mktemp("not-a-repo"))
    result = run("diff")
    assert result.code == 2 and result.err.startswith("error: not inside a git repository")


def test_a_draft_may_change_freely(workspace):
    change_previous_value(workspace)
    assert check().code == 0


def test_a_long_title_is_whole_in_the_paper_and_cut_in_the_title_property(tmp_path):
    title = "Buy " + "more " * 100 + "widgets"  # 511 characters; Word's property holds 255
    text = MINIMAL.read_text(encoding="utf-8").replace('"Buy more widgets"', json.dumps(title))
    _, result = build_copy(tmp_path, MINIMAL, text)
    assert result.code == 0, result.err
    word = docx.Document(tmp_path / "out" / "minimal.docx")
    shown = f"DRAFT – {title}"[:254] + "…"  # a draft says so, in its title too
    assert word.core_properties.title == shown
    assert f"Title: {title}" in [p.text for p in word.paragraphs]
    markdown = (tmp_path / "out" / "minimal.md").read_text(encoding="utf-8")
    assert f"title: {json.dumps(shown, ensure_ascii=False)}\n" in markdown
    assert run("textconv", tmp_path / "out" / "minimal.docx").out == markdown
