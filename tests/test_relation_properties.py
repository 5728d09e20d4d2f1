"""Property tests for every relation the ledger checks.

Each group of relations (sum, difference, product and quotient; percent_of
under every rounding rule; VAT; approximately; caps and pots; schedules;
restatements; threshold claims; period lengths; the date chain) draws a
consistent set of figures and adds them to ``tests/fixtures/minimal.json``.
Every value a relation implies is worked out here with plain
``Decimal``/``Fraction`` arithmetic and date sums, never by the package, and
stated in the source.

- A source holding every group at once, all consistent, must build with no
  finding at all.
- Changing one leaf of one group (an input, a stated value, a rounding rule,
  a claim's test, a date) must give exactly the findings the same plain
  arithmetic predicts (``expected_findings``): rule ids and the first place
  of each, all errors, and nothing built.

A part-year product or quotient whose exact value is a half penny rounds half
up, once (a test at the end draws exactly those; it found the tool rounding
them down when it divided months by 12 as a 28-digit Decimal first).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from decision_papers.paper import BuildOptions
from decision_papers.pipeline import build_one
from support import MINIMAL, ROOT, build_data, examples, findings, json_number

BASE = json.loads(MINIMAL.read_text(encoding="utf-8"))
RULES = json.loads((ROOT / "rules" / "mopac.json").read_text(encoding="utf-8"),
                   parse_float=Decimal)
ROUNDINGS = ("nearest_penny", "nearest_pound", "up_to_pound", "down_to_pound", "up_to_penny",
             "down_to_penny")
CLAIM_TESTS = {"exceeds": lambda a, b: a > b, "at_least": lambda a, b: a >= b,
               "below": lambda a, b: a < b, "within": lambda a, b: a <= b}
CAP_TESTS = {"at_most": lambda a, b: a <= b, "at_least": lambda a, b: a >= b,
             "below": lambda a, b: a < b}
CHAIN = ("consultation_start", "consultation_end", "decision", "call_in_ends", "effective_from")
VALUE_KEYS = ("money", "percentage", "count", "date", "duration", "financial_year", "rate")
SCHEDULES = {"grants": "instalments", "income": "instalments", "budgets": "by_year"}

PROPERTY = settings(max_examples=examples(25), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.filter_too_much])


# -- plain arithmetic ---------------------------------------------------------

def rounded(exact: Fraction, rule: str = "nearest_penny") -> Decimal:
    """``exact`` pounds rounded by a rounding rule's name, half up for "nearest"."""
    direction, unit = rule.rsplit("_", 1)
    scale = 100 if unit == "penny" else 1
    scaled = exact * scale
    whole = {"nearest": math.floor(scaled + Fraction(1, 2)), "up_to": math.ceil(scaled),
             "down_to": math.floor(scaled)}[direction]
    return Decimal(whole) / scale


def half_penny(exact: Fraction) -> bool:
    """Whether ``exact`` pounds lies exactly half way between two pennies."""
    return (exact * 100).denominator == 2


