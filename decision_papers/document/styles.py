"""One table from document blocks to Word paragraph styles.

The writer, the reader (``textconv``) and the redline all name styles from
here, so a block written as one style is always read back as the same block.
"""

from __future__ import annotations

HEADING_STYLES = {0: "Title", 1: "Heading 1", 2: "Heading 2"}
"""Heading level → Word style (level 0 is the paper's title)."""
HEADING_LEVELS = {style: level for level, style in HEADING_STYLES.items()}
"""Word style → heading level, for reading a paper back."""
NUMBERED = "Numbered Paragraph"
"""A pipeline-numbered paragraph (``3.1<tab>text``), or a lettered one (``(a)<tab>text``)."""
NUMBERED_SUB = "Numbered Paragraph 2"
"""A sub-item of a numbered or lettered paragraph (``(i)<tab>text``), indented further."""


def numbered_style(level: int) -> str:
    """The style of a numbered paragraph at ``level`` (1 or 2)."""
    return NUMBERED if level == 1 else NUMBERED_SUB


NUMBERED_LEVELS = {NUMBERED: 1, NUMBERED_SUB: 2}
"""Word style → level of a numbered paragraph, for reading a paper back."""
CONTINUED = "Numbered Continuation"
"""A follow-on paragraph inside a numbered paragraph."""
NUMBERED_BULLET = "Numbered Bullet"
"""Prefix of the bullet styles inside a numbered paragraph (``Numbered Bullet 2``)."""
MAX_BULLET_LEVEL = 3


def list_bullet(level: int) -> str:
    """Word's built-in bullet style for ``level`` (1-3)."""
    return "List Bullet" if level == 1 else f"List Bullet {level}"


def bullet_style(depth: int, level: int) -> str:
    """The style for a bullet at ``level`` (1-3), inside a numbered paragraph or not."""
    level = min(level, MAX_BULLET_LEVEL)
    if depth:
        return f"{NUMBERED_BULLET} {level}"
    return list_bullet(level)


TICK = 3
"""A table column none of whose body cells is longer than this holds ticks (✓, N/A): the
writers make it narrow (and Word centres it)."""


def holds_ticks(columns: int, body: list[list[str]]) -> bool:
    """True for a two-column table whose second column holds only ticks (a declaration):
    the writers give it a wide statement and a narrow, centred tick."""
    return columns == 2 and max((len(row[1]) for row in body if len(row) > 1),
                                default=0) <= TICK

PARAGRAPH, TABLE = "paragraph", "table"
"""The two kinds of Word style the writer uses."""


def writer_styles() -> list[tuple[str, str, str]]:
    """Every style the DOCX writer uses: ``(name, kind, what it is used for)``.

    A form's reference document (``templates/<form>/reference.docx``) must
    define each of them; the writer checks this before it writes anything.
    """
    used = {0: "the paper's title", 1: "part headings", 2: "section headings"}
    found = [("Normal", PARAGRAPH, "body text")]
    found += [(style, PARAGRAPH, used[level]) for level, style in HEADING_STYLES.items()]
    found += [(list_bullet(level), PARAGRAPH, f"bullets at level {level}")
              for level in range(1, MAX_BULLET_LEVEL + 1)]
    found += [(NUMBERED, PARAGRAPH, "numbered paragraphs (3.1, 3.2…)"),
              (NUMBERED_SUB, PARAGRAPH, "sub-items of numbered paragraphs ((i), (ii)…)"),
              (CONTINUED, PARAGRAPH, "follow-on paragraphs inside a numbered paragraph")]
    found += [(f"{NUMBERED_BULLET} {level}", PARAGRAPH,
               f"bullets at level {level} inside a numbered paragraph")
              for level in range(1, MAX_BULLET_LEVEL + 1)]
    found.append(("Table Grid", TABLE, "tables"))
    return found
