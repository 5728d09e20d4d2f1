"""Rules that compare a stated figure with its formula.

Each rule is the same comparison over the formulas that belong to it; what
differs is how a mismatch reads.  Messages name what was stated, what was
computed and how, in values: "£55,117 a year × 3 years = £165,351".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from decision_papers import formatting
from decision_papers.checks.context import text
from decision_papers.checks.table import rule
from decision_papers.figures.ledger import OPS, expression, names
from decision_papers.figures.model import Formula
from decision_papers.kinds import CLAIM_WORDS, KINDS, Duration, difference, equal

HINT = "correct whichever figure is wrong, or leave the stated figure out so it is computed."


def agrees(figure) -> bool:
    """Whether a stated figure and its formula's result are the same."""
    if figure.formula.op == "approximately":
        return abs(figure.value - figure.computed) <= tolerance(figure)
    return KINDS[figure.kind].same(figure.value, figure.computed)


def tolerance(figure):
    """How far an approximate figure may be from the exact one, in pounds."""
    kind, amount = figure.formula.param("within")
    return amount if kind == "money" else abs(figure.computed) * amount / 100


def compare(ctx, rule_id: str, message=None, hint: str = HINT) -> None:
    """Check every stated figure whose formula belongs to ``rule_id``."""
    for figure in list(ctx.stated_with_formula(rule_id)):
        key = ("figure", figure.id)
        inputs = figure.formula.inputs
        if figure.id in ctx.ledger.broken or \
                ctx.unavailable(rule_id, key, inputs, figure.source, figure.id):
            ctx.settled.add(key)
            continue
        if figure.computed is None and _reversed(ctx, figure):
            ctx.settled.add(key)  # the date_order rule reports a period that ends first
        elif figure.computed is None or figure.value is None:
            why = ctx.ledger.uncomputable.get(figure.id, "its formula gives no value")
            stated = f" is stated as {figure.text()}, but it" if figure.value is not None else ""
            ctx.find(rule_id, f"{figure.id}{stated} cannot be checked: {why}.",
                     (figure.id, *inputs), "correct the figures it is computed from.", key=key)
        elif agrees(figure):
            ctx.passed(rule_id, key, figure.id, *inputs)
        else:
            ctx.find(rule_id, (message or generic)(ctx, figure), (figure.id, *inputs), hint,
                     key=key, stated=str(figure.value), expected=str(figure.computed))


def _reversed(ctx, figure) -> bool:
    """A length computed from dates that run backwards (reported once, as date order)."""
    if figure.formula.op != "months_between":
        return False
    start, end = (ctx.ledger[i].value for i in figure.formula.inputs)
    return end < start


def generic(ctx, figure) -> str:
    """``X is stated as £1,200, but a + b = £1,000 + £250 = £1,250; difference £50.``"""
    tail = difference(figure.kind, figure.value, figure.computed)
    return (f"{figure.id} is stated as {figure.text()}, but {names(ctx.ledger, figure.id)} = "
            f"{expression(ctx.ledger, figure.id)} = {text(figure, figure.computed)}"
            + (f"; difference {tail}." if tail else "."))


@rule("sum", "Parts must add up to every stated total; differences and funding must balance.")
def sums(ctx) -> None:
    compare(ctx, "sum")
    for key, relation, figures in ctx.each("sum"):
        total, covered = figures
        if covered.kind != "money":
            ctx.find("kind", f'funding.covers names "{covered.id}", which is {covered.kind} '
                     "(not an amount of money).", (), "name the amount the sources pay for, "
                     "e.g. totals.extension.", first=relation.declared_at, key=key)
            continue
        if total.value == covered.value:
            ctx.passed("sum", key, total.id, covered.id, *(total.formula.inputs
                                                           if total.formula else ()))
            continue
        ctx.find("sum", f"the funding sources add up to {expression(ctx.ledger, total.id)} = "
                 f"{total.text()}, but {covered.id} is {covered.text()}; difference "
                 f"{difference('money', total.value, covered.value)}.",
                 (*(total.formula.inputs if total.formula else ()), covered.id),
                 "make the funding sources add up to what they pay for.",
                 first=relation.declared_at, key=key)


