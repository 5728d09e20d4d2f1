"""Step 2: check a source against ``schema/decision.schema.json``.

Every schema error becomes a plain-English ``Problem``.  The schema's named
``$defs`` (money, date, text...) tell us what a field *is*, so a message can
say "an amount of money" rather than "number".
"""

from __future__ import annotations

import difflib
import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from decision_papers.problems import Problem, json_path, shorten
from decision_papers.source.load import Source

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schema" / "decision.schema.json"

_KIND_WORDS = {
    "money": "an amount of money (a number such as 14560, without £ or commas)",
    "date": "a date written YYYY-MM-DD",
    "text": "some text",
    "inline": "a line of text",
    "prose": "a paragraph of text",
    "paragraphs": "a list of paragraphs ([\"...\", \"...\"])",
    "count": "a whole number",
    "months": "a whole number of months",
    "years": "a whole number of years",
    "financial_year": "a financial year such as 2024/25",
    "percentage": "a percentage as a number (25 for 25%)",
    "duration": 'a duration such as {"years": 3} or {"months": 18}',
    "year_range": 'financial years such as {"from": "2024/25", "to": "2025/26"}',
    "rounding": "a rounding rule",
    "figure_ref": "a figure name such as contracts.vru.variation",
    "key": "a short name of lower-case letters, digits and underscores",
}
_TYPE_WORDS = {
    "object": "an object ({ ... })", "array": "a list ([ ... ])",
    "string": "text in double quotes", "integer": "a whole number",
    "number": "a number", "boolean": "true or false", "null": "null",
}


@lru_cache(maxsize=None)
def schema() -> dict:
    """The decision schema, with numbers read as ``Decimal`` to match sources."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"), parse_float=Decimal)


@lru_cache(maxsize=None)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _kind(subschema) -> str | None:
    for name, definition in schema()["$defs"].items():
        if definition is subschema or definition == subschema:
            return name
    return None


def _quote(text: str) -> str:
    """User text in a message: quoted, and cut short so the message stays one line."""
    return f'"{shorten(text, 60)}"'


def _describe(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f'the text "{value}"' if len(value) < 60 else "some text"
    if isinstance(value, (int, Decimal)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    return "an object"


def suggest(word: str, options) -> str | None:
    close = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return f'did you mean "{close[0]}"?' if close else None


def validate(source: Source) -> list[Problem]:
    """Return every schema problem in ``source``, in file order."""
    problems: list[Problem] = []
    errors = list(_validator().iter_errors(source.data))
    bad_dates = {tuple(e.absolute_path) for e in errors if e.validator == "format"}
    for error in errors:
        if error.validator == "pattern" and tuple(error.absolute_path) in bad_dates:
            continue  # not a date at all: saying so is enough
        for problem in _explain(source, error):
            if problem not in problems:  # if/then can report the same thing twice
                problems.append(problem)
    # a misspelt key is reported once, as unknown with a suggestion, not also as missing
    suggested = {(p.details.get("parent"), p.details.get("suggest")) for p in problems}
    problems = [p for p in problems
                if (p.places[0].json_path, p.details.get("missing")) not in suggested]
    problems.sort(key=lambda p: (p.places[0].line or 0, p.places[0].column or 0, p.message))
    return problems


def _explain(source: Source, error) -> list[Problem]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        if error.validator == "anyOf" and all(e.validator == "required" for e in error.context):
            names = " or ".join(f'"{e.validator_value[0]}"' for e in error.context)
            return [_problem(source, list(error.absolute_path),
                             f"give at least one of {names}.", None)]
        return _explain(source, best_match(error.context))
    path = list(error.absolute_path)
    v, value, inst = error.validator, error.validator_value, error.instance
    kind = _kind(error.schema)
    hint = None
    if v == "required":
        missing = [k for k in value if k not in inst]
        return [_problem(source, path, f'the required field "{k}" is missing.',
                         f'add "{k}" to this object.', missing=k) for k in missing]
    if v == "additionalProperties":
        allowed = error.schema.get("properties", {})
        out = []
        for key in inst:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6)
                problem = _problem(source, path + [key],
                                   f'{_quote(key)} is not a field this object can have.',
                                   f'did you mean "{close[0]}"?' if close else
                                   "check the spelling, or remove it.")
                problem.details.update(suggest=close[0] if close else None,
                                       parent=json_path(path))
                out.append(problem)
        return out
    if v == "type":
        wanted = _KIND_WORDS.get(kind) or _TYPE_WORDS.get(value, str(value))
        message = f"expected {wanted}, but found {_describe(inst)}."
        if kind == "money" and isinstance(inst, str):
            hint = "write money as a plain number: 14560, not \"£14,560\"."
    elif v == "format" and value == "date":
        message = f'{_quote(inst)} is not a real date in the form YYYY-MM-DD.'
        hint = "write dates as YYYY-MM-DD, e.g. 2024-09-23."
    elif v == "pattern":
        if kind == "date":
            message = f"{_quote(inst)} is outside the years 1900 to 2099."
            hint = "check the year."
        elif kind in ("text", "inline", "prose"):
            message = "this text is empty."
            hint = "write the text, or remove the field if it is optional."
        else:
            message = f'{_quote(inst)} is not {_KIND_WORDS.get(kind, "in the expected form")}.'
            if path and path[-1] == "id":
                hint = "use lower-case letters, digits and hyphens, e.g. pcd-1717."
    elif v == "not" and path == ["id"]:
        message = f'{_quote(inst)} is a name Windows reserves for a device, so out/{inst}.docx could not be opened there.'
        hint = "choose another id, e.g. the decision reference (pcd-1717)."
    elif v == "propertyNames":
        message = f'{_quote(inst)} cannot be used as a name here: use lower-case letters, digits and underscores.'
    elif v == "minimum":
        message = f"{_describe(inst)} is negative; it must be {value} or more."
        hint = "write the amount without a minus sign; say in the text if it is a reduction."
    elif v == "maximum":
        limit = f"£{value:,}" if kind == "money" else f"{value:,}"
        message = f"{_describe(inst)} is more than the largest value allowed here ({limit})."
        hint = "check for extra digits."
    elif v == "multipleOf":
        message = f"{_describe(inst)} has fractions of a penny."
        hint = "round money to whole pence (two decimal places at most)."
    elif v == "maxLength":
        message = f"this text is {len(inst):,} characters long; it can be at most {value}."
        hint = "shorten it: Word holds this as a document property, which has that limit."
    elif v in ("minItems", "minProperties"):
        message = f"this needs at least {value} item{'s' if value != 1 else ''}."
    elif v in ("enum", "const"):
        options = value if v == "enum" else [value]
        message = f"{_describe(inst)} is not allowed here; use one of: {', '.join(json.dumps(o) for o in options)}."
        hint = suggest(inst, options) if isinstance(inst, str) else None
    else:
        message = error.message + "."
    return [_problem(source, path, message, hint)]


def _problem(source: Source, path, message: str, hint: str | None, **details) -> Problem:
    return Problem(message, (source.place(path),), hint, rule="schema", details=details)
