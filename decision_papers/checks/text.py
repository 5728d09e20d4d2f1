"""Rules about prose: figures typed instead of referenced, and formats that round."""

from __future__ import annotations

import re
from decimal import Decimal
from difflib import SequenceMatcher

from decision_papers.checks.table import rule
from decision_papers.figures.references import REFERENCE
from decision_papers.kinds import KINDS, meant_as
from decision_papers.problems import Problem
from decision_papers.source.walk import PROSE_KINDS, leaves

APPROXIMATE = re.compile(r"""
    \b (?: approximately | approx\.? | about | around | roughly | some | c\. | circa
         | an \s estimated | estimated \s at )
    \s* $""", re.IGNORECASE | re.VERBOSE)
"""Words before a reference that tell the reader a printed figure is rounded.

Only words that say "rounded" count.  "Over", "under", "nearly" and the like
claim a direction, and a rounded figure may be on either side of the true one
(£3,468,500 prints as £3.47 million, which it is not "over"), so after them a
figure that rounds is still warned about.
"""

def typed_figures(text: str):
    """``(start, end, kind, typed value)`` for each figure typed in ``text``, left to right.

    Every kind's patterns are tried (references are blanked out first).
    Where matches overlap, the leftmost wins, and of those that start at the
    same place the longest: ``31 March 2025`` is one date, not also
    ``March 2025``, and ``2024-25 financial years`` is a financial year, not
    also "25 financial years".
    """
    bare = REFERENCE.sub(lambda m: " " * len(m.group(0)), text)
    found = []
    for kind in KINDS.values():
        for loose in kind.loose:
            if loose.needs is not None and loose.needs.search(bare) is None:
                continue
            for match in loose.pattern.finditer(bare):
                value = loose.read(match)
                if value is not None:
                    found.append((match.start(), match.end(), kind.name, value))
    found.sort(key=lambda f: (f[0], -f[1]))  # leftmost, then longest
    kept, reach = [], 0
    for start, end, kind, value in found:
        if start >= reach:  # does not overlap the one kept before it
            kept.append((start, end, kind, value))
            reach = end
    return kept


def meant(ledger, kind: str, value, typed: str, among=None) -> tuple[str, str] | None:
    """The figure (and format) a typed value most likely is: same kind, same value.

    Only a figure whose value *is* the typed value is ever named, never a
    near one.  Of those figures and their formats, the best prints exactly
    what was typed (``{x:k}`` for "£40k"); then one that prints it but for
    case and spacing; then one that prints the same value another way
    (``£0.50`` for "50p"), the most like what was typed first; then the
    figure's default format.  Ties go to the first in the ledger.  ``among`` limits the
    figures to those ids.
    """
    best, best_rank = None, None
    for fid, figure in ledger.figures.items():
        if figure.kind not in meant_as(kind) or figure.value is None \
                or figure.confidential or (among is not None and fid not in among):
            continue
        try:
            same = KINDS[figure.kind].same(figure.value, value)
        except (TypeError, AttributeError, ValueError):
            same = False
        if not same:
            continue
        for style, printer in KINDS[figure.kind].formats.items():
            rank = _likeness(printer(figure.value), typed, kind, value, default=not style)
            if rank is not None and (best_rank is None or rank > best_rank):
                best, best_rank = (fid, style), rank
    return best


def _likeness(printed: str, typed: str, kind: str, value, default: bool) -> tuple | None:
    """How well ``printed`` stands in for ``typed``; higher is better, ``None`` not at all."""
    if printed == typed:
        return (3, 1.0)
    if " ".join(printed.casefold().split()) == " ".join(typed.casefold().split()):
        return (2, 1.0)
    if typed_figures(printed) == [(0, len(printed), kind, value)]:
        return (1, SequenceMatcher(None, printed, typed).ratio())
    return (0, 0.0) if default else None


@rule("loose_figure", "Prose must print figures by reference, never typed.")
def loose_figures(ctx) -> None:
    years = None  # the years the paper's dates fall in, once a bare year is typed
    for parts, kind, text in leaves(ctx.source.data):
        wording = parts[:1] == ("claims",) and "wording" in parts  # printed like prose
        if kind not in PROSE_KINDS and not wording:
            continue
        if parts[:1] == ("corrigenda",):  # a correction quotes the old, wrong figures
            continue
        for start, end, figure_kind, value in typed_figures(text):
            named = counts_of(ctx.ledger, value) if figure_kind == "count" else None
            year = figure_kind == "date" and isinstance(value, tuple) and len(value) == 1
            if year and years is None:
                years = _years(ctx.ledger)
            if named == [] or (year and value[0] not in years):
                continue  # a number of things, or a year, that the paper's figures do not hold
            typed = text[start:end].strip()
            found = meant(ctx.ledger, figure_kind, value, typed, named)
            if found:
                fid, style = found
                ref = f"{{{fid}:{style}}}" if style else f"{{{fid}}}"
                hint = f"write {ref} instead, which prints {ctx.ledger[fid].text(style)}."
            elif near := _near(ctx, figure_kind, value, parts, named):
                hint = _did_you_mean(near, typed, figure_kind, value)
            else:
                hint = (f'no figure in this paper has that value: add one under "figures", '
                        f"e.g. {KINDS[figure_kind].example}, and print it by reference.")
            ctx.problem("loose_figure", f'"{typed}" is {KINDS[figure_kind].what} typed into the '
                        "text; figures must be printed by reference so they stay consistent.",
                        parts, hint)
            ctx.problems[-1].details.update(typed=typed, meant=found[0] if found else None)