def in_force(section: str, key: str, on: dt.date) -> Decimal:
    """A threshold's or rate's value in the rules file on a date (latest ``from`` not after it)."""
    values = [v for v in RULES[section][key]["values"] if dt.date.fromisoformat(v["from"]) <= on]
    latest = max(values, key=lambda v: v["from"])
    return Decimal(str(latest["amount" if section == "thresholds" else "percentage"]))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (days 1 to 28 only, so there is no doubt)."""
    assert day.day <= 28
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, day.day)


def whole_months(start: dt.date, end: dt.date) -> int | None:
    """Months from ``start`` to ``end``, both days included, or ``None`` if not whole.

    ``start`` is on day 1 to 28: n months run to the day before the same day
    n months later (1 January to 31 March, 15 January to 14 April).
    """
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    return months if months >= 1 and after.day == start.day else None


def fy_first(day: dt.date) -> int:
    """The first calendar year of the financial year ``day`` falls in."""
    return day.year if day.month >= 4 else day.year - 1


def fy(first: int) -> str:
    return f"{first}/{(first + 1) % 100:02d}"


def fy_span(text: str) -> tuple[dt.date, dt.date]:
    first = int(text[:4])
    return dt.date(first, 4, 1), dt.date(first + 1, 3, 31)


# -- what the source says, as plain values --------------------------------------

def get(data: dict, path) -> object:
    node = data
    for part in path:
        node = node[part]
    return node


def plain(kind: str, raw):
    """A stated value as a plain Python value: durations in months, rates as (amount, per)."""
    if kind == "date":
        return dt.date.fromisoformat(raw)
    if kind == "duration":
        (unit, amount), = raw.items()
        return amount * 12 if unit == "years" else amount
    if kind == "rate":
        return raw["amount"], raw["per"]
    return raw


def decision_field(data: dict) -> tuple[str, str]:
    return ("approval", "date") if data["approval"].get("date") else ("chief_executive", "date")


def decision_date(data: dict) -> dt.date:
    return dt.date.fromisoformat(get(data, decision_field(data)))


def takes_effect(data: dict) -> dt.date:
    """When the decision takes effect: its stated date, the day after call-in ends, or the
    decision date (the MOPAC rules file has no call-in period)."""
    dates = data.get("dates", {})
    if "effective_from" in dates:
        return dt.date.fromisoformat(dates["effective_from"])
    if "call_in_ends" in dates:
        return dt.date.fromisoformat(dates["call_in_ends"]) + dt.timedelta(days=1)
    return decision_date(data)


def value(data: dict, fid: str) -> tuple[str, object]:
    """``(kind, plain value)`` of a figure id the drawn sources use."""
    parts = fid.split(".")
    if parts[0] == "figures":
        entry = data["figures"][parts[1]]
        kind = next(k for k in VALUE_KEYS if k in entry)
        return kind, plain(kind, entry[kind])
    if parts[0] == "thresholds":
        return "money", in_force("thresholds", parts[1], decision_date(data))
    if parts[0] == "rates":
        return "percentage", in_force("rates", parts[1], decision_date(data))
    if parts[0] == "contracts" and parts[2] == "new_value":
        contract = data["contracts"][parts[1]]
        return "money", contract["previous_value"] + contract["variation"]
    raise AssertionError(f"the drawn sources do not use {fid}")


# -- the findings the plain arithmetic predicts --------------------------------

def expected_findings(data: dict) -> list[tuple[str, str]]:
    """``(rule, first place)`` of every finding ``data`` must give, sorted."""
    found: list[tuple[str, str]] = []
    found += _rules_findings(data)
    found += _figure_findings(data)
    found += _contract_findings(data)
    found += _vat_findings(data)
    found += _pot_findings(data)
    found += _schedule_findings(data)
    found += _restated_findings(data)
    found += _claim_findings(data)
    found += _period_findings(data)
    found += _date_findings(data)
    found += _implied_findings(data)
    return sorted(found)


def _rules_findings(data):
    on = decision_date(data)
    later = [key for section in ("thresholds", "rates") for key, entry in RULES[section].items()
             if min(dt.date.fromisoformat(v["from"]) for v in entry["values"]) > on]
    return [("rules", "$." + ".".join(decision_field(data)))] if later else []


def _formula(data: dict, entry: dict, mine) -> tuple[str, bool] | None:
    """``(rule, agrees)`` for a ``figures`` entry's formula, or ``None`` without one."""
    if "sum" in entry:
        return "sum", mine == sum(value(data, i)[1] for i in entry["sum"])
    if "difference" in entry:
        a, b = (value(data, i)[1] for i in entry["difference"])
        return "sum", mine == a - b
    for op in ("product", "quotient"):
        if op in entry:
            (first_kind, first), (second_kind, second) = (value(data, i) for i in entry[op])
            amount, per = first if first_kind == "rate" else (first, entry.get("per"))
            factor = Fraction(second, 12) if second_kind == "duration" and per == "year" \
                else Fraction(second)
            if op == "product":
                return "product", mine == rounded(Fraction(amount) * factor)
            return "product", factor != 0 and mine == rounded(Fraction(amount) / factor)
    if "percent_of" in entry:
        spec = entry["percent_of"]
        share = Fraction(value(data, spec["of"])[1]) * Fraction(value(data, spec["percentage"])[1])
        return "percentage", mine == rounded(share / 100, spec.get("round", "nearest_penny"))
    if "same_as" in entry:
        return "one_value", mine == value(data, entry["same_as"])[1]
    if "approximately" in entry:
        spec = entry["approximately"]
        exact = value(data, spec["of"])[1]
        within = spec.get("within", {"percentage": Decimal(10)})
        tolerance = within["money"] if "money" in within else \
            abs(Fraction(exact)) * Fraction(within["percentage"]) / 100
        return "approximation", abs(Fraction(mine) - Fraction(exact)) <= tolerance
    return None


def _figure_findings(data):
    found = []
    for key, entry in data.get("figures", {}).items():
        kind = next((k for k in VALUE_KEYS if k in entry), None)
        if kind is None:  # a formula alone: see _implied_findings
            continue
        mine = plain(kind, entry[kind])
        check = _formula(data, entry, mine)
        if check and not check[1]:
            found.append((check[0], f"$.figures.{key}.{kind}"))
        for test, holds in CAP_TESTS.items():
            if test in entry and not holds(mine, value(data, entry[test])[1]):
                found.append(("cap", f"$.figures.{key}.{test}"))
    return found


def _contract_findings(data):
    found = []
    for key, contract in data.get("contracts", {}).items():
        uplift = contract.get("uplift")
        if not uplift:
            continue
        rule = uplift.get("round", "nearest_penny")
        if "previous_value" in contract:
            share = rounded(Fraction(contract["previous_value"]) * Fraction(uplift["percentage"])
                            / 100, rule)
            if share != contract["variation"]:
                found.append(("percentage", f"$.contracts.{key}.variation"))
        else:  # the previous value is new − variation, and the variation is checked
            previous = contract["new_value"] - contract["variation"]
            share = rounded(Fraction(previous) * Fraction(uplift["percentage"]) / 100, rule)
            if share != contract["variation"]:
                found.append(("percentage", f"$.contracts.{key}.uplift"))
    return found


def _vat_findings(data):
    found = []
    rate = in_force("rates", "vat", decision_date(data))
    for key, block in data.get("vat", {}).items():
        vat = rounded(Fraction(block["net"]) * Fraction(rate) / 100)
        if "vat" in block and block["vat"] != vat:
            found.append(("vat", f"$.vat.{key}.vat"))
        if "gross" in block and block["gross"] != block["net"] + block.get("vat", vat):
            found.append(("vat", f"$.vat.{key}.gross"))
    return found


def _pot_findings(data):
    found = []
    for key, pot in data.get("pots", {}).items():
        at = f"$.pots.{key}"
        total, cap, places = pot["total"], pot.get("cap_each"), pot.get("places")
        amounts = {k: a["amount"] for k, a in pot.get("allocations", {}).items()}
        if cap is not None and places is not None and "maximum" in pot \
                and pot["maximum"] != cap * places:
            found.append(("product", f"{at}.maximum"))
        if cap is not None and cap > total:
            found.append(("cap", f"{at}.cap_each"))
        if cap is not None and places is not None and cap * places != total:  # implied
            found.append(("cap", f"{at}.places"))
        if not amounts:
            continue
        allocated = sum(amounts.values())
        if "allocated" in pot and pot["allocated"] != allocated:
            found.append(("sum", f"{at}.allocated"))
        allocated = pot.get("allocated", allocated)  # later checks use the figure as stated
        if allocated > total:
            found.append(("cap", f"{at}.allocations"))
        if cap is not None:
            found += [("cap", f"{at}.allocations.{k}") for k, a in amounts.items() if a > cap]
        if places is not None and len(amounts) > places:
            found.append(("cap", f"{at}.allocations"))
        if "remaining" in pot and pot["remaining"] != total - allocated:
            found.append(("sum", f"{at}.remaining"))
    return found


