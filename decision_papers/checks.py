"""Step 3b: cross-check every figure before anything is written.

Each check has a rule id (``sum``, ``build_up``, ``multi_year``, ``period``,
``date_order``, ``threshold``, ``threshold_claim``, ``one_value``,
``loose_figure``, ``money_style``).  A finding says what was expected, what
was stated and the difference, and lists every place it touches: the stated
value, the values it was derived from, and the prose that prints it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from . import formatting as fmt
from .figures import CLAIM_WORDS, Figure, Figures, month_span
from .problems import Problem
from .prose import REFERENCE, Reference
from .source import Source
from .walk import PROSE_KINDS, leaves

RULES = {
    "sum": "Parts must add up to every stated total.",
    "build_up": "Rate × quantity (plus extras) must equal the stated amount.",
    "multi_year": "Annual value × years, plus any extension, must equal the stated values.",
    "period": "Durations and financial years named must match the dates.",
    "date_order": "Dates must come in a possible order.",
    "threshold": "A threshold the paper states must be the one in force.",
    "threshold_claim": "A claim about a threshold must be what the figures show.",
    "one_value": "A figure stated twice must have the same value both times.",
    "loose_figure": "Prose must print figures by reference, never typed.",
    "money_style": "Money in millions only from £1 million, per GOV.UK style.",
    "reference": "A figure a check names must exist.",
}
"""Every rule id, with the one-line statement of what it checks."""


class Checker:
    """Runs every check over one source's figures and collects findings."""

    def __init__(self, source: Source, figures: Figures, references: list[Reference]):
        self.source, self.figures, self.references = source, figures, references
        self.problems: list[Problem] = []

    # -- places -------------------------------------------------------------
    def places(self, *ids: str, prose: bool = True) -> tuple:
        """Places of figures, their inputs when derived, and the prose printing them."""
        seen, out = set(), []

        def add(place):
            key = (place.file, place.line, place.json_path)
            if key not in seen:
                seen.add(key)
                out.append(place)

        def visit(fid, depth=0):
            figure = self.figures.get(fid)
            if figure is None or depth > 5:
                return
            if figure.stated:
                add(self.source.place(figure.source))
            else:
                for inner in figure.inputs:
                    visit(inner, depth + 1)

        for fid in ids:
            visit(fid)
        if prose:
            for ref in self.references:
                if ref.figure in ids:
                    add(self.source.place(ref.path))
        return tuple(out)

    def find(self, rule: str, message: str, ids: tuple[str, ...], hint: str | None = None,
             severity: str = "error", **details) -> None:
        """Record a finding touching the figures ``ids``."""
        self.problems.append(Problem(message, self.places(*ids), hint, rule, severity, details))

    def passed(self, rule: str, *ids: str) -> None:
        """Note on each figure that it passed ``rule``."""
        for fid in ids:
            figure = self.figures.get(fid)
            if figure is not None and rule not in figure.checks:
                figure.checks.append(rule)

    # -- checks -------------------------------------------------------------
    def derivations(self) -> None:
        """Stated figures that also have a derivation: sums, build-ups, multi-year."""
        for figure in list(self.figures.values()):
            if not figure.stated or figure.expected is None or figure.rule is None:
                continue
            if figure.value == figure.expected:
                self.passed(figure.rule, figure.id, *figure.inputs)
                continue
            self._mismatch(figure)

    def _mismatch(self, figure: Figure) -> None:
        stated, expected = figure.value, figure.expected
        if figure.rule == "one_value":
            original = self.figures[figure.derivation]
            self.find("one_value",
                      f"{figure.id} restates {original.id} as {figure.text()}, "
                      f"but {original.id} is {original.text()}.",
                      (figure.id, original.id),
                      "make both say the same, or print the original by reference.",
                      stated=str(stated), expected=str(expected))
            return
        if figure.rule == "threshold":
            self.find("threshold",
                      f"{figure.id} is stated as {fmt.money(stated)}, but the threshold in "
                      f"force is {fmt.money(expected)} ({figure.derivation}); "
                      f"difference {fmt.money(abs(stated - expected))}.",
                      (figure.id,),
                      "leave the threshold out of the source to use the rules file's value.",
                      stated=str(stated), expected=str(expected))
            return
        if figure.kind == "months":
            return  # reported by period checks with the dates in words
        difference = stated - expected
        self.find(figure.rule,
                  f"{figure.id} is stated as {self._text(figure, stated)}, but "
                  f"{figure.derivation} = {self.expand(figure.id, top=True)} = "
                  f"{self._text(figure, expected)}; difference {self._text(figure, abs(difference))}.",
                  (figure.id, *figure.inputs),
                  "correct whichever figure is wrong, or leave the total out so it is derived.",
                  stated=str(stated), expected=str(expected), difference=str(difference))

    def expand(self, fid: str, top: bool = False) -> str:
        """A derivation written out in values: ``£295 × 48 + £200 × 2``."""
        figure = self.figures.get(fid)
        if figure is None:
            return fid
        if not top and (figure.stated or not figure.inputs):
            return figure.text()
        text = figure.derivation
        for inner in sorted(figure.inputs, key=len, reverse=True):
            text = text.replace(inner, self.expand(inner))
        return text

    @staticmethod
    def _text(figure: Figure, value) -> str:
        return fmt.money(value) if figure.kind == "money" else str(value)

    def periods(self) -> None:
        """start ≤ end; months stated match the dates; financial years hold the dates."""
        for base in self._period_bases():
            start_id, end_id = f"{base}.start", f"{base}.end"
            start, end = self.figures.value(start_id), self.figures.value(end_id)
            if end < start:
                self.find("date_order",
                          f"{base} ends on {fmt.date(end)}, before it starts on {fmt.date(start)}.",
                          (start_id, end_id), "check the year of the end date.",
                          start=start.isoformat(), end=end.isoformat())
                continue
            self.passed("date_order", start_id, end_id)
            months_id = f"{base}.months"
            stated = self.figures.get(months_id)
            if stated is not None and stated.stated:
                whole, days = month_span(start, end)
                if (whole, days) == (stated.value, 0):
                    self.passed("period", months_id, start_id, end_id)
                else:
                    actual = f"{fmt.words(whole)} month{'s' if whole != 1 else ''}"
                    if days:
                        actual += f" and {days} day{'s' if days != 1 else ''}"
                    self.find("period",
                              f"{months_id} says {fmt.words(stated.value)} months, but "
                              f"{fmt.date(start)} to {fmt.date(end)} is {actual}.",
                              (months_id, start_id, end_id),
                              "correct the dates or the number of months.",
                              stated=stated.value, expected=whole, days=days)
            fy_id = f"{base}.financial_year"
            if fy_id in self.figures:
                self._financial_year(fy_id, start_id, end_id)

    def _period_bases(self):
        for fid in self.figures:
            if fid.endswith(".start") and fid[:-6] + ".end" in self.figures:
                yield fid[:-6]

    def _financial_year(self, fy_id: str, start_id: str, end_id: str) -> None:
        fy = self.figures.value(fy_id)
        first = int(fy[:4])
        fy_start, fy_end = dt.date(first, 4, 1), dt.date(first + 1, 3, 31)
        start, end = self.figures.value(start_id), self.figures.value(end_id)
        if int(fy[5:]) != (first + 1) % 100:
            self.find("period", f"{fy_id} is {fy}, which is not a financial year "
                      f"(it should be {first}/{(first + 1) % 100:02d}).", (fy_id,))
        elif fy_start <= start and end <= fy_end:
            self.passed("period", fy_id, start_id, end_id)
        else:
            self.find("period",
                      f"{fy_id} is {fy} (1 April {first} to 31 March {first + 1}), but the "
                      f"dates run from {fmt.date(start)} to {fmt.date(end)}.",
                      (fy_id, start_id, end_id),
                      "name the financial year the dates fall in, or split the period.")

    def build_up_years(self) -> None:
        """A build-up's financial year must hold the period it pays for."""
        for key, contract in self.source.data.get("contracts", {}).items():
            if "financial_year" not in contract.get("build_up", {}):
                continue
            period = "extension" if "extension" in contract else "term"
            base = f"contracts.{key}"
            self._financial_year(f"{base}.build_up.financial_year",
                                 f"{base}.{period}.start", f"{base}.{period}.end")

    def date_order(self) -> None:
        """Consultation before approval; deferral not before approval; extension after term."""
        approval = self.figures.get("approval.date")
        ceo = self.figures.get("chief_executive.date")
        if approval and ceo:
            self._before(ceo, approval, "the chief executive must be consulted on or before "
                         "the day of approval", strict=False)
        until = self.figures.get("publication.until")
        if approval and until and self.source.data["publication"].get("deferred"):
            self._before(approval, until, "publication cannot be deferred to a date before "
                         "the decision is approved", strict=False)
        for key in self.source.data.get("contracts", {}):
            term_end = self.figures.get(f"contracts.{key}.term.end")
            ext_start = self.figures.get(f"contracts.{key}.extension.start")
            if term_end and ext_start:
                self._before(term_end, ext_start, "an extension must start after the "
                             "current term ends", strict=True)

    def _before(self, first: Figure, second: Figure, why: str, strict: bool) -> None:
        ok = first.value < second.value if strict else first.value <= second.value
        if ok:
            self.passed("date_order", first.id, second.id)
            return
        days = (first.value - second.value).days
        self.find("date_order",
                  f"{first.id} is {fmt.date(first.value)} and {second.id} is "
                  f"{fmt.date(second.value)}, but {why} ({days} day{'s' if days != 1 else ''} "
                  "out).", (first.id, second.id), "check both dates.",
                  first=first.value.isoformat(), second=second.value.isoformat())

    def claims(self) -> None:
        """Claims about thresholds are computed; a stated claim must match."""
        for key, claim in self.source.data.get("claims", {}).items():
            fid = f"claims.{key}"
            missing = [n for n in (claim["figure"], claim["threshold"])
                       if not isinstance(self.figures.value(n), Decimal)]
            if missing:
                self.problems.append(Problem(
                    f'claims.{key} names "{missing[0]}", which is not an amount of money '
                    "in this paper.", (self.source.place(("claims", key)),),
                    "name a money figure, e.g. totals.extension or thresholds.dmpc_variation.",
                    "reference"))
                continue
            figure = self.figures[fid]
            test, holds, _ = figure.value
            value, limit = self.figures.value(claim["figure"]), self.figures.value(claim["threshold"])
            if "stated" in claim and claim["stated"] != holds:
                verbs = CLAIM_WORDS[test]
                self.find("threshold_claim",
                          f"the paper says {claim['figure']} ({fmt.money(value)}) "
                          f"{verbs[0 if claim['stated'] else 1]} {claim['threshold']} "
                          f"({fmt.money(limit)}), but it {verbs[0 if holds else 1]}; "
                          f"difference {fmt.money(abs(value - limit))}.",
                          (fid, claim["figure"], claim["threshold"]),
                          "correct the claim or the figure it is about.",
                          stated=claim["stated"], computed=holds)
                self.problems[-1] = _with_place(self.problems[-1],
                                                self.source.place(("claims", key, "stated")))
            else:
                self.passed("threshold_claim", fid, claim["figure"], claim["threshold"])

    def restatements(self) -> None:
        """Restated figures and ``same_as`` periods must agree with their original."""
        for key, entry in self.source.data.get("restated", {}).items():
            if f"restated.{key}" not in self.figures:
                self.problems.append(Problem(
                    f'restated.{key} restates "{entry["figure"]}", which is not a figure, or '
                    f'its value "{entry["value"]}" is not of the same kind.',
                    (self.source.place(("restated", key)),), rule="reference"))
        for key, period in self.source.data.get("periods", {}).items():
            other = period.get("same_as")
            if not other:
                continue
            for part in ("start", "end", "months"):
                mine, theirs = f"periods.{key}.{part}", f"{other}.{part}"
                a, b = self.figures.get(mine), self.figures.get(theirs)
                if a is None or b is None:
                    if part != "months" and b is None:
                        self.problems.append(Problem(
                            f'periods.{key}.same_as names "{other}", which is not a period.',
                            (self.source.place(("periods", key, "same_as")),), rule="reference"))
                        break
                    continue
                if a.value == b.value:
                    self.passed("one_value", mine, theirs)
                else:
                    self.find("one_value",
                              f"{mine} is {a.text()}, but the period it restates has "
                              f"{theirs} {b.text()}.", (mine, theirs),
                              "make the two agree.", stated=str(a.value), expected=str(b.value))

    def funding(self) -> None:
        """Funding sources must add up to the figure they pay for."""
        funding = self.source.data.get("funding")
        if not funding:
            return
        covered, total = funding["covers"], self.figures.get("funding.total")
        target = self.figures.get(covered)
        if target is None or target.kind != "money":
            self.problems.append(Problem(
                f'funding.covers names "{covered}", which is not an amount of money in this paper.',
                (self.source.place(("funding", "covers")),),
                "name a money figure, e.g. totals.extension.", "reference"))
            return
        if total.value == target.value:
            self.passed("sum", total.id, covered, *total.inputs)
            return
        difference = total.value - target.value
        self.find("sum",
                  f"the funding sources add up to {self.expand(total.id, top=True)} = "
                  f"{fmt.money(total.value)}, but {covered} is {target.text()}; "
                  f"difference {fmt.money(abs(difference))}.",
                  (*total.inputs, covered), "make the funding sources add up to what they pay for.",
                  stated=str(total.value), expected=str(target.value), difference=str(difference))

    def money_style(self) -> None:
        """``£4.2 million`` only for £1 million or more, and only if rounding is small."""
        for ref in self.references:
            if ref.style != "millions":
                continue
            value = self.figures.value(ref.figure)
            printed = self.figures[ref.figure].text("millions")
            if value < 1_000_000:
                self.problems.append(Problem(
                    f"{ref.figure} is {fmt.money(value)}; GOV.UK style writes amounts under "
                    f"£1 million in full, not as {printed}.",
                    (self.source.place(ref.path), *self.places(ref.figure, prose=False)),
                    f"use {{{ref.figure}}}.", "money_style", "warning"))

    def loose_figures(self) -> None:
        """Money, percentages, dates and durations typed into prose."""
        for parts, kind, text in leaves(self.source.data):
            if kind not in PROSE_KINDS:
                continue
            bare = REFERENCE.sub(lambda m: " " * len(m.group(0)), text)
            for pattern, what, guess in _LOOSE:
                for match in pattern.finditer(bare):
                    typed = match.group(0).strip()
                    meant = guess(self.figures, match)
                    hint = (f"write {{{meant}}} instead, which prints "
                            f"{self.figures[meant].text()}." if meant else
                            "add the figure to the source and print it by reference.")
                    self.problems.append(Problem(
                        f'"{typed}" is {what} typed into the text; figures must be '
                        "printed by reference so they stay consistent.",
                        (self.source.place(parts),), hint, "loose_figure",
                        details={"typed": typed, "meant": meant}))


