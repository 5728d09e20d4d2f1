"""What an officer sees while drafting: `explain`, DRAFT until approved, the HTML paper."""

from __future__ import annotations

import json
import shutil

import docx

from support import run, source


def project(tmp_path, monkeypatch, *pids, change=None):
    """A project folder holding copies of bundled decisions, never built (no out/)."""
    (tmp_path / "decisions").mkdir()
    for pid in pids:
        data = json.loads(source(pid).read_text(encoding="utf-8"))
        if change:
            change(data)
        (tmp_path / "decisions" / f"{pid}.json").write_text(
            json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_explain_one_figure_of_a_paper_never_built(tmp_path, monkeypatch):
    project(tmp_path, monkeypatch, "md-3311")
    result = run("explain", "md-3311", "figures.decision_total")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "figures.decision_total: £1,250,000 (money)\n"
        "  label: expenditure the decision approves\n"
        "  stated at: decisions/md-3311.json:126:7: $.figures.decision_total.money\n"
        "  checked as: figures.delivery_contract + pots.grants.total\n"
        "  checks passed: one_value, sum, threshold_claim\n"
        "  printed at: executive summary paragraph 1, recommendation 1, paragraph 5.1\n")
    assert not (tmp_path / "out").exists()  # explaining writes nothing


def test_explain_and_the_preview_read_the_ledger_not_the_figures_file(tmp_path, monkeypatch):
    """The figures file is a published artifact: explain and the preview take the paper's
    figures from its ledger in memory, and never parse a figures file back."""
    from decision_papers.preview import page
    from decision_papers.projects import Project
    project(tmp_path, monkeypatch, "md-3311")
    loads = json.loads

    def no_figures_file(text, *args, **kwargs):
        assert not str(text[:40]).count('"decision"'), "a figures file was parsed back"
        return loads(text, *args, **kwargs)
    monkeypatch.setattr(json, "loads", no_figures_file)
    result = run("explain", "md-3311", "figures.decision_total")
    assert result.code == 0, result.err
    assert result.out.startswith("figures.decision_total: £1,250,000 (money)\n")
    shown = page.explain_page(Project(tmp_path), "md-3311", "figures.decision_total")
    assert "checked as: figures.delivery_contract + pots.grants.total" in shown
    assert 'href="/md-3311/explain/figures.decision_total"' in page.paper_page(
        Project(tmp_path), "md-3311")


def test_explain_a_group_shows_formats_derivations_and_unprinted_figures(tmp_path, monkeypatch):
    project(tmp_path, monkeypatch, "md-3311")
    result = run("explain", "md-3311", "budgets.programme.period")
    assert result.code == 0
    assert result.out.splitlines()[:4] == [
        "budgets.programme.period: 1 July 2025 to 31 March 2027 (period)",
        "  derived as: budgets.programme.period.start to budgets.programme.period.end",
        "  printed at: nowhere yet",
        "budgets.programme.period.end: 31 March 2027 (date)",
    ]
    assert "  printed at: executive summary paragraph 1, the risks table, row 1, the timetable " \
           "table, row 3, paragraph 1.2\n" in result.out  # the start, wherever it is printed
    assert "  also: {budgets.programme.years:years} prints two financial years" in \
        run("explain", "md-3311", "budgets.programme.years").out


def test_explain_every_figure_by_default(tmp_path, monkeypatch):
    project(tmp_path, monkeypatch, "kdr-2025-014")
    result = run("explain", "kdr-2025-014")
    assert result.code == 0
    ids = [line.split(":", 1)[0] for line in result.out.splitlines() if not line.startswith(" ")]
    assert ids == sorted(ids) and "thresholds.key_decision" in ids and "dates.published" in ids
    assert "dates.published: 16 September 2025 (date)\n" in result.out


