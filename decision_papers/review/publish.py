"""``python build.py publish --as-of DATE OUTDIR``: the publication set.

Publishes the Part 1 papers a public body may put on its website on DATE:
approved, approved by then, and with any deferral ended.  Never a draft,
never Part 2.  Everything held back is listed with the reason, so the
publication officer can see nothing was forgotten.

OUTDIR is made exactly the publication set: a paper published there before
and held back now (a draft again, deferred, failing, or, when every decision
is published, its source gone) has the files every build writes
(``writers.suffixes``: ``<id>.docx``, ``<id>.md`` and ``<id>.figures.json``)
removed, and nothing else in OUTDIR is touched.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from decision_papers import formatting, writers
from decision_papers.projects import declared_id


def held_back(paper, as_of: dt.date) -> str | None:
    """Why a built paper may not be published on ``as_of``, or ``None``."""
    if paper.failed:
        return "its source has errors"
    if not paper.approved:
        return "it is a draft"
    if paper.approval_date > as_of:
        return f"it is approved only from {formatting.date(paper.approval_date)}"
    if paper.deferred_until and paper.deferred_until > as_of:
        return f"publication is deferred until {formatting.date(paper.deferred_until)}"
    return None


def awaiting_record(paper) -> str | None:
    """Why an approved paper's text is not yet a record, or ``None``.

    The published text must be a record: an approved paper with no record,
    or with a correction not yet approved, is not published afresh; what is
    already published of it stays as it was.
    """
    for problem in paper.problems:
        if problem.rule == "record" and problem.severity == "warning":
            return problem.message.rstrip(".")
    return None


def ids_of(paper) -> list[str]:
    """The ids a paper's outputs may carry, even when its source has errors.

    Its id once read; else the ``id`` its JSON holds; else its file name, as
    in ``decisions/<id>.json``.
    """
    ids = [paper.id] if paper.id else []
    ids.append(declared_id(paper.path))  # None if unreadable: never mind
    ids.append(paper.path.stem)
    return [pid for pid in dict.fromkeys(ids) if isinstance(pid, str) and pid]


def published_files(outdir: Path, pid: str) -> list[Path]:
    """The files ``publish`` writes for paper ``pid`` that are in ``outdir`` now.

    Only regular files named ``<id>`` and a suffix every build writes
    (``writers.suffixes``): never a folder, a link or any other file.
    """
    found = []
    for suffix in writers.suffixes():
        path = outdir / f"{pid}{suffix}"
        if path.is_file() and not path.is_symlink():
            found.append(path)
    return found


def withdrawn(outdir: Path, known: set[str]) -> dict[str, list[Path]]:
    """Papers published in ``outdir`` whose source is none of the decisions now.

    A paper is recognised by its ``<id>.figures.json``, which names the
    decision it lists (``{"decision": "<id>", "figures": [...]}``); files
    that are not a paper's outputs are never touched.
    """
    found = {}
    for listing in sorted(outdir.glob("*.figures.json")):
        pid = listing.name[:-len(".figures.json")]
        if pid in known or not listing.is_file() or listing.is_symlink():
            continue
        try:
            data = json.loads(listing.read_bytes())
            ours = data["decision"] == pid and isinstance(data["figures"], list)
        except Exception:  # noqa: BLE001 - not a paper's figures file
            ours = False
        if ours:
            found[pid] = published_files(outdir, pid)
    return found


