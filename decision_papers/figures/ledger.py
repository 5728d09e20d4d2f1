"""The figure ledger: every figure, computed in dependency order.

Entries come from the source (``shapes``).  Every id a formula or relation
names must resolve, or the build fails with a located error: nothing is
skipped silently.  Formulas are computed in topological order
(``graphlib``), so a chain of any length costs no recursion, and a cycle is
reported with its loop.  Each operation both computes and describes itself,
so a message can say "£55,117 a year × 3 years = £165,351".
"""

from __future__ import annotations

import datetime as dt
import difflib
import graphlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

from decision_papers import formatting
from decision_papers.errors import Failure
from decision_papers.figures.model import Entry, Figure, Formula, Relation
from decision_papers.kinds import (
    KINDS,
    BadValue,
    Claim,
    Duration,
    Period,
    Rate,
    YearRange,
    last_day,
)
from decision_papers.problems import shorten

PENNY = Decimal("0.01")
POUND = Decimal("1")
ROUNDING = {
    "nearest_penny": (PENNY, ROUND_HALF_UP, "rounded to the nearest penny"),
    "nearest_pound": (POUND, ROUND_HALF_UP, "rounded to the nearest pound"),
    "down_to_penny": (PENNY, ROUND_FLOOR, "rounded down to the penny"),
    "up_to_penny": (PENNY, ROUND_CEILING, "rounded up to the penny"),
    "down_to_pound": (POUND, ROUND_FLOOR, "rounded down to the pound"),
    "up_to_pound": (POUND, ROUND_CEILING, "rounded up to the pound"),
}
"""Rounding rules a percentage may name: (step, direction, words)."""
EXPRESSION_LIMIT = 240
"""Longest expression a message spells out; longer ones show values only."""


class Uncomputable(Failure):
    """A formula whose inputs exist but give no value; the message says why."""

    rule = "kind"


class KindMismatch(Failure):
    """A formula given figures of kinds it cannot combine; the message says which, and
    ``hint`` how to mend it where the kind knows (days and months)."""

    rule = "kind"
    hint = "check which figures the formula names."

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        if hint:
            self.hint = hint


@dataclass(frozen=True)
class Op:
    """One operation a formula can use."""

    name: str
    """Key in ``OPS`` and in ``figures.json``."""
    rule: str
    """Check rule that compares its result with a stated value."""
    result: Callable[[list[str], Formula], str]
    """Kinds of the inputs → kind of the result; raises ``KindMismatch``."""
    compute: Callable[[list, Formula], object]
    """Values of the inputs → value; raises ``Uncomputable``."""
    describe: Callable[[list[str], Formula], str]
    """Inputs as text → the formula in words (``£295 × 48``)."""
    measured: bool = False
    """It compares its inputs by size, so it is given each input's measure (its kind's)."""


def _money_round(value: Decimal, rounding: str = "nearest_penny") -> Decimal:
    step, direction, _ = ROUNDING[rounding]
    return value.quantize(step, rounding=direction) if value.as_tuple().exponent < -2 or \
        step == POUND else value


def _same_kind(kinds: list[str], formula: Formula) -> str:
    first = kinds[0]
    if not KINDS[first].adds:
        raise KindMismatch(f"{_what(first)} cannot be added up")
    for other in kinds[1:]:
        if other != first:
            raise KindMismatch(f"it adds {_what(first)} to {_what(other)}")
    return first


def _what(kind: str) -> str:
    return KINDS[kind].what if kind in KINDS else kind


def _in_one_unit(values: list[Duration]) -> tuple[list[int], str]:
    """Duration amounts in one unit: the shared one, else months (years convert)."""
    units = {v.unit for v in values}
    if len(units) == 1:
        return [v.amount for v in values], values[0].unit
    if "days" in units:
        raise Uncomputable("it mixes days with months or years, and days do not convert")
    return [v.months for v in values], "months"


def _add(values: list, formula: Formula):
    if isinstance(values[0], Duration):
        amounts, unit = _in_one_unit(values)
        return Duration(sum(amounts), unit)
    return sum(values[1:], values[0])


def _subtract(values: list, formula: Formula):
    a, b = values
    if isinstance(a, Duration):
        (x, y), unit = _in_one_unit(values)
        if x < y:
            raise Uncomputable("the second duration is longer than the first")
        return Duration(x - y, unit)
    return a - b