@rule("product", "Rate × quantity, and an annual value × years, must equal the stated amount.")
def products(ctx) -> None:
    compare(ctx, "product")


@rule("percentage", "A percentage of an amount, rounded as stated, must equal the stated "
                    "share.")
def percentages(ctx) -> None:
    compare(ctx, "percentage")
    for key, relation, figures in ctx.each("percentage"):
        PERCENTAGE_TESTS.get(relation.test, _uplift)(ctx, key, relation, *figures)


def _uplift(ctx, key, relation, share, rate, base) -> None:
    """An uplift: the percentage of the previous value, rounded as the test names."""
    formula = Formula("percent_of", (rate.id, base.id), "percentage", (("round", relation.test),))
    expected = OPS["percent_of"].compute([rate.value, base.value], formula)
    if expected == share.value:
        ctx.passed("percentage", key, *relation.ids)
        return
    words = OPS["percent_of"].describe([rate.text(), base.text()], formula)
    derived = f" ({names(ctx.ledger, base.id)})" if base.formula and not base.stated else ""
    ctx.find("percentage", f"{share.id} is {share.text()}, but {rate.id} of {base.id}"
             f"{derived} = {words} = {formatting.money(expected)}; difference "
             f"{difference('money', share.value, expected)}.", relation.ids,
             "correct the uplift, its percentage or the new value.",
             first=relation.declared_at, key=key)


@rule("vat", "VAT must be the rules file's rate of the net amount, and net + VAT = gross.")
def vat(ctx) -> None:
    compare(ctx, "vat")


def _approximation(ctx, figure) -> str:
    original = ctx.ledger[figure.formula.inputs[0]]
    allowed = text(figure, tolerance(figure))
    return (f"{figure.id} says approximately {figure.text()}, but {original.id} is "
            f"{original.text()}, {difference('money', figure.value, figure.computed)} away; "
            f"more than the {allowed} allowed.")


@rule("approximation", "An approximate figure must be within its stated tolerance of the "
                       "exact one.")
def approximations(ctx) -> None:
    compare(ctx, "approximation", _approximation,
            "correct the approximate figure, or widen its tolerance if the paper says so.")


def _restated(ctx, figure) -> str:
    original = figure.formula.inputs[0]
    said, is_ = figure.text(), text(figure, figure.computed)
    if figure.kind == "claim":  # words, not figures: quote them
        said, is_ = f'"{said}"', f'"{is_}"'
    return f"{figure.id} restates {original} as {said}, but {original} is {is_}."


@rule("one_value", "A figure stated twice must have the same value both times.")
def restatements(ctx) -> None:
    compare(ctx, "one_value", _restated,
            "make both say the same, or print the original by reference.")
    for key, relation, (a, b) in ctx.each("one_value"):
        same = equal(a.kind, a.value, b.kind, b.value)
        if same is None:
            ctx.find("kind", f"{a.id} cannot be compared with {b.id}: one is "
                     f"{KINDS[a.kind].what} and the other {KINDS[b.kind].what}.", (a.id, b.id),
                     "compare figures that can be equal: amounts with amounts, a length with "
                     "a length, dates or financial years.", first=relation.declared_at, key=key)
        elif same:
            ctx.passed("one_value", key, a.id, b.id)
        else:
            ctx.find("one_value", f"{a.id} is {a.text()}, but {b.id} is {b.text()}; "
                     f"{relation.why}.", (a.id, b.id), "make the two agree.",
                     first=relation.declared_at, key=key)


def _threshold(ctx, figure) -> str:
    tail = difference(figure.kind, figure.value, figure.computed)
    return (f"{figure.id} is stated as {figure.text()}, but the value in force is "
            f"{text(figure, figure.computed)} ({figure.formula.param('describe')})"
            + (f"; difference {tail}." if tail else "."))


@rule("threshold", "A threshold or rate the paper states must be the one in force on the "
                   "decision date.")
def thresholds(ctx) -> None:
    compare(ctx, "threshold", _threshold,
            "leave the value out of the source to use the rules file's value.")


