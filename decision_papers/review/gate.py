"""``--check``: the gate CI runs, one line per finding, each with its fix.

It passes only when every source builds, every output is fresh, no output
or record is orphaned, no record has changed (held against git history), and
no Part 2 (confidential) paper sits in the repository.
"""

from __future__ import annotations

from decision_papers import pipeline
from decision_papers import projects
from decision_papers import records
from decision_papers import git
from decision_papers.review import history, part2_guard


def findings(papers, here: projects.Project, out_dir, complete: bool) -> tuple[list[str], list[str]]:
    """``(findings, notes)``: what fails the gate, and what it could not check."""
    lines = pipeline.freshness(papers, out_dir, complete)
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
            lines += part2_guard.outputs_in_repo(top)
        except git.GitError as exc:
            verdict.notes.append(f"note: Part 2 papers in the repository were not looked for "
                                 f"(git could not list its files: {exc}).")
    return lines, verdict.notes
