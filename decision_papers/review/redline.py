"""Redline: two versions of a paper → one DOCX showing every change as a tracked change.

Reviewers of an approved paper need to see exactly what moved between two
versions, in Word, where they can accept or reject each change.  So the
redline is the *new* paper, laid out by ``writers.docx`` (same page, styles and
properties), with the old text woven in as native tracked changes:

1. each document is flattened into paragraph units (a heading, one paragraph
   of a numbered paragraph, a bullet item, a table row);
2. the units are aligned on their text (paragraph numbers left out, so
   inserting ``3.2`` does not misalign the rest of section 3): unchanged units
   first, patience-diff style (equal ends, then units that occur once on each
   side, in order, as anchors, then the same inside each gap); then, inside
   each changed stretch, edited units are paired with their new versions by
   word similarity, comparing each unit only with a bounded number of
   candidates (those sharing its rarest words, and its neighbours), so the
   work grows about linearly with the paper, not with its square;
3. units that match are written plainly; units that changed are diffed word by
   word so only the changed words are in ``w:del``/``w:ins``; units only in
   the new paper are inserted paragraphs (or rows), units only in the old one
   deleted paragraphs (or rows).

All raw XML lives in ``word.ooxml``; this module uses python-docx proxies.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import groupby
from pathlib import Path

from decision_papers.document import styles
from decision_papers.document.model import (
    BulletList,
    Document,
    Heading,
    NumberedParagraph,
    Paragraph,
    Span,
    Table,
    plain,
)
from decision_papers.word import ooxml
from decision_papers.writers import docx

TOKEN = re.compile(r"\s+|\S+")
"""A word or a run of whitespace: the unit of a word diff; joined they give the text back."""

SIMILAR = 0.5
"""How alike (``SequenceMatcher.ratio`` on words) two changed units must be to be
shown as one edited unit rather than a deleted one plus an inserted one."""

PROBES = 8
"""How many of a unit's rarest words are looked up to find its candidate partners."""

COMMON = 64
"""A word in more units than this, on the other side, is too common to find partners by."""

MAX_CANDIDATES = 8
"""Most partners found by shared words that a unit is compared with, word by word."""

NEIGHBOURS = 2
"""Also compared: the units this many places either side of where a unit would sit if
its changed stretch had been edited in place."""

SMALL_GAP = 10_000
"""A gap with no unit that occurs once on each side is matched with
``SequenceMatcher`` (repeated units, such as identical rows) up to this many
old×new units; beyond, its units are left to pairing."""

_CELL_BREAK = "\x00"
"""Separates cells when comparing rows, so words never match across cells."""


