"""The record: what an approved paper said, kept in ``records/`` and held by git.

An approved paper's text is a public record.  ``approve <id>`` writes one
small file per approved revision, ``records/<id>.json`` for the paper as
approved and ``records/<id>.corrigendum-<n>.json`` for each correction.  It
holds content hashes of the paper's Markdown text and of its figures' values,
the form, the dates, and the commit whose ``out/`` holds that text.  Builds
and ``--check`` compare a paper with its latest record, never with ``out/``,
so deleting an output, toggling the status or editing a version string cannot
let the text drift.  A record is written once and never rewritten; ``--check``
holds each one against git history (``review/history.py``).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from decision_papers.errors import Failure
from decision_papers.projects import Project

FORMAT = 1
"""The record file format; a newer one is refused, not misread."""
MAX_BYTES = 1024 * 1024
"""Largest record file read: a real one is under 2 KB plus its corrigendum's reason."""

_NAME = re.compile(r"(?P<id>[a-z0-9][a-z0-9-]*?)(?:\.corrigendum-(?P<n>[1-9][0-9]{0,2}))?\.json")
"""``pcd-1717.json`` or ``pcd-1717.corrigendum-2.json`` (ids never hold a dot)."""


_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SOURCE = re.compile(r"[^\x00-\x1f\x7f\\]{1,1000}")
"""A record's source: a relative path with forward slashes and nothing unprintable."""


class BadRecord(Failure):
    """A record file cannot be read; the message names it and says why."""

    rule = "record"


@dataclass(frozen=True)
class Record:
    """One approved revision of a paper."""

    path: Path
    """The record file."""
    id: str
    """The decision id."""
    revision: int
    """0 for the paper as approved; n for corrigendum n."""
    source: str
    """The source it was built from, relative to the project (``decisions/pcd-1717.json``)."""
    form: dict
    """The form template and version it was built under."""
    approved: str
    """The decision's approval date (ISO)."""
    date: str
    """When this revision was approved: the approval date, or the corrigendum's."""
    text_sha256: str
    """SHA-256 of ``out/<id>.md``, the paper's text."""
    figures_sha256: str
    """SHA-256 of its figures' ids, kinds and exact values (``figures_digest``)."""
    commit: str | None
    """The commit whose ``out/<id>.md`` holds this text (None if made outside git)."""
    corrects: str | None = None
    """For a corrigendum: the record it corrects (``records/pcd-1717.json``)."""
    reason: str | None = None
    """For a corrigendum: what was wrong, as the source gives it."""

    def as_json(self) -> bytes:
        """The file's bytes: sorted keys, two-space indent, one final newline."""
        data = {"format": FORMAT, "id": self.id, "revision": self.revision,
                "source": self.source, "form": self.form, "approved": self.approved,
                "date": self.date, "text_sha256": self.text_sha256,
                "figures_sha256": self.figures_sha256, "commit": self.commit}
        if self.revision:
            data.update(corrects=self.corrects, reason=self.reason)
        return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
                ).encode("utf-8")

    @property
    def shown(self) -> str:
        """``records/pcd-1717.json``: the record as a reader finds it in the repository."""
        return f"records/{self.path.name}"


def file_name(pid: str, revision: int) -> str:
    """The record file of a revision: ``pcd-1717.json``, ``pcd-1717.corrigendum-1.json``."""
    return f"{pid}.json" if revision == 0 else f"{pid}.corrigendum-{revision}.json"


def text_digest(markdown: bytes) -> str:
    """The hash of a paper's text, as ``out/<id>.md`` holds it."""
    return hashlib.sha256(markdown).hexdigest()


def figures_digest(figures_json: bytes) -> str:
    """The hash of a paper's figures: each one's id, kind and exact value.

    Only what the figures *are* counts, not how ``figures.json`` explains
    them (derivations in words, checks passed), so a clearer explanation in a
    later version of the tool leaves every record valid.
    """
    figures = json.loads(figures_json)["figures"]
    essence = sorted((f["id"], f["kind"], json.dumps(f["value"], sort_keys=True))
                     for f in figures)
    return hashlib.sha256(json.dumps(essence).encode("utf-8")).hexdigest()


