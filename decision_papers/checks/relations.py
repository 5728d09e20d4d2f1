"""Rules for relations that define no figure: caps, schedules and date order."""

from __future__ import annotations

from decision_papers import formatting, kinds
from decision_papers.checks.formulas import compare
from decision_papers.checks.table import rule
from decision_papers.kinds import KINDS

CAP_WORDS = {"at_most": ("at most", "more than", "over by"),
             "at_least": ("at least", "less than", "short by"),
             "below": ("below", "not below", "over by")}


def _same_kinds(ctx, rule_id, key, relation, figures) -> bool:
    a, b = figures
    kind = KINDS[a.kind]
    if a.kind == b.kind and kind.measure is not None:
        unlike = kind.unlike(a.value, b.value)
        if unlike is None:
            return True
        why, hint = unlike
    else:
        why = f"one is {KINDS[a.kind].what} and the other {KINDS[b.kind].what}"
        hint = "compare figures of the same kind."
    ctx.find("kind", f"{a.id} cannot be compared with {b.id}: {why}.", relation.ids, hint,
             first=relation.declared_at, key=key)
    return False


@rule("cap", "Amounts must be within their caps (up to, at most, within), and allocations "
             "within their pot.")
def caps(ctx) -> None:
    for key, relation, figures in ctx.each("cap"):
        CAP_TESTS.get(relation.test, _within)(ctx, key, relation, *figures)


def _within(ctx, key, relation, a, b) -> None:
    """One figure at most, at least or below another."""
    if not _same_kinds(ctx, "cap", key, relation, (a, b)):
        return
    x, y = KINDS[a.kind].measure(a.value), KINDS[b.kind].measure(b.value)
    if {"at_most": x <= y, "at_least": x >= y, "below": x < y}[relation.test]:
        ctx.passed("cap", key, a.id, b.id)
        return
    must, is_, gap = CAP_WORDS[relation.test]
    why = f": {relation.why}" if relation.why else ""
    tail = kinds.difference(a.kind, a.value, b.value)
    ctx.find("cap", f"{a.id} is {a.text()}, {is_} {b.id} ({b.text()}){why}"
             + (f"; {gap} {tail}." if tail else "."), (a.id, b.id),
             f"{a.id} must be {must} {b.id}: correct one of them.",
             first=relation.declared_at, key=key)


def _fills(ctx, key, relation, cap, places, pot) -> None:
    """Cap × places against the pot: every place at the cap must fit, and use it."""
    if cap.kind != "money" or places.kind != "count" or pot.kind != "money":
        ctx.find("kind", f"{cap.id} × {places.id} cannot be compared with {pot.id}: give an "
                 "amount, a number of places and an amount.", relation.ids,
                 "check the kinds of the pot's figures.", first=relation.declared_at, key=key)
        return
    most = cap.value * places.value
    if most == pot.value:
        ctx.passed("cap", key, *relation.ids)
        return
    shown = f"{cap.id} × {places.id} = {cap.text()} × {places.text()} = {formatting.money(most)}"
    gap = formatting.money(abs(most - pot.value))
    if relation.test == "fills":
        ctx.find("cap", f"{pot.id} is {pot.text()}, but the paper gives each of "
                 f"{places.text()} places {cap.text()}: {shown}; difference {gap}.",
                 relation.ids, f"correct {pot.id}, {cap.id} or {places.id}; if not every place "
                 f'gets {cap.text()}, say so ("up to {cap.text()} each").',
                 first=relation.declared_at, key=key)
        return
    if most > pot.value:
        said = f"{pot.id} ({pot.text()}) cannot pay every place the most it may get: {shown}, " \
            f"{gap} more"
    else:
        said = f"{pot.id} is {pot.text()}, more than its places can take at the most each " \
            f"may get: {shown}, {gap} less"
    ctx.find("cap", said + ".", relation.ids, f"check {pot.id}, {cap.id} and {places.id}; "
             "if they are right, say in the paper how the pot is shared.", severity="warning",
             first=relation.declared_at, key=key)


@rule("schedule", "A schedule's years must add up to its total, and each year must fall "
                  "inside its period.")
def schedules(ctx) -> None:
    compare(ctx, "schedule")
    for key, relation, figures in ctx.each("schedule"):
        SCHEDULE_TESTS[relation.test](ctx, key, relation, *figures)


def _distinct(ctx, key, relation, fy, other) -> None:
    """A schedule gives each financial year once."""
    if fy.value != other.value:
        ctx.passed("schedule", key, *relation.ids)
        return
    ctx.find("schedule", f"{fy.id} is {fy.text()}, the same year as {other.id}; a schedule "
             "gives each year once.", relation.ids, "put the year's whole amount in one entry.",
             first=relation.declared_at, key=key)


def _in_period(ctx, key, relation, fy, start, end) -> None:
    """A schedule's year overlaps the dates of its period."""
    inside = fy.value.start <= end.value and start.value <= fy.value.end
    span = (f"{relation.ids[1].rsplit('.', 1)[0]} "
            f"({formatting.date(start.value)} to {formatting.date(end.value)})")
    _inside(ctx, key, relation, fy, inside, span)


