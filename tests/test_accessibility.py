"""Every paper's DOCX meets the public sector accessibility regulations.

The bundled papers, built as they are now, have no finding; and each rule of
``review.accessibility`` finds exactly what a damaged copy of one breaks
(the XML edited with python-docx and lxml, then saved again).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor

from decision_papers.word import archive
from decision_papers.word.accessibility import RULES, check, contrast
from support import ROOT, run

PAPERS = ("pcd-1717", "md-3311", "kdr-2025-014")
PCD_BANNER = "MAYOR OF LONDON OFFICE FOR POLICING…"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, bytes]:
    """Each bundled paper's DOCX as the build writes it now."""
    out = tmp_path_factory.mktemp("accessibility")
    result = run(*(ROOT / "decisions" / f"{pid}.json" for pid in PAPERS), "--out", out)
    assert result.code == 0, result.err
    return {pid: (out / f"{pid}.docx").read_bytes() for pid in PAPERS}


def damaged(data: bytes, change) -> bytes:
    """``data`` opened with python-docx, ``change(word)`` applied, and saved again."""
    word = docx.Document(io.BytesIO(data))
    change(word)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def found(data: bytes) -> list[tuple[str, str]]:
    return [(f.rule, f.message) for f in check(data)]


def paragraph(word, start: str):
    """The first body paragraph whose text starts with ``start``."""
    return next(p for p in word.paragraphs if p.text.startswith(start))


@pytest.mark.parametrize("pid", PAPERS)
def test_a_bundled_paper_has_no_finding(built, pid):
    assert check(built[pid]) == []


def test_every_finding_has_its_rule_a_message_and_a_hint(built):
    def everything(word):
        word.core_properties.title = ""
        word.core_properties.language = "fr-FR"
    findings = check(damaged(built["pcd-1717"], everything))
    assert [f.rule for f in findings] == ["title", "language"]
    assert all(f.rule in RULES and f.message and f.hint for f in findings)
    assert str(findings[0]) == "title: the document has no title: its Title property is empty."


def test_title(built):
    def untitled(word):
        word.core_properties.title = "  "
    assert found(damaged(built["pcd-1717"], untitled)) == [
        ("title", "the document has no title: its Title property is empty.")]