def _schedule_findings(data):
    found = []
    for section, rows_key in SCHEDULES.items():
        for key, block in data.get(section, {}).items():
            at = f"$.{section}.{key}"
            rows = block.get(rows_key, {})
            total = sum(r["amount"] for r in rows.values())
            if rows and "total" in block and block["total"] != total:
                found.append(("schedule", f"{at}.total"))
            first_row: dict[str, str] = {}
            told = len(found)
            for name, row in rows.items():
                if first_row.setdefault(row["financial_year"], name) != name:  # a year twice
                    found.append(("schedule", f"{at}.{rows_key}.{name}.financial_year"))
                fy_start, fy_end = fy_span(row["financial_year"])
                if "years" in block:
                    first, last = (fy_span(block["years"][k])[0] for k in ("from", "to"))
                    inside = first <= fy_start <= last
                elif "period" in block:  # the year and the period overlap
                    start, end = (dt.date.fromisoformat(block["period"][k])
                                  for k in ("start", "end"))
                    inside = fy_start <= end and start <= fy_end
                else:  # rows alone: any year is the schedule's own
                    inside = True
                if not inside:
                    found.append(("schedule", f"{at}.{rows_key}.{name}.financial_year"))
            if "years" in block and rows and len(found) == told:  # every year has its row
                firsts = [fy_first(fy_span(r["financial_year"])[0]) for r in rows.values()]
                stated = [fy_first(fy_span(block["years"][k])[0]) for k in ("from", "to")]
                if stated[0] <= min(firsts) and max(firsts) <= stated[1] \
                        and len(set(firsts)) != stated[1] - stated[0] + 1:
                    found.append(("schedule", f"{at}.years"))
            if "period" in block:
                start, end = (dt.date.fromisoformat(block["period"][k]) for k in ("start", "end"))
                if end < start:
                    found.append(("date_order", f"{at}.period.start"))
                elif end < decision_date(data):  # authorised: must not be over already
                    found.append(("date_order", f"{at}.period"))
                elif start < takes_effect(data):  # nor start before the decision takes effect
                    found.append(("date_order", f"{at}.period.start"))
            if "within" in block and block.get("total", total) > value(data, block["within"])[1]:
                found.append(("cap", f"{at}.within"))
    return found


def _restated_findings(data):
    found = []
    for key, restated in data.get("restated", {}).items():
        kind, original = value(data, restated["figure"])
        if plain(kind, restated["value"]) != original:
            found.append(("one_value", f"$.restated.{key}.value"))
    return found


def _claim_findings(data):
    found = []
    for key, claim in data.get("claims", {}).items():
        holds = CLAIM_TESTS[claim["test"]](value(data, claim["figure"])[1],
                                           value(data, claim["threshold"])[1])
        if holds != claim["stated"]:
            found.append(("threshold_claim", f"$.claims.{key}.stated"))
    return found


def _period_findings(data):
    """Named periods and contract terms: length, financial year, restated dates, order."""
    found = []
    periods = [(f"periods.{k}", p) for k, p in data.get("periods", {}).items()]
    periods += [(f"contracts.{c}.{name}", contract[name])
                for c, contract in data.get("contracts", {}).items()
                for name in ("term", "extension") if name in contract]
    for base, period in periods:
        start, end = (dt.date.fromisoformat(period[k]) for k in ("start", "end"))
        if end < start:  # reported once, as date order; the length is then not checked
            found.append(("date_order", f"$.{base}.start"))
        else:
            months = whole_months(start, end)
            if "months" in period and months != period["months"]:
                found.append(("period", f"$.{base}.months"))
            if "years" in period and months != 12 * period["years"]:
                found.append(("period", f"$.{base}.years"))
        if "financial_year" in period:
            fy_start, fy_end = fy_span(period["financial_year"])
            if not (fy_start <= start and end <= fy_end):
                found.append(("period", f"$.{base}.financial_year"))
        if "same_as" in period:
            original = get(data, period["same_as"].split("."))
            found += [("one_value", f"$.{base}.{part}") for part in ("start", "end")
                      if period[part] != original[part]]
    return found


def _date_findings(data):
    found = []
    dates = {k: dt.date.fromisoformat(v) for k, v in data.get("dates", {}).items()}
    chain = [name for name in CHAIN if name in dates]
    found += [("date_order", f"$.dates.{second}") for first, second in zip(chain, chain[1:])
              if dates[first] > dates[second]]
    if "published" in dates and "decision" in dates and dates["decision"] > dates["published"]:
        found.append(("date_order", "$.dates.published"))
    if "decision" in dates and dates["decision"] != decision_date(data):
        found.append(("one_value", "$.dates.decision"))
    if data["approval"].get("date") and \
            data["chief_executive"]["date"] > data["approval"]["date"]:
        found.append(("date_order", "$.chief_executive.date"))
    return found


