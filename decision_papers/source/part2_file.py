"""Part 2 material kept in a file of its own, outside the repository.

A source may say ``"part2": {"location": "../../confidential/pcd-1717.part2.json"}``
instead of holding the material, so the source (and its Part 1) can be
committed while the confidential text never enters the work tree, and so
never its history.  The file holds exactly what an inline ``part2`` holds.
Only a ``--part2`` build reads it; every other build never opens it and
builds Part 1 as for inline material, byte for byte the same.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path

from decision_papers.problems import Place, Problem, ProblemsFound, json_path
from decision_papers.render.prose import control_characters
from decision_papers.source.load import Source, load
from decision_papers.projects import display_path
from decision_papers.source.validate import validate

MATERIAL = ("exemption", "paragraphs", "figures", "annexes")
"""The keys of Part 2 material: inline in ``part2``, or in the file its location names."""


def location(data: dict) -> str | None:
    """What ``part2.location`` says, if the source keeps its material elsewhere."""
    part2 = data.get("part2")
    return part2.get("location") if isinstance(part2, dict) else None


def location_path(source: Source) -> Path | None:
    """The Part 2 file: its location read from the source's folder (a full path as it is)."""
    where = location(source.data)
    return None if where is None else source.path.parent / where


def inline(data: dict) -> list[str]:
    """The keys of Part 2 material the source itself holds."""
    part2 = data.get("part2")
    return [key for key in MATERIAL if isinstance(part2, dict) and key in part2]


@dataclass
class WithPart2(Source):
    """A source with its Part 2 material read from the file ``part2.location`` names.

    Every place under ``$.part2`` is in that file (its line and column), so a
    finding about the material points where it can be fixed.  The JSON path
    stays ``$.part2…``: that is where the material sits in the decision.
    """

    part2_source: Source | None = None
    """The Part 2 file, parsed."""

    def place(self, parts=()) -> Place:
        parts = tuple(parts)
        if parts[:1] != ("part2",) or self.part2_source is None:
            return super().place(parts)
        inner = self.part2_source.place(parts[1:])
        return Place(inner.file, inner.line, inner.column, json_path(parts))


def resolve(source: Source) -> tuple[Source, list[Problem]]:
    """The source with the material of its Part 2 file in ``part2`` (for ``--part2`` only).

    A file that is missing or cannot be read is a problem at
    ``$.part2.location``; a file that is not valid is one in the file, checked
    against the schema's own ``part2`` definition.  On a problem the source
    comes back as it was.
    """
    path = location_path(source)
    shown = display_path(path)
    folder = display_path(source.path.parent) + "/"

    def refused(message: str, hint: str) -> tuple[Source, list[Problem]]:
        return source, [Problem(message, (source.place(("part2", "location")),), hint,
                                rule="part2")]

    try:
        mode = path.stat().st_mode  # never opens it: opening a named pipe waits for a writer
        if stat.S_ISDIR(mode):
            return refused(f"the Part 2 file {shown} is a folder.",
                           "give the path of the .json file inside it.")
        if not stat.S_ISREG(mode):
            return refused(f"the Part 2 file {shown} is not an ordinary file.",
                           "give the path of a .json file.")
        with path.open("rb"):
            pass
    except FileNotFoundError:
        return refused(f"the Part 2 file {shown} does not exist.",
                       f"a location is read from this source's folder ({folder}); check the "
                       "path, or build without --part2 (Part 1 does not need the file).")
    except (OSError, ValueError) as exc:
        return refused(f"the Part 2 file {shown} cannot be read "
                       f"({getattr(exc, 'strerror', None) or exc}).",
                       "check the path, and that you have permission to read the file.")
    try:
        material = load(path)
    except ProblemsFound as exc:
        return source, [_about_part2_file(p) for p in exc.problems]
    merged = WithPart2(source.path, source.display, {**source.data, "part2": material.data},
                       source.text, part2_source=material)
    problems = validate(merged) + control_characters(merged)
    if "location" in material.data:
        problems.append(Problem(
            "a Part 2 file holds the material itself; it cannot name another location.",
            (merged.place(("part2", "location")),), "delete location from this file.",
            rule="part2"))
    return (source if problems else merged), problems


def _about_part2_file(problem: Problem) -> Problem:
    """A load problem, with hints about a decision source made about a Part 2 file."""
    if "decisions/pcd-1717.json" not in (problem.hint or ""):
        return problem
    return Problem(problem.message, problem.places, "a Part 2 file is one JSON object holding "
                   "exemption and paragraphs, and any figures and annexes.", problem.rule,
                   problem.severity, problem.details)
