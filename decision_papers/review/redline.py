"""Redline: two versions of a paper → one DOCX showing every change as a tracked change.

Reviewers of an approved paper need to see exactly what moved between two
versions, in Word, where they can accept or reject each change.  So the
redline is the *new* paper, laid out by ``write_docx`` (same page, styles and
properties), with the old text woven in as native tracked changes:

1. each document is flattened into paragraph units (a heading, one paragraph
   of a numbered paragraph, a bullet item, a table row);
2. the units are aligned with ``difflib.SequenceMatcher`` on their text
   (paragraph numbers left out, so inserting ``3.2`` does not misalign the
   rest of section 3);
3. units that match are written plainly; units that changed are diffed word by
   word so only the changed words are in ``w:del``/``w:ins``; units only in
   the new paper are inserted paragraphs (or rows), units only in the old one
   deleted paragraphs (or rows).

All raw XML lives in ``docx_xml``; this module uses python-docx proxies.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import groupby


from decision_papers.document import styles
from decision_papers.writers import docx_xml


from decision_papers.writers import docx as write_docx
from decision_papers.document.model import BulletList, Document, Heading, NumberedParagraph, Paragraph, Span, Table, plain

TOKEN = re.compile(r"\s+|\S+")
"""A word or a run of whitespace: the unit of a word diff; joined they give the text back."""

SIMILAR = 0.5
"""How alike (``SequenceMatcher.ratio`` on words) two changed units must be to be
shown as one edited unit rather than a deleted one plus an inserted one."""

MAX_PAIRING = 250_000
"""Above this many old×new comparisons in one changed stretch, stop pairing units
(the stretch is then shown as deleted then inserted) so a redline of two
unrelated papers still finishes quickly."""

_CELL_BREAK = "\x00"
"""Separates cells when comparing rows, so words never match across cells."""


@dataclass(frozen=True)
class Unit:
    """One paragraph or table row: what the redline aligns and diffs."""

    kind: str
    """``"p"`` for a paragraph, ``"row"`` for a table row."""
    style: str | None = None
    """Paragraph style as ``write_docx`` uses it (``None`` is Normal)."""
    prefix: str = ""
    """Text the writer puts before the spans: ``"3.1\\t"`` or ``"3. "``."""
    spans: tuple[Span, ...] = ()
    """Paragraph text."""
    cells: tuple[tuple[Span, ...], ...] = ()
    """Row cells, each its spans (header cells already bold)."""
    header: bool = False
    """True for a table's header row."""
    table: int | None = None
    """Which table of its document the row belongs to (0, 1, ...)."""

    @property
    def key(self) -> tuple:
        """What alignment compares: the text, without paragraph numbers or formatting.

        Leaving numbers out keeps units aligned when a paragraph is inserted
        and the following ones are renumbered; the renumbering then shows as
        a changed label.
        """
        if self.kind == "row":
            return ("hdr" if self.header else "row", tuple(plain(c) for c in self.cells))
        return ("p", plain(self.spans))

    @property
    def look(self) -> tuple:
        """Everything the reader sees: two units with the same look need no marks."""
        return (self.kind, self.style, self.prefix, self.spans, self.cells, self.header)


def flatten(doc: Document) -> list[Unit]:
    """The paper as paragraph units in reading order, with the styles ``write_docx`` uses.

    Alignment needs one flat sequence; each unit also carries everything
    needed to write it as ``write_docx`` would.
    """
    found: list[Unit] = []
    tables = iter(range(len(doc.blocks)))
    for block in doc.blocks:
        _flatten(block, 0, found, tables)
    return found


def _flatten(block, depth: int, found: list[Unit], tables, level: int = 1) -> None:
    if isinstance(block, Heading):
        prefix = f"{block.number}. " if block.number else ""
        found.append(Unit("p", styles.HEADING_STYLES[block.level], prefix, tuple(block.spans)))
    elif isinstance(block, Paragraph):
        found.append(Unit("p", styles.CONTINUED if depth else None, "", tuple(block.spans)))
    elif isinstance(block, NumberedParagraph):
        first, *rest = block.blocks
        found.append(Unit("p", styles.NUMBERED, f"{block.label}\t", tuple(first.spans)))
        for inner in rest:
            _flatten(inner, 1, found, tables)
    elif isinstance(block, BulletList):
        style = styles.bullet_style(depth, level)
        for item in block.items:
            first, *rest = item
            found.append(Unit("p", style, "", tuple(first.spans)))
            for inner in rest:
                _flatten(inner, depth, found, tables, level + 1)
    elif isinstance(block, Table):
        index, width = next(tables), len(block.header)
        header = tuple(tuple(Span(s.text, True) for s in cell) for cell in block.header)
        found.append(Unit("row", cells=header, header=True, table=index))
        for row in block.rows:  # like write_docx: as many cells as the header has
            cells = [tuple(cell) for cell in row[:width]] + [()] * (width - len(row))
            found.append(Unit("row", cells=tuple(cells), table=index))
    else:
        raise TypeError(f"redline cannot show a {type(block).__name__}")


