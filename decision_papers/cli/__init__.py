"""The command line: parse arguments, call the pipeline, report.

``main(argv, stdout, stderr) -> int`` returns 0 on success, 1 when a source
has errors (or warnings under ``--strict``) or a check fails, and 2 for usage
errors.  Streams are passed in so tests can compare output exactly.

Commands: building is the default (``python build.py [SOURCE...]``);
``textconv FILE.docx`` and ``diff [REV_A] [REV_B] [DECISION]`` serve
reviewers.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from decision_papers import __version__
from decision_papers.pipeline import ROOT, UsageError, build, build_all, default_sources, freshness
from decision_papers.cli.common import parse, print_problems, safe_errors, unique_sources, utf8_output
from decision_papers.figures.thresholds import RULES_DIR
from decision_papers.source.load import display_path
from decision_papers.render.templates import TEMPLATES_DIR

DESCRIPTION = """\
Build decision papers from JSON sources.

With no SOURCE, builds every decisions/*.json.  Each source is validated
against schema/decision.schema.json, its figures are computed and
cross-checked, and it is rendered through templates/<form>/ to
OUT/<id>.docx, OUT/<id>.md and OUT/<id>.figures.json.

A source with errors writes nothing (earlier outputs stay as they were);
the other sources still build.  An approved paper's text is a record: a
change that would alter it under the same form version is an error.

other commands:
  python build.py textconv FILE.docx     print a paper's text, for git diff
  python build.py diff [REV_A] [REV_B] [DECISION] [--redline OUT.docx]
                                         compare papers at two git revisions
  python build.py publish --as-of DATE OUTDIR
                                         write the papers publishable on DATE
  (each has its own --help)
"""

EPILOG = """\
exit status: 0 success; 1 a source has errors (or warnings with --strict),
or --check found stale, missing or orphaned outputs; 2 the command was used
wrongly.
"""


def parser() -> argparse.ArgumentParser:
    """The build command's argument parser (also used to print ``--help``)."""
    p = argparse.ArgumentParser(
        prog="python build.py", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sources", nargs="*", metavar="SOURCE", type=Path,
                   help="decision files to build (default: every decisions/*.json)")
    p.add_argument("--out", type=Path, default=None, metavar="OUT",
                   help="folder to write into (default: out/ beside build.py)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 naming every output that is stale, "
                        "missing or orphaned")
    p.add_argument("--part2", type=Path, default=None, metavar="DIR",
                   help="also build each Part 2 (confidential) paper into DIR, which must not "
                        "be the published OUT folder; Part 2 is never built otherwise")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--templates", type=Path, default=TEMPLATES_DIR, metavar="DIR",
                   help="folder of form templates (default: templates/)")
    p.add_argument("--rules", type=Path, default=RULES_DIR, metavar="DIR",
                   help="folder of organisation rules files (default: rules/)")
    p.add_argument("--quiet", "-q", action="store_true",
                   help="print only problems, not the files written")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def main(argv: list[str] | None = None, stdout=None, stderr=None) -> int:
    """Run the command; return the exit status instead of exiting."""
    argv = sys.argv[1:] if argv is None else list(argv)
    # UTF-8 out whatever the locale (git reads textconv's output as UTF-8; cp1252 cannot
    # hold ✓ or →); messages escape what the error stream cannot show, never crash
    stdout, stderr = utf8_output(stdout or sys.stdout), safe_errors(stderr or sys.stderr)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)  # unwind, so temporary files are removed
    try:
        if argv and argv[0] in COMMANDS:
            return COMMANDS[argv[0]](argv[1:], stdout, stderr)
        return _build_command(argv, stdout, stderr)
    except BrokenPipeError:  # the reader went away (| head): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # python docs' recipe
        return 1
    except KeyboardInterrupt:  # Ctrl-C: every write is atomic, so nothing is half-made
        print(INTERRUPTED, file=stderr)
        return 130


INTERRUPTED = "interrupted (Ctrl-C): stopped; no file was left half-written."
"""What Ctrl-C prints (exit status 130, as a shell reports a SIGINT)."""


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def _build_command(argv, stdout, stderr) -> int:
    args, status = parse(parser(), argv, stdout, stderr)
    if args is None:
        return status
    sources = unique_sources(args.sources) or default_sources()
    if not sources:
        print("error: no decision sources found in decisions/.", file=stderr)
        return 2
    out_dir = args.out or ROOT / "out"
    try:
        if args.check:
            papers = build_all(sources, out_dir, args.strict, args.templates, args.rules)
        else:
            papers = build(sources, out_dir, args.strict, args.templates, args.rules, args.part2)
    except UsageError as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    if args.check:
        return check_report(papers, out_dir, not args.sources, stdout, stderr)
    return report(papers, out_dir, args.quiet, stdout, stderr)


def report(papers, out_dir: Path, quiet: bool, stdout, stderr) -> int:
    """Print each paper's problems and outputs; return the exit status."""
    failed = print_problems(papers, stderr)
    if not quiet:
        for paper in papers:
            if not paper.failed:
                names = ", ".join(sorted(paper.outputs))
                print(f"built {display_path(paper.path)} -> {display_path(out_dir)}: {names}",
                      file=stdout)
                if paper.part2_outputs:
                    print(f"built Part 2 (confidential) of {paper.id}: "
                          f"{', '.join(sorted(paper.part2_outputs))}", file=stdout)
    return 1 if failed else 0


def check_report(papers, out_dir: Path, complete: bool, stdout, stderr) -> int:
    """Print what ``--check`` found; return 0 only when everything is fresh."""
    failed = print_problems(papers, stderr)
    lines = freshness(papers, out_dir, complete)
    for line in lines:
        print(line, file=stderr)
    if lines:
        print(f"{len(lines)} output{'s are' if len(lines) != 1 else ' is'} out of date: "
              "run python build.py and commit out/.", file=stderr)
    if failed or lines:
        return 1
    print(f"all {sum(len(p.outputs) for p in papers)} outputs in "
          f"{display_path(out_dir)} are fresh.", file=stdout)
    return 0


def textconv(argv, stdout, stderr) -> int:
    """``textconv FILE.docx``: print a paper's text as the Markdown writer would."""
    from decision_papers.review import read_docx
    from decision_papers.writers import markdown as write_markdown
    p = argparse.ArgumentParser(
        prog="python build.py textconv",
        description="Print a paper's text as Markdown, for git's diff driver:\n"
                    "  git config diff.decision-paper.textconv 'python build.py textconv'",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", type=Path, metavar="FILE.docx")
    args, status = parse(p, argv, stdout, stderr)
    if args is None:
        return status
    try:
        document = read_docx.read(args.file)
    except read_docx.Refused as exc:  # a zip bomb, say: refused before anything is expanded
        print(f"{display_path(args.file)}: error: refused: {exc}", file=stderr)
        return 1
    except Exception as exc:  # any unreadable file: say so, never a traceback
        print(f"{display_path(args.file)}: error: cannot read this as a Word document "
              f"({type(exc).__name__}: {exc}).", file=stderr)
        return 1
    stdout.write(write_markdown.render(document))
    return 0


def diff(argv, stdout, stderr) -> int:
    """``diff [REV_A] [REV_B] [DECISION]``: compare papers at two revisions."""
    from decision_papers.cli import diff_command
    return diff_command.main(argv, stdout, stderr)


def publish(argv, stdout, stderr) -> int:
    """``publish --as-of DATE OUTDIR``: write the publishable Part 1 papers."""
    from decision_papers.cli import publish_command
    return publish_command.main(argv, stdout, stderr)


COMMANDS = {"textconv": textconv, "diff": diff, "publish": publish}
