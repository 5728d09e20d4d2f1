"""Read a decision source and remember where every value came from.

The standard ``json`` module is strict about syntax but silent about two
things that bite hand-written files: duplicate keys (it keeps the last) and
``NaN``/``Infinity``.  Both are refused here.  Numbers with a fraction are
read as ``Decimal`` so money is never a float.  Line numbers for JSON paths
come from one pass over the text (``_scan``), without recursion, so a deeply
nested value cannot cost every other problem its line number.
"""

from __future__ import annotations

import bisect
import json
import re
import stat
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from decision_papers.errors import Failure, ProblemsFound
from decision_papers.problems import Place, Problem, json_path, shorten
from decision_papers.projects import MAX_BYTES, display_path


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
    _newlines: list | None = field(default=None, repr=False)

    def place(self, parts=()) -> Place:
        """The file, line and column of the value at ``parts``.

        Falls back to the nearest enclosing value that exists, so a problem
        about a missing key points at the object that should hold it.
        """
        if self._map is None:
            self._map = _scan(self.text)[0]
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        node, offset = self._map, self._map.get(None)
        for part in parts:
            node = node.get(part)
            if node is None:
                break
            offset = node[None]
        if offset is None:
            return Place(self.display, None, None, json_path(parts))
        line = bisect.bisect_left(self._newlines, offset)  # newlines before it
        column = offset - (self._newlines[line - 1] + 1 if line else 0)
        return Place(self.display, line + 1, column + 1, json_path(parts))


def _fail(display: str, message: str, hint: str | None = None,
          line: int | None = None, column: int | None = None) -> ProblemsFound:
    return ProblemsFound([Problem(message, (Place(display, line, column),),
                                  hint, rule="json")])


MAX_DIGITS, MAX_EXPONENT = 20, 15
"""No figure needs more; beyond this, Decimal arithmetic would round."""


class _TooBig(Failure):
    """A number too large (or too precise) for any decision paper; reported as the JSON's."""

    rule = "json"

    def __init__(self, text: str, why: str = "large"):
        super().__init__(text)
        self.text, self.why = text, why


_OUT_OF_RANGE = {  # why → (message after "the number X", hint)
    "large": ("is too large for a decision paper.",
              f"numbers here have at most {MAX_DIGITS} digits and are below "
              f"10^{MAX_EXPONENT}; check for extra digits."),
    "small": ("is too small for a decision paper: it is nearer to zero than "
              f"0.{'0' * (MAX_DIGITS - 1)}1.",
              "write 0 for nothing; money has at most two decimal places."),
    "precise": (f"has more than {MAX_DIGITS} digits, more than a decision paper can hold "
                "exactly.", "round it; money has at most two decimal places."),
}


def _decimal(text: str) -> Decimal:
    value = Decimal(text)
    if not value:
        return Decimal(0)  # -0.0, 0e-4000 and 0.00 are all zero, recorded as 0
    if value.adjusted() >= MAX_EXPONENT:
        raise _TooBig(text, "large")
    if value.adjusted() < -MAX_DIGITS:
        raise _TooBig(text, "small")
    if len(value.as_tuple().digits) > MAX_DIGITS:
        raise _TooBig(text, "precise")
    return value


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_EXPONENT:
        raise _TooBig(text)
    return int(text)


def _reject_constant(name: str):
    raise ValueError(name)


class _DuplicateKey(Failure, ValueError):
    rule = "json"
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


