"""Figures are computed and cross-checked; the published PCD 1717's errors are all found."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest

from decision_papers import formatting as fmt
from decision_papers.figures.ledger import month_span
from decision_papers.pipeline import build_one
from support import AS_PUBLISHED, EXAMPLE, MINIMAL, docx_paragraphs, run

# Every inconsistency in the paper as published: (rule, every place it touches).
PUBLISHED_FINDINGS = [
    # ...and £68,000 + £68,000 is not the £204,000 maximum
    ("sum", ["$.procurement.maximum", "$.procurement.term_value",
             "$.procurement.extension_value", "$.recommendations[1]", "$.part1.financial[2]",
             "$.part1.commercial[3]"]),
    # 3.3: "£68,000 across two years" makes £34,000 a year, so the one-year extension is not £68,000...
    ("product", ["$.procurement.extension_value", "$.procurement.extension_years",
                 "$.procurement.term_value", "$.procurement.term_years",
                 "$.executive_summary[4]", "$.recommendations[1]", "$.part1.financial[2]",
                 "$.part1.commercial[3]"]),
    # 3.2: £295 × 39 session days is £11,505, not £11,480
    ("product", ["$.contracts.mopac.variation", "$.contracts.mopac.build_up.lines.session_days.rate",
                 "$.contracts.mopac.build_up.lines.session_days.quantity", "$.recommendations[0]",
                 "$.part1.financial[0]", "$.part1.financial[1]", "$.part1.commercial[0]"]),
    # 5.1's end date contradicts the 31 March 2025 stated everywhere else
    ("one_value", ["$.periods.commercial_extension.end", "$.contracts.vru.extension.end", "$.title",
                   "$.executive_summary[1]", "$.executive_summary[2]", "$.recommendations[0]",
                   "$.part1.financial[0]", "$.part1.commercial[0]"]),
    # 4.1: £181,302 is the 2018 threshold; £214,904 was in force in September 2024
    ("threshold", ["$.thresholds.pcr2015_services", "$.part1.legal[0]"]),
    # 5.2: "the above price variation exceeds £100,000": it is £26,040
    ("threshold_claim", ["$.claims.variation_over_limit.stated", "$.totals.extension.stated",
                         "$.thresholds.dmpc_variation", "$.part1.financial[0]",
                         "$.part1.commercial[0]", "$.part1.commercial[1]"]),
    # Part 1 deferral "until 19 September 24" is before the approval on 23/09/2024
    ("date_order", ["$.approval.date", "$.publication.until"]),
    # 5.1: "from 1 November 2024 to 31st March 2024" ends before it starts
    ("date_order", ["$.periods.commercial_extension.start", "$.periods.commercial_extension.end",
                    "$.part1.commercial[0]"]),
]
"""Every inconsistency in the paper as published: (rule, every place it touches), in the
order of the rule table."""


def test_as_published_paper_reports_every_inconsistency():
    paper = build_one(AS_PUBLISHED)
    found = [(p.rule, [place.json_path for place in p.places]) for p in paper.problems]
    assert found == PUBLISHED_FINDINGS
    assert all(p.severity == "error" for p in paper.problems)
    assert all(place.file == "tests/fixtures/pcd-1717-as-published.json" and place.line
               for p in paper.problems for place in p.places)


def test_as_published_build_fails_and_writes_nothing(tmp_path):
    result = run(AS_PUBLISHED, "--out", tmp_path / "out")
    assert result.code == 1
    assert "not built (8 errors); nothing was written for it." in result.err
    assert "contracts.mopac.variation is stated as £11,480, but contracts.mopac.build_up.total = " \
           "£295 a session day × 39 = £11,505; difference £25." in result.err
    assert "procurement.extension_value is stated as £68,000, but procurement.annual_value × " \
           "procurement.extension_years = £34,000 a year × 1 year = £34,000; difference " \
           "£34,000." in result.err
    assert "the paper says totals.extension (£26,040) exceeds thresholds.dmpc_variation " \
           "(£100,000), but it does not exceed; difference £73,960." in result.err
    assert not (tmp_path / "out").exists()


def test_corrected_paper_builds_with_no_finding(tmp_path):
    result = run(EXAMPLE, "--out", tmp_path)
    assert (result.code, result.err) == (0, "")


@pytest.fixture(scope="module")
def figures_and_text(tmp_path_factory):
    out = tmp_path_factory.mktemp("figs")
    assert run(EXAMPLE, "--out", out).code == 0
    figures = json.loads((out / "pcd-1717.figures.json").read_text(encoding="utf-8"))
    return {f["id"]: f for f in figures["figures"]}, "\n".join(docx_paragraphs(out / "pcd-1717.docx"))


MONEY = re.compile(r"£\d{1,3}(?:,\d{3})*(?:\.\d\d)?")
DATE = re.compile(r"\b(?:\d{1,2} )?(?:" + "|".join(fmt.MONTHS) + r")(?: \d{4})?\b|\b\d{4}/\d{2}\b")


def test_every_money_amount_and_date_in_the_docx_is_a_traced_figure(figures_and_text):
    figures, text = figures_and_text
    printed = {t for f in figures.values() for t in f["text"].values()}
    amounts, dates = set(MONEY.findall(text)), set(DATE.findall(text))
    assert len(amounts) >= 12 and len(dates) >= 8
    assert amounts - printed == set()
    assert dates - printed == set()


def test_figures_file_traces_source_derivation_and_checks(figures_and_text):
    figures, _ = figures_and_text
    variation = figures["contracts.vru.variation"]
    assert variation["value"] == "14560"
    assert variation["stated"] is False and variation["source"] is None
    assert variation["derivation"] == {
        "op": "same_as", "inputs": ["contracts.vru.build_up.total"], "rule": "product",
        "formula": "contracts.vru.build_up.total", "value": "14560"}
    assert "$.part1.financial[1]" in variation["printed_at"]
    rate = figures["contracts.vru.build_up.lines.session_days.rate"]
    assert rate["source"] == "/contracts/vru/build_up/lines/session_days/rate"
    assert rate["checks"] == []  # a pure derivation: nothing to check it against
    funded = figures["funding.sources.vru_core.amount"]
    assert funded["source"] == "/funding/sources/vru_core/amount" and funded["checks"] == ["sum"]
    assert figures["totals.extension"]["checks"] == ["sum"]
    assert figures["thresholds.pcr2015_services"]["value"] == "214904"
    assert figures["claims.contracts_over_variation_limit"]["text"] == {"default": "exceeds"}
    assert figures["contracts.vru.extension.end"]["text"] == {
        "default": "31 March 2025", "month": "March 2025"}
    assert figures["contracts.vru.extension.months"]["checks"] == []
    assert figures["contracts.vru.extension.start"]["checks"] == ["date_order", "period"]


def test_warnings_print_and_strict_makes_them_fail(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "{contracts.kit.variation} more", "{contracts.kit.variation:millions} more")
    (tmp_path / "minimal.json").write_text(text, encoding="utf-8")
    warning = ("minimal.json:9:25: $.executive_summary[0]: warning [money_style]: "
               "contracts.kit.variation is £250; GOV.UK style writes amounts under £1 million "
               "in full, not as £0 million.")
    relaxed = run("minimal.json", "--out", "out")
    assert relaxed.code == 0
    assert relaxed.err.splitlines()[0] == warning
    strict = run("minimal.json", "--out", "strict", "--strict")
    assert strict.code == 1
    assert strict.err.splitlines()[0] == warning.replace("warning [", "error [")
    assert not (tmp_path / "strict").exists()


@pytest.mark.parametrize("value,text", [
    (14560, "£14,560"), (Decimal("14560.5"), "£14,560.50"), (0, "£0"), (Decimal("1000000.00"), "£1,000,000"),
])
def test_money_style(value, text):
    assert fmt.money(value) == text


@pytest.mark.parametrize("value,text", [
    (4_249_999, "£4.25 million"), (4_245_500, "£4.25 million"), (3_470_000, "£3.47 million"),
    (4_200_000, "£4.2 million"), (12_000_000, "£12 million"),
    # three places only where they are exact, as papers write £1.125 million
    (4_245_000, "£4.245 million"), (1_125_000, "£1.125 million"),
])
def test_millions_round_half_up(value, text):
    assert fmt.money_millions(value) == text


def test_dates_and_financial_years():
    assert fmt.date(dt.date(2025, 3, 31)) == "31 March 2025"
    assert fmt.date(dt.date(2024, 9, 1)) == "1 September 2024"
    assert fmt.financial_year_of(dt.date(2025, 3, 31)) == "2024/25"
    assert fmt.financial_year_of(dt.date(2025, 4, 1)) == "2025/26"
    assert fmt.financial_year_of(dt.date(1999, 6, 1)) == "1999/00"


@pytest.mark.parametrize("n,text", [(1, "one"), (5, "five"), (21, "twenty-one"), (48, "forty-eight"),
                                    (100, "one hundred"), (115, "one hundred and fifteen")])
def test_number_words(n, text):
    assert fmt.words(n) == text


@pytest.mark.parametrize("start,end,span", [
    ("2024-11-01", "2025-03-31", (5, 0)),
    ("2024-04-01", "2024-10-31", (7, 0)),
    ("2024-01-31", "2024-02-28", (1, 0)),  # a month from the 31st ends at the month's end
    ("2024-01-15", "2024-03-14", (2, 0)),
    ("2024-01-15", "2024-03-20", (2, 6)),
    ("2024-02-29", "2025-02-27", (12, 0)),
    ("2024-11-01", "2024-11-01", (0, 1)),
])
def test_month_span_counts_inclusive_whole_months(start, end, span):
    assert month_span(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == span


def _minimal_with(tmp_path, **changes):
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    for key, value in changes.items():
        section, _, field = key.partition("__")
        if field:
            data[section][field] = value
        else:
            data[section] = value
    path = tmp_path / "minimal.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


CLAIM = {"figure": "contracts.kit.new_value", "test": "at_least",
         "threshold": "thresholds.dmpc_variation",
         "wording": ["requires the DM's approval", "does not require the DM's approval"]}


def test_claim_wording_is_computed_from_the_figures(tmp_path):
    source = _minimal_with(tmp_path, claims={"needs_dm": {**CLAIM, "stated": False}},
                           part1__legal=["This variation {claims.needs_dm}."])
    result = run(source, "--out", tmp_path / "out")
    assert (result.code, result.err) == (0, "")
    text = (tmp_path / "out" / "minimal.md").read_text(encoding="utf-8")
    assert "\n4.1 This variation does not require the DM's approval.\n" in text


def test_a_claim_the_figures_contradict_is_an_error(tmp_path):
    source = _minimal_with(tmp_path, claims={"needs_dm": {**CLAIM, "stated": True}},
                           part1__legal=["This variation {claims.needs_dm}."])
    paper = build_one(source)
    assert [(p.rule, p.places[0].json_path) for p in paper.problems] == [
        ("threshold_claim", "$.claims.needs_dm.stated")]
    assert paper.problems[0].message == (
        "the paper says contracts.kit.new_value (£1,250) is at or above "
        "thresholds.dmpc_variation (£100,000), but it is below; difference £98,750.")


@pytest.mark.parametrize("end, why", [
    ("2025-03-15", "1 April 2024 to 15 March 2025 is eleven months and 15 days, not a whole "
                   "number of months."),
    ("2024-03-15", "it ends on 15 March 2024, before it starts on 1 April 2024."),
])
def test_months_of_a_period_that_has_none_is_explained(tmp_path, end, why):
    term = {"start": "2024-04-01", "end": end}
    source = _minimal_with(tmp_path, part1__legal=["A {contracts.kit.term.months:adjective} term."])
    data = json.loads(source.read_text(encoding="utf-8"))
    data["contracts"]["kit"]["term"] = term
    source.write_text(json.dumps(data), encoding="utf-8")
    messages = [(p.rule, p.message) for p in build_one(source).problems if p.rule == "reference"]
    assert messages == [("reference", '"{contracts.kit.term.months:adjective}" cannot be printed: '
                         + why)]
