"""``publish --as-of DATE OUTDIR``: the command line of ``review.publish``."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
from pathlib import Path

from decision_papers import atomic, projects
from decision_papers.cli.common import iso_date, parse, print_problems, unique_sources
from decision_papers.errors import UsageError
from decision_papers.pipeline import build_all
from decision_papers.projects import display_path
from decision_papers.review.publish import (
    awaiting_record,
    held_back,
    ids_of,
    published_files,
    withdrawn,
)


def main(argv, stdout, stderr) -> int:
    """Run ``publish``; see ``--help``."""
    p = argparse.ArgumentParser(
        prog="python build.py publish",
        description="Write the Part 1 papers that may be published on a date: approved "
                    "decisions whose deferral has ended. Drafts and Part 2 are never "
                    "published; what is held back is listed with the reason.")
    p.add_argument("--as-of", required=True, type=iso_date, metavar="DATE",
                   help="publication date, YYYY-MM-DD")
    p.add_argument("outdir", type=Path, metavar="OUTDIR", help="folder to write the set into")
    p.add_argument("sources", nargs="*", type=Path, metavar="SOURCE",
                   help="decision files (default: every decisions/*.json)")
    args, status = parse(p, argv, stdout, stderr)
    if args is None:
        return status
    outdir = args.outdir
    if outdir.exists() and not outdir.is_dir():
        print(f"error: {display_path(outdir)} is a file, not a folder; give publish a folder "
              "to write the publication set into.", file=stderr)
        return 2
    here = projects.current()
    sources = unique_sources(args.sources) or here.sources()
    try:
        papers = build_all(sources, here.out)  # Part 2 is not even built
    except UsageError as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    failed = print_problems(papers, stderr)
    if any(held_back(paper, args.as_of) is None for paper in papers):
        with contextlib.suppress(OSError):  # if it cannot be made, the writes say why
            outdir.mkdir(parents=True, exist_ok=True)
    try:
        with atomic.locked(outdir) if outdir.is_dir() else contextlib.nullcontext():
            atomic.sweep(outdir)
            failed += _publish(papers, args.as_of, outdir, not args.sources, stdout, stderr)
    except atomic.Busy as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    return 1 if failed else 0


def _publish(papers, as_of: dt.date, outdir: Path, complete: bool, stdout, stderr) -> int:
    """Write the set into ``outdir`` and remove what left it; return how many went wrong.

    ``complete`` (every decision is being published) also removes papers whose
    source has gone.
    """
    failed = 0
    for paper in papers:
        name = paper.id or display_path(paper.path)
        reason = held_back(paper, as_of)
        waiting = not reason and awaiting_record(paper)
        if waiting:
            kept = published_files(outdir, paper.id)
            print(f"{'kept' if kept else 'held back'} {name}"
                  f"{' as it was published' if kept else ''}: {waiting}", file=stdout)
            continue
        if reason:
            pid, files = next(((pid, files) for pid in ids_of(paper)
                               if (files := published_files(outdir, pid))), (name, []))
            failed += _remove(pid, files, reason, stdout, stderr) if files else 0
            if not files:
                print(f"held back {name}: {reason}", file=stdout)
            continue
        try:
            atomic.write_together({outdir / file_name: data
                                   for file_name, data in sorted(paper.outputs.items())})
        except atomic.WriteFailed as exc:
            print(f"error: {exc}; {name} was not published.", file=stderr)
            failed += 1
            continue
        print(f"published {name}: {', '.join(sorted(paper.outputs))}", file=stdout)
    if complete and outdir.is_dir():
        known = {pid for paper in papers for pid in ids_of(paper)}
        for pid, files in withdrawn(outdir, known).items():
            failed += _remove(pid, files, "its source is no longer among the decisions",
                              stdout, stderr)
    return failed


def _remove(pid: str, files: list[Path], reason: str, stdout, stderr) -> int:
    """Remove a paper's published files; 1 if one could not be removed."""
    for path in files:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            print(f"error: cannot remove {display_path(path)}: {atomic.plain_reason(exc)}; "
                  f"{pid} is still published, but should not be: {reason}.", file=stderr)
            return 1
    print(f"removed {pid}: {reason}", file=stdout)
    return 0