@dataclass(frozen=True)
class Unit:
    """One paragraph or table row: what the redline aligns and diffs."""

    kind: str
    """``"p"`` for a paragraph, ``"row"`` for a table row."""
    style: str | None = None
    """Paragraph style as ``writers.docx`` uses it (``None`` is Normal)."""
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
    """The paper as paragraph units in reading order, with the styles ``writers.docx`` uses.

    Alignment needs one flat sequence; each unit also carries everything
    needed to write it as ``writers.docx`` would.
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
        found.append(Unit("p", styles.numbered_style(block.level), f"{block.label}\t",
                          tuple(first.spans)))
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
        for row in block.rows:  # like writers.docx: as many cells as the header has
            cells = [tuple(cell) for cell in row[:width]] + [()] * (width - len(row))
            found.append(Unit("row", cells=tuple(cells), table=index))
    else:
        raise TypeError(f"redline cannot show a {type(block).__name__}")


def align(old: list[Unit], new: list[Unit]) -> list[tuple[Unit | None, Unit | None]]:
    """Pair old units with new ones: ``(old, new)``, ``(old, None)`` deleted, ``(None, new)``
    inserted.

    ``_unchanged`` finds the units that did not change; inside each changed
    stretch between them, units are paired by similarity so an edited
    paragraph shows its changed words rather than being deleted and inserted
    whole.
    """
    ids: dict[tuple, int] = {}
    a = [ids.setdefault(u.key, len(ids)) for u in old]
    b = [ids.setdefault(u.key, len(ids)) for u in new]
    pairs: list[tuple[Unit | None, Unit | None]] = []
    i = j = 0
    for mi, mj in _unchanged(a, b) + [(len(a), len(b))]:
        if i < mi or j < mj:
            pairs += _pair_up(old[i:mi], new[j:mj])
        if mi < len(a):
            pairs.append((old[mi], new[mj]))
        i, j = mi + 1, mj + 1
    return pairs


def _unchanged(a: list[int], b: list[int]) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)`` with ``a[i] == b[j]``, increasing on both sides.

    Patience diff: equal units at both ends match; then units that occur
    exactly once on each side are anchors (the longest run of them in the
    same order); the gaps between anchors are matched the same way.  A gap
    without such a unit falls back to ``SequenceMatcher`` while it is small.
    Each step is linear (plus a sort), and anchors split the work.
    """
    found: list[tuple[int, int]] = []
    todo = [(0, len(a), 0, len(b))]
    while todo:
        i1, i2, j1, j2 = todo.pop()
        while i1 < i2 and j1 < j2 and a[i1] == b[j1]:
            found.append((i1, j1))
            i1, j1 = i1 + 1, j1 + 1
        while i1 < i2 and j1 < j2 and a[i2 - 1] == b[j2 - 1]:
            i2, j2 = i2 - 1, j2 - 1
            found.append((i2, j2))
        if i1 == i2 or j1 == j2:
            continue
        anchors = _anchors(a, b, i1, i2, j1, j2)
        if anchors:
            found += anchors
            before_i, before_j = i1, j1
            for ai, aj in anchors + [(i2, j2)]:
                if before_i < ai and before_j < aj:
                    todo.append((before_i, ai, before_j, aj))
                before_i, before_j = ai + 1, aj + 1
        elif (i2 - i1) * (j2 - j1) <= SMALL_GAP:
            matcher = SequenceMatcher(None, a[i1:i2], b[j1:j2], autojunk=False)
            for x, y, size in matcher.get_matching_blocks():
                found += [(i1 + x + k, j1 + y + k) for k in range(size)]
    found.sort()
    return found


def _anchors(a: list[int], b: list[int], i1: int, i2: int, j1: int, j2: int
             ) -> list[tuple[int, int]]:
    """The longest same-order run of units occurring exactly once in ``a[i1:i2]`` and in
    ``b[j1:j2]`` (patience sorting)."""
    count_a = Counter(a[i1:i2])
    where_b: dict[int, int] = {}
    for j in range(j1, j2):
        where_b[b[j]] = -1 if b[j] in where_b else j  # -1: more than once
    unique = [(i, where_b[a[i]]) for i in range(i1, i2)
              if count_a[a[i]] == 1 and where_b.get(a[i], -1) >= 0]
    tails: list[int] = []  # tails[k]: the unique pair ending the best run of length k + 1
    tail_js: list[int] = []
    back = [-1] * len(unique)
    for n, (_, j) in enumerate(unique):
        k = bisect_left(tail_js, j)
        back[n] = tails[k - 1] if k else -1
        if k == len(tails):
            tails.append(n)
            tail_js.append(j)
        else:
            tails[k], tail_js[k] = n, j
    run, n = [], tails[-1] if tails else -1
    while n >= 0:
        run.append(unique[n])
        n = back[n]
    return run[::-1]


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

    The most similar order-keeping pairs (the heaviest chain of candidate
    pairs), the rest deleted or inserted whole, deletions first.  When the
    stretch replaced as many units as it had and nothing pairs better, one
    for one (so a table with the same number of rows gets cell-by-cell
    diffs).  Each unit is compared with a bounded number of candidates
    (``_candidates``), so this is near-linear in the stretch.
    """
    n, m = len(old), len(new)
    if not n or not m:
        return [(u, None) for u in old] + [(None, u) for u in new]
    compared: dict[tuple[int, int], float] = {}
    for options in _candidates(old, new):  # each unit's, the likeliest first
        best = 0.0
        for bound, (i, j) in options:
            if bound < best:
                break  # no partner left could beat the best one found
            if (i, j) not in compared:
                compared[i, j] = _similarity(old[i], new[j])
            best = max(best, compared[i, j])
    scores = {pair: score for pair, score in compared.items() if score}
    chain = _heaviest_chain(sorted(scores.items()))
    if n == m and all(_compatible(a, b) for a, b in zip(old, new)) and \
            sum(scores.get((i, i), 0.0) for i in range(n)) >= sum(scores[p] for p in chain):
        return list(zip(old, new))  # replaced one for one: diff each word by word
    pairs: list[tuple[Unit | None, Unit | None]] = []
    i = j = 0
    for pi, pj in chain + [(n, m)]:
        pairs += [(u, None) for u in old[i:pi]] + [(None, u) for u in new[j:pj]]
        if pi < n:
            pairs.append((old[pi], new[pj]))
        i, j = pi + 1, pj + 1
    return pairs


def _tokens(unit: Unit) -> frozenset:
    """A unit's words as a set, each repeat numbered: ``("the", 0), ("the", 1)``."""
    seen: Counter = Counter()
    found = []
    for word in _words(unit):
        found.append((word, seen[word]))
        seen[word] += 1
    return frozenset(found)


