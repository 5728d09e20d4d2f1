"""The few questions the tool asks git, each one subprocess call.

Reviewing and the record need git's answers (a revision's files, whether a
folder is ignored, who made a commit and when).  Every call goes through
``run``, so a missing git or a failed command becomes a ``GitError`` whose
message is git's own first line, never a traceback.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from decision_papers.errors import Failure


class GitError(Failure):
    """git could not answer; the message says why."""

    rule = "git"


def run(top: Path, *args: str, check: bool = True, stdin: bytes | None = None,
        ok: tuple[int, ...] = (0,)) -> bytes:
    """git's output for ``args`` run in ``top`` (fed ``stdin``); a ``GitError`` if its exit
    status is not in ``ok`` (unless ``check`` is off)."""
    try:
        result = subprocess.run(["git", *args], cwd=top, capture_output=True, input=stdin)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except OSError as exc:
        raise GitError(f"cannot run git ({exc.strerror or exc})") from None
    if result.returncode not in ok and check:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[0].removeprefix("fatal: ") if message else
                       f"git {args[0]} failed")
    return result.stdout


def top_level(path: Path) -> Path | None:
    """The top of the git work tree holding ``path``, or None (no repository, no git)."""
    folder = path if path.is_dir() else path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        out = run(folder, "rev-parse", "--show-toplevel")
    except GitError:
        return None
    return Path(out.decode("utf-8", "surrogateescape").strip()).resolve()


def is_commit(top: Path, rev: str) -> bool:
    """True when ``rev`` names a commit in the repository."""
    if rev.startswith("-"):
        return False
    return run(top, "rev-parse", "--verify", "--quiet", "--end-of-options",
               f"{rev}^{{commit}}", check=False).strip() != b""


def commit_id(top: Path, rev: str = "HEAD") -> str | None:
    """The full hash of ``rev``, or None if there is no such commit (a new repository)."""
    if not is_commit(top, rev):
        return None
    return run(top, "rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}"
               ).decode().strip()


def author_and_date(top: Path, rev: str) -> tuple[str, str]:
    """A commit's author name and date (strict ISO 8601, with its offset)."""
    name, _, date = run(top, "log", "-1", "--format=%an%x00%aI", "--end-of-options",
                        rev).decode("utf-8", "replace").strip().partition("\0")
    return name, date


def show(top: Path, rev: str, path: str) -> bytes | None:
    """The bytes of ``path`` (relative to the top) at ``rev``, or None if it has none."""
    if rev.startswith("-"):
        return None
    try:
        return run(top, "show", "--end-of-options", f"{rev}:{path}")
    except GitError:
        return None


def not_ignored(top: Path, paths: list[Path]) -> list[Path]:
    """Those of ``paths`` inside the work tree that git would not ignore (so could commit).

    A tracked file is never ignored.  Paths need not exist yet.
    """
    inside = [p for p in paths if _inside(top, p)]
    if not inside:
        return []
    args = [str(p.resolve().relative_to(top)) for p in inside]
    ignored = _check_ignore(top, args)
    return [p for p, rel in zip(inside, args) if rel not in ignored]


def _check_ignore(top: Path, relative: list[str]) -> set[str]:
    out = run(top, "check-ignore", "-z", "--stdin", ok=(0, 1),  # 1: none of them is ignored
              stdin="\0".join(relative).encode("utf-8", "surrogateescape"))
    return {item.decode("utf-8", "surrogateescape") for item in out.split(b"\0") if item}


def _inside(top: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(top)
    except ValueError:
        return False
    return True


def files(top: Path) -> list[str]:
    """Every file in the work tree git tracks or could commit (not ignored), sorted."""
    out = run(top, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return sorted({p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p})


def is_shallow(top: Path) -> bool:
    """True in a shallow clone (CI's usual fetch depth 1): history is cut short."""
    return run(top, "rev-parse", "--is-shallow-repository", check=False).strip() == b"true"
