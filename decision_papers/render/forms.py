"""A form pack's descriptor, ``templates/<form>/form.json``: the form as data.

The sections of Part I with their numbers and headings, where the decision
date is, and which sign-off dates must come in order are facts about a
body's form, not about the tool.  They live in the pack, are checked against
``schema/form.schema.json``, and reach the code and the templates from
there, so a new form needs no change to the code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator

from decision_papers.problems import Place, Problem, ProblemsFound
from decision_papers.render.templates import shown
from decision_papers.source.load import load
from decision_papers.source.validate import validate
from decision_papers.source.walk import value_at

DESCRIPTOR = "form.json"
SCHEMA = Path(__file__).resolve().parents[2] / "schema" / "form.schema.json"


@dataclass(frozen=True)
class Section:
    """One numbered section of Part I."""

    id: str
    """Its key under ``part1`` in a source."""
    number: int
    """Printed before the heading; its paragraphs are ``<number>.1``, ``<number>.2``..."""
    heading: str
    """As the form prints it."""
    required: bool = True
    """Whether every paper must have it."""


@dataclass(frozen=True)
class DateRule:
    """Two sign-off dates in the order the form requires."""

    before: str
    """The date that comes first (its dotted place in a source, e.g. ``consulted.date``)."""
    after: str
    """The date on or after it."""
    why: str
    """The reason, as the finding says it."""


@dataclass(frozen=True)
class Form:
    """What a form pack says about its form."""

    name: str
    """The form's name."""
    version: str
    """The version sources name in ``form.version``."""
    sections: tuple[Section, ...]
    """Part I's sections, in order."""
    decision_date: tuple[str, ...]
    """Where the decision date is: the first of these a source gives."""
    date_order: tuple[DateRule, ...] = ()
    """Sign-off dates that must come in order."""
    financial_year_style: str = "2024/25"
    """How the form writes a financial year: ``2024/25`` or ``2024-25``."""

    def printed(self, figure, style: str = "") -> str:
        """A figure as this form prints it: its kind's format, in the form's house style.

        Only the financial-year separator is the form's; a financial year's
        text holds no other slash (``2024/25 to 2025/26``).
        """
        text = figure.text(style)
        year = figure.kind in ("financial_year", "year_range") or \
            (figure.kind == "date" and style == "fy")
        if year and self.financial_year_style == "2024-25":
            return text.replace("/", "-")
        return text

    def view(self) -> dict:
        """What the templates see as ``form``."""
        return {"name": self.name, "version": self.version,
                "sections": [{"id": s.id, "number": s.number, "heading": s.heading,
                              "required": s.required} for s in self.sections]}

    def decision_date_field(self, data: dict) -> tuple[str, ...]:
        """The place of the decision date in ``data``: the first listed that it gives.

        A source none of whose dates are given still has a place to point at:
        the last listed, where the message about it belongs.
        """
        for dotted in self.decision_date:
            if value_at(data, dotted.split(".")) is not None:
                return tuple(dotted.split("."))
        return tuple(self.decision_date[-1].split("."))


def load_form(folder: Path) -> Form:
    """The descriptor of the pack in ``folder``; ``ProblemsFound`` names the file and line.

    Read once per version of the file (its modification time is part of the
    cache key), so a long-running process sees an edited descriptor.
    """
    folder = folder.resolve()
    try:
        stamp = (folder / DESCRIPTOR).stat().st_mtime_ns
    except OSError:
        stamp = None
    return _load(folder, stamp)


@lru_cache(maxsize=64)
def _load(folder: Path, stamp: int | None) -> Form:
    path = folder / DESCRIPTOR
    display = shown(folder, DESCRIPTOR)
    if not path.is_file():
        raise ProblemsFound([Problem(
            f"the form pack {shown(folder, '')}/ has no {DESCRIPTOR}, which says what the form's "
            "sections and sign-off dates are.", (Place(display),),
            f"add one; see templates/pcd-april-2023/{DESCRIPTOR} and schema/form.schema.json.",
            rule="template")])
    try:
        source = load(path)
    except ProblemsFound as exc:
        raise ProblemsFound([Problem(p.message.replace("decision file", "form descriptor"),
                                     tuple(Place(display, pl.line, pl.column, pl.json_path)
                                           for pl in p.places), None, rule="template")
                             for p in exc.problems]) from None
    source.display = display
    problems = validate(source, _validator())
    if problems:
        raise ProblemsFound([Problem(p.message, p.places, p.hint or "see schema/form.schema.json.",
                                     "template", p.severity, p.details) for p in problems])
    data = source.data
    return Form(
        data["name"], data["version"],
        tuple(Section(s["id"], s["number"], s["heading"], s.get("required", True))
              for s in data["sections"]),
        tuple(data["decision_date"]),
        tuple(DateRule(r["before"], r["after"], r["why"]) for r in data.get("date_order", ())),
        data.get("financial_year_style", "2024/25"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
