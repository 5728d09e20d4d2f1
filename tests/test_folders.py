"""Decisions kept as folders (prose in Markdown files), and ``new`` to start one."""

from __future__ import annotations

import json

import pytest

from support import run, source

GLA_FILES = {"part1.background": "background.md", "part1.financial": "financial.md",
             "recommendations": "recommendations.md", "executive_summary": "summary.md"}


def as_folder(project, pid: str, files: dict[str, str]):
    """Write bundled decision ``pid`` as ``decisions/<pid>/``, its parts in ``files``
    moved into Markdown files; return the folder."""
    data = json.loads(source(pid).read_text(encoding="utf-8"))
    folder = project / "decisions" / pid
    folder.mkdir(parents=True)
    for place, name in files.items():
        parts = place.split(".")
        parent = data
        for part in parts[:-1]:
            parent = parent[part]
        (folder / name).write_text("\n\n".join(parent.pop(parts[-1])) + "\n", encoding="utf-8")
    data["$schema"] = "../" + data["$schema"]
    (folder / "decision.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    return folder


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "decisions").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_folder_builds_exactly_the_paper_its_json_builds(project):
    as_folder(project, "md-3311", GLA_FILES)
    result = run()
    assert (result.code, result.err) == (0, "")
    assert result.out == ("built decisions/md-3311 -> out: md-3311.docx, md-3311.figures.json, "
                          "md-3311.md\n")
    assert run(source("md-3311"), "--out", project / "from-json").code == 0
    for suffix in (".docx", ".md", ".figures.json"):
        assert (project / "out" / f"md-3311{suffix}").read_bytes() == \
            (project / "from-json" / f"md-3311{suffix}").read_bytes(), suffix
    assert run("--check").code == 0


def test_markdown_paragraphs_bullets_and_figures(project):
    folder = as_folder(project, "md-3311", {"part1.financial": "financial.md"})
    (folder / "financial.md").write_text(
        "Approval is sought for up to {figures.decision_total}:\n\n"
        "* up to {figures.delivery_contract} on **the contract**; and\n"
        "  - nested, with a line\n  that runs on;\n"
        "+ up to {pots.grants.total} on *grants*.\n\n"
        "A second paragraph.\n", encoding="utf-8")
    assert run().code == 0
    text = (project / "out" / "md-3311.md").read_text(encoding="utf-8")
    assert ("5.1 Approval is sought for up to £1,250,000:\n\n"
            "- up to £750,000 on **the contract**; and\n"
            "  - nested, with a line that runs on;\n"
            "- up to £500,000 on *grants*.\n\n"
            "5.2 A second paragraph.\n") in text


@pytest.mark.parametrize("text, line, message, hint", [
    ("Fine.\n\n## Costs\n", "3:1", "this line is a heading, which a section's text cannot have.",
     "the form gives every heading; write this as an ordinary sentence, or delete it."),
    ("Fine.\n\n1. First point.\n", "3:1", "this line is a numbered list item, which a section's "
     "text cannot have.", "the form numbers the paragraphs: write each point as a paragraph "
     "of its own (a blank line between them), without a number."),
    ("Fine.\n\n| a | b |\n", "3:1", "this line is a table row, which a section's text cannot have.",
     "a table must come from the form; write the facts as sentences or bullets."),
    ("First.\n\nSecond, which\ncosts {figures.decision_totl}.\n", "4:7",
     '"{figures.decision_totl}" does not name a figure.',
     "did you mean {figures.decision_total}? (python build.py explain md-3311 lists them all)"),
    ("First.\n\nSecond costs {figures.decision_total.\n", "3:14",
     '"{figures.decision_total." looks like a figure reference but is not closed.',
     "close it: {figures.decision_total.}. A brace can only start a figure reference, such as "
     "{figures.total}."),
])
def test_a_problem_in_a_markdown_file_is_reported_at_its_line(project, text, line, message,
                                                              hint):
    folder = as_folder(project, "md-3311", {"part1.financial": "financial.md"})
    (folder / "financial.md").write_text(text, encoding="utf-8")
    result = run()
    assert result.code == 1 and not (project / "out").exists()
    first, second = result.err.splitlines()[:2]
    assert first.startswith(f"decisions/md-3311/financial.md:{line}: $.part1.financial")
    assert first.endswith(message), first
    assert second == f"  hint: {hint}"


