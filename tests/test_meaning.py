"""The eight things issue 20 saw, each as an officer would meet it: a paper whose figures
say something nobody declared as a relation.

Each test builds a small paper (``fixtures/minimal.json`` with a change, as the case
files do) through the CLI and checks the finding the paper's meaning calls for.  Each
failed on the tool before the change: the paper built clean, or the hint led the wrong
way.  The exact messages are in ``cases/checks/``; these say what an officer sees.
"""

from __future__ import annotations

import json
from pathlib import Path

from test_check_cases import case_text

from support import run


def build(tmp_path: Path, change: dict, *options: str):
    """``minimal.json`` with ``change`` merged in, built in ``tmp_path``."""
    source = tmp_path / "minimal.json"
    source.write_text(case_text({"merge": json.dumps(change)}), encoding="utf-8")
    return run(source, "--out", tmp_path / "out", *options)


def found(result, rule: str) -> list[str]:
    """The located messages of ``rule``, each as its first line."""
    return [line.split(": ", 2)[2] for line in result.err.splitlines()
            if f" [{rule}]: " in line and not line.startswith(" ")]


def test_1_a_pot_too_small_for_its_places_at_the_cap(tmp_path):
    pot = {"name": "Community fund", "total": 500000, "cap_each": 65000, "places": 8}
    said = "A fund of {pots.fund.total} for {pots.fund.places:words} grants of {pots.fund.cap_each} each."
    result = build(tmp_path, {"pots": {"fund": pot}, "executive_summary": [said]})
    assert result.code == 1
    assert found(result, "cap") == [
        "error [cap]: pots.fund.total is £500,000, but the paper gives each of 8 places "
        "£65,000: pots.fund.cap_each × pots.fund.places = £65,000 × 8 = £520,000; "
        "difference £20,000."]
    up_to = said.replace("for {", "for up to {").replace("of {pots.fund.cap_each", "of a maximum of {pots.fund.cap_each")
    result = build(tmp_path, {"pots": {"fund": pot}, "executive_summary": [up_to]})
    assert result.code == 0
    assert found(result, "cap") == [
        "warning [cap]: pots.fund.total (£500,000) cannot pay every place the most it may "
        "get: pots.fund.cap_each × pots.fund.places = £65,000 × 8 = £520,000, £20,000 more."]
    assert build(tmp_path, {"pots": {"fund": pot}, "executive_summary": [up_to]},
                 "--strict").code == 1


EXTENSION = {"approval": {"date": "2024-05-01"}, "chief_executive": {"date": "2024-04-30"},
             "dates": {"decision": "2024-05-01", "call_in_ends": "2024-05-07"},
             "contracts": {"kit": {"term": {"start": "2023-05-01", "end": "2024-04-30"},
                                   "extension": {"start": "2024-05-01", "end": "2025-04-30"}}}}


def test_2_an_extension_that_starts_before_the_decision_takes_effect(tmp_path):
    result = build(tmp_path, EXTENSION)
    assert result.code == 1
    assert found(result, "date_order") == [
        "error [date_order]: contracts.kit.extension.start is 1 May 2024 and "
        "decision.takes_effect is 8 May 2024, but a decision cannot authorise a period that "
        "starts before the decision takes effect (7 days out)."]
    why = "the service could not stop while the contract was re-let."
    retrospective = {"contracts": {"kit": {"extension": {"retrospective": why}}}}
    result = build(tmp_path, {**EXTENSION, **{"contracts": {"kit": {
        **EXTENSION["contracts"]["kit"], "extension": {
            **EXTENSION["contracts"]["kit"]["extension"],
            **retrospective["contracts"]["kit"]["extension"]}}}}})
    assert result.code == 0, result.err
    assert f"This approval is retrospective: {why}" in \
        (tmp_path / "out" / "minimal.md").read_text(encoding="utf-8")


def test_2_an_extension_with_no_money_is_an_authorised_period_too(tmp_path):
    change = {**EXTENSION, "periods": {"extension": {
        "start": "2023-05-01", "end": "2024-04-30", "authorised": True}}}
    result = build(tmp_path, change)
    assert [m.split(",")[0] for m in found(result, "date_order")] == [
        "error [date_order]: contracts.kit.extension.start is 1 May 2024 and decision.takes_effect is 8 May 2024",
        "error [date_order]: periods.extension.end is 30 April 2024 and approval.date is 1 May 2024"]


SCHEDULE = {"budgets": {"prog": {"name": "Programme", "by_year": {
    "a": {"financial_year": "2024/25", "amount": 100},
    "b": {"financial_year": "2025/26", "amount": 200}}}}}


