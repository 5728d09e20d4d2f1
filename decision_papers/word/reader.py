"""Reader: a DOCX written by ``writers.docx`` → the neutral model, for git diffs.

``textconv`` and ``diff`` need the text of papers as they were committed.
This reader recognises the styles ``writers.docx`` uses, so a committed
DOCX reads back to the same model and the Markdown writer prints the same
text as ``out/<id>.md``.  It is not a general DOCX importer: paragraphs in
other styles read as plain paragraphs.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from decision_papers.document.model import (
    BulletList,
    Document,
    Heading,
    Metadata,
    NumberedParagraph,
    Paragraph,
    Span,
    Table,
)
from decision_papers.document.styles import (
    CONTINUED,
    HEADING_LEVELS,
    NUMBERED_BULLET,
    NUMBERED_LEVELS,
)
from decision_papers.word.archive import check_archive

_HEADING_NUMBER = re.compile(r"^(\d+)\. ")

def read(path) -> Document:
    """Read a paper's DOCX (a path or a binary file object) back into a ``Document``.

    Raises ``Refused`` for a zip bomb (see ``check_archive``), without expanding it.
    """
    if not hasattr(path, "read"):
        with open(path, "rb") as handle:  # one open file: checked is what is read
            return read(handle)
    with zipfile.ZipFile(path) as zipped:
        check_archive(zipped)
    path.seek(0)
    word = docx.Document(path)
    blocks: list = []
    for item in word.iter_inner_content():
        if isinstance(item, DocxTable):
            blocks.append(_table(item))
        else:
            _paragraph(item, blocks)
    return Document(_metadata(word), blocks)


def _spans(paragraph: DocxParagraph) -> list[Span]:
    spans: list[Span] = []
    for run in paragraph.runs:
        span = Span(run.text, bool(run.bold), bool(run.italic))
        if spans and (spans[-1].bold, spans[-1].italic) == (span.bold, span.italic):
            spans[-1] = Span(spans[-1].text + span.text, span.bold, span.italic)
        elif span.text:
            spans.append(span)
    return spans


def _paragraph(paragraph: DocxParagraph, blocks: list) -> None:
    style, spans = paragraph.style.name, _spans(paragraph)
    if style in HEADING_LEVELS:
        number = None
        match = _HEADING_NUMBER.match(spans[0].text) if spans else None
        if match and HEADING_LEVELS[style] >= 1:
            number = match.group(1)
            spans[0] = Span(spans[0].text[match.end():], spans[0].bold, spans[0].italic)
            spans = [s for s in spans if s.text]
        blocks.append(Heading(HEADING_LEVELS[style], spans, number))
    elif style in NUMBERED_LEVELS:
        label, _, rest = spans[0].text.partition("\t")
        first = [Span(rest, spans[0].bold, spans[0].italic)] + spans[1:]
        blocks.append(NumberedParagraph(label, [Paragraph([s for s in first if s.text])],
                                        NUMBERED_LEVELS[style]))
    elif style == CONTINUED and blocks and isinstance(blocks[-1], NumberedParagraph):
        blocks[-1].blocks.append(Paragraph(spans))
    elif style.startswith(NUMBERED_BULLET) and blocks and isinstance(blocks[-1], NumberedParagraph):
        _add_bullet(blocks[-1].blocks, int(style.rsplit(" ", 1)[1]), spans)
    elif style.startswith("List Bullet"):
        level = int(style.rsplit(" ", 1)[1]) if style[-1].isdigit() else 1
        _add_bullet(blocks, level, spans)
    else:
        blocks.append(Paragraph(spans))


def _add_bullet(blocks: list, level: int, spans: list[Span]) -> None:
    if not blocks or not isinstance(blocks[-1], BulletList):
        blocks.append(BulletList([]))
    target = blocks[-1]
    for _ in range(level - 1):  # descend into the last item's nested list
        item = target.items[-1]
        if not isinstance(item[-1], BulletList):
            item.append(BulletList([]))
        target = item[-1]
    target.items.append([Paragraph(spans)])


def _table(table: DocxTable) -> Table:
    rows = [[_spans(cell.paragraphs[0]) for cell in row.cells] for row in table.rows]
    header = [[Span(s.text) for s in cell] for cell in rows[0]]  # header cells are all bold
    return Table(header, rows[1:])


def _metadata(word) -> Metadata:
    props = word.core_properties
    line = word.sections[0].footer.paragraphs[0]
    pieces = line.text.split("\t")
    # a protective marking (Part 2) comes first in the footer, in bold: then the form's version
    marked = bool(line.runs) and bool(line.runs[0].bold) and len(pieces) > 2
    marking = pieces.pop(0) if marked else None
    created = props.created.replace(tzinfo=None) if props.created else dt.datetime(1970, 1, 1)
    header = word.sections[0].header.paragraphs
    draft = bool(header) and header[0].text.split("\t", 1)[0].split(" – ")[0] == "DRAFT"
    return Metadata(title=props.title or "", reference=props.subject or "",
                    form_version=pieces[0], organisation=props.author or "",
                    date=created.date(), stamp=created, language=props.language or "en-GB",
                    marking=marking, draft=draft)
