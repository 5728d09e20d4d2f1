"""Where a project's folders are: its decisions, outputs and records.

A project is a folder holding ``decisions/``.  Commands work on the project
in the current directory when it has one (as mkdocs reads the configuration
where it is run), else on the one beside ``build.py``.  A source's own
project is the folder above the ``decisions/`` it sits in; a source kept
anywhere else (a test corpus, a scratch file) belongs to no project, so it
has no records and no other decisions to clash with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from decision_papers.source.load import MAX_BYTES

TOOL_ROOT = Path(__file__).resolve().parent.parent
"""The folder beside ``build.py``, holding the bundled example project."""


@dataclass(frozen=True)
class Project:
    """A folder holding ``decisions/``, with ``out/`` and ``records/`` beside it."""

    root: Path
    """The project folder (a git work tree's top, usually)."""

    @property
    def decisions(self) -> Path:
        """Decision sources, ``decisions/*.json``."""
        return self.root / "decisions"

    @property
    def out(self) -> Path:
        """The published outputs, committed so reviewers can diff them."""
        return self.root / "out"

    @property
    def records(self) -> Path:
        """One record per approved revision, written only by ``approve``."""
        return self.root / "records"

    def sources(self) -> list[Path]:
        """Every ``decisions/*.json``, sorted so builds run in the same order."""
        return sorted(self.decisions.glob("*.json"))


def current(cwd: Path | None = None) -> Project:
    """The project in ``cwd`` if it has ``decisions/``, else the bundled one."""
    here = Path.cwd() if cwd is None else cwd
    return Project(here if (here / "decisions").is_dir() else TOOL_ROOT)


def of_source(path: Path) -> Project | None:
    """The project a source belongs to: the folder above its ``decisions/``."""
    try:
        folder = path.resolve().parent
    except (OSError, RuntimeError):
        return None
    return Project(folder.parent) if folder.name == "decisions" else None


def declared_id(path: Path) -> str | None:
    """The ``id`` a source file declares, read cheaply; None if it cannot be read.

    Used to find which file holds an id without building it; a file that
    cannot be read this way is left for its own build to report.
    """
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return None
    pid = data.get("id") if isinstance(data, dict) else None
    return pid if isinstance(pid, str) else None
