"""Check a source against its form's schema.

Each form has a schema, ``schema/forms/<form>.schema.json``: its own sections
and sign-off blocks, and every part all forms share by reference to
``schema/common.schema.json``.  The two are resolved with ``referencing``, as
an editor resolves them for completion.  A source whose form has no schema
is checked against the common schema alone (its form is reported later).

Every schema error becomes a plain-English ``Problem``.  The schema's named
``$defs`` (money, date, text...) tell us what a field *is*, so a message can
say "an amount of money" rather than "number".

Patterns end ``(?!\\n)$``, never a bare ``$``.  jsonschema runs a schema's
``pattern`` with Python's ``re.search``, where ``$`` also matches just before
a final newline, so ``^[a-z0-9-]+$`` let the id ``"minimal\\n"`` through (and
wrote ``out/minimal\\n.docx``).  ``\\Z`` would fix Python only: ECMA-262, which
JSON Schema names and editors use, reads ``\\Z`` as a plain ``Z`` (or as an
error with the ``u`` flag).  ``(?!\\n)$`` means "the end, and no newline
after" in both.  One-line text fields also exclude every line separator
(``\\n``, ``\\r``, U+0085, U+2028, U+2029); only the ``prose`` def may hold them.
A test keeps every anchored pattern of the schema in this form.  The text
defs also need one visible character; their class of invisible characters
(spaces, controls, U+200B, tag characters...) holds characters beyond U+FFFF,
which ECMA-262 reads with the ``u`` flag that editors (VS Code) try first.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from decision_papers import kinds
from decision_papers.kinds import KINDS
from decision_papers.problems import Place, Problem, json_path, shorten
from decision_papers.projects import SCHEMA_DIR
from decision_papers.source.load import Source

COMMON = "common.schema.json"
_COMMON_REF = "../" + COMMON

_DEF_WORDS = {
    "text": "some text",
    "inline": "a line of text",
    "prose": "a paragraph of text",
    "paragraphs": "a list of paragraphs ([\"...\", \"...\"])",
    "months": "a whole number of months",
    "years": "a whole number of years",
    "rounding": "a rounding rule",
    "figure_ref": "a figure name such as contracts.vru.variation",
    "key": "a short name of lower-case letters, digits and underscores",
}
"""What each named definition of the schema is, in words, but the kinds (``_words``)."""
_TYPE_WORDS = {
    "object": "an object ({ ... })", "array": "a list ([ ... ])",
    "string": "text in double quotes", "integer": "a whole number",
    "number": "a number", "boolean": "true or false", "null": "null",
}


def form_of(data) -> str | None:
    """The form a source names (``form.template``), if it names one that has a schema."""
    form = data.get("form") if isinstance(data, dict) else None
    name = form.get("template") if isinstance(form, dict) else None
    if isinstance(name, str) and re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) and \
            (SCHEMA_DIR / "forms" / f"{name}.schema.json").is_file():
        return name
    return None


def _words(name: str | None) -> str | None:
    """A named definition of the schema in words: a kind's own, or ``_DEF_WORDS``'."""
    kind = KINDS.get(name)
    return kind.words if kind is not None and kind.words else _DEF_WORDS.get(name)


@lru_cache(maxsize=None)
def _file(relative: str) -> dict:
    """A schema file as written, with numbers read as ``Decimal`` to match sources."""
    return json.loads((SCHEMA_DIR / relative).read_text(encoding="utf-8"), parse_float=Decimal)


def _read(relative: str) -> dict:
    """A schema; the common one with the kinds of the registry in it (``kinds.in_schema``)."""
    return _common(kinds.generation()) if relative == COMMON else _file(relative)


@lru_cache(maxsize=None)
def _common(generation: int) -> dict:
    return kinds.in_schema(copy.deepcopy(_file(COMMON)))


def _registry() -> Registry:
    """The common schema and every form's, each under its ``$id``, for ``$ref`` to find."""
    return _registry_of(kinds.generation())


@lru_cache(maxsize=None)
def _registry_of(generation: int) -> Registry:
    files = [COMMON] + sorted(f"forms/{p.name}"
                              for p in (SCHEMA_DIR / "forms").glob("*.schema.json"))
    return Registry().with_resources(
        (_read(name)["$id"], Resource.from_contents(_read(name), DRAFT202012)) for name in files)


