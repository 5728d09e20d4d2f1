"""Turn source text into safe Markdown for the templates.

Prose is *data*.  It is never run through Jinja, and every character that
Markdown could read as structure is backslash-escaped, so a paragraph that
starts with ``1.`` or ``#`` stays a paragraph.  Only three things are
interpreted:

- ``**bold**`` and ``*italic*`` (or ``_italic_``);
- lines starting ``- `` are bullets (two more spaces of indent nest them), and
  a blank line starts an unnumbered follow-on paragraph;
- ``{figure.id}`` or ``{figure.id:format}`` prints a figure.

``view()`` builds the object the templates see: prose as Markdown strings,
plain text escaped, figures as ``Figure`` objects that print GOV.UK style.
"""

from __future__ import annotations

import re

from decision_papers.figures.ledger import Ledger
from decision_papers.figures.references import REFERENCE, Reference
from decision_papers.kinds import KINDS, figure_leaves
from decision_papers.problems import Problem, shorten
from decision_papers.source.load import Source
from decision_papers.source.walk import leaves, value_at

_STRAY = re.compile(r"\{+[^{}]{0,40}\}+|\{+[\w.:]*|[\w.:]*\}+")
"""A brace left over once the figure references are taken out, with what it holds."""
_PUNCT = set("!\"#$%&'()+,-./:;<=>?@[\\]^`{|}~")
_BULLET = re.compile(r"^( *)- (.*)$")


def escape(text: str) -> str:
    """Escape Markdown structure in plain text (emphasis markers too)."""
    return "".join("\\" + c if c in _PUNCT or c in "*_" else c for c in text)


