"""Part 2 stays out of the repository.

Part 1 papers are committed so reviewers can diff them.  A Part 2 paper, or
a Part 2 file, in the same work tree is one ``git add -A`` away from being
committed, and once committed it stays in git history even after it is
deleted.  So each check asks git whether it could commit the path: a
folder git ignores (listed in ``.gitignore``) is as safe as one outside.
"""

from __future__ import annotations

import os
from pathlib import Path

from decision_papers.problems import Problem
from decision_papers import git
from decision_papers.source.load import Source
from decision_papers.projects import display_path
from decision_papers.source.part2_file import location_path

PART2_SUFFIXES = (".part2.docx", ".part2.md")
"""What a Part 2 paper writes: ``DIR/<id>`` plus each of these."""


def _committable(top: Path, paths: list[Path]) -> list[Path]:
    """Those of ``paths`` git could commit in ``top``; all of them if git cannot say."""
    try:
        return git.not_ignored(top, paths)
    except git.GitError:  # fail closed: a refusal is cheap, a leak is not
        return [p for p in paths if p.resolve().is_relative_to(top)]


def _ignore_line(top: Path, path: Path) -> str:
    """The ``.gitignore`` line that ignores ``path`` (a folder) from the top."""
    return "/" + path.resolve().relative_to(top).as_posix() + "/"


def part2_folder_refusal(papers: list, part2_dir: Path, out_dir: Path) -> str | None:
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


def outputs_in_repo(top: Path) -> list[str]:
    """One line per Part 2 paper git tracks or could commit in the work tree at ``top``.

    For the CI gate (``--check``): a Part 2 paper built into the repository
    by hand, or committed before the folder checks, is found here.  Raises
    ``git.GitError`` when git cannot list the files.
    """
    return [f"part2 in repo: {name} is a Part 2 (confidential) paper inside the repository; "
            "move it out of the repository (and if it was committed, remove it from git "
            "history)" for name in git.files(top) if name.endswith(PART2_SUFFIXES)]