def test_3_a_length_in_financial_years_against_the_schedule(tmp_path):
    said = "It runs over {figures.length:number} financial years and costs {budgets.prog.total}."
    change = {**SCHEDULE, "executive_summary": [said],
              "figures": {"length": {"duration": {"years": 3}}}}
    result = build(tmp_path, change)
    assert found(result, "one_value") == [
        "error [one_value]: figures.length is 3 years, but budgets.prog.span is 2024/25 to "
        "2025/26; the prose gives both as the financial years of the same thing."]
    change["figures"]["length"] = {"duration": {"years": 2}}
    assert build(tmp_path, change).code == 0


def test_3_equals_reads_the_same_either_way_and_across_kinds(tmp_path):
    years = {"year_range": {"from": "2024/25", "to": "2025/26"}}
    for left, right in (({"duration": {"years": 2}}, years), (years, {"duration": {"years": 2}}),
                        ({"financial_year": "2024/25"},
                         {"year_range": {"from": "2024/25", "to": "2024/25"}}),
                        ({"period": {"start": "2024-04-01", "end": "2026-03-31"}}, years)):
        result = build(tmp_path, {"figures": {"a": {**left, "equals": "figures.b"},
                                              "b": right}})
        assert result.code == 0, (left, right, result.err)
    result = build(tmp_path, {"figures": {"a": {"money": 5, "equals": "figures.b"},
                                          "b": {"date": "2024-04-01"}}})
    assert found(result, "kind") == [
        "error [kind]: figures.a cannot be compared with figures.b: one is an amount of money "
        "and the other a date."]


def test_4_a_summary_that_leaves_out_part_of_what_is_approved(tmp_path):
    change = {"figures": {"main": {"money": 2000000}, "pot": {"money": 500000}},
              "recommendations": ["Approve expenditure of {figures.main:millions}.",
                                  "Approve a further pot of {figures.pot}."],
              "executive_summary": ["This paper asks for {figures.main:millions}."]}
    result = build(tmp_path, change)
    assert result.code == 1
    assert found(result, "approves") == [
        "error [approves]: the recommendations approve figures.main (£2,000,000) and "
        "figures.pot (£500,000), £2,500,000 in all, but the executive summary does not state "
        "figures.pot (£500,000)."]
    change["totals"] = {"asked": {"parts": ["figures.main", "figures.pot"]}}
    change["executive_summary"] = ["This paper asks for {totals.asked:millions}."]
    assert build(tmp_path, change).code == 0


def test_5_a_previous_value_that_comes_out_below_zero(tmp_path):
    change = {"contracts": {"kit": {"previous_value": None, "new_value": 1000,
                                    "variation": 4000}}}
    result = build(tmp_path, change)
    assert result.code == 1
    assert found(result, "negative") == [
        "error [negative]: contracts.kit.previous_value comes to -£3,000 "
        "(contracts.kit.new_value − contracts.kit.variation = £1,000 − £4,000); an amount of "
        "money cannot be below zero."]
    saving = {"figures": {"old": {"money": 5000}, "new": {"money": 4000},
                          "saving": {"difference": ["figures.new", "figures.old"],
                                     "reduction": True}}}
    assert build(tmp_path, saving).code == 0
    del saving["figures"]["saving"]["reduction"]
    assert found(build(tmp_path, saving), "negative")


FUNDING = {"figures": {"mopac": {"money": 900000}, "council": {"money": 300000},
                       "cost": {"money": 1200000}},
           "funding": {"covers": "figures.cost", "sources": {
               "mopac": {"name": "MOPAC", "figure": "figures.mopac"},
               "council": {"name": "Council", "figure": "figures.council"}}}}


def test_6_the_hint_names_the_figure_a_typed_amount_is_near(tmp_path):
    said = "The cost is {figures.cost}, of which MOPAC pays £880,000 and the council {figures.council}."
    result = build(tmp_path, {**FUNDING, "part1": {"financial": [said]}})
    assert result.code == 1
    assert "  hint: did you mean {figures.mopac} (£900,000)? The text says £880,000, £20,000 less.\n" \
        in result.err
    assert 'add one under "figures"' not in result.err


def test_6_a_figure_added_to_quiet_the_hint_is_not_quiet(tmp_path):
    said = "The cost is {figures.cost}, of which MOPAC pays {figures.typed} and the council {figures.council}."
    change = {**FUNDING, "part1": {"financial": [said]}}
    change["figures"] = {**FUNDING["figures"], "typed": {"money": 880000}}
    result = build(tmp_path, change)
    assert found(result, "tied") == [
        "warning [tied]: figures.typed (£880,000) is stated, but no check can see it: it takes "
        "part in no relation and feeds no rule, so a slip in it would never be caught."]
    assert build(tmp_path, change, "--strict").code == 1
    change["figures"]["typed"]["standalone"] = "quoted from the council's letter"
    assert build(tmp_path, change, "--strict").code == 0