def _implied_findings(data):
    """What the paper's meaning implies with nothing declared: a length the prose gives in
    financial years is its schedule's span; a funding source's stated percentage is its
    share; money is never below zero unless declared a reduction."""
    found = []
    block = data.get("budgets", {}).get("spread")
    length = data.get("figures", {}).get("implied_length")
    if block and length:
        years = [fy_first(fy_span(r["financial_year"])[0]) for r in block["by_year"].values()]
        if 12 * length["duration"]["years"] != 12 * (max(years) - min(years) + 1):
            found.append(("one_value", "$.part1.background[0]"))
    funding = data.get("funding")
    if funding and funding["covers"] == "figures.implied_whole":
        whole = data["figures"]["implied_whole"]["money"]
        amounts = {k: s["amount"] for k, s in funding["sources"].items()}
        if sum(amounts.values()) != whole:
            found.append(("sum", "$.funding.covers"))
        for key, source in funding["sources"].items():
            places = max(0, -source["percentage"].as_tuple().exponent)
            share = (Decimal(source["amount"]) * 100 / whole).quantize(
                Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) if whole else None
            if share != source["percentage"]:
                found.append(("percentage", f"$.funding.sources.{key}.percentage"))
    for key, entry in data.get("figures", {}).items():
        if key.startswith("implied_") and "difference" in entry \
                and not any(k in entry for k in VALUE_KEYS):
            a, b = (value(data, i)[1] for i in entry["difference"])
            if a - b < 0 and not entry.get("reduction"):
                found.append(("negative", f"$.figures.{key}.difference"))
    return found


def pence(low: int = 1, high: int = 10**9):
    return st.integers(low, high).map(lambda p: Decimal(p) / 100)


money = pence() | st.integers(1, 10**6).map(Decimal)
percentages = st.integers(0, 10_000).map(lambda p: Decimal(p) / 100) | \
    st.integers(0, 1000).map(Decimal)
days = st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31))
start_days = days.filter(lambda d: d.day <= 28)


def source(**blocks) -> dict:
    data = copy.deepcopy(BASE)
    data.update(blocks)
    return data


def ref(key: str) -> str:
    return f"figures.{key}"


