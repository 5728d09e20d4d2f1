"""Step 3: every figure the paper can print, stated or derived.

A *stated* figure is typed in the source (it comes from a contract or a
finance system).  A *derived* figure is computed from others and never typed.
Where a stated figure also has a derivation, the derivation is kept as
``expected`` so ``checks`` can compare the two.  Money is ``Decimal``
throughout; nothing here uses floats.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from . import formatting as fmt
from .rules import Threshold
from .walk import FIGURE_KINDS, leaves

FORMATS = {
    "money": ("", "millions"),
    "date": ("", "month", "month_name", "year", "fy"),
    "count": ("", "words"),
    "months": ("", "words"),
    "years": ("", "words"),
    "financial_year": ("",),
    "claim": ("",),
}
"""Formats a reference may ask for, as ``{id:format}``; ``""`` is the default."""

PENNY = Decimal("0.01")

CLAIM_WORDS = {
    "exceeds": ("exceeds", "does not exceed"),
    "at_least": ("is at or above", "is below"),
    "below": ("is below", "is not below"),
}


@dataclass
class Figure:
    """One quantity the paper can print."""

    id: str
    """Dotted name used in references, e.g. ``contracts.vru.variation``."""
    kind: str
    """``money``, ``date``, ``count``, ``months``, ``years``, ``financial_year`` or ``claim``."""
    value: object
    """The value printed: the stated one if typed, else the derived one."""
    source: tuple | None = None
    """Path parts of the stated value in the source; ``None`` if derived."""
    derivation: str | None = None
    """How the figure is (or should be) computed, in terms of other ids."""
    expected: object = None
    """The derived value, when the figure is stated *and* derivable."""
    inputs: tuple[str, ...] = ()
    """Ids of the figures the derivation uses."""
    rule: str | None = None
    """Check rule id that compares ``value`` with ``expected``."""
    checks: list[str] = field(default_factory=list)
    """Rule ids of the checks this figure passed (filled by ``checks``)."""

    @property
    def stated(self) -> bool:
        """True when the value was typed in the source."""
        return self.source is not None

    def text(self, style: str = "") -> str:
        """The figure as printed, GOV.UK style."""
        v = self.value
        if self.kind == "money":
            return fmt.money_millions(v) if style == "millions" else fmt.money(v)
        if self.kind == "date":
            return {
                "": fmt.date, "month": fmt.month_year, "month_name": fmt.month,
                "year": lambda d: str(d.year), "fy": fmt.financial_year_of,
            }[style](v)
        if self.kind in ("count", "months", "years"):
            return fmt.words(v) if style == "words" else fmt.number(v)
        if self.kind == "claim":
            test, holds, wording = v
            return (wording or CLAIM_WORDS[test])[0 if holds else 1]
        return str(v)

    def __str__(self) -> str:  # templates print figures directly
        return self.text()


class Figures(dict):
    """``{id: Figure}`` in the order figures were found or derived."""

    def add(self, figure: Figure) -> Figure:
        """Add a figure; the first registration of an id wins."""
        return self.setdefault(figure.id, figure)

    def value(self, fid: str):
        """Value of a figure, or ``None`` if there is no such figure."""
        figure = self.get(fid)
        return None if figure is None else figure.value


def _id_for(parts: tuple) -> str:
    # totals.<t>.stated is the total itself: prose says {totals.extension}
    if len(parts) == 3 and parts[0] == "totals" and parts[2] == "stated":
        parts = parts[:2]
    return ".".join(str(p) for p in parts)


def _value(kind: str, raw):
    if kind == "money":
        return Decimal(raw)
    if kind == "date":
        return dt.date.fromisoformat(raw)
    return raw


def month_span(start: dt.date, end: dt.date) -> tuple[int, int]:
    """``(whole months, leftover days)`` from ``start`` to ``end`` inclusive.

    1 November 2024 to 31 March 2025 is ``(5, 0)``: periods in papers run to
    the last day of a month, so the end is counted as a whole day.
    """
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    anchor = _add_months(start, months)
    if anchor > after:
        months -= 1
        anchor = _add_months(start, months)
    return months, (after - anchor).days


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def collect(data: dict, thresholds: dict[str, Threshold]) -> Figures:
    """All figures of a validated source, stated then derived."""
    figures = Figures()
    for parts, kind, raw in leaves(data):
        if kind in FIGURE_KINDS:
            figures.add(Figure(_id_for(parts), kind, _value(kind, raw), parts))
    _derive_contracts(data, figures)
    _derive_procurement(data, figures)
    _derive_totals(data, figures)
    _derive_funding(data, figures)
    _derive_thresholds(figures, thresholds)
    _derive_claims(data, figures)
    for key in data.get("periods", {}):
        _derive_period(figures, f"periods.{key}")
    _restated(data, figures)
    return figures


def _restated(data: dict, figures: Figures) -> None:
    """A restatement prints its own value; ``checks`` compares it with the original."""
    for key, entry in data.get("restated", {}).items():
        original = figures.get(entry["figure"])
        if original is None or original.kind == "claim":
            continue  # reported by checks
        raw = entry["value"]
        try:
            value = _value(original.kind, raw) if original.kind in ("money", "date") else raw
        except (TypeError, ValueError, ArithmeticError):
            continue  # reported by checks
        figures.add(Figure(f"restated.{key}", original.kind, value, ("restated", key, "value"),
                           entry["figure"], original.value, (entry["figure"],), "one_value"))


def derive(figures: Figures, fid: str, kind: str, expected, formula: str,
           inputs: tuple[str, ...], rule: str) -> None:
    """Attach a derivation to ``fid``: check it if stated, else create it.

    Derived money is rounded to whole pence (half up), as a finance system
    would: £100,000 over three years is £33,333.33 a year.
    """
    if expected is None:
        return
    if kind == "money" and expected.as_tuple().exponent < -2:
        expected = expected.quantize(PENNY, rounding=ROUND_HALF_UP)
    existing = figures.get(fid)
    if existing is None:
        figures.add(Figure(fid, kind, expected, None, formula, None, inputs, rule))
    else:
        existing.derivation, existing.expected = formula, expected
        existing.inputs, existing.rule = inputs, rule


def _sum(figures: Figures, ids) -> Decimal | None:
    values = [figures.value(i) for i in ids]
    if any(not isinstance(v, Decimal) for v in values):
        return None
    return sum(values, Decimal(0))


def _derive_period(figures: Figures, base: str) -> None:
    start, end = figures.value(f"{base}.start"), figures.value(f"{base}.end")
    if start is None or end is None or end < start:
        return
    months, days = month_span(start, end)
    if days == 0:
        derive(figures, f"{base}.months", "months", months,
               f"months from {base}.start to {base}.end",
               (f"{base}.start", f"{base}.end"), "period")


def _derive_contracts(data: dict, figures: Figures) -> None:
    for key, contract in data.get("contracts", {}).items():
        base = f"contracts.{key}"
        lines = contract.get("build_up", {}).get("lines", {})
        amounts = []
        for line in lines:
            lid = f"{base}.build_up.lines.{line}"
            rate, qty = figures.value(f"{lid}.rate"), figures.value(f"{lid}.quantity")
            derive(figures, f"{lid}.amount", "money", rate * qty,
                   f"{lid}.rate × {lid}.quantity", (f"{lid}.rate", f"{lid}.quantity"),
                   "build_up")
            amounts.append(f"{lid}.amount")
        if amounts:
            derive(figures, f"{base}.build_up.total", "money", _sum(figures, amounts),
                   " + ".join(amounts), tuple(amounts), "build_up")
            derive(figures, f"{base}.variation", "money",
                   figures.value(f"{base}.build_up.total"),
                   f"{base}.build_up.total", (f"{base}.build_up.total",), "build_up")
        parts = (f"{base}.previous_value", f"{base}.variation")
        derive(figures, f"{base}.new_value", "money", _sum(figures, parts),
               " + ".join(parts), parts, "sum")
        for period in ("term", "extension"):
            if period in contract:
                _derive_period(figures, f"{base}.{period}")


def _derive_procurement(data: dict, figures: Figures) -> None:
    if "procurement" not in data:
        return
    p = "procurement"
    term, ext = figures.value(f"{p}.term_years"), figures.value(f"{p}.extension_years") or 0
    annual = figures.value(f"{p}.annual_value")
    from_term = annual is None and figures.value(f"{p}.term_value") is not None
    if from_term and term:
        derive(figures, f"{p}.annual_value", "money",
               figures.value(f"{p}.term_value") / term,
               f"{p}.term_value ÷ {p}.term_years", (f"{p}.term_value", f"{p}.term_years"),
               "multi_year")
        annual = figures.value(f"{p}.annual_value")
    if annual is not None and not from_term:  # else the check would be circular
        derive(figures, f"{p}.term_value", "money", annual * term,
               f"{p}.annual_value × {p}.term_years",
               (f"{p}.annual_value", f"{p}.term_years"), "multi_year")
    if annual is not None:
        derive(figures, f"{p}.extension_value", "money", annual * ext,
               f"{p}.annual_value × {p}.extension_years",
               (f"{p}.annual_value", f"{p}.extension_years"), "multi_year")
    parts = (f"{p}.term_value", f"{p}.extension_value")
    derive(figures, f"{p}.maximum", "money", _sum(figures, parts),
           " + ".join(parts), parts, "multi_year")


def _derive_totals(data: dict, figures: Figures) -> None:
    for key, total in data.get("totals", {}).items():
        parts = tuple(total["parts"])
        derive(figures, f"totals.{key}", "money", _sum(figures, parts),
               " + ".join(parts), parts, "sum")


def _derive_funding(data: dict, figures: Figures) -> None:
    funding = data.get("funding")
    if not funding:
        return
    parts = tuple(f"funding.sources.{k}.amount" for k in funding["sources"])
    derive(figures, "funding.total", "money", _sum(figures, parts),
           " + ".join(parts), parts, "sum")


def _derive_thresholds(figures: Figures, thresholds: dict[str, Threshold]) -> None:
    for key, threshold in thresholds.items():
        derive(figures, f"thresholds.{key}", "money", threshold.amount,
               f"rules: {threshold.name}, from {threshold.effective.isoformat()}",
               (), "threshold")


def _derive_claims(data: dict, figures: Figures) -> None:
    for key, claim in data.get("claims", {}).items():
        value = figures.value(claim["figure"])
        limit = figures.value(claim["threshold"])
        if not isinstance(value, Decimal) or not isinstance(limit, Decimal):
            continue  # unknown names are reported by checks
        holds = {"exceeds": value > limit, "at_least": value >= limit,
                 "below": value < limit}[claim["test"]]
        figures.add(Figure(
            f"claims.{key}", "claim", (claim["test"], holds, tuple(claim.get("wording", ()))), None,
            f"{claim['figure']} {claim['test'].replace('_', ' ')} {claim['threshold']}",
            None, (claim["figure"], claim["threshold"]), "threshold_claim"))