def test_explain_an_unknown_figure_suggests_the_nearest(tmp_path, monkeypatch):
    project(tmp_path, monkeypatch, "md-3311")
    result = run("explain", "md-3311", "figures.decision_totl")
    assert (result.code, result.out) == (1, "")
    assert result.err == ('error: md-3311 has no figure "figures.decision_totl". Did you mean '
                          "figures.decision_total? List them all with: python build.py explain "
                          "md-3311\n")


def test_explain_an_unknown_id_names_the_ids_there_are(tmp_path, monkeypatch):
    project(tmp_path, monkeypatch, "md-3311", "kdr-2025-014")
    result = run("explain", "md-331")
    assert result.code == 2
    assert result.err == ('error: no decision in decisions/ has the id "md-331" (decisions: '
                          "kdr-2025-014, md-3311).\n")


def test_explain_works_while_the_paper_still_has_errors(tmp_path, monkeypatch):
    def change(data):
        data["part1"]["legal"][0] += " See {figures.nonesuch}."
    project(tmp_path, monkeypatch, "md-3311", change=change)
    result = run("explain", "md-3311", "figures.households")
    assert result.code == 0
    assert result.out.startswith("figures.households: 6,000 (count)\n")
    assert result.err == ("note: md-3311 does not build yet (1 error); see them with: "
                          "python build.py decisions/md-3311.json\n")


def test_explain_says_when_the_figures_cannot_be_worked_out(tmp_path, monkeypatch):
    def change(data):
        data["budgets"]["programme"]["total"] = "£1,250,000"
    project(tmp_path, monkeypatch, "md-3311", change=change)
    result = run("explain", "md-3311")
    assert (result.code, result.out) == (1, "")
    assert result.err == ("error: the figures of md-3311 cannot be worked out until its error "
                          "is fixed; see them with: python build.py decisions/md-3311.json\n")


def test_the_unknown_figure_hint_names_the_explain_command(tmp_path, monkeypatch):
    def change(data):
        data["part1"]["legal"][0] += " See {figures.housholds}."
    project(tmp_path, monkeypatch, "md-3311", change=change)
    result = run()
    assert result.code == 1
    assert "  hint: did you mean {figures.households}? (python build.py explain md-3311 lists " \
           "them all)\n" in result.err


# -- DRAFT until approved -----------------------------------------------------------------

def test_a_draft_says_draft_in_its_header_and_title_and_an_approved_paper_does_not(tmp_path):
    out = tmp_path / "out"
    assert run(source("md-3311"), source("pcd-1717"), "--out", out).code == 0
    draft, approved = docx.Document(out / "md-3311.docx"), docx.Document(out / "pcd-1717.docx")
    assert draft.sections[0].header.paragraphs[0].text == "DRAFT\tMD3311"
    assert draft.sections[0].header.paragraphs[0].runs[0].bold
    assert draft.core_properties.title == "DRAFT – Warm Homes Advice Service 2025-26 to 2026-27"
    assert (out / "md-3311.md").read_text(encoding="utf-8").startswith(
        '---\ntitle: "DRAFT – Warm Homes Advice Service 2025-26 to 2026-27"\n')
    assert approved.sections[0].header.paragraphs[0].text == "PCD 1717"
    assert not approved.core_properties.title.startswith("DRAFT")
    # textconv reads the draft back as the same Markdown, DRAFT and all
    result = run("textconv", out / "md-3311.docx")
    assert result.out == (out / "md-3311.md").read_text(encoding="utf-8")


def test_a_draft_part2_paper_carries_both_markings(tmp_path):
    data = json.loads(source("md-3311").read_text(encoding="utf-8"))
    data["publication"]["part2"] = True
    data["part2"] = {"exemption": {"basis": "FOIA section 43(2)", "reason": "Commercial."},
                     "paragraphs": ["Confidential."]}
    path = tmp_path / "md-3311.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run(path, "--out", tmp_path / "out", "--part2", tmp_path / "private")
    assert result.code == 0, result.err
    paper = docx.Document(tmp_path / "private" / "md-3311.part2.docx")
    assert paper.sections[0].header.paragraphs[0].text == (
        "DRAFT – CONFIDENTIAL – PART 2 – NOT FOR PUBLICATION\tMD3311")
    assert paper.core_properties.title.startswith("DRAFT – Part 2: ")
    shutil.rmtree(tmp_path / "private")


