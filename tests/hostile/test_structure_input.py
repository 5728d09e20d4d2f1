"""Structure: text in a source cannot add rows, split headings or pass as an id.

Each test reproduces an attack from the hostile review (issue 13) first:
line breaks in one-line fields, patterns that let a trailing newline through,
deep nesting that lost every other error's line number, and a Markdown hard
line break that was blamed on the templates.
"""

from __future__ import annotations

import json
import re

import pytest

from decision_papers.source.validate import schema
from support import MINIMAL, run

TEXT = MINIMAL.read_text(encoding="utf-8")
BREAKS = {"\n": "\\n", "\r": "\\r", "\u2028": "\\u2028", "\u2029": "\\u2029",
          "\u0085": "\\x85"}
"""Each line separator, and how a message shows it."""
Q = '"'


def _build(tmp_path, monkeypatch, text):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "minimal.json").write_text(text, encoding="utf-8")
    return run("minimal.json", "--out", "out")


def _at(text: str, needle: str) -> str:
    """``line:column`` of the one place ``needle`` occurs in ``text``."""
    assert text.count(needle) == 1, needle
    pos = text.index(needle)
    return f"{text.count(chr(10), 0, pos) + 1}:{pos - text.rfind(chr(10), 0, pos)}"


def _failed(*lines: str) -> str:
    """The whole error output: ``lines``, then the count of errors among them."""
    errors = sum(": error [" in line for line in lines)
    return "".join(line + "\n" for line in lines) + \
        f"minimal.json: not built ({errors} error{'s' if errors != 1 else ''}); " \
        "nothing was written for it.\n"


ONE_LINE_HINT = ("  hint: remove the line break; only paragraphs (the summary, "
                 "recommendations and Part 1 and Part 2 text) can run over several lines.")

ONE_LINE_FIELDS = [  # (text in minimal.json, the key to point at, JSON path, the value)
    ('"drafting": "B Person"', '"drafting"', "$.officers.drafting", "B Person"),
    ('"reviewing": ["C Person"]', None, "$.officers.reviewing[0]", "C Person"),  # the item
    ('"name": "A Person"', '"name": "A', "$.approval.name", "A Person"),
    ('"role": "Deputy Mayor"', '"role": "D', "$.approval.role", "Deputy Mayor"),
    ('"area": "Financial Advice"', '"area"', "$.declarations[0].area", "Financial Advice"),
    ('"statement": "Finance consulted."', '"statement"', "$.declarations[0].statement",
     "Finance consulted."),
    ('"title": "Buy more widgets"', '"title"', "$.title", "Buy more widgets"),
    ('"supplier": "Acme"', '"supplier"', "$.contracts.kit.supplier", "Acme"),
    ('"$schema": "../../schema/forms/pcd-april-2023.schema.json"', '"$schema"', '$["$schema"]',
     "../../schema/forms/pcd-april-2023.schema.json"),
]


@pytest.mark.parametrize("field", ONE_LINE_FIELDS, ids=[f[2] for f in ONE_LINE_FIELDS])
@pytest.mark.parametrize("brk", sorted(BREAKS), ids=[BREAKS[b] for b in sorted(BREAKS)])
def test_a_line_break_in_a_one_line_field_is_refused_at_the_field(tmp_path, monkeypatch,
                                                                   field, brk):
    replace, key, path, value = field
    first, last = value[:1], value[1:]
    text = TEXT.replace(replace, replace.replace(value, first + json.dumps(brk)[1:-1] + last))
    result = _build(tmp_path, monkeypatch, text)
    shown = first + BREAKS[brk] + last
    key = key or Q + first + json.dumps(brk)[1:-1]
    assert result.err == _failed(
        f"minimal.json:{_at(text, key)}: {path}: error [schema]: "
        f'this text must be on one line, but "{shown}" has a line break in it.',
        ONE_LINE_HINT)
    assert result.code == 1
    assert not (tmp_path / "out").exists()


