"""Rules about prose: figures typed instead of referenced, and formats that round."""

from __future__ import annotations

import re

from decision_papers.checks.table import rule
from decision_papers.figures.kinds import KINDS
from decision_papers.problems import Problem
from decision_papers.render.prose import REFERENCE
from decision_papers.source.walk import PROSE_KINDS, leaves

APPROXIMATE = re.compile(r"\b(?:approximately|approx\.?|about|around|roughly|some|nearly|"
                         r"almost|over|more than|under|less than|just over|just under|c\.|"
                         r"circa|an estimated|estimated at)\s*$", re.IGNORECASE)
"""Words before a reference that tell the reader a printed figure is rounded."""

SEARCHED = {"money": ("money", "rate"), "duration": ("duration", "year_range")}
"""Loose figures of a kind may be meant as figures of these kinds."""


def typed_figures(text: str):
    """``(start, end, kind, typed value)`` for each figure typed in ``text``, left to right.

    Every kind's patterns are tried; where two matches overlap, the longer
    wins (``31 March 2025`` is one date, not also ``March 2025``).
    """
    bare = REFERENCE.sub(lambda m: " " * len(m.group(0)), text)
    found = []
    for kind in KINDS.values():
        for loose in kind.loose:
            for match in loose.pattern.finditer(bare):
                value = loose.read(match)
                if value is not None:
                    found.append((match.start(), match.end(), kind.name, value))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept, reach = [], -1
    for item in found:
        if item[0] >= reach:
            kept.append(item)
            reach = item[1]
    return kept


def meant(ledger, kind: str, value, typed: str) -> tuple[str, str] | None:
    """The figure (and format) a typed value most likely is: same kind, same value."""
    for fid, figure in ledger.figures.items():
        if figure.kind not in SEARCHED.get(kind, (kind,)) or figure.value is None \
                or figure.confidential:
            continue
        try:
            same = KINDS[figure.kind].same(figure.value, value)
        except (TypeError, AttributeError, ValueError):
            same = False
        if same:
            styles = KINDS[figure.kind].formats
            style = next((s for s in styles if styles[s](figure.value) == typed), "")
            return fid, style
    return None


@rule("loose_figure", "Prose must print figures by reference, never typed.")
def loose_figures(ctx) -> None:
    for parts, kind, text in leaves(ctx.source.data):
        if kind not in PROSE_KINDS:
            continue
        for start, end, figure_kind, value in typed_figures(text):
            typed = text[start:end].strip()
            found = meant(ctx.ledger, figure_kind, value, typed)
            if found:
                fid, style = found
                ref = f"{{{fid}:{style}}}" if style else f"{{{fid}}}"
                hint = f"write {ref} instead, which prints {ctx.ledger[fid].text(style)}."
            else:
                hint = (f'no figure in this paper has that value: add one under "figures", '
                        f"e.g. {KINDS[figure_kind].example}, and print it by reference.")
            ctx.problem("loose_figure", f'"{typed}" is {KINDS[figure_kind].what} typed into the '
                        "text; figures must be printed by reference so they stay consistent.",
                        parts, hint)
            ctx.problems[-1].details.update(typed=typed, meant=found[0] if found else None)


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