def arithmetic(draw, on: dt.date) -> dict:
    """Sum, difference, rate × quantity, annual value × duration, quotient."""
    f = {}
    kind = draw(st.sampled_from(["money", "count"]))
    parts = draw(st.lists(money if kind == "money" else st.integers(0, 10**6),
                          min_size=1, max_size=5))
    f |= {f"part_{i}": {kind: v} for i, v in enumerate(parts)}
    f["parts_total"] = {kind: sum(parts), "sum": [ref(f"part_{i}") for i in range(len(parts))]}

    less, result = draw(money), draw(money)
    f["whole"], f["taken"] = {"money": less + result}, {"money": less}
    f["left"] = {"money": result, "difference": [ref("whole"), ref("taken")]}

    price, quantity = draw(money), draw(st.integers(0, 500))
    per = draw(st.sampled_from(["hour", "session day", "place"]))
    f["price"] = {"rate": {"amount": price, "per": per}} if draw(st.booleans()) \
        else {"money": price}
    f["quantity"] = {"count": quantity}
    f["cost"] = {"money": price * quantity, "product": [ref("price"), ref("quantity")]}

    annual = draw(money)
    months = draw(st.integers(0, 120) | st.integers(0, 10).map(lambda y: 12 * y))
    in_years = months % 12 == 0 and draw(st.booleans())
    f["annual"] = {"rate": {"amount": annual, "per": "year"}} if draw(st.booleans()) \
        else {"money": annual}
    f["length"] = {"duration": {"years": months // 12} if in_years else {"months": months}}
    f["over_length"] = {"money": rounded(Fraction(annual) * months / 12),
                        "product": [ref("annual"), ref("length")]}
    if "money" in f["annual"]:
        f["over_length"]["per"] = "year"

    total = draw(money)
    by = draw(st.sampled_from(["count", "months", "years"]))
    if by == "count":
        n = draw(st.integers(1, 60))
        f["shared"], f["share"] = {"count": n}, {"money": rounded(Fraction(total) / n)}
    else:
        n = draw(st.integers(1, 120) if by == "months" else st.integers(1, 10))
        months = n if by == "months" else 12 * n
        f["shared"] = {"duration": {by: n}}
        f["share"] = {"money": rounded(Fraction(total) * 12 / months), "per": "year"}
    f["to_share"] = {"money": total}
    f["share"]["quotient"] = [ref("to_share"), ref("shared")]
    return {"figures": f}


def percents(draw, on: dt.date) -> dict:
    """percent_of under every rounding rule, and contract uplifts (both ways round)."""
    rate, base = draw(percentages), draw(money)
    f = {"rate": {"percentage": rate}, "base": {"money": base}}
    exact = Fraction(base) * Fraction(rate) / 100
    for rule in ROUNDINGS:
        f[f"share_{rule}"] = {"money": rounded(exact, rule), "percent_of": {
            "percentage": ref("rate"), "of": ref("base"), "round": rule}}
    f["share_default"] = {"money": rounded(exact),
                          "percent_of": {"percentage": ref("rate"), "of": ref("base")}}
    previous, uplift, rule = draw(money), draw(percentages), draw(st.sampled_from(ROUNDINGS))
    rise = {"name": "Gizmos", "supplier": "Acme", "previous_value": previous,
            "uplift": {"percentage": uplift, "round": rule},
            "variation": rounded(Fraction(previous) * Fraction(uplift) / 100, rule)}
    previous, uplift = draw(money), draw(percentages)
    variation = rounded(Fraction(previous) * Fraction(uplift) / 100)
    fall = {"name": "Gadgets", "supplier": "Acme", "new_value": previous + variation,
            "variation": variation, "uplift": {"percentage": uplift}}  # nearest penny
    return {"figures": f, "contracts": {"rise": rise, "fall": fall}}


def vat(draw, on: dt.date) -> dict:
    """Net + VAT = gross, VAT at the rules file's rate on the decision date."""
    rate = in_force("rates", "vat", on)
    blocks = {}
    for i in range(draw(st.integers(1, 3))):
        net = draw(money)
        tax = rounded(Fraction(net) * Fraction(rate) / 100)
        block = {"net": net}
        if draw(st.booleans()):
            block["vat"] = tax
        if draw(st.booleans()):
            block["gross"] = net + tax
        blocks[f"item_{i}"] = block
    return {"vat": blocks}


def approximations(draw, on: dt.date) -> dict:
    """A figure within money, percentage and default (10%) tolerances of the exact one."""
    exact = draw(money)
    f = {"exact": {"money": exact}}
    for key, within in (("near_money", {"money": draw(pence(0, 10**6))}),
                        ("near_percent", {"percentage": draw(percentages)}), ("near", None)):
        tolerance = within["money"] if within and "money" in within else \
            exact * (within or {"percentage": 10})["percentage"] / 100
        reach = int(tolerance * 100)  # whole pennies either way
        offset = draw(st.integers(-min(reach, int(exact * 100)), reach))
        f[key] = {"money": exact + Decimal(offset) / 100,
                  "approximately": {"of": ref("exact")} | ({"within": within} if within else {})}
    return {"figures": f}


def caps(draw, on: dt.date) -> dict:
    """at_most / at_least / below between figures, and a pot with capped allocations."""
    f = {}
    for test in CAP_TESTS:
        kind = draw(st.sampled_from(["money", "count", "date"]))
        gap = draw(st.integers(1 if test == "below" else 0, 10**4))
        gap = gap if test == "at_least" else -gap
        if kind == "date":
            limit = draw(days)
            mine = limit + dt.timedelta(days=gap)
            limit, mine = limit.isoformat(), mine.isoformat()
        elif kind == "count":
            limit = draw(st.integers(10**4, 10**6))
            mine = limit + gap
        else:
            limit = draw(pence(10**4, 10**9))
            mine = limit + Decimal(gap) / 100
        f[f"cap_{test}"] = {kind: limit}
        f[f"capped_{test}"] = {kind: mine, test: ref(f"cap_{test}")}

    cap, places = draw(pence()), draw(st.integers(1, 8))
    amounts = draw(st.lists(pence(1, int(cap * 100)), min_size=1, max_size=places))
    allocated = sum(amounts)
    total = cap * places  # room for every place at the cap, and no more
    pot = {"name": "Community fund", "total": total, "cap_each": cap, "places": places,
           "allocations": {f"award_{i}": {"amount": a} for i, a in enumerate(amounts)}}
    for key, stated in (("maximum", cap * places), ("allocated", allocated),
                        ("remaining", total - allocated)):
        if draw(st.booleans()):
            pot[key] = stated
    return {"figures": f, "pots": {"fund": pot}}


def schedules(draw, on: dt.date) -> dict:
    """Grants, income and budgets: rows add up to the total, each year in the years or period."""
    blocks, limits = {}, {}
    for section, rows_key in SCHEDULES.items():
        by_period = draw(st.booleans())
        begins = on + LATEST_EFFECT  # after the decision takes effect, whatever the dates say
        first = draw(st.integers(fy_first(begins) if by_period else 2018, 2031))
        last = first + draw(st.integers(0, 3))
        block = {"name": f"The {section} block"}
        if by_period:  # starts in the first year, ends in the last, once the decision has effect
            start = draw(st.dates(max(begins, fy_span(fy(first))[0]), fy_span(fy(first))[1]))
            end = draw(st.dates(max(start, on, fy_span(fy(last))[0]), fy_span(fy(last))[1]))
            block["period"] = {"start": start.isoformat(), "end": end.isoformat()}
        else:
            block["years"] = {"from": fy(first), "to": fy(last)}
        years = list(range(first, last + 1)) if not by_period else \
            draw(st.lists(st.integers(first, last), min_size=1, unique=True))  # each once; a
        # range of years has a row for each of its years
        rows = [(y, draw(money)) for y in years]
        block[rows_key] = {f"row_{i}": {"financial_year": fy(y), "amount": a}
                           for i, (y, a) in enumerate(rows)}
        total = sum(a for _, a in rows)
        if draw(st.booleans()):
            block["total"] = total
        if draw(st.booleans()):
            limits[f"{section}_ceiling"] = {"money": total + draw(pence(0, 10**6))}
            block["within"] = ref(f"{section}_ceiling")
        blocks[section] = {"plan": block}
    return blocks | {"figures": limits}


def restatements(draw, on: dt.date) -> dict:
    """restated entries, figures with same_as, and a period restating a contract's term."""
    months = draw(st.integers(0, 120))
    f = {"amount": {"money": draw(money)}, "people": {"count": draw(st.integers(0, 10**6))},
         "day": {"date": draw(days).isoformat()},
         "spell": {"duration": {"months": months}}}
    restated = {f"{key}_again": {"figure": ref(key), "value": next(iter(entry.values()))}
                for key, entry in f.items()}
    if months % 12 == 0 and draw(st.booleans()):  # 24 months restated as 2 years
        restated["spell_again"]["value"] = {"years": months // 12}
    kit = BASE["contracts"]["kit"]
    restated["new_value_again"] = {"figure": "contracts.kit.new_value",
                                   "value": Decimal(kit["previous_value"] + kit["variation"])}
    f["amount_same"] = {"money": f["amount"]["money"], "same_as": ref("amount")}
    f["day_same"] = {"date": f["day"]["date"], "same_as": ref("day")}
    term = kit["term"]
    periods = {"pilot": {"start": term["start"], "end": term["end"],
                         "same_as": "contracts.kit.term"}}
    return {"figures": f, "restated": restated, "periods": periods}


def claims(draw, on: dt.date) -> dict:
    """exceeds / at_least / below / within, against figures and the rules file's thresholds."""
    f, stated = {}, {}
    for test, holds in CLAIM_TESTS.items():
        kind = draw(st.sampled_from(["money", "rules", "count", "percentage", "date"]))
        near = draw(st.integers(-3, 3) | st.integers(-10**4, 10**4))
        if kind == "rules":
            key = draw(st.sampled_from(sorted(RULES["thresholds"])))
            threshold, limit = f"thresholds.{key}", in_force("thresholds", key, on)
            kind, mine = "money", limit + Decimal(near) / 100
        else:
            threshold = ref(f"{test}_threshold")
            if kind == "date":
                limit = draw(days)
                mine = limit + dt.timedelta(days=near)
                f[f"{test}_threshold"] = {kind: limit.isoformat()}
            else:
                limit = draw(st.integers(10**4, 10**6) if kind == "count" else
                             pence(10**4, 9 * 10**4) if kind == "percentage" else
                             pence(10**4, 10**9))  # room for ±£100 (±100%, up to 1,000%)
                mine = limit + (near if kind == "count" else Decimal(near) / 100)
                f[f"{test}_threshold"] = {kind: limit}
        f[f"{test}_figure"] = {kind: mine.isoformat() if kind == "date" else mine}
        stated[test] = {"figure": ref(f"{test}_figure"), "test": test, "threshold": threshold,
                        "stated": holds(mine, limit)}
    return {"figures": f, "claims": stated}


def period_lengths(draw, on: dt.date) -> dict:
    """Named periods with months or years from their dates, and their financial year."""
    periods = {}
    for i in range(draw(st.integers(1, 3))):
        start = draw(start_days)
        months = draw(st.integers(1, 120) | st.integers(1, 10).map(lambda y: 12 * y))
        end = add_months(start, months) - dt.timedelta(days=1)
        period = {"start": start.isoformat(), "end": end.isoformat()}
        if months % 12 == 0 and draw(st.booleans()):
            period["years"] = months // 12
        else:
            period["months"] = months
        if fy_first(start) == fy_first(end) and draw(st.booleans()):
            period["financial_year"] = fy(fy_first(start))
        periods[f"period_{i}"] = period
    kit = copy.deepcopy(BASE["contracts"]["kit"])
    kit["term"]["months"] = 12  # 1 April 2024 to 31 March 2025
    return {"periods": periods, "contracts": {"kit": kit}}


def implied(draw, on: dt.date) -> dict:
    """Relations nobody declares: a length in financial years beside its schedule, shares of
    a funding split with their percentages, and a saving below zero declared as one."""
    first = draw(st.integers(2018, 2031))
    count = draw(st.integers(1, 4))
    rows = {f"row_{i}": {"financial_year": fy(first + i), "amount": draw(money)}
            for i in range(count)}
    whole = Decimal(draw(st.integers(1, 10**6)) * 100)
    part = whole * draw(st.integers(0, 100)) / 100
    before, after = draw(pence(2, 10**6)), None
    after = draw(pence(1, int(before * 100) - 1))
    return {
        "budgets": {"spread": {"name": "Spread", "by_year": rows}},
        "figures": {"implied_length": {"duration": {"years": count}},
                    "implied_whole": {"money": whole},
                    "implied_before": {"money": before}, "implied_after": {"money": after},
                    "implied_saving": {"difference": [ref("implied_after"),
                                                      ref("implied_before")], "reduction": True},
                    "implied_rest": {"difference": [ref("implied_before"),
                                                    ref("implied_after")]}},
        "funding": {"covers": ref("implied_whole"), "sources": {
            "first": {"name": "First", "amount": part,
                      "percentage": (part * 100 / whole).quantize(Decimal(1))},
            "second": {"name": "Second", "amount": whole - part,
                       "percentage": ((whole - part) * 100 / whole).quantize(Decimal(1))}}},
        "part1": {"background": ["Over {figures.implied_length:number} financial years: "
                                 "{budgets.spread.total}."]},
    }


LATEST_EFFECT = dt.timedelta(days=181)
"""After the latest date ``date_chain`` can make a decision take effect."""


def date_chain(draw, on: dt.date) -> dict:
    """consultation_start ≤ consultation_end ≤ decision ≤ call_in_ends ≤ effective_from; the
    decision date always, so every date is in the chain (none stands alone)."""
    gaps = [dt.timedelta(draw(st.integers(0, 3) | st.integers(0, 90))) for _ in range(5)]
    chain = {"consultation_start": on - gaps[0] - gaps[1], "consultation_end": on - gaps[1],
             "decision": on, "call_in_ends": on + gaps[2],
             "effective_from": on + gaps[2] + gaps[3], "published": on + gaps[4]}
    names = draw(st.lists(st.sampled_from(sorted(chain)), unique=True)) + ["decision"]
    names = sorted(set(names))
    return {"dates": {name: chain[name].isoformat() for name in sorted(names)}}


@st.composite
def sources(draw, groups: tuple[str, ...]) -> dict:
    """minimal.json with the blocks of ``groups``, for one drawn decision date."""
    on = draw(st.dates(dt.date(2023, 10, 1), dt.date(2030, 12, 31)))
    data = source()
    if draw(st.booleans()):  # approved, the chief executive consulted first
        data["approval"]["date"] = on.isoformat()
        data["chief_executive"]["date"] = (on - dt.timedelta(draw(st.integers(0, 60)))).isoformat()
    else:  # a draft: the consultation date is the decision date
        data["chief_executive"]["date"] = on.isoformat()
    drawn: dict[str, dict] = {}
    for group in groups:
        for name, block in GROUPS[group].blocks(draw, on).items():
            assert not set(block) & set(drawn.get(name, {})), f"{group} reuses an id in {name}"
            drawn.setdefault(name, {}).update(block)
    for name, block in drawn.items():
        data[name] = data.get(name, {}) | block
    return data


@dataclass(frozen=True)
class Group:
    """One group of relations: its blocks, and where a change may touch them."""

    blocks: Callable
    """``blocks(draw, decision date)`` → top-level blocks to add (ids unique to the group)."""
    roots: tuple[tuple[str, ...], ...]
    """Paths under which a mutation may change a leaf."""


GROUPS = {
    "sum_difference_product_quotient": Group(arithmetic, (("figures",),)),
    "percent_of": Group(percents, (("figures",), ("contracts", "rise"), ("contracts", "fall"))),
    "vat": Group(vat, (("vat",),)),
    "approximately": Group(approximations, (("figures",),)),
    "caps_and_pots": Group(caps, (("figures",), ("pots",))),
    "schedules": Group(schedules, (("grants",), ("income",), ("budgets",), ("figures",))),
    "restatement": Group(restatements, (("figures",), ("restated",), ("periods",))),
    "threshold_claims": Group(claims, (("figures",), ("claims",))),
    "period_length": Group(period_lengths, (("periods",), ("contracts", "kit", "term"))),
    "implied": Group(implied, (("budgets",), ("figures",), ("funding",))),
    "date_chain": Group(date_chain, (("dates",), ("chief_executive", "date"),
                                     ("approval", "date"))),
}


# -- one change ------------------------------------------------------------------

ISO_DATE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
FINANCIAL_YEAR = re.compile(r"\A\d{4}/\d{2}\Z")


def changeable(path: tuple, leaf) -> bool:
    """Whether a leaf is a value a mutation may change (not a name or a figure's id)."""
    if isinstance(leaf, (bool, int, Decimal)):
        return True
    return isinstance(leaf, str) and (bool(ISO_DATE.match(leaf) or FINANCIAL_YEAR.match(leaf))
                                      or leaf in ROUNDINGS or leaf in CLAIM_TESTS)


def leaves(node, path: tuple = ()):
    if isinstance(node, dict):
        for key, child in node.items():
            yield from leaves(child, path + (key,))
    elif not isinstance(node, list):  # lists hold figure ids
        yield path, node


def nonzero(largest: int) -> st.SearchStrategy:
    """A whole number from −largest to largest, never 0, small ones first."""
    return st.tuples(st.integers(1, largest), st.booleans()).map(lambda t: t[0] if t[1] else -t[0])


def other(path: tuple, old) -> st.SearchStrategy:
    """A different value of the same type that the schema still accepts."""
    if isinstance(old, bool):
        return st.just(not old)
    if isinstance(old, Decimal):
        top = Decimal(1000) if "percentage" in path else Decimal(10**10)
        return (nonzero(300) | nonzero(10**6)).map(lambda k: old + Decimal(k) / 100) \
            .filter(lambda v: 0 <= v <= top)
    if isinstance(old, int):
        low = 1 if path[-1] == "months" and "duration" not in path and path[0] != "restated" \
            else 0
        return st.integers(max(low, old - 24), old + 24).filter(lambda n: n != old)
    if ISO_DATE.match(old):
        day = dt.date.fromisoformat(old)
        return (nonzero(3) | nonzero(400)).map(lambda n: (day + dt.timedelta(n)).isoformat())
    if FINANCIAL_YEAR.match(old):
        return nonzero(3).map(lambda n: fy(int(old[:4]) + n))
    choices = ROUNDINGS if old in ROUNDINGS else tuple(CLAIM_TESTS)
    return st.sampled_from([c for c in choices if c != old])


def change_one(data: dict, draw, roots) -> tuple:
    """Change one leaf under ``roots``; return its path."""
    paths = [root + path for root in roots if _has(data, root)
             for path, leaf in leaves(get(data, root)) if changeable(root + path, leaf)]
    path = draw(st.sampled_from(paths))
    parent = get(data, path[:-1])
    parent[path[-1]] = draw(other(path, parent[path[-1]]))
    return path


def _has(data: dict, path: tuple) -> bool:
    try:
        get(data, path)
    except KeyError:
        return False
    return True


def _year_range_backwards(data: dict) -> bool:
    return any(fy_span(b["years"]["to"]) < fy_span(b["years"]["from"])
               for section in SCHEDULES for b in data.get(section, {}).values() if "years" in b)


# -- building ----------------------------------------------------------------------

def build(tmp_path: Path, data: dict):
    """Write ``data`` as a source and build it in memory."""
    return build_data(tmp_path, data, "relations.json")



@settings(PROPERTY, max_examples=examples(40))
@given(data=sources(tuple(GROUPS)))
def test_consistent_relations_build_with_no_finding(tmp_path, data):
    # every group's relations at once, each consistent by the test's own arithmetic
    assert expected_findings(data) == []
    paper = build(tmp_path, data)
    assert [(p.rule, p.message) for p in paper.problems] == []
    assert paper.outputs


@pytest.mark.parametrize("group", sorted(GROUPS))
@settings(PROPERTY, max_examples=examples(60))
@given(case=st.data())
def test_one_change_gives_exactly_the_expected_findings(tmp_path, group, case):
    data = case.draw(sources((group,)))
    path = change_one(data, case.draw, GROUPS[group].roots)
    assume(not _year_range_backwards(data))  # not a relation: the range cannot be read
    expected = expected_findings(data)
    assume(expected)  # a change that keeps every relation true (a penny inside a tolerance)
    for rule, _ in expected:
        event(rule)
    paper = build(tmp_path, data)
    assert findings(paper) == expected, (path, [p.message for p in paper.problems])
    warned = sorted((p.rule, p.places[0].json_path) for p in paper.problems
                    if p.severity != "error")
    assert warned == [f for f in expected if f in warnings_of(data)]
    assert bool(paper.outputs) == (len(warned) == len(expected))


def warnings_of(data) -> list:
    """The findings that are warnings: a pot whose places at the cap do not fill it, where
    no words say every place gets the cap (the generator prints none)."""
    return [("cap", f"$.pots.{key}.places") for key in data.get("pots", {})]


# -- VAT across its rates ---------------------------------------------------------
# The mopac rules file has thresholds only from 2023, so a copy holding just its
# rates lets a decision date fall under any VAT rate since 1991.

_VAT = RULES["rates"]["vat"]["values"]
_STARTS = [dt.date.fromisoformat(v["from"]) for v in _VAT]
VAT_SPANS = [(start, end, v["percentage"]) for start, end, v in
             zip(_STARTS, [d - dt.timedelta(1) for d in _STARTS[1:]] + [dt.date(2030, 12, 31)],
                 _VAT)]
"""(first day, last day, rate) of each VAT rate in the rules file."""


@st.composite
def two_vat_dates(draw) -> tuple[dt.date, dt.date]:
    """Two decision dates under different VAT rates."""
    spans = draw(st.lists(st.sampled_from(VAT_SPANS), min_size=2, max_size=2,
                          unique_by=lambda span: span[2]))
    return tuple(draw(st.dates(first, last)) for first, last, _ in spans)


@settings(PROPERTY, max_examples=examples(20))
@given(on=two_vat_dates(), net=pence(100) | st.integers(1, 10**6).map(Decimal))
def test_vat_is_at_the_rate_in_force_on_the_decision_date(tmp_path, on, net):
    rules = tmp_path / "rules"
    rules.mkdir(exist_ok=True)
    (rules / "mopac.json").write_text(json.dumps(
        {"organisation": RULES["organisation"], "rates": RULES["rates"]}, default=json_number),
        encoding="utf-8")
    decided, other_date = on
    vat, other_vat = (rounded(Fraction(net) * Fraction(in_force("rates", "vat", d)) / 100)
                      for d in on)
    assume(vat != other_vat)  # a few pence give the same VAT at 15% and 17.5%
    data = source(vat={"item": {"net": net, "vat": vat, "gross": net + vat}})
    path = tmp_path / "relations.json"
    for day, expected in ((decided, []), (other_date, [("vat", "$.vat.item.vat")])):
        data["chief_executive"]["date"] = day.isoformat()
        path.write_text(json.dumps(data, default=json_number, indent=1), encoding="utf-8")
        paper = build_one(path, BuildOptions(rules_dir=rules))
        assert findings(paper) == expected, [p.message for p in paper.problems]
        assert bool(paper.outputs) == (not expected)


# -- a known fault -----------------------------------------------------------------

@st.composite
def half_penny_part_years(draw) -> tuple[str, int, int]:
    """``(op, pennies, months)`` whose exact part-year product or quotient is a half penny."""
    op = draw(st.sampled_from(["product", "quotient"]))
    if op == "product":  # pennies × months / 12 ends in .5: pennies × months ≡ 6 (mod 12)
        months = draw(st.integers(1, 120).filter(lambda m: m % 4))
        g = math.gcd(months, 12)
        base = (6 // g) * pow(months // g, -1, 12 // g) % (12 // g)
        return op, base + 12 // g * draw(st.integers(0, 10**9 // (12 // g))), months
    # pennies × 12 / months ends in .5: months = 8s, pennies = s × odd (s/3 × odd if 3 | s)
    s = draw(st.integers(1, 15))
    odd = 2 * draw(st.integers(0, 10**6)) + 1
    return op, (s if s % 3 else s // 3) * odd, 8 * s


@settings(PROPERTY, max_examples=examples(25))
@example(case=("product", 5_000_010, 13))   # £54,166.775 → £54,166.78
@example(case=("quotient", 2_402_493_572, 32))  # £9,009,350.895 a year → £9,009,350.90
@given(case=half_penny_part_years())
def test_part_year_half_pennies_round_half_up(tmp_path, case):
    op, pennies, months = case
    amount = Decimal(pennies) / 100
    exact = Fraction(amount) * months / 12 if op == "product" else Fraction(amount) * 12 / months
    assert half_penny(exact)
    data = source(figures={
        "amount": {"money": amount}, "length": {"duration": {"months": months}},
        "result": {"money": rounded(exact), op: [ref("amount"), ref("length")], "per": "year"}})
    paper = build(tmp_path, data)
    assert [(p.rule, p.message) for p in paper.problems] == []


# -- what the recommendations approve ----------------------------------------------
# Lists of paragraphs do not merge as the groups' blocks do, so this relation has its
# own test: recommendations approve some amounts, the summary prints some of them or
# their total, and the finding is there exactly when it prints neither all nor the total.

@st.composite
def approvals(draw) -> tuple[dict, bool]:
    amounts = draw(st.lists(pence(1, 10**8), min_size=1, max_size=4, unique=True))
    names = [f"approved_{i}" for i in range(len(amounts))]
    figures = {name: {"money": amount} for name, amount in zip(names, amounts)}
    figures["approved_total"] = {"sum": [ref(n) for n in names], "money": sum(amounts)}
    printed = draw(st.lists(st.sampled_from(names + ["approved_total"]), unique=True))
    data = source(figures=figures)
    data["recommendations"] = [f"Approve {{{ref(name)}}}." for name in names]
    data["executive_summary"] = ["This paper asks for " + (
        ", ".join(f"{{{ref(name)}}}" for name in printed) or "nothing in figures") + "."]
    states = "approved_total" in printed or set(names) <= set(printed) or \
        (len(amounts) == 1 and sum(amounts) in {a for n, a in zip(names, amounts)
                                                if n in printed})
    return data, not states


@settings(PROPERTY, max_examples=examples(40))
@given(case=approvals())
def test_a_summary_states_what_is_approved_or_gets_exactly_one_finding(tmp_path, case):
    data, missing = case
    paper = build(tmp_path, data)
    expected = [("approves", "$.executive_summary")] if missing else []
    assert findings(paper) == expected
