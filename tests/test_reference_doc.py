"""A form's reference document (templates/<form>/reference.docx) gives papers its look.

The paper is built from the form's reference document and read back by
python-docx and, independently, by docx2python; LibreOffice draws it.  A
reference document that cannot be used is refused with a plain message.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import os
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx2python import docx2python

from decision_papers.document.styles import writer_styles
from decision_papers.word import reader
from decision_papers.word.archive import normalise_docx
from decision_papers.writers import docx as write_docx
from decision_papers.writers import markdown as write_markdown
from decision_papers.writers.docx import ReferenceProblem
from support import EXAMPLE, ROOT, docx_paragraphs, markdown_paragraphs, run

REFERENCE = ROOT / "templates" / "pcd-april-2023" / "reference.docx"
BANNER = "MAYOR OF LONDON OFFICE FOR POLICING AND CRIME"
MARKING = "CONFIDENTIAL – PART 2 – NOT FOR PUBLICATION"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TWIPS_PER_CM = 1440 / 2.54


def script(name: str):
    """A module of scripts/ (not a package), imported from its file."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The bundled paper built as usual, then written again from the reference document."""
    folder = tmp_path_factory.mktemp("reference")
    result = run(EXAMPLE, "--out", folder / "out")
    assert result.code == 0, result.err
    document = reader.read(folder / "out" / "pcd-1717.docx")
    (folder / "ref").mkdir()
    paper = folder / "ref" / "pcd-1717.docx"
    paper.write_bytes(normalise_docx(write_docx.render(document, REFERENCE)))
    return document, paper, folder / "out" / "pcd-1717.md"


def test_python_docx_reads_the_banner_footer_page_field_a4_margins_and_arial(built):
    _, paper, _ = built
    word = docx.Document(paper)
    section = word.sections[0]
    assert [t.cell(0, 0).text for t in section.header.tables] == [BANNER]
    assert section.header.paragraphs[0].text == "PCD 1717"  # the paper's line, under the banner
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("PCD April 2023\tPage ")
    assert [f.get(qn("w:instr")) for f in footer._p.iter(qn("w:fldSimple"))] == ["PAGE", "NUMPAGES"]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.left_margin, section.right_margin, section.top_margin, section.bottom_margin]
    assert [round(m.cm, 2) for m in margins] == [2.0, 2.0, 3.0, 2.0]
    reference = docx.Document(REFERENCE).sections[0]  # kept from the reference, not the writer's
    assert margins == [reference.left_margin, reference.right_margin, reference.top_margin,
                       reference.bottom_margin]
    assert word.styles["Normal"].font.name == "Arial"
    assert word.styles["Heading 2"].font.name == "Arial"
    assert word.core_properties.author == "MAYOR OF LONDON OFFICE FOR POLICING AND CRIME"
    assert word.core_properties.title.startswith("Reflective Practice provision")


