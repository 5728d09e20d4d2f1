"""Organisation rules: thresholds and rates with the dates they take effect.

Thresholds change (the Public Contracts Regulations 2015 thresholds are
revised every two years; schemes of delegation are re-issued), and so do
rates such as VAT, so they live in ``rules/<organisation>.json`` with an
effective date per value, never in code.  A paper uses the value in force on
its decision date.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from decision_papers.figures import formatting as fmt
from decision_papers.problems import Place, Problem

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
SECTIONS = {"thresholds": ("money", "amount"), "rates": ("percentage", "percentage")}
"""Rules file sections: figure kind and the key each dated value is under."""


@dataclass(frozen=True)
class RulesValue:
    """One threshold or rate as in force on a given date."""

    id: str
    """Figure id: ``thresholds.<key>`` or ``rates.<key>``."""
    kind: str
    """``money`` for thresholds, ``percentage`` for rates."""
    name: str
    """What it is, in words."""
    value: Decimal
    """The value in force."""
    effective: dt.date
    """Date this value took effect."""
    authority: str
    """Where the value comes from (regulation, scheme paragraph)."""

    def describe(self) -> str:
        """Where the value comes from, for messages."""
        return f"the rules file: {self.name}, from {fmt.date(self.effective)}"


def load_rules(name: str, as_of: dt.date, rules_dir: Path = RULES_DIR,
               named_at: Place | None = None, dated_at: Place | None = None):
    """Return ``({figure id: RulesValue}, problems)`` for the rules in force on ``as_of``.

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
    for section, (kind, key_name) in SECTIONS.items():
        for key, entry in sorted(data.get(section, {}).items()):
            fid = f"{section}.{key}"
            dated = sorted((dt.date.fromisoformat(v["from"]), v) for v in entry["values"])
            current = [v for start, v in dated if start <= as_of]
            if not current:
                later[fid] = dated[0][0] if dated else None
                continue
            value = current[-1]
            found[fid] = RulesValue(fid, kind, entry["name"], Decimal(value[key_name]),
                                    dt.date.fromisoformat(value["from"]),
                                    entry.get("authority", ""))
    if later:
        first = min((d for d in later.values() if d), default=None)
        places = tuple(Place(display, json_path=f"$.{fid}") for fid in later)
        named = ", ".join(fid.split(".", 1)[1] for fid in later)
        problems.append(Problem(
            f"the decision date, {fmt.date(as_of)}, is before {display} has a value for "
            f"{named}" + (f" (the first is from {fmt.date(first)})." if first else "."),
            ((dated_at,) if dated_at else ()) + places,
            "check the year of the date, or add the values then in force to the rules file.",
            rule="rules"))
    return found, problems