def test_a_part_given_twice_or_a_file_the_form_does_not_read_is_refused(project):
    folder = as_folder(project, "md-3311", {"part1.financial": "financial.md"})
    (folder / "legal.md").write_text("Given twice.\n", encoding="utf-8")
    (folder / "notes.md").write_text("Stray notes.\n", encoding="utf-8")
    result = run()
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0].startswith("decisions/md-3311/decision.json:")
    assert lines[0].endswith("error [source]: part1.legal is given twice: in decision.json and "
                             "in legal.md.")
    assert lines[1:3] == [
        "  see also decisions/md-3311/legal.md",
        "  hint: keep one: delete part1.legal from decision.json, or delete legal.md."]
    assert lines[3] == ("decisions/md-3311/notes.md: error [source]: notes.md is not a file this "
                        "form reads, so its text would be left out.")
    assert lines[4].startswith("  hint: rename it to one of the form's files (background.md, ")


def test_a_json_only_folder_and_a_single_file_source_still_build(project):
    as_folder(project, "md-3311", {})
    (project / "decisions" / "pcd-1717.json").write_text(source("pcd-1717").read_text("utf-8"),
                                                          encoding="utf-8")
    result = run()
    assert result.code == 0, result.err
    assert sorted(p.name for p in (project / "out").iterdir()) == [
        "md-3311.docx", "md-3311.figures.json", "md-3311.md",
        "pcd-1717.docx", "pcd-1717.figures.json", "pcd-1717.md"]


# -- new -------------------------------------------------------------------------------

def test_new_writes_every_required_part_and_its_placeholders_fail_the_build(project):
    result = run("new", "kdr-2025-020", "--form", "council-kdr-2024")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "wrote decisions/kdr-2025-020/: decision.json, reasons.md, recommendations.md\n"
        "fill in each [TO COMPLETE: …] (the build lists them), then build it with: "
        "python build.py decisions/kdr-2025-020\n")
    folder = project / "decisions" / "kdr-2025-020"
    data = json.loads((folder / "decision.json").read_text(encoding="utf-8"))
    assert data["status"] == "draft" and data["form"] == {
        "template": "council-kdr-2024", "version": "Key Decision Record 2024"}
    assert data["dates"] == {"decision": "[TO COMPLETE: dates.decision: date]",
                             "published": "[TO COMPLETE: dates.published: date]",
                             "effective_from": "[TO COMPLETE: dates.effective_from: date]"}
    assert (folder / "reasons.md").read_text(encoding="utf-8") == \
        "[TO COMPLETE: part1.reasons: Reasons for the decision]\n"
    built = run()
    assert built.code == 1 and not (project / "out").exists()
    errors = [line for line in built.err.splitlines() if " error [" in line]
    assert all("error [placeholder]: this is still to complete: [TO COMPLETE: " in line
               for line in errors)
    assert len(errors) == 15
    assert errors[-1] == ("decisions/kdr-2025-020/recommendations.md:1:1: $.recommendations[0]: "
                          "error [placeholder]: this is still to complete: [TO COMPLETE: "
                          "recommendations: The decision: each item is lettered (a), (b)]")


def test_new_from_an_earlier_decision_copies_its_prose_not_its_figures_dates_or_id(project):
    (project / "decisions" / "md-3311.json").write_text(source("md-3311").read_text("utf-8"),
                                                         encoding="utf-8")
    result = run("new", "md-3400", "--from", "md-3311")
    assert result.code == 0, result.err
    folder = project / "decisions" / "md-3400"
    data = json.loads((folder / "decision.json").read_text(encoding="utf-8"))
    assert data["id"] == "md-3400" and data["status"] == "draft"
    assert data["reference"].startswith("[TO COMPLETE: reference")
    for block in ("figures", "budgets", "pots", "dates", "claims"):
        assert block not in data
    assert "date" not in data["finance"] and "date" not in data["chief_of_staff"]
    assert data["officers"]["confirmed"] == {"drafting": False, "sponsoring": False,
                                             "adviser": False}
    assert all(row["confirmed"] is False for row in data["declarations"])
    original = json.loads(source("md-3311").read_text(encoding="utf-8"))
    assert (folder / "background.md").read_text(encoding="utf-8") == \
        "\n\n".join(original["part1"]["background"]) + "\n"
    assert data["tables"]["spend"].startswith("[TO COMPLETE: tables.spend")


