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
import os
import stat
from pathlib import Path

TOOL_ROOT = Path(__file__).resolve().parent.parent
"""The folder beside ``build.py``, holding the bundled example project."""
TEMPLATES_DIR = TOOL_ROOT / "templates"
"""The bundled form packs (``--templates`` names another folder)."""
RULES_DIR = TOOL_ROOT / "rules"
"""The bundled organisation rules files (``--rules`` names another folder)."""
SCHEMA_DIR = TOOL_ROOT / "schema"
"""The JSON Schemas: the common one, the form descriptor's, and each form's."""
FOLDER_SOURCE = "decision.json"
"""The structured part of a decision kept as a folder (``source.folder``)."""
MAX_BYTES = 2 * 1024 * 1024
"""Largest source accepted; a decision paper is a few dozen kilobytes."""


def display_path(path: Path) -> str:
    """Show paths relative to the working directory when they are inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


class Project:
    """A folder holding ``decisions/``, with ``out/`` and ``records/`` beside it.

    A plain class, not a dataclass: this module is read on every build, and a
    build with nothing to do must start fast (``incremental``).
    """

    __slots__ = ("root",)

    def __init__(self, root: Path):
        self.root = root
        """The project folder (a git work tree's top, usually)."""

    def __eq__(self, other) -> bool:
        return isinstance(other, Project) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    def __repr__(self) -> str:
        return f"Project(root={self.root!r})"

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
        """Every ``decisions/*.json`` and decision folder (``decisions/<id>/decision.json``),
        sorted so builds run in the same order."""
        return sources_in(self.decisions)


def sources_in(folder: Path) -> list[Path]:
    """The decisions in ``folder``: its ``*.json`` files and its decision folders."""
    folders = [p.parent for p in folder.glob(f"*/{FOLDER_SOURCE}")]
    return sorted([*folder.glob("*.json"), *folders])


def current(cwd: Path | None = None) -> Project:
    """The project holding ``cwd``: the nearest folder, upward, with ``decisions/``.

    Run from a project's subfolder (``decisions/``, say), commands still work on
    that project, as git does; outside any project, on the bundled one.
    """
    here = Path(os.path.abspath(Path.cwd() if cwd is None else cwd))
    for folder in (here, *here.parents):
        if (folder / "decisions").is_dir():
            return Project(folder)
    return Project(TOOL_ROOT)


def of_source(path: Path) -> Project | None:
    """The project a source belongs to: the folder above the ``decisions/`` it is in.

    The path is taken as given, not with links resolved: a source linked into
    ``decisions/`` from elsewhere is still that project's decision, held to
    its records and ids.
    """
    folder = Path(os.path.abspath(path)).parent
    return Project(folder.parent) if folder.name == "decisions" else None


def of_output(out_dir: Path) -> Project | None:
    """The project whose ``out/`` a build writes into, if it is one.

    A source from anywhere written into a project's ``out/`` must not overwrite
    what belongs to that project's decisions, nor change a recorded text.
    """
    folder = Path(os.path.abspath(out_dir))
    if folder.name == "out" and (folder.parent / "decisions").is_dir():
        return Project(folder.parent)
    return None


def projects_of(path: Path, out_dir: Path | None) -> list[Project]:
    """Every project a paper answers to: its source's and its output folder's."""
    found = [p for p in (of_source(path), of_output(out_dir) if out_dir else None) if p]
    unique: dict[Path, Project] = {}
    for project in found:
        unique.setdefault(Path(os.path.abspath(project.root)), project)
    return list(unique.values())


def declared_id(path: Path) -> str | None:
    """The ``id`` a source file declares, read cheaply; None if it cannot be read.

    Used to find which file holds an id without building it; a file that
    cannot be read this way is left for its own build to report.
    """
    if path.is_dir():
        path = path / FOLDER_SOURCE
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None  # a pipe or a device is never read: it could never end
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return None
    pid = data.get("id") if isinstance(data, dict) else None
    return pid if isinstance(pid, str) else None


def sources_with_id(project: Project, pid: str) -> list[Path]:
    """The project's sources that declare the id ``pid`` (one, unless ids clash)."""
    return [s for s in project.sources() if declared_id(s) == pid]


def unknown_id(project: Project, pid: str) -> str:
    """The message for an id no source of ``project`` has, naming the ids there are."""
    known = ", ".join(sorted(filter(None, map(declared_id, project.sources())))) or "none"
    return (f'error: no decision in {display_path(project.decisions)}/ has the id "{pid}" '
            f"(decisions: {known}).")
