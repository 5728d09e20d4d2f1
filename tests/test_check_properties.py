"""Property tests for the cross-checks (issue #3).

Hypothesis draws the inputs of the bundled PCD 1717 decision (values, rates,
quantities, terms and dates), then writes a source in which every figure
that can be derived is also *stated*, each computed here with plain
arithmetic, independently of ``figures.py``.  Such a source is consistent, so
it must build with no finding at all.  Changing one input of a sum, build-up,
multi-year value, period, date order or threshold must then give exactly the
findings listed for that change: the right rule ids, touching the changed
field.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import EXAMPLE, ROOT, build_data, examples, findings

BASE = json.loads(EXAMPLE.read_text(encoding="utf-8"))
RULES = json.loads((ROOT / "rules" / "mopac.json").read_text(encoding="utf-8"))
EXTENSION_START = dt.date(2024, 11, 1)
MONTH_ENDS = [dt.date(2024, 11, 30), dt.date(2024, 12, 31), dt.date(2025, 1, 31),
              dt.date(2025, 2, 28), dt.date(2025, 3, 31)]

# Whole pounds or pounds and pence, never floats in the arithmetic.
pence = st.integers(min_value=1, max_value=10**9).map(lambda p: Decimal(p) / 100)
rates = st.integers(min_value=1, max_value=10**6).map(lambda p: Decimal(p) / 100)
quantities = st.integers(min_value=1, max_value=400)
deltas = st.integers(min_value=1, max_value=10**7).map(lambda p: Decimal(p) / 100) | \
    st.integers(min_value=1, max_value=10**5).map(lambda p: -Decimal(p) / 100)


def in_force(key: str, on: dt.date) -> Decimal:
    """The rules file's threshold on a date (latest ``from`` not after it)."""
    values = [v for v in RULES["thresholds"][key]["values"]
              if dt.date.fromisoformat(v["from"]) <= on]
    return Decimal(max(values, key=lambda v: v["from"])["amount"])


