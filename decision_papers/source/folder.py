"""A decision kept as a folder: ``decision.json`` plus a Markdown file per long section.

Officers write prose as prose.  ``decisions/<id>/decision.json`` holds the
structured data and the figures; each long part (the background, the
financial comments...) may be a Markdown file of its own, named in the form's
descriptor (``files``: ``{"part1.background": "background.md"}``).  A file's
paragraphs, separated by blank lines, become that part's numbered paragraphs;
bullets (``- ``, indented two spaces to nest) belong to the paragraph above;
``**bold**``, ``*italic*`` and ``{figure}`` references work as in JSON prose.

The text is read into the same place of the source as if it had been typed
in the JSON, so every later step (the schema, the checks, the safety rules
of ``render.prose``) treats it exactly alike.  What a Markdown file could
only mean as document structure (a heading, a numbered list, a quote, a
table, a code block) is refused with its line, since the form gives the
structure.  Every problem in a file's text is reported at that file's line.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path

from decision_papers.errors import ProblemsFound
from decision_papers.problems import Place, Problem, json_path
from decision_papers.projects import MAX_BYTES, display_path
from decision_papers.source.load import Source, load
from decision_papers.source.walk import value_at

DECISION = "decision.json"
_QUOTED = re.compile(r'^"([^"]{1,200})"')
"""The text a message quotes first: ``"{figures.totl}" does not name a figure``."""
"""The structured part of a decision folder."""


@dataclass
class FolderSource(Source):
    """A source read from a decision folder: ``place`` knows the Markdown files' lines."""

    markdown: dict = field(default_factory=dict)
    """Path parts of a part read from Markdown → the ``Place`` of each of its paragraphs
    (index 0, 1...), then the file itself (key ``None``)."""
    lines: dict = field(default_factory=dict)
    """Each Markdown file's lines, by the name messages show it by."""

    def refined(self, problem: Problem) -> Problem:
        """``problem`` pointed at the column of the text it quotes, in a Markdown file.

        A finding about prose names the paragraph (its first line); where the
        message quotes what is wrong (``"{figures.totl}" does not name a
        figure``), the quoted text is found in the paragraph's lines, so the
        officer's editor can go straight to it.
        """
        place = problem.places[0] if problem.places else None
        quoted = _QUOTED.search(problem.message)
        if place is None or quoted is None or place.file not in self.lines or not place.line:
            return problem
        lines = self.lines[place.file]
        for number in range(place.line, len(lines) + 1):
            if number > place.line and not lines[number - 1].strip():
                break  # the paragraph ended
            column = lines[number - 1].find(quoted.group(1))
            if column >= 0:
                found = Place(place.file, number, column + 1, place.json_path)
                return replace(problem, places=(found, *problem.places[1:]))
        return problem

    def place(self, parts=()) -> Place:
        parts = tuple(parts)
        for prefix, places in self.markdown.items():
            if parts[:len(prefix)] == prefix:
                index = parts[len(prefix)] if len(parts) > len(prefix) else None
                found = places.get(index, places[None])
                return Place(found.file, found.line, found.column, json_path(parts))
        return super().place(parts)


def is_decision_folder(path: Path) -> bool:
    """True for a folder holding ``decision.json``."""
    return path.is_dir() and (path / DECISION).is_file()


def read(path: Path, files_of) -> Source:
    """A source file, or a decision folder with its Markdown files (``load_folder``)."""
    return load_folder(path, files_of) if is_decision_folder(path) else load(path)


def load_folder(folder: Path, files_of) -> FolderSource:
    """Read ``folder``: its ``decision.json``, then each Markdown file its form names.

    ``files_of(data)`` is the form's ``{place: file name}`` for the JSON read, or
    ``None`` when the form cannot be known (then the JSON is read alone).
    ``ProblemsFound`` lists every problem in every file at once: a part given
    twice, a Markdown file the form does not name, structure a Markdown file
    cannot have.
    """
    source = load(folder / DECISION)
    source = FolderSource(source.path, source.display, source.data, source.text)
    files = files_of(source.data)
    if files is None:
        return source
    problems: list[Problem] = []
    named = {name: place for place, name in files.items()}
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() == ".md"):
        if path.name not in named and path.name.lower() in named:
            problems.append(Problem(
                f"{path.name} is not a file this form reads: the form's file is "
                f"{path.name.lower()}, in lower case.", (Place(display_path(path)),),
                f"rename it to {path.name.lower()}.", rule="source"))
            continue
        if path.name not in named:
            known = ", ".join(sorted(named)) or "none"
            problems.append(Problem(
                f"{path.name} is not a file this form reads, so its text would be left out.",
                (Place(display_path(path)),),
                f"rename it to one of the form's files ({known}), or move it out of the folder.",
                rule="source"))
            continue
        place = tuple(named[path.name].split("."))
        if value_at(source.data, place) is not None:
            problems.append(Problem(
                f"{'.'.join(place)} is given twice: in {DECISION} and in {path.name}.",
                (source.place(place), Place(display_path(path))),
                f"keep one: delete {'.'.join(place)} from {DECISION}, or delete {path.name}.",
                rule="source"))
            continue
        parent, depth = source.data, 0
        while depth < len(place) - 1:
            parent = parent.setdefault(place[depth], {})
            if not isinstance(parent, dict):
                break
            depth += 1
        if not isinstance(parent, dict):
            where = ".".join(place[:depth + 1])
            problems.append(Problem(
                f"{where} in {DECISION} is not a block of fields ({{ … }}), so {path.name} "
                "cannot go in it.", (source.place(place[:depth + 1]),),
                f"write {where} as {{ … }} holding the other sections, or delete it.",
                rule="source"))
            continue
        paragraphs, places, found, text = read_markdown(path, place)
        problems += found
        if found:
            continue
        source.lines[display_path(path)] = text.splitlines()
        parent[place[-1]] = paragraphs
        source.markdown[place] = {**dict(enumerate(places)),
                                  None: Place(display_path(path), 1, 1)}
    if problems:
        raise ProblemsFound(problems)
    return source


