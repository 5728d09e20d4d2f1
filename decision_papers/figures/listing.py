"""A paper's figures as the paper prints them: one in-memory listing for every reader.

The figures file (``out/<id>.figures.json``), ``explain``, the live preview
and ``diff`` all show the same facts about each figure: its value and kind,
how it prints in each format the paper uses, where it was typed or how it is
derived, the checks it passed, and where the paper prints it.  They take
them from here, from the paper's ledger in memory; the figures file is this
listing written out, a published artifact, never read back to build.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from decision_papers.figures.ledger import Ledger, names
from decision_papers.figures.references import Reference
from decision_papers.kinds import json_value
from decision_papers.problems import Place, json_path, pointer


@dataclass(frozen=True)
class Listed:
    """One figure, as a reader of the paper is told about it."""

    id: str
    label: str | None
    kind: str
    value: object
    """Its exact value in JSON form (ISO dates, pounds as strings)."""
    text: dict
    """Format (``default`` for the plain one) → the figure as the paper prints it."""
    stated: bool
    source: str | None
    """The JSON pointer of the stated value, if it was typed."""
    derivation: dict | None
    """``op``, ``inputs``, ``rule``, the ``formula`` in ids, and the computed ``value``."""
    checks: tuple[str, ...]
    """The rules of the checks it passed."""
    printed_at: tuple[str, ...]
    """Where the paper prints it: the JSON paths of the prose that names it."""
    place: Place | None = None
    """The file and line where it was typed (in memory only: the figures file has the pointer)."""
    implied: tuple[str, ...] = ()
    """The relations it takes part in that nobody declared, each with where it comes from:
    ``cap: implied by pots.grants: cap × places``."""

    def as_json(self) -> dict:
        """The figure as the figures file lists it (``implied`` only where it has any)."""
        listed = {"id": self.id, "label": self.label, "kind": self.kind, "value": self.value,
                  "text": dict(self.text), "stated": self.stated, "source": self.source,
                  "derivation": self.derivation, "checks": list(self.checks),
                  "printed_at": list(self.printed_at)}
        if self.implied:
            listed["implied"] = list(self.implied)
        return listed

    @classmethod
    def from_json(cls, item: dict) -> Listed:
        """A figure as a committed figures file lists it (a revision whose source does not
        build has only that)."""
        return cls(item["id"], item.get("label"), item.get("kind", ""), item.get("value"),
                   item["text"], bool(item.get("stated")), item.get("source"),
                   item.get("derivation"), tuple(item.get("checks", ())),
                   tuple(item["printed_at"]), implied=tuple(item.get("implied", ())))


@dataclass(frozen=True)
class PaperFigures:
    """The Part 1 figures of one paper: its ledger, where its prose prints each, and how."""

    decision: str
    """The decision id."""
    ledger: Ledger
    references: tuple[Reference, ...]
    """Every place the paper prints a figure."""
    printed: Callable
    """``printed(figure, style)``: a figure as the form prints it (its house style)."""
    sections: dict
    """The form's section numbers, ``{"financial": 3}``, so a place reads "paragraph 3.1"."""
    place: Callable | None = None
    """``place(path parts)``: the file and line of a value in the source."""

    @cached_property
    def entries(self) -> tuple[Listed, ...]:
        """Every figure but Part 2's, sorted by id: made once, for the figures file and for
        ``explain``, the preview and ``diff`` alike."""
        printed: dict[str, dict] = {}
        for ref in self.references:
            entry = printed.setdefault(ref.figure, {"styles": set(), "at": set()})
            entry["styles"].add(ref.style)
            entry["at"].add(json_path(ref.path))
        return tuple(self._listed(fid, printed.get(fid, {})) for fid in sorted(self.ledger)
                     if not self.ledger[fid].confidential)

    def _listed(self, fid: str, printed: dict) -> Listed:
        figure, ledger = self.ledger[fid], self.ledger
        formula = figure.formula
        styles = sorted(printed.get("styles", {""}) | {""})
        return Listed(
            fid, figure.label, figure.kind, json_value(figure.kind, figure.value),
            {style or "default": self.printed(figure, style) if figure.value is not None
             else None for style in styles},
            figure.stated, pointer(figure.source) if figure.stated else None,
            None if formula is None else {
                "op": formula.op, "inputs": list(formula.inputs), "rule": formula.rule,
                "formula": names(ledger, fid), "value": json_value(figure.kind, figure.computed)},
            tuple(sorted(ledger.passed.get(fid, ()))), tuple(sorted(printed.get("at", ()))),
            self.place(figure.source) if figure.stated and self.place else None,
            tuple(sorted({f"{r.rule}: {r.implied}" for r in ledger.relations
                          if r.implied and fid in r.ids})))


# -- where a figure is printed, as a reader names the place ---------------------------

def describe(path: str, sections: dict[str, int]) -> str:
    """A JSON path as a reader would name the place: ``paragraph 3.1``.

    ``sections`` are the form's section numbers (``{"financial": 3}``).
    """
    if path == "$.title":
        return "the title"
    match = re.fullmatch(r"\$\.(\w+)\[(\d+)\](?:\.statement)?", path)
    if match:
        where, index = match.group(1), int(match.group(2)) + 1
        return {"executive_summary": f"executive summary paragraph {index}",
                "recommendations": f"recommendation {index}",
                "declarations": f"declaration row {index}"}.get(where, path)
    match = re.fullmatch(r"\$\.part1\.(\w+)\[(\d+)\]", path)
    if match and isinstance(sections.get(match.group(1)), int):
        return f"paragraph {sections[match.group(1)]}.{int(match.group(2)) + 1}"
    match = re.fullmatch(r"\$\.tables\.(\w+)(?:\[(\d+)\](?:\.\w+)?)?", path)
    if match:
        row = f", row {int(match.group(2)) + 1}" if match.group(2) else ""
        return f"the {match.group(1).replace('_', ' ')} table{row}"
    return path


def places(paths, sections: dict[str, int]) -> str:
    """``recommendation 1, paragraphs 3.1 and 5.1``."""
    named = [describe(p, sections) for p in paths]
    paragraphs = sorted((n.split(" ", 1)[1] for n in named if n.startswith("paragraph ")),
                        key=lambda n: [int(x) for x in n.split(".")])
    others = [n for n in named if not n.startswith("paragraph ")]
    if paragraphs:
        word = "paragraphs" if len(paragraphs) > 1 else "paragraph"
        listed = ", ".join(paragraphs[:-1]) + " and " + paragraphs[-1] if len(paragraphs) > 1 \
            else paragraphs[0]
        others.append(f"{word} {listed}")
    return ", ".join(others)