def _candidates(old: list[Unit], new: list[Unit]) -> list[list[tuple[float, tuple[int, int]]]]:
    """For each unit of either side, the pairs ``(i, j)`` worth comparing word by word,
    at most a few, each with the most its similarity could be, highest first.

    From each side, a unit's ``PROBES`` rarest words (rarest in the stretch)
    find the units on the other side that share them (words in more than
    ``COMMON`` units are skipped), and the ``MAX_CANDIDATES`` sharing most are
    kept; a unit none of which could be alike is offered instead the
    ``NEIGHBOURS`` nearest to where it would sit if edited in place.  A pair
    is kept only if its kinds match and the words the two share could make
    them ``SIMILAR`` (``_bound``).
    """
    sides = [[_tokens(u) for u in old], [_tokens(u) for u in new]]
    units = [old, new]
    frequency = Counter(t for side in sides for bag in side for t in bag)
    found: list[list[tuple[float, tuple[int, int]]]] = []
    for this, other in ((0, 1), (1, 0)):
        index: dict = defaultdict(list)
        for k, bag in enumerate(sides[other]):
            for token in bag:
                index[token].append(k)
        here, there = len(sides[this]), len(sides[other])
        for k, bag in enumerate(sides[this]):
            shared: Counter = Counter()
            for token in heapq.nsmallest(PROBES, bag, key=lambda t: (frequency[t], t)):
                if len(index[token]) <= COMMON:
                    shared.update(index[token])
            centre = k * there // here
            nearest = sorted(shared.items(), key=lambda s: (-s[1], abs(s[0] - centre), s[0]))
            options = []
            for partners in ([p for p, _ in nearest[:MAX_CANDIDATES]],
                             range(max(0, centre - NEIGHBOURS),
                                   min(there, centre + NEIGHBOURS + 1))):
                for p in partners:
                    bound = _bound(units[this][k], bag, units[other][p], sides[other][p])
                    if bound >= SIMILAR:
                        options.append((bound, (k, p) if this == 0 else (p, k)))
                if options:
                    break  # neighbours only for a unit no shared word found a partner for
            found.append(sorted(options, key=lambda o: (-o[0], o[1])))
    return found


def _bound(a: Unit, a_words: frozenset, b: Unit, b_words: frozenset) -> float:
    """The most two units' similarity could be: 0 for different kinds, else
    ``2·shared / (len + len)`` on their words (``SequenceMatcher.ratio`` never exceeds it)."""
    if not _compatible(a, b):
        return 0.0
    if not a_words or not b_words:
        return 0.0 if a_words or b_words else 1.0  # two empty units are alike
    return 2 * len(a_words & b_words) / (len(a_words) + len(b_words))


def _heaviest_chain(scored: list[tuple[tuple[int, int], float]]) -> list[tuple[int, int]]:
    """The pairs, increasing on both sides, with the greatest total score.

    ``scored`` is sorted by ``(i, j)``.  A Fenwick tree over ``j`` keeps the
    best chain ending before each column: O(P log P) for P pairs.
    """
    if not scored:
        return []
    size = max(j for (_, j), _ in scored) + 1
    tree = [(0.0, -1)] * (size + 1)  # (total, index of the chain's last pair)
    totals, back = [0.0] * len(scored), [-1] * len(scored)
    for _, group in groupby(range(len(scored)), key=lambda k: scored[k][0][0]):
        group = list(group)
        for k in group:  # chains end strictly before this row ...
            (_, j), score = scored[k]
            best, column = (0.0, -1), j
            while column > 0:
                best, column = max(best, tree[column]), column - (column & -column)
            totals[k], back[k] = best[0] + score, best[1]
        for k in group:  # ... so the row's own pairs are added after
            column = scored[k][0][1] + 1
            while column <= size:
                tree[column] = max(tree[column], (totals[k], k))
                column += column & -column
    k = max(range(len(scored)), key=lambda x: (totals[x], -x))
    chain = []
    while k >= 0:
        chain.append(scored[k][0])
        k = back[k]
    return chain[::-1]


