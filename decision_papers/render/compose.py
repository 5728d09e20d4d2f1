"""The paper as the neutral document: the form's templates rendered, and its metadata.

Part 1 and Part 2 are the same steps over different views: Part 2 is marked
on every page (``PART2_MARKING``) and its title says so.  Until a paper is
approved, DRAFT is in its title and on every page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from decision_papers import reproducible
from decision_papers.document import from_markdown
from decision_papers.document.model import PROPERTY_LIMIT, Document, Metadata, plain
from decision_papers.forms.packs import LAYOUT
from decision_papers.problems import shorten
from decision_papers.render import templates
from decision_papers.source.load import Source

PART2_MARKING = "CONFIDENTIAL – PART 2 – NOT FOR PUBLICATION"
"""Printed on every page of a Part 2 paper."""
PART2_LAYOUT = "part2.md.j2"
"""The template of a Part 2 paper."""
DRAFT = "DRAFT"
"""Before a paper's title, and at the top of every page, until it is approved."""


def document(source: Source, view: dict, decided: dt.date, lettered: tuple[str, str],
           templates_dir: Path, part2: bool = False) -> Document:
    """The paper (``part2``: its Part 2) as the document model; a ``TemplateProblem`` when
    the form's templates cannot render it."""
    blocks = templates.render_blocks(source.data["form"]["template"], view, templates_dir,
                                     PART2_LAYOUT if part2 else LAYOUT, lettered)
    marking = PART2_MARKING if part2 else None
    return Document(metadata(source, view, decided, marking), blocks)


def metadata(source: Source, view: dict, decided: dt.date, marking: str | None = None
             ) -> Metadata:
    """The document's properties, every one from the source (or ``SOURCE_DATE_EPOCH``)."""
    data = source.data
    title = plain(from_markdown.parse(view["title"])[0].spans)
    title = f"Part 2: {title}" if marking else title
    draft = data["status"] != "approved"
    return Metadata(
        # the body prints the whole title; Word's title property holds 255 characters
        title=shorten(f"{DRAFT} – {title}" if draft else title, PROPERTY_LIMIT),
        reference=data["reference"],
        form_version=data["form"]["version"],
        organisation=data["organisation"]["name"],
        date=decided,
        stamp=reproducible.stamp(decided),
        marking=marking,
        draft=draft,
    )
