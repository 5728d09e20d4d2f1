"""Writer: the neutral model → Markdown for reviewers and git diffs.

One paragraph per line, a blank line between blocks, and metadata in a front
matter block kept apart from the body.  Numbered paragraphs are written as
plain paragraphs that start with their number (``3.2 The VRU...``), so any
Markdown reader shows the same text as Word, paragraph for paragraph.
Everything printed is escaped as mdformat escapes text: inline markup
(``\\ * _ ` [ ] < > |`` and ``&`` before an entity) everywhere, and whatever
would start a block (``#``, ``-``, ``+``, ``1.``, ``~~~``, ``---``,
indentation) at the start of a line.  So a CommonMark reader sees the same
headings, paragraphs, list items and table cells, with the same text, as
Word shows.  Emphasis is written properly nested, never next to a space.
"""

from __future__ import annotations

import json
import re

from decision_papers.document.model import (
    BulletList,
    Document,
    Heading,
    NumberedParagraph,
    Paragraph,
    Span,
    Table,
)

_INLINE_SPECIAL = re.compile(r"([\\*_`\[\]<>|]|&(?=#?\w+;))")
_BLOCK_START = re.compile(r"#{1,6}(?=[ \t]|$)|[-+](?=[ \t]|$)|~{3,}|(?:-[ \t]*){2,}$")
"""What would start a heading, a list item, a fence or a rule at a line's start.

Two dashes are enough for a rule: after a bullet's ``- `` they make three."""
_ORDERED = re.compile(r"\d+(?=[.)](?:[ \t]|$))")
"""An ordered list marker (``1.``, ``2)``): its dot is escaped instead."""
_MARKS = {"bold": "**", "italic": "*"}


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
        "date": meta.date.isoformat() if meta.date else None,
        "language": meta.language,
    }
    if meta.date is None:  # a paper no rule needs a decision date for may not have one yet
        del fields["date"]
    if meta.marking:
        fields["marking"] = meta.marking
    # JSON strings are valid YAML scalars, and escape everything they must
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---"


def escape_inline(text: str) -> str:
    """Escape characters that Markdown would read as formatting, a pipe included.

    A line break inside a span (there should be none) is printed as a space,
    as Word's reader and ``normalise`` see it, so it cannot start a block.
    """
    return _INLINE_SPECIAL.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))


def _spans(spans) -> str:
    """Spans as Markdown, with emphasis opened and closed like nested tags.

    A format that runs on over several spans stays open across them (the
    longer-running one outside), so ``*a **b** c*`` is written as it was
    read.  Spaces at a span's edges go outside its markers, where a marker
    can open and close; a span of spaces only is left plain.
    """
    spans = [s for s in spans if s.text]
    out, opened, pending = [], [], ""
    for index, span in enumerate(spans):
        core = span.text.strip()
        lead = span.text[:len(span.text) - len(span.text.lstrip())]
        trail = span.text[len(span.text.rstrip()):] if core else ""
        if not core:
            pending += span.text
            continue
        wanted = {"bold": span.bold, "italic": span.italic}
        while any(not wanted[mark] for mark in opened):  # close down to what must end
            out.append(_MARKS[opened.pop()])
        out.append(escape_inline(pending + lead))
        pending = trail
        starting = [mark for mark in _MARKS if wanted[mark] and mark not in opened]
        starting.sort(key=lambda mark: -_run(spans, index, mark))
        for mark in starting:
            out.append(_MARKS[mark])
            opened.append(mark)
        out.append(escape_inline(core))
    out += [_MARKS[mark] for mark in reversed(opened)]
    out.append(escape_inline(pending))
    return "".join(out)


def _run(spans, start: int, mark: str) -> int:
    """How many spans from ``start`` on keep ``mark`` (spaces keep any format)."""
    count = 0
    for span in spans[start:]:
        if not getattr(span, mark) and span.text.strip():
            break
        count += 1
    return count


def _line(spans) -> str:
    """A paragraph's or list item's text, safe at the start of a line."""
    return _block_start(_spans(spans))


def _block_start(text: str) -> str:
    """Escape what would start a block (heading, list, fence, rule, code) at a line's start."""
    text = text.lstrip(" \t")  # four spaces would start a code block; Word shows the text
    if _BLOCK_START.match(text):
        return "\\" + text
    match = _ORDERED.match(text)
    if match:  # "1. " typed as text must not become a numbered list
        return text[:match.end()] + "\\" + text[match.end():]
    return text


def _heading(block: Heading) -> str:
    number = f"{block.number}. " if block.number else ""
    text = _spans(block.spans).strip(" \t")
    if text.endswith("#"):  # trailing hashes would be read as the closing sequence
        text = text[:-1] + "\\#"
    return "#" * (block.level + 1) + " " + number + text


def _paragraph(block: Paragraph) -> str:
    return _line(block.spans)


def _numbered(block: NumberedParagraph) -> str:
    first, *rest = block.blocks
    parts = [_line([Span(block.label + " ")] + first.spans).rstrip(" ")]  # "(i)" when empty
    parts += [HANDLERS[type(inner)](inner) for inner in rest]
    return "\n\n".join(parts)


def _bullets(block: BulletList, level: int = 0) -> str:
    lines = []
    for item in block.items:
        first, *rest = item if item and isinstance(item[0], Paragraph) else [Paragraph([])] + item
        text = _line(first.spans)
        if not text and level and lines:  # an empty item under a line would underline it
            lines.append("")
        lines.append(("  " * level + "- " + text).rstrip(" "))
        lines += [_bullets(inner, level + 1) for inner in rest]
    return "\n".join(lines)


def _table(block: Table) -> str:
    def row(cells):
        return "| " + " | ".join(_spans(c) for c in cells) + " |"
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


def output(paper) -> bytes:
    """The writer table's entry: a paper's Markdown, as UTF-8."""
    return render(paper.document).encode("utf-8")
