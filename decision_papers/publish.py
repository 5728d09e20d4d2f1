"""``python build.py publish --as-of DATE OUTDIR``: the publication set.

Publishes the Part 1 papers a public body may put on its website on DATE:
approved, approved by then, and with any deferral ended.  Never a draft,
never Part 2.  Everything held back is listed with the reason, so the
publication officer can see nothing was forgotten.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from . import formatting as fmt
from . import output
from .cli import _problems, parse
from .pipeline import ROOT, UsageError, build_all, default_sources
from .source import display_path


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def held_back(paper, as_of: dt.date) -> str | None:
    """Why a built paper may not be published on ``as_of``, or ``None``."""
    if paper.failed:
        return "its source has errors"
    if not paper.approved:
        return "it is a draft"
    if paper.approval_date > as_of:
        return f"it is approved only from {fmt.date(paper.approval_date)}"
    if paper.deferred_until and paper.deferred_until > as_of:
        return f"publication is deferred until {fmt.date(paper.deferred_until)}"
    return None


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
    failed = _problems(papers, stderr)
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