def test_7_counts_years_and_short_ranges_typed_into_the_text(tmp_path):
    change = {"figures": {"providers": {"count": 8, "standalone": "context"},
                          "boroughs": {"count": 32, "standalone": "context"},
                          "years": {"year_range": {"from": "2023/24", "to": "2026/27"},
                                    "standalone": "context"}},
              "part1": {"background": [
                  "Seven providers serve 32 boroughs over 2023-2027 (23/24-25/26).",
                  "The helpline is open seven days a week, under section 149 of the Equality "
                  "Act 2010 (pages 12-14), as promised by 2030."]}}
    result = build(tmp_path, change)
    typed = [line.split('"')[1] for line in found(result, "loose_figure")]
    assert typed == ["Seven providers", "32 boroughs", "2023-2027", "23/24-25/26"]
    hints = [line for line in result.err.splitlines() if line.startswith("  hint:")]
    assert hints == [
        "  hint: did you mean {figures.providers} (8)? The text says Seven providers, 1 less.",
        "  hint: write {figures.boroughs} instead, which prints 32.",
        "  hint: write {figures.years:calendar} instead, which prints 2023–2027.",
        "  hint: did you mean {figures.years} (2023/24 to 2026/27)? The text says 23/24-25/26."]


def test_8_papers_print_and_read_as_published(tmp_path):
    said = ("In {figures.launch} ({figures.year:span}, {figures.year:short}, {figures.year:full}) "
            "on {figures.day:dotted} and {figures.day:ordinal}, {figures.grant:k_caps} was paid.")
    change = {"figures": {"launch": {"date": "2025-03", "standalone": "history"},
                          "year": {"financial_year": "2023–2024", "standalone": "history"},
                          "day": {"date": "2024-08-04", "standalone": "history"},
                          "grant": {"money": 512000, "standalone": "history"}},
              "part1": {"background": [said]}}
    result = build(tmp_path, change)
    assert (result.code, result.err) == (0, "")
    text = (tmp_path / "out" / "minimal.md").read_text(encoding="utf-8")
    assert ("In March 2025 (2023–2024, 23/24, 2023/2024) on 04.08.2024 and 4th August 2024, "
            "£512K was paid.") in text


def test_8_a_month_only_date_compares_as_the_month(tmp_path):
    change = {"figures": {"opened": {"date": "2024-09", "below": "figures.closed"},
                          "closed": {"date": "2024-09-20"}}}
    result = build(tmp_path, change)
    assert found(result, "cap") == [
        "error [cap]: figures.opened is September 2024, not below figures.closed "
        "(20 September 2024)."]
    change["figures"]["closed"]["date"] = "2024-10-01"
    assert build(tmp_path, change).code == 0


def test_8_a_form_writes_financial_years_in_its_own_style(tmp_path):
    import shutil

    from test_check_cases import merge

    from support import ROOT
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    descriptor = tmp_path / "templates" / "pcd-april-2023" / "form.json"
    data = json.loads(descriptor.read_text(encoding="utf-8"))
    descriptor.write_text(json.dumps(merge(data, {"financial_year_style": "2024–2025"})),
                          encoding="utf-8")
    change = {"figures": {"year": {"financial_year": "2024/25", "standalone": "history"}},
              "part1": {"background": ["In {figures.year}, or {figures.year:short}."]}}
    result = build(tmp_path, change, "--templates", tmp_path / "templates")
    assert (result.code, result.err) == (0, "")
    assert "In 2024–2025, or 24/25." in (tmp_path / "out" / "minimal.md").read_text(
        encoding="utf-8")


def test_8_a_decision_date_only_where_a_rule_uses_it(tmp_path):
    change = {"chief_executive": {"date": None}}
    assert build(tmp_path, change).code == 0
    change["grants"] = {"club": {"name": "Club", "period": {"start": "2025-04-01",
                                                             "end": "2026-03-31"}}}
    result = build(tmp_path, change)
    assert result.code == 1
    assert "this paper has no decision date, so when the periods it authorises may start " \
        "cannot be known." in result.err


def test_8_a_figure_names_the_style_it_prints_in(tmp_path):
    change = {"figures": {"year": {"financial_year": "2024/25", "style": "span",
                                   "standalone": "history"}},
              "part1": {"background": ["In {figures.year}, or {figures.year:short}."]}}
    result = build(tmp_path, change)
    assert (result.code, result.err) == (0, "")
    assert "In 2024–2025, or 24/25." in (tmp_path / "out" / "minimal.md").read_text(
        encoding="utf-8")
