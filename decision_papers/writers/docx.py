"""Writer: the neutral model → a Word document, through python-docx.

Dispatches on block type through ``HANDLERS``, one small function each.  Uses
real Word styles (Title, Heading 1/2, List Bullet, Table Grid) plus two
paragraph styles of our own for pipeline-numbered paragraphs, so the paper
stays editable in Word and readable by screen readers.

A form may have a reference document (``templates/<form>/reference.docx``, as
pandoc's ``--reference-doc``): then a paper starts from it, keeping its
styles, page, header and footer, and only its body is replaced.  A reference
document that cannot be used raises ``ReferenceProblem``, whose message says
why in plain words, before anything is written.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Mm, Pt, RGBColor

from decision_papers.atomic import plain_reason
from decision_papers.document.model import (
    BulletList,
    Document,
    Heading,
    NumberedParagraph,
    Paragraph,
    Table,
)
from decision_papers.document.styles import (
    CONTINUED,
    HEADING_STYLES,
    NUMBERED,
    NUMBERED_BULLET,
    NUMBERED_SUB,
    PARAGRAPH,
    TABLE,
    bullet_style,
    holds_ticks,
    list_bullet,
    numbered_style,
    writer_styles,
)
from decision_papers.errors import Failure
from decision_papers.problems import Place, Problem, printable
from decision_papers.projects import display_path
from decision_papers.word import accessibility, archive, ooxml
from decision_papers.word.accessibility import MIN_CONTRAST

BULLET_INDENT = Cm(0.63)
INDENT = Cm(1.27)
FONT = "Arial"


class ReferenceProblem(Failure):
    """A form's reference document cannot be used; the message says why in plain words.

    ``path`` is the reference document and ``hint`` (or ``None``) how to fix it.
    """

    rule = "template"

    def __init__(self, path: Path, message: str, hint: str | None = None):
        self.path = self.where = Path(path)
        self.hint = hint
        super().__init__(message)


class Inaccessible(Failure):
    """The Word paper fails the accessibility rules: one finding for each way it does.

    What fails comes from the form's templates or reference document, so a
    finding names the pack; what the source typed (a list, an image) names
    the source.
    """

    rule = "accessibility"

    def __init__(self, found: list, reference: Path | None):
        super().__init__(f"the Word paper is not accessible ({len(found)} findings)")
        self.found, self.reference = found, reference

    def problems(self, source=None) -> list[Problem]:
        pack = Place(display_path(self.reference if self.reference else source))
        out = []
        for finding in self.found:
            where, hint = (pack, finding.hint) if finding.rule not in _TYPED else \
                (Place(display_path(source)), _TYPED[finding.rule])
            out.append(Problem(f"the Word paper is not accessible: {finding.message}",
                               (where,), hint, rule="accessibility"))
        return out


_TYPED = {"lists": "write a list as bullets: start each line with \"- \" (they follow the "
                   "paragraph that introduces them).",
          "alt_text": "give the image a description."}
"""Findings about what the source typed, not the form: their place is the source."""


def output(paper) -> bytes:
    """The writer table's entry: the paper's DOCX, started from its form's reference
    document, with a fixed zip layout, and checked against the accessibility rules the
    regulations make checkable (``word.accessibility``) before it can be written."""
    data = archive.normalise_docx(render(paper.document, paper.reference))
    found = accessibility.check(data)
    if found:
        raise Inaccessible(found, paper.reference)
    return data


def render(doc: Document, reference: Path | None = None) -> bytes:
    """Build the DOCX for ``doc`` and return its bytes (not yet normalised).

    With ``reference``, the paper starts from that Word document (see
    ``new_document``); ``ReferenceProblem`` if it cannot be used.
    """
    word = new_document(doc, reference)
    out = _Out(word)
    for block in doc.blocks:
        HANDLERS[type(block)](out, block, 0)
    keep_labelled_blocks_together(word)
    return save(word)


class _Out:
    """The document being written, with each style's id resolved once, by name."""

    def __init__(self, word):
        self.word = word
        self._ids: dict[str, str | None] = {}

    def paragraph(self, style: str | None = None):
        """A new paragraph at the end of the body, in ``style`` (a name; None is Normal)."""
        paragraph = self.word.add_paragraph()
        if style is not None:
            if style not in self._ids:  # None for the default style, as python-docx sets it
                self._ids[style] = self.word.part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
            if self._ids[style] is not None:
                ooxml.set_paragraph_style(paragraph, self._ids[style])
        return paragraph


