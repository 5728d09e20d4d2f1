"""The figure ledger: no silent skips, loops named, kinds in one registry.

The issue this answers: a stated total whose part was misspelt, missing, a
restated figure, ``funding.total`` or a total defined further down was never
checked, so "a combined total of £99,999,999" built with exit 0; and a claim
about a restated figure crashed.  Each of those is reproduced here first.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decision_papers import checks
from decision_papers.checks import table
from decision_papers.pipeline import build_one
from support import MINIMAL, ROOT, examples, run

BASE = json.loads(MINIMAL.read_text(encoding="utf-8"))
COMBINED = "A combined total of {totals.combined}."


def _source(tmp_path, **blocks):
    data = copy.deepcopy(BASE)
    data["part1"]["legal"] = [COMBINED]
    data.update(blocks)
    path = tmp_path / "minimal.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def _combined(*parts, stated=99_999_999):
    return {"combined": {"parts": list(parts), "stated": stated}}


@pytest.mark.parametrize("part, hint", [
    ("contracts.kit.new_valu", "did you mean contracts.kit.new_value?"),
    ("figures.nothing", "name a figure this paper states or computes (each is listed "
                              "in figures.json)."),
])
def test_a_total_with_a_part_that_does_not_resolve_fails_with_a_located_error(tmp_path, part,
                                                                               hint):
    message = f'totals.combined names "{part}", which is not a figure in this paper.'
    path = _source(tmp_path, totals=_combined("contracts.kit.variation", part))
    result = run(path, "--out", tmp_path / "out")
    assert result.code == 1
    first = result.err.splitlines()[0]
    assert first.endswith(f"$.totals.combined.parts: error [reference]: {message}")
    assert f"hint: {hint}" in result.err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("extra, part", [
    ({"restated": {"again": {"figure": "contracts.kit.variation", "value": 250}}},
     "restated.again"),
    ({"funding": {"covers": "contracts.kit.variation",
                  "sources": {"a": {"name": "A", "amount": 250}}}}, "funding.total"),
    ({"totals": {"combined": {"parts": ["contracts.kit.variation", "totals.later"],
                              "stated": 99_999_999},
                 "later": {"parts": ["contracts.kit.previous_value", "contracts.kit.new_value"]}}},
     "totals.later"),
])
def test_a_total_of_any_figure_is_checked(tmp_path, extra, part):
    blocks = {"totals": _combined("contracts.kit.variation", part), **extra}
    paper = build_one(_source(tmp_path, **blocks))
    sums = [p for p in paper.problems if p.rule == "sum"]
    assert len(sums) == 1 and sums[0].places[0].json_path == "$.totals.combined.stated"
    assert sums[0].message.startswith("totals.combined is stated as £99,999,999, but "
                                      f"contracts.kit.variation + {part} = £250 + ")


def test_a_claim_about_a_restated_figure_is_computed(tmp_path):
    path = _source(tmp_path, totals=_combined("contracts.kit.variation", "restated.again",
                                              stated=500),
                   restated={"again": {"figure": "contracts.kit.variation", "value": 250}},
                   claims={"big": {"figure": "restated.again", "test": "exceeds",
                                   "threshold": "thresholds.dmpc_variation", "stated": True}})
    paper = build_one(path)
    assert [(p.rule, p.places[0].json_path) for p in paper.problems] == [
        ("threshold_claim", "$.claims.big.stated")]


def test_a_loop_is_named(tmp_path):
    path = _source(tmp_path, totals={
        "combined": {"parts": ["contracts.kit.variation", "totals.other"]},
        "other": {"parts": ["contracts.kit.variation", "totals.combined"]}})
    result = run(path, "--out", tmp_path / "out")
    assert result.code == 1
    assert ("error [cycle]: these figures are computed from each other, so none can be "
            "computed: ") in result.err
    assert "totals.combined → totals.other → totals.combined" in result.err or \
        "totals.other → totals.combined → totals.other" in result.err


def test_a_thousand_chained_totals_compute_without_recursion(tmp_path):
    totals = {"t0": {"parts": ["contracts.kit.variation", "contracts.kit.previous_value"]}}
    for n in range(1, 1500):
        totals[f"t{n}"] = {"parts": [f"totals.t{n - 1}", "contracts.kit.variation"]}
    totals["t1499"]["stated"] = 1250 + 250 * 1499 + 1
    data = copy.deepcopy(BASE)
    data["totals"] = totals
    path = tmp_path / "minimal.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    paper = build_one(path)
    assert [p.rule for p in paper.problems] == ["sum"]
    assert len(paper.problems[0].message) < 400


# -- the guard: nothing stated and derivable, and no relation, goes unchecked --

def test_the_guard_reports_a_rule_that_did_not_run(tmp_path, monkeypatch):
    monkeypatch.setattr(table, "RULES", [r for r in table.RULES if r.id != "sum"])
    monkeypatch.setattr(checks, "RULES", table.RULES)
    data = copy.deepcopy(BASE)
    data["contracts"]["kit"]["new_value"] = 1250
    path = tmp_path / "minimal.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    problems = build_one(path).problems
    assert [(p.rule, p.places[0].json_path) for p in problems] == [
        ("unchecked", "$.contracts.kit.new_value")]
    assert "no check ran on contracts.kit.new_value" in problems[0].message


IDS = ["figures.a", "figures.b", "figures.c", "figures.d", "contracts.kit.variation",
       "contracts.kit.new_value", "totals.t", "restated.r", "figures.nope", "funding.total",
       "thresholds.dmpc_variation", "rates.vat", "approval.date", "figures.when"]
money = st.integers(0, 10**7).map(lambda p: Decimal(p) / 100)
ref = st.sampled_from(IDS)


@st.composite
def entries(draw):
    entry = {}
    if draw(st.booleans()):
        entry["money"] = draw(money)
    op = draw(st.sampled_from(["sum", "difference", "product", "quotient", "percent_of",
                               "same_as", "approximately", None]))
    if op in ("sum",):
        entry["sum"] = draw(st.lists(ref, min_size=1, max_size=3))
    elif op in ("difference", "product", "quotient"):
        entry[op] = draw(st.lists(ref, min_size=2, max_size=2))
    elif op == "percent_of":
        entry[op] = {"percentage": draw(ref), "of": draw(ref)}
    elif op == "same_as":
        entry[op] = draw(ref)
    elif op == "approximately":
        entry[op] = {"of": draw(ref)}
    if not entry:
        entry["money"] = draw(money)
    if draw(st.booleans()):
        entry[draw(st.sampled_from(["at_most", "at_least", "below"]))] = draw(ref)
    return entry


@st.composite
def tangled(draw):
    data = copy.deepcopy(BASE)
    data["figures"] = {k: draw(entries()) for k in ("a", "b", "c", "d")}
    data["figures"]["when"] = {"date": "2024-06-30"}
    data["totals"] = {"t": {"parts": draw(st.lists(ref, min_size=2, max_size=3))}}
    if draw(st.booleans()):
        data["totals"]["t"]["stated"] = draw(money)
    data["restated"] = {"r": {"figure": draw(ref), "value": draw(st.sampled_from(
        [250, "2024-06-30", "twelve", 1250]))}}
    data["claims"] = {"c": {"figure": draw(ref), "test": draw(st.sampled_from(
        ["exceeds", "below", "at_least", "within"])), "threshold": draw(ref),
        "stated": draw(st.booleans())}}
    if draw(st.booleans()):
        data["funding"] = {"covers": draw(ref), "sources": {"x": {"name": "X",
                                                                  "amount": draw(money)}}}
    return data


def _number(value):
    return int(value) if value == value.to_integral_value() else float(value)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=tangled())
def test_no_stated_figure_or_relation_ends_a_build_unchecked(tmp_path, data):
    path = tmp_path / "minimal.json"
    path.write_text(json.dumps(data, default=_number), encoding="utf-8")
    paper = build_one(path)
    assert not [p for p in paper.problems if p.rule == "unchecked"], \
        [p.message for p in paper.problems]
    if paper.ledger is None:
        return
    for fid, figure in paper.ledger.figures.items():
        if figure.stated and figure.formula:
            checked = figure.formula.rule in paper.ledger.passed.get(fid, set())
            assert checked or paper.failed, fid


def test_the_checks_reference_prints_the_rule_table():
    reference = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    for rule in table.RULES:
        row = f"| `{rule.id}` | {rule.statement}"
        assert row in reference, row