def _with_place(problem: Problem, place) -> Problem:
    return Problem(problem.message, (place,) + problem.places, problem.hint, problem.rule,
                   problem.severity, problem.details)


def _money_guess(figures: Figures, match) -> str | None:
    amount = Decimal(match.group(1).replace(",", ""))
    if match.group(2):
        amount *= 1_000_000
    return _closest(figures, "money", lambda v: v == amount)


def _closest(figures: Figures, kind: str, test) -> str | None:
    for fid, figure in figures.items():
        if figure.kind == kind and test(figure.value):
            return fid
    return None


_MONTH = "(" + "|".join(fmt.MONTHS) + ")"
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? " + _MONTH + r",? (\d{4}|\d{2})\b")
_MONTH_YEAR = re.compile(r"(?<!\d )(?<!\d\d )(?<!st )(?<!nd )(?<!rd )(?<!th )\b" + _MONTH
                         + r" (\d{4})\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")
_MONEY = re.compile(r"£\s?(\d[\d,]*(?:\.\d+)?)( ?(?:million|m)\b)?")
_PERCENT = re.compile(r"\b\d+(?:\.\d+)?\s?(?:%|per ?cent\b)")
_FINANCIAL_YEAR = re.compile(r"\b(\d{4})[/-](\d{2}|\d{4})\b")
_NUMBER_WORDS = "|".join(fmt.words(n) for n in range(1, 25))
_DURATION = re.compile(r"\b(\d+|" + _NUMBER_WORDS + r")[ -]?(month|year)s?\b", re.IGNORECASE)


