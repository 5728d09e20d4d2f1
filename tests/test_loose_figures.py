"""Figures typed into prose are caught, and the hint names only a figure of the same value.

Every case builds a copy of ``fixtures/minimal.json`` through the command line,
with ``FIGURES`` added under ``"figures"`` and one sentence put into
``part1.background[0]``. The copy already holds some figures of its own:
``contracts.kit.new_value`` (£1,250), ``contracts.kit.term.end`` (31 March 2025),
``contracts.kit.term.months`` (12 months) and ``rates.vat`` (20%, from the rules).

A typed figure must be reported with the text exactly as typed. If a figure of
the same kind and the same value exists, the hint names it in the format that
prints what was typed (``{figures.grant:k}`` for "£40k"). If none does, the
hint says which kind of entry to add, and never names a figure of another value.

Deliberately not caught (numbers in prose are often labels, not figures):

- bare numbers, and counts of things no count figure is named for: "10 staff"
  (caught only where a count figure is named for staff), "level 3", "Part 2",
  "CEOD 31", "section 149(1)", "paragraph 4.13", "version 2.1", "the 2012 Act";
- a year on its own ("by 2030") unless one of the paper's dates or financial
  years falls in it;
- a day and month with no year ("by 31 March"), and "March, 2025": there is no
  year, or the comma makes it read like a list;
- "a year", "a month" (no number); weeks and hours (no figure kind holds them);
- a range of durations ("2-3 years", "12–18 months"): only a number that
  does not follow a dash is read, so that "2024-25 years" is not "25 years";
- two-digit ranges with a dash ("pages 10-12", "pages 24-25"): "FY24-25" and
  "24/25" are financial years, but a dash between two bare two-digit numbers is
  read as a range of pages;
- dotted numbers with fewer than four digits at the end ("paragraph 3.2.1"):
  only "14.02.2025" with a four-digit year is a date.

Accepted false positives: "pages 24/25" reads as financial year 2024/25, and
"section 4.2.2025" as a date; both are implausible in a decision paper. A
frequency ("seven days a week", "one year at a time") is not a length, so it
is not read as a duration.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support import EXAMPLE, MINIMAL, markdown_paragraphs, run

FIGURES = {
    "budget_year": {"financial_year": "2025/26"},
    "first_year": {"financial_year": "2024/25"},
    "programme_years": {"year_range": {"from": "2024/25", "to": "2026/27"}},
    "hearing": {"date": "2025-02-14"},
    "grant": {"money": 40000},
    "capital": {"money": 2000000},
    "programme": {"money": 3470000},
    "fee": {"money": 1250.50},
    "deposit": {"money": 5000},
    "unit_price": {"money": 0.50},
    "inflation": {"percentage": 4.2},
    "lease": {"duration": {"years": 25}},
    "pilot": {"duration": {"months": 5}},
    "extension": {"duration": {"months": 18}},
    "option": {"duration": {"years": 1}},
}
FIGURES = {key: {**entry, "standalone": "a figure for the test to find"}
           for key, entry in FIGURES.items()}
"""Each stands alone: the test is about prose, not relations (the ``tied`` rule)."""
"""Figures added to the copy: each holds the value of one or more typed forms."""

WHAT = {"money": "an amount of money", "percentage": "a percentage", "date": "a date",
        "duration": "a duration", "financial_year": "a financial year"}
EXAMPLE_ENTRY = {"money": '{"money": 14560}', "percentage": '{"percentage": 25}',
                 "date": '{"date": "2025-03-31"}', "duration": '{"duration": {"years": 3}}',
                 "financial_year": '{"financial_year": "2024/25"}'}

# (sentence, text quoted in the message, kind, reference the hint names, what it prints,
#  the same form with a value no figure holds)
FORMS = [
    ("2025–2026", "2025–2026", "financial_year", "{figures.budget_year:span}", "2025–2026",
     "2027–2028"),
    ("2025-26", "2025-26", "financial_year", "{figures.budget_year:dash}", "2025-26", "2027-28"),
    ("24/25", "24/25", "financial_year", "{figures.first_year:short}", "24/25", "27/28"),
    ("FY2024/25", "FY2024/25", "financial_year", "{figures.first_year}", "2024/25", "FY2027/28"),
    ("3 financial years", "3 financial years", "duration", "{figures.programme_years:years}",
     "three financial years", "4 financial years"),
    ("14.02.2025", "14.02.2025", "date", "{figures.hearing:dotted}", "14.02.2025", "15.07.2025"),
    ("31 Mar 2025", "31 Mar 2025", "date", "{contracts.kit.term.end}", "31 March 2025",
     "30 Jun 2025"),
    ("31st March 2025", "31st March 2025", "date", "{contracts.kit.term.end:ordinal}",
     "31st March 2025", "30th June 2025"),
    ("March 31, 2025", "March 31, 2025", "date", "{contracts.kit.term.end}", "31 March 2025",
     "June 30, 2025"),
    ("March 2025", "March 2025", "date", "{contracts.kit.term.end:month}", "March 2025",
     "June 2025"),
    ("2025-03-31", "2025-03-31", "date", "{contracts.kit.term.end:iso}", "2025-03-31",
     "2025-06-30"),
    ("£40k", "£40k", "money", "{figures.grant:k}", "£40k", "£61k"),
    ("£2m", "£2m", "money", "{figures.capital:m}", "£2m", "£3m"),
    ("£3.47 million", "£3.47 million", "money", "{figures.programme:millions}", "£3.47 million",
     "£4.48 million"),
    ("£1,250", "£1,250", "money", "{contracts.kit.new_value}", "£1,250", "£1,750"),
    ("£1,250.50", "£1,250.50", "money", "{figures.fee}", "£1,250.50", "£1,750.75"),
    ("twenty per cent", "twenty per cent", "percentage", "{rates.vat:per_cent}", "20 per cent",
     "thirty per cent"),
    ("20%", "20%", "percentage", "{rates.vat}", "20%", "30%"),
    ("4.2 per cent", "4.2 per cent", "percentage", "{figures.inflation:per_cent}",
     "4.2 per cent", "5.3 per cent"),
    ("GBP 5,000", "GBP 5,000", "money", "{figures.deposit}", "£5,000", "GBP 6,000"),
    ("50p", "50p", "money", "{figures.unit_price}", "£0.50", "60p"),
    ("twenty-five years", "twenty-five years", "duration", "{figures.lease:words}",
     "twenty-five years", "twenty-six years"),
    ("five-month", "five-month", "duration", "{figures.pilot:adjective}", "five-month",
     "six-month"),
    ("18 months", "18 months", "duration", "{figures.extension}", "18 months", "19 months"),
    ("a one-year extension", "one-year", "duration", "{figures.option:adjective}", "one-year",
     "a two-year extension"),
]
IDS = [form[0] for form in FORMS]

WHERE = "minimal.json:13:20: $.part1.background[0]: "
"""Where the sentence is: ``background`` is line 13 of the copy, as in minimal.json."""


def source(sentence: str | None = None, figures: dict = FIGURES) -> str:
    """minimal.json with ``figures`` added and ``sentence`` as the first background paragraph."""
    text = MINIMAL.read_text(encoding="utf-8")
    if sentence is not None:
        assert text.count('"Background."') == 1
        text = text.replace('"Background."', json.dumps(sentence, ensure_ascii=False))
    head, tail = text.rstrip().rsplit("}", 1)
    assert not tail
    return f'{head.rstrip()},\n  "figures": {json.dumps(figures)}\n}}\n'  # after line 13


def said(typed: str) -> str:
    """A sentence with ``typed`` after a word, as it usually is ("ends in March 2025")."""
    return f"The paper says {typed} here."


def build(tmp_path: Path, monkeypatch, text: str):
    """Build ``text`` as minimal.json in tmp_path, from there."""
    monkeypatch.chdir(tmp_path)
    Path("minimal.json").write_text(text, encoding="utf-8")
    return run("minimal.json", "--out", "out")


def loose_error(quoted: str, kind: str, hint: str) -> str:
    """The whole stderr of a build whose only error is one loose figure."""
    return (f'{WHERE}error [loose_figure]: "{quoted}" is {WHAT[kind]} typed into the text; '
            "figures must be printed by reference so they stay consistent.\n"
            f"  hint: {hint}\n"
            "minimal.json: not built (1 error); nothing was written for it.\n")


def generic(kind: str) -> str:
    """The hint when no figure has the typed value: which kind of entry to add."""
    return (f'no figure in this paper has that value: add one under "figures", '
            f"e.g. {EXAMPLE_ENTRY[kind]}, and print it by reference.")


def test_the_copy_builds_as_it_is(tmp_path, monkeypatch):
    result = build(tmp_path, monkeypatch, source())
    assert (result.code, result.err) == (0, "")


# -- every form is caught -----------------------------------------------------

@pytest.mark.parametrize("typed,quoted,kind,ref,prints,unheld", FORMS, ids=IDS)
def test_a_figure_with_that_value_is_named(typed, quoted, kind, ref, prints, unheld,
                                           tmp_path, monkeypatch):
    result = build(tmp_path, monkeypatch, source(said(typed)))
    assert result.err == loose_error(quoted, kind, f"write {ref} instead, which prints {prints}.")
    assert result.code == 1
    assert not Path("out").exists()


@pytest.mark.parametrize("typed,quoted,kind,ref,prints,unheld", FORMS, ids=IDS)
def test_no_figure_with_that_value_gives_the_kind_to_add(typed, quoted, kind, ref, prints,
                                                         unheld, tmp_path, monkeypatch):
    # The same form, with a value no figure holds; figures of the same kind but
    # other values are there, and must not be named.
    result = build(tmp_path, monkeypatch, source(said(unheld)))
    shown = unheld.removeprefix("a ").removesuffix(" extension")
    assert result.err == loose_error(shown, kind, generic(kind))
    assert result.code == 1


HELD_BY_THE_COPY = {"{contracts.kit.term.end", "{contracts.kit.new_value", "{rates.vat",
                    "{figures.option"}  # 1 year is the copy's 12-month term: see below
REMOVABLE = [form for form in FORMS if not form[3].startswith(tuple(HELD_BY_THE_COPY))]


@pytest.mark.parametrize("typed,quoted,kind,ref,prints,unheld", REMOVABLE,
                         ids=[form[0] for form in REMOVABLE])
def test_without_its_figure_the_same_text_gives_the_kind_to_add(
        typed, quoted, kind, ref, prints, unheld, tmp_path, monkeypatch):
    fid = ref.strip("{}").split(":")[0].removeprefix("figures.")
    figures = {k: v for k, v in FIGURES.items() if k != fid}
    result = build(tmp_path, monkeypatch, source(said(typed), figures))
    assert result.err == loose_error(quoted, kind, NEAR_IN_THE_COPY.get(typed, generic(kind)))
    assert result.code == 1


NEAR_IN_THE_COPY = {"£1,250.50": "did you mean {contracts.kit.new_value} (£1,250)? The text "
                                 "says £1,250.50, £0.50 more."}
"""Typed values the copy holds a figure near to, once their own figure is gone."""


def test_a_year_is_named_as_twelve_months_when_that_is_all_there_is(tmp_path, monkeypatch):
    figures = {k: v for k, v in FIGURES.items() if k != "option"}
    result = build(tmp_path, monkeypatch, source("Background: a one-year extension.", figures))
    hint = "write {contracts.kit.term.months} instead, which prints 12 months."
    assert result.err == loose_error("one-year", "duration", hint)


NEAR = ("did you mean {{figures.near}} ({shown})? The text says {typed}{gap}.")


@pytest.mark.parametrize("typed,quoted,kind,figure,hint", [
    # each figure prints, in some format, exactly what was typed, but is not that value: it
    # is never offered as the same ("write ... instead"); one near the typed value is asked
    # about, with the difference, and one far from it is not named at all
    ("£3.47 million", "£3.47 million", "money", {"money": 3471234},
     NEAR.format(shown="£3,471,234", typed="£3.47 million", gap=", £1,234 less")),
    ("£40k", "£40k", "money", {"money": 39990},
     NEAR.format(shown="£39,990", typed="£40k", gap=", £10 more")),
    ("£2m", "£2m", "money", {"money": 2004000},
     NEAR.format(shown="£2,004,000", typed="£2m", gap=", £4,000 less")),
    ("twenty-five years", "twenty-five years", "duration", {"duration": {"months": 25}}, None),
    ("five-month", "five-month", "duration", {"duration": {"years": 5}}, None),
    ("24/25", "24/25", "financial_year", {"financial_year": "2025/26"}, None),
    ("14.02.2025", "14.02.2025", "date", {"date": "2025-02-15"},
     NEAR.format(shown="15 February 2025", typed="14.02.2025", gap="")),
    ("4.2 per cent", "4.2 per cent", "percentage", {"percentage": 42}, None),
], ids=lambda v: v if isinstance(v, str) else None)
def test_a_figure_of_another_value_is_never_named_as_the_same(typed, quoted, kind, figure,
                                                              hint, tmp_path, monkeypatch):
    near = {"near": {**figure, "standalone": "a figure for the test"}}
    result = build(tmp_path, monkeypatch, source(said(typed), near))
    assert result.err == loose_error(quoted, kind, hint or generic(kind))


def test_twenty_five_years_is_one_figure_not_five(tmp_path, monkeypatch):
    result = build(tmp_path, monkeypatch, source("Background: a twenty-five years lease."))
    assert result.err.count("[loose_figure]") == 1
    assert '"twenty-five years" is a duration' in result.err
    assert '"five years"' not in result.err


def test_every_figure_in_a_paragraph_is_reported_in_order(tmp_path, monkeypatch):
    sentence = "From 31 March 2025 the grant of £40k rises by 4.2 per cent for 18 months."
    result = build(tmp_path, monkeypatch, source(sentence))
    quoted = [line.split('"')[1] for line in result.err.splitlines() if "[loose_figure]" in line]
    assert quoted == ["31 March 2025", "£40k", "4.2 per cent", "18 months"]
    assert "minimal.json: not built (4 errors)" in result.err


# -- false positives ----------------------------------------------------------

def test_the_bundled_decision_has_no_loose_figure(tmp_path):
    result = run(EXAMPLE, "--out", tmp_path / "out")
    assert result.code == 0
    assert "loose_figure" not in result.err


NOT_FIGURES = [
    "section 149(1) of the Equality Act 2010",
    "paragraph 4.13",
    "Schedule 12A, paragraph 3",
    "10 staff",
    "CEOD 31",
    "pages 10-12",
    "pages 24-25",
    "version 2.1",
    "paragraph 3.2.1",
    "paragraph 1.2.10",
    "the 2012 Act",
    "Part 2",
    "a one stage Open Procedure",
    "level 3",
    "Regulation 72(1)(b) of the Public Contracts Regulations 2015",
    "the 2024 year end",
    "one of the three providers",
    "open seven days a week",
    "renewed one year at a time",
    "two days per week",
]


@pytest.mark.parametrize("text", NOT_FIGURES)
def test_labels_and_citations_are_not_figures(text, tmp_path, monkeypatch):
    result = build(tmp_path, monkeypatch, source(said(text)))
    assert (result.code, result.err) == (0, "")


# -- formats that round must say so --------------------------------------------

def printed_background(tmp_path: Path) -> str:
    md = (tmp_path / "out" / "minimal.md").read_text(encoding="utf-8")
    return next(p for p in markdown_paragraphs(md) if "Background" in p)


def rounding_warning(ref: str, prints: str, full: str) -> str:
    return (f"{WHERE}warning [money_style]: {{{ref}}} prints {prints} for {full}, which rounds "
            f"it without saying so.")


def test_an_exact_million_format_prints_without_warning(tmp_path, monkeypatch):
    result = build(tmp_path, monkeypatch,
                   source("Background: {figures.programme:millions} in all."))
    assert (result.code, result.err) == (0, "")
    assert "Background: £3.47 million in all." in printed_background(tmp_path)


def test_a_million_format_that_rounds_warns(tmp_path, monkeypatch):
    figures = {**FIGURES, "programme": {"money": 3471234, "standalone": "for the test"}}
    result = build(tmp_path, monkeypatch,
                   source("Background: {figures.programme:millions} in all.", figures))
    assert result.code == 0
    lines = result.err.splitlines()
    assert lines[0] == rounding_warning("figures.programme:millions", "£3.47 million",
                                        "£3,471,234")
    assert '  hint: write "approximately {figures.programme:millions}", or print it in full ' \
        "with {figures.programme}." in lines
    strict = run("minimal.json", "--out", "strict", "--strict")
    assert strict.code == 1


def test_approximately_says_it_rounds(tmp_path, monkeypatch):
    figures = {**FIGURES, "programme": {"money": 3471234, "standalone": "for the test"}}
    result = build(tmp_path, monkeypatch, source(
        "Background: approximately {figures.programme:millions} in all.", figures))
    assert (result.code, result.err) == (0, "")
    assert "approximately £3.47 million in all." in printed_background(tmp_path)


def test_over_does_not_say_it_rounds(tmp_path, monkeypatch):
    # £3,468,500 prints as £3.47 million, which it is not "over": a direction is
    # not an approximation.
    figures = {**FIGURES, "programme": {"money": 3468500, "standalone": "for the test"}}
    result = build(tmp_path, monkeypatch, source(
        "Background: over {figures.programme:millions} in all.", figures))
    assert result.err.splitlines()[0] == rounding_warning(
        "figures.programme:millions", "£3.47 million", "£3,468,500")


def test_thousands_format_prints_k(tmp_path, monkeypatch):
    result = build(tmp_path, monkeypatch, source("Background: a grant of {figures.grant:k}."))
    assert (result.code, result.err) == (0, "")
    assert "a grant of £40k." in printed_background(tmp_path)


@pytest.mark.parametrize("value,ref,prints,full", [
    (39990, "figures.grant:k", "£40k", "£39,990"),
    (2004500, "figures.grant:m", "£2m", "£2,004,500"),
])
def test_short_formats_that_round_warn(value, ref, prints, full, tmp_path, monkeypatch):
    figures = {**FIGURES, "grant": {"money": value, "standalone": "for the test"}}
    result = build(tmp_path, monkeypatch, source(f"Background: a grant of {{{ref}}}.", figures))
    assert result.code == 0
    assert result.err.splitlines()[0] == rounding_warning(ref, prints, full)
