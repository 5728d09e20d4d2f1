"""``explain <id> [figure]``: what a paper's figures are, and where each comes from.

An officer writing ``{figures.total}`` needs to know which figures exist,
what each prints as, where it was typed (file and line) or how it is
derived, which checks it passed and where the paper prints it.  ``explain``
builds the paper in memory (it need never have been built, and may still
have errors) and lists its figures from the ledger, as ``out/<id>.figures.json``
does, adding each stated figure's line in the source.
"""

from __future__ import annotations

import argparse

from decision_papers.cli.common import build_by_id, parse
from decision_papers.projects import display_path
from decision_papers.review.explain import entry_text

PROG = "python build.py explain"


def main(argv, stdout, stderr) -> int:
    """Run ``explain``; see ``--help``."""
    p = argparse.ArgumentParser(
        prog=PROG,
        description="List the figures a paper can print: each one's value as printed, its "
                    "kind, where it is stated (file and line) or how it is derived, the "
                    "checks it passed, and every place the paper prints it. The paper need "
                    "not have been built.")
    p.add_argument("id", metavar="ID", help="the decision's id, e.g. pcd-1717")
    p.add_argument("figure", nargs="?", metavar="FIGURE",
                   help="one figure (contracts.vru.variation), or all whose id starts with it "
                        "(contracts.vru)")
    args, status = parse(p, argv, stdout, stderr)
    if args is None:
        return status
    _, papers, status = build_by_id(args.id, stderr, keep_record=False)
    if papers is None:
        return status
    paper = papers[0]
    if paper.figures is None:
        errors = sum(p.severity == "error" for p in paper.problems)
        print(f"error: the figures of {args.id} cannot be worked out until its "
              f"{'error is' if errors == 1 else f'{errors} errors are'} fixed; see them with: "
              f"python build.py {display_path(paper.path)}", file=stderr)
        return 1
    entries = paper.figures.entries
    if args.figure:
        chosen = [e for e in entries if e.id == args.figure or
                  e.id.startswith(args.figure + ".")]
        if not chosen:
            near = paper.ledger.closest(args.figure)
            hint = f" Did you mean {near}?" if near else ""
            print(f'error: {args.id} has no figure "{args.figure}".{hint} '
                  f"List them all with: {PROG} {args.id}", file=stderr)
            return 1
        entries = chosen
    for entry in entries:
        stdout.write(entry_text(entry, paper.figures.sections) + "\n")
    stdout.flush()  # the listing first, then the note, on a terminal too
    if paper.failed:
        count = sum(p.severity == "error" for p in paper.problems)
        print(f"note: {args.id} does not build yet ({count} error{'s' if count != 1 else ''}); "
              f"see them with: python build.py {display_path(paper.path)}", file=stderr)
    return 0
