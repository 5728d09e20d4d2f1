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

from decision_papers import __version__, incremental, projects, writers
from decision_papers.cli.common import (
    parse,
    print_problems,
    safe_errors,
    unique_sources,
    utf8_output,
)
from decision_papers.cli.progress import Progress
from decision_papers.errors import UsageError
from decision_papers.parallel import default_jobs
from decision_papers.projects import RULES_DIR, TEMPLATES_DIR, display_path

DESCRIPTION = """\
Build decision papers from JSON sources.

With no SOURCE, builds every decisions/*.json of the project in the current
folder (or, if it has no decisions/, the one beside build.py).  Each source is validated
against its form's schema (schema/forms/), its figures are computed and
cross-checked, and it is rendered through templates/<form>/ to
OUT/<id>.docx, OUT/<id>.md and OUT/<id>.figures.json.

A source with errors writes nothing (earlier outputs stay as they were);
the other sources still build.  A paper is built again only when one of its
inputs has changed (its source, form pack, schemas, rules, records, or the
tool); --force builds every paper.  An approved paper's text is a record: once
`approve` has written records/<id>.json, a change that would alter the text
is an error, unless it is a corrigendum awaiting its own approval.

other commands:
  python build.py textconv FILE.docx     print a paper's text, for git diff
  python build.py diff [REV_A] [REV_B] [DECISION] [--redline OUT.docx]
                                         compare papers at two git revisions
  python build.py publish --as-of DATE OUTDIR
                                         write the papers publishable on DATE
  python build.py approve ID             record an approved, committed paper
  python build.py explain ID [FIGURE]    list a paper's figures: value, source line,
                                         derivation, checks, where printed
  python build.py new ID --form FORM [--from EXISTING]
                                         start a decision folder, decisions/ID/
  python build.py serve [ID] [--port N]  a live preview in the browser (127.0.0.1)
  (each has its own --help)
"""

EPILOG = """\
exit status: 0 success; 1 a source has errors (or warnings with --strict),
or --check found a problem (stale, missing or orphaned outputs, a changed or
orphaned record, a Part 2 paper in the repository); 2 the command was used
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
                   help="the gate for CI: write nothing; exit 1 with one line per problem "
                        "and its fix: a source that does not build, an output that is stale, "
                        "missing or orphaned, a record changed or orphaned, a Part 2 paper in "
                        "the repository")
    p.add_argument("--part2", type=Path, default=None, metavar="DIR",
                   help="also build each Part 2 (confidential) paper into DIR: a folder "
                        "outside the repository, or one git ignores (never the published OUT "
                        "folder); Part 2 is never built otherwise")
    for writer in writers.optional():  # one option for each writer a build may ask for
        p.add_argument(writer.option, action="append_const", const=writer.name,
                       dest="writers", default=[], help=writer.help_text)
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("--force", action="store_true",
                   help="build every paper, even those whose inputs have not changed since "
                        "their outputs were written")
    p.add_argument("-j", "--jobs", type=_jobs, default=None, metavar="N",
                   help="build in N processes at once (default: the number of cores, "
                        f"{default_jobs()} here); output is the same whatever N is")
    p.add_argument("--templates", type=Path, default=TEMPLATES_DIR, metavar="DIR",
                   help="folder of form templates (default: templates/)")
    p.add_argument("--rules", type=Path, default=RULES_DIR, metavar="DIR",
                   help="folder of organisation rules files (default: rules/)")
    p.add_argument("--quiet", "-q", action="store_true",
                   help="print only problems, not the files written")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def _jobs(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 256:
        raise argparse.ArgumentTypeError(f"give a number of processes from 1 to 256, not {text!r}")
    return int(text)


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
    except BrokenPipeError:  # the reader went away (| head): it has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # python docs' recipe
        return 0
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
    here = projects.current()
    sources = unique_sources(args.sources) or here.sources()
    if not sources:
        print("error: no decision sources found in decisions/.", file=stderr)
        return 2
    out_dir = args.out or here.out
    jobs = args.jobs or default_jobs()
    try:
        if args.check:
            from decision_papers.paper import BuildOptions
            from decision_papers.pipeline import build_all
            papers = build_all(sources, out_dir, BuildOptions(args.templates, args.rules,
                                                              args.strict),
                               check=True, jobs=jobs, slim=True)
        else:
            papers = _build(sources, out_dir, args, jobs, stderr)
    except UsageError as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    if args.check:
        return check_report(papers, out_dir, not args.sources, stdout, stderr)
    return report(papers, out_dir, args.quiet, stdout, stderr)


def _build(sources, out_dir, args, jobs: int, stderr) -> list:
    """Build the papers whose inputs changed (``incremental``), or all with ``--force``,
    ``--part2`` or ``--pdf``; the fresh papers stand as they are, and all come back in
    sorted order."""
    asked = frozenset(args.writers)
    settings = incremental.Settings(out_dir, args.templates, args.rules, args.strict, asked)
    cached = args.part2 is None and incremental.cacheable(asked)  # a Part 2 build never is
    skip_unchanged = cached and not args.force
    plan = incremental.plan(sources, settings) if skip_unchanged else \
        incremental.everything(sources)
    if not plan.stale:
        return plan.fresh
    if cached:
        incremental.before_building(plan, settings)
    from decision_papers.paper import BuildOptions
    from decision_papers.pipeline import build
    options = BuildOptions(args.templates, args.rules, args.strict, args.part2 is not None,
                           asked)
    with Progress(stderr, len(plan.stale)) as progress:
        built = build(plan.stale, out_dir, options, args.part2, jobs, progress.update)
    if cached:
        incremental.record(built, plan, settings)
    return sorted([*plan.fresh, *built], key=lambda paper: str(paper.path))


def report(papers, out_dir: Path, quiet: bool, stdout, stderr) -> int:
    """Print each paper's problems and outputs; return the exit status."""
    failed = print_problems(papers, stderr)
    if not quiet:
        for paper in papers:
            if not paper.failed:
                names = ", ".join(sorted(paper.outputs))
                # a paper whose inputs have not changed was not built: its files stand
                done = "unchanged" if isinstance(paper, incremental.Fresh) else "built"
                print(f"{done} {display_path(paper.path)} -> {display_path(out_dir)}: {names}",
                      file=stdout)
                if paper.part2_outputs:
                    print(f"built Part 2 (confidential) of {paper.id}: "
                          f"{', '.join(sorted(paper.part2_outputs))}", file=stdout)
    return 1 if failed else 0