def keep_labelled_blocks_together(word) -> None:
    """Keep each short block with a bold label (a sign-off: ``Signature:``) on one page.

    The writer knows no form, so it goes by ``accessibility.labelled_blocks``,
    the rule the accessibility check applies: every paragraph of the block but
    its last is kept with the next.
    """
    for paragraphs in accessibility.labelled_blocks(word):
        for paragraph in paragraphs[:-1]:
            paragraph.paragraph_format.keep_with_next = True


def new_document(doc: Document, reference: Path | None = None, data: bytes | None = None):
    """An empty python-docx document with the paper's page, styles and properties.

    Shared with ``redline`` so a redline looks exactly like the paper.  With
    ``reference`` (a form's ``reference.docx``) it is that document with its
    body emptied: its styles, page, header and footer are kept, and the
    paper's own line (reference, form version, page numbers, any marking)
    replaces the text of the first paragraph of each header and footer.
    """
    if reference is not None:
        return _from_reference(doc, Path(reference), data)
    word = docx.Document()
    ooxml.drop_template_leftovers(word)
    ooxml.scrub_settings(word, doc.meta.language)
    ooxml.strip_revision_ids(word)
    _page_setup(word, doc)
    _styles(word, doc)
    _properties(word, doc)
    return word


def save(word) -> bytes:
    """The bytes of a python-docx document."""
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _from_reference(doc: Document, path: Path, data: bytes | None = None):
    word = open_reference(path, data)
    ooxml.drop_reference_leftovers(word)
    ooxml.scrub_settings(word, doc.meta.language)
    ooxml.strip_revision_ids(word)
    section = word.sections[0]
    for kind in ("", "first_page_", "even_page_"):  # every header and footer a page may show
        for part, line in ((getattr(section, f"{kind}header"), _header_line),
                           (getattr(section, f"{kind}footer"), _footer_line)):
            if kind and part.is_linked_to_previous:
                continue  # not defined: those pages show the primary one
            ooxml.strip_revision_ids_from(part._element)  # noqa: SLF001
            paragraph = part.paragraphs[0] if part.paragraphs else part.add_paragraph()
            paragraph.clear()
            line(paragraph, doc)
    ooxml.set_default_language(word, doc.meta.language)
    ooxml.clear_core_properties(word)
    _properties(word, doc)
    return word


_STYLE_TYPES = {PARAGRAPH: WD_STYLE_TYPE.PARAGRAPH, TABLE: WD_STYLE_TYPE.TABLE}

_STYLE_HINT = ("define each style in the reference document (in Word: the Styles pane, New "
               "Style, with exactly that name), or start from "
               "templates/pcd-april-2023/reference.docx.")


def open_reference(path: Path, data: bytes | None = None):
    """The reference document at ``path`` (or ``data``, its bytes), checked, with its body emptied.

    Raises ``ReferenceProblem`` if it cannot be read, is not a Word document,
    would expand like a zip bomb (refused before anything is expanded), has no
    page setup, or lacks any style the writer uses (all of them are named).
    """
    shown = display_path(path)
    try:
        if data is None and not path.is_file():
            reason = "it is not a file" if path.exists() else "it does not exist"
            raise ReferenceProblem(path, f"cannot read {shown}: {reason}.")
        if data is None:  # read once: what is checked is what is used
            if path.stat().st_size > REFERENCE_LIMIT:
                raise ReferenceProblem(path, f"{shown} is refused: it is larger than "
                                       f"{REFERENCE_LIMIT // 2 ** 20} MB; a reference "
                                       "document holds styles, a header and a footer.")
            data = path.read_bytes()
        digest = hashlib.sha256(data).digest()
        if digest in _CHECKED:  # a batch checks each form's reference document once
            word = docx.Document(io.BytesIO(data))
            ooxml.empty_body(word)
            return word
        with io.BytesIO(data) as handle:
            try:
                with zipfile.ZipFile(handle) as zipped:
                    archive.check_archive(zipped)
            except archive.Refused as exc:
                raise ReferenceProblem(path, f"{shown} is refused: {exc}") from None
            except (zipfile.BadZipFile, ValueError, EOFError):
                raise ReferenceProblem(
                    path, f"{shown} is not a Word document (.docx): it is not a zip archive, "
                    "as every .docx is.", "save the form's reference document from Word as "
                    "a Word Document (.docx).") from None
            handle.seek(0)
            try:
                word = docx.Document(handle)
            except Exception as exc:  # noqa: BLE001 - whatever python-docx or lxml met
                raise ReferenceProblem(
                    path, f"{shown} is not a Word document (.docx) that can be read: "
                    f"{_unreadable(exc)}.", "save the form's reference document from Word "
                    "as a Word Document (.docx).") from None
    except OSError as exc:
        raise ReferenceProblem(path, f"cannot read {shown}: {plain_reason(exc)}.") from None
    missing = []
    for name, kind, purpose in writer_styles():
        style = word.styles[name] if name in word.styles else None
        if style is None or style.type != _STYLE_TYPES[kind]:
            missing.append(f'no {kind} style "{name}", which the writer uses for {purpose}')
    if missing:
        if len(missing) > 1:
            missing[-1] = f"and {missing[-1]}"
        raise ReferenceProblem(path, f"{shown} has {'; '.join(missing)}.", _STYLE_HINT)
    if not ooxml.empty_body(word):
        raise ReferenceProblem(path, f"{shown} has no page setup (the section properties "
                               "that end a document's body).", "save it again from Word.")
    _CHECKED.add(digest)
    return word


