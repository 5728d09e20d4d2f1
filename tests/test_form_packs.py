"""Forms as data (issue 9): three real forms, each a pack of data, and what each prints.

The MOPAC PCD, the GLA Mayoral Decision and a council's key-decision record
are built from their bundled examples; each of their words, numbering,
tables and date rules comes from the pack (``templates/<form>/form.json``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from decision_papers.document.from_markdown import label, parse
from decision_papers.document.model import NumberedParagraph
from support import ROOT, build_with_descriptor, built, run, source

BUNDLED = {  # decision id: (form pack, heading text its first page shows)
    "pcd-1717": ("pcd-april-2023", "DMPC Decision – PCD 1717"),
    "md-3311": ("gla-md-2024", "REQUEST FOR MAYORAL DECISION – MD3311"),
    "kdr-2025-014": ("council-kdr-2024", "RECORD OF AN OFFICER KEY DECISION – KDR 2025/014"),
}


def test_every_form_has_a_bundled_decision_that_builds_clean(tmp_path):
    packs = sorted(p.name for p in (ROOT / "templates").iterdir() if (p / "form.json").is_file())
    assert sorted(form for form, _ in BUNDLED.values()) == packs
    for pid in BUNDLED:
        _, result = built(tmp_path, pid)
        assert result.code == 0 and result.err == "", result.err
        assert (tmp_path / "out" / f"{pid}.docx").is_file()


def test_a_pack_holds_only_what_differs_from_the_shared_base():
    """What every form shares lives once, in templates/_base/: no pack carries a copy of a
    base template, nor of another pack's."""
    base = ROOT / "templates" / "_base"
    packs = [p for p in (ROOT / "templates").iterdir() if (p / "form.json").is_file()]
    seen: dict[bytes, str] = {f.read_bytes(): f"_base/{f.name}" for f in base.glob("*.j2")}
    for pack in sorted(packs):
        for template in sorted(pack.glob("*.j2")):
            text = template.read_bytes()
            assert text not in seen, f"{pack.name}/{template.name} copies {seen.get(text)}"
            seen[text] = f"{pack.name}/{template.name}"


# -- numbering ------------------------------------------------------------------------

@pytest.mark.parametrize("style, number, expected", [
    ("(a)", 1, "(a)"), ("(a)", 26, "(z)"), ("(a)", 27, "(aa)"), ("(i)", 4, "(iv)"),
    ("(i)", 9, "(ix)"), ("(i)", 14, "(xiv)"), ("1.", 3, "(3)"),
])
def test_lettered_labels(style, number, expected):
    assert label(style, number) == expected


def test_a_lettered_list_and_its_sub_items_are_paragraphs_of_two_levels():
    blocks = parse("1) first\n\n   1) one\n   1) two\n\n1) second\n", ("(a)", "(i)"))
    assert [(b.label, b.level) for b in blocks] == [("(a)", 1), ("(i)", 2), ("(ii)", 2), ("(b)", 1)]
    assert all(isinstance(b, NumberedParagraph) for b in blocks)


# -- tables ---------------------------------------------------------------------------

TABLES = {  # decision id: the header row of each table, in order
    "pcd-1717": [["Originating officer declaration", "Tick to confirm statement (✓)"]],
    "md-3311": [["Risk", "Mitigation", "RAG rating"], ["Financial year", "Expenditure"],
                ["Activity", "Timeline"],
                ["Originating officer declaration",
                 "Drafting officer to confirm the following (✓)"]],
    "kdr-2025-014": [["Item", "Detail"], ["Event", "Date"]],
}


@pytest.mark.parametrize("pid", sorted(TABLES))
def test_tables_are_word_tables_with_a_header_row_and_markdown_tables(tmp_path, pid):
    built(tmp_path, pid)
    word = docx.Document(tmp_path / "out" / f"{pid}.docx")
    assert [[c.text for c in t.rows[0].cells] for t in word.tables] == TABLES[pid]
    for table in word.tables:  # the header row repeats on each page
        assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")
        assert table.rows[0].cells[0].paragraphs[0].runs[0].bold
    text = (tmp_path / "out" / f"{pid}.md").read_text(encoding="utf-8")
    headers = re.findall(r"^\| (.*) \|\n\| ---", text, flags=re.M)
    assert [h.split(" | ") for h in headers] == TABLES[pid]