def test_a_newline_in_the_drafting_officer_no_longer_adds_a_ticked_row(tmp_path, monkeypatch):
    text = TEXT.replace('"B Person"', '"B Person\\n| Legal Advice | \\u2713 |"')
    result = _build(tmp_path, monkeypatch, text)
    assert result.code == 1
    assert ("$.officers.drafting: error [schema]: this text must be on one line" in result.err)


def test_prose_keeps_its_line_breaks(tmp_path, monkeypatch):
    text = TEXT.replace('"Background."', '"Background:\\n- one\\n- two\\n\\nMore."')
    result = _build(tmp_path, monkeypatch, text)
    assert result.err == ""
    assert result.code == 0


CLAIM = ('"claims": {"c": {"figure": "contracts.kit.variation", "test": "below", '
         '"threshold": "contracts.kit.new_value", "wording": [%s, "is not below"]}},\n  ')


def test_claim_wording_is_checked_for_control_characters(tmp_path, monkeypatch):
    text = TEXT.replace('"publication"', CLAIM % '"is \\u0007below"' + '"publication"')
    result = _build(tmp_path, monkeypatch, text)
    assert result.err == _failed(
        f"minimal.json:{_at(text, Q + 'is ' + chr(92))}: $.claims.c.wording[0]: error [text]: "
        "the text holds an invisible control character (U+0007) that a Word document cannot "
        "contain.",
        "  hint: delete it; it usually comes from pasting out of another program.")


def test_claim_wording_must_be_on_one_line(tmp_path, monkeypatch):
    text = TEXT.replace('"publication"', CLAIM % '"is\\nbelow"' + '"publication"')
    result = _build(tmp_path, monkeypatch, text)
    assert result.err == _failed(
        f"minimal.json:{_at(text, Q + 'is' + chr(92))}: $.claims.c.wording[0]: error [schema]: "
        'this text must be on one line, but "is\\nbelow" has a line break in it.',
        ONE_LINE_HINT)


# -- 2. patterns refuse a trailing newline -------------------------------------------

TRAILING = [  # (text in minimal.json, replacement, where, message)
    ('"id": "minimal"', '"id": "minimal\\n"', '"id"',
     '$.id: error [schema]: "minimal\\n" is not in the expected form.\n'
     "  hint: use lower-case letters, digits and hyphens, e.g. pcd-1717."),
    ('"rules": "mopac"', '"rules": "mopac\\n"', '"rules"',
     '$.organisation.rules: error [schema]: "mopac\\n" is not in the expected form.'),
    ('"template": "pcd-april-2023"', '"template": "pcd-april-2023\\n"', '"template"',
     '$.form.template: error [schema]: "pcd-april-2023\\n" is not in the expected form.'),
    ('"kit": {', '"kit\\n": {', '"contracts"',
     '$.contracts: error [schema]: "kit\\n" is not a short name of lower-case letters, '
     "digits and underscores."),
    ('"start": "2024-04-01"', '"start": "2024-04-01\\n"', '"start"',
     '$.contracts.kit.term.start: error [schema]: "2024-04-01\\n" is not a real date in '
     "the form YYYY-MM-DD.\n  hint: write dates as YYYY-MM-DD, e.g. 2024-09-23 (or YYYY-MM for a month)."),
    ('"publication"', '"budgets": {"b": {"name": "B", "years": {"from": "2024/25\\n", '
     '"to": "2025/26"}}},\n  "publication"', '"from"',
     '$.budgets.b.years.from: error [schema]: "2024/25\\n" is not in the expected form.'),
    ('"publication"', '"totals": {"t": {"parts": ["contracts.kit.variation\\n", '
     '"contracts.kit.previous_value"]}},\n  "publication"', '"contracts.kit.variation\\n"',
     '$.totals.t.parts[0]: error [schema]: "contracts.kit.variation\\n" is not a figure '
     "name such as contracts.vru.variation."),
]


@pytest.mark.parametrize("case", TRAILING, ids=[c[2] for c in TRAILING])
def test_a_trailing_newline_does_not_pass_a_pattern(tmp_path, monkeypatch, case):
    replace, replacement, where, message = case
    text = TEXT.replace(replace, replacement, 1)
    result = _build(tmp_path, monkeypatch, text)
    assert result.err == _failed(f"minimal.json:{_at(text, where)}: {message}")
    assert not (tmp_path / "out").exists()


