"""Step 1: read a decision source and remember where every value came from.

The standard ``json`` module is strict about syntax but silent about two
things that bite hand-written files: duplicate keys (it keeps the last) and
``NaN``/``Infinity``.  Both are refused here.  Numbers with a fraction are
read as ``Decimal`` so money is never a float.  Line numbers for JSON paths
come from ``json_source_map``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import json_source_map

from decision_papers.problems import Place, Problem, ProblemsFound, json_path, pointer, shorten

MAX_BYTES = 2 * 1024 * 1024
"""Largest source accepted; a decision paper is a few dozen kilobytes."""


@dataclass
class Source:
    """A parsed decision source with a map back to its text."""

    path: Path
    """Where the file was read from."""
    display: str
    """The path as shown in messages (relative where possible)."""
    data: dict
    """The parsed JSON, with ``Decimal`` for fractional numbers."""
    text: str
    """The decoded text, kept for the line map."""
    _map: dict | None = field(default=None, repr=False)

    def place(self, parts=()) -> Place:
        """The file, line and column of the value at ``parts``.

        Falls back to the nearest enclosing value that exists, so a problem
        about a missing key points at the object that should hold it.
        """
        if self._map is None:
            try:
                self._map = json_source_map.calculate(self.text)
            except Exception:  # the map is a nicety; never fail on it
                self._map = {}
        parts = list(parts)
        probe = list(parts)
        while True:
            entry = self._map.get(pointer(probe))
            if entry is not None:
                loc = entry.key_start or entry.value_start
                return Place(self.display, loc.line + 1, loc.column + 1,
                             json_path(parts))
            if not probe:
                return Place(self.display, None, None, json_path(parts))
            probe.pop()


def display_path(path: Path) -> str:
    """Show paths relative to the working directory when they are inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _fail(display: str, message: str, hint: str | None = None,
          line: int | None = None, column: int | None = None) -> ProblemsFound:
    return ProblemsFound([Problem(message, (Place(display, line, column),),
                                  hint, rule="json")])


MAX_DIGITS, MAX_EXPONENT = 20, 15
"""No figure needs more; beyond this, Decimal arithmetic would round."""


class _TooBig(Exception):
    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


def _decimal(text: str) -> Decimal:
    value = Decimal(text)
    if value and (len(value.as_tuple().digits) > MAX_DIGITS or
                  not -MAX_DIGITS <= value.adjusted() < MAX_EXPONENT):
        raise _TooBig(text)
    return value


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_EXPONENT:
        raise _TooBig(text)
    return int(text)


def _reject_constant(name: str):
    raise ValueError(name)


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def load(path: Path) -> Source:
    """Read and parse one source file, or raise ``ProblemsFound``."""
    display = display_path(path)
    if path.is_dir():
        raise _fail(display, "this is a folder, not a decision file.",
                    "give the path of a .json file inside it.")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise _fail(display, f"the file is {size:,} bytes; the limit is "
                        f"{MAX_BYTES:,} bytes.",
                        "a decision source should be a few dozen kilobytes; "
                        "check that this is the right file.")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise _fail(display, "no such file.",
                    "check the spelling of the path.") from None
    except OSError as exc:
        raise _fail(display, f"the file cannot be read ({exc.strerror}).",
                    "check that you have permission to read it.") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raise _fail(display, "the file starts with a byte order mark (BOM).",
                    "save it as UTF-8 without BOM (in most editors: "
                    "'UTF-8', not 'UTF-8 with BOM').", 1, 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw[:exc.start].decode("utf-8", "replace"),
                              len(raw[:exc.start].decode("utf-8", "replace")))
        raise _fail(display, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8.",
                    "save the file as UTF-8.", line, col) from None
    if not text.strip():
        raise _fail(display, "the file is empty.",
                    "a decision source is a JSON object: start from "
                    "decisions/pcd-1717.json.", 1, 1)
    try:
        data = json.loads(text, parse_float=_decimal, parse_int=_integer,
                          parse_constant=_reject_constant,
                          object_pairs_hook=_no_duplicates)
    except _DuplicateKey as exc:
        raise _fail(display, f'the key "{exc.key}" appears twice in the same '
                    "object; JSON keeps only the last one.",
                    "delete or rename one of them.",
                    *_find_key(text, exc.key)) from None
    except json.JSONDecodeError as exc:
        raise _syntax_problem(display, text, exc) from None
    except _TooBig as exc:
        found = re.search(rf"(?<![\w.]){re.escape(exc.text)}(?![\w.])", text)
        raise _fail(display, f"the number {shorten(exc.text, 30)} is too large for a decision paper.",
                    f"numbers here have at most {MAX_DIGITS} digits and are below "
                    f"10^{MAX_EXPONENT}; check for extra digits.",
                    *_line_col(text, found.start() if found else 0)) from None
    except ValueError as exc:
        name = str(exc)
        line, col = _line_col(text, text.find(name))
        raise _fail(display, f"{name} is not a number JSON allows.",
                    "write a real number, or leave the field out.",
                    line, col) from None
    except RecursionError:
        raise _fail(display, "the JSON is nested too deeply.") from None
    if not isinstance(data, dict):
        raise _fail(display, "the file must hold one JSON object ({ ... }).",
                    "start from decisions/pcd-1717.json.", 1, 1)
    half = next((c for s in _strings(data) for c in _SURROGATE.findall(s)), None)
    if half:
        escape = re.search(rf"\\u{ord(half):04x}", text, re.IGNORECASE)
        raise _fail(display, f"the escape \\u{ord(half):04x} is half of a character pair "
                    "(a lone surrogate), which no document can hold.",
                    "write the character itself, or both halves of the pair.",
                    *_line_col(text, escape.start() if escape else 0)) from None
    return Source(path, display, data, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _strings(value):
    """Every string and key in parsed JSON (a loop: the data may be deep)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            yield from item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _find_key(text: str, key: str) -> tuple[int | None, int | None]:
    needle = json.dumps(key)
    first = text.find(needle)
    second = text.find(needle, first + 1)
    return _line_col(text, second) if second >= 0 else (None, None)


def _syntax_problem(display: str, text: str, exc: json.JSONDecodeError):
    before = text[:exc.pos].rstrip()
    hint = None
    if before.endswith(",") and text[exc.pos:exc.pos + 1] in "]}":
        line, col = _line_col(text, len(before) - 1)
        return _fail(display, "there is a comma after the last item.",
                     "JSON does not allow a trailing comma: delete it.",
                     line, col)
    if exc.msg.startswith("Expecting ',' delimiter"):
        hint = "a comma is probably missing at the end of the previous line."
    elif exc.msg.startswith("Expecting property name"):
        hint = 'keys must be in double quotes: "key": value.'
    elif exc.msg.startswith("Invalid control character"):
        hint = r"write a line break inside text as \n."
    return _fail(display, f"this is not valid JSON ({exc.msg.lower()}).",
                 hint, exc.lineno, exc.colno)
