"""The bundled PCD 1717 builds into a complete, faithful DOCX and Markdown."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from support import EXAMPLE, ROOT, docx_paragraphs, markdown_paragraphs, run

# Every part of the reference paper, as text that must appear in both outputs.
REFERENCE_PARTS = [
    # title block
    "MAYOR OF LONDON OFFICE FOR POLICING AND CRIME",
    "DMPC Decision – PCD 1717",
    "Title: Reflective Practice provision: Extend current contract with Jigsaw to March 2025",
    # executive summary and recommendations
    "Executive Summary",
    "In total the value to Jigsaw and cost to MOPAC and VRU from commencement in October 2022",
    "Recommendations",
    "The Deputy Mayor for Policing and Crime is recommended to:",
    "1. Approve a contract variation to extend the following Reflective Support contracts",
    "VRU contract additional £14,560 cost increasing the contract value to £83,820.",
    "2. Approve the request to go out to full procurement",
    "3. Approve delegated authority to the Chief Executive",
    # approval and signature block
    "I confirm I have considered whether or not I have any personal or prejudicial interest",
    "The above request has my approval.",
    "Name: Jane Hurden",
    "Date: 23 September 2024",
    # Part I
    "PART I – NON-CONFIDENTIAL FACTS AND ADVICE TO THE DMPC",
    "1. Introduction and background",
    "2. Issues for consideration",
    "3. Financial Comments",
    "4. Legal Comments",
    "5. Commercial Issues",
    "6. Public Health Approach",
    "7. GDPR and Data Privacy",
    "8. Equality Comments",
    "1.4 Following the introduction of this provision for VRU staff",
    "3.2 The VRU amount of £14,560 is based on an estimate of £295 per day for 48 session days",
    "5.7 As stated in MOPAC Contract Regulation",
    "Notification that Tenders are submitted to the MOPAC",
    "8.2 This provision enables support to staff",
    # publication, deferral, Part 2
    "Public access to information",
    "Is the publication of Part 1 of this approval to be deferred? YES",
    "If yes, for what reason: Until date of tender publication",
    "Until what date: 19 October 2024",
    "Is there a Part 2 form? NO",
    # officer declaration table: every row
    "Originating officer declaration",
    "Financial Advice: The Strategic Finance and Resource Management Team",
    "Legal Advice: Legal advice is not required.",
    "Commercial Issues: The Contracts and Procurement Management Team",
    "Equalities Advice: Equality and diversity issues",
    "Public Health Approach: Due diligence has been given",
    "Commercial Issues: The Contract Management Team",
    "GDPR/Data Privacy: GDPR compliance issues",
    "Drafting Officer: Jillian Bloomfield has drafted this report",
    "Director/Head of Service: Kim Chudley and Karina Wane Henry have reviewed",
    # chief executive sign-off
    "Chief Executive Officer",
    "I have been consulted about the proposal",
    "Date: 10 September 2024",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build") / "out"
    result = run(EXAMPLE, "--out", out)
    assert result.code == 0, result.err
    assert result.err == ""
    return out


def test_build_reports_what_it_wrote(tmp_path):
    result = run(EXAMPLE, "--out", tmp_path / "out")
    assert result.code == 0
    assert result.out.endswith(": pcd-1717.docx, pcd-1717.figures.json, pcd-1717.md\n")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "pcd-1717.docx", "pcd-1717.figures.json", "pcd-1717.md"]


def test_no_arguments_builds_every_bundled_decision(tmp_path):
    result = run("--out", tmp_path)
    assert result.code == 0, result.err
    expected = sorted(p.stem for p in (ROOT / "decisions").glob("*.json"))
    assert sorted(p.stem for p in tmp_path.glob("*.docx")) == expected


@pytest.mark.parametrize("part", REFERENCE_PARTS)
def test_every_part_of_the_reference_paper_is_in_both_outputs(built, part):
    md = "\n".join(markdown_paragraphs((built / "pcd-1717.md").read_text(encoding="utf-8")))
    word = "\n".join(docx_paragraphs(built / "pcd-1717.docx"))
    assert part in word
    assert part in md


def test_docx_text_equals_markdown_text_paragraph_for_paragraph(built):
    md = markdown_paragraphs((built / "pcd-1717.md").read_text(encoding="utf-8"))
    word = docx_paragraphs(built / "pcd-1717.docx")
    assert len(word) > 90
    assert word == md


def test_docx_uses_real_word_styles(built):
    document = docx.Document(built / "pcd-1717.docx")
    styles = [p.style.name for p in document.paragraphs]
    assert styles[0] == "Title"
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "Executive Summary", "Recommendations", "Deputy Mayor for Policing and Crime",
        "PART I – NON-CONFIDENTIAL FACTS AND ADVICE TO THE DMPC", "Public access to information",
        "Originating Officer Declaration", "Chief Executive Officer"]
    assert styles.count("Heading 2") == 10  # eight Part I sections, deferral, Part 2
    numbered = [p.text for p in document.paragraphs if p.style.name == "Numbered Paragraph"]
    assert numbered[:3] == [t for t in numbered[:3] if t[:2] in ("1.", "2.", "3.")]
    assert "3.3\tThe procurement of the service will be at a maximum of £204,000" in "\n".join(numbered)
    assert any(s.startswith("List Bullet") or s.startswith("Numbered Bullet") for s in styles)
    table = document.tables[0]
    assert table.style.name == "Table Grid"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in table.rows[0].cells] == [
        "Originating officer declaration", "Tick to confirm statement (✓)"]
    ticks = [row.cells[1].text for row in table.rows[1:]]
    assert ticks == ["✓", "N/A", "✓", "✓", "✓", "✓", "✓", "✓", "✓"]
    assert all(run.bold for run in table.rows[0].cells[0].paragraphs[0].runs)


def test_header_footer_page_numbers_and_properties(built):
    document = docx.Document(built / "pcd-1717.docx")
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "PCD 1717"
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("PCD April 2023\tPage ")
    fields = [f.get(qn("w:instr")) for f in footer._p.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]
    props = document.core_properties
    assert props.title.startswith("Reflective Practice provision: Extend current contract")
    assert props.language == "en-GB"
    assert props.author == "MAYOR OF LONDON OFFICE FOR POLICING AND CRIME"
    lang = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert lang.get(qn("w:val")) == "en-GB"
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


def test_docx_carries_no_template_leftovers(built):
    with zipfile.ZipFile(built / "pcd-1717.docx") as archive:
        names = archive.namelist()
    assert not [n for n in names if n.startswith("customXml") or "thumbnail" in n
                or "stylesWithEffects" in n]


def test_markdown_is_one_paragraph_per_line_with_front_matter(built):
    text = (built / "pcd-1717.md").read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "Reflective Practice provision')
    assert '\nlanguage: "en-GB"\n---\n' in text
    assert "\n3.1 The total cost of the extension is £26,065 comprising £14,560 to VRU" in text
    assert text.endswith("**Date:** 10 September 2024\n")
    assert "\n\n\n" not in text


def test_money_and_dates_follow_govuk_style(built):
    text = (built / "pcd-1717.md").read_text(encoding="utf-8")
    assert "£111,845" in text and "31 March 2025" in text
    assert "£111845" not in text and "31/03/2025" not in text and "2025-03-31" not in text.split("---")[2]


def test_two_builds_give_identical_bytes(tmp_path):
    for name in ("a", "b"):
        assert run(EXAMPLE, "--out", tmp_path / name).code == 0
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


@pytest.mark.skipif(shutil.which("soffice") is None and not os.environ.get("CI"),
                    reason="LibreOffice is not installed (CI installs it)")
def test_libreoffice_converts_the_docx_to_pdf(built, tmp_path):
    profile = tmp_path / "profile"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(built / "pcd-1717.docx")],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "pcd-1717.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 20_000


def test_help_explains_every_option():
    result = run("--help")
    assert result.code == 0
    for option in ("--out", "--strict", "--quiet", "--templates", "--rules", "SOURCE"):
        assert option in result.out
    assert "exit status: 0" in result.out
