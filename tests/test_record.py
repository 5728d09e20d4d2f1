"""The record reviewers trust (issue 10): each test is the commands a user would run.

Each runs in a temporary git repository holding the approved example
(``project_repo``), and reproduces a way the approved-paper lock, the id
check or ``--check`` used to be bypassed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from support import edit, git, run

SOURCE = Path("decisions/pcd-1717.json")
OUTPUTS = ("out/pcd-1717.docx", "out/pcd-1717.figures.json", "out/pcd-1717.md")
FIX = ("an approved paper is a record: undo the change to the source, templates, rules or "
       "code. To correct the paper, add a corrigendum (its date and reason) to the source's "
       "corrigenda, build and commit, then run approve.")
CORRECTION = ('  "corrigenda": [{"date": "2024-10-02", "reason": "Paragraph 5.1 gave the '
              'previous value as £69,260; it was £69,760."}],\n  "publication": {')


def snapshot() -> dict[str, bytes]:
    return {name: Path(name).read_bytes() for name in OUTPUTS if Path(name).exists()}


@pytest.fixture
def recorded(project_repo):
    """The example approved, committed and recorded: ``approve``, then commit records/."""
    result = run("approve", "pcd-1717")
    assert result.code == 0, result.err
    assert result.out == (
        "recorded pcd-1717 (approved on 23 September 2024) in records/pcd-1717.json.\n"
        'next: git add records/pcd-1717.json && git commit -m "Record pcd-1717"\n')
    git(project_repo, "add", "records")
    git(project_repo, "commit", "-qm", "Record pcd-1717")
    assert run("--check").code == 0
    return project_repo


def change_previous_value() -> None:
    edit(SOURCE, '"previous_value": 69260', '"previous_value": 69760')


def test_the_record_names_its_text_figures_form_and_commit(recorded):
    record = json.loads(Path("records/pcd-1717.json").read_text(encoding="utf-8"))
    head = git(recorded, "rev-parse", "HEAD~1").strip()
    assert record["commit"] == head  # the commit holding the approved text
    assert record["form"] == {"template": "pcd-april-2023", "version": "PCD April 2023"}
    assert (record["id"], record["revision"], record["approved"]) == ("pcd-1717", 0, "2024-09-23")
    assert record["source"] == "decisions/pcd-1717.json"
    assert run("approve", "pcd-1717").out == \
        "pcd-1717 is already recorded in records/pcd-1717.json; nothing to do.\n"


def test_a_build_never_writes_a_record(project_repo):
    assert run().code == 0
    assert not Path("records").exists()


@pytest.mark.parametrize("damage", ["delete", "edit"])
def test_deleting_or_editing_the_output_does_not_unlock_the_text(recorded, damage):
    before = snapshot()
    if damage == "delete":
        Path("out/pcd-1717.md").unlink()
    else:
        Path("out/pcd-1717.md").write_text("edited by hand\n", encoding="utf-8")
    change_previous_value()
    result = run()
    assert result.code == 1
    assert result.err.splitlines()[:2] == [
        "decisions/pcd-1717.json: $.status: error [record]: pcd-1717 is approved and recorded "
        "in records/pcd-1717.json (approved on 23 September 2024), and its text would change; "
        'first change at line 20 of pcd-1717.md: "…to a total contract amount of £83,820. In '
        'addition to extend a separate MOPAC pilot…" would become "…to a total contract amount '
        'of £84,320. In addition to extend a separate MOPAC pilot…".',
        f"  hint: {FIX}"]
    assert {k: v for k, v in snapshot().items() if k != "out/pcd-1717.md"} == \
        {k: v for k, v in before.items() if k != "out/pcd-1717.md"}
    # undone, the build puts the recorded text back, whatever out/ held
    git(recorded, "checkout", "--", str(SOURCE))
    assert run().code == 0
    assert snapshot() == before


def test_a_recorded_paper_cannot_go_back_to_draft(recorded):
    before = snapshot()
    edit(SOURCE, '"status": "approved"', '"status": "draft"')
    result = run()
    assert result.code == 1
    assert result.err.splitlines()[:2] == [
        "decisions/pcd-1717.json: $.status: error [record]: pcd-1717 has a record "
        "(records/pcd-1717.json, approved on 23 September 2024), so it cannot be a draft again.",
        '  hint: set "status" back to "approved"; to correct the paper, add a corrigendum.']
    assert snapshot() == before
    # and back to approved with a change made meanwhile: still refused
    edit(SOURCE, '"status": "draft"', '"status": "approved"')
    change_previous_value()
    assert run().code == 1
    assert snapshot() == before


def test_a_trailing_space_in_the_form_version_is_no_new_form(recorded):
    edit(SOURCE, '"version": "PCD April 2023"', '"version": "PCD April 2023 "')
    result = run()
    assert result.code == 1
    assert result.err.splitlines()[:2] == [
        'decisions/pcd-1717.json:10:42: $.form.version: error [template]: the form pack '
        'templates/pcd-april-2023/ is the version "PCD April 2023", not "PCD April 2023 ".',
        '  hint: write "PCD April 2023", or name the pack of the version you mean in '
        'form.template (pcd-april-2023 is "PCD April 2023").']


def test_a_template_change_that_alters_an_approved_paper_fails(recorded):
    shutil.copytree(Path(__file__).resolve().parent.parent / "templates", "templates")
    edit(Path("templates/pcd-april-2023/form.json"),
         "I have been consulted", "I was consulted")
    result = run("--templates", "templates")
    assert result.code == 1
    assert 'would become "I was consulted about the proposal and confirm that financial, legal ' \
           'and equalities…".' in result.err


def test_check_in_ci_catches_a_deleted_output_then_a_rewritten_record(recorded):
    git(recorded, "rm", "-q", "out/pcd-1717.md")
    git(recorded, "commit", "-qm", "delete the Markdown")
    result = run("--check")
    assert (result.code, result.err) == (1, (
        "missing: out/pcd-1717.md; run build.py and commit out/\n"
        "--check failed: 1 finding; fix each as its line says.\n"))
    # the only way round the record is to rewrite it: --check holds it against git history
    change_previous_value()
    Path("records/pcd-1717.json").unlink()
    assert run().code == 0  # with no record the build cannot know (a warning says so)
    assert run("approve", "pcd-1717").code == 1  # not committed
    git(recorded, "add", "-A")
    git(recorded, "commit", "-qm", "edit and rebuild")
    result = run("approve", "pcd-1717")
    assert result.code == 0, result.err
    git(recorded, "add", "-A")
    git(recorded, "commit", "-qm", "record again")
    first = git(recorded, "rev-list", "--max-count=1", "HEAD~3").strip()[:7]
    last = git(recorded, "rev-parse", "--short=7", "HEAD").strip()
    result = run("--check")
    assert result.code == 1
    assert result.err == (
        f"record rewritten: records/pcd-1717.json was changed in commit {last} (Ada Officer, "
        f"2024-10-01) after it was recorded in commit {first}, but a record is never rewritten; "
        f"restore it: git checkout {first} -- records/pcd-1717.json (to correct the paper, add a "
        "corrigendum and approve it).\n"
        "--check failed: 1 finding; fix each as its line says.\n")


def test_check_reports_a_removed_record_and_an_orphaned_one(recorded):
    first = git(recorded, "rev-parse", "--short=7", "HEAD").strip()
    edit(SOURCE, '"id": "pcd-1717"', '"id": "pcd-1717-renamed"')
    shutil.move("records/pcd-1717.json", "records/pcd-1717-renamed.json")
    result = run("--check")
    lines = result.err.splitlines()
    assert result.code == 1
    assert "unreadable record: records/pcd-1717-renamed.json holds the record of pcd-1717 " \
           "revision 0, not the one its name says; restore it from git history (git log -- " \
           "records/)" in lines
    assert "record removed: records/pcd-1717.json was deleted (not committed yet), but a " \
           f"record is never removed; restore it: git checkout {first} -- " \
           "records/pcd-1717.json." in lines
    Path("records/pcd-1717-renamed.json").unlink()
    git(recorded, "checkout", "--", "records")
    result = run("--check")
    assert "orphaned record: records/pcd-1717.json is the record of pcd-1717, but no decision " \
           "in decisions/ has that id; a recorded decision is never deleted: restore its source " \
           "from git history (git log -- decisions/pcd-1717.json)." in result.err.splitlines()


def test_check_reports_a_record_that_its_commit_does_not_hold(recorded):
    record = json.loads(Path("records/pcd-1717.json").read_text(encoding="utf-8"))
    record["text_sha256"] = "0" * 64
    Path("records/pcd-1717.json").write_text(json.dumps(record), encoding="utf-8")
    result = run("--check")
    commit = record["commit"][:7]
    assert f"record untrue: records/pcd-1717.json says commit {commit} holds its text, but " \
           "out/pcd-1717.md there is different; a record is written only by approve: restore it " \
           "from git history (git log -- records/pcd-1717.json)." in result.err.splitlines()


def test_copying_the_example_without_a_new_id_is_refused_even_alone(recorded):
    before = snapshot()
    shutil.copy(SOURCE, "decisions/my-new-paper.json")
    expected = [
        'decisions/my-new-paper.json: $.id: error [id]: the id "pcd-1717" is also used by '
        "decisions/pcd-1717.json; both would write out/pcd-1717.docx.",
        "  hint: decisions/pcd-1717.json is the approved, recorded paper with that id: give this "
        "decision its own id.",
        "decisions/my-new-paper.json: not built (1 error); nothing was written for it."]
    result = run("decisions/my-new-paper.json")
    assert (result.code, result.out, result.err.splitlines()) == (1, "", expected)
    assert snapshot() == before
    # the full build blames the copy only: the recorded paper still builds
    result = run()
    assert result.code == 1
    assert result.err.splitlines() == expected
    assert result.out == "built decisions/pcd-1717.json -> out: pcd-1717.docx, " \
                         "pcd-1717.figures.json, pcd-1717.md\n"
    assert snapshot() == before


def test_a_corrigendum_is_a_separately_approved_revision(recorded):
    change_previous_value()
    edit(SOURCE, '  "publication": {', CORRECTION)
    result = run()
    assert result.code == 0
    assert result.err.splitlines() == [
        "decisions/pcd-1717.json: $.corrigenda[0]: warning [record]: corrigendum 1 of pcd-1717 "
        "is not approved yet.",
        "  hint: commit this paper (source and out/), then run approve pcd-1717 and commit "
        "records/."]
    text = Path("out/pcd-1717.md").read_text(encoding="utf-8")
    assert "**Corrigendum 1 (2 October 2024):** Paragraph 5.1 gave the previous value as " \
           "£69,260; it was £69,760." in text
    # CI does not pass a correction that is not approved
    result = run("--check")
    assert result.code == 1
    assert result.err.startswith(
        "decisions/pcd-1717.json: $.corrigenda[0]: error [record]: corrigendum 1 of pcd-1717 is "
        "not approved yet. Fix: Commit this paper")
    # nor does publish: the published text stays the recorded one
    shutil.rmtree("out")
    git(recorded, "checkout", "--", "out")
    assert run("publish", "--as-of", "2024-11-01", "site").out == \
        "held back pcd-1717: corrigendum 1 of pcd-1717 is not approved yet\n"
    assert run().code == 0
    git(recorded, "add", "-A")
    git(recorded, "commit", "-qm", "Corrigendum 1 of pcd-1717")
    result = run("approve", "pcd-1717")
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("recorded corrigendum 1 of pcd-1717 (approved on 2 October 2024) "
                                 "in records/pcd-1717.corrigendum-1.json.\n")
    correction = json.loads(Path("records/pcd-1717.corrigendum-1.json").read_text(encoding="utf-8"))
    assert correction["corrects"] == "records/pcd-1717.json"
    assert correction["reason"].startswith("Paragraph 5.1 gave the previous value")
    git(recorded, "add", "records")
    git(recorded, "commit", "-qm", "Record corrigendum 1 of pcd-1717")
    assert run("--check").code == 0
    assert sorted(p.name for p in Path("records").iterdir()) == [
        "pcd-1717.corrigendum-1.json", "pcd-1717.json"]
    result = run("publish", "--as-of", "2024-11-01", "site")
    assert result.out == "published pcd-1717: pcd-1717.docx, pcd-1717.figures.json, pcd-1717.md\n"
    assert "Corrigendum 1 (2 October 2024)" in Path("site/pcd-1717.md").read_text(encoding="utf-8")
    # a recorded correction is never withdrawn
    edit(SOURCE, CORRECTION, '  "publication": {')
    assert "records/pcd-1717.corrigendum-1.json records corrigendum 1, but the source lists no " \
           "corrigendum." in run().err


def test_a_correction_dated_before_the_approval_is_refused(recorded):
    edit(SOURCE, '  "publication": {', CORRECTION.replace("2024-10-02", "2024-09-01"))
    result = run()
    assert result.code == 1
    assert "error [date_order]" in result.err and "a correction comes after the approval" in \
        result.err


def test_approve_refuses_what_is_not_committed_or_not_approved(project_repo):
    result = run("approve", "nonsuch")
    assert (result.code, result.err) == (
        2, 'error: no decision in decisions/ has the id "nonsuch" (decisions: pcd-1717).\n')
    edit(SOURCE, "69260", "69760")
    result = run("approve", "pcd-1717")
    assert (result.code, result.err) == (1, (
        "error: pcd-1717 has changes that are not committed; build and commit the approved paper "
        'first: git add decisions/pcd-1717.json out/ && git commit -m "pcd-1717 approved".\n'))
    git(project_repo, "checkout", "--", str(SOURCE))
    edit(SOURCE, '"status": "approved"', '"status": "draft"')
    result = run("approve", "pcd-1717")
    assert (result.code, result.err) == (1, (
        'error: pcd-1717 is a draft: set "status": "approved" and approval.date, build and '
        "commit it, then approve it.\n"))
    assert not Path("records").exists()


def test_check_finds_a_part2_paper_inside_the_repository(recorded):
    Path("papers").mkdir()
    Path("papers/pcd-1717.part2.md").write_text("CONFIDENTIAL\n", encoding="utf-8")
    result = run("--check")
    assert (result.code, result.err) == (1, (
        "part2 in repo: papers/pcd-1717.part2.md is a Part 2 (confidential) paper inside the "
        "repository; move it out of the repository (and if it was committed, remove it from git "
        "history)\n"
        "--check failed: 1 finding; fix each as its line says.\n"))
    Path(".gitignore").write_text("/papers/\n", encoding="utf-8")
    assert run("--check").code == 0


@pytest.mark.parametrize("damage", [b"garbage\n", b"{}", b'{"format": 99}'])
def test_a_damaged_record_does_not_pass_for_no_record(recorded, damage):
    Path("records/pcd-1717.json").write_bytes(damage)
    change_previous_value()
    result = run()
    assert result.code == 1
    assert result.err.splitlines()[1] == (
        "  hint: restore it from git history (git log -- records/); a record is written only "
        "by approve.")
    assert result.err.startswith("decisions/pcd-1717.json: $.id: error [record]: "
                                 "records/pcd-1717.json ")


# --- found by the hostile review of the record ----------------------------------------------

def test_a_source_linked_into_decisions_is_still_held_to_its_record(recorded):
    Path("drafts").mkdir()
    git(recorded, "mv", str(SOURCE), "drafts/pcd-1717.json")
    SOURCE.symlink_to("../drafts/pcd-1717.json")
    edit(Path("drafts/pcd-1717.json"), '"previous_value": 69260', '"previous_value": 69760')
    result = run()
    assert result.code == 1 and "error [record]" in result.err


def test_a_copy_kept_elsewhere_cannot_overwrite_the_recorded_paper(recorded, tmp_path):
    before = snapshot()
    copy = tmp_path / "scratch" / "pcd-1717.json"
    copy.parent.mkdir()
    shutil.copy(SOURCE, copy)
    edit(copy, '"previous_value": 69260', '"previous_value": 69760')
    result = run(copy)
    assert result.code == 1
    assert 'error [id]: the id "pcd-1717" is also used by decisions/pcd-1717.json' in result.err
    assert snapshot() == before


def test_commands_from_a_subfolder_work_on_the_project_above(recorded, monkeypatch):
    monkeypatch.chdir("decisions")
    edit(Path("pcd-1717.json"), '"previous_value": 69260', '"previous_value": 69760')
    assert run("--check").code == 1
    assert run().code == 1


def merge_replacing_the_record(repo: Path) -> None:
    """A side branch records an edited paper; main merges it, taking the side's record."""
    git(repo, "checkout", "-q", "-b", "side", "HEAD~1")
    change_previous_value()
    assert run().code == 0  # no record on this branch yet
    git(repo, "commit", "-qam", "edit")
    assert run("approve", "pcd-1717").code == 0
    git(repo, "add", "records")
    git(repo, "commit", "-qm", "record the edit")
    git(repo, "checkout", "-q", "main")
    merged = subprocess.run(["git", "merge", "-q", "side"], cwd=repo, capture_output=True)
    assert merged.returncode == 1  # both added records/pcd-1717.json: take the side's
    git(repo, "checkout", "--theirs", ".")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "merge side")