REFERENCE_LIMIT = 64 * 2 ** 20
"""The largest reference document read (the bundled ones are 10 KB)."""
_CHECKED: set[bytes] = set()
"""The hashes of reference documents that passed ``open_reference``'s checks."""


def _unreadable(exc: Exception) -> str:
    """Why python-docx could not read a file, in plain words."""
    text = str(exc)
    if isinstance(exc, KeyError):  # zipfile: "There is no item named 'x' in the archive"
        name = text.split("'")[1] if text.count("'") >= 2 else text
        return f"it has no {printable(name)[:100]} part"
    if "content type is" in text:
        kind = text.rsplit("content type is", 1)[1].strip(" '")
        return f"its main part is not a document but {printable(kind)[:120]}"
    if isinstance(exc, SyntaxError):  # lxml's XMLSyntaxError
        return "a part's XML is damaged"
    return printable(text)[:200] or type(exc).__name__


def _page_setup(word, doc: Document) -> None:
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)  # A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.54))
    _header_line(section.header.paragraphs[0], doc)
    _footer_line(section.footer.paragraphs[0], doc)


def _header_line(header, doc: Document) -> None:
    """The paper's reference (after any marking, and DRAFT until approved) as ``header``'s text."""
    header.text = doc.meta.reference
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # a protective marking goes at the top and bottom of every page; DRAFT at the top
    marks = " – ".join(m for m in ("DRAFT" if doc.meta.draft else None, doc.meta.marking) if m)
    if marks:
        header.text = f"{marks}\t{doc.meta.reference}"
        header.alignment = WD_ALIGN_PARAGRAPH.LEFT
        header.runs[0].bold = True


def _footer_line(footer, doc: Document) -> None:
    """Any marking, the form version and ``Page N of M``, added to ``footer``."""
    if doc.meta.marking:
        footer.add_run(doc.meta.marking).bold = True
        footer.add_run("\t")
    footer.add_run(f"{doc.meta.form_version}\tPage ")
    ooxml.add_field(footer, "PAGE")
    footer.add_run(" of ")
    ooxml.add_field(footer, "NUMPAGES")


def _styles(word, doc: Document) -> None:
    ooxml.set_default_language(word, doc.meta.language)
    add_paper_styles(word)


