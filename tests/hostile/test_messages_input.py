"""Messages: every problem in a source is told at its own place, plainly and briefly.

Each test reproduces an attack from the hostile review (issue 13) first:
problems located at the wrong place, messages that printed a Python list or
object, numbers called "too large" that are too small, negative zero, and
text made only of invisible characters.
"""

from __future__ import annotations

import json

import pytest

from support import MINIMAL, run

TEXT = MINIMAL.read_text(encoding="utf-8")
Q = '"'


def _build(tmp_path, monkeypatch, text):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "minimal.json").write_text(text, encoding="utf-8")
    return run("minimal.json", "--out", "out")


def _at(text: str, needle: str, occurrence: int = 1) -> str:
    """``line:column`` of the ``occurrence``-th place ``needle`` occurs in ``text``."""
    pos = -1
    for _ in range(occurrence):
        pos = text.index(needle, pos + 1)
    return f"{text.count(chr(10), 0, pos) + 1}:{pos - text.rfind(chr(10), 0, pos)}"


def _failed(*lines: str) -> str:
    """The whole error output: ``lines``, then the count of errors among them."""
    errors = sum(": error [" in line for line in lines)
    return "".join(line + "\n" for line in lines) + \
        f"minimal.json: not built ({errors} error{'s' if errors != 1 else ''}); " \
        "nothing was written for it.\n"


# -- 5. each problem at its own place ---------------------------------------------------

def test_a_duplicate_key_is_reported_where_it_is_duplicated(tmp_path, monkeypatch):
    # "name" occurs first in organisation; the duplicate is in the contract.
    text = TEXT.replace('"supplier": "Acme",', '"supplier": "Acme", "name": "Other",')
    result = _build(tmp_path, monkeypatch, text)
    assert result.err == _failed(
        f"minimal.json:{_at(text, Q + 'name' + Q + ': ' + Q + 'Other')}: error [json]: the key "
        '"name" appears twice in the same object; JSON keeps only the last one.',
        "  hint: delete or rename one of them.")


def test_a_duplicate_key_written_with_an_escape_is_found(tmp_path, monkeypatch):
    text = TEXT.replace('"supplier": "Acme",', '"supplier": "Acme", "n\\u0061me": "Other",')
    result = _build(tmp_path, monkeypatch, text)
    assert result.err.splitlines()[0] == (
        f"minimal.json:{_at(text, Q + 'n' + chr(92))}: error [json]: the key "
        '"name" appears twice in the same object; JSON keeps only the last one.')


@pytest.mark.parametrize("constant", ["Infinity", "-Infinity", "NaN"])
def test_a_constant_is_located_outside_strings(tmp_path, monkeypatch, constant):
    text = TEXT.replace('"Buy more widgets"', f'"Buy {constant} widgets"') \
               .replace('"previous_value": 1000', f'"previous_value": {constant}')
    result = _build(tmp_path, monkeypatch, text)
    assert result.err == _failed(
        f"minimal.json:{_at(text, constant, 2)}: error [json]: {constant} is not a number "
        "JSON allows.",
        "  hint: write a real number, or leave the field out.")


def test_a_huge_number_is_located_outside_strings(tmp_path, monkeypatch):
    text = TEXT.replace('"Buy more widgets"', '"Buy 1e300 widgets"') \
               .replace('"previous_value": 1000', '"previous_value": 1e300')
    result = _build(tmp_path, monkeypatch, text)
    assert result.err.splitlines()[0] == (
        f"minimal.json:{_at(text, '1e300', 2)}: error [json]: the number 1e300 is too large "
        "for a decision paper.")


@pytest.mark.parametrize("number, message, hint", [
    ("1e-400", "the number 1e-400 is too small for a decision paper: it is nearer to zero "
     "than 0.00000000000000000001.",
     "write 0 for nothing; money has at most two decimal places."),
    ("0.0000000000000000000001", "the number 0.0000000000000000000001 is too small for a "
     "decision paper: it is nearer to zero than 0.00000000000000000001.",
     "write 0 for nothing; money has at most two decimal places."),
    ("1.00000000000000000000001", "the number 1.00000000000000000000001 has more than 20 "
     "digits, more than a decision paper can hold exactly.",
     "round it; money has at most two decimal places."),
    ("1e15", "the number 1e15 is too large for a decision paper.",
     "numbers here have at most 20 digits and are below 10^15; check for extra digits."),
])
def test_a_number_out_of_range_is_called_what_it_is(tmp_path, monkeypatch, number, message,
                                                    hint):
    text = TEXT.replace('"previous_value": 1000', f'"previous_value": {number}')
    result = _build(tmp_path, monkeypatch, text)
    assert result.err == _failed(f"minimal.json:{_at(text, number)}: error [json]: {message}",
                                 f"  hint: {hint}")


# -- 7. plain, short messages --------------------------------------------------------------

def _with(block: str) -> str:
    return TEXT.replace('"publication"', block + ',\n  "publication"')


