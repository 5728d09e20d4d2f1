"""What a build passes along: the options it was asked for, and each paper as it is built.

Frozen, typed values between the steps of ``pipeline.build_one``: nothing is
a tuple read by its index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from decision_papers.errors import Failure
from decision_papers.kinds import read_date
from decision_papers.problems import Problem
from decision_papers.projects import RULES_DIR, TEMPLATES_DIR
from decision_papers.source.walk import value_at


@dataclass(frozen=True)
class BuildOptions:
    """What a build is asked for: the same for every paper of a batch."""

    templates_dir: Path = TEMPLATES_DIR
    """The folder of form packs (``--templates``)."""
    rules_dir: Path = RULES_DIR
    """The folder of organisation rules files (``--rules``)."""
    strict: bool = False
    """Warnings are errors (``--strict``)."""
    part2: bool = False
    """Build each Part 2 paper too (``--part2``); never otherwise."""
    writers: frozenset[str] = frozenset()
    """The optional writers asked for, by name (``html``, ``pdf``: ``writers.WRITERS``)."""
    preview: bool = False
    """Render each paper's document even when it has errors, for the live preview; such a
    build never gives outputs."""


@dataclass
class Paper:
    """The outcome of building one source."""

    path: Path
    """Source file (or decision folder)."""
    id: str | None = None
    """Decision id, once known."""
    problems: list[Problem] = field(default_factory=list)
    """Errors and warnings, in the order found."""
    outputs: dict[str, bytes] = field(default_factory=dict)
    """File name → bytes, filled only when the paper built."""
    part2_outputs: dict[str, bytes] = field(default_factory=dict)
    """Part 2 file name → bytes, only when asked for; never written to ``out/``."""
    approved: bool = False
    """True when the source's status is approved: its text is then a record."""
    approval_date: dt.date | None = None
    """When the decision was approved, if it has been."""
    deferred_until: dt.date | None = None
    """End of the Part 1 publication deferral, if publication is deferred."""
    corrigenda: tuple[tuple[str, str], ...] = ()
    """The corrections the source lists, ``(date, reason)`` as typed; each is a revision
    with its own record."""
    form: dict | None = None
    """The source's ``form`` (template and version), as its record keeps it."""
    form_version: str | None = None
    """Form version the paper is built under."""
    rules: str | None = None
    """The organisation rules file the source names (``organisation.rules``)."""
    decided: dt.date | None = None
    """The decision date, where the form's descriptor says it is."""
    always_build: bool = False
    """True when the paper is built even when no input has changed (``incremental``): its
    Part 2 is in a file of its own, whose place git may come to ignore or not."""
    out_dir: Path | None = None
    """The folder its Part 1 outputs go to (a project's ``out/`` holds it to that project)."""
    source: object = None
    """The Part 1 source as read, for the file and line of each figure."""
    figures: object = None
    """The Part 1 figures (``figures.listing.PaperFigures``): ``explain``, the preview and
    ``diff`` read them, even when the paper does not build."""
    document: object = None
    """The Part 1 paper as the document model, once rendered."""

    @property
    def failed(self) -> bool:
        """True when any problem is an error."""
        return any(p.severity == "error" for p in self.problems)

    @property
    def ledger(self):
        """The Part 1 figure ledger, once computed."""
        return None if self.figures is None else self.figures.ledger

    def learn(self, data: dict) -> None:
        """What the record, publication and incremental builds need of a valid source."""
        self.id, self.approved = data["id"], data["status"] == "approved"
        self.corrigenda = tuple((c["date"], c["reason"]) for c in data.get("corrigenda", []))
        self.form, self.form_version = data["form"], data["form"]["version"]
        self.rules = data["organisation"]["rules"]
        approved_on = value_at(data, ("approval", "date"))  # each form says what it holds
        if isinstance(approved_on, str):
            self.approval_date = read_date(approved_on)
        if data["publication"]["deferred"]:
            self.deferred_until = read_date(data["publication"]["until"])

    def stop_if_failed(self) -> None:
        """End the paper's recipe here if it has an error."""
        if self.failed:
            raise Stopped()

    def slim(self) -> Paper:
        """The paper without what only ``explain``, the preview and tests read (its source,
        figures and document, which its outputs hold too): a batch keeps its papers until
        every one is built."""
        self.source = self.figures = self.document = None
        return self


class Stopped(Failure):
    """A paper's recipe ends early: its findings are already recorded."""

    def problems(self, source=None) -> list[Problem]:
        return []


@dataclass(frozen=True)
class Prepared:
    """One source made ready to render: its form, decision date, figures and view."""

    form: object
    """Its form pack's descriptor (``forms.descriptor.Form``)."""
    decided: dt.date
    """The decision date: thresholds and rates are those in force on it."""
    figures: object
    """Its figures (``figures.listing.PaperFigures``), computed and checked."""
    view: dict
    """What the templates see: the source's values as safe Markdown, figures as printed."""
    problems: tuple[Problem, ...]
    """What the figures, the prose and the checks found."""