def test_the_spend_table_is_the_budget_by_year_in_the_house_style_with_its_total(tmp_path):
    built(tmp_path, "md-3311")
    text = (tmp_path / "out" / "md-3311.md").read_text(encoding="utf-8")
    assert "| 2025-26 | £700,000 |\n| 2026-27 | £550,000 |\n| **Total** | **£1,250,000** |" in text
    figures = json.loads((tmp_path / "out" / "md-3311.figures.json").read_text(encoding="utf-8"))
    printed = {f["id"]: f["printed_at"] for f in figures["figures"]}
    assert "$.tables.spend" in printed["budgets.programme.by_year.first.amount"]


def test_spend_by_year_that_does_not_add_up_to_the_decision_total_fails(tmp_path):
    def change(data):
        data["budgets"]["programme"]["by_year"]["second"]["amount"] = 500000
    _, result = built(tmp_path, "md-3311", change)
    assert result.code == 1
    assert "[schedule]" in result.err and "budgets.programme.total" in result.err
    assert "£1,200,000" in result.err and "£1,250,000" in result.err
    assert not (tmp_path / "out").exists()


def test_a_spend_table_naming_no_schedule_is_a_located_error(tmp_path):
    def change(data):
        data["tables"]["spend"] = "figures.delivery_contract"
    _, result = built(tmp_path, "md-3311", change)
    assert result.code == 1
    assert re.search(r'md-3311\.json:\d+:\d+: \$\.tables\.spend: error \[reference\]: tables\.spend '
                     r'names "figures\.delivery_contract", which is not a budget, grant or income '
                     r"with amounts by financial year\.", result.err), result.err


# -- sign-off chains and date rules -----------------------------------------------------

def test_the_mayoral_sign_off_chain_comes_from_the_descriptor(tmp_path):
    def change(data):
        data["status"] = "approved"
        data["approval"]["date"] = "2025-03-25"  # before the Chief of Staff's 26 March
    _, result = built(tmp_path, "md-3311", change)
    assert result.code == 1
    assert "the Chief of Staff signs on or before the day the Mayor approves (1 day out)" \
        in result.err


def test_a_placeholder_officer_of_any_form_cannot_confirm(tmp_path):
    def change(data):
        data["officers"]["adviser"] = "[Name]"
    _, result = built(tmp_path, "md-3311", change)
    assert result.code == 1
    assert '$.officers.adviser: error [placeholder]: "[Name]" is a placeholder' in result.err


# -- the organisation's words -----------------------------------------------------------

def test_each_form_writes_its_own_words(tmp_path):
    texts = {}
    for pid in BUNDLED:
        built(tmp_path, pid)
        texts[pid] = (tmp_path / "out" / f"{pid}.md").read_text(encoding="utf-8")
    mayoral, pcd = texts["md-3311"], texts["pcd-1717"]
    assert "## PART I – NON-CONFIDENTIAL FACTS AND ADVICE TO THE MAYOR\n" in mayoral
    assert "That the Mayor:" in mayoral and "recommended to" not in mayoral
    assert "consistent with the MOPAC's plans and priorities" in pcd
    assert "Public Health" in pcd and "Public Health" not in mayoral


def test_a_descriptor_naming_a_place_the_paper_lacks_names_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "templates", "templates")
    descriptor = Path("templates/gla-md-2024/form.json")
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    data["recommendations"]["lead"] = "That the Mayor, on {dates.launch}:"  # a date it may have
    descriptor.write_text(json.dumps(data), encoding="utf-8")
    shutil.copy(source("md-3311"), "md.json")
    result = run("md.json", "--out", "out", "--templates", "templates")
    assert result.code == 1
    assert "the form's words name {dates.launch}, which this paper does not give" in result.err
    assert not Path("out").exists()


# -- real readers ---------------------------------------------------------------------

