"""Helpers every command shares: argument parsing and printing problems."""

from __future__ import annotations

import argparse
import codecs
import contextlib
import datetime as dt
import io
import os
import re
from pathlib import Path

from decision_papers.projects import display_path

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def iso_date(text: str) -> dt.date:
    """An argparse ``type``: a date written exactly ``YYYY-MM-DD``.

    ``date.fromisoformat`` also takes ``20241101``, ``2024-W44-5`` and more
    since Python 3.11; a command line that names a publication date should
    accept one spelling only.
    """
    if not _ISO_DATE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a real date ({exc})") from None


def unique_sources(paths) -> list[Path]:
    """``paths`` without repeats: a file named twice (or by two names) is built once.

    Two names are the same file when they resolve to the same path (``./a.json``,
    an absolute path, a symbolic link); the first name given is kept.
    """
    seen, unique = set(), []
    for path in paths:
        try:
            key = Path(path).resolve()
        except (OSError, RuntimeError):  # a symlink loop: let the build report it
            key = Path(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def utf8_output(stream):
    """``stream``, writing UTF-8 whatever the locale (``textconv`` and ``diff`` output).

    git reads a textconv driver's output as UTF-8, and papers hold characters
    (✓, →) that Windows' cp1252 cannot encode.  A text stream is switched to
    UTF-8; one that cannot be switched writes ``?`` for what it cannot encode.
    """
    encoding = _encoding(stream)
    if encoding in (None, "utf-8"):
        return stream
    try:
        stream.flush()
        stream.reconfigure(encoding="utf-8", errors="strict")
        return stream
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return _Replacing(stream, encoding, "replace")


def safe_errors(stream):
    """``stream``, escaping (``\\u2713``) what its encoding cannot hold, never failing."""
    encoding = _encoding(stream)
    if encoding in (None, "utf-8") or getattr(stream, "errors", "strict") != "strict":
        return stream
    try:
        stream.flush()
        stream.reconfigure(errors="backslashreplace")
        return stream
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return _Replacing(stream, encoding, "backslashreplace")


def _encoding(stream) -> str | None:
    """The stream's codec name (``"utf-8"``, ``"cp1252"``), or None for a str-only stream."""
    encoding = getattr(stream, "encoding", None)
    if not isinstance(encoding, str):
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


class _Replacing:
    """A text stream that replaces what its encoding cannot hold instead of failing."""

    def __init__(self, stream, encoding: str, errors: str):
        self._stream, self._encoding, self._errors = stream, encoding, errors

    def write(self, text: str) -> int:
        self._stream.write(text.encode(self._encoding, self._errors).decode(self._encoding))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name):
        return getattr(self._stream, name)


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
            from decision_papers.problems import printable
            failed += 1
            # a summary line ("… and 19,950 more") stands for the problems it sums up
            errors = sum(p.details.get("stands_for", 1) for p in paper.problems
                         if p.severity == "error")
            print(f"{printable(display_path(paper.path))}: not built ({errors:,} error"
                  f"{'s' if errors != 1 else ''}); nothing was written for it.", file=stderr)
    return failed


def build_by_id(pid: str, stderr, keep_record: bool = True):
    """Build, in memory, the current project's decision ``pid``: ``(project, papers, 0)``,
    or ``(project, None, 2)`` with the reason printed (no such id; a usage error)."""
    from decision_papers import projects
    from decision_papers.errors import UsageError
    from decision_papers.pipeline import build_all
    here = projects.current()
    sources = projects.sources_with_id(here, pid)
    if not sources:
        print(projects.unknown_id(here, pid), file=stderr)
        return here, None, 2
    try:
        return here, build_all(sources, here.out, keep_record=keep_record), 0
    except UsageError as exc:
        print(f"error: {exc}", file=stderr)
        return here, None, 2