def tokens(spans, prefix: str = "") -> list[Span]:
    """Split text into words and whitespace, each keeping its span's bold/italic.

    A word diff on these marks only the words that changed, and a word
    whose formatting changed counts as changed.  The ``prefix`` (a paragraph
    number and its tab, ``"2.1\\t"``) is one token, so a renumbered paragraph
    shows ``2.1→`` deleted and ``2.2→`` inserted.  Were the tab shared, both
    numbers would sit before one tab, fill the hanging indent, and run into the
    text ("2.12.2The pilot").
    """
    found = [Span(prefix)] if prefix else []
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
        if (old_spans, old_prefix) == (new_spans, new_prefix):  # unchanged: nothing to diff
            return [("equal", t) for t in tokens(new_spans, new_prefix)]
        return word_diff(tokens(old_spans, old_prefix), tokens(new_spans, new_prefix))

    def _paragraph(self, old: Unit | None, new: Unit | None) -> None:
        unit = new or old
        paragraph = self.word.add_paragraph(style=unit.style)
        if old is None:
            ooxml.track_paragraph_mark(paragraph, "ins", *self._rev())
        elif new is None:
            ooxml.track_paragraph_mark(paragraph, "del", *self._rev())
        elif old.style != new.style:
            old_id = None if old.style is None else self.word.styles[old.style].style_id
            ooxml.track_style_change(paragraph, old_id, *self._rev())
        self._runs(paragraph, self._segments(
            old and old.spans, new and new.spans, old and old.prefix, new and new.prefix))

    def _runs(self, paragraph, segments) -> None:
        for tag, group in groupby(segments, key=lambda s: s[0]):
            runs = []
            for (bold, italic), same in groupby((t for _, t in group),
                                                key=lambda t: (t.bold, t.italic)):
                run = paragraph.add_run("".join(t.text for t in same))
                if bold:
                    run.bold = True
                if italic:
                    run.italic = True
                runs.append(run)
            if tag != "equal":
                ooxml.track_runs(runs, "del" if tag == "delete" else "ins", *self._rev())

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
            ooxml.repeat_as_header_row(row)
        if old is None:
            ooxml.track_row(row, "ins", *self._rev())
        elif new is None:
            ooxml.track_row(row, "del", *self._rev())
        for k, cell in enumerate(row.cells):
            self._runs(cell.paragraphs[0], self._segments(
                old and old.cells[k], new and new.cells[k]))

    def close_table(self) -> None:
        """Finish the open table the way ``writers.docx`` lays tables out."""
        table, self.table = self.table, None
        self.table_old, self.table_new = set(), set()
        if table is not None:
            docx.lay_out_table(table)


def render(old: Document, new: Document, author: str = "decision-papers",
           date: dt.datetime | None = None, looks: bytes | None = None) -> bytes:
    """A DOCX laid out like ``new``, with every change from ``old`` as a tracked change.

    ``looks`` is the new paper's DOCX: the redline starts from it, as from a
    form's reference document, so it has that form's styles, banner and
    footer.  A paper too old to serve (made before a style the writer now
    uses) gives the writer's plain look instead.

    Reviewers see in Word exactly what changed between two versions of a
    paper and can accept or reject each change.  Every revision carries
    ``author`` and ``date`` (default: ``new.meta.stamp``, never the clock) and
    ids numbered in order, so the same inputs give the same bytes once
    normalised with ``output.normalise_docx``.
    """
    word = None
    if looks is not None:
        try:
            word = docx.new_document(new, Path(f"{new.meta.reference}.docx"), looks)
        except docx.ReferenceProblem:
            word = None
    word = word or docx.new_document(new)
    writer = _Writer(word, author, _stamp(date or new.meta.stamp))
    for old_unit, new_unit in align(flatten(old), flatten(new)):
        writer.write(old_unit, new_unit)
    writer.close_table()
    docx.keep_labelled_blocks_together(word)
    return docx.save(word)