def _factor(value, per: str | None) -> Fraction:
    """A quantity as an exact number of ``per`` units (18 months, per year → 3/2).

    Exact fractions, so a part-year amount is rounded once, at the end:
    £50,000.10 a year for 13 months is £54,166.775, which rounds to £54,166.78.
    """
    if isinstance(value, Duration):
        unit = (per or "").strip().lower().removesuffix("s")
        if unit in ("year", "annum") and value.months is not None:
            return Fraction(value.months, 12)
        if unit == "month" and value.months is not None:
            return Fraction(value.months)
        if unit == "day" and value.unit == "days":
            return Fraction(value.amount)
        if not unit:
            raise KindMismatch('it multiplies by a duration without saying what the amount is '
                               'for; add "per": "year" (or "month")')
        raise KindMismatch(f"an amount a {per} cannot be multiplied by a duration in "
                           f"{value.unit}")
    if isinstance(value, Rate):
        return Fraction(value.amount)
    return Fraction(value)


def _exact_money(value: Fraction) -> Decimal:
    """An exact amount rounded half up to the penny, once."""
    pence, rest = divmod(abs(value) * 100, 1)
    pence += 1 if rest >= Fraction(1, 2) else 0
    return (Decimal(int(pence)) / 100).copy_sign(Decimal(1 if value >= 0 else -1)) + 0


def _product_kind(kinds: list[str], formula: Formula) -> str:
    a, b = kinds
    if a in ("money", "rate") and b in ("count", "duration"):
        return "money"
    if a == "count" and b == "count":
        return "count"
    raise KindMismatch(f"it multiplies {_what(a)} by {_what(b)}; give an amount or rate "
                       "first and a number or duration second")


def _per(values: list, formula: Formula) -> str | None:
    first = values[0]
    return first.per if isinstance(first, Rate) else formula.param("per")


def _product(values: list, formula: Formula):
    a, b = values
    total = _factor(a, None) * _factor(b, _per(values, formula))
    if isinstance(a, int) and isinstance(b, int):
        return int(total)
    return _exact_money(total)


def _describe_product(parts: list[str], formula: Formula) -> str:
    per = formula.param("per")
    first = f"{parts[0]} {article(per)} {per}" if per and "×" not in parts[0] else parts[0]
    return f"{first} × {parts[1]}"


def article(noun: str) -> str:
    """``a`` or ``an`` before ``noun``."""
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _quotient_kind(kinds: list[str], formula: Formula) -> str:
    if kinds[0] == "money" and kinds[1] in ("count", "duration"):
        return "money"
    raise KindMismatch(f"it divides {_what(kinds[0])} by {_what(kinds[1])}")


def _quotient(values: list, formula: Formula):
    divisor = _factor(values[1], formula.param("per"))
    if divisor == 0:
        raise Uncomputable("it divides by zero")
    return _exact_money(Fraction(values[0]) / divisor)


def _percent_kind(kinds: list[str], formula: Formula) -> str:
    if kinds[0] == "percentage" and kinds[1] == "money":
        return "money"
    raise KindMismatch(f"it takes {_what(kinds[0])} of {_what(kinds[1])}; give a percentage "
                       "and then an amount of money")


def _percent_of(values: list, formula: Formula):
    share = values[1] * values[0] / 100
    return _money_round(share, formula.param("round", "nearest_penny"))


def _describe_percent(parts: list[str], formula: Formula) -> str:
    words = ROUNDING[formula.param("round", "nearest_penny")][2]
    return f"{parts[0]} of {parts[1]}, {words}"


def _claim_kind(kinds: list[str], formula: Formula) -> str:
    a, b = kinds
    if a != b or KINDS[a].measure is None:
        raise KindMismatch(f"it compares {_what(a)} with {_what(b)}")
    return "claim"


def _claim(values: list, formula: Formula):
    value, limit = values
    test = formula.param("test")
    holds = {"exceeds": value > limit, "at_least": value >= limit, "below": value < limit,
             "within": value <= limit}[test]
    return Claim(test, holds, formula.param("wording"))


def _months_between(values: list, formula: Formula):
    start, end = values
    end = last_day(end)  # a period that ends "March 2022" ends on the 31st
    if end < start:
        raise Uncomputable(f"it ends on {formatting.date(end)}, before it starts on "
                           f"{formatting.date(start)}")
    months, days = month_span(start, end)
    if days:
        raise Uncomputable(f"{formatting.date(start)} to {formatting.date(end)} is "
                           f"{months_and_days(months, days)}, "
                           "not a whole number of months")
    return Duration(months, "months")


