"""``diff [REV_A] [REV_B] [DECISION]``: the command line of ``review.compare``."""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

from decision_papers.cli.common import parse
from decision_papers.errors import UsageError
from decision_papers.git import GitError
from decision_papers.review.compare import (
    NOTHING,
    changed_by,
    missing,
    report_paper,
    resolve,
    snapshot,
    top_level,
    write_redline,
)
from decision_papers.word import archive


def main(argv, stdout, stderr) -> int:
    """Run ``diff``; see ``--help``.

    The output is flushed here, so a reader that went away (``| head -1``)
    raises ``BrokenPipeError`` inside the command, where ``cli.main`` ends
    quietly, not at interpreter exit, where Python prints "Exception ignored".
    """
    status = _diff(argv, stdout, stderr)
    stdout.flush()
    return status


def _diff(argv, stdout, stderr) -> int:
    """The command itself: parse, compare, report; its exit status."""
    p = argparse.ArgumentParser(
        prog="python build.py diff",
        description="Compare the papers two git revisions build (default: HEAD and the "
                    "working tree), each built from its sources with this version of the "
                    "tool: figures that changed, a Markdown diff, and with --redline a Word "
                    "document with tracked changes.  A note says when a revision's out/ is "
                    "not what its source builds.")
    p.add_argument("args", nargs="*", metavar="REV_A [REV_B] [DECISION]",
                   help="revisions (default HEAD, then the working tree) and a decision id "
                        "or source path to limit the comparison")
    p.add_argument("--redline", type=Path, metavar="OUT.docx",
                   help="write a DOCX with every change as a Word tracked change; it "
                        "overwrites only a redline it wrote itself, never a decision source "
                        "or a file git tracks")
    args, status = parse(p, argv, stdout, stderr)
    if args is None:
        return status
    try:
        top = top_level()
        refusal = args.redline and _refusal(top, args.redline)
        if refusal:
            print(f"error: --redline {args.redline}: refusing to write there: {refusal}.",
                  file=stderr)
            return 2
        rev_a, rev_b, decision = resolve(top, args.args)
        notes: list[tuple[str, str]] = []
        old, new = snapshot(top, rev_a, notes, stderr), snapshot(top, rev_b, notes, stderr)
    except (GitError, UsageError) as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    if old is None or new is None:
        print("error: the working tree's sources have errors; fix them to compare.", file=stderr)
        return 1
    ids = sorted(old.keys() | new.keys())
    if decision:
        if decision not in ids:
            print(f"error: {missing(decision, rev_a, rev_b, set(ids))}", file=stderr)
            return 2
        ids = [decision]
    for pid, note in dict.fromkeys(notes):  # once, if both revisions are one commit
        if pid in ids:
            print(note, file=stdout)
    changed = [pid for pid in ids if old.get(pid) != new.get(pid)]
    if not changed:
        print(f"no changes between {rev_a} and {rev_b}.", file=stdout)
        return 0
    for pid in changed:
        report_paper(pid, old.get(pid, NOTHING), new.get(pid, NOTHING), rev_a, rev_b, stdout)
    if args.redline:
        try:
            stamp = changed_by(top, rev_b)
        except (GitError, UsageError) as exc:
            print(f"error: {exc}", file=stderr)
            return 2
        return write_redline(changed, old, new, args.redline, stamp, stdout, stderr)
    return 0


def _refusal(top: Path, target: Path) -> str | None:
    """Why ``--redline`` must not write to ``target``; ``None`` if it may.

    It may write a new ``.docx`` file, or overwrite a redline it wrote itself
    (marked with ``archive.REDLINE_COMMENT``), and nothing else: never a
    decision source, anything in ``decisions/`` or ``.git/``, or a file git
    tracks.
    """
    if target.is_symlink():
        return "it is a symbolic link"
    if target.is_dir():
        return "it is a folder"
    where = target.parent.resolve() / target.name
    try:
        inside = where.relative_to(top.resolve()).parts
    except ValueError:
        inside = None
    if inside and inside[0] == "decisions":
        return "it is a decision source" if where.suffix == ".json" \
            else "it is in decisions/, the folder of decision sources"
    if inside and inside[0] == ".git":
        return "it is inside .git"
    if inside and subprocess.run(["git", "ls-files", "--error-unmatch", "--", str(where)],
                                 cwd=top, capture_output=True).returncode == 0:
        return "git tracks it"
    if where.suffix.lower() != ".docx":
        return "a redline is a Word document: give a name ending .docx"
    if target.exists() and archive.zip_comment(target) != archive.REDLINE_COMMENT:
        return "it is not a redline that diff wrote"
    return None