def test_libreoffice_converts_each_form_and_its_first_page_shows_the_form_heading(tmp_path):
    """LibreOffice makes each PDF; tesseract reads the heading off the first page's PNG."""
    for tool in ("soffice", "pdftoppm", "tesseract"):
        assert shutil.which(tool), f"{tool} is installed by .ci/run"
    docs = []
    for pid in BUNDLED:
        built(tmp_path, pid)
        docs.append(tmp_path / "out" / f"{pid}.docx")
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
                    *map(str, docs)], check=True, capture_output=True, timeout=300)
    for pid, (_, heading) in BUNDLED.items():
        pdf = tmp_path / "pdf" / f"{pid}.pdf"
        assert pdf.is_file(), pid
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(tmp_path / pid)], check=True, timeout=120)
        seen = subprocess.run(["tesseract", str(tmp_path / f"{pid}.png"), "-"], check=True,
                              capture_output=True, text=True, timeout=120).stdout
        words = re.sub(r"[^A-Z0-9]+", " ", seen.upper())
        assert re.sub(r"[^A-Z0-9]+", " ", heading.upper()).strip() in words, (pid, seen)


# -- a descriptor is checked against its form's schema ----------------------------------

def _set(path: tuple, value):
    def change(data):
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    return change


@pytest.mark.parametrize("pack, pid, path, value, json_path, message", [
    ("gla-md-2024", "md-3311", ("sections", 0, "id"), "backgound", "$.sections[0].id",
     "no paper of this form has part1.backgound"),
    ("gla-md-2024", "md-3311", ("sections", 4, "table", "from"), "tables.spnd",
     "$.sections[4].table.from", "no paper of this form has tables.spnd"),
    ("gla-md-2024", "md-3311", ("sections", 3, "table", "from"), "reference",
     "$.sections[3].table.from", "reference is text, not a list of rows"),
    ("gla-md-2024", "md-3311", ("sign_offs", 1, "block"), "monitoring",
     "$.sign_offs[1].block", "no paper of this form has monitoring"),
    ("gla-md-2024", "md-3311", ("decision_date", 0), "approval.name", "$.decision_date[0]",
     "approval.name is text, not a date"),
    ("gla-md-2024", "md-3311", ("publication", 0), "See {approval}.", "$.publication[0]",
     "approval is a block of fields, not one line of text or a figure"),
    ("gla-md-2024", "md-3311", ("possessive",), "{possessive}s", "$.possessive",
     "no paper of this form has possessive"),
])
def test_a_place_the_form_cannot_have_is_an_error_at_the_descriptor(
        tmp_path, monkeypatch, pack, pid, path, value, json_path, message):
    result = build_with_descriptor(tmp_path, monkeypatch, pack, pid, _set(path, value))
    assert result.code == 1
    first = result.err.splitlines()[0]
    assert re.match(rf"templates/{pack}/form\.json:\d+:\d+: {re.escape(json_path)}: error "
                    r"\[template\]: ", first), result.err
    assert message is None or message in first, first
    assert "Traceback" not in result.err and not Path("out").exists()


def test_the_descriptor_words_are_printed_never_read_as_markdown(tmp_path, monkeypatch):
    def change(data):
        data["sections"][3]["table"]["columns"][0]["heading"] = "Risk | kind"
        data["sections"][3]["table"]["columns"][1]["heading"] = "Mitigation *as agreed*"
    result = build_with_descriptor(tmp_path, monkeypatch, "gla-md-2024", "md-3311", change)
    assert result.code == 0, result.err
    word = docx.Document("out/md-3311.docx")
    assert [c.text for c in word.tables[0].rows[0].cells] == [
        "Risk | kind", "Mitigation *as agreed*", "RAG rating"]


def test_a_heading_may_not_carry_its_own_number(tmp_path, monkeypatch):
    result = build_with_descriptor(tmp_path, monkeypatch, "gla-md-2024", "md-3311",
                                   _set(("sections", 1, "heading"), "2. Objectives"))
    assert result.code == 1
    assert "$.sections[1].heading: error [template]" in result.err


def test_a_grant_paid_in_instalments_is_a_schedule_too(tmp_path):
    def change(data):
        data["grants"] = {"warm": {"name": "warm homes grant", "total": 1250000, "instalments": {
            "first": {"financial_year": "2025-26", "amount": 700000},
            "second": {"financial_year": "2026-27", "amount": 550000}}}}
        data["tables"]["spend"] = "grants.warm"
    _, result = built(tmp_path, "md-3311", change)
    assert result.code == 0, result.err
    text = (tmp_path / "out" / "md-3311.md").read_text(encoding="utf-8")
    assert "| 2025-26 | £700,000 |\n| 2026-27 | £550,000 |\n| **Total** | **£1,250,000** |" in text


