"""Rules about the paper as a whole, and about a batch of papers."""

from __future__ import annotations

import os
import re
from pathlib import Path

from decision_papers import projects, records
from decision_papers.checks.table import rule
from decision_papers.problems import Place, Problem
from decision_papers.projects import display_path
from decision_papers.source import part2


@rule("part2", "\"Is there a Part 2 form?\" must match whether the source has Part 2 material.")
def part2_declared(ctx) -> None:
    _kept_elsewhere_and_here(ctx)
    data = ctx.source.data
    has, says = ctx.has_part2, data["publication"]["part2"]
    if has == says:
        return
    message = ("the source has Part 2 material, but publication.part2 says there is no "
               "Part 2 form." if has else "publication.part2 says there is a Part 2 form, but "
               "the source has no part2 material.")
    hint = ('set "part2": true in publication.' if has else
            'add the Part 2 material under "part2", or set publication.part2 to false.')
    ctx.problem("part2", message, ("publication", "part2"), hint)


def _kept_elsewhere_and_here(ctx) -> None:
    """Material left inline beside a location defeats keeping it out of git.

    The finding names keys only, never their content, so it is told in full
    outside a Part 2 build too (``details["parent"]``: see ``part2.withheld``).
    """
    data = ctx.source.data
    here = part2.inline(data)
    if not (here and part2.location(data)):
        return
    names = [f"part2.{key}" for key in here]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    they, them, were, are = ("it", "it", "was", "is") if len(names) == 1 else \
        ("they", "them", "were", "are")
    ctx.problems.append(Problem(
        f"part2.location says the Part 2 material is kept in {part2.location(data)}, "
        f"but this source still holds {listed} itself.",
        (ctx.source.place(("part2", here[0])), ctx.source.place(("part2", "location"))),
        f"move {them} into that file and delete {them} here; if {they} {were} ever committed, "
        f"{they} {are} in git history: ask the repository's administrator to purge {them}.",
        "part2", details={"parent": "$.part2"}))


PLACEHOLDER = re.compile(
    r"(?:tbc|tba|tbd|to be (?:confirmed|agreed|decided|named)|n/?a|none|name|names?|officer|"
    r"officer'?s? name|x+|\?+|-+|_+|\.+|…+|lorem ipsum.*|\[[^\]]*\]|<[^>]*>|\{[^}]*\}|"
    r"\([^)]*\))", re.I)
"""What stands in for a name not yet known: TBC, [Name], <officer>, XXX, ..."""


def placeholder(name: str) -> bool:
    """True when ``name`` is a stand-in, not a person's name."""
    return bool(PLACEHOLDER.fullmatch(name.strip()))


@rule("placeholder", "A declaration is ticked only when the source confirms it, and a "
                     "placeholder name (TBC, [Name]) can never confirm one.")
def placeholder_names(ctx) -> None:
    officers = ctx.source.data.get("officers", {})
    confirmed = officers.get("confirmed", {})
    named = {}  # each officer row of the form: one name, or a list of names
    for row, value in officers.items():
        if row == "confirmed":
            continue
        named[row] = [(("officers", row), value)] if isinstance(value, str) else \
            [(("officers", row, i), n) for i, n in enumerate(value) if isinstance(n, str)]
    for row, names in named.items():
        for path, name in names:
            if confirmed.get(row) and placeholder(name):
                ctx.problem("placeholder", f'"{name.strip()}" is a placeholder, not a name, so it '
                            "cannot confirm this declaration.", path,
                            f"write the officer's name, or set officers.confirmed.{row} to false "
                            "until they have confirmed.")


@rule("unchecked", "Every stated figure that has a formula, and every relation, must be "
                   "checked: no check is skipped silently.")
def nothing_skipped(ctx) -> None:
    for fid, figure in ctx.ledger.figures.items():
        if figure.stated and figure.formula and ("figure", fid) not in ctx.settled:
            ctx.problem("unchecked", f"no check ran on {fid}, which is stated and has a "
                        f"formula ({figure.formula.op}); this is a fault in the tool.",
                        figure.source, "please report it with this source.")
    for index, relation in enumerate(ctx.ledger.relations):
        if ("relation", index) not in ctx.settled:
            ctx.problem("unchecked", f"no check ran on the {relation.rule} relation between "
                        f"{', '.join(relation.ids)}; this is a fault in the tool.",
                        relation.declared_at or (), "please report it with this source.")


@rule("id", "Each decision id belongs to one source: no two in a build or in decisions/.",
      scope="batch")
def duplicate_ids(papers) -> None:
    """Refuse an id another source has, even when only one source is built.

    An officer who copies a paper and forgets to change its id must not
    overwrite the other paper's outputs, whether the copy is in
    ``decisions/`` or anywhere else and built into the project's ``out/``.
    Where one of the two is the recorded, approved paper, only the newcomer
    is at fault.
    """
    built = [p for p in papers if p.id is not None and not p.failed]
    owners: dict[str, dict[str, Path]] = {}
    for paper in built:
        owners.setdefault(paper.id, {})[_key(paper.path)] = paper.path
    building = {_key(p.path) for p in papers}
    folders = {_key(project.decisions): project.decisions for paper in built
               for project in projects.projects_of(paper.path, paper.out_dir)}
    for _, folder in sorted(folders.items()):
        for path in projects.sources_in(folder):
            pid = projects.declared_id(path) if _key(path) not in building else None
            if pid in owners:
                owners[pid].setdefault(_key(path), path)
    for paper in built:
        others = [p for key, p in owners[paper.id].items() if key != _key(paper.path)]
        recorded = [o for o in others if _recorded_as(paper, o)]
        if not others or (_recorded_as(paper, paper.path) and not recorded):
            continue
        named = " and ".join(display_path(o) for o in others)
        hint = "give each decision its own id."
        if recorded:
            hint = (f"{display_path(recorded[0])} is the approved, recorded paper with that id: "
                    "give this decision its own id.")
        paper.problems.append(Problem(
            f'the id "{paper.id}" is also used by {named}; both would write '
            f"out/{paper.id}.docx.",
            (Place(display_path(paper.path), json_path="$.id"),), hint, rule="id"))


def _key(path: Path) -> str:
    """One name for one file, however it is reached (relative, absolute, linked)."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return os.path.abspath(path)


def _recorded_as(paper, path: Path) -> bool:
    """True when ``path`` is the source the record of ``paper.id`` was approved from."""
    for project in projects.projects_of(path, paper.out_dir):
        try:
            recorded = records.read(project.records / records.file_name(paper.id, 0))
        except records.BadRecord:
            continue
        if _key(project.root / recorded.source) == _key(path):
            return True
    return False
