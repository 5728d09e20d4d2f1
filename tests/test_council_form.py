"""The council's record of an officer key decision (``templates/council-kdr-2024``).

A short page of labelled fields, a lettered decision with roman sub-items,
and the council's own date rules: all of it data in the pack.  The form was
added after the machinery every form shares, with no change to the package.
"""

from __future__ import annotations

import json
import re

import docx
import pytest

from decision_papers.document.styles import NUMBERED, NUMBERED_SUB
from support import build_with_descriptor, built, docx_paragraphs, markdown_paragraphs


def test_the_council_writes_its_own_name_and_no_foi_paragraph(tmp_path):
    built(tmp_path, "kdr-2025-014")
    text = (tmp_path / "out" / "kdr-2025-014.md").read_text(encoding="utf-8")
    assert "on Northgate Council's website" in text and "the Northgate" not in text
    assert "Freedom of Information Act 2000" not in text and "Public Health" not in text


def test_a_field_naming_a_block_is_an_error_at_the_descriptor(tmp_path, monkeypatch):
    def change(data):
        data["sections"][0]["fields"][0]["value"] = "approval"
    result = build_with_descriptor(tmp_path, monkeypatch, "council-kdr-2024", "kdr-2025-014",
                                   change)
    assert result.code == 1
    assert re.match(r"templates/council-kdr-2024/form\.json:\d+:\d+: "
                    r"\$\.sections\[0\]\.fields\[0\]\.value: error \[template\]: approval is a "
                    r"block of fields, not one line of text or a figure", result.err), result.err


def test_the_council_decision_is_lettered_with_roman_sub_items_in_both_outputs(tmp_path):
    built(tmp_path, "kdr-2025-014")
    text = (tmp_path / "out" / "kdr-2025-014.md").read_text(encoding="utf-8")
    decision = text.split("## Decision\n", 1)[1].split("\n## ", 1)[0]
    labels = re.findall(r"^(\([a-z]+\)) ", decision, flags=re.M)
    assert labels == ["(a)", "(i)", "(ii)", "(b)", "(c)"]
    word = docx.Document(tmp_path / "out" / "kdr-2025-014.docx")
    numbered = [(p.style.name, p.text.split("\t")[0]) for p in word.paragraphs
                if p.style.name in (NUMBERED, NUMBERED_SUB) and p.text.startswith("(")]
    assert numbered == [(NUMBERED, "(a)"), (NUMBERED_SUB, "(i)"), (NUMBERED_SUB, "(ii)"),
                        (NUMBERED, "(b)"), (NUMBERED, "(c)")]
    assert docx_paragraphs(tmp_path / "out" / "kdr-2025-014.docx") == markdown_paragraphs(text)


@pytest.mark.parametrize("dates, why", [
    ({"published": "2025-09-14"}, "a decision is published after it is made, not before"),
    ({"effective_from": "2025-09-23"},
     "a decision subject to call-in takes effect only after the call-in period ends"),
])
def test_the_council_record_date_rules(tmp_path, dates, why):
    def change(data):
        data["dates"].update(dates)
    _, result = built(tmp_path, "kdr-2025-014", change)
    assert result.code == 1
    assert result.err.count("[date_order]") == 1, result.err  # the form's rule, said once
    assert why in result.err


def test_an_empty_sub_item_is_shown_empty_not_blamed_on_the_template(tmp_path):
    def change(data):
        data["recommendations"][0] = "award the contract:\n- \n- at {figures.annual} a year."
    _, result = built(tmp_path, "kdr-2025-014", change)
    assert result.code == 0, result.err
    text = (tmp_path / "out" / "kdr-2025-014.md").read_text(encoding="utf-8")
    assert "(a) award the contract:\n\n(i)\n\n(ii) at £450,000 a year." in text


def test_a_required_section_the_paper_lacks_is_an_error(tmp_path, monkeypatch):
    def change(data):
        data["sections"].append({"id": "interests", "heading": "Interests declared"})
        del data["sections"][3]  # the optional "interests" section, now required
    result = build_with_descriptor(tmp_path, monkeypatch, "council-kdr-2024", "kdr-2025-014",
                                   change)
    assert result.code == 1
    assert 'error [schema]: this form requires the section "Interests declared", but part1 ' \
           "has no interests." in result.err
    assert "hint: add part1.interests: a list of its paragraphs." in result.err


def test_an_optional_field_the_paper_lacks_is_blank(tmp_path):
    def change(data):
        del data["dates"]["call_in_ends"]  # not subject to call-in: its field is optional
        data["record"]["call_in"] = "No."
    _, result = built(tmp_path, "kdr-2025-014", change)
    assert result.code == 0, result.err
    text = (tmp_path / "out" / "kdr-2025-014.md").read_text(encoding="utf-8")
    assert "| **Call-in period ends** |  |" in text


def test_a_required_field_the_paper_lacks_is_an_error(tmp_path, monkeypatch):
    def change(data):
        data["sections"][4]["fields"].append({"label": "Review date", "value": "dates.review"})
    result = build_with_descriptor(tmp_path, monkeypatch, "council-kdr-2024", "kdr-2025-014",
                                   change)
    assert result.code == 1
    assert re.search(r"paper\.json:\d+:\d+: \$\.dates: error \[schema\]: this form's field "
                     r'"Review date" is dates\.review, which this paper does not give\.\n  hint: '
                     r"add it, or ask for the form to make the field optional\.", result.err), \
        result.err


def test_a_figure_in_a_labelled_field_is_listed_where_it_is_printed(tmp_path):
    built(tmp_path, "kdr-2025-014")
    figures = json.loads((tmp_path / "out" / "kdr-2025-014.figures.json").read_text("utf-8"))
    printed = {f["id"]: f["printed_at"] for f in figures["figures"]}
    assert printed["dates.published"] == ["$.dates.published"]
