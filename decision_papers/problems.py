"""Problems are data: every failure a user can cause becomes a ``Problem``.

Modelled on jsonschema's errors: a problem knows *where* it is (file, line,
JSON path or template line) and *what* to do about it, so the command line can
print them all at once and tests can compare them exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Place:
    """One location a problem touches."""

    file: str
    """Path as the user typed it (or as found under ``decisions/``)."""
    line: int | None = None
    """1-based line number, when known."""
    column: int | None = None
    """1-based column, when known."""
    json_path: str | None = None
    """JSONPath-style location such as ``$.contracts.vru.variation``."""

    def __str__(self) -> str:
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        if self.json_path:
            text += f": {self.json_path}"
        return text


@dataclass(frozen=True)
class Problem:
    """A plain-English finding about a source, a template or the build."""

    message: str
    """One sentence saying what is wrong, in the user's terms."""
    places: tuple[Place, ...] = ()
    """Every place the problem touches; the first is the main one."""
    hint: str | None = None
    """How to fix it, when there is something useful to say."""
    rule: str = "source"
    """Stable rule id, e.g. ``schema``, ``json``, ``sum``, ``template``."""
    severity: str = "error"
    """``error`` fails the build; ``warning`` fails it only with ``--strict``."""
    details: dict = field(default_factory=dict, compare=False)
    """Machine-readable extras (expected, stated, difference...)."""

    def render(self) -> str:
        """Format the problem for a terminal: location first, then message."""
        where = str(self.places[0]) if self.places else "build"
        lines = [f"{where}: {self.severity} [{self.rule}]: {self.message}"]
        for extra in self.places[1:]:
            lines.append(f"  see also {extra}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(printable(line) for line in lines)

    def as_error(self) -> Problem:
        """This finding as an error (``--strict``; a record finding under ``--check``)."""
        return self if self.severity == "error" else Problem(
            self.message, self.places, self.hint, self.rule, "error", self.details)

    def line(self) -> str:
        """The problem on one line, its fix after it (``--check``: one line per finding)."""
        where = str(self.places[0]) if self.places else "build"
        fix = f" Fix: {self.hint[:1].upper()}{self.hint[1:]}" if self.hint else ""
        return printable(f"{where}: {self.severity} [{self.rule}]: {self.message}{fix}")


_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def shorten(text: str, limit: int) -> str:
    """User text cut to ``limit`` characters with an ellipsis, so a message stays one line."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def printable(text: str) -> str:
    """Show control, line-break and bidi characters as escapes.

    Messages quote the user's text; a newline in it must not start a new line
    of output, and a right-to-left override must not reorder what is shown.
    """
    return _INVISIBLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def json_path(parts) -> str:
    """Turn path parts (keys and indexes) into ``$.a.b[0]`` form."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part.isidentifier():
            text += f".{part}"
        else:
            text += "[" + repr(part).replace("'", '"') + "]"
    return text


def pointer(parts) -> str:
    """Turn path parts into an RFC 6901 JSON pointer."""
    return "".join(
        "/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts
    )