def test_a_merge_that_replaces_a_record_is_reported(recorded):
    merge_replacing_the_record(recorded)
    result = run("--check")
    assert result.code == 1
    assert "record rewritten: records/pcd-1717.json was changed in commit" in result.err


def test_a_control_character_in_an_author_name_does_not_open_the_gate(recorded):
    change_previous_value()
    Path("records/pcd-1717.json").unlink()
    assert run().code == 0
    git(recorded, "commit", "-qam", "edit")
    assert run("approve", "pcd-1717").code == 0
    git(recorded, "add", "records")
    subprocess.run(["git", "commit", "-qm", "record again"], cwd=recorded, check=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "Ada\x01Officer"})
    result = run("--check")
    assert result.code == 1
    assert "record rewritten: records/pcd-1717.json was changed in commit" in result.err
    assert "(Ada\\x01Officer, 2024-10-01)" in result.err


def test_without_git_the_gate_fails_closed(recorded, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    result = run("--check")
    assert result.code == 1
    assert "records could not be checked against git history: git is not installed" in result.err


def test_a_recorded_correction_cannot_be_rewritten_with_the_next(recorded):
    change_previous_value()
    edit(SOURCE, '  "publication": {', CORRECTION)
    assert run().code == 0
    git(recorded, "commit", "-qam", "Corrigendum 1")
    assert run("approve", "pcd-1717").code == 0
    git(recorded, "add", "records")
    git(recorded, "commit", "-qm", "Record corrigendum 1")
    edit(SOURCE, CORRECTION, CORRECTION.replace("2024-10-02", "2024-09-23").replace(
        "}],", '}, {"date": "2024-09-23", "reason": "Nothing."}],'))
    result = run()
    assert result.code == 1
    assert "corrigendum 1 of pcd-1717 is recorded in records/pcd-1717.corrigendum-1.json as " \
           "approved on 2 October 2024, but the source now says something else about it." \
           in result.err


def test_a_project_in_a_folder_with_a_non_ascii_name_passes_its_check(tmp_path, monkeypatch):
    from support import new_project_repo
    repo = new_project_repo(tmp_path / "Décisions 2024", monkeypatch)
    assert run("approve", "pcd-1717").code == 0
    git(repo, "add", "records")
    git(repo, "commit", "-qm", "record")
    result = run("--check")
    assert (result.code, result.err) == (0, "")


def test_a_squashed_approval_stays_true(recorded):
    git(recorded, "checkout", "-q", "--orphan", "squashed")
    git(recorded, "commit", "-qm", "approved and recorded, squashed")
    git(recorded, "branch", "-D", "main")
    git(recorded, "reflog", "expire", "--expire=now", "--all")
    git(recorded, "gc", "-q", "--prune=now")
    result = run("--check")
    assert (result.code, result.err) == (0, "")


@pytest.mark.parametrize("field, value, why", [
    ("commit", "--output=x", "has no valid commit (a full commit hash)"),
    ("source", "decisions/\u0000x", "has no valid source"),
    ("source", "../elsewhere.json", "has no valid source"),
])
def test_a_record_with_a_forged_field_is_refused(recorded, field, value, why):
    path = Path("records/pcd-1717.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data[field] = value
    path.write_text(json.dumps(data), encoding="utf-8")
    change_previous_value()
    result = run()
    assert result.code == 1 and why in result.err and "Traceback" not in result.err
    assert not Path("x:out").exists()


def test_a_backup_beside_a_record_is_not_a_record(recorded):
    shutil.copy("records/pcd-1717.json", "records/pcd-1717.json~")
    Path("records/pcd-1717.json.orig").write_text("<<<<<<<\n", encoding="utf-8")
    assert run().code == 0


def test_a_records_folder_swapped_for_a_link_is_reported(recorded):
    git(recorded, "rm", "-rq", "records")
    Path("approvals").mkdir()
    Path("records").symlink_to("approvals")
    result = run("--check")
    assert result.code == 1
    assert "records/ is a symbolic link; the records must be the repository's own folder" \
        in result.err
