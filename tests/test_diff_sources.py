"""``diff`` compares what the sources build (issue 10, part 4).

Each test is what a user would type in a project repository (the
``project_repo`` fixture: the approved example, built and committed by "Ada
Officer" on 2024-10-01 at 09:30 +01:00), then the exact lines ``diff`` prints.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from support import PREVIOUS_VALUE_CHANGES, ROOT, edit, git, run

SOURCE = Path("decisions/pcd-1717.json")

FIGURES = PREVIOUS_VALUE_CHANGES


def unbuilt(where: str) -> str:
    return (f"pcd-1717 {where}: out/ does not match the source (not rebuilt after a change, or "
            "built by another version of the tool); compared as the source builds.")


def test_a_source_change_committed_without_rebuilding_is_shown_and_said_unbuilt(project_repo):
    edit(SOURCE, '"previous_value": 69260', '"previous_value": 69760')
    git(project_repo, "commit", "-qam", "new previous value, out/ not rebuilt")
    result = run("diff", "HEAD~1", "HEAD")
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    assert lines[:5] == [unbuilt("at HEAD"), *FIGURES]
    assert lines[5:7] == ["--- a/out/pcd-1717.md (HEAD~1)", "+++ b/out/pcd-1717.md (HEAD)"]
    result = run("diff", "HEAD~1", "HEAD", "pcd-1717")
    assert result.out.splitlines()[:5] == [unbuilt("at HEAD"), *FIGURES]


def test_the_working_tree_is_said_unbuilt_too(project_repo):
    edit(SOURCE, '"previous_value": 69260', '"previous_value": 69760')
    result = run("diff")
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines()[:5] == [unbuilt("in the working tree"), *FIGURES]


def test_a_commit_whose_source_does_not_build_is_compared_as_committed(project_repo):
    edit(SOURCE, '"previous_value": 69260', '"previous_value": "lots"')
    git(project_repo, "commit", "-qam", "a source that does not build")
    result = run("diff", "HEAD~1", "HEAD")
    assert (result.code, result.err) == (0, "")
    assert result.out == ("pcd-1717 at HEAD: the source does not build with this version of "
                          "the tool; compared as committed in out/.\n"
                          "no changes between HEAD~1 and HEAD.\n")


def test_a_revision_that_is_neither_a_revision_nor_a_decision(project_repo):
    result = run("diff", "nonsuch", "HEAD")
    assert (result.code, result.out) == (2, "")
    assert result.err == ('error: "nonsuch" is neither a revision of this repository nor a '
                          "decision id (decisions: pcd-1717).\n")


def test_an_unknown_decision_or_too_many_arguments(project_repo):
    result = run("diff", "pcd-9999")
    assert (result.code, result.out) == (2, "")
    assert result.err == ('error: "pcd-9999" is neither a revision of this repository nor a '
                          "decision id (decisions: pcd-1717).\n")
    git(project_repo, "commit", "-q", "--allow-empty", "-m", "nothing")
    data = json.loads(SOURCE.read_text(encoding="utf-8"))
    data["id"] = "pcd-1800"
    Path("decisions/pcd-1800.json").write_text(json.dumps(data), encoding="utf-8")
    result = run("diff", "HEAD~1", "HEAD", "pcd-1800")
    assert (result.code, result.out) == (2, "")
    assert result.err == ('error: "pcd-1800" is not a decision at HEAD~1 or at HEAD '
                          "(decisions there: pcd-1717).\n")
    result = run("diff", "HEAD~1", "HEAD", "HEAD")
    assert (result.code, result.err) == (2, "error: give at most two revisions, not 3 "
                                            "(HEAD~1, HEAD, HEAD).\n")
    result = run("diff", "HEAD", "pcd-1717", "pcd-1800")
    assert (result.code, result.err) == (2, "error: give at most one decision, not 2 "
                                            "(pcd-1717, pcd-1800).\n")


def test_diff_piped_into_head_ends_quietly(project_repo):
    data = json.loads(SOURCE.read_text(encoding="utf-8"))
    for n in range(1801, 1806):  # five new papers: more than a pipe holds
        data["id"] = f"pcd-{n}"
        Path(f"decisions/pcd-{n}.json").write_text(json.dumps(data), encoding="utf-8")
    git(project_repo, "add", "decisions")
    git(project_repo, "commit", "-qm", "five more papers, not built")
    # python build.py diff HEAD~1 HEAD | head -1
    code, first, errors = piped(project_repo, "HEAD~1", "HEAD", lines=1)
    assert (code, errors) == (0, b"")
    assert first == ("pcd-1801 at HEAD: out/ has none of its files (never built); compared as "
                     "the source builds.\n").encode("utf-8")
    # python build.py diff HEAD HEAD | head -n 0: all of it is left for the flush at exit
    assert piped(project_repo, "HEAD", "HEAD", lines=0) == (0, b"", b"")


def piped(repo: Path, *argv: str, lines: int) -> tuple[int, bytes, bytes]:
    """``python build.py diff ARGV | head -n LINES``: diff's exit status, what head read,
    and what diff printed on stderr.  Output is block-buffered, as in a user's shell
    (``PYTHONUNBUFFERED`` would write each line at once, hiding a failed flush at exit)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    diff = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "diff", *argv], cwd=repo,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    read = b"".join(diff.stdout.readline() for _ in range(lines))
    diff.stdout.close()
    errors = diff.stderr.read()
    diff.stderr.close()
    return diff.wait(), read, errors