def _in_years(ctx, key, relation, fy, years) -> None:
    """A schedule's year is one of its range of years."""
    inside = years.value.first <= fy.value <= years.value.last
    _inside(ctx, key, relation, fy, inside, f"{years.id} ({years.text()})")


def _inside(ctx, key, relation, fy, inside: bool, span: str) -> None:
    if inside:
        ctx.passed("schedule", key, *relation.ids)
        return
    ctx.find("schedule", f"{fy.id} is {fy.text()}, which falls outside {span}.", relation.ids,
             "move the amount to a year inside the period, or correct the period.",
             first=relation.declared_at, key=key)


def _covers(ctx, key, relation, years, rows) -> None:
    """A range of financial years and its schedule: every year of the range has its row (a
    row outside the range is the ``in_years`` check's to report)."""
    stated, scheduled = years.value, rows.value
    told = any(ctx.told((row,)) for row in rows.formula.inputs)  # a row's own slip says it
    given = len(rows.formula.inputs)  # each year once (the distinct check says so)
    if told or (scheduled == stated and given == stated.years) or \
            not (stated.first <= scheduled.first and scheduled.last <= stated.last):
        ctx.passed("schedule", key, *relation.ids)
        return
    ctx.find("schedule", f"{years.id} is {years.text()}, {formatting.words(stated.years)} "
             f"financial years, but its schedule gives {formatting.words(given)} of them, from "
             f"{KINDS['financial_year'].text(scheduled.first)} to "
             f"{KINDS['financial_year'].text(scheduled.last)}.", relation.ids,
             "give every year of the range its row (0 for a year with nothing in it), or "
             "correct the range.", first=relation.declared_at, key=key)


CAP_TESTS = {"fills": _fills, "fills_up_to": _fills}
"""Cap tests with a check of their own; the others (at most, at least, below) are
``_within``.  A pot's cap × places against the pot is what every place gets (``fills``, an
error) or at most gets (``fills_up_to``, a warning)."""
SCHEDULE_TESTS = {"distinct": _distinct, "in_period": _in_period, "in_years": _in_years,
                  "covers": _covers}
"""Each schedule test, and its check."""


@rule("date_order", "Dates must come in a possible order, and a period a decision authorises "
                    "must not be over before the decision.")
def date_order(ctx) -> None:
    over = set()  # periods already over: that they started too early goes without saying
    for key, relation, (a, b) in ctx.each("date_order"):
        first, second = a.value, b.value
        end = a.id if relation.test == "ends_after" else a.id.removesuffix(".start") + ".end"
        if relation.test in ("ends_after", "not_before") and _reversed(ctx, end) or \
                relation.test == "not_before" and end in over:
            ctx.settled.add(key)  # a period that ends before it starts is reported below
            continue
        if relation.test == "ends_after" and first < second:
            over.add(a.id)
        holds = {"before": first < second, "not_after": first <= second,
                 "ends_after": first >= second, "not_before": first >= second}[relation.test]
        if holds:
            ctx.passed("date_order", key, a.id, b.id)
            continue
        days = {"before": (first - second).days + 1, "not_after": (first - second).days,
                "ends_after": (second - first).days,
                "not_before": (second - first).days}[relation.test]
        hint = "check both dates."
        if relation.test == "not_before":
            hint = (f"start it on or after {b.text()}; or, if the approval is retrospective, "
                    'say why under "retrospective" beside its dates (the paper prints it).')
        ctx.find("date_order", f"{a.id} is {a.text()} and {b.id} is {b.text()}, but "
                 f"{relation.why} ({days} day{'s' if days != 1 else ''} out).", (a.id, b.id),
                 hint, first=relation.declared_at, key=key,
                 first_date=first.isoformat(), second_date=second.isoformat())
    for base, start, end in _periods(ctx):
        key = ("period", base)
        if end.value < start.value:
            ctx.find("date_order", f"{base} ends on {end.text()}, before it starts on "
                     f"{start.text()}.", (start.id, end.id), "check the year of the end date.",
                     key=key)
        else:
            ctx.passed("date_order", key, start.id, end.id)


def _reversed(ctx, end_id: str) -> bool:
    start = ctx.ledger.figures.get(end_id.removesuffix(".end") + ".start")
    end = ctx.ledger.figures.get(end_id)
    return start is not None and start.value is not None and end is not None and \
        end.value is not None and end.value < start.value


def _periods(ctx):
    """Every stated ``<base>.start`` with a stated ``<base>.end``."""
    for fid, figure in ctx.ledger.figures.items():
        if fid.endswith(".start") and figure.kind == "date":
            end = ctx.ledger.figures.get(fid[:-6] + ".end")
            if end is not None and end.kind == "date" and figure.value and end.value:
                yield fid[:-6], figure, end
