"""The neutral document model between the templates and the writers.

Like pandoc's AST: blocks hold inline spans, and metadata is kept apart from
the body.  Both writers walk exactly this, so the DOCX and the Markdown can
never say different things.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A run of text with uniform formatting."""

    text: str
    """The characters, with no Markdown escapes left in them."""
    bold: bool = False
    """Strong emphasis (``**``)."""
    italic: bool = False
    """Emphasis (``*``)."""


@dataclass
class Heading:
    """A heading; level 0 is the document title."""

    level: int
    """0 title, 1 main heading, 2 subheading."""
    spans: list[Span]
    """Heading text."""
    number: str | None = None
    """Section number (``"3"``) when the section is numbered."""


@dataclass
class Paragraph:
    """A plain paragraph."""

    spans: list[Span]
    """Paragraph text."""


@dataclass
class BulletList:
    """A bulleted list; items may nest further lists."""

    items: list[list]
    """Each item is a list of blocks (``Paragraph`` then nested ``BulletList``)."""


@dataclass
class NumberedParagraph:
    """A paragraph numbered by the pipeline (``1``, ``3.2``)."""

    label: str
    """The number as printed, e.g. ``"3.2"``, ``"(a)"`` or ``"(ii)"``."""
    blocks: list
    """First a ``Paragraph``; then follow-on paragraphs and bullet lists."""
    level: int = 1
    """1 for a paragraph or recommendation; 2 for a sub-item of the one before, as
    ``(i)`` under ``(a)``: indented one step further."""


@dataclass
class Table:
    """A table whose first row is a header row (repeated on each page)."""

    header: list[list[Span]]
    """Header cells."""
    rows: list[list[list[Span]]]
    """Body rows; each cell is a list of spans."""


PROPERTY_LIMIT = 255
"""Most characters a Word core property (title, subject, author) may hold."""


@dataclass
class Metadata:
    """Document properties, kept apart from the body."""

    title: str
    """Paper title (document property), as plain text cut to ``PROPERTY_LIMIT``."""
    reference: str
    """Decision reference, e.g. ``PCD 1717``."""
    form_version: str
    """Form version printed in the header, e.g. ``PCD April 2023``."""
    organisation: str
    """Author of record."""
    date: dt.date | None
    """The paper's date: approval, else the chief executive's consultation; None when it has
    none yet and no rule needs one."""
    stamp: dt.datetime
    """Created/modified document properties: ``SOURCE_DATE_EPOCH`` where set, else ``date``."""
    language: str = "en-GB"
    """Document language."""
    marking: str | None = None
    """Protective marking printed on every page (Part 2 papers), else ``None``."""
    draft: bool = False
    """True until the paper is approved: DRAFT is in its header and its title."""


@dataclass
class Document:
    """A whole paper: metadata plus body blocks."""

    meta: Metadata
    """Document properties."""
    blocks: list = field(default_factory=list)
    """Body, in reading order."""


def plain(spans: list[Span]) -> str:
    """The text of some spans without formatting."""
    return "".join(s.text for s in spans)