def _clean(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


def blocks(text: str) -> list[tuple[str, object]]:
    """Split prose into ``("para", text)`` and ``("bullets", [(level, text)])``."""
    result: list[tuple[str, object]] = []
    para: list[str] = []
    bullets: list[list] = []

    def flush():
        if para:
            result.append(("para", _clean(" ".join(para))))
            para.clear()
        if bullets:
            result.append(("bullets", [(lvl, _clean(t)) for lvl, t in bullets]))
            bullets.clear()

    for line in text.replace("\r\n", "\n").split("\n"):
        match = _BULLET.match(line)
        if not line.strip():
            flush()
        elif match:
            if para:
                result.append(("para", _clean(" ".join(para))))
                para.clear()
            level = min(len(match.group(1)) // 2, 2)
            if not bullets:
                level = 0
            else:
                level = min(level, bullets[-1][0] + 1)
            bullets.append([level, match.group(2)])
        elif bullets:
            bullets[-1][1] += " " + line
        else:
            para.append(line)
    flush()
    return result


class Resolver:
    """Resolves ``{figure}`` references for one source and records problems."""

    def __init__(self, source: Source, figures: Ledger, printed=None):
        self.source, self.figures = source, figures
        self.printed = printed or (lambda figure, style: figure.text(style))
        """How a figure is printed: its kind's format, in the form's house style."""
        self.problems: list[Problem] = []
        self.references: list[Reference] = []

    def inline(self, text: str, path: tuple) -> str:
        """One line of prose → escaped Markdown with figures printed.

        A brace that does not make a figure reference (``{x`` left open,
        ``{{x}}``, ``{ x }``) is an error, not text: it is a reference gone
        wrong far more often than a brace meant to be printed.
        """
        out, last = [], 0
        for match in REFERENCE.finditer(text):
            self._stray_braces(text[last:match.start()], path)
            out.append(_escape_mid(text[last:match.start()]))
            out.append(escape(self._figure_text(match, path)))
            last = match.end()
        self._stray_braces(text[last:], path)
        out.append(_escape_mid(text[last:]))
        # a leading "* " or "_ " would start a bullet list or a rule
        return re.sub(r"^([*_]+)(?=\s|$)",
                      lambda m: "".join("\\" + c for c in m.group(1)), "".join(out))

    def _stray_braces(self, text: str, path: tuple) -> None:
        if "{" not in text and "}" not in text:  # every stray brace is one: text is searched fast
            return
        brace = _STRAY.search(text)
        if brace is None:
            return
        snippet = brace.group(0)
        inner = snippet.strip("{} ")
        if snippet[:2] in ("{%", "{#"):
            why, hint = "is template syntax, which a paper never runs", "remove it."
        elif snippet.startswith("{{") or snippet.endswith("}}"):
            why, hint = "has double braces", f"write one pair: {{{inner}}}."
        elif snippet.startswith("{") and snippet.endswith("}"):
            why, hint = "has spaces or characters a figure's name cannot have", \
                f"write the figure's name with no spaces: {{{inner.replace(' ', '')}}}."
        elif snippet.startswith("{"):
            why, hint = "is not closed", f"close it: {{{inner}}}."
        else:
            why, hint = "has a closing brace with no opening one", f"open it: {{{inner}}}."
        self.problem(f'"{shorten(snippet, 40)}" looks like a figure reference but {why}.', path,
                      hint + " A brace can only start a figure reference, such as "
                      "{figures.total}.")

    def _figure_text(self, match, path) -> str:
        fid, style = match.group(1), match.group(2) or ""
        figure = self.figures.get(fid)
        if figure is None and fid.startswith("part2."):
            self.problem(f'"{{{fid}}}" is a confidential Part 2 figure; Part 1 can only say '
                          "that a Part 2 form exists.", path,
                          "move the sentence into part2.paragraphs.")
            return match.group(0)
        if figure is None:
            if fid in self.figures.broken:
                return match.group(0)  # its formula is reported by the checks
            near = self.figures.closest(fid)
            listing = f"python build.py explain {self.source.data.get('id', '<id>')}"
            hint = f"did you mean {{{near}}}? ({listing} lists them all)" if near else \
                f"name a figure the paper states or computes; {listing} lists them all."
            self.problem(f'"{{{fid}}}" does not name a figure.', path, hint)
            return match.group(0)
        if figure.value is None:
            why = self.figures.uncomputable.get(fid, "it has no value")
            self.problem(f'"{match.group(0)}" cannot be printed: {why}.', path,
                          "correct the figures it is computed from, or print them instead.")
            return match.group(0)
        formats = KINDS[figure.kind].formats
        if style not in formats:
            allowed = ", ".join(f"{{{fid}:{s}}}" if s else f"{{{fid}}}" for s in formats)
            self.problem(f'"{match.group(0)}" asks for a format "{style}" that '
                          f"{KINDS[figure.kind].what} does not have.", path, f"use {allowed}.")
            return match.group(0)
        self.references.append(Reference(fid, style, path, match.string[:match.start()][-40:],
                                         match.string[match.end():][:40]))
        return self.printed(figure, style)

    def block(self, text: str, path: tuple) -> str:
        """A prose field → Markdown paragraphs and bullet lists."""
        parts = []
        found = blocks(text)
        if found and found[0][0] == "bullets":
            self.problem("this text starts with a bullet list; a paragraph needs a sentence "
                          "before its bullets.", path,
                          'add a sentence that introduces the list, e.g. "The options are:".',
                          rule="text")
        for kind, content in found:
            if kind == "para":
                parts.append(self.inline(content, path))
            else:
                parts.append("\n".join("  " * lvl + "- " + self.inline(t, path)
                                       for lvl, t in content))
        return "\n\n".join(parts)

    def problem(self, message, path, hint=None, rule="reference"):
        """Record a finding at the prose field ``path``."""
        self.problems.append(Problem(message, (self.source.place(path),), hint, rule=rule))


def _escape_mid(text: str) -> str:
    return text.translate(_ESCAPED)


_ESCAPED = str.maketrans({c: "\\" + c for c in _PUNCT})
"""Each ASCII punctuation character, backslash-escaped (CommonMark's escapable set)."""


def view(source: Source, figures: Ledger, printed=None) -> tuple[dict, Resolver]:
    """The data the templates see, with every string made safe Markdown."""
    resolver = Resolver(source, figures, printed)
    replaced, figure_kinds = {}, figure_leaves()
    for parts, kind, value in leaves(source.data):
        if kind == "prose":
            replaced[parts] = resolver.block(value, parts)
        elif kind == "inline":
            replaced[parts] = resolver.inline(_clean(value), parts)
        elif kind in figure_kinds:
            fid = ".".join(str(p) for p in parts)
            figure = figures.get(fid, figures.get(fid.removesuffix(".stated")))
            replaced[parts] = None if figure is None else Shown(figure, resolver.printed)
    return _rebuild(source.data, (), replaced), resolver


class Shown:
    """A figure as a template prints it (``{{ approval.date }}``): in the form's house style.

    Everything else about the figure (``value``, ``kind``...) reads through.
    """

    def __init__(self, figure, printed):
        self.figure, self._printed = figure, printed

    def __str__(self) -> str:
        return self._printed(self.figure, "")

    def __getattr__(self, name):
        return getattr(self.figure, name)


SCHEDULE_ROWS = ("by_year", "instalments")
"""Where a budget (``by_year``), or a grant or income (``instalments``), lists its amounts."""


def schedules(source: Source, figures: Ledger, printed, places: tuple[str, ...],
              resolver: Resolver) -> dict:
    """The schedule tables a form prints, by their place in the source (``tables.spend``).

    Each place names a budget, grant or income (``budgets.programme``); its
    table is a row for each amount by financial year (a budget's ``by_year``,
    a grant's or income's ``instalments``), then its total, all printed from
    the figure ledger, where the schedule check has summed them.  A place that
    names no such schedule is a reference problem there.
    """
    found = {}
    for place in places:
        parts = tuple(place.split("."))
        ref = value_at(source.data, parts)
        if not isinstance(ref, str):
            continue  # not given (the form's schema says whether it must be)
        block = value_at(source.data, tuple(ref.split(".")))
        key = next((k for k in SCHEDULE_ROWS if isinstance(block, dict)
                    and isinstance(block.get(k), dict) and block[k]), None)
        if key is None:
            resolver.problem(f'{place} names "{ref}", which is not a budget, grant or income '
                              "with amounts by financial year.", parts,
                              "name one, e.g. budgets.programme, whose by_year (or a grant's "
                              "instalments) lists the amounts.")
            continue
        table = {"rows": [], "total": ""}
        for name, row in block[key].items():
            cells = {}
            for cell in ("financial_year", "amount"):
                fid = f"{ref}.{key}.{name}.{cell}"
                cells[cell] = _shown(figures.get(fid), printed, resolver, fid, parts)
            cells["label"] = escape(row.get("label", ""))
            table["rows"].append(cells)
        table["total"] = _shown(figures.get(f"{ref}.total"), printed, resolver, f"{ref}.total",
                                parts)
        found[place] = table
    return found


def _shown(figure, printed, resolver: Resolver, fid: str, path: tuple) -> str:
    if figure is None or figure.value is None:
        return ""  # the figure's own problem is reported by the checks
    resolver.references.append(Reference(fid, "", path))
    return escape(printed(figure, ""))


def _rebuild(value, parts, replaced):
    if parts in replaced:
        return replaced[parts]
    if isinstance(value, dict):
        return {k: _rebuild(v, parts + (k,), replaced) for k, v in value.items()}
    if isinstance(value, list):
        return [_rebuild(v, parts + (i,), replaced) for i, v in enumerate(value)]
    if isinstance(value, str):
        return escape(value)
    return value