def align(old: list[Unit], new: list[Unit]) -> list[tuple[Unit | None, Unit | None]]:
    """Pair old units with new ones: ``(old, new)``, ``(old, None)`` deleted, ``(None, new)`` inserted.

    ``SequenceMatcher`` finds the unchanged stretches; inside each changed
    stretch, units are paired by similarity so an edited paragraph shows its
    changed words rather than being deleted and inserted whole.
    """
    matcher = SequenceMatcher(None, [u.key for u in old], [u.key for u in new], autojunk=False)
    pairs: list[tuple[Unit | None, Unit | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += zip(old[i1:i2], new[j1:j2])
        else:
            pairs += _pair_up(old[i1:i2], new[j1:j2])
    return pairs


def _words(unit: Unit) -> list[str]:
    if unit.kind == "row":
        return [w for cell in unit.key[1] for w in cell.split() + [_CELL_BREAK]]
    return unit.key[1].split()


def _compatible(a: Unit, b: Unit) -> bool:
    return (a.kind, a.header, len(a.cells)) == (b.kind, b.header, len(b.cells))


def _similarity(a: Unit, b: Unit) -> float:
    if not _compatible(a, b):
        return 0.0
    ratio = SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio()
    return ratio if ratio >= SIMILAR else 0.0


def _pair_up(old: list[Unit], new: list[Unit]) -> list[tuple[Unit | None, Unit | None]]:
    """Pair the units of one changed stretch.

    One for one when the stretch replaced as many units as it had (so a
    table with the same number of rows gets cell-by-cell diffs); otherwise
    the most similar order-keeping pairs (dynamic programming), the rest
    deleted or inserted whole.
    """
    n, m = len(old), len(new)
    if n == m and all(_compatible(a, b) for a, b in zip(old, new)):
        return list(zip(old, new))  # replaced one for one: diff each word by word
    if n * m > MAX_PAIRING:
        return [(u, None) for u in old] + [(None, u) for u in new]
    sim = [[_similarity(a, b) for b in new] for a in old]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            options = []
            if i < n and j < m and sim[i][j]:
                options.append((sim[i][j] + best[i + 1][j + 1], 2, "pair"))
            if i < n:  # deleting first puts deletions before insertions
                options.append((best[i + 1][j], 1, "del"))
            if j < m:
                options.append((best[i][j + 1], 0, "ins"))
            if options:
                best[i][j], _, move[i][j] = max(options)
    pairs: list[tuple[Unit | None, Unit | None]] = []
    i = j = 0
    while i < n or j < m:
        step = move[i][j]
        if step == "pair":
            pairs.append((old[i], new[j]))
            i, j = i + 1, j + 1
        elif step == "del":
            pairs.append((old[i], None))
            i += 1
        else:
            pairs.append((None, new[j]))
            j += 1
    return pairs


def tokens(spans, prefix: str = "") -> list[Span]:
    """Split text into words and whitespace, each keeping its span's bold/italic.

    A word diff on these marks only the words that changed, and a word
    whose formatting changed counts as changed.
    """
    found = [Span(t) for t in TOKEN.findall(prefix)]
    for span in spans:
        found += [Span(t, span.bold, span.italic) for t in TOKEN.findall(span.text)]
    return found


def word_diff(old: list[Span], new: list[Span]) -> list[tuple[str, Span]]:
    """``("equal"|"delete"|"insert", token)`` in reading order; deletions before insertions.

    Whitespace alone between two changes joins them, so "a b" → "x y" reads
    as one deletion and one insertion rather than a checkerboard.
    """
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    codes = matcher.get_opcodes()
    chunks: list[tuple[list[Span], list[Span], bool]] = []  # (old, new, changed)
    for k, (tag, i1, i2, j1, j2) in enumerate(codes):
        between_changes = 0 < k < len(codes) - 1
        blank = all(t.text.isspace() for t in old[i1:i2])
        changed = tag != "equal" or (between_changes and blank)
        if changed and chunks and chunks[-1][2]:
            last_old, last_new, _ = chunks.pop()
            chunks.append((last_old + old[i1:i2], last_new + new[j1:j2], True))
        else:
            chunks.append((old[i1:i2], new[j1:j2], changed))
    out: list[tuple[str, Span]] = []
    for gone, came, changed in chunks:
        if changed:
            out += [("delete", t) for t in gone] + [("insert", t) for t in came]
        else:
            out += [("equal", t) for t in came]
    return out


def _stamp(when: dt.datetime) -> str:
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


class _Writer:
    """Writes aligned units into a python-docx document, numbering revisions in order."""

    def __init__(self, word, author: str, date: str):
        self.word, self.author, self.date = word, author, date
        self.next_id = 1
        self.table = None
        self.table_old: set[int] = set()
        self.table_new: set[int] = set()

    def _rev(self) -> tuple[int, str, str]:
        rev = self.next_id
        self.next_id += 1
        return rev, self.author, self.date

    def write(self, old: Unit | None, new: Unit | None) -> None:
        unit = new or old
        if unit.kind == "row":
            self._row(old, new)
        else:
            self.close_table()
            self._paragraph(old, new)

    def _segments(self, old_spans, new_spans, old_prefix="", new_prefix=""):
        if old_spans is None:
            return [("insert", t) for t in tokens(new_spans, new_prefix)]
        if new_spans is None:
            return [("delete", t) for t in tokens(old_spans, old_prefix)]
        return word_diff(tokens(old_spans, old_prefix), tokens(new_spans, new_prefix))

    def _paragraph(self, old: Unit | None, new: Unit | None) -> None:
        unit = new or old
        paragraph = self.word.add_paragraph(style=unit.style)
        if old is None:
            docx_xml.track_paragraph_mark(paragraph, "ins", *self._rev())
        elif new is None:
            docx_xml.track_paragraph_mark(paragraph, "del", *self._rev())
        elif old.style != new.style:
            old_id = None if old.style is None else self.word.styles[old.style].style_id
            docx_xml.track_style_change(paragraph, old_id, *self._rev())
        self._runs(paragraph, self._segments(
            old and old.spans, new and new.spans, old and old.prefix, new and new.prefix))

    def _runs(self, paragraph, segments) -> None:
        for tag, group in groupby(segments, key=lambda s: s[0]):
            runs = []
            for (bold, italic), same in groupby((t for _, t in group), key=lambda t: (t.bold, t.italic)):
                run = paragraph.add_run("".join(t.text for t in same))
                if bold:
                    run.bold = True
                if italic:
                    run.italic = True
                runs.append(run)
            if tag != "equal":
                docx_xml.track_runs(runs, "del" if tag == "delete" else "ins", *self._rev())

    def _row(self, old: Unit | None, new: Unit | None) -> None:
        unit = new or old
        columns = len(unit.cells)
        same_table = self.table is not None and len(self.table.columns) == columns and (
            (new is not None and new.table in self.table_new)
            or (old is not None and old.table in self.table_old)) and not (
            (new is not None and self.table_new and new.table not in self.table_new)
            or (old is not None and self.table_old and old.table not in self.table_old))
        if not same_table:
            self.close_table()
            self.table = self.word.add_table(rows=0, cols=columns)
            self.table.style = self.word.styles["Table Grid"]
        if new is not None:
            self.table_new.add(new.table)
        if old is not None:
            self.table_old.add(old.table)
        row = self.table.add_row()
        if unit.header:
            docx_xml.repeat_as_header_row(row)
        if old is None:
            docx_xml.track_row(row, "ins", *self._rev())
        elif new is None:
            docx_xml.track_row(row, "del", *self._rev())
        for k, cell in enumerate(row.cells):
            self._runs(cell.paragraphs[0], self._segments(
                old and old.cells[k], new and new.cells[k]))

    def close_table(self) -> None:
        """Finish the open table the way ``write_docx`` lays tables out."""
        table, self.table = self.table, None
        self.table_old, self.table_new = set(), set()
        if table is not None:
            write_docx.lay_out_table(table)


def render(old: Document, new: Document, author: str = "decision-papers",
           date: dt.datetime | None = None) -> bytes:
    """A DOCX laid out like ``new``, with every change from ``old`` as a tracked change.

    Reviewers see in Word exactly what changed between two versions of a
    paper and can accept or reject each change.  Every revision carries
    ``author`` and ``date`` (default: ``new.meta.stamp``, never the clock) and
    ids numbered in order, so the same inputs give the same bytes once
    normalised with ``output.normalise_docx``.
    """
    word = write_docx.new_document(new)
    writer = _Writer(word, author, _stamp(date or new.meta.stamp))
    for old_unit, new_unit in align(flatten(old), flatten(new)):
        writer.write(old_unit, new_unit)
    writer.close_table()
    return write_docx.save(word)
