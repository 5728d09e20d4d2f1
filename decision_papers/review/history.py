"""Records held against git history: none rewritten, none removed, each one true.

A record is written once by ``approve`` and committed.  Git is the witness:
the file must still hold the bytes it was first committed with, on every
line of history (merges included), and a commit must hold the text it
hashes.  A handful of git calls answer this for every record at once, so a
repository of thousands of papers checks quickly.  What cannot be checked is
a finding, not a quiet pass: the gate fails closed.
"""

from __future__ import annotations

import os
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from decision_papers import git, records
from decision_papers.problems import printable
from decision_papers.projects import Project

_NO_BLOB = "0" * 40


@dataclass
class Verdict:
    """What the history says: findings fail ``--check``; notes say what was not checked."""

    findings: list[str] = field(default_factory=list)
    """One line each, with its fix."""
    notes: list[str] = field(default_factory=list)
    """What could not be checked, and why (never silently)."""


@dataclass
class _Path:
    """One record file's life in git history."""

    changes: list[tuple[str, str, str]] = field(default_factory=list)
    """``(commit, status, new blob)`` in topological order, oldest first."""

    @property
    def added(self) -> tuple[str, str, str] | None:
        return next((c for c in self.changes if c[1] == "A"), None)


def verify(project: Project, found: dict[str, list[records.Record]]) -> Verdict:
    """Check every record of ``project`` against its git history."""
    verdict = Verdict()
    if project.records.is_symlink():
        verdict.findings.append(
            "records/ is a symbolic link; the records must be the repository's own folder: "
            "replace the link with the folder it points to, and commit it.")
        return verdict
    if shutil.which("git") is None:
        if found:
            verdict.findings.append(
                "records could not be checked against git history: git is not installed; "
                "install git and run --check again.")
        return verdict
    top = git.top_level(project.root)
    if top is None:
        if found:
            verdict.notes.append("note: this folder is not a git repository, so records were "
                                 "not checked against git history.")
        return verdict
    try:
        folder = (project.root.resolve() / "records").relative_to(top).as_posix()
        history = _history(top, folder)
        _unchanged(top, project, folder, history, verdict)
        _true(top, project, found, history, verdict)
    except (git.GitError, ValueError, OSError) as exc:
        verdict.findings.append(f"records could not be checked against git history "
                                f"({printable(str(exc))}); fix what stops git, then run --check "
                                "again.")
        return verdict
    if git.is_shallow(top):
        verdict.notes.append("note: this clone is shallow, so records were checked against the "
                             "history it holds only; fetch all of it (git fetch --unshallow, or "
                             "fetch-depth: 0 in CI) to check them all.")
    return verdict


def _history(top: Path, folder: str) -> dict[str, _Path]:
    """Every change to a file under ``folder`` on every line of history, oldest first.

    ``diff-tree -m`` compares a merge with each parent, so a record replaced
    in a merge, or first committed in one, is seen; ``-z`` keeps any file
    name exactly as it is.
    """
    if git.commit_id(top) is None:
        return {}
    commits = git.run(top, "rev-list", "--topo-order", "--reverse", "HEAD")
    out = git.run(top, "diff-tree", "--stdin", "--root", "-m", "-r", "--no-renames",
                  "--no-abbrev", "-z", "--raw", "--", folder, stdin=commits)
    history: dict[str, _Path] = {}
    tokens = iter(out.split(b"\0"))
    commit = None
    for token in tokens:
        if token.startswith(b":"):
            path = next(tokens).decode("utf-8", "surrogateescape")
            *_, blob, status = token.decode("ascii").split()
            history.setdefault(path, _Path()).changes.append((commit, status[:1], blob))
        elif token.strip():
            commit = token.decode("ascii").strip()
    return history


