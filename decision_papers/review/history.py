"""Records held against git history: none rewritten, none removed, each one true.

A record is written once by ``approve`` and committed.  Git is the witness:
the file must still hold the bytes it was first committed with, and the
commit it names must hold the text it hashes.  Two or three git calls answer
this for every record at once, so a repository of thousands of papers checks
quickly.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from decision_papers import record as records
from decision_papers.project import Project
from decision_papers.review import git


@dataclass
class Verdict:
    """What the history says: findings fail ``--check``; notes say what was not checked."""

    findings: list[str] = field(default_factory=list)
    """One line each, with its fix."""
    notes: list[str] = field(default_factory=list)
    """What could not be checked, and why (never silently)."""


def verify(project: Project, found: dict[str, list[records.Record]]) -> Verdict:
    """Check every record of ``project`` against its git history."""
    verdict = Verdict()
    top = git.top_level(project.root)
    if top is None:
        if found:
            verdict.notes.append("note: this folder is not a git repository, so records were "
                                 "not checked against git history.")
        return verdict
    try:
        folder = project.records.resolve().relative_to(top).as_posix()
        _unchanged(top, folder, verdict)
        _true(top, project, found, verdict)
    except (git.GitError, ValueError) as exc:
        if found:
            verdict.notes.append(f"note: records were not checked against git history ({exc}).")
        return verdict
    if git.is_shallow(top):
        verdict.notes.append("note: this clone is shallow, so records were checked against the "
                             "history it holds only; fetch all of it (git fetch --unshallow, or "
                             "fetch-depth: 0 in CI) to check them all.")
    return verdict


def _unchanged(top: Path, folder: str, verdict: Verdict) -> None:
    """Every record file still holds the bytes it was first committed with."""
    log = git.run(top, "log", "--no-renames", "--no-abbrev", "--raw",
                  "--format=%x01%H%x00%an%x00%as", "--", folder)
    history: dict[str, list[tuple[str, str, str, str, str]]] = {}
    for entry in reversed(log.decode("utf-8", "surrogateescape").split("\x01")[1:]):
        head, *lines = entry.split("\n")
        commit, author, date = head.split("\0")
        for line in lines:
            if not line.startswith(":"):
                continue
            info, path = line.split("\t", 1)
            _, _, _, blob, status = info.split()
            history.setdefault(path, []).append((commit, author, date, status[:1], blob))
    paths = sorted(history)
    present = [p for p in paths if (top / p).is_file()]
    current = dict(zip(present, _blobs(top, present)))
    for path in paths:
        changes = history[path]
        added = next((c for c in changes if c[3] == "A"), None)
        if added is None:
            continue
        shown, first = path.removeprefix(folder + "/"), added[0][:7]
        restore = f"restore it: git checkout {first} -- {path}"
        later = [c for c in changes[changes.index(added) + 1:] if c[4] != added[4]]
        by = f" in commit {later[-1][0][:7]} ({later[-1][1]}, {later[-1][2]})" if later else \
            " (not committed yet)"
        if path not in current:
            verdict.findings.append(
                f"record removed: records/{shown} was deleted{by}, but a record is never "
                f"removed; {restore}.")
        elif current[path] != added[4]:
            verdict.findings.append(
                f"record rewritten: records/{shown} was changed{by} after it was recorded in "
                f"commit {first}, but a record is never rewritten; {restore} (to correct the "
                "paper, add a corrigendum and approve it).")


def _blobs(top: Path, paths: list[str]) -> list[str]:
    """git's object ids of the work tree's files, as ``git add`` would make them."""
    if not paths:
        return []
    return git.run(top, "hash-object", "--", *paths).decode().split()


def _true(top: Path, project: Project, found: dict, verdict: Verdict) -> None:
    """Each record's commit holds the text the record hashes."""
    wanted = []
    for pid in sorted(found):
        for record in found[pid]:
            if record.commit:
                out = (project.out / f"{pid}.md").resolve().relative_to(top).as_posix()
                wanted.append((record, f"{record.commit}:{out}", out))
    if not wanted:
        return
    shallow_missing = 0
    contents = _contents(top, [name for _, name, _ in wanted])
    for (record, _, out), data in zip(wanted, contents):
        if data is None and not git.is_commit(top, record.commit):
            if git.is_shallow(top):
                shallow_missing += 1
                continue
            verdict.findings.append(
                f"record untrue: {record.shown} names commit {record.commit[:7]}, which this "
                "repository does not hold; restore the record from git history (git log -- "
                f"{record.shown}).")
        elif data is None or records.text_digest(data) != record.text_sha256:
            verdict.findings.append(
                f"record untrue: {record.shown} says commit {record.commit[:7]} holds its text, "
                f"but {out} there is different; a record is written only by approve: restore "
                f"it from git history (git log -- {record.shown}).")
    if shallow_missing:
        verdict.notes.append(f"note: {shallow_missing} record(s) name commits older than this "
                             "shallow clone holds; their text was not checked.")


def _contents(top: Path, names: list[str]) -> list[bytes | None]:
    """``git cat-file --batch``: each ``<rev>:<path>``'s bytes, or None if missing."""
    result = subprocess.run(["git", "cat-file", "--batch"], cwd=top, capture_output=True,
                            input=("\n".join(names) + "\n").encode("utf-8", "surrogateescape"))
    if result.returncode:
        raise git.GitError(result.stderr.decode("utf-8", "replace").strip() or "git cat-file failed")
    data, at, found = result.stdout, 0, []
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
