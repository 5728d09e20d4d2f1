"""``publish --as-of DATE OUTDIR``: the command line of ``review.publish``."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from decision_papers.cli.common import parse, print_problems
from decision_papers.pipeline import ROOT, UsageError, build_all, default_sources
from decision_papers.review.publish import held_back
from decision_papers.source.load import display_path
from decision_papers.writers import output


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def main(argv, stdout, stderr) -> int:
    """Run ``publish``; see ``--help``."""
    p = argparse.ArgumentParser(
        prog="python build.py publish",
        description="Write the Part 1 papers that may be published on a date: approved "
                    "decisions whose deferral has ended. Drafts and Part 2 are never "
                    "published; what is held back is listed with the reason.")
    p.add_argument("--as-of", required=True, type=_date, metavar="DATE",
                   help="publication date, YYYY-MM-DD")
    p.add_argument("outdir", type=Path, metavar="OUTDIR", help="folder to write the set into")
    p.add_argument("sources", nargs="*", type=Path, metavar="SOURCE",
                   help="decision files (default: every decisions/*.json)")
    args, status = parse(p, argv, stdout, stderr)
    if args is None:
        return status
    sources = args.sources or default_sources()
    try:
        papers = build_all(sources, ROOT / "out")  # Part 2 is not even built
    except UsageError as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    failed = print_problems(papers, stderr)
    for paper in papers:
        name = paper.id or display_path(paper.path)
        reason = held_back(paper, args.as_of)
        if reason:
            print(f"held back {name}: {reason}", file=stdout)
            continue
        for file_name, data in sorted(paper.outputs.items()):
            output.write_atomic(args.outdir / file_name, data)
        print(f"published {name}: {', '.join(sorted(paper.outputs))}", file=stdout)
    return 1 if failed else 0