def add_paper_styles(word) -> None:
    """Arial everywhere, and the styles of our own, on python-docx's default template.

    ``scripts/make_reference_docx.py`` starts a form's reference document from these.
    """
    styles = word.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    ooxml.set_font_everywhere(normal, FONT)
    for name in ("Title", "Heading 1", "Heading 2", "Header", "Footer"):
        style = styles[name]
        style.font.color.rgb = RGBColor(0, 0, 0)
        ooxml.set_font_everywhere(style, FONT)
    styles["Title"].font.size = Pt(18)
    styles["Title"].paragraph_format.keep_with_next = True  # as Heading 1 and 2 already are
    numbered = styles.add_style(NUMBERED, WD_STYLE_TYPE.PARAGRAPH)
    numbered.base_style = normal
    fmt = numbered.paragraph_format
    fmt.left_indent, fmt.first_line_indent = INDENT, -INDENT
    fmt.tab_stops.add_tab_stop(INDENT)
    sub = styles.add_style(NUMBERED_SUB, WD_STYLE_TYPE.PARAGRAPH)
    sub.base_style = normal
    fmt = sub.paragraph_format
    fmt.left_indent, fmt.first_line_indent = INDENT * 2, -INDENT
    fmt.tab_stops.add_tab_stop(INDENT * 2)
    continued = styles.add_style(CONTINUED, WD_STYLE_TYPE.PARAGRAPH)
    continued.base_style = normal
    continued.paragraph_format.left_indent = INDENT
    for level in (1, 2, 3):  # bullets inside numbered paragraphs line up with the text
        bullet = styles.add_style(f"{NUMBERED_BULLET} {level}", WD_STYLE_TYPE.PARAGRAPH)
        bullet.base_style = styles[list_bullet(level)]
        bullet.paragraph_format.left_indent = INDENT + BULLET_INDENT * level
        bullet.paragraph_format.first_line_indent = -BULLET_INDENT
    for style in styles:  # no text too faint to read on white (the template's blue, grey)
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
            rgb = style.font.color.rgb
            if rgb is not None and accessibility.contrast(str(rgb), "FFFFFF") < MIN_CONTRAST:
                style.font.color.rgb = RGBColor(0, 0, 0)


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
        ooxml.add_text_run(paragraph, span.text, span.bold, span.italic)


def _heading(out: _Out, block: Heading, depth: int) -> None:
    paragraph = out.paragraph(HEADING_STYLES[block.level])
    if block.number:
        ooxml.add_text_run(paragraph, f"{block.number}. ")
    _spans(paragraph, block.spans)


def _paragraph(out: _Out, block: Paragraph, depth: int) -> None:
    _spans(out.paragraph(CONTINUED if depth else None), block.spans)


def _numbered(out: _Out, block: NumberedParagraph, depth: int) -> None:
    first, *rest = block.blocks
    paragraph = out.paragraph(numbered_style(block.level))
    ooxml.add_text_run(paragraph, f"{block.label}\t")
    _spans(paragraph, first.spans)
    for inner in rest:
        HANDLERS[type(inner)](out, inner, 1)


def _bullets(out: _Out, block: BulletList, depth: int, level: int = 1) -> None:
    style = bullet_style(depth, level)
    for item in block.items:
        first, *rest = item
        _spans(out.paragraph(style), first.spans)
        for inner in rest:
            _bullets(out, inner, depth, level + 1)


def _table(out: _Out, block: Table, depth: int) -> None:
    word = out.word
    table = word.add_table(rows=1 + len(block.rows), cols=len(block.header))
    table.style = word.styles["Table Grid"]
    header = table.rows[0]
    ooxml.repeat_as_header_row(header)
    for cell, spans in zip(header.cells, block.header):
        paragraph = cell.paragraphs[0]
        for span in spans:
            ooxml.add_text_run(paragraph, span.text, bold=True)
    for row, cells in zip(table.rows[1:], block.rows):
        for cell, spans in zip(row.cells, cells):
            _spans(cell.paragraphs[0], spans)
    lay_out_table(table, [["".join(span.text for span in spans) for spans in cells]
                          for cells in block.rows])


TABLE_WIDTH = Cm(16)
"""The width tables share out between their columns."""


def lay_out_table(table, body: list[list[str]] | None = None) -> None:
    """Column widths from what the columns hold, and no row breaking across pages.

    A two-column table whose second column holds only ticks (a declaration)
    has a wide statement and a narrow centred tick.  Any other table's
    columns share the width in proportion to their longest body cell (within
    limits), so a short label sits beside a long value.  ``body`` is the text of each
    body cell, where the writer knows it (reading it back from Word is slow).
    """
    for row in table.rows:  # a row split across pages is hard to follow
        ooxml.keep_row_on_one_page(row)
    columns = len(table.columns)
    if columns < 2:
        return
    if body is None:
        body = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    longest = [max((len(row[i]) for row in body), default=0) for i in range(columns)]
    ticks = holds_ticks(columns, body)
    table.autofit = False
    if ticks:
        widths = (Cm(12.5), Cm(3.5))
    else:
        weights = [min(max(n, 8), 60) for n in longest]
        widths = [int(TABLE_WIDTH * w / sum(weights)) for w in weights]
    for column, width in zip(table.columns, widths):
        column.width = width
        for cell in column.cells:
            cell.width = width
    if ticks:
        for row in table.rows:
            row.cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER


HANDLERS = {
    Heading: _heading,
    Paragraph: _paragraph,
    NumberedParagraph: _numbered,
    BulletList: _bullets,
    Table: _table,
}