def _file_type(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not an ordinary file"


def _read(path: Path, size: int) -> bytes:
    """The bytes of a regular file of ``size`` bytes, at most ``MAX_BYTES + 1`` of them.

    A file's size can be wrong (/proc files report none, and
    /proc/self/pagemap holds gigabytes) or change after ``stat``, so every
    file is read only up to the limit, plus one byte to tell it was over.
    """
    with path.open("rb") as handle:
        return handle.read(MAX_BYTES + 1)


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def load(path: Path) -> Source:
    """Read and parse one source file, or raise ``ProblemsFound``."""
    display = display_path(path)
    if path.is_dir():
        raise _fail(display, "this is a folder, not a decision file.",
                    "give the path of a .json file inside it.")
    too_big = ("a decision source should be a few dozen kilobytes; check that this is the "
               "right file.")
    try:
        info = path.stat()  # never opens it: opening a named pipe waits for a writer
        if not stat.S_ISREG(info.st_mode):
            raise _fail(display, f"this is {_file_type(info.st_mode)}, not a decision file.",
                        "give the path of a .json file.")
        if info.st_size > MAX_BYTES:
            raise _fail(display, f"the file is {info.st_size:,} bytes; the limit is "
                        f"{MAX_BYTES:,} bytes.", too_big)
        raw = _read(path, info.st_size)
        if len(raw) > MAX_BYTES:
            raise _fail(display, f"the file is more than {MAX_BYTES:,} bytes; the limit is "
                        f"{MAX_BYTES:,} bytes.", too_big)
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
        key, at = _scan(text)[1] or (exc.key, None)
        raise _fail(display, f'the key "{shorten(key, 60)}" appears twice in the same '
                    "object; JSON keeps only the last one.",
                    "delete or rename one of them.",
                    *(_line_col(text, at) if at is not None else (None, None))) from None
    except json.JSONDecodeError as exc:
        raise _syntax_problem(display, text, exc) from None
    except _TooBig as exc:
        message, hint = _OUT_OF_RANGE[exc.why]
        raise _fail(display, f"the number {shorten(exc.text, 30)} {message}", hint,
                    *_line_col(text, _bare(text, exc.text))) from None
    except ValueError as exc:
        name = str(exc)
        raise _fail(display, f"{name} is not a number JSON allows.",
                    "write a real number, or leave the field out.",
                    *_line_col(text, _bare(text, name))) from None
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


_TOKEN = re.compile(r'"(?:[^"\\]+|\\.)*"|[{}\[\],:]|[^ \t\n\r{}\[\],:"]+', re.S)
"""A string, a punctuation mark, or a bare word (number, true, NaN...); blanks between."""


def _bare(text: str, word: str) -> int:
    """Where ``word`` first occurs outside strings (the parser met it first); else 0."""
    return next((m.start() for m in _TOKEN.finditer(text) if m.group() == word), 0)


def _key(token: str) -> str:
    try:
        return json.loads(token)
    except ValueError:
        return token[1:-1]


def _scan(text: str) -> tuple[dict, tuple[str, int] | None]:
    """Where every value is, and the first key repeated in its object.

    The map is a tree: ``{None: offset, key or index: subtree...}``, where the
    offset is that of a member's key, or of an array item or the root value.
    A loop over tokens, not recursion, so any depth that ``json`` parsed is
    mapped.  The scan stops at the first repeated key, as ``(key, offset)``.
    """
    root: dict = {}
    stack: list[list] = []  # [node, is_object, expecting a key, pending member, next index]
    for match in _TOKEN.finditer(text):
        token, at = match.group(), match.start()
        frame = stack[-1] if stack else None
        if token in "]}":
            if stack:
                stack.pop()
            continue
        if token == ",":
            if frame and frame[1]:
                frame[2] = True
            continue
        if token == ":":
            continue
        if frame and frame[1] and frame[2]:  # a key
            key = _key(token)
            if key in frame[0]:
                return root, (key, at)
            frame[3] = frame[0][key] = {None: at}
            frame[2] = False
            continue
        if frame is None:  # the root value
            node = root
            root[None] = at
        elif frame[1]:
            node = frame[3] if frame[3] is not None else {None: at}  # (not valid JSON)
        else:
            node = frame[0][frame[4]] = {None: at}
            frame[4] += 1
        if token in "{[":
            stack.append([node, token == "{", token == "{", None, 0])
    return root, None


_CURLY = "“”‘’"
"""Word's typographic quotes, which JSON does not read as quotes."""

_QUOTE_AFTER = re.compile(r"[ \t]*(?:[:,}\]]|\r?\n|\Z)")
_CURLY_MARK = re.compile(f"[{_CURLY}]")
_QUOTES = _CURLY + "\"'"
_ANY_QUOTE = re.compile(f"[{_QUOTES}]")
_QUOTED = re.compile(r"""'([^'\r\n]*)'""")
_GROUPED = re.compile(r"-?[0-9]+(?:,[0-9]+)+(?:\.[0-9]+)?")
_GROUP_START = re.compile(r"(?<![0-9.])-?[0-9]+,\Z")
_MONEY = re.compile(r"[£€$][ \t]*-?[0-9][0-9,]*(?:\.[0-9]+)?")
_BARE = re.compile(r"[^,}\]\r\n]*")
_WORD = re.compile(r"[^\W\d][\w-]*")
_CONSTANTS = {"true": "true", "false": "false", "none": "null", "null": "null"}


def _fixed(inner: str) -> str:
    """``inner`` as a JSON string in straight double quotes, shortened."""
    return '"' + shorten(inner, 40).replace('"', '\\"') + '"'


def _opens(text: str, start: int, at: int) -> bool:
    """Whether a quote at ``at`` stands where a string starts (after ``{[,:`` or the indent)."""
    while at > start and text[at - 1] in " \t":
        at -= 1
    return at == start or text[at - 1] in "{[,:"


def _curly_quote(text: str, pos: int) -> int | None:
    """A curly quote on the failing line, up to ``pos``, placed where a quote belongs.

    A quote belongs after the start of a line, ``{``, ``[``, ``,`` or ``:``, or
    before ``:``, ``,``, ``}``, ``]`` or the end of the line; an apostrophe in
    a word (the council’s) is in neither place.
    """
    start = text.rfind("\n", 0, pos) + 1
    for match in _CURLY_MARK.finditer(text, start, pos + 1):
        at = match.start()
        if at == pos or _opens(text, start, at) or _QUOTE_AFTER.match(text, at + 1):
            return at
    return None


def _curly_problem(display: str, text: str, at: int, pos: int) -> ProblemsFound:
    """The curly quote at ``at``, with the quoted text retyped when its other quote is found."""
    mark = text[at]
    pair = "“ ”" if mark in "“”" else "‘ ’"
    hint = f'replace the curly quotes {pair} with straight quotes ".'
    start, end = text.rfind("\n", 0, at) + 1, text.find("\n", at)
    end = len(text) if end < 0 else end
    if at == pos or _opens(text, start, at):  # the other quote closes: before , : } ] or the end
        other = next((m.start() for m in _ANY_QUOTE.finditer(text, at + 1, end)
                      if _QUOTE_AFTER.match(text, m.start() + 1)), None)
        span = None if other is None else (at, other + 1)
    else:  # the other quote opens: after { [ , : or the indent
        other = next((i for i in range(at - 1, start - 1, -1)
                      if text[i] in _QUOTES and _opens(text, start, i)), None)
        span = None if other is None else (other, at + 1)
    if span:
        typed = text[span[0]:span[1]]
        hint = (f"type {_fixed(typed[1:-1])} instead of {shorten(typed, 42)}: " + hint)
    return _fail(display, f"{mark} is a curly quote (as Word types it), which JSON does not "
                 "read as a quote.", hint, *_line_col(text, at))


def _line_break_problem(display: str, text: str, pos: int) -> ProblemsFound:
    """A line break inside quotes: Enter pressed in the text, or a closing quote left out."""
    after = text[pos:].lstrip("\r\n").lstrip(" \t")
    closes_here = after[:1] == '"' and _QUOTE_AFTER.match(after, 1)
    if after[:1] in ("", "}", "]") or (after[:1] == '"' and not closes_here):
        # the next line starts something new, so this text was never closed
        line_start = text.rfind("\n", 0, pos) + 1
        content = text[line_start:pos].rstrip()
        if content.endswith(","):
            at, where = line_start + len(content) - 1, ", before the comma"
        else:
            at, where = line_start + len(content), ""
        return _fail(display, "this text has no closing quote: the line ends inside it.",
                     f'type a straight quote " at the end of the text{where}.',
                     *_line_col(text, at))
    return _fail(display, "this text runs onto a new line (Enter was pressed inside the "
                 "quotes).",
                 r"text in quotes must stay on one line: join the lines, and type \n\n for "
                 r'a new paragraph or \n- for a bullet, e.g. "first line\n- a bullet"; or keep '
                 "the decision as a folder and write long sections in their Markdown files "
                 "(docs/officers-guide.md).",
                 *_line_col(text, pos))


def _syntax_problem(display: str, text: str, exc: json.JSONDecodeError):
    """Name the mistake a person typing JSON by hand most probably made, and its fix."""
    pos, msg = exc.pos, exc.msg
    here = text[pos:pos + 1]
    before = text[:pos].rstrip()
    if before.endswith(",") and text[exc.pos:exc.pos + 1] in "]}":
        line, col = _line_col(text, len(before) - 1)
        return _fail(display, "there is a comma after the last item.",
                     "JSON does not allow a trailing comma: delete it.",
                     line, col)
    curly = _curly_quote(text, pos)
    if curly is not None:
        return _curly_problem(display, text, curly, pos)
    if msg.startswith("Invalid control character"):
        if here in "\r\n":
            return _line_break_problem(display, text, pos)
        return _fail(display, f"the text holds an invisible control character "
                     f"(U+{ord(here):04X}), which JSON does not allow inside quotes.",
                     "delete it; it usually comes from pasting out of another program.",
                     exc.lineno, exc.colno)
    if msg.startswith("Unterminated string"):
        return _fail(display, "this text has no closing quote.",
                     'type a straight quote " at the end of the text.', exc.lineno, exc.colno)
    money = _MONEY.match(text, pos)
    if money:
        amount, sign = money.group(), money.group()[0]
        plain = re.sub(r"[£€$, \t]", "", amount)
        also = " and the commas" if "," in amount else ""
        return _fail(display, f"the amount {shorten(amount, 30)} starts with a {sign} sign; "
                     "a number in JSON is digits only.",
                     f"leave out the {sign} sign{also}: type {shorten(plain, 30)} instead of "
                     f"{shorten(amount, 30)}.", exc.lineno, exc.colno)
    if msg.startswith("Expecting property name") and here and here in "0123456789":
        window = max(0, pos - 40)  # a longer figure is not a typing slip
        first = _GROUP_START.search(text[window:pos])
        number = first and _GROUPED.match(text, window + first.start())
        if number:
            head, rest = number.group().split(",", 1)
            whole, plain = shorten(number.group(), 30), shorten(head + rest.replace(",", ""), 30)
            rest = shorten(rest, 30)
            return _fail(display, f"the number {whole} has a comma in it; JSON reads it as "
                         f"{head} followed by a stray {rest}.",
                         f"write numbers without commas: type {plain} instead of {whole}.",
                         *_line_col(text, pos - 1))
    if here == "'" and msg.startswith(("Expecting property name", "Expecting value")):
        quoted = _QUOTED.match(text, pos)
        if quoted:
            return _fail(display, f"{shorten(quoted.group(), 42)} is in single quotes; JSON "
                         "needs double quotes.",
                         f"type {_fixed(quoted.group(1))} instead of "
                         f"{shorten(quoted.group(), 42)}.", exc.lineno, exc.colno)
        return _fail(display, "' is a single quote; JSON needs double quotes.",
                     "replace ' with \".", exc.lineno, exc.colno)
    word = _WORD.match(text, pos)
    if word and msg.startswith("Expecting property name"):
        key = shorten(word.group(), 40)
        return _fail(display, f"the key {key} has no quotes around it.",
                     f'keys go in straight double quotes: type "{key}" instead of {key}.',
                     exc.lineno, exc.colno)
    if word and msg.startswith("Expecting value"):
        constant = _CONSTANTS.get(word.group().lower())
        if constant:
            return _fail(display, f"{shorten(word.group(), 40)} is not a JSON value.",
                         f"write {constant}, in lower case and without quotes.",
                         exc.lineno, exc.colno)
        value = _BARE.match(text, pos).group().rstrip()
        return _fail(display, f"the text {shorten(value, 40)} is not in quotes.",
                     f"text goes in straight double quotes: type {_fixed(value)} instead of "
                     f"{shorten(value, 40)}.", exc.lineno, exc.colno)
    hint = None
    if msg.startswith("Expecting ',' delimiter"):
        hint = "a comma is probably missing at the end of the previous line."
    elif msg.startswith("Expecting property name"):
        hint = 'keys must be in double quotes: "key": value.'
    return _fail(display, f"this is not valid JSON ({msg.lower()}).",
                 hint, exc.lineno, exc.colno)
