"""Parse the rendered Markdown into the neutral ``model``.

The parser is ``MarkdownIt("zero")`` with only the rules the writers support
enabled, so anything else in a template stays literal text; any node type the
builder does not know is an error, never silently dropped.

Numbering is done here, by the pipeline: a heading written ``## 3. Title``
starts section 3, and the ordered-list items after it become paragraphs
``3.1``, ``3.2``...; ordered items after an unnumbered heading are ``1``,
``2``...  The numbers typed in the template's list markers are ignored.

A list written with ``1)`` instead of ``1.`` is lettered, as a form's
descriptor asks (``recommendations.numbering``): ``(a)``, ``(b)``... by
default, and a ``1)`` list inside an item gives its sub-items, ``(i)``,
``(ii)``...  Sub-items are flat paragraphs of level 2 in the model.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from decision_papers.document.model import (
    BulletList,
    Heading,
    NumberedParagraph,
    Paragraph,
    Span,
    Table,
)
from decision_papers.document.styles import HEADING_STYLES
from decision_papers.errors import Failure

RULES = ["heading", "list", "table", "emphasis", "escape", "newline"]
"""markdown-it rules the DOCX writer supports; everything else is literal."""

_NUMBERED_HEADING = re.compile(r"^(\d+)\.\s+")


class UnsupportedMarkdown(Failure, ValueError):
    """A template produced a construct the writers cannot represent."""

    rule = "template"

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line
        """0-based line of the Markdown where the construct starts, when known."""


def parser() -> MarkdownIt:
    """The one Markdown parser used by the pipeline, made once (parsing keeps no state in it)."""
    if not _PARSER:
        _PARSER.append(MarkdownIt("zero").enable(RULES))
    return _PARSER[0]


_PARSER: list[MarkdownIt] = []


LETTERED = ("(a)", "(i)")
"""Labels of ``1)`` lists: the top level, and sub-items inside an item."""


def label(style: str, number: int) -> str:
    """The ``number``-th label (from 1) of ``style``: ``(c)``, ``(iv)`` or ``(3)``."""
    if style == "(a)":
        letters = ""
        while number:
            number, rest = divmod(number - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return f"({letters})"
    if style == "(i)":
        return f"({_roman(number)})"
    return f"({number})"


def _roman(number: int) -> str:
    out = ""
    for value, text in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                        (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                        (4, "iv"), (1, "i")):
        count, number = divmod(number, value)
        out += text * count
    return out


def parse(markdown: str, lettered: tuple[str, str] = LETTERED) -> list:
    """Markdown text → list of model blocks.

    ``lettered`` is how ``1)`` lists are labelled: the top level, then sub-items.

    Inline tokens are read flat, before the block tree is built, so emphasis
    nested a thousand deep (``****…a…****``) costs a counter, not the stack.
    """
    tokens = parser().parse(markdown)
    for token in tokens:
        if token.type == "inline":
            token.meta = {"spans": _flat_spans(token)}
            token.children = []
    tree = SyntaxTreeNode(tokens)
    state = {"section": None, "count": 0, "lettered": lettered}
    return [block for node in tree.children for block in _block(node, state)]


def _line(node) -> int | None:
    return node.map[0] if node.map else None


def _block(node: SyntaxTreeNode, state) -> list:
    handler = _BLOCKS.get(node.type)
    if handler is None:
        raise UnsupportedMarkdown(f"unsupported Markdown block: {node.type}", _line(node))
    return handler(node, state)


def _heading(node, state):
    level = int(node.tag[1]) - 1
    if level not in HEADING_STYLES:
        raise UnsupportedMarkdown(
            f"a level-{level + 1} heading ({'#' * (level + 1)}) is deeper than the writers "
            f"support (# to {'#' * len(HEADING_STYLES)})", _line(node))
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
    items = []
    for item in node.children:
        blocks = _item_blocks(item, state)
        if not blocks or not isinstance(blocks[0], Paragraph):
            blocks.insert(0, Paragraph([]))  # an empty bullet ("- "): Word shows it empty
        items.append(blocks)
    return [BulletList(items)]


def _item_blocks(item, state, subs=None):
    """An item's blocks; a ``1)`` list in it goes to ``subs`` (sub-items), where allowed."""
    blocks = []
    for child in item.children:
        if child.type == "paragraph":
            (subs[-1].blocks if subs else blocks).append(Paragraph(_inlines(child.children[0])))
        elif child.type == "bullet_list":
            (subs[-1].blocks if subs else blocks).extend(_bullets(child, state))
        elif child.type == "ordered_list" and child.markup == ")" and subs is not None:
            for number, sub in enumerate(child.children, len(subs) + 1):
                inner = _item_blocks(sub, state)
                if not inner or not isinstance(inner[0], Paragraph):
                    inner.insert(0, Paragraph([]))  # an empty sub-item: shown empty, as a bullet
                subs.append(NumberedParagraph(label(state["lettered"][1], number), inner, 2))
        else:
            raise UnsupportedMarkdown(f"unsupported Markdown inside a list: {child.type}",
                                      _line(child))
    return blocks


def _ordered(node, state):
    out = []
    for index, item in enumerate(node.children, 1):
        if node.markup == ")":
            text = label(state["lettered"][0], index)
        else:
            state["count"] += 1
            section = state["section"]
            text = f"{section}.{state['count']}" if section else f"{state['count']}."
        subs: list = []
        blocks = _item_blocks(item, state, subs)
        if not blocks or not isinstance(blocks[0], Paragraph):
            raise UnsupportedMarkdown("a numbered paragraph must start with text", _line(item))
        out.append(NumberedParagraph(text, blocks))
        out += subs
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
    return list(inline.token.meta["spans"])


_DEPTH = {"strong_open": ("bold", 1), "strong_close": ("bold", -1),
          "em_open": ("italic", 1), "em_close": ("italic", -1)}


def _flat_spans(inline) -> list[Span]:
    """An inline token's children → spans, with emphasis depth counted, not recursed.

    Neighbours with the same formatting are joined (their texts gathered in
    lists and joined once, so a long run costs linear time).
    """
    runs: list[tuple[bool, bool, list[str]]] = []
    depth = {"bold": 0, "italic": 0}
    for child in inline.children or []:
        kind = child.type
        if kind in _DEPTH:
            mark, step = _DEPTH[kind]
            depth[mark] += step
            continue
        if kind == "text":
            text = child.content
        elif kind == "softbreak":
            text = " "
        else:
            raise UnsupportedMarkdown(f"unsupported inline Markdown: {kind}", _line(inline))
        bold, italic = depth["bold"] > 0, depth["italic"] > 0
        if runs and runs[-1][:2] == (bold, italic):
            runs[-1][2].append(text)
        elif text:
            runs.append((bold, italic, [text]))
    return [Span("".join(texts), bold, italic) for bold, italic, texts in runs]