def _patterns(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern":
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from _patterns(item)


@pytest.mark.parametrize("pattern", sorted(set(_patterns(schema()))))
def test_every_anchored_pattern_refuses_a_final_newline(pattern):
    # jsonschema runs patterns with Python's re.search, where "$" also matches just
    # before a final newline; an editor runs them as ECMA-262, where it does not.
    if pattern.endswith("$"):
        assert pattern.endswith("(?!\\n)$"), pattern
    assert re.compile(pattern)


# -- 6. deep nesting keeps every other error's line number ----------------------------

def test_deep_nesting_keeps_the_line_numbers_of_the_other_errors(tmp_path, monkeypatch):
    deep = "[" * 600 + "]" * 600
    text = TEXT.replace('"status": "draft",', f'"status": "draft", "deep": {deep},') \
               .replace('"previous_value": 1000', '"previous_value": "1000"')
    result = _build(tmp_path, monkeypatch, text)
    assert result.err == _failed(
        f'minimal.json:{_at(text, Q + "deep")}: $.deep: error [schema]: "deep" is '
        "not a field this object can have.",
        "  hint: check the spelling, or remove it.",
        f"minimal.json:{_at(text, Q + 'previous_value')}: "
        "$.contracts.kit.previous_value: error [schema]: expected an amount of money (a "
        'number such as 14560, without £ or commas), but found the text "1000".',
        '  hint: write money as a plain number: 14560, not "£14,560".')


def test_nesting_deeper_than_json_allows_is_one_clear_error(tmp_path, monkeypatch):
    text = TEXT.replace('"status": "draft",', '"status": "draft", "deep": ' + "[" * 5000
                        + "]" * 5000 + ",")
    result = _build(tmp_path, monkeypatch, text)
    assert result.err == _failed("minimal.json: error [json]: the JSON is nested too deeply.")


def test_keys_with_escapes_and_slashes_are_located(tmp_path, monkeypatch):
    text = TEXT.replace('"kit": {', '"k\\u0069t": {') \
               .replace('"previous_value": 1000', '"previous_value": "1000"') \
               .replace('"status": "draft",', '"status": "draft", "a/b~c": 1,')
    result = _build(tmp_path, monkeypatch, text)
    assert result.err.splitlines()[::2][:2] == [
        f'minimal.json:{_at(text, Q + "a/b")}: $["a/b~c"]: error [schema]: "a/b~c" '
        "is not a field this object can have.",
        f"minimal.json:{_at(text, Q + 'previous_value')}: "
        "$.contracts.kit.previous_value: error [schema]: expected an amount of money (a "
        'number such as 14560, without £ or commas), but found the text "1000".']


# -- 10. a Markdown hard line break ----------------------------------------------------

def test_two_spaces_and_a_newline_in_a_name_are_reported_at_the_name(tmp_path, monkeypatch):
    # Markdown reads "  \n" as a hard line break, which no template may produce.
    text = TEXT.replace('"name": "A Person"', '"name": "A Person  \\nB"')
    result = _build(tmp_path, monkeypatch, text)
    assert result.err == _failed(
        f"minimal.json:{_at(text, Q + 'name' + Q + ': ' + Q + 'A')}: $.approval.name: "
        'error [schema]: this text must be on one line, but "A Person  \\nB" has a line '
        "break in it.",
        ONE_LINE_HINT)
    assert "templates/" not in result.err


def test_two_spaces_and_a_newline_in_prose_join_the_lines(tmp_path, monkeypatch):
    text = TEXT.replace('"Background."', '"First line  \\nsecond line.\\\\\\nthird."')
    result = _build(tmp_path, monkeypatch, text)
    assert result.err == ""
    markdown = (tmp_path / "out" / "minimal.md").read_text(encoding="utf-8")
    assert "First line second line.\\\\ third." in markdown
