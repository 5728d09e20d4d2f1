"""Writers: the neutral document (and the figure ledger) → the files a paper is.

Every writer is one row of ``WRITERS``: its suffix, whether every build
writes it or only one that asks (and by which option), whether an
incremental build may skip a paper that asks for it, and whether a Part 2
paper gets one too.  The command line's options, the lists of a paper's
files (``--check``, ``publish``, ``diff``) and the incremental build read
this table, so a new writer is its module and one row.

A writer's module is imported only when a build asks for it.  It has
``output(paper: Rendered) -> bytes``; a batch writer (one run for all the
papers, as LibreOffice makes PDFs) has ``add_to(papers, work)`` instead.
"""

from __future__ import annotations

import importlib
from pathlib import Path


class Writer:
    """One kind of file a paper can be written as.

    A plain class: the command line reads this table on every run, and a build
    with nothing to do must start fast (``incremental``).
    """

    __slots__ = ("name", "suffix", "module", "option", "help_text", "cached", "part2", "batch")

    def __init__(self, name: str, suffix: str, module: str, option: str | None = None,
                 help_text: str = "", cached: bool = True, part2: bool = False,
                 batch: bool = False):
        self.name = name
        """Its name, as builds ask for it: ``html``."""
        self.suffix = suffix
        """Added to the paper's id: ``out/<id>.html``."""
        self.module = module
        """The module that writes it (``decision_papers.writers.html``), imported only when a
        build asks for the file."""
        self.option = option
        """The command-line option that asks for it (``--html``); None: every build writes it."""
        self.help_text = help_text
        """The option's help."""
        self.cached = cached
        """Whether an incremental build may leave a paper unbuilt when it asks for this
        file: not for a PDF, made by LibreOffice, which no hash can follow."""
        self.part2 = part2
        """Whether a Part 2 paper is written as one too (``<id>.part2<suffix>``)."""
        self.batch = batch
        """Made once for the whole batch, from the papers' other files (``add_to``)."""

    def __repr__(self) -> str:
        return f"Writer({self.name!r}, {self.suffix!r})"

    def load(self):
        """The writer's module."""
        return importlib.import_module(self.module)


WRITERS: tuple[Writer, ...] = (
    Writer("docx", ".docx", "decision_papers.writers.docx", part2=True),
    Writer("md", ".md", "decision_papers.writers.markdown", part2=True),
    Writer("figures", ".figures.json", "decision_papers.writers.figures_file"),
    Writer("html", ".html", "decision_papers.writers.html", option="--html", part2=True,
           help_text="also write each paper as an accessible web page, OUT/<id>.html (GOV.UK "
                     "guidance prefers HTML to PDF for publications)"),
    Writer("pdf", ".pdf", "decision_papers.writers.pdf", option="--pdf", cached=False,
           batch=True,
           help_text="also write each paper as a tagged, accessible PDF, OUT/<id>.pdf, "
                     "through LibreOffice (installed separately), checked against PDF/UA"),
)
"""Every writer, in the order a paper's files are made."""

PART2 = ".part2"
"""Between a Part 2 paper's id and its suffix: ``<id>.part2.docx``."""


def chosen(requested=frozenset()) -> tuple[Writer, ...]:
    """The writers of a build that asks for ``requested`` (names): every build's, and those."""
    return tuple(w for w in WRITERS if w.option is None or w.name in requested)


def optional() -> tuple[Writer, ...]:
    """The writers a build writes only when asked."""
    return tuple(w for w in WRITERS if w.option is not None)


def suffixes() -> tuple[str, ...]:
    """What every build writes for a paper: ``out/<id>`` plus each of these."""
    return tuple(w.suffix for w in WRITERS if w.option is None)


def part2_suffixes() -> tuple[str, ...]:
    """What a Part 2 paper may be written as: ``<id>.part2.docx`` and the rest."""
    return tuple(PART2 + w.suffix for w in WRITERS if w.part2)


class Rendered:
    """A paper ready to write: its document, its figures, and its form's look."""

    __slots__ = ("document", "source", "reference", "figures")

    def __init__(self, document, source: Path, reference: Path | None = None, figures=None):
        self.document = document
        """The paper as the neutral document (``document.model.Document``)."""
        self.source = source
        """The source, where a finding about what it typed is placed."""
        self.reference = reference
        """The form's Word reference document, if its pack has one."""
        self.figures = figures
        """The paper's figures (``figures.listing.PaperFigures``); None for a Part 2 paper."""


def outputs(paper: Rendered, pid: str, requested=frozenset(), part2: bool = False
            ) -> dict[str, bytes]:
    """``{file name: bytes}`` of every writer a build asks for (but the batch ones).

    A writer that cannot write the paper raises a ``Failure`` (its reference
    document is unusable, its Word paper is not accessible)."""
    stem = pid + (PART2 if part2 else "")
    return {stem + w.suffix: w.load().output(paper) for w in chosen(requested)
            if not w.batch and (w.part2 or not part2)}


def add_batch_outputs(papers: list, requested, work: Path | None) -> None:
    """Each batch writer a build asks for adds its file to each paper that is ready, or
    its findings; ``work`` is where it may make its temporary files."""
    for writer in chosen(requested):
        if writer.batch:
            writer.load().add_to([p for p in papers if not p.failed], work)