def _years(ledger) -> set[int]:
    """The calendar years the paper's dates and financial years fall in."""
    years = set()
    for figure in ledger.figures.values():
        if figure.value is None or figure.confidential:
            continue
        if figure.kind == "date":
            years.add(figure.value.year)
        elif figure.kind == "financial_year":
            years |= {figure.value.first, figure.value.first + 1}
    return years


def counts_of(ledger, typed) -> list[str]:
    """The count figures a typed count ("seven providers") may be: those named for the
    same things.  A count of another thing that happens to be seven is not it."""
    stem = typed.noun.removesuffix("s").removesuffix("ie")
    return [fid for fid, figure in ledger.figures.items()
            if figure.kind == "count" and not figure.confidential
            and stem in f"{fid.rsplit('.', 1)[-1]} {figure.label or ''}".lower().replace("_", " ")]


CLOSE = Decimal("0.1")
"""How near a typed amount must be to a figure's (a tenth of it) to be that figure mistyped."""


def _near(ctx, kind: str, value, parts: tuple, among=None) -> list:
    """Figures the typed value may be a slip for, nearest first: of its kind, and printed in
    the same paragraph or within a tenth of its value.  A hint that says "add a figure" when
    the paper has one nearby leads an officer to hide the slip."""
    here = {ref.figure for ref in ctx.references if ref.path == parts}
    close, beside = [], []
    for fid, figure in ctx.ledger.figures.items():
        if figure.kind != kind or figure.value is None or figure.confidential or \
                (figure.formula and figure.formula.op == "same_as") or \
                (among is not None and fid not in among):
            continue
        gap = _gap(kind, figure.value, value)
        if gap is not None and (gap <= CLOSE * abs(figure.value) or among is not None):
            close.append((gap, fid, figure))
        elif _overlaps(kind, figure.value, value):
            close.append((0, fid, figure))
        elif fid in here:
            beside.append((gap if gap is not None else 0, fid, figure))
    return [figure for _, _, figure in sorted(close or beside, key=lambda f: f[:2])[:2]]


def _gap(kind: str, a, b):
    """How far apart two values of a kind that counts are; None for other kinds."""
    if kind in ("money", "percentage", "count") and not isinstance(b, tuple):
        return abs(Decimal(a) - Decimal(b))
    return None


def _overlaps(kind: str, a, b) -> bool:
    """Whether two ranges of financial years share a year (2023/24 to 2025/26 is near
    2023/24 to 2026/27), or two dates fall in the same month."""
    if kind == "year_range":
        return a.first <= b.last and b.first <= a.last
    if kind == "date" and not isinstance(b, tuple):
        return (a.year, a.month) == (b.year, b.month)
    return False


def _did_you_mean(near: list, typed: str, kind: str, value) -> str:
    named = " or ".join(f"{{{f.id}}} ({f.text()})" for f in near)
    first = near[0]
    gap = _gap(kind, first.value, value)
    how = ""
    if gap:
        way = "less" if value < first.value else "more"
        how = f", {KINDS[kind].gap(first.value, value)} {way}" + \
            (f" than {{{first.id}}}" if len(near) > 1 else "")
    return f"did you mean {named}? The text says {typed}{how}."


@rule("money_style", "Millions only from £1 million, and a short format that rounds must say "
                     "so (\"approximately\").", severity="warning")
def money_style(ctx) -> None:
    for ref in ctx.references:
        figure = ctx.ledger.figures.get(ref.figure)
        if figure is None or figure.kind != "money" or not ref.style:
            continue
        printed = figure.text(ref.style)
        here = (ctx.source.place(ref.path), *ctx.places(ref.figure, prose=False))
        if ref.style == "millions" and figure.value < 1_000_000:
            ctx.problems.append(_warning(
                f"{ref.figure} is {figure.text()}; GOV.UK style writes amounts under "
                f"£1 million in full, not as {printed}.", here, f"use {{{ref.figure}}}."))
        elif KINDS["money"].lossy.get(ref.style, lambda v: False)(figure.value) \
                and not APPROXIMATE.search(ref.before):
            ctx.problems.append(_warning(
                f"{{{ref.figure}:{ref.style}}} prints {printed} for {figure.text()}, which "
                "rounds it without saying so.", here,
                f'write "approximately {{{ref.figure}:{ref.style}}}", or print it in full '
                f"with {{{ref.figure}}}."))


def _warning(message, places, hint):
    return Problem(message, places, hint, "money_style", "warning")


@rule("adjacent", "Two figures printed with nothing but a space between them read as one "
                  "(\"March 2022 2020-21\"): words must join them.", severity="warning")
def adjacent(ctx) -> None:
    for parts, kind, text in leaves(ctx.source.data):
        if kind not in PROSE_KINDS or not isinstance(text, str):
            continue
        found = list(REFERENCE.finditer(text))
        for first, second in zip(found, found[1:]):
            if text[first.end():second.start()].strip(" \t") or \
                    "claim" in (_kind(ctx, first), _kind(ctx, second)):
                continue  # words between them, or a claim's own words ("exceeds £100,000")
            ctx.problems.append(Problem(
                f"{first.group(0)} and {second.group(0)} are printed side by side, so they read "
                "as one figure; a reader cannot tell where one ends.",
                (ctx.source.place(parts),), "join them with words (\"from … to …\", \"in …, "
                "and in …\"), or print only the one that is meant.", "adjacent", "warning"))


def _kind(ctx, match) -> str | None:
    figure = ctx.ledger.figures.get(match.group(1))
    return figure.kind if figure else None