_STRUCTURE = [
    (re.compile(r" {0,3}#{1,6}(\s|$)"), "a heading",
     "the form gives every heading; write this as an ordinary sentence, or delete it."),
    (re.compile(r" {0,3}\d+[.)]\s"), "a numbered list item",
     "the form numbers the paragraphs: write each point as a paragraph of its own (a blank "
     "line between them), without a number."),
    (re.compile(r" {0,3}>"), "a quotation block",
     "write the quotation in the text, in quotation marks."),
    (re.compile(r" {0,3}(```|~~~)"), "a code block", "write it as ordinary text."),
    (re.compile(r" {0,3}(={3,}|-{3,}|\*{3,}|_{3,})\s*$"), "a heading underline or a rule",
     "the form gives every heading and rule; delete the line."),
    (re.compile(r" {0,3}\|"), "a table row",
     "a table must come from the form; write the facts as sentences or bullets."),
    (re.compile(r"( {4}|\t)\S"), "an indented code block",
     "start the line at the left margin (bullets nest with two spaces)."),
]
"""Markdown that would be document structure, which only the form may give."""
_BULLET = re.compile(r"( *)[-*+] ")


def read_markdown(path: Path, place: tuple):
    """A Markdown file's paragraphs (in JSON prose form), each one's place, the problems,
    and its text.

    As a decision file is: only an ordinary file, read only up to the size
    limit, so a named pipe, a device or a huge file cannot hang or exhaust the
    build.
    """
    shown = display_path(path)

    def refused(message, hint=None, line=None):
        return [], [], [Problem(message, (Place(shown, line, 1 if line else None),), hint,
                                rule="source")], ""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not an ordinary file"
            return refused(f"this is {kind}, not a Markdown file.",
                           "replace it with the section's text, or move it out of the folder.")
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return refused(f"cannot read this file ({exc.strerror}).",
                       "check that you have permission to read it.")
    if len(raw) > MAX_BYTES:
        return refused(f"the file is more than {MAX_BYTES:,} bytes.",
                       "a section is a few pages: check that this is the right file.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return refused(f"byte 0x{raw[exc.start]:02x} is not valid UTF-8.",
                       "save the file as UTF-8.", raw[:exc.start].count(b"\n") + 1)
    paragraphs: list[list[str]] = []
    places: list[Place] = []
    problems: list[Problem] = []
    blank = True
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        if not line.strip():
            blank = True
            continue
        bullet = _BULLET.match(line)
        for pattern, what, hint in _STRUCTURE:
            if not bullet and pattern.match(line):
                problems.append(Problem(
                    f"this line is {what}, which a section's text cannot have.",
                    (Place(shown, number, 1, json_path(place + (max(len(paragraphs) - 1, 0),))),),
                    hint, rule="source"))
                break
        if bullet:  # "* " and "+ " are bullets too; prose writes them "- "
            line = f"{bullet.group(1)}- {line[bullet.end():]}"
        if blank and not (bullet and paragraphs):
            paragraphs.append([line.strip()] if not bullet else [line])
            places.append(Place(shown, number, 1))
        elif blank:  # bullets after a blank line still belong to the paragraph above
            paragraphs[-1].append(line)
        else:
            paragraphs[-1].append(line if bullet else line.strip())
        blank = False
    if not paragraphs and not problems:
        problems.append(Problem("the file is empty.", (Place(shown, 1, 1),),
                                "write the section's paragraphs, or delete the file.",
                                rule="source"))
    return ["\n".join(lines) for lines in paragraphs], places, problems, text
