"""Step 6: parse the rendered Markdown into the neutral ``model``.

The parser is ``MarkdownIt("zero")`` with only the rules the writers support
enabled, so anything else in a template stays literal text; any node type the
builder does not know is an error, never silently dropped.

Numbering is done here, by the pipeline: a heading written ``## 3. Title``
starts section 3, and the ordered-list items after it become paragraphs
``3.1``, ``3.2``...; ordered items after an unnumbered heading are ``1``,
``2``...  The numbers typed in the template's list markers are ignored.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from decision_papers.document.model import BulletList, Heading, NumberedParagraph, Paragraph, Span, Table

RULES = ["heading", "list", "table", "emphasis", "escape", "newline"]
"""markdown-it rules the DOCX writer supports; everything else is literal."""

_NUMBERED_HEADING = re.compile(r"^(\d+)\.\s+")


class UnsupportedMarkdown(ValueError):
    """A template produced a construct the writers cannot represent."""


def parser() -> MarkdownIt:
    """The one Markdown parser used by the pipeline."""
    return MarkdownIt("zero").enable(RULES)


def parse(markdown: str) -> list:
    """Markdown text → list of model blocks."""
    tree = SyntaxTreeNode(parser().parse(markdown))
    state = {"section": None, "count": 0}
    return [block for node in tree.children for block in _block(node, state)]


def _block(node: SyntaxTreeNode, state) -> list:
    handler = _BLOCKS.get(node.type)
    if handler is None:
        raise UnsupportedMarkdown(f"unsupported Markdown block: {node.type}")
    return handler(node, state)


def _heading(node, state):
    level = int(node.tag[1]) - 1
    spans = _inlines(node.children[0])
    number = None
    first = spans[0].text if spans else ""
    match = _NUMBERED_HEADING.match(first)
    if match and level >= 1:
        number = match.group(1)
        spans[0] = Span(first[match.end():], spans[0].bold, spans[0].italic)
    if level >= 1:
        state["section"], state["count"] = number, 0
    return [Heading(level, spans, number)]


def _paragraph(node, state):
    return [Paragraph(_inlines(node.children[0]))]


def _bullets(node, state):
    return [BulletList([_item_blocks(item, state) for item in node.children])]


def _item_blocks(item, state):
    blocks = []
    for child in item.children:
        if child.type == "paragraph":
            blocks.append(Paragraph(_inlines(child.children[0])))
        elif child.type == "bullet_list":
            blocks.extend(_bullets(child, state))
        else:
            raise UnsupportedMarkdown(f"unsupported Markdown inside a list: {child.type}")
    return blocks


def _ordered(node, state):
    out = []
    for item in node.children:
        state["count"] += 1
        section = state["section"]
        label = f"{section}.{state['count']}" if section else f"{state['count']}."
        blocks = _item_blocks(item, state)
        if not blocks or not isinstance(blocks[0], Paragraph):
            raise UnsupportedMarkdown("a numbered paragraph must start with text")
        out.append(NumberedParagraph(label, blocks))
    return out


def _table(node, state):
    head, body = node.children[0], node.children[1] if len(node.children) > 1 else None
    header = [_inlines(cell.children[0]) if cell.children else []
              for cell in head.children[0].children]
    rows = []
    for row in (body.children if body else []):
        rows.append([_inlines(cell.children[0]) if cell.children else []
                     for cell in row.children])
    return [Table(header, rows)]


_BLOCKS = {
    "heading": _heading,
    "paragraph": _paragraph,
    "bullet_list": _bullets,
    "ordered_list": _ordered,
    "table": _table,
}


def _inlines(inline: SyntaxTreeNode) -> list[Span]:
    spans: list[Span] = []
    _walk_inline(inline, False, False, spans)
    merged: list[Span] = []
    for span in spans:  # join neighbours with the same formatting
        if merged and (merged[-1].bold, merged[-1].italic) == (span.bold, span.italic):
            merged[-1] = Span(merged[-1].text + span.text, span.bold, span.italic)
        elif span.text:
            merged.append(span)
    return merged


def _walk_inline(node, bold, italic, out):
    for child in node.children:
        kind = child.type
        if kind == "text":
            out.append(Span(child.content, bold, italic))
        elif kind == "softbreak":
            out.append(Span(" ", bold, italic))
        elif kind == "strong":
            _walk_inline(child, True, italic, out)
        elif kind == "em":
            _walk_inline(child, bold, True, out)
        else:
            raise UnsupportedMarkdown(f"unsupported inline Markdown: {kind}")
