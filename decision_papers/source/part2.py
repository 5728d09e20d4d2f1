"""Part 2 (confidential) material: where it is kept, and what never leaves it.

Part 1 is built from the source with ``part2`` removed (``public``), by the
steps any source takes, so nothing confidential can reach a published
output.  Findings about Part 2 name only their place outside a Part 2 build
(``withheld``), so a build log (CI's) holds nothing confidential.

Part 2 stays out of the repository.  Part 1 papers are committed so
reviewers can diff them.  A Part 2 paper, or a Part 2 file, in the same work
tree is one ``git add -A`` away from being committed, and once committed it
stays in git history even after it is deleted.  So each check asks git
whether it could commit the path: a folder git ignores (listed in
``.gitignore``) is as safe as one outside.

A source may say ``"part2": {"location": "../../confidential/pcd-1717.part2.json"}``
instead of holding the material, so the source (and its Part 1) can be
committed while the confidential text never enters the work tree, and so
never its history.  The file holds exactly what an inline ``part2`` holds.
Only a ``--part2`` build reads it; every other build never opens it and
builds Part 1 as for inline material, byte for byte the same.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from decision_papers import git
from decision_papers.errors import ProblemsFound
from decision_papers.problems import Place, Problem, json_path
from decision_papers.projects import display_path
from decision_papers.source.characters import control_characters
from decision_papers.source.load import Source, load
from decision_papers.source.validate import validate

MATERIAL = ("exemption", "paragraphs", "figures", "annexes")
"""The keys of Part 2 material: inline in ``part2``, or in the file its location names."""


def public(source: Source) -> Source:
    """The source without its Part 2: what every Part 1 output is built from."""
    return replace(source, data={k: v for k, v in source.data.items() if k != "part2"})


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
        return source, [_about_part2_file(p) for p in exc.problems()]
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


# -- findings: confidential details stay in a Part 2 build ---------------------------

def about_part2(problems: list[Problem]) -> list[Problem]:
    """Findings whose main place is Part 2; Part 1's are the public build's to report."""
    return [p for p in problems if p.places and _in_part2(p.places[0])]


def _in_part2(place: Place) -> bool:
    return (place.json_path or "").startswith("$.part2")


def withheld(problems: list[Problem], shown: bool) -> list[Problem]:
    """Part 2 findings without their details, unless Part 2 is being built (``shown``).

    A build log (CI's, say) is no place for confidential figures or text, so
    outside a Part 2 build a finding in Part 2 names its place and rule only.
    Messages that name a missing or unknown field quote no value and stay.
    """
    if shown:
        return problems
    out = []
    for problem in problems:
        quotes_nothing = "missing" in problem.details or "parent" in problem.details
        if problem.places and _in_part2(problem.places[0]) and not quotes_nothing:
            problem = Problem(
                "the Part 2 (confidential) material has a problem here; its details are not "
                "printed outside a Part 2 build.", problem.places[:1],
                "build it with --part2 DIR (a folder outside the repository) to see the "
                "details.", problem.rule, problem.severity)
        out.append(problem)
    return out


# -- out of the repository -----------------------------------------------------------

def _committable(top: Path, paths: list[Path]) -> list[Path]:
    """Those of ``paths`` git could commit in ``top``; all of them if git cannot say."""
    try:
        return git.not_ignored(top, paths)
    except git.GitError:  # fail closed: a refusal is cheap, a leak is not
        return [p for p in paths if p.resolve().is_relative_to(top)]


def _ignore_line(top: Path, path: Path) -> str:
    """The ``.gitignore`` line that ignores ``path`` (a folder) from the top."""
    return "/" + path.resolve().relative_to(top).as_posix() + "/"


def folder_refusal(papers: list, part2_dir: Path, out_dir: Path) -> str | None:
    """Why ``--part2 part2_dir`` must not be written, or None.

    The Part 2 files the papers would write are checked in the work tree
    holding the published folder and in those holding the sources: the
    repositories whose ``git add`` would pick them up.
    """
    targets = [part2_dir / name for paper in papers if not paper.failed
               for name in sorted(paper.part2_outputs)]
    if not targets:
        return None
    folders = {out_dir} | {paper.path.parent for paper in papers}
    tops = sorted({top for top in map(git.top_level, folders) if top is not None})
    for top in tops:
        if _committable(top, targets):
            shown = display_path(part2_dir)
            outside = display_path(top.parent / "confidential")
            ignore = "" if part2_dir.resolve() == top else \
                f", or add the line {_ignore_line(top, part2_dir)} to {top / '.gitignore'}"
            return (f"--part2 {shown}: that folder is inside the git repository {top}, and git "
                    "does not ignore it, so the Part 2 (confidential) papers could be "
                    f"committed; give a folder outside the repository (for example --part2 "
                    f"{outside}){ignore}.")
    return None


def location_problems(source: Source) -> list[Problem]:
    """A ``part2.location`` inside a git work tree that does not ignore it (rule ``part2``).

    Checked on every build, though only ``--part2`` reads the file: the
    path alone says whether it could be committed, and CI builds without
    ``--part2``.  The location is in the (committed) source, so the message
    may print it.
    """
    path = location_path(source)
    if path is None:
        return []
    try:  # the path as written, and where a link in it really leads
        for candidate in dict.fromkeys((path, path.resolve())):
            top = git.top_level(candidate)
            if top is not None and _committable(top, [candidate]):
                path = candidate
                break
        else:
            return []
    except (OSError, ValueError, RuntimeError):  # a name too long, say: no file could be there
        return []
    example = os.path.relpath(top.parent / "confidential" / path.name, source.path.parent)
    folder = path.resolve().parent
    ignore = f"add the line {_ignore_line(top, folder)} to {top / '.gitignore'}" \
        if folder != top and folder.is_relative_to(top) else f"list it in {top / '.gitignore'}"
    return [Problem(
        f"the Part 2 file {display_path(path)} is inside the git repository {top}, and git "
        "does not ignore it, so it could be committed.",
        (source.place(("part2", "location")),),
        f'keep it outside the repository (for example "location": "{example}"), or {ignore}; '
        "if it was ever committed, ask the repository's administrator to purge it from git "
        "history.", rule="part2")]