def schema(form: str | None = None) -> dict:
    """The schema of ``form`` as one self-contained document (the common one with no form).

    The form's references to the common schema are replaced by what they name,
    and the common ``$defs`` copied in, so walking a source beside its schema
    (``walk``) and generating sources from it (the fuzz tests) need no
    resolver.  ``validate`` itself resolves the references with ``referencing``.
    """
    return _schema(form, kinds.generation())


@lru_cache(maxsize=None)
def _schema(form: str | None, generation: int) -> dict:
    common = _read(COMMON)
    if form is None:
        return common
    bundled = _inline(copy.deepcopy(_read(f"forms/{form}.schema.json")), common)
    bundled["$defs"] = copy.deepcopy(common["$defs"])
    return bundled


def _inline(node, common: dict):
    if isinstance(node, list):
        return [_inline(item, common) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_COMMON_REF + "#/"):
        pointer = ref[len(_COMMON_REF) + 2:]
        if pointer.startswith("$defs/"):
            node = {**node, "$ref": "#/" + pointer}
        else:
            target = common
            for part in pointer.split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            rest = {k: v for k, v in node.items() if k != "$ref"}
            node = {**copy.deepcopy(target), **rest}
    return {key: _inline(value, common) for key, value in node.items()}


def _validator(form: str | None = None) -> Draft202012Validator:
    return _validator_of(form, kinds.generation())


@lru_cache(maxsize=None)
def _validator_of(form: str | None, generation: int) -> Draft202012Validator:
    name = COMMON if form is None else f"forms/{form}.schema.json"
    return Draft202012Validator(_read(name), registry=_registry(), format_checker=FORMATS)


def _date_or_month(value) -> bool:
    """A real date, YYYY-MM-DD, or a real month, YYYY-MM (a date given to the month)."""
    if not isinstance(value, str):
        return True
    try:
        kinds.KINDS["date"].read(value)
    except kinds.BadValue:
        return False
    return True