def test_language(built):
    def french(word):
        word.core_properties.language = "fr-FR"
    assert found(damaged(built["pcd-1717"], french)) == [
        ("language", 'the document\'s language is "fr-FR" (its Language property); '
                     "it must be en-GB.")]

    def unset(word):
        word.core_properties.language = ""
        lang = word.styles.element.find(
            f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
        lang.getparent().remove(lang)
    assert found(damaged(built["pcd-1717"], unset)) == [
        ("language", "the document's language is not set (neither its Language property nor "
                     "the default language of its text).")]


def test_headings(built):
    def skipped(word):
        paragraph(word, "Executive Summary").style = word.styles["Heading 2"]
    assert found(damaged(built["pcd-1717"], skipped)) == [
        ("headings", f'heading "Executive Summary" (Heading 2) follows heading "{PCD_BANNER}" '
                     "(Title), skipping Heading 1.")]

    def first(word):
        word.paragraphs[0].style = word.styles["Heading 2"]
    assert found(damaged(built["kdr-2025-014"], first)) == [
        ("headings", 'heading "NORTHGATE BOROUGH COUNCIL" (Heading 2) is the first heading; '
                     "headings must start at Title or Heading 1.")]


def test_table_header(built):
    def no_header(word):
        header = word.tables[0].rows[0]._tr.trPr.find(qn("w:tblHeader"))
        header.getparent().remove(header)
    assert found(damaged(built["pcd-1717"], no_header)) == [
        ("table_header", 'table 1 (first cell "Originating officer declaration") has no header '
                         "row: its first row is not marked to repeat as the header.")]


def test_table_rows(built):
    def one_loose(word):
        row = word.tables[1].rows[2]._tr
        row.trPr.remove(row.trPr.find(qn("w:cantSplit")))
    assert found(damaged(built["kdr-2025-014"], one_loose)) == [
        ("table_rows", 'table 2 (first cell "Event"): row 3 can break across pages.')]

    def all_loose(word):
        for row in word.tables[0].rows:
            row._tr.trPr.remove(row._tr.trPr.find(qn("w:cantSplit")))
    assert found(damaged(built["kdr-2025-014"], all_loose)) == [
        ("table_rows", 'table 1 (first cell "Item"): all 6 of its rows can break across pages.')]


def test_keep_with_next_for_headings(built):
    def title_style(word):
        keep = word.styles["Title"].element.pPr.find(qn("w:keepNext"))
        keep.getparent().remove(keep)
    assert found(damaged(built["pcd-1717"], title_style)) == [
        ("keep_with_next", f'heading "{PCD_BANNER}" (Title) is not kept with the next '
                           "paragraph, so it can be left alone at the foot of a page.")]

    def turned_off(word):  # <w:keepNext w:val="0"/> on the paragraph wins over its style
        paragraph(word, "Recommendations").paragraph_format.keep_with_next = False
    assert found(damaged(built["pcd-1717"], turned_off)) == [
        ("keep_with_next", 'heading "Recommendations" (Heading 1) is not kept with the next '
                           "paragraph, so it can be left alone at the foot of a page.")]


def test_keep_with_next_for_a_sign_off(built):
    def split(word):
        paragraph(word, "Name: Jane Hurden").paragraph_format.keep_with_next = None
    assert found(damaged(built["pcd-1717"], split)) == [
        ("keep_with_next", 'the block under heading "Deputy Mayor for Policing and Crime", with '
                           'the label "Name:", is not kept together: paragraph "Name: Jane '
                           'Hurden" is not kept with the next, so the block can break across '
                           "pages.")]


def test_empty_paragraphs(built):
    def spacer(word):
        paragraph(word, "The decision also seeks")._p.addnext(OxmlElement("w:p"))
    assert found(damaged(built["pcd-1717"], spacer)) == [
        ("empty_paragraphs", 'an empty paragraph after "The decision also seeks approval '
                             'for…" is used for spacing.')]

    def in_a_cell(word):
        word.tables[0].cell(1, 1).add_paragraph()
        for each in word.tables[0].cell(2, 1).paragraphs[0].runs:  # a genuinely empty cell
            each._r.getparent().remove(each._r)
    assert found(damaged(built["pcd-1717"], in_a_cell)) == [
        ("empty_paragraphs", "table 1, row 2, column 2 has an empty paragraph used for spacing.")]


def test_lists(built):
    def typed(word):
        before = paragraph(word, "The purpose of this variation")
        before.insert_paragraph_before("• first point")
        before.insert_paragraph_before("• second point")
    assert found(damaged(built["pcd-1717"], typed)) == [
        ("lists", 'paragraph "• second point" types its own list marker ("•") instead of '
                  "being a real list item.")]

    def typed_numbers(word):
        before = paragraph(word, "In total the value")
        for text in ("1. one", "2. two", "2024. a year, not a third item"):
            before.insert_paragraph_before(text)
    assert found(damaged(built["pcd-1717"], typed_numbers)) == [
        ("lists", 'paragraph "2. two" types its own list marker ("2.") instead of being a '
                  "real list item.")]

    def one_paragraph(word):  # a single "1." or "* " paragraph is text, not a list
        paragraph(word, "In total the value").runs[0].text = "1. In total the value"
    assert found(damaged(built["pcd-1717"], one_paragraph)) == []

    def unnumbered(word):  # numId 0 means "no list"
        num = OxmlElement("w:numPr")
        num_id = OxmlElement("w:numId")
        num_id.set(qn("w:val"), "0")
        num.append(num_id)
        paragraph(word, "VRU contract additional")._p.get_or_add_pPr().append(num)
    assert found(damaged(built["pcd-1717"], unnumbered)) == [
        ("lists", 'paragraph "VRU contract additional £14,560 cost increasing…" is in the list '
                  'style "Numbered Bullet 1", which has no list numbering, so it is not read '
                  "as a list item.")]


def png() -> bytes:
    """A 1×1 white PNG."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def test_alt_text(built):
    def picture(word, descr=None):
        paragraph(word, "VRU staff deliver").add_run().add_picture(io.BytesIO(png()))
        if descr is not None:
            next(word.element.body.iter(qn("wp:docPr"))).set("descr", descr)
    assert found(damaged(built["pcd-1717"], picture)) == [
        ("alt_text", 'image "Picture 1" in the body has no alternative text.')]
    assert found(damaged(built["pcd-1717"], lambda w: picture(w, "The VRU's logo"))) == []


def test_contrast_is_wcag_s_ratio():
    assert contrast("000000", "FFFFFF") == pytest.approx(21)
    assert contrast("FFFFFF", "FFFFFF") == pytest.approx(1)
    assert round(contrast("777777", "FFFFFF"), 2) == 4.48  # the well-known just-failing grey
    assert round(contrast("767676", "FFFFFF"), 2) == 4.54


def test_contrast_of_a_style(built):
    def grey(word):
        word.styles["Heading 2"].font.color.rgb = RGBColor(0x77, 0x77, 0x77)
    assert found(damaged(built["pcd-1717"], grey)) == [
        ("contrast", 'style "Heading 2": text colour #777777 on white has a contrast ratio of '
                     "4.48:1, below the 4.5:1 needed.")]


def test_contrast_of_the_header_banner(built):
    def pale(word):
        header = word.sections[0].header
        header.tables[0].cell(0, 0)._tc.tcPr.find(qn("w:shd")).set(qn("w:fill"), "7F7F7F")
    assert found(damaged(built["pcd-1717"], pale)) == [
        ("contrast", f'header banner "{PCD_BANNER}": text colour #FFFFFF on #7F7F7F has a '
                     "contrast ratio of 4.00:1, below the 4.5:1 needed.")]


def test_contrast_of_automatic_text_on_any_shading_is_fine(built):
    def shaded(word):
        for shade, cell in zip(("000000", "7F7F7F", "FFFF00"), word.tables[0].rows[0].cells):
            shd = OxmlElement("w:shd")
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:fill"), shade)
            cell._tc.get_or_add_tcPr().append(shd)
    assert found(damaged(built["kdr-2025-014"], shaded)) == []


def test_a_zip_bomb_is_refused_before_it_is_expanded(built):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("word/document.xml", b"\0" * (4 * 1024 * 1024))
    with pytest.raises(archive.Refused, match="zip bomb"):
        check(buffer.getvalue())


def test_the_writer_keeps_a_sign_off_together_and_each_row_on_one_page(built):
    word = docx.Document(io.BytesIO(built["md-3311"]))
    body = word.paragraphs
    start = next(i for i, p in enumerate(body) if p.text == "CHIEF OF STAFF")
    block = body[start + 1:start + 5]
    assert [p.text.split(":")[0] for p in block[1:]] == ["Name", "Signature", "Date"]
    assert [p.paragraph_format.keep_with_next for p in block] == [True, True, True, None]
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None
               for table in word.tables for row in table.rows)


def test_paragraph_styles_are_named_as_python_docx_names_them():
    """The fast lookup of a paragraph's style name (read from styles.xml once) gives what
    ``paragraph.style.name`` gives, even for a duplicated style id, a second default
    style, a style with no name, and an id that names no style."""
    import copy

    from decision_papers.word.accessibility import _paragraph_style_names
    word = docx.Document()
    styles = word.styles.element
    heading = word.styles["Heading 2"].element
    twin = copy.deepcopy(heading)  # the same id again, under another name
    twin.find(qn("w:name")).set(qn("w:val"), "Impostor")
    styles.append(twin)
    second = copy.deepcopy(word.styles["Heading 1"].element)  # a second default style
    second.set(qn("w:styleId"), "Another")
    second.find(qn("w:name")).set(qn("w:val"), "Another default")
    second.set(qn("w:default"), "1")
    styles.append(second)
    nameless = copy.deepcopy(word.styles["Heading 3"].element)
    nameless.set(qn("w:styleId"), "Nameless")
    nameless.remove(nameless.find(qn("w:name")))
    styles.append(nameless)
    word.add_paragraph("plain")
    word.add_paragraph("two", style="Heading 2")
    for sid in ("Nameless", "NoSuchStyle"):
        p = word.add_paragraph(sid)
        p._p.get_or_add_pPr().get_or_add_pStyle().val = sid
    name_of = _paragraph_style_names(word)
    for paragraph in word.paragraphs:
        assert name_of(paragraph._p) == (paragraph.style.name or ""), paragraph.text
