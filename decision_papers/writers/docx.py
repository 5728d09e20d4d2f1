"""Writer: the neutral model → a Word document, through python-docx.

Dispatches on block type through ``HANDLERS``, one small function each.  Uses
real Word styles (Title, Heading 1/2, List Bullet, Table Grid) plus two
paragraph styles of our own for pipeline-numbered paragraphs, so the paper
stays editable in Word and readable by screen readers.
"""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Mm, Pt, RGBColor

from decision_papers.document.styles import (CONTINUED, HEADING_STYLES, NUMBERED, NUMBERED_BULLET,
                                             bullet_style, list_bullet)
from decision_papers.writers import docx_xml
from decision_papers.document.model import BulletList, Document, Heading, NumberedParagraph, Paragraph, Table

BULLET_INDENT = Cm(0.63)
INDENT = Cm(1.27)
FONT = "Arial"


def render(doc: Document) -> bytes:
    """Build the DOCX for ``doc`` and return its bytes (not yet normalised)."""
    word = new_document(doc)
    for block in doc.blocks:
        HANDLERS[type(block)](word, block, 0)
    return save(word)


def new_document(doc: Document):
    """An empty python-docx document with the paper's page, styles and properties.

    Shared with ``redline`` so a redline looks exactly like the paper.
    """
    word = new_docx()
    docx_xml.drop_template_leftovers(word)
    docx_xml.scrub_settings(word, doc.meta.language)
    docx_xml.strip_revision_ids(word)
    _page_setup(word, doc)
    _styles(word, doc)
    _properties(word, doc)
    return word


def save(word) -> bytes:
    """The bytes of a python-docx document."""
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _page_setup(word, doc: Document) -> None:
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.54))
    header = section.header.paragraphs[0]
    header.text = doc.meta.reference
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    if doc.meta.marking:  # a protective marking goes at the top and bottom of every page
        header.text = f"{doc.meta.marking}\t{doc.meta.reference}"
        header.alignment = WD_ALIGN_PARAGRAPH.LEFT
        for paragraph in (header, ):
            paragraph.runs[0].bold = True
        footer.add_run(doc.meta.marking).bold = True
        footer.add_run("\t")
    footer.add_run(f"{doc.meta.form_version}\tPage ")
    docx_xml.add_field(footer, "PAGE")
    footer.add_run(" of ")
    docx_xml.add_field(footer, "NUMPAGES")


def _styles(word, doc: Document) -> None:
    styles = word.styles
    docx_xml.set_default_language(word, doc.meta.language)
    normal = styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    docx_xml.set_font_everywhere(normal, FONT)
    for name in ("Title", "Heading 1", "Heading 2", "Header", "Footer"):
        style = styles[name]
        style.font.color.rgb = RGBColor(0, 0, 0)
        docx_xml.set_font_everywhere(style, FONT)
    styles["Title"].font.size = Pt(18)
    numbered = styles.add_style(NUMBERED, WD_STYLE_TYPE.PARAGRAPH)
    numbered.base_style = normal
    fmt = numbered.paragraph_format
    fmt.left_indent, fmt.first_line_indent = INDENT, -INDENT
    fmt.tab_stops.add_tab_stop(INDENT)
    continued = styles.add_style(CONTINUED, WD_STYLE_TYPE.PARAGRAPH)
    continued.base_style = normal
    continued.paragraph_format.left_indent = INDENT
    for level in (1, 2, 3):  # bullets inside numbered paragraphs line up with the text
        bullet = styles.add_style(f"{NUMBERED_BULLET} {level}", WD_STYLE_TYPE.PARAGRAPH)
        bullet.base_style = styles[list_bullet(level)]
        bullet.paragraph_format.left_indent = INDENT + BULLET_INDENT * level
        bullet.paragraph_format.first_line_indent = -BULLET_INDENT


def _properties(word, doc: Document) -> None:
    props, meta = word.core_properties, doc.meta
    props.title = meta.title
    props.subject = meta.reference
    props.author = meta.organisation
    props.last_modified_by = meta.organisation
    props.language = meta.language
    props.created = props.modified = meta.stamp
    props.revision = 1
    props.comments = ""
    props.keywords = ""
    props.category = ""


def _spans(paragraph, spans) -> None:
    for span in spans:
        run = paragraph.add_run(span.text)
        run.bold = span.bold or None
        run.italic = span.italic or None


def _heading(word, block: Heading, depth: int) -> None:
    paragraph = word.add_paragraph(style=HEADING_STYLES[block.level])
    if block.number:
        paragraph.add_run(f"{block.number}. ")
    _spans(paragraph, block.spans)


def _paragraph(word, block: Paragraph, depth: int) -> None:
    _spans(word.add_paragraph(style=CONTINUED if depth else None), block.spans)


def _numbered(word, block: NumberedParagraph, depth: int) -> None:
    first, *rest = block.blocks
    paragraph = word.add_paragraph(style=NUMBERED)
    paragraph.add_run(f"{block.label}\t")
    _spans(paragraph, first.spans)
    for inner in rest:
        HANDLERS[type(inner)](word, inner, 1)


def _bullets(word, block: BulletList, depth: int, level: int = 1) -> None:
    style = bullet_style(depth, level)
    for item in block.items:
        first, *rest = item
        _spans(word.add_paragraph(style=style), first.spans)
        for inner in rest:
            _bullets(word, inner, depth, level + 1)


def _table(word, block: Table, depth: int) -> None:
    table = word.add_table(rows=1 + len(block.rows), cols=len(block.header))
    table.style = word.styles["Table Grid"]
    header = table.rows[0]
    docx_xml.repeat_as_header_row(header)
    for cell, spans in zip(header.cells, block.header):
        paragraph = cell.paragraphs[0]
        for span in spans:
            paragraph.add_run(span.text).bold = True
    for row, cells in zip(table.rows[1:], block.rows):
        for cell, spans in zip(row.cells, cells):
            _spans(cell.paragraphs[0], spans)
    lay_out_table(table)


def lay_out_table(table) -> None:
    """Two-column (declaration) tables: wide statement, narrow centred tick."""
    if len(table.columns) != 2:
        return
    table.autofit = False
    for column, width in zip(table.columns, (Cm(12.5), Cm(3.5))):
        column.width = width
        for cell in column.cells:
            cell.width = width
    for row in table.rows:
        row.cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


HANDLERS = {
    Heading: _heading,
    Paragraph: _paragraph,
    NumberedParagraph: _numbered,
    BulletList: _bullets,
    Table: _table,
}