def _date_guess(figures: Figures, match) -> str | None:
    groups = match.groups()
    try:
        if match.re is _NUMERIC_DATE:
            day, month, year = int(groups[0]), int(groups[1]), int(groups[2])
        else:
            day, month, year = int(groups[0]), fmt.MONTHS.index(groups[1]) + 1, int(groups[2])
        year += 2000 if year < 100 else 0
        wanted = dt.date(year, month, day)
    except ValueError:
        return None
    return _closest(figures, "date", lambda v: v == wanted)


def _month_guess(figures: Figures, match) -> str | None:
    month, year = fmt.MONTHS.index(match.group(1)) + 1, int(match.group(2))
    return _closest(figures, "date", lambda v: (v.year, v.month) == (year, month))


def _duration_guess(figures: Figures, match) -> str | None:
    word = match.group(1).lower()
    n = int(word) if word.isdigit() else [fmt.words(i) for i in range(25)].index(word)
    kind = "months" if match.group(2).lower() == "month" else "years"
    return _closest(figures, kind, lambda v: v == n)


def _fy_guess(figures: Figures, match) -> str | None:
    first = int(match.group(1))
    return _closest(figures, "financial_year", lambda v: int(v[:4]) == first)


_LOOSE = (
    (_MONEY, "an amount of money", _money_guess),
    (_PERCENT, "a percentage", lambda f, m: None),
    (_DAY_MONTH_YEAR, "a date", _date_guess),
    (_NUMERIC_DATE, "a date", _date_guess),
    (_MONTH_YEAR, "a date", _month_guess),
    (_FINANCIAL_YEAR, "a financial year", _fy_guess),
    (_DURATION, "a duration", _duration_guess),
)


def run_checks(source: Source, figures: Figures, references: list[Reference]) -> list[Problem]:
    """Run every check; return the findings in a stable order."""
    checker = Checker(source, figures, references)
    checker.derivations()
    checker.periods()
    checker.build_up_years()
    checker.date_order()
    checker.claims()
    checker.funding()
    checker.restatements()
    checker.money_style()
    checker.loose_figures()
    return checker.problems
