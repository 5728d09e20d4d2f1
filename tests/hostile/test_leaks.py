"""Leaks: nothing confidential reaches a Part 1 output or a Part 1 build's messages.

Each test reproduces an attack from the hostile review (issue 13) first.
"""

from __future__ import annotations

import json

from support import MINIMAL, run

SECRET = 987654.32
SHOWN = ("987,654.32", "987654.32")


def _source(tmp_path, **changes):
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["publication"]["part2"] = True
    data["part2"] = {"exemption": {"basis": "FOIA section 43(2)", "reason": "Commercial."},
                     "paragraphs": ["The lowest bid was {part2.figures.secret}."],
                     "figures": {"secret": SECRET}}
    for key, value in changes.items():
        data[key] = value
    path = tmp_path / "minimal.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def test_a_part1_total_cannot_be_computed_from_a_part2_figure(tmp_path):
    path = _source(tmp_path, totals={"all": {"parts": ["contracts.kit.variation",
                                                       "part2.figures.secret"],
                                             "stated": 1}},
                   executive_summary=["The total is {totals.all}."])
    result = run(path, "--out", tmp_path / "out")
    assert result.code == 1
    assert ('$.totals.all.parts: error [reference]: totals.all is computed from '
            '"part2.figures.secret", a confidential Part 2 figure; no Part 1 figure may depend '
            'on Part 2.') in result.err
    assert not any(s in result.err for s in SHOWN)
    assert not (tmp_path / "out").exists()


def test_a_part1_chain_through_a_part2_figure_is_refused_and_never_prints_it(tmp_path):
    path = _source(tmp_path, figures={"a": {"sum": ["part2.figures.secret"]},
                                      "b": {"money": 5, "sum": ["figures.a",
                                                                "contracts.kit.variation"]}})
    result = run(path, "--out", tmp_path / "out")
    assert result.code == 1
    assert "a confidential Part 2 figure; no Part 1 figure may depend on Part 2." in result.err
    assert not any(s in result.err for s in SHOWN)


def test_a_part2_finding_is_told_without_its_details_outside_a_part2_build(tmp_path):
    part2 = {"exemption": {"basis": "FOIA", "reason": "Commercial."},
             "paragraphs": ["The lowest bid was £987,654.32 and {part2.figures.secret}."],
             "figures": {"secret": SECRET}}
    path = _source(tmp_path, part2=part2)
    public = run(path, "--out", tmp_path / "out")
    assert public.code == 1
    assert not any(s in public.err for s in SHOWN)
    assert ("$.part2.paragraphs[0]: error [loose_figure]: the Part 2 (confidential) material "
            "has a problem here; its details are not printed outside a Part 2 build.") \
        in public.err
    confidential = run(path, "--out", tmp_path / "out", "--part2", tmp_path / "p2")
    assert '"£987,654.32" is an amount of money typed into the text' in confidential.err


def test_a_part2_schema_error_does_not_quote_the_value_outside_a_part2_build(tmp_path):
    part2 = {"exemption": {"basis": "FOIA", "reason": "Commercial."},
             "paragraphs": ["Confidential."], "figures": {"secret": "£987,654.32"}}
    result = run(_source(tmp_path, part2=part2), "--out", tmp_path / "out")
    assert result.code == 1
    assert not any(s in result.err for s in SHOWN)
    assert "$.part2.figures.secret: error [schema]: the Part 2 (confidential) material" \
        in result.err


def test_a_figure_used_in_both_parts_is_reported_once(tmp_path):
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["contracts"]["kit"]["new_value"] = 999
    path = _source(tmp_path, contracts=data["contracts"], part2={
        "exemption": {"basis": "FOIA", "reason": "Commercial."},
        "paragraphs": ["The new value {contracts.kit.new_value} against {part2.figures.secret}."],
        "figures": {"secret": SECRET}})
    result = run(path, "--out", tmp_path / "out")
    assert result.err.count("error [sum]") == 1
