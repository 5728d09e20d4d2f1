"""A writer the tool has never heard of: a paper as plain text, one paragraph a line.

``tests/test_writers.py`` adds it to the writer table as one row, to show that
a new writer is its module and that row.
"""

from __future__ import annotations

from decision_papers.document.model import NumberedParagraph, plain


def output(paper) -> bytes:
    """The writer table's entry: each paragraph's text on a line of its own, numbered ones
    with their number."""
    lines = [paper.document.meta.title]
    for block in paper.document.blocks:
        if isinstance(block, NumberedParagraph):
            lines.append(f"{block.label} {plain(block.blocks[0].spans)}")
        elif hasattr(block, "spans"):
            lines.append(plain(block.spans))
    return ("\n".join(lines) + "\n").encode("utf-8")
