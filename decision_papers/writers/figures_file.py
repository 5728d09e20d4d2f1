"""``out/<id>.figures.json``: every figure, traceable to its source.

The idea behind inline XBRL facts: a reviewer can take any number printed in
the paper and find its id, exact value, where it was typed (or how it was
derived) and which checks it passed.
"""

from __future__ import annotations

import datetime as dt
import json

from decision_papers.figures.kinds import Claim, Duration, FinancialYear, Period, Rate, YearRange
from decision_papers.figures.ledger import Ledger, names
from decision_papers.problems import json_path, pointer
from decision_papers.render.prose import Reference
from decision_papers.source.load import Source


def _value(value):
    """A figure's exact value as JSON: ISO dates, pounds as strings, durations as objects."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Claim):
        return value.holds
    if isinstance(value, Duration):
        return {value.unit: value.amount}
    if isinstance(value, Period):
        return {"start": value.start.isoformat(), "end": value.end.isoformat()}
    if isinstance(value, FinancialYear):
        return f"{value.first}/{(value.first + 1) % 100:02d}"
    if isinstance(value, YearRange):
        return {"from": _value(value.first), "to": _value(value.last)}
    if isinstance(value, Rate):
        return {"amount": str(value.amount), "per": value.per}
    if value is None or isinstance(value, (int, str, bool)):
        return value
    return str(value)


def render(source: Source, figures: Ledger, references: list[Reference],
           sections: dict[str, int] | None = None, house=None) -> bytes:
    """The figures file's bytes: sorted, indented, stable from build to build.

    ``house(figure, style)`` prints a figure in the form's house style (its
    financial years), as the paper does; by default, as its kind formats it.
    """
    printed: dict[str, dict] = {}
    for ref in references:
        entry = printed.setdefault(ref.figure, {"styles": set(), "at": set()})
        entry["styles"].add(ref.style)
        entry["at"].add(json_path(ref.path))
    items = []
    for fid in sorted(figures):
        figure = figures[fid]
        if figure.confidential:
            continue
        styles = sorted(printed.get(fid, {}).get("styles", {""}) | {""})
        formula = figure.formula
        items.append({
            "id": fid,
            "label": figure.label,
            "kind": figure.kind,
            "value": _value(figure.value),
            "text": {style or "default": (house(figure, style) if house else figure.text(style))
                     if figure.value is not None else None
                     for style in styles},
            "stated": figure.stated,
            "source": pointer(figure.source) if figure.stated else None,
            "derivation": None if formula is None else {
                "op": formula.op, "inputs": list(formula.inputs), "rule": formula.rule,
                "formula": names(figures, fid), "value": _value(figure.computed)},
            "checks": sorted(figures.passed.get(fid, ())),
            "printed_at": sorted(printed.get(fid, {}).get("at", ())),
        })
    document = {"decision": source.data["id"], "figures": items}
    if sections:  # the form's section numbers, so a reader can say "paragraph 3.1"
        document["sections"] = sections
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