def test_docx2python_reads_the_same(built):
    _, paper, _ = built
    with docx2python(paper) as reader:
        header = [p for t in reader.header for row in t for cell in row for p in cell]
        footer = [p for t in reader.footer for row in t for cell in row for p in cell]
        document = reader.docx_reader.file_of_type("officeDocument").root_element
        styles = reader.docx_reader.file_of_type("styles").root_element
        author = reader.core_properties["creator"]
    assert header == [BANNER, "PCD 1717"]
    assert footer == ["PCD April 2023\tPage 1 of 1"]  # the fields' placeholders
    section = document.find(f"{W}body/{W}sectPr")
    size, margins = section.find(f"{W}pgSz"), section.find(f"{W}pgMar")
    assert (int(size.get(f"{W}w")), int(size.get(f"{W}h"))) == (11906, 16838)  # A4, in twips
    assert [round(int(margins.get(f"{W}{side}")) / TWIPS_PER_CM, 2)
            for side in ("left", "right", "top", "bottom")] == [2.0, 2.0, 3.0, 2.0]
    fonts = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert {fonts.get(f"{W}{a}") for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Arial"}
    assert author == "MAYOR OF LONDON OFFICE FOR POLICING AND CRIME"


def test_the_body_is_the_paper_and_the_markdown_is_unchanged(built):
    document, paper, markdown = built
    text = markdown.read_text(encoding="utf-8")
    assert docx_paragraphs(paper) == markdown_paragraphs(text)  # none of the reference's sample
    assert write_markdown.render(reader.read(paper)) == text  # textconv reads it as before
    assert write_markdown.render(document) == text


def test_reproducible_and_the_committed_reference_is_what_the_script_makes(built):
    document, paper, _ = built
    assert normalise_docx(write_docx.render(document, REFERENCE)) == paper.read_bytes()
    maker = script("make_reference_docx")
    for pack in sorted((ROOT / "templates").iterdir()):  # every pack's, from its look
        if pack.name.startswith("_"):
            continue  # the shared base has templates only
        assert maker.make(pack) == (pack / "reference.docx").read_bytes(), pack.name


def test_the_reference_is_lean_and_has_every_style_the_writer_uses():
    word = docx.Document(REFERENCE)
    names = {style.name for style in word.styles}
    assert {name for name, _, _ in writer_styles()} | {"Header", "Footer"} <= names
    assert len(names) <= len(writer_styles()) + 5  # and the defaults Word needs
    with zipfile.ZipFile(REFERENCE) as zipped:
        assert zipped.getinfo("word/styles.xml").file_size < 20_000
    assert REFERENCE.stat().st_size < 15_000


def test_part2_marking_stays_at_the_top_and_bottom_of_every_page(built):
    document, _, _ = built
    marked = dataclasses.replace(document, meta=dataclasses.replace(document.meta, marking=MARKING))
    section = docx.Document(io.BytesIO(write_docx.render(marked, REFERENCE))).sections[0]
    assert section.header.paragraphs[0].text == f"{MARKING}\tPCD 1717"
    assert section.footer.paragraphs[0].text.startswith(f"{MARKING}\tPCD April 2023\tPage ")
    assert [t.cell(0, 0).text for t in section.header.tables] == [BANNER]


def test_a_first_page_header_gets_the_papers_line_and_the_references_leftovers_go(built, tmp_path):
    document, _, _ = built
    word = docx.Document(REFERENCE)
    section = word.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "first page"
    section.first_page_footer.paragraphs[0].text = "first footer"
    word.core_properties.author = "Jane Secret"
    word.core_properties.keywords = "secret keywords"
    word.core_properties.content_status = "secret status"
    reference = tmp_path / "reference.docx"
    word.save(reference)
    data = write_docx.render(document, reference)
    section = docx.Document(io.BytesIO(data)).sections[0]
    assert section.first_page_header.paragraphs[0].text == "PCD 1717"
    assert section.first_page_footer.paragraphs[0].text.startswith("PCD April 2023\tPage ")
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        for name in zipped.namelist():
            assert b"secret" not in zipped.read(name).lower(), name


def test_a_reference_missing_styles_is_refused_naming_each(built, tmp_path):
    document, _, _ = built
    reference = _repack(tmp_path / "reference.docx", "word/styles.xml", lambda xml: xml.replace(
        b'w:val="heading 2"', b'w:val="Section"').replace(b'w:val="Table Grid"', b'w:val="Grid"'))
    with pytest.raises(ReferenceProblem) as caught:
        write_docx.render(document, reference)
    shown = os.path.relpath(reference)
    assert str(caught.value) == (
        f'{shown} has no paragraph style "Heading 2", which the writer uses for section '
        'headings; and no table style "Table Grid", which the writer uses for tables.')
    assert caught.value.path == reference
    assert "Styles pane" in caught.value.hint


@pytest.mark.parametrize("content, reason", [
    (b"Dear colleague,\n", "is not a Word document (.docx): it is not a zip archive, as every .docx is."),
    (None, "is not a Word document (.docx) that can be read: its main part is not a document but "
           "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml."),
])
def test_a_reference_that_is_not_a_word_document_is_refused(built, tmp_path, content, reason):
    document, _, _ = built
    reference = tmp_path / "reference.docx"
    if content is None:  # a Word template (.dotx) renamed
        _repack(reference, "[Content_Types].xml",
                lambda xml: xml.replace(b"document.main+xml", b"template.main+xml"))
    else:
        reference.write_bytes(content)
    with pytest.raises(ReferenceProblem) as caught:
        write_docx.render(document, reference)
    assert str(caught.value) == f"{os.path.relpath(reference)} {reason}"


def test_a_zip_bomb_or_a_missing_reference_is_refused(built, tmp_path):
    document, _, _ = built
    bomb = tmp_path / "reference.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("word/styles.xml", b"\0" * 40_000_000)
    with pytest.raises(ReferenceProblem, match="is refused: word/styles.xml would expand from "
                       r"[\d,]+ to 40,000,000 bytes .* so this looks like a zip bomb\.$"):
        write_docx.render(document, bomb)
    with pytest.raises(ReferenceProblem, match=r"^cannot read .*nonesuch\.docx: it does not exist\.$"):
        write_docx.render(document, tmp_path / "nonesuch.docx")


def _repack(target: Path, part: str, change) -> Path:
    with zipfile.ZipFile(REFERENCE) as src, zipfile.ZipFile(target, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, change(data) if name == part else data)
    return target


needs_tools = pytest.mark.skipif(
    (shutil.which("soffice") is None or shutil.which("pdftoppm") is None) and not os.environ.get("CI"),
    reason="LibreOffice (soffice) and poppler-utils (pdftoppm) are needed (CI installs them)")


@needs_tools
def test_libreoffice_draws_the_first_page_with_its_banner(built, tmp_path):
    _, paper, _ = built
    first_pages = script("first_pages")
    code = first_pages.main(["pcd-1717", "--out", str(paper.parent), "--images", str(tmp_path)])
    assert code == 0
    picture = tmp_path / "pcd-1717-first-page.png"
    width, height, rows = _png_grey_rows(picture.read_bytes())
    assert abs(width - 595) <= 1 and abs(height - 842) <= 1  # A4 (595.3 × 841.9 points), 72 dpi
    dark = [sum(1 for v in row if v < 128) for row in rows]
    assert sum(dark) > 0.02 * width * height  # text, not a blank page
    banner = [n for n in dark[:120] if n > 0.6 * width]  # a black band across the top
    assert len(banner) > 10


def _png_grey_rows(data: bytes) -> tuple[int, int, list[list[int]]]:
    """Decode an 8-bit RGB or grey, non-interlaced PNG into rows of grey levels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, header = 8, b"", None
    while at < len(data):
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + size]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        at += 12 + size
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (0, 2) and interlace == 0
    step = 3 if colour == 2 else 1
    raw, stride, previous, rows = zlib.decompress(idat), width * step, bytearray(width * step), []
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - step] if x >= step else 0
            up, corner = previous[x], previous[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append([sum(line[x:x + step]) // step for x in range(0, stride, step)])
        previous = line
    return width, height, rows
