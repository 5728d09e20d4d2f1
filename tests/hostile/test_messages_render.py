"""Broken templates and rules files: one clear located error, never a traceback.

The form's templates (``--templates DIR``) and the organisation's rules
(``--rules DIR``) are files people edit by hand.  Each test reproduces an
attack from the hostile review (issue 13) first: a copy of the folder is
broken, and the build must name the real file (not ``templates/...`` or
``rules/...`` when the folder is elsewhere), the line, and what is wrong.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from support import MINIMAL, ROOT, run

FORM = "pcd-april-2023"


def shown(path: Path) -> str:
    """A path as messages show it: relative to the working folder."""
    return os.path.relpath(path)


def assert_one_clean_error(result, out: Path):
    assert result.code == 1, result.err
    assert "Traceback" not in result.err and "Error:" not in result.err, result.err
    assert not out.exists()


# -- templates ---------------------------------------------------------------------

@pytest.fixture
def form(tmp_path):
    """A private copy of the form's templates (outside the working folder's templates/)."""
    shutil.copytree(ROOT / "templates", tmp_path / "forms")
    return tmp_path / "forms" / FORM


def build_with_templates(form: Path, tmp_path: Path):
    return run(MINIMAL, "--out", tmp_path / "out", "--templates", form.parent)


def add_line(path: Path, after: int, text: str) -> int:
    """Insert ``text`` as a new line after line ``after``; return its line number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(after, text + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return after + 1


def test_a_level_4_heading_names_its_template_and_line(form, tmp_path):
    publication = form.parent / "_base" / "publication.md.j2"  # every pack's, in the base
    line = add_line(publication, 7, "#### Too deep a heading\n")
    result = build_with_templates(form, tmp_path)
    assert_one_clean_error(result, tmp_path / "out")
    assert result.err.splitlines()[0] == (
        f"{shown(publication)}:{line}: error [template]: a level-4 heading (####) "
        "is deeper than the writers support (# to ###).")


def test_a_level_5_heading_made_by_a_macro_names_the_macro_line(form, tmp_path):
    macros = form.parent / "_base" / "_macros.md.j2"
    text = macros.read_text(encoding="utf-8").replace("{{ level }} {% if section.number %}",
                                                      "##### {% if section.number %}")
    macros.write_text(text, encoding="utf-8")
    line = text.splitlines().index("##### {% if section.number %}{{ section.number }}. "
                                   "{% endif %}{{ section.heading | fill }}") + 1
    result = build_with_templates(form, tmp_path)
    assert_one_clean_error(result, tmp_path / "out")
    assert result.err.splitlines()[0].startswith(
        f"{shown(macros)}:{line}: error [template]: a level-5 heading (#####)")


def test_a_recursive_include_names_the_include_line(form, tmp_path):
    publication = form.parent / "_base" / "publication.md.j2"
    line = add_line(publication, 2, '{% include "publication.md.j2" %}')
    result = build_with_templates(form, tmp_path)
    assert_one_clean_error(result, tmp_path / "out")
    first = result.err.splitlines()[0]
    assert first.startswith(f"{shown(publication)}:{line}: error [template]: ")
    assert "include one another without end" in first


def test_a_deep_heading_in_an_included_file_of_any_name_names_that_file(form, tmp_path):
    """An included file need not end .j2: the Markdown it writes is still traced to it."""
    (form / "extra.md").write_text("#### Too deep a heading\n", encoding="utf-8")
    add_line(form / "layout.md.j2", 3, '{% include "extra.md" %}')
    result = build_with_templates(form, tmp_path)
    assert_one_clean_error(result, tmp_path / "out")
    assert result.err.splitlines()[0] == (
        f"{shown(form / 'extra.md')}:1: error [template]: a level-4 heading (####) is deeper "
        "than the writers support (# to ###).")


def test_a_template_error_in_a_linked_folder_names_the_link(form, tmp_path):
    """Messages name the folder as given (``--templates``), not where a link in it leads."""
    linked = tmp_path / "linked"
    linked.symlink_to(form.parent, target_is_directory=True)
    line = add_line(form / "title.md.j2", 1, "{{ approval.nam }}")
    result = run(MINIMAL, "--out", tmp_path / "out", "--templates", linked)
    assert_one_clean_error(result, tmp_path / "out")
    assert result.err.startswith(f"{shown(linked / FORM / 'title.md.j2')}:{line}: error "
                                 "[template]: ")


def test_a_division_by_zero_names_the_template_and_line(form, tmp_path):
    line = add_line(form / "title.md.j2", 1, "{{ 1 / 0 }}")
    result = build_with_templates(form, tmp_path)
    assert_one_clean_error(result, tmp_path / "out")
    assert result.err.splitlines()[0] == (
        f"{shown(form / 'title.md.j2')}:{line}: error [template]: template failed: "
        "division by zero (ZeroDivisionError).")


def test_a_template_error_in_a_copied_folder_names_the_copy(form, tmp_path):
    path = form / "title.md.j2"
    path.write_text(path.read_text(encoding="utf-8").replace("{{ title }}",
                                                             "{{ approval.nam }}"),
                    encoding="utf-8")
    result = build_with_templates(form, tmp_path)
    assert_one_clean_error(result, tmp_path / "out")
    assert result.err.startswith(f"{shown(path)}:5: error [template]: ")


# -- rules files -------------------------------------------------------------------

def build_with_rules(tmp_path: Path, rules: dict | str):
    folder = tmp_path / "rules"
    folder.mkdir()
    text = rules if isinstance(rules, str) else json.dumps(rules, indent=2)
    (folder / "mopac.json").write_text(text, encoding="utf-8")
    return run(MINIMAL, "--out", tmp_path / "out", "--rules", folder), folder / "mopac.json"


def real_rules() -> dict:
    return json.loads((ROOT / "rules" / "mopac.json").read_text(encoding="utf-8"))


def line_of(text: str, needle: str, nth: int = 1) -> int:
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1


def test_two_values_from_the_same_date_are_a_located_error(tmp_path):
    rules = real_rules()
    rules["thresholds"]["dmpc_tender"]["values"].append({"from": "2023-04-01", "amount": 600000})
    result, path = build_with_rules(tmp_path, rules)
    assert_one_clean_error(result, tmp_path / "out")
    text = path.read_text(encoding="utf-8")
    first = line_of(text, '"from": "2023-04-01"', 1)
    second = line_of(text, '"from": "2023-04-01"', 2)
    assert result.err.splitlines()[:2] == [
        f"{shown(path)}:{second}:11: $.thresholds.dmpc_tender.values[1].from: error [rules]: "
        "dmpc_tender has two values from 1 April 2023; each value needs its own date.",
        f"  see also {shown(path)}:{first}:11: $.thresholds.dmpc_tender.values[0].from",
    ]


def test_a_missing_values_list_is_a_located_error(tmp_path):
    rules = real_rules()
    del rules["rates"]["vat"]["values"]
    result, path = build_with_rules(tmp_path, rules)
    assert_one_clean_error(result, tmp_path / "out")
    line = line_of(path.read_text(encoding="utf-8"), '"vat"')
    assert result.err.splitlines()[0] == (
        f'{shown(path)}:{line}:5: $.rates.vat: error [rules]: vat has no "values" (a list of '
        '{"from": date, "percentage": number}).')


def test_a_bad_date_is_a_located_error(tmp_path):
    rules = real_rules()
    rules["thresholds"]["pcr2015_services"]["values"][1]["from"] = "2020-13-01"
    result, path = build_with_rules(tmp_path, rules)
    assert_one_clean_error(result, tmp_path / "out")
    line = line_of(path.read_text(encoding="utf-8"), '"2020-13-01"')
    assert result.err.splitlines()[0] == (
        f'{shown(path)}:{line}:11: $.thresholds.pcr2015_services.values[1].from: error [rules]: '
        '"2020-13-01" is not a date; write it as YYYY-MM-DD, e.g. "2024-04-01".')


@pytest.mark.parametrize("amount", ["£214,904", True, None, [1]])
def test_an_amount_that_is_not_a_number_is_a_located_error(tmp_path, amount):
    rules = real_rules()
    rules["thresholds"]["pcr2015_services"]["values"][3]["amount"] = amount
    result, path = build_with_rules(tmp_path, rules)
    assert_one_clean_error(result, tmp_path / "out")
    line = line_of(path.read_text(encoding="utf-8"), '"amount"', 4)
    assert result.err.splitlines()[0] == (
        f"{shown(path)}:{line}:11: $.thresholds.pcr2015_services.values[3].amount: "
        f"error [rules]: the amount must be a number (such as 214904, without £ or commas), "
        f"but it is {json.dumps(amount)}.")


@pytest.mark.parametrize("broken", [
    "{", "[]", '{"thresholds": []}', '{"thresholds": {"x": []}}',
    '{"thresholds": {"x": {"name": "X", "values": {}}}}',
    '{"thresholds": {"x": {"name": "X", "values": [[]]}}}',
    '{"thresholds": {"x": {"name": "X", "values": [{"amount": 1}]}}}',
    '{"thresholds": {"x": {"name": "X", "values": [{"from": 20240101, "amount": 1}]}}}',
    '{"thresholds": {"x": {"values": [{"from": "2024-01-01", "amount": 1}]}}}',
    '{"rates": {"vat": {"name": "VAT", "values": [{"from": "2024-01-01", "amount": 20}]}}}',
    '{"rates": {"vat": {"name": "VAT", "values": [{"from": "2024-01-01", "percentage": NaN}]}}}',
    '{"rates": {"vat": {"name": "VAT", "values": [{"from": "2024-01-01", "percentage": 1, '
    '"percentage": 2}]}}}',
    "", "\ufeff{}",
])
def test_any_malformed_rules_file_is_a_located_error(tmp_path, broken):
    result, path = build_with_rules(tmp_path, broken)
    assert_one_clean_error(result, tmp_path / "out")
    assert result.err.startswith(f"{shown(path)}"), result.err
    assert "error [rules]" in result.err.splitlines()[0]


def test_rules_messages_name_the_real_rules_folder(tmp_path):
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["chief_executive"]["date"] = "2000-01-01"
    data["thresholds"] = {"dmpc_tender": 500000}  # a paper is held only to the rules it uses
    source = tmp_path / "minimal.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    result = run(source, "--out", tmp_path / "out", "--rules", folder)
    assert result.code == 1
    assert f"is before {shown(folder / 'mopac.json')} has a value" in result.err
    assert f"see also {shown(folder / 'mopac.json')}: $.thresholds.dmpc_tender" in result.err
    assert "rules/mopac.json" not in result.err.replace(shown(folder / "mopac.json"), "")


def test_an_unknown_rules_file_names_the_real_rules_folder(tmp_path):
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["organisation"]["rules"] = "mopak"
    source = tmp_path / "minimal.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    result = run(source, "--out", tmp_path / "out", "--rules", folder)
    assert result.code == 1
    assert f'there is no rules file "{shown(folder / "mopak.json")}".' in result.err
