"""``--check``: the gate CI runs, one line per finding, each with its fix.

It passes only when every source builds, every output is fresh, no output
or record is orphaned, no record has changed (held against git history), and
no Part 2 (confidential) paper sits in the repository.
"""

from __future__ import annotations

from pathlib import Path

from decision_papers import atomic, git, projects, records, writers
from decision_papers.projects import display_path
from decision_papers.review import history


def findings(papers, here: projects.Project, out_dir, complete: bool
             ) -> tuple[list[str], list[str]]:
    """``(findings, notes)``: what fails the gate, and what it could not check."""
    lines = freshness(papers, out_dir, complete)
    found, bad = records.load(here)
    lines += [f"unreadable record: {why}; restore it from git history "
              "(git log -- records/)" for why in bad]
    if complete:
        ids = {p.id for p in papers} | {projects.declared_id(p.path) for p in papers}
        for pid in sorted(found.keys() - ids):
            for record in found[pid]:
                lines.append(f"orphaned record: {record.shown} is the record of {pid}, but no "
                             f"decision in decisions/ has that id; a recorded decision is never "
                             f"deleted: restore its source from git history (git log -- "
                             f"{record.source}).")
    verdict = history.verify(here, found)
    lines += verdict.findings
    top = git.top_level(here.root)
    if top is not None:
        try:
            lines += outputs_in_repo(top)
        except git.GitError as exc:
            verdict.notes.append(f"note: Part 2 papers in the repository were not looked for "
                                 f"(git could not list its files: {exc}).")
    return lines, verdict.notes


_REBUILD = "run build.py and commit out/"


def freshness(papers, out_dir: Path, complete: bool) -> list[str]:
    """Compare built outputs with ``out_dir``: stale, missing and orphaned files.

    ``complete`` means ``papers`` are all the decisions, so any other paper
    output in ``out_dir`` is an orphan.  A failed paper's files are neither:
    its errors are reported (and say what to fix), and its earlier outputs
    stay as they are until it builds.  Its id is the source's, or, if the
    source cannot be read that far, the ``id`` its JSON holds, or its file
    name (``decisions/<id>.json``).
    """
    lines, expected = [], set()
    suffixes = writers.suffixes()
    for paper in papers:
        if paper.failed:  # reported as errors; its old files are not orphans
            ids = {paper.id, paper.path.stem, projects.declared_id(paper.path)}
            expected.update(f"{pid}{ext}" for pid in ids if isinstance(pid, str)
                            for ext in suffixes)
        for name, data in sorted(paper.outputs.items()):
            expected.add(name)
            lines += _fresh(out_dir / name, data, out_dir)
    if complete and out_dir.is_dir():
        for target in sorted(out_dir.iterdir()):
            if target.name.startswith(".") or target.name in expected or not target.is_file():
                continue
            if target.name.endswith(suffixes):
                lines.append(f"orphaned: {display_path(target)} belongs to no decision; "
                             f"delete it (git rm {display_path(target)})")
    return lines


def _fresh(target: Path, data: bytes, out_dir: Path) -> list[str]:
    """What is wrong with ``target`` as the output ``data``, if anything."""
    if target.is_dir():
        return [f"in the way: {display_path(target)} is a folder; move it out of "
                f"{display_path(out_dir)}/"]
    if not target.exists():
        return [f"missing: {display_path(target)}; {_REBUILD}"]
    try:
        if target.read_bytes() != data:
            return [f"stale: {display_path(target)} is not what its source builds; {_REBUILD}"]
    except OSError as exc:
        return [f"unreadable: {display_path(target)}: {atomic.plain_reason(exc)}"]
    return []


def outputs_in_repo(top: Path) -> list[str]:
    """One line per Part 2 paper git tracks or could commit in the work tree at ``top``.

    For the CI gate (``--check``): a Part 2 paper built into the repository
    by hand, or committed before the folder checks, is found here.  Raises
    ``git.GitError`` when git cannot list the files.
    """
    return [f"part2 in repo: {name} is a Part 2 (confidential) paper inside the repository; "
            "move it out of the repository (and if it was committed, remove it from git "
            "history)" for name in git.files(top) if name.endswith(writers.part2_suffixes())]