def check_report(papers, out_dir: Path, complete: bool, stdout, stderr) -> int:
    """Print what ``--check`` found, one line per finding with its fix; 0 only when clean."""
    from decision_papers.review import gate
    failed, count = 0, 0
    for paper in papers:
        for problem in paper.problems:
            print(problem.line(), file=stderr)
            count += problem.severity == "error"
        failed += paper.failed
    lines, notes = gate.findings(papers, projects.current(), out_dir, complete)
    for line in lines + notes:
        print(line, file=stderr)
    count += len(lines)
    if failed or lines:
        print(f"--check failed: {count} finding{'s' if count != 1 else ''}; fix each as its "
              "line says.", file=stderr)
        return 1
    print(f"all {sum(len(p.outputs) for p in papers)} outputs in "
          f"{display_path(out_dir)} are fresh.", file=stdout)
    return 0


def textconv(argv, stdout, stderr) -> int:
    """``textconv FILE.docx``: print a paper's text as the Markdown writer would."""
    from decision_papers.word import archive, reader
    from decision_papers.writers import markdown
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
        document = reader.read(args.file)
    except archive.Refused as exc:  # a zip bomb, say: refused before anything is expanded
        print(f"{display_path(args.file)}: error: refused: {exc}", file=stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - any unreadable file: said, never a traceback
        print(f"{display_path(args.file)}: error: cannot read this as a Word document "
              f"({type(exc).__name__}: {exc}).", file=stderr)
        return 1
    stdout.write(markdown.render(document))
    return 0


def diff(argv, stdout, stderr) -> int:
    """``diff [REV_A] [REV_B] [DECISION]``: compare papers at two revisions."""
    from decision_papers.cli import diff_command
    return diff_command.main(argv, stdout, stderr)


def approve(argv, stdout, stderr) -> int:
    """``approve ID``: write the record of an approved, committed paper."""
    from decision_papers.cli import approve_command
    return approve_command.main(argv, stdout, stderr)


def publish(argv, stdout, stderr) -> int:
    """``publish --as-of DATE OUTDIR``: write the publishable Part 1 papers."""
    from decision_papers.cli import publish_command
    return publish_command.main(argv, stdout, stderr)


def explain(argv, stdout, stderr) -> int:
    """``explain ID [FIGURE]``: list a paper's figures and where each comes from."""
    from decision_papers.cli import explain_command
    return explain_command.main(argv, stdout, stderr)


def new(argv, stdout, stderr) -> int:
    """``new ID --form FORM [--from EXISTING]``: start a decision folder."""
    from decision_papers.cli import new_command
    return new_command.main(argv, stdout, stderr)


def serve(argv, stdout, stderr) -> int:
    """``serve [ID] [--port N]``: a live preview in the browser."""
    from decision_papers.cli import serve_command
    return serve_command.main(argv, stdout, stderr)


COMMANDS = {"textconv": textconv, "diff": diff, "publish": publish, "approve": approve,
            "explain": explain, "new": new, "serve": serve}
