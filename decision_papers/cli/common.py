"""Helpers every command shares: argument parsing and printing problems."""

from __future__ import annotations

import argparse
import contextlib

from decision_papers.problems import printable
from decision_papers.source.load import display_path


def parse(arg_parser: argparse.ArgumentParser, argv, stdout, stderr):
    """Parse ``argv``; return ``(args, None)`` or ``(None, exit status)``."""
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            return arg_parser.parse_args(argv), None
    except SystemExit as exc:  # argparse has already printed usage or help
        return None, 0 if exc.code == 0 else 2


def print_problems(papers, stderr) -> int:
    """Print every problem; return how many papers failed."""
    failed = 0
    for paper in papers:
        for problem in paper.problems:
            print(problem.render(), file=stderr)
        if paper.failed:
            failed += 1
            errors = sum(p.severity == "error" for p in paper.problems)
            print(f"{printable(display_path(paper.path))}: not built ({errors} error"
                  f"{'s' if errors != 1 else ''}); nothing was written for it.", file=stderr)
    return failed
