"""``out/<id>.figures.json``: every figure, traceable to its source.

The idea behind inline XBRL facts: a reviewer can take any number printed in
the paper and find its id, exact value, where it was typed (or how it was
derived) and which checks it passed.
"""

from __future__ import annotations

import datetime as dt
import json

from .figures import Figures
from .problems import json_path, pointer
from .prose import Reference
from .source import Source


def _value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):  # claims: (test, holds, wording)
        return value[1]
    if isinstance(value, (int, str, bool)):
        return value
    return str(value)


def _label(data: dict, fid: str) -> str | None:
    """A name for the figure in words, where the source gives one."""
    parts = fid.split(".")
    if parts[0] == "totals" and len(parts) == 2:
        return data["totals"][parts[1]].get("label")
    return None


def render(source: Source, figures: Figures, references: list[Reference]) -> bytes:
    """The figures file's bytes: sorted, indented, stable from build to build."""
    printed: dict[str, dict] = {}
    for ref in references:
        entry = printed.setdefault(ref.figure, {"styles": set(), "at": set()})
        entry["styles"].add(ref.style)
        entry["at"].add(json_path(ref.path))
    items = []
    for fid in sorted(figures):
        figure = figures[fid]
        styles = sorted(printed.get(fid, {}).get("styles", {""}) | {""})
        items.append({
            "id": fid,
            "label": _label(source.data, fid),
            "kind": figure.kind,
            "value": _value(figure.value),
            "text": {style or "default": figure.text(style) for style in styles},
            "stated": figure.stated,
            "source": pointer(figure.source) if figure.stated else None,
            "derivation": figure.derivation,
            "inputs": list(figure.inputs),
            "checks": sorted(figure.checks),
            "printed_at": sorted(printed.get(fid, {}).get("at", ())),
        })
    document = {"decision": source.data["id"], "figures": items}
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
