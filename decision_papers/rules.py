"""Organisation rules: thresholds with the dates they take effect.

Thresholds change (the Public Contracts Regulations 2015 thresholds are
revised every two years; schemes of delegation are re-issued), so they live in
``rules/<organisation>.json`` with an effective date per value, never in code.
A paper uses the value in force on its decision date.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from . import formatting as fmt
from .problems import Place, Problem

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"


@dataclass(frozen=True)
class Threshold:
    """One threshold as in force on a given date."""

    id: str
    """Short name used in references: ``thresholds.<id>``."""
    name: str
    """What the threshold is, in words."""
    amount: Decimal
    """Value in pounds."""
    effective: dt.date
    """Date this value took effect."""
    authority: str
    """Where the value comes from (regulation, scheme paragraph)."""


def load_thresholds(name: str, as_of: dt.date, rules_dir: Path = RULES_DIR,
                    named_at: Place | None = None, dated_at: Place | None = None):
    """Return ``({id: Threshold}, problems)`` for the rules in force on ``as_of``.

    ``named_at`` is where the source names the rules file, for the message
    when there is no such file; ``dated_at`` is where it gives the decision
    date, for the message when no value is in force yet.
    """
    path = rules_dir / f"{name}.json"
    display = f"rules/{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except FileNotFoundError:
        known = sorted(p.stem for p in rules_dir.glob("*.json"))
        return {}, [Problem(f'there is no rules file "{display}".',
                            (named_at or Place(display),),
                            f"use one of: {', '.join(known)}." if known else None,
                            rule="rules")]
    except (OSError, ValueError) as exc:
        return {}, [Problem(f"the rules file cannot be read: {exc}.",
                            (Place(display),), rule="rules")]
    found, problems, later = {}, [], {}
    for key, entry in sorted(data.get("thresholds", {}).items()):
        dated = sorted((dt.date.fromisoformat(v["from"]), v) for v in entry["values"])
        current = [v for start, v in dated if start <= as_of]
        if not current:
            later[key] = dated[0][0] if dated else None
            continue
        value = current[-1]
        found[key] = Threshold(key, entry["name"], Decimal(value["amount"]),
                               dt.date.fromisoformat(value["from"]),
                               entry.get("authority", ""))
    if later:
        first = min((d for d in later.values() if d), default=None)
        places = tuple(Place(display, json_path=f"$.thresholds.{key}") for key in later)
        problems.append(Problem(
            f"the decision date, {fmt.date(as_of)}, is before {display} has a value for "
            f"{', '.join(later)}" + (f" (the first is from {fmt.date(first)})." if first else "."),
            ((dated_at,) if dated_at else ()) + places,
            "check the year of the date, or add the thresholds then in force to the rules file.",
            rule="rules"))
    return found, problems
