"""Part 2 stays out of the repository: the papers' folder, and a file holding the material.

Each test is a short command sequence in a temporary git repository holding
the approved example (``project_repo``), plus a draft with Part 2 material
(the example's own record must not change).
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

from support import MINIMAL, git, run

MATERIAL = {"exemption": {"basis": "FOIA section 43(2)", "reason": "Commercial."},
            "paragraphs": ["The lowest bid was {part2.figures.bid}."],
            "figures": {"bid": 5000}}


def draft(part2: dict) -> Path:
    """``decisions/minimal.json``: a draft whose Part 2 is ``part2``."""
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["publication"]["part2"] = True
    data["part2"] = part2
    path = Path("decisions/minimal.json")
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def refusal(folder: str, top: Path) -> str:
    return (f"error: --part2 {folder}: that folder is inside the git repository {top}, and git "
            "does not ignore it, so the Part 2 (confidential) papers could be committed; give "
            "a folder outside the repository (for example --part2 ../confidential), or add the "
            f"line /{folder}/ to {top}/.gitignore.\n")


def test_a_part2_folder_in_the_published_folder_is_refused_and_one_outside_is_not(
        project_repo, tmp_path):
    source = draft(MATERIAL)
    result = run(source, "--part2", "out/conf")
    assert (result.code, result.out, result.err) == \
        (2, "", refusal("out/conf", project_repo.resolve()))
    assert not Path("out/conf").exists() and not Path("out/minimal.md").exists()
    result = run(source, "--part2", tmp_path / "elsewhere", "-q")
    assert (result.code, result.err) == (0, "")
    assert sorted(p.name for p in (tmp_path / "elsewhere").iterdir()) == \
        ["minimal.part2.docx", "minimal.part2.md"]


def test_a_part2_folder_in_the_repository_is_refused_until_git_ignores_it(project_repo):
    source = draft(MATERIAL)
    result = run("--part2", "confidential")
    assert (result.code, result.err) == (2, refusal("confidential", project_repo.resolve()))
    assert git(project_repo, "status", "--porcelain") == "?? decisions/minimal.json\n"
    with open(".gitignore", "a", encoding="utf-8") as ignore:
        ignore.write("confidential/\n")
    result = run(source, "--part2", "confidential", "-q")
    assert (result.code, result.err) == (0, "")
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in Path("confidential").iterdir()}
    assert modes == {"minimal.part2.docx": 0o600, "minimal.part2.md": 0o600}


def test_part2_kept_in_a_file_outside_the_repository(project_repo, tmp_path):
    assert run(draft(MATERIAL), "-q").code == 0
    inline = Path("out/minimal.md").read_bytes()
    source = draft({"location": "../../confidential/minimal.part2.json"})
    result = run(source, "-q")  # the file does not exist: Part 1 never needs it
    assert (result.code, result.err) == (0, "")
    assert Path("out/minimal.md").read_bytes() == inline  # as if the material were inline

    missing = run(source, "--part2", tmp_path / "p2", "-q")
    assert (missing.code, missing.err) == (1, (
        "decisions/minimal.json:87:5: $.part2.location: error [part2]: the Part 2 file "
        "../confidential/minimal.part2.json does not exist.\n"
        "  hint: a location is read from this source's folder (decisions/); check the path, "
        "or build without --part2 (Part 1 does not need the file).\n"
        "decisions/minimal.json: not built (1 error); nothing was written for it.\n"))

    (tmp_path / "confidential").mkdir()
    material = tmp_path / "confidential" / "minimal.part2.json"
    material.write_text(json.dumps({**MATERIAL, "figures": {"bid": "£5,000"}}, indent=2),
                        encoding="utf-8")
    bad = run(source, "--part2", tmp_path / "p2", "-q")
    assert bad.err.startswith(
        "../confidential/minimal.part2.json:10:5: $.part2.figures.bid: error [schema]: expected "
        "an amount of money (a number such as 14560, without £ or commas), but found the text "
        '"£5,000".\n'), bad.err

    unfinished = {**MATERIAL, "paragraphs": ["[TO COMPLETE: part2.paragraphs: the advice]"]}
    material.write_text(json.dumps(unfinished, indent=2), encoding="utf-8")
    left = run(source, "--part2", tmp_path / "p2", "-q")  # its file may hold new's placeholders
    assert left.code == 1
    assert "$.part2.paragraphs[0]: error [placeholder]: this is still to complete: " \
           "[TO COMPLETE: part2.paragraphs: the advice]" in left.err

    material.write_text(json.dumps(MATERIAL, indent=2), encoding="utf-8")
    built = run(source, "--part2", tmp_path / "p2", "-q")
    assert (built.code, built.err) == (0, "")
    assert "1\\. The lowest bid was £5,000." in \
        (tmp_path / "p2" / "minimal.part2.md").read_text(encoding="utf-8")
    assert Path("out/minimal.md").read_bytes() == inline


def test_material_left_inline_beside_its_location_is_an_error_on_every_build(project_repo,
                                                                            tmp_path):
    source = draft({"location": "../../confidential/minimal.part2.json", **MATERIAL})
    result = run(source, "-q")
    assert (result.code, result.err) == (1, (
        "decisions/minimal.json:88:5: $.part2.exemption: error [part2]: part2.location says "
        "the Part 2 material is kept in ../../confidential/minimal.part2.json, but this source "
        "still holds part2.exemption, part2.paragraphs and part2.figures itself.\n"
        "  see also decisions/minimal.json:87:5: $.part2.location\n"
        "  hint: move them into that file and delete them here; if they were ever committed, "
        "they are in git history: ask the repository's administrator to purge them.\n"
        "decisions/minimal.json: not built (1 error); nothing was written for it.\n"))
    assert run(source, "--part2", tmp_path / "p2", "-q").err == result.err
    assert not Path("out/minimal.md").exists() and not (tmp_path / "p2").exists()


def test_a_part2_file_inside_the_repository_is_an_error(project_repo):
    source = draft({"location": "../confidential/minimal.part2.json"})
    top = project_repo.resolve()
    result = run(source, "-q")
    assert (result.code, result.err) == (1, (
        "decisions/minimal.json:87:5: $.part2.location: error [part2]: the Part 2 file "
        f"confidential/minimal.part2.json is inside the git repository {top}, and git does not "
        "ignore it, so it could be committed.\n"
        '  hint: keep it outside the repository (for example "location": '
        '"../../confidential/minimal.part2.json"), or add the line /confidential/ to '
        f"{top}/.gitignore; if it was ever committed, ask the repository's administrator to "
        "purge it from git history.\n"
        "decisions/minimal.json: not built (1 error); nothing was written for it.\n"))
    Path(".gitignore").write_text("/confidential/\n", encoding="utf-8")
    assert run(source, "-q").code == 0


def test_outputs_in_repo_finds_a_committed_part2_paper(project_repo):
    from decision_papers.review.gate import outputs_in_repo
    assert outputs_in_repo(project_repo) == []
    Path("notes").mkdir()
    Path("notes/x.part2.md").write_text("secret\n", encoding="utf-8")
    git(project_repo, "add", "notes")
    git(project_repo, "commit", "-qm", "oops")
    assert outputs_in_repo(project_repo) == [
        "part2 in repo: notes/x.part2.md is a Part 2 (confidential) paper inside the "
        "repository; move it out of the repository (and if it was committed, remove it from "
        "git history)"]
