"""The command line: parse arguments, call ``pipeline.build()``, report.

``main(argv, stdout, stderr) -> int`` returns 0 when every paper built, 1 when
any source has errors (or warnings under ``--strict``), and 2 for usage
errors.  Streams are passed in so tests can compare output exactly.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from . import __version__
from .pipeline import ROOT, UsageError, build, default_sources
from .rules import RULES_DIR
from .source import display_path
from .templates import TEMPLATES_DIR

DESCRIPTION = """\
Build decision papers from JSON sources.

With no SOURCE, builds every decisions/*.json.  Each source is validated
against schema/decision.schema.json, its figures are computed and
cross-checked, and it is rendered through templates/<form>/ to
OUT/<id>.docx, OUT/<id>.md and OUT/<id>.figures.json.

A source with errors writes nothing (earlier outputs stay as they were);
the other sources still build.
"""

EPILOG = """\
exit status: 0 all papers built; 1 a source has errors (or warnings with
--strict); 2 the command was used wrongly.
"""


def parser() -> argparse.ArgumentParser:
    """The argument parser (also used to print ``--help``)."""
    p = argparse.ArgumentParser(
        prog="python build.py", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sources", nargs="*", metavar="SOURCE", type=Path,
                   help="decision files to build (default: every decisions/*.json)")
    p.add_argument("--out", type=Path, default=None, metavar="OUT",
                   help="folder to write into (default: out/ beside build.py)")
    p.add_argument("--templates", type=Path, default=TEMPLATES_DIR, metavar="DIR",
                   help="folder of form templates (default: templates/)")
    p.add_argument("--rules", type=Path, default=RULES_DIR, metavar="DIR",
                   help="folder of organisation rules files (default: rules/)")
    p.add_argument("--strict", action="store_true",
                   help="treat warnings as errors")
    p.add_argument("--quiet", "-q", action="store_true",
                   help="print only problems, not the files written")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def main(argv: list[str] | None = None, stdout=None, stderr=None) -> int:
    """Run the command; return the exit status instead of exiting."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    arg_parser = parser()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = arg_parser.parse_args(argv)
    except SystemExit as exc:  # argparse has already printed usage or help
        return 0 if exc.code == 0 else 2
    sources = args.sources or default_sources()
    if not sources:
        print("error: no decision sources found in decisions/.", file=stderr)
        return 2
    out_dir = args.out or ROOT / "out"
    try:
        papers = build(sources, out_dir, args.strict, args.templates, args.rules)
    except UsageError as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    return report(papers, out_dir, args.quiet, stdout, stderr)


def report(papers, out_dir: Path, quiet: bool, stdout, stderr) -> int:
    """Print each paper's problems and outputs; return the exit status."""
    failed = 0
    for paper in papers:
        for problem in paper.problems:
            print(problem.render(), file=stderr)
        if paper.failed:
            failed += 1
            errors = sum(p.severity == "error" for p in paper.problems)
            print(f"{display_path(paper.path)}: not built ({errors} error{'s' if errors != 1 else ''}); "
                  "nothing was written for it.", file=stderr)
        elif not quiet:
            names = ", ".join(sorted(paper.outputs))
            print(f"built {display_path(paper.path)} -> {display_path(out_dir)}: {names}", file=stdout)
    return 1 if failed else 0