@pytest.mark.parametrize("argv, message", [
    (["new", "md-3311", "--form", "gla-md-2024"],
     'error: the id "md-3311" is already used by decisions/md-3311.json; choose a new id.\n'),
    (["new", "MD-1", "--form", "gla-md-2024"],
     'error: "MD-1" cannot be an id: use lower-case letters, digits and hyphens, e.g. '
     "md-3400.\n"),
    (["new", "md-1", "--form", "gla-md"], 'error: there is no form "gla-md"; the forms are: '
     "council-kdr-2024, gla-md-2024, pcd-april-2023.\n"),
    (["new", "md-1"], "error: give the form with --form; the forms are: council-kdr-2024, "
     "gla-md-2024, pcd-april-2023.\n"),
    (["new", "md-1", "--from", "md-9999"], 'error: no decision in decisions/ has the id '
     '"md-9999" (decisions: md-3311).\n'),
])
def test_new_refuses_what_it_cannot_do(project, argv, message):
    (project / "decisions" / "md-3311.json").write_text(source("md-3311").read_text("utf-8"),
                                                         encoding="utf-8")
    result = run(*argv)
    assert (result.code, result.out, result.err) == (2, "", message)
    assert sorted(p.name for p in (project / "decisions").iterdir()) == ["md-3311.json"]


# -- what a hostile review found -------------------------------------------------------

def test_a_markdown_file_that_is_a_folder_or_a_pipe_is_refused_not_read(project):
    import os
    folder = as_folder(project, "md-3311", {"part1.background": "background.md",
                                            "part1.legal": "legal.md"})
    (folder / "background.md").unlink()
    (folder / "background.md").mkdir()
    (folder / "legal.md").unlink()
    os.mkfifo(folder / "legal.md")
    (project / "decisions" / "pcd-1717.json").write_text(source("pcd-1717").read_text("utf-8"),
                                                          encoding="utf-8")
    result = run()  # returns: nothing waits on the pipe, and the other paper still builds
    assert result.code == 1
    assert "decisions/md-3311/background.md: error [source]: this is a folder, not a Markdown " \
           "file.\n" in result.err
    assert "decisions/md-3311/legal.md: error [source]: this is not an ordinary file, not a " \
           "Markdown file.\n" in result.err
    assert "built decisions/pcd-1717.json" in result.out


def test_a_section_file_whose_parent_is_not_a_block_is_an_error_not_a_crash(project):
    folder = as_folder(project, "md-3311", {"part1.financial": "financial.md"})
    data = json.loads((folder / "decision.json").read_text(encoding="utf-8"))
    data["part1"] = "oops"
    (folder / "decision.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = run()
    assert result.code == 1 and "Traceback" not in result.err
    assert "$.part1: error [source]: part1 in decision.json is not a block of fields ({ … }), " \
           "so financial.md cannot go in it." in result.err


def test_markdown_structure_indented_up_to_three_spaces_is_still_refused(project):
    folder = as_folder(project, "md-3311", {"part1.financial": "financial.md"})
    for text, what in (("Fine.\n\n  # Indented\n", "a heading"),
                       ("Fine.\n\n 1. item\n", "a numbered list item"),
                       ("Fine.\nAn underline\n===\n", "a heading underline or a rule")):
        (folder / "financial.md").write_text(text, encoding="utf-8")
        result = run()
        assert result.code == 1
        assert f"error [source]: this line is {what}, which a section's text cannot have." \
            in result.err


def test_a_wrongly_cased_file_name_is_named(project):
    as_folder(project, "md-3311", {"part1.financial": "FINANCIAL.MD"})
    result = run()
    assert result.code == 1
    assert "decisions/md-3311/FINANCIAL.MD: error [source]: FINANCIAL.MD is not a file this " \
           "form reads: the form's file is financial.md, in lower case." in result.err


def test_new_from_copies_no_publication_deferral_and_refuses_a_misshapen_source(project):
    (project / "decisions" / "pcd-1717.json").write_text(source("pcd-1717").read_text("utf-8"),
                                                          encoding="utf-8")
    assert run("new", "pcd-1800", "--from", "pcd-1717").code == 0
    data = json.loads((project / "decisions" / "pcd-1800" / "decision.json").read_text("utf-8"))
    assert data["publication"] == {"deferred": False, "part2": False}
    assert oct((project / "decisions" / "pcd-1800").stat().st_mode & 0o777) != "0o700"
    (project / "odd.json").write_text(
        '{"id": "x1", "form": {"template": "gla-md-2024"}, "officers": "Bob"}', encoding="utf-8")
    result = run("new", "x2", "--from", "odd.json")
    assert (result.code, result.err) == (2, "error: odd.json cannot be copied: it is not a "
                                            "decision of the shape its form needs; build it to "
                                            "see why, or start without --from.\n")