# -- the HTML paper ------------------------------------------------------------------------

def test_html_is_written_only_when_asked_and_says_draft_until_approved(tmp_path):
    out = tmp_path / "out"
    assert run(source("md-3311"), "--out", out).code == 0
    assert not (out / "md-3311.html").exists()
    result = run(source("md-3311"), source("pcd-1717"), "--out", out, "--html")
    assert result.code == 0
    assert "built " in result.out and "md-3311.html" in result.out
    draft = (out / "md-3311.html").read_text(encoding="utf-8")
    approved = (out / "pcd-1717.html").read_text(encoding="utf-8")
    assert '<header class="marking draft" aria-label="Status"><p>DRAFT</p></header>' in draft
    assert '<meta name="status" content="draft">' in draft
    assert "DRAFT" not in approved
    assert '<h2>Decision</h2>' in draft and '<html lang="en-GB">' in draft


def test_a_part2_html_paper_goes_only_to_the_part2_folder(tmp_path):
    data = json.loads(source("md-3311").read_text(encoding="utf-8"))
    data["publication"]["part2"] = True
    data["part2"] = {"exemption": {"basis": "FOIA section 43(2)", "reason": "Commercial."},
                     "paragraphs": ["CANARY-HTML-7f3a."]}
    path = tmp_path / "md-3311.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run(path, "--out", tmp_path / "out", "--part2", tmp_path / "private", "--html")
    assert result.code == 0, result.err
    assert "CANARY-HTML-7f3a" in (tmp_path / "private" / "md-3311.part2.html").read_text("utf-8")
    assert "CANARY-HTML-7f3a" not in (tmp_path / "out" / "md-3311.html").read_text("utf-8")
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.suffix == ".html") == \
        ["md-3311.html"]


# -- the tagged PDF ------------------------------------------------------------------------

def test_pdf_is_a_tagged_pdf_checked_as_it_is_built(tmp_path):
    from decision_papers.writers import pdf as write_pdf
    out = tmp_path / "out"
    result = run(source("kdr-2025-014"), "--out", out, "--pdf")
    assert (result.code, result.err) == (0, ""), result.err
    assert result.out.endswith("kdr-2025-014.md, kdr-2025-014.pdf\n")
    data = (out / "kdr-2025-014.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and write_pdf.check(data) == []


def test_pdf_without_libreoffice_says_how_to_install_it_and_writes_nothing(tmp_path,
                                                                          monkeypatch):
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    result = run(source("kdr-2025-014"), "--out", tmp_path / "out", "--pdf")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "error: LibreOffice is not installed, so no PDF can be made; install it (Debian/Ubuntu: "
        "sudo apt-get install libreoffice-writer-nogui; other systems: "
        "https://www.libreoffice.org/download/) or leave out --pdf.\n")
    assert not (tmp_path / "out").exists()


def test_a_fault_in_the_tool_on_one_paper_is_its_error_and_the_others_build(tmp_path,
                                                                           monkeypatch):
    from decision_papers import pipeline
    from support import ROOT
    monkeypatch.chdir(ROOT)  # messages show the source as decisions/md-3311.json
    real = pipeline.build_one

    def faulty(path, *args):
        if path.name == "md-3311.json":
            raise TypeError("'str' object does not support item assignment")
        return real(path, *args)
    monkeypatch.setattr(pipeline, "build_one", faulty)
    result = run(source("md-3311"), source("kdr-2025-014"), "--out", tmp_path / "out")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.splitlines()[:2] == [
        "decisions/md-3311.json: error [internal]: the tool failed on this paper (TypeError: 'str' "
        "object does not support item assignment); this is a fault in the tool.",
        "  hint: please report it with this source; the other papers were built."]
    assert (tmp_path / "out" / "kdr-2025-014.docx").is_file()