def read(path: Path) -> Record:
    """One record file, checked field by field; ``BadRecord`` says what is wrong."""
    shown = f"records/{path.name}"
    match = _NAME.fullmatch(path.name)
    if not match:
        raise BadRecord(f"{shown} is not named like a record (<id>.json or "
                        "<id>.corrigendum-<n>.json)")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise BadRecord(f"{shown} is larger than any record ({MAX_BYTES:,} bytes at most)")
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadRecord(f"{shown} cannot be read ({type(exc).__name__})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadRecord(f"{shown} is not a record of format {FORMAT}")
    revision = int(match.group("n") or 0)
    fields = {"id": str, "revision": int, "source": str, "form": dict, "approved": str,
              "date": str, "text_sha256": str, "figures_sha256": str}
    for key, kind in fields.items():
        if not isinstance(data.get(key), kind):
            raise BadRecord(f"{shown} has no valid {key}")
    if data["id"] != match.group("id") or data["revision"] != revision:
        raise BadRecord(f"{shown} holds the record of {data['id']} revision {data['revision']}, "
                        "not the one its name says")
    commit = data.get("commit")
    if not (commit is None or isinstance(commit, str) and _COMMIT.fullmatch(commit)):
        raise BadRecord(f"{shown} has no valid commit (a full commit hash)")
    if not _SOURCE.fullmatch(data["source"]) or ".." in data["source"].split("/"):
        raise BadRecord(f"{shown} has no valid source (a path such as decisions/<id>.json)")
    for key in ("text_sha256", "figures_sha256"):
        if not _SHA256.fullmatch(data[key]):
            raise BadRecord(f"{shown} has no valid {key}")
    if revision and not (isinstance(data.get("corrects"), str) or data.get("corrects") is None) \
            or revision and not isinstance(data.get("reason"), str):
        raise BadRecord(f"{shown} does not say what it corrects and why")
    return Record(path, data["id"], revision, data["source"], data["form"], data["approved"],
                  data["date"], data["text_sha256"], data["figures_sha256"], data.get("commit"),
                  data.get("corrects"), data.get("reason"))


def owner(path: Path) -> str | None:
    """The decision id a record file's name gives, or None for a file not named like one."""
    match = _NAME.fullmatch(path.name)
    return match.group("id") if match else None


def load(project: Project) -> tuple[dict[str, list[Record]], list[str]]:
    """Every record of a project, by decision id and in revision order, and the files
    that cannot be read (one line each, starting with the file's name)."""
    found: dict[str, list[Record]] = {}
    bad = []
    folder = project.records
    if not folder.is_dir():
        return found, bad
    for path in sorted(folder.iterdir()):
        # a backup (pcd-1717.json~, .orig) or an editor's file is none of ours
        if path.name.startswith(".") or path.suffix != ".json":
            continue
        try:
            record = read(path)
        except BadRecord as exc:
            bad.append(str(exc))
            continue
        found.setdefault(record.id, []).append(record)
    for records in found.values():
        records.sort(key=lambda r: r.revision)
    return found, bad


def first_change(old: str, new: str) -> str:
    """Where two texts first differ: ``line 170 of pcd-1717.md: "…" would become "…"``."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    line = next((i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b),
                min(len(old_lines), len(new_lines)))
    was = old_lines[line] if line < len(old_lines) else ""
    now = new_lines[line] if line < len(new_lines) else ""
    was, now = _around_change(was, now)
    return f'line {line + 1}: "{was}" would become "{now}"'


def _around_change(was: str, now: str, context: int = 30) -> tuple[str, str]:
    """The two lines cut to the words around where they first differ."""
    start = next((i for i, (a, b) in enumerate(zip(was, now)) if a != b), min(len(was), len(now)))
    start = max(0, was.rfind(" ", 0, max(0, start - context)) + 1)

    def cut(text):
        piece = text[start:start + 3 * context]
        if start + len(piece) < len(text):
            piece = piece[:piece.rfind(" ")] + "…" if " " in piece else piece + "…"
        return ("…" if start else "") + piece
    return cut(was), cut(now)