@pytest.mark.parametrize("block, where, message", [
    ('"restated": {"r": {"figure": "contracts.kit.variation", "value": null}}', '"value"',
     "$.restated.r.value: error [schema]: expected a number, text in double quotes, an "
     "object ({ ... }) or true or false, but found null."),
    ('"figures": {"f": {"difference": ["contracts.kit.variation", "contracts.kit.new_value", '
     '"contracts.kit.previous_value"]}}', '"difference"',
     "$.figures.f.difference: error [schema]: this list has 3 items; it can have at most 2."),
    ('"procurements": {"p": {"name": "P", "term": {"years": 1, "months": 2}, '
     '"annual_value": 5}}', '"term": {"years"',
     '$.procurements.p.term: error [schema]: this can have only one field, but it has 2: '
     '"years", "months".\n'
     '  hint: write one length, e.g. {"months": 14} for a year and two months.'),
    ('"claims": {"c": {"figure": "contracts.kit.variation", "test": "below", '
     '"threshold": "contracts.kit.new_value", "wording": ["a", "b", "c"]}}', '"wording"',
     "$.claims.c.wording: error [schema]: this list has 3 items; it can have at most 2."),
])
def test_no_message_prints_a_python_list_or_object(tmp_path, monkeypatch, block, where,
                                                   message):
    text = _with(block)
    result = _build(tmp_path, monkeypatch, text)
    assert result.err == _failed(f"minimal.json:{_at(text, where)}: {message}")
    assert "Traceback" not in result.err


def test_an_end_without_a_start_says_which_field_is_missing(tmp_path, monkeypatch):
    text = TEXT.replace('"variation": 250', '"variation": 250, "extension": {"end": '
                        '"2025-06-30"}')
    result = _build(tmp_path, monkeypatch, text)
    where = _at(text, '"extension"')
    assert result.err == _failed(
        f'minimal.json:{where}: $.contracts.kit.extension: error [schema]: give "start" and '
        '"end", or "months", or "years".',
        f'minimal.json:{where}: $.contracts.kit.extension: error [schema]: the field "start" '
        'is missing; it is needed with "end".',
        '  hint: add "start" to this object.')


def test_a_long_number_in_a_message_is_plain_and_short(tmp_path, monkeypatch):
    text = TEXT.replace('"status": "draft"', '"status": 12345678901234.123456')
    result = _build(tmp_path, monkeypatch, text)
    assert result.err == _failed(
        f"minimal.json:{_at(text, Q + 'status')}: $.status: error [schema]: the number "
        '12345678901234.123456 is not allowed here; use one of: "draft", "approved".')
    text = TEXT.replace('"status": "draft"', '"status": 1e14')
    assert '$.status: error [schema]: the number 100000000000000 is not allowed here' in \
        _build(tmp_path, monkeypatch, text).err


# -- 8. negative zero ---------------------------------------------------------------------

@pytest.mark.parametrize("zero", ["-0.0", "-0", "0e-4000", "-0.00e+5", "0.00"])
def test_negative_or_odd_zero_is_read_as_zero(tmp_path, monkeypatch, zero):
    # Decided: a zero is zero, whatever its sign or exponent; it is recorded as "0".
    text = TEXT.replace('"previous_value": 1000', f'"previous_value": {zero}')
    result = _build(tmp_path, monkeypatch, text)
    assert result.err == ""
    figures = json.loads((tmp_path / "out" / "minimal.figures.json").read_text("utf-8"))
    previous = next(f for f in figures["figures"] if f["id"] == "contracts.kit.previous_value")
    assert (previous["value"], previous["text"]["default"]) == ("0", "£0")


# -- 9. invisible text is empty ------------------------------------------------------------

@pytest.mark.parametrize("invisible, names", [
    ("\u200b", "ZERO WIDTH SPACE"),
    ("\u2060\u200d", "WORD JOINER"),
    ("\ufeff", "ZERO WIDTH NO-BREAK SPACE"),
    (" \u3164 ", "HANGUL FILLER"),
    ("\U000e0041\U000e0042", "TAG LATIN CAPITAL LETTER A"),
    ("\u00ad", "SOFT HYPHEN"),
])
def test_text_with_nothing_visible_is_empty(tmp_path, monkeypatch, invisible, names):
    text = TEXT.replace('"Buy more widgets"', json.dumps(invisible))
    result = _build(tmp_path, monkeypatch, text)
    assert result.err == _failed(
        f"minimal.json:{_at(text, Q + 'title')}: $.title: error [schema]: this text is empty: "
        f"it holds only invisible characters ({names}).",
        "  hint: write the text, or remove the field if it is optional.")


@pytest.mark.parametrize("field", ['"name": "A Person"', '"Background."', '"area": "Financial '
                                   'Advice"'])
def test_a_name_or_paragraph_of_zero_width_spaces_is_empty(tmp_path, monkeypatch, field):
    key = field.split(":")[0] if ":" in field else None
    text = TEXT.replace(field, f"{key}: {Q}\\u200b{Q}" if key else '"\\u200b\\u200b"')
    result = _build(tmp_path, monkeypatch, text)
    assert "this text is empty: it holds only invisible characters (ZERO WIDTH SPACE)." in \
        result.err
    assert result.code == 1


def test_visible_text_around_invisible_characters_is_kept(tmp_path, monkeypatch):
    text = TEXT.replace('"Buy more widgets"', '"\\u200bBuy more widgets\\u2060"')
    result = _build(tmp_path, monkeypatch, text)
    assert result.err == ""