def whole_months(start: dt.date, end: dt.date) -> int:
    """Months from the first of a month to the last day of a later month."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


@st.composite
def consistent(draw) -> dict:
    """A PCD 1717 source whose every stated figure agrees with its inputs."""
    data = copy.deepcopy(BASE)
    variations = {}
    for key, contract in data["contracts"].items():
        contract["previous_value"] = draw(pence)
        total = Decimal(0)
        for line in contract["build_up"]["lines"].values():
            line["rate"], line["quantity"] = draw(rates), draw(quantities)
            total += line["rate"] * line["quantity"]
        variations[key] = total
        contract["variation"] = total
        contract["new_value"] = contract["previous_value"] + total
        end = draw(st.sampled_from(MONTH_ENDS))
        contract["extension"] = {"start": EXTENSION_START.isoformat(), "end": end.isoformat(),
                                 "months": whole_months(EXTENSION_START, end)}
    contracts = data["contracts"]
    data["periods"] = {"commercial_extension": {
        "start": contracts["vru"]["extension"]["start"],
        "end": contracts["vru"]["extension"]["end"], "same_as": "contracts.vru.extension"}}
    extension_total = sum(variations.values())
    contracts_total = sum(c["new_value"] for c in contracts.values())
    data["totals"]["extension"]["stated"] = extension_total
    data["totals"]["contracts"]["stated"] = contracts_total
    data["funding"]["sources"]["vru_core"]["amount"] = variations["vru"]
    data["funding"]["sources"]["mopac_hr"]["amount"] = variations["mopac"]
    data["restated"] = {"summary_total": {"figure": "totals.extension",
                                          "value": extension_total}}

    annual, term, ext = draw(pence), draw(st.integers(1, 5)), draw(st.integers(1, 3))
    data["procurement"].update(annual_value=annual, term_years=term, extension_years=ext,
                               term_value=annual * term, extension_value=annual * ext,
                               maximum=annual * (term + ext))

    # on or before the extensions start: a decision cannot authorise a period that has
    # started before it takes effect, nor one already over
    approval = draw(st.dates(dt.date(2023, 4, 1), EXTENSION_START))
    data["approval"]["date"] = approval.isoformat()
    data["chief_executive"]["date"] = (approval - dt.timedelta(draw(st.integers(0, 60)))).isoformat()
    data["publication"]["until"] = (approval + dt.timedelta(draw(st.integers(0, 400)))).isoformat()
    data["thresholds"] = {key: in_force(key, approval) for key in RULES["thresholds"]}
    limit = data["thresholds"]["dmpc_variation"]
    data["claims"]["contracts_over_variation_limit"]["stated"] = contracts_total > limit
    return data


def build(tmp_path: Path, data: dict):
    """Write ``data`` as a source and build it in memory."""
    return build_data(tmp_path, data, "property.json")



PROPERTY = settings(max_examples=examples(60), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@PROPERTY
@given(data=consistent())
def test_consistent_figures_never_give_a_finding(tmp_path, data):
    paper = build(tmp_path, data)
    assert [(p.rule, p.message) for p in paper.problems] == []
    assert paper.outputs


# -- one change, the expected finding -----------------------------------------
# Each mutation changes one input and returns the findings it must give.

def _add(data, path, delta):
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[part]
    old = node[last]
    node[last] = old + delta if old + delta >= 0 else old + abs(delta)  # money is never < 0
    return node[last]


def change_previous_value(data, draw):
    key = draw(st.sampled_from(sorted(data["contracts"])))
    _add(data, f"contracts.{key}.previous_value", draw(deltas))
    return [("sum", f"$.contracts.{key}.new_value")]


def change_build_up_line(data, draw):
    key = draw(st.sampled_from(sorted(data["contracts"])))
    line = draw(st.sampled_from(sorted(data["contracts"][key]["build_up"]["lines"])))
    field = draw(st.sampled_from(["rate", "quantity"]))
    base = f"contracts.{key}.build_up.lines.{line}.{field}"
    _add(data, base, draw(deltas) if field == "rate" else draw(st.integers(1, 50)))
    return [("product", f"$.contracts.{key}.variation")]


def change_stated_total(data, draw):
    key = draw(st.sampled_from(["extension", "contracts"]))
    before = data["totals"][key]["stated"]
    after = _add(data, f"totals.{key}.stated", draw(deltas))
    expected = [("sum", f"$.totals.{key}.stated")]
    if key == "extension":  # the funding pays for it, and a summary restates it
        expected += [("sum", "$.funding.covers"),
                     ("one_value", "$.restated.summary_total.value")]
    limit = data["thresholds"]["dmpc_variation"]
    if key == "contracts" and (before > limit) != (after > limit):
        expected.append(("threshold_claim", "$.claims.contracts_over_variation_limit.stated"))
    return expected


def change_funding_source(data, draw):
    key = draw(st.sampled_from(sorted(data["funding"]["sources"])))
    _add(data, f"funding.sources.{key}.amount", draw(deltas))
    return [("sum", "$.funding.covers")]


def change_procurement(data, draw):
    field = draw(st.sampled_from(["annual_value", "term_years", "extension_years", "maximum"]))
    p = data["procurement"]
    if field == "annual_value":
        _add(data, "procurement.annual_value", draw(deltas))
        return [("product", "$.procurement.extension_value"),
                ("product", "$.procurement.term_value")]
    if field == "maximum":
        _add(data, "procurement.maximum", draw(deltas))
        return [("sum", "$.procurement.maximum")]
    p[field] = draw(st.integers(1, 5).filter(lambda n: n != p[field]))
    return [("product", "$.procurement." + field.replace("years", "value"))]


def change_period(data, draw):
    key = draw(st.sampled_from(sorted(data["contracts"])))
    extension = data["contracts"][key]["extension"]
    expected = [("period", f"$.contracts.{key}.extension.months")]
    if draw(st.booleans()):
        extension["months"] = draw(st.integers(1, 12).filter(lambda n: n != extension["months"]))
        return expected  # the restated period has no months of its own to disagree
    else:
        old = extension["end"]
        extension["end"] = draw(st.sampled_from(MONTH_ENDS).map(dt.date.isoformat)
                                .filter(lambda d: d != old))
        restated = "$.periods.commercial_extension.end"
    if key == "vru":  # the commercial section restates the VRU extension
        expected.append(("one_value", restated))
    return expected


def change_financial_year(data, draw):
    key = draw(st.sampled_from(sorted(data["contracts"])))
    first = draw(st.integers(2015, 2035).filter(lambda y: y != 2024))
    data["contracts"][key]["build_up"]["financial_year"] = f"{first}/{(first + 1) % 100:02d}"
    return [("period", f"$.contracts.{key}.build_up.financial_year")]


def change_restated(data, draw):
    _add(data, "restated.summary_total.value", draw(deltas))
    return [("one_value", "$.restated.summary_total.value")]


def change_date_order(data, draw):
    approval = dt.date.fromisoformat(data["approval"]["date"])
    days = dt.timedelta(draw(st.integers(1, 200)))
    which = draw(st.sampled_from(["consultation", "deferral", "extension_end", "term_end"]))
    if which == "consultation":
        data["chief_executive"]["date"] = (approval + days).isoformat()
        return [("date_order", "$.chief_executive.date")]
    if which == "deferral":
        data["publication"]["until"] = (approval - days).isoformat()
        return [("date_order", "$.approval.date")]
    if which == "extension_end":  # stays inside 2024/25, so only the order is wrong
        data["contracts"]["mopac"]["extension"]["end"] = (EXTENSION_START - days).isoformat()
        return [("date_order", "$.contracts.mopac.extension.start")]
    # a month end, so the pilot's length in months can still be printed
    data["contracts"]["mopac"]["term"]["end"] = draw(st.sampled_from(MONTH_ENDS)).isoformat()
    return [("date_order", "$.contracts.mopac.term.end")]


def change_threshold(data, draw):
    _add(data, "thresholds.pcr2015_services", draw(deltas))
    return [("threshold", "$.thresholds.pcr2015_services")]


def change_claim(data, draw):
    claim = data["claims"]["contracts_over_variation_limit"]
    claim["stated"] = not claim["stated"]
    return [("threshold_claim", "$.claims.contracts_over_variation_limit.stated")]


MUTATIONS = [change_previous_value, change_build_up_line, change_stated_total,
             change_funding_source, change_procurement, change_period, change_financial_year,
             change_restated, change_date_order, change_threshold, change_claim]


@settings(PROPERTY, max_examples=examples(400))
@given(data=consistent(), mutation=st.sampled_from(MUTATIONS), draw=st.data())
def test_one_changed_input_gives_exactly_the_expected_finding(tmp_path, data, mutation, draw):
    expected = mutation(data, draw.draw)
    paper = build(tmp_path, data)
    assert findings(paper) == sorted(expected), [p.message for p in paper.problems]
    assert all(p.severity == "error" for p in paper.problems)
    assert not paper.outputs