def months_and_days(months: int, days: int) -> str:
    """``five months and 3 days``."""
    text = f"{formatting.words(months)} month{'s' if months != 1 else ''}"
    if days:
        text += f" and {days} day{'s' if days != 1 else ''}"
    return text


def month_span(start: dt.date, end: dt.date) -> tuple[int, int]:
    """``(whole months, leftover days)`` from ``start`` to ``end`` inclusive.

    1 November 2024 to 31 March 2025 is ``(5, 0)``: periods in papers run to
    the last day of a month, so the end is counted as a whole day.
    """
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    anchor = add_months(start, months)
    if anchor > after:
        months -= 1
        anchor = add_months(start, months)
    return months, (after - anchor).days


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month ``months`` later (or the month's last day)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _only(kind: str):
    def result(kinds: list[str], formula: Formula) -> str:
        if any(k != kind for k in kinds):
            raise KindMismatch(f"it needs {_what(kind)}, but is given {_what(kinds[0])}")
        return kind
    return result


def _months_kind(kinds: list[str], formula: Formula) -> str:
    if kinds != ["date", "date"]:
        raise KindMismatch("it needs a start date and an end date")
    return "duration"


def _first_kind(kinds: list[str], formula: Formula) -> str:
    return kinds[0]


def _takes_effect(values: list, formula: Formula) -> dt.date:
    if len(values) == 1:  # the day after call-in ends (a month's: after its last day)
        return last_day(values[0]) + dt.timedelta(days=1)
    day, wait = values
    if wait.unit != "days":
        raise Uncomputable("a call-in period must be given in days")
    return day + dt.timedelta(days=wait.amount)


def _takes_effect_kind(kinds: list[str], formula: Formula) -> str:
    if kinds[0] != "date" or kinds[1:] not in ([], ["duration"]):
        raise KindMismatch("it needs a date, and a call-in period in days")
    return "date"


def _span_of(values: list, formula: Formula) -> YearRange:
    return YearRange(min(values), max(values))


def _count_kind(kinds: list[str], formula: Formula) -> str:
    return "count"


def _rules_value(values: list, formula: Formula):
    return formula.param("value")


def _end_of_term(values: list, formula: Formula):
    start, length = values
    if length.unit == "days":
        return start + dt.timedelta(days=length.amount - 1)
    return add_months(start, length.months) - dt.timedelta(days=1)


def _end_kind(kinds: list[str], formula: Formula) -> str:
    if kinds != ["date", "duration"]:
        raise KindMismatch("it needs a start date and a duration")
    return "date"


def _period_kind(kinds: list[str], formula: Formula) -> str:
    if kinds != ["date", "date"]:
        raise KindMismatch("it needs a start date and an end date")
    return "period"


OPS: dict[str, Op] = {op.name: op for op in (
    Op("sum", "sum", _same_kind, _add, lambda p, f: " + ".join(p)),
    Op("difference", "sum", _same_kind, _subtract, lambda p, f: f"{p[0]} − {p[1]}"),
    Op("product", "product", _product_kind, _product, _describe_product),
    Op("quotient", "product", _quotient_kind, _quotient, lambda p, f: f"{p[0]} ÷ {p[1]}"),
    Op("percent_of", "percentage", _percent_kind, _percent_of, _describe_percent),
    Op("vat", "vat", _percent_kind, _percent_of,
       lambda p, f: f"VAT at {p[0]} on {p[1]}, rounded to the nearest penny"),
    Op("same_as", "one_value", _first_kind, lambda v, f: v[0], lambda p, f: p[0]),
    Op("approximately", "approximation", _only("money"), lambda v, f: v[0],
       lambda p, f: p[0]),
    Op("claim", "threshold_claim", _claim_kind, _claim,
       lambda p, f: f"{p[0]} against {p[1]}", measured=True),
    Op("rules", "threshold", lambda k, f: f.param("value_kind"), _rules_value,
       lambda p, f: f.param("describe")),
    Op("months_between", "period", _months_kind, _months_between,
       lambda p, f: f"{p[0]} to {p[1]}"),
    Op("end_of_term", "period", _end_kind, _end_of_term,
       lambda p, f: f"{p[0]} plus {p[1]}"),
    Op("period_of", "period", _period_kind, lambda v, f: Period(v[0], v[1]),
       lambda p, f: f"{p[0]} to {p[1]}"),
    Op("takes_effect", "date_order", _takes_effect_kind, _takes_effect,
       lambda p, f: f"the day after {p[0]}" if len(p) == 1 else f"{p[0]} plus {p[1]}"),
    Op("span_of", "one_value", lambda k, f: _only("financial_year")(k, f) and "year_range",
       _span_of, lambda p, f: f"{p[0]} to {p[-1]}"),
    Op("count_of", "cap", _count_kind, lambda v, f: len(v),
       lambda p, f: f"{formatting.words(len(p))} entries"),
)}
"""Every operation a formula can use."""


# -- the ledger ----------------------------------------------------------------

@dataclass(frozen=True)
class Issue:
    """A problem with the ledger itself: an id that does not resolve, a loop, a kind."""

    rule: str
    """``reference``, ``cycle`` or ``kind``."""
    message: str
    """What is wrong, in words."""
    at: tuple
    """Path parts of where the source declares the entry or relation."""
    hint: str | None = None
    """How to fix it."""


class Ledger(Mapping):
    """``{id: Figure}`` in declaration order, with the relations between them."""

    def __init__(self):
        self.figures: dict[str, Figure] = {}
        self.relations: list[Relation] = []
        self.issues: list[Issue] = []
        self.uncomputable: dict[str, str] = {}
        """Id → why its formula gives no value (its inputs are fine)."""
        self.broken: set[str] = set()
        """Ids whose formula names a missing figure, is in a loop, or mixes kinds."""
        self.passed: dict[str, set[str]] = {}
        """Id → rules of the checks it passed (filled by ``checks``)."""
        self.inputs: frozenset[str] = frozenset()
        """Every id a formula names, computed or not (a broken one still uses its inputs)."""
        self.feeds: frozenset[str] = frozenset()
        """Stated figures a shape computes from without a formula naming them (a
        procurement's term, sliced into contract years), so a check sees them."""

    def __getitem__(self, fid: str) -> Figure:
        return self.figures[fid]

    def __iter__(self) -> Iterator[str]:
        return iter(self.figures)

    def __len__(self) -> int:
        return len(self.figures)

    def value(self, fid: str):
        """Value of a figure, or ``None`` if there is no such figure."""
        figure = self.figures.get(fid)
        return None if figure is None else figure.value

    def pass_(self, rule: str, *ids: str) -> None:
        """Record that ``ids`` passed ``rule``."""
        for fid in ids:
            if fid in self.figures:
                self.passed.setdefault(fid, set()).add(rule)

    def closest(self, fid: str, kind: str | None = None) -> str | None:
        """The id most like ``fid`` (of ``kind``, if given), for "did you mean" hints."""
        names = [f for f, fig in self.figures.items() if kind is None or fig.kind == kind]
        found = difflib.get_close_matches(fid, names, n=1, cutoff=0.6)
        return found[0] if found else None


def build(entries: list[Entry], relations: list[Relation], unreadable=frozenset(),
          feeds=frozenset()) -> Ledger:
    """Resolve, order and compute every entry; collect ``Issue``s instead of raising.

    ``unreadable`` are ids whose stated value was already reported as
    unreadable: what uses them is left uncomputed, with no second message.
    """
    ledger = Ledger()
    ledger.feeds = frozenset(feeds)
    declared = _merge(entries)
    formulas = {e.id: e.formula for e in declared.values() if e.formula}
    ledger.inputs = frozenset(i for f in formulas.values() for i in f.inputs)
    known = set(declared) | set(unreadable)
    for entry in declared.values():
        if entry.formula:
            _resolve(ledger, entry.id, entry.formula.inputs, entry.declared_at, known, declared)
    for relation in relations:
        _resolve(ledger, None, relation.ids, relation.declared_at, known, declared,
                 relation.rule)
    order = _order(ledger, declared, formulas)
    for fid in order:
        _compute(ledger, declared[fid])
    ledger.relations = list(relations)
    return ledger


def _merge(entries: list[Entry]) -> dict[str, Entry]:
    """One entry per id: a stated leaf and a shape's formula for it become one."""
    merged: dict[str, Entry] = {}
    for entry in entries:
        old = merged.get(entry.id)
        if old is None:
            merged[entry.id] = entry
            continue
        changes = {name: getattr(entry, name) for name in
                   ("kind", "stated", "source", "formula", "declared_at", "label")
                   if getattr(old, name) is None and getattr(entry, name) is not None}
        merged[entry.id] = replace(old, **changes)
    return merged


def _resolve(ledger: Ledger, owner: str | None, ids, at, known: set[str],
             declared: dict[str, Entry], rule: str = "") -> None:
    for fid in ids:
        if fid in known:
            if fid not in declared and owner:  # unreadable: reported where it is typed
                ledger.broken.add(owner)
            continue
        if owner:
            ledger.broken.add(owner)
        who = owner or f"this {rule} check"
        if fid.startswith("part2."):
            ledger.issues.append(Issue(
                "reference", f'{who} is computed from "{fid}", a confidential Part 2 figure; '
                "no Part 1 figure may depend on Part 2.", at,
                "state the Part 1 figure on its own, or move the calculation into Part 2."))
            continue
        near = difflib.get_close_matches(fid, sorted(known), n=1, cutoff=0.6)
        hint = f"did you mean {near[0]}?" if near else \
            "name a figure this paper states or computes (each is listed in figures.json)."
        ledger.issues.append(Issue(
            "reference", f'{who} names "{fid}", which is not a figure in this paper.', at, hint))


def _order(ledger: Ledger, declared: dict[str, Entry], formulas: dict[str, Formula]) -> list[str]:
    """Entries in an order where every input comes before the figure computed from it."""
    graph = {fid: [i for i in (formulas[fid].inputs if fid in formulas else ()) if i in declared]
             for fid in declared}
    sorter = graphlib.TopologicalSorter(graph)
    try:
        return list(sorter.static_order())
    except graphlib.CycleError as exc:
        loop = exc.args[1]
        in_loop = set(loop)
        ledger.broken.update(in_loop)
        first = declared[loop[0]]
        shown = " → ".join(loop[:12]) + (" → …" if len(loop) > 12 else "")
        ledger.issues.append(Issue(
            "cycle", f"these figures are computed from each other, so none can be computed: "
            f"{shown}.", first.declared_at or first.source or (),
            "state one of them, or take one out of the others' formulas."))
        remaining = {f: [i for i in deps if i not in in_loop] for f, deps in graph.items()
                     if f not in in_loop}
        rest = _order(ledger, {f: declared[f] for f in remaining}, formulas)
        return rest + [f for f in loop[:-1] if f in declared]


def _compute(ledger: Ledger, entry: Entry) -> None:
    formula, kind, computed, stated = entry.formula, entry.kind, None, entry.stated
    if formula and entry.id not in ledger.broken:
        inputs = [ledger.figures.get(i) for i in formula.inputs]
        if any(f is None for f in inputs) or any(i in ledger.broken for i in formula.inputs):
            ledger.broken.add(entry.id)
        elif any(f.value is None for f in inputs):
            why = next(ledger.uncomputable.get(f.id, "") for f in inputs if f.value is None)
            ledger.uncomputable[entry.id] = why or "a figure it uses has no value"
        else:
            op = OPS[formula.op]
            try:
                result_kind = op.result([f.kind for f in inputs], formula)
                if kind is not None and kind != result_kind:
                    raise KindMismatch(f"it gives {_what(result_kind)}, but the figure is "
                                       f"{_what(kind)}")
                values = _measured(inputs) if op.measured else [f.value for f in inputs]
                computed = op.compute(values, formula)
                if kind is None and stated is not None:
                    stated = _read(entry, result_kind, stated, computed)
                kind = result_kind
            except Unreadable as exc:
                ledger.broken.add(entry.id)
                ledger.issues.append(Issue("kind", str(exc), entry.source or (), exc.hint))
            except KindMismatch as exc:
                ledger.broken.add(entry.id)
                ledger.issues.append(Issue(
                    "kind", f"{entry.id} cannot be computed: {exc}.",
                    entry.declared_at or entry.source or (), exc.hint))
            except Uncomputable as exc:
                kind = result_kind
                ledger.uncomputable[entry.id] = str(exc)
                if entry.kind is None and stated is not None:
                    try:
                        stated = KINDS[kind].read(stated)
                    except BadValue:
                        stated = None  # the check says it cannot be checked
            except ArithmeticError:
                kind = result_kind
                ledger.uncomputable[entry.id] = "the numbers are too large to compute"
    if kind is None:
        return  # a broken formula decides the kind: reported above
    value = stated if stated is not None else computed
    style = entry.style
    if style and style not in KINDS[kind].formats:  # a formula's kind is known only now
        named = ", ".join(s for s in KINDS[kind].formats if s)
        ledger.issues.append(Issue("kind", f'{entry.id}: "{style}" is not a format of '
                                   f"{_what(kind)}.", entry.declared_at or (),
                                   f"use one of: {named}."))
        style = ""
    ledger.figures[entry.id] = Figure(entry.id, kind, value, entry.source, formula, computed,
                                      entry.declared_at, entry.label, entry.confidential, style)


def _measured(inputs: list[Figure]) -> list:
    """The inputs' sizes, by their kind's measure; ``KindMismatch`` when two of them cannot
    be measured against each other (days and months), as a cap says."""
    kind = KINDS[inputs[0].kind]
    unlike = kind.unlike(*(f.value for f in inputs))
    if unlike:
        raise KindMismatch(*unlike)
    return [kind.measure(f.value) for f in inputs]


class Unreadable(Failure):
    """A restated value that does not read as the kind of the figure it restates."""

    rule = "kind"

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


def _read(entry: Entry, kind: str, raw, computed):
    """A restated value, read as the kind of the figure it restates."""
    try:
        value = KINDS[kind].read(raw)
    except BadValue:
        original = entry.formula.inputs[0]
        shown = json.dumps(raw, ensure_ascii=False, default=str)
        raise Unreadable(f"{entry.id} restates {original}, {_what(kind)}, but {shorten(shown, 60)} "
                         f"is not {_what(kind)}.",
                         f"write the value as {original} is written, e.g. "
                         f"{KINDS[kind].example.split(': ', 1)[-1].rstrip('}')}.") from None
    if isinstance(value, bool) and isinstance(computed, Claim):
        return Claim(computed.test, value, computed.wording)
    return value


PRECEDENCE = {"sum": 1, "difference": 1, "product": 2, "quotient": 2, "percent_of": 2,
              "vat": 2}
"""How tightly an operation binds, for spelling out nested formulas without brackets."""
EXPRESSION_DEPTH = 3
"""How many levels of derived inputs a message spells out."""


def expression(ledger: Ledger, fid: str, depth: int = 0) -> str:
    """A figure's formula in values: ``£295 a session day × 48 + £200 a session × 2``.

    A derived input is spelt out in place when that needs no brackets (a
    product inside a sum), and shown as its value otherwise, so a message
    stays one short line however long the chain behind it.
    """
    figure = ledger[fid]
    op = OPS[figure.formula.op]
    outer = PRECEDENCE.get(op.name, 0)
    parts = []
    for inner in figure.formula.inputs:
        sub = ledger.figures[inner]
        text = sub.text()
        if not sub.stated and sub.formula and depth < EXPRESSION_DEPTH:
            inner_op = sub.formula.op
            level = PRECEDENCE.get(inner_op)
            transparent = op.name == "same_as" and level is not None
            if transparent or (level is not None and (level > outer or (
                    inner_op == op.name == "sum"))):
                text = expression(ledger, inner, depth + 1)
        parts.append(text)
    described = op.describe(parts, figure.formula)
    if len(described) > EXPRESSION_LIMIT:
        described = op.describe([ledger.figures[i].text() for i in figure.formula.inputs],
                                figure.formula)
    if len(described) > EXPRESSION_LIMIT:
        described = described[:EXPRESSION_LIMIT - 1] + "…"
    return described


def names(ledger: Ledger, fid: str) -> str:
    """A figure's formula in ids: ``contracts.kit.previous_value + contracts.kit.variation``."""
    figure = ledger[fid]
    inputs = list(figure.formula.inputs)
    if figure.formula.op == "sum" and len(inputs) > 4:  # a long list: the ends and a count
        return f"{inputs[0]} + {inputs[1]} + … + {inputs[-1]} ({len(inputs)} figures)"
    text = OPS[figure.formula.op].describe(inputs, figure.formula)
    text = text.split(", rounded")[0]
    if figure.formula.param("per"):
        text = text.replace(f" a {figure.formula.param('per')}", "")
    return text if len(text) <= EXPRESSION_LIMIT else text[:EXPRESSION_LIMIT - 1] + "…"
