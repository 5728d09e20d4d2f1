"""Writer: the neutral model → Markdown for reviewers and git diffs.

One paragraph per line, a blank line between blocks, and metadata in a front
matter block kept apart from the body.  Numbered paragraphs are written as
plain paragraphs that start with their number (``3.2 The VRU...``), so any
Markdown reader shows the same text as Word, paragraph for paragraph.
Escaping is minimal, to keep diffs readable, but enough that the file parses
back to the same text.
"""

from __future__ import annotations

import json
import re

from decision_papers.document.model import BulletList, Document, Heading, NumberedParagraph, Paragraph, Span, Table

_INLINE_SPECIAL = re.compile(r"([\\*_`\[\]<>]|&(?=#?\w+;))")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])(?=\s|$)")


def render(doc: Document) -> str:
    """The Markdown text of ``doc``, ending with one newline."""
    blocks = [_front_matter(doc)]
    for block in doc.blocks:
        blocks.append(HANDLERS[type(block)](block))
    return "\n\n".join(blocks) + "\n"


def _front_matter(doc: Document) -> str:
    meta = doc.meta
    fields = {
        "title": meta.title,
        "reference": meta.reference,
        "form": meta.form_version,
        "organisation": meta.organisation,
        "date": meta.date.isoformat(),
        "language": meta.language,
    }
    if meta.marking:
        fields["marking"] = meta.marking
    # JSON strings are valid YAML scalars, and escape everything they must
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---"


def escape_inline(text: str, table: bool = False) -> str:
    """Escape characters that Markdown would read as formatting."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return text.replace("|", r"\|") if table else text


def _spans(spans, table: bool = False) -> str:
    out = []
    for span in spans:
        text = escape_inline(span.text, table)
        if span.bold and span.italic:
            text = f"***{text}***"
        elif span.bold:
            text = f"**{text}**"
        elif span.italic:
            text = f"*{text}*"
        out.append(text)
    return "".join(out)


def _line(spans) -> str:
    text = _spans(spans)
    match = _LINE_START.match(text)
    if match:  # "1. " or "# " typed as text must not become structure
        marker = match.group(2)
        escaped = marker[:-1] + "\\" + marker[-1]
        text = text[:match.start(2)] + escaped + text[match.end(2):]
    return text


def _heading(block: Heading) -> str:
    number = f"{block.number}. " if block.number else ""
    return "#" * (block.level + 1) + " " + number + _spans(block.spans)


def _paragraph(block: Paragraph) -> str:
    return _line(block.spans)


def _numbered(block: NumberedParagraph) -> str:
    first, *rest = block.blocks
    parts = [_line([Span(block.label + " ")] + first.spans)]
    parts += [HANDLERS[type(inner)](inner) for inner in rest]
    return "\n\n".join(parts)


def _bullets(block: BulletList, level: int = 0) -> str:
    lines = []
    for item in block.items:
        first, *rest = item
        lines.append("  " * level + "- " + _spans(first.spans))
        lines += [_bullets(inner, level + 1) for inner in rest]
    return "\n".join(lines)


def _table(block: Table) -> str:
    def row(cells):
        return "| " + " | ".join(_spans(c, table=True) for c in cells) + " |"
    lines = [row(block.header), "| " + " | ".join("---" for _ in block.header) + " |"]
    lines += [row(cells) for cells in block.rows]
    return "\n".join(lines)


HANDLERS = {
    Heading: _heading,
    Paragraph: _paragraph,
    NumberedParagraph: _numbered,
    BulletList: _bullets,
    Table: _table,
}