FORMATS = FormatChecker()
"""jsonschema's formats, but a ``date`` may be a month: "in March 2025" is ``2025-03``."""
FORMATS.checks("date")(_date_or_month)


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
    if isinstance(value, (int, Decimal)):  # 100000000000000, never 1E+14
        plain = format(value, "f") if isinstance(value, Decimal) else str(value)
        return f"the number {shorten(plain, 30)}"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _either(words: list[str]) -> str:
    """``a, b or c``."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


_LINE_BREAK = re.compile("[\n\r\u0085\u2028\u2029]")
ONE_LINE_HINT = ("remove the line break; only paragraphs (the summary, recommendations and "
                 "Part 1 and Part 2 text) can run over several lines.")


def _empty(text: str) -> str:
    """Why text with no visible character is empty, naming the first invisible one."""
    hidden = next((c for c in text if not c.isspace()), None)
    if hidden is None:
        return "this text is empty."
    return ("this text is empty: it holds only invisible characters "
            f"({unicodedata.name(hidden, f'U+{ord(hidden):04X}')}).")


def suggest(word: str, options) -> str | None:
    close = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return f'did you mean "{close[0]}"?' if close else None


SHOWN = 50
"""Problems of one kind a file reports before it sums up the rest in one line."""


def capped(problems: list[Problem], display: str, rule: str) -> list[Problem]:
    """The first ``SHOWN`` problems, then one saying how many more there are."""
    if len(problems) <= SHOWN:
        return problems
    more = len(problems) - SHOWN
    return problems[:SHOWN] + [Problem(
        f"… and {more:,} more problem{'s' if more != 1 else ''} in this file.",
        (Place(display),), rule=rule, details={"stands_for": more})]


def validate(source: Source, validator: Draft202012Validator | None = None) -> list[Problem]:
    """Return the schema problems in ``source``, in file order (the first ``SHOWN``).

    ``validator`` checks against another schema (a form pack's descriptor) in
    the same plain words; by default, the schema of the source's form.
    """
    problems: dict[Problem, None] = {}  # a dict keeps order and finds repeats at once
    errors = list((validator or _validator(form_of(source.data))).iter_errors(source.data))
    bad_dates = {tuple(e.absolute_path) for e in errors if e.validator == "format"}
    for error in errors:
        if error.validator == "pattern" and tuple(error.absolute_path) in bad_dates:
            continue  # not a date at all: saying so is enough
        for problem in _explain(source, error):
            problems.setdefault(problem)  # if/then can report the same thing twice
    # a misspelt key is reported once, as unknown with a suggestion, not also as missing
    suggested = {(p.details.get("parent"), p.details.get("suggest")) for p in problems}
    found = [p for p in problems
             if (p.places[0].json_path, p.details.get("missing")) not in suggested]
    found.sort(key=lambda p: (p.places[0].line or 0, p.places[0].column or 0, p.message))
    return capped(found, source.display, "schema")


def _explain(source: Source, error) -> list[Problem]:
    if error.validator in ("anyOf", "oneOf") and error.context:
        if error.validator == "anyOf" and all(e.validator == "required" for e in error.context):
            options = [" and ".join(f'"{k}"' for k in e.validator_value) for e in error.context]
            message = f"give at least one of {' or '.join(options)}." \
                if all(len(e.validator_value) == 1 for e in error.context) \
                else f"give {', or '.join(options)}."
            return [_problem(source, list(error.absolute_path), message, None)]
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
                # only the first SHOWN of one object can be shown: suggest for those alone
                close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.6) \
                    if len(out) < SHOWN else None
                problem = _problem(source, path + [key],
                                   f'{_quote(key)} is not a field this object can have.',
                                   f'did you mean "{close[0]}"?' if close else
                                   "check the spelling, or remove it.")
                problem.details.update(suggest=close[0] if close else None,
                                       parent=json_path(path))
                out.append(problem)
        return out
    if v == "dependentRequired":
        return [_problem(source, path, f'the field "{need}" is missing; it is needed with '
                         f'"{key}".', f'add "{need}" to this object.', missing=need)
                for key, needs in value.items() if key in inst
                for need in needs if need not in inst]
    if v == "type":
        names = [value] if isinstance(value, str) else list(value)
        wanted = _words(kind) or _either([_TYPE_WORDS.get(n, n) for n in names])
        message = f"expected {wanted}, but found {_describe(inst)}."
        if kind == "money" and isinstance(inst, str):
            hint = "write money as a plain number: 14560, not \"£14,560\"."
    elif v == "format" and value == "date":
        message = f'{_quote(inst)} is not a real date in the form YYYY-MM-DD.'
        hint = "write dates as YYYY-MM-DD, e.g. 2024-09-23 (or YYYY-MM for a month)."
    elif v == "pattern":
        if kind in ("text", "inline", "line") and _LINE_BREAK.search(inst) and \
                re.search(value, _LINE_BREAK.sub("", inst)):  # only the break is wrong
            message = f"this text must be on one line, but {_quote(inst)} has a line break in it."
            hint = ONE_LINE_HINT
        elif kind == "date":
            message = f"{_quote(inst)} is outside the years 1900 to 2099."
            hint = "check the year."
        elif kind in ("text", "inline", "prose"):
            message = _empty(inst)
            hint = "write the text, or remove the field if it is optional."
        else:
            message = f'{_quote(inst)} is not {_words(kind) or "in the expected form"}.'
            if path and path[-1] == "id":
                hint = "use lower-case letters, digits and hyphens, e.g. pcd-1717."
    elif v == "not" and path == ["id"]:
        message = (f"{_quote(inst)} is a name Windows reserves for a device, so "
                   f"out/{inst}.docx could not be opened there.")
        hint = "choose another id, e.g. the decision reference (pcd-1717)."
    elif v == "propertyNames":
        message = (f"{_quote(inst)} cannot be used as a name here: use lower-case letters, "
                   "digits and underscores.")
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
    elif v == "maxItems":
        message = f"this list has {len(inst):,} items; it can have at most {value}."
    elif v == "maxProperties":
        names = shorten(", ".join(_quote(k) for k in inst), 80)
        most = "only one field" if value == 1 else f"at most {value} fields"
        message = f"this can have {most}, but it has {len(inst):,}: {names}."
        if kind == "duration":
            hint = 'write one length, e.g. {"months": 14} for a year and two months.'
    elif v in ("enum", "const"):
        options = value if v == "enum" else [value]
        listed = ", ".join(json.dumps(o) for o in options)
        message = f"{_describe(inst)} is not allowed here; use one of: {listed}."
        hint = suggest(inst, options) if isinstance(inst, str) else None
    else:  # a keyword the schema does not use yet: jsonschema's words, kept short
        message = shorten(error.message, 100) + "."
    return [_problem(source, path, message, hint)]


def _problem(source: Source, path, message: str, hint: str | None, **details) -> Problem:
    return Problem(message, (source.place(path),), hint, rule="schema", details=details)