def _unchanged(top: Path, project: Project, folder: str, history: dict[str, _Path],
               verdict: Verdict) -> None:
    """Every record file still holds the bytes it was first committed with."""
    present = [p for p in sorted(history) if (top / p).is_file() and not (top / p).is_symlink()]
    current = dict(zip(present, _blobs(top, present)))
    for path in sorted(history):
        life = history[path]
        added = life.added
        if added is None:
            continue
        shown = f"records/{path.removeprefix(folder + '/')}"
        first = added[0][:7]
        target = path if project.root.resolve() == top else f":/{path}"
        restore = f"restore it: git checkout {first} -- {shlex.quote(target)}"
        if path not in current:
            gone = [c for c in life.changes if c[1] == "D"]
            by = _by(top, gone[-1][0]) if gone else " (not committed yet)"
            verdict.findings.append(
                f"record removed: {shown} was deleted{by}, but a record is never removed; "
                f"{restore}.")
        elif current[path] != added[2]:
            later = [c for c in life.changes if c[2] not in (added[2], _NO_BLOB)]
            by = _by(top, later[0][0]) if later else " (not committed yet)"
            verdict.findings.append(
                f"record rewritten: {shown} was changed{by} after it was recorded in commit "
                f"{first}, but a record is never rewritten; {restore} (to correct the paper, "
                "add a corrigendum and approve it).")


def _by(top: Path, commit: str) -> str:
    """`` in commit 4c1d2e9 (Ada Officer, 2024-10-01)``: the author's own day."""
    name, date = git.author_and_date(top, commit)
    return f" in commit {commit[:7]} ({printable(name)}, {date[:10]})"


def _blobs(top: Path, paths: list[str]) -> list[str]:
    """git's object ids of the work tree's files, as ``git add`` would make them."""
    if not paths:
        return []
    return git.run(top, "hash-object", "--", *paths).decode().split()


def _true(top: Path, project: Project, found: dict, history: dict[str, _Path],
          verdict: Verdict) -> None:
    """Each record's text is held by git: at the commit it names, or, where that commit
    is gone (a squash or rebase merge), at the commit that added the record."""
    wanted = []
    for pid in sorted(found):
        out = os.path.relpath(project.out.resolve() / f"{pid}.md", top).replace(os.sep, "/")
        folder = (project.root.resolve() / "records").relative_to(top).as_posix()
        for record in found[pid]:
            if not record.commit:
                continue
            life = history.get(f"{folder}/{record.path.name}")
            adding = life.added[0] if life and life.added else None
            wanted.append((record, out, record.commit, adding))
    if not wanted:
        return
    names = [f"{rev}:{out}" for record, out, named, adding in wanted
             for rev in (named, adding or named)]
    contents = iter(_contents(top, names))
    missing = 0
    for record, out, named, _ in wanted:
        at_named, at_adding = next(contents), next(contents)
        if at_named is not None and records.text_digest(at_named) == record.text_sha256:
            continue
        if at_named is None and at_adding is not None and \
                records.text_digest(at_adding) == record.text_sha256:
            continue  # its commit was squashed or rebased away; the record's own holds it
        if at_named is None and not git.is_commit(top, named) and git.is_shallow(top):
            missing += 1
            continue
        verdict.findings.append(
            f"record untrue: {record.shown} says commit {named[:7]} holds its text, but "
            f"{out} there is {'different' if at_named is not None else 'not to be found'}; a "
            f"record is written only by approve: restore it from git history (git log -- "
            f"{record.shown}).")
    if missing:
        verdict.notes.append(f"note: {missing} record(s) name commits older than this "
                             "shallow clone holds; their text was not checked.")


def _contents(top: Path, names: list[str]) -> list[bytes | None]:
    """``git cat-file --batch``: each ``<rev>:<path>``'s bytes, or None if missing."""
    data = git.run(top, "cat-file", "--batch",
                   stdin=("\n".join(names) + "\n").encode("utf-8", "surrogateescape"))
    at, found = 0, []
    for _ in names:
        end = data.index(b"\n", at)
        header = data[at:end].split()
        at = end + 1
        if len(header) != 3 or header[1] != b"blob":  # "<name> missing", or not a file
            found.append(None)
            continue
        size = int(header[2])
        found.append(data[at:at + size])
        at += size + 1
    return found