def _claim(ctx, figure) -> str:
    subject, limit = (ctx.ledger[i] for i in figure.formula.inputs)
    verbs = CLAIM_WORDS[figure.value.test]
    tail = difference(subject.kind, subject.value, limit.value)
    return (f"the paper says {subject.id} ({subject.text()}) "
            f"{verbs[0 if figure.value.holds else 1]} {limit.id} ({limit.text()}), but it "
            f"{verbs[0 if figure.computed.holds else 1]}" + (f"; difference {tail}." if tail
                                                             else "."))


@rule("threshold_claim", "A claim such as \"exceeds £100,000\" must be what the figures show.")
def claims(ctx) -> None:
    compare(ctx, "threshold_claim", _claim, "correct the claim or the figure it is about.")


def _months(ctx, figure) -> str:
    start, end = (ctx.ledger[i] for i in figure.formula.inputs)
    actual = figure.computed
    if figure.value.unit == "years" and actual.months % 12 == 0:
        actual = Duration(actual.months // 12, "years")  # say it in the paper's unit
    return (f"{figure.id} says {figure.text('words')}, but {start.text()} to {end.text()} is "
            f"{KINDS['duration'].text(actual, 'words')}.")


@rule("period", "Durations must match their dates, and a financial year must hold the dates "
                "it is named for.")
def periods(ctx) -> None:
    compare(ctx, "period", _months, "correct the dates or the length.")
    for key, relation, figures in ctx.each("period"):
        PERIOD_TESTS[relation.test](ctx, key, relation, *figures)


def _holds(ctx, key, relation, fy, start, end) -> None:
    """A financial year holds the dates it is named for."""
    if fy.value.start <= start.value and end.value <= fy.value.end:
        ctx.passed("period", key, *relation.ids)
        return
    ctx.find("period", f"{fy.id} is {fy.text()} ({formatting.date(fy.value.start)} to "
             f"{formatting.date(fy.value.end)}), but the dates run from {start.text()} to "
             f"{end.text()}.", relation.ids,
             "name the financial year the dates fall in, or split the period.",
             first=relation.declared_at, key=key)


def _spans(ctx, key, relation, years, start, end) -> None:
    """A range of financial years and the dates of the same period: the first year holds
    the start, and the last the end."""
    first, last = years.value.first, years.value.last
    if first.start <= start.value <= first.end and last.start <= end.value <= last.end:
        ctx.passed("period", key, *relation.ids)
        return
    ctx.find("period", f"{years.id} is {years.text()}, but the dates run from {start.text()} "
             f"({formatting.financial_year_of(start.value)}) to {end.text()} "
             f"({formatting.financial_year_of(end.value)}).", relation.ids,
             "make the financial years those the dates fall in.", first=relation.declared_at,
             key=key)


def _share_of(ctx, key, relation, share, rate, whole) -> None:
    """A stated percentage of a share: what the share is of the whole, to the places the
    paper gives the percentage to ("75%" of £1,200,000 is £900,000; "74.5%" is not)."""
    if whole.kind != "money":
        ctx.settled.add(key)  # the sum rule says funding.covers is not an amount
        return
    if whole.value == 0:
        ctx.find("percentage", f"{share.id} is said to be {rate.text()} of {whole.id}, which is "
                 f"{whole.text()}.", relation.ids, "correct the amount it is a share of.",
                 first=relation.declared_at, key=key)
        return
    places = max(0, -rate.value.as_tuple().exponent)
    actual = (share.value * 100 / whole.value).quantize(Decimal(1).scaleb(-places),
                                                       rounding=ROUND_HALF_UP)
    if actual == rate.value:
        ctx.passed("percentage", key, *relation.ids)
        return
    ctx.find("percentage", f"{share.id} is said to be {rate.text()} of {whole.id}, but "
             f"{share.text()} of {whole.text()} is {formatting.percent(actual)}.", relation.ids,
             "correct the percentage or the amount.", first=relation.declared_at, key=key)


PERCENTAGE_TESTS = {"share_of": _share_of}
"""Percentage tests with a check of their own; the others, named for their rounding, are
uplifts (``_uplift``)."""
PERIOD_TESTS = {"holds": _holds, "spans": _spans}
"""Each period test, and its check."""
