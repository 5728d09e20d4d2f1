"""``approve <id>``: write the record of an approved paper, or of its latest corrigendum.

The record is what git holds: the paper's text as committed when it was
approved.  So ``approve`` runs after the approved paper (its source and
``out/``) is committed, names that commit, and checks that the committed
text is exactly what the source builds.  It writes ``records/<id>.json``
(or ``records/<id>.corrigendum-<n>.json``) and nothing else; committing it
is the reviewer's step.  A build never writes a record.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
from pathlib import Path

from decision_papers import atomic, formatting, git, projects, records
from decision_papers.cli.common import build_by_id, parse, print_problems
from decision_papers.errors import Failure
from decision_papers.projects import display_path


def main(argv, stdout, stderr) -> int:
    """Run ``approve``; see ``--help``."""
    p = argparse.ArgumentParser(
        prog="python build.py approve",
        description="Record an approved paper: write records/<id>.json (or the record of its "
                    "newest corrigendum) from the committed paper, then commit records/.")
    p.add_argument("id", metavar="ID", help="the decision's id, e.g. pcd-1717")
    args, status = parse(p, argv, stdout, stderr)
    if args is None:
        return status
    here, papers, status = build_by_id(args.id, stderr)
    if papers is None:
        return status
    paper = papers[0]
    paper.problems = [p for p in paper.problems if p.rule != "record" or p.severity == "error"]
    if print_problems(papers, stderr):
        print(f"error: {args.id} was not recorded: fix the errors above first.", file=stderr)
        return 1
    if not paper.approved:
        print(f'error: {args.id} is a draft: set "status": "approved" and approval.date, build '
              "and commit it, then approve it.", file=stderr)
        return 1
    found, _ = records.load(here)
    mine = found.get(paper.id, [])
    revision = len(paper.corrigenda)
    if mine and mine[-1].revision == revision:
        print(f"{args.id} is already recorded in {mine[-1].shown}; nothing to do.", file=stdout)
        return 0
    try:
        commit = _committed(here, paper)
    except _NotCommitted as exc:
        print(f"error: {exc}", file=stderr)
        return 1
    md, figures = paper.outputs[f"{paper.id}.md"], paper.outputs[f"{paper.id}.figures.json"]
    source = _relative(paper.path, here.root)
    date, reason = paper.corrigenda[-1] if revision else (paper.approval_date.isoformat(), None)
    record = records.Record(
        here.records / records.file_name(paper.id, revision), paper.id, revision, source,
        paper.form, paper.approval_date.isoformat(), date,
        records.text_digest(md), records.figures_digest(figures), commit,
        mine[-1].shown if mine else None, reason)
    try:
        atomic.write_atomic(record.path, record.as_json())
    except atomic.WriteFailed as exc:
        print(f"error: {exc}.", file=stderr)
        return 1
    what = f"corrigendum {revision} of {paper.id}" if revision else paper.id
    print(f"recorded {what} (approved on {formatting.date(_iso(record.date))}) in {record.shown}"
          + ("" if commit else "; this folder is not a git repository, so the record names "
             "no commit") + ".", file=stdout)
    if commit:
        print(f'next: git add {record.shown} && git commit -m "Record {what}"', file=stdout)
    return 0


class _NotCommitted(Failure):
    """The approved paper is not yet committed as it builds."""

    rule = "record"


def _committed(here: projects.Project, paper) -> str | None:
    """The commit holding the paper exactly as it builds; None outside git.

    The source and the paper's outputs must be committed and unchanged since,
    and the committed ``out/<id>.md`` must be the text the source builds, so
    the record names a commit that truly holds the approved text.
    """
    top = git.top_level(here.root)
    if top is None:
        if shutil.which("git") is None and any((folder / ".git").exists()
                                               for folder in (here.root, *here.root.parents)):
            raise _NotCommitted("git is not installed, so the commit that holds the approved "
                                "text cannot be named; install git, then approve")
        return None
    head = git.commit_id(top)
    files = [paper.path, *(here.out / name for name in sorted(paper.outputs))]
    fix = (f"build and commit the approved paper first: git add {display_path(paper.path)} "
           f'{display_path(here.out)}/ && git commit -m "{paper.id} approved"')
    if head is None:
        raise _NotCommitted(f"nothing is committed yet; {fix}.")
    try:
        relative = [_relative(f, top) for f in files]
    except ValueError:
        raise _NotCommitted(f"{display_path(here.out)}/ or the source is outside the git "
                            f"repository {top}; keep both in it, then approve") from None
    changed = git.run(top, "status", "--porcelain", "--untracked-files=all", "--", *relative)
    if changed.strip():
        raise _NotCommitted(f"{paper.id} has changes that are not committed; {fix}.")
    for name, rel in zip(sorted(paper.outputs), relative[1:]):
        if git.show(top, head, rel) != paper.outputs[name]:
            raise _NotCommitted(f"the committed {rel} is not what the source builds; {fix}.")
    return head


def _relative(path: Path, root: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def _iso(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