def insert_paragraph_2_1(repo: Path) -> None:
    """A new first paragraph in section 2, so 2.1 becomes 2.2 and so on; committed."""
    edit(SOURCE, '"issues": [\n', '"issues": [\n      "A new first issue.",\n')
    git(repo, "commit", "-qam", "a new paragraph 2.1")


def paragraph(document: str, text: str) -> list[tuple[str, str]]:
    """The runs of the paragraph holding ``text``: ``(ins|del|"", text with tabs)``."""
    found = next(p for p in re.findall(r"<w:p>.*?</w:p>", document) if text in p)
    runs = []
    for kind, tracked, plain in re.findall(r"<w:(ins|del) [^>]*>(.*?)</w:\1>|(<w:r>.*?</w:r>)",
                                           found):
        pieces = re.findall(r"<w:tab/>|<w:(?:t|delText)[^>]*>([^<]*)<", tracked or plain)
        runs.append((kind, "".join(piece or "\t" for piece in pieces)))
    return runs


def redline_xml(name: str) -> str:
    with zipfile.ZipFile(name) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def test_redline_of_a_renumbered_paragraph_keeps_its_tab(project_repo):
    insert_paragraph_2_1(project_repo)
    result = run("diff", "HEAD~1", "HEAD", "--redline", "changes.docx")
    assert result.code == 0, result.err
    document = redline_xml("changes.docx")
    assert paragraph(document, "Reflective support has been evaluated") == [
        ("del", "2.1\t"), ("ins", "2.2\t"),
        ("", "Reflective support has been evaluated widely within and around the health "
             "sector.")]


def test_redline_changes_are_the_commits_author_and_date(project_repo):
    insert_paragraph_2_1(project_repo)
    assert run("diff", "HEAD~1", "HEAD", "--redline", "changes.docx").code == 0
    document = redline_xml("changes.docx")
    assert set(re.findall(r'w:author="([^"]*)"', document)) == {"Ada Officer"}
    assert set(re.findall(r'w:date="([^"]*)"', document)) == {"2024-10-01T08:30:00Z"}


def test_redline_of_the_working_tree_is_the_users_at_source_date_epoch(project_repo,
                                                                        monkeypatch):
    git(project_repo, "config", "user.name", "Ben Reviewer")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1730000000")
    edit(SOURCE, '"previous_value": 69260', '"previous_value": 69760')
    assert run("diff", "--redline", "changes.docx").code == 0
    document = redline_xml("changes.docx")
    assert set(re.findall(r'w:author="([^"]*)"', document)) == {"Ben Reviewer"}
    assert set(re.findall(r'w:date="([^"]*)"', document)) == {"2024-10-27T03:33:20Z"}
