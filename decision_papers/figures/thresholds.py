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
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from decision_papers import formatting
from decision_papers.errors import ProblemsFound
from decision_papers.kinds import Duration
from decision_papers.problems import Place, Problem, shorten
from decision_papers.projects import RULES_DIR, display_path
from decision_papers.source.load import Source, load

_MENTION = re.compile(r"\b((?:thresholds|rates)\.[a-z0-9_]+)")
IMPLIED = {"vat": ("rates.vat",)}
"""Rules a source block uses without naming them: a VAT block takes the VAT rate."""
SECTIONS = {"thresholds": ("money", "amount"), "rates": ("percentage", "percentage"),
            "days": ("duration", "days")}
"""Rules file sections: figure kind and the key each dated value is under.  ``days`` are
periods a body's rules set in days: ``days.call_in_period``, the days after the decision date on
which a decision takes effect once no call-in can stop it."""
CALL_IN = "days.call_in_period"
"""The rules file's call-in period, which decides when an authorised period may start."""


@dataclass(frozen=True)
class RulesValue:
    """One threshold or rate as in force on a given date."""

    id: str
    """Figure id: ``thresholds.<key>`` or ``rates.<key>``."""
    kind: str
    """``money`` for thresholds, ``percentage`` for rates."""
    name: str
    """What it is, in words."""
    value: object
    """The value in force: a ``Decimal``, or a ``Duration`` in days."""
    effective: dt.date
    """Date this value took effect."""

    def describe(self) -> str:
        """Where the value comes from, for messages."""
        return f"the rules file: {self.name}, from {formatting.date(self.effective)}"


def load_rules(name: str, as_of: dt.date, rules_dir: Path = RULES_DIR,
               named_at: Place | None = None, dated_at: Place | None = None,
               used=None):
    """Return ``({figure id: RulesValue}, problems)`` for the rules in force on ``as_of``.

    ``named_at`` is where the source names the rules file, for the message
    when there is no such file; ``dated_at`` is where it gives the decision
    date, for the message when no value is in force yet.  ``used`` (figure
    ids) limits that message to the thresholds and rates the paper uses: a
    paper from 2019 needs no value for a delegation limit first set in 2023
    unless it names it.  ``None`` means every one is used.
    """
    path = rules_dir / f"{name}.json"
    display = shown(rules_dir, name)
    if not path.exists():
        known = sorted(p.stem for p in rules_dir.glob("*.json"))
        return {}, [Problem(f'there is no rules file "{display}".',
                            (named_at or Place(display),),
                            f"use one of: {', '.join(known)}." if known else None,
                            rule="rules")]
    source, problems = _read(path, display)
    if problems:
        return {}, problems
    data = source.data
    found, later = {}, {}
    for section, (kind, key_name) in SECTIONS.items():
        for key, entry in sorted(data.get(section, {}).items()):
            fid = f"{section}.{key}"
            dated = sorted(((dt.date.fromisoformat(v["from"]), v) for v in entry["values"]),
                           key=lambda pair: pair[0])
            current = [v for start, v in dated if start <= as_of]
            if not current:
                if used is None or fid in used:
                    later[fid] = dated[0][0] if dated else None
                continue
            value = current[-1]
            amount = Decimal(value[key_name])
            found[fid] = RulesValue(fid, kind, entry["name"],
                                    Duration(int(amount), "days") if kind == "duration" else
                                    amount, dt.date.fromisoformat(value["from"]))
    if later:
        first = min((d for d in later.values() if d), default=None)
        places = tuple(Place(display, json_path=f"$.{fid}") for fid in later)
        named = ", ".join(fid.split(".", 1)[1] for fid in later)
        problems.append(Problem(
            f"the decision date, {formatting.date(as_of)}, is before {display} has a value for "
            f"{named}" + (f" (the first is from {formatting.date(first)})." if first else "."),
            ((dated_at,) if dated_at else ()) + places,
            "check the year of the date, or add the values then in force to the rules file.",
            rule="rules", details={"not_in_force": sorted(later)}))
    return found, problems


def shown(rules_dir: Path, name: str) -> str:
    """A rules file's path as messages show it.

    The bundled rules are ``rules/<name>.json``; a folder given with
    ``--rules`` is shown as it really is (relative to the working folder
    where it can be), so the message names the file that has the problem.
    """
    if rules_dir.resolve() == RULES_DIR.resolve():
        return f"rules/{name}.json"
    return display_path(rules_dir / f"{name}.json")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EXAMPLES = {"amount": "such as 214904, without £ or commas",
             "percentage": "such as 20 for 20%, without the % sign",
             "days": "a whole number of days, such as 5"}


def _read(path: Path, display: str) -> tuple[Source | None, list[Problem]]:
    """Parse a rules file as strictly as a source (no duplicate keys, no NaN) and check its shape.

    Every problem names the rules file, line and JSON path; none is a traceback.
    """
    try:
        source = load(path)
    except ProblemsFound as exc:
        return None, [Problem(p.message.replace("decision file", "rules file"),
                              tuple(Place(display, pl.line, pl.column, pl.json_path)
                                    for pl in p.places),
                              None if p.hint and "decision" in p.hint else p.hint,
                              rule="rules") for p in exc.problems()]
    source.display = display
    problems: list[Problem] = []

    def problem(parts, message, hint=None, also=()):
        problems.append(Problem(message, (source.place(parts),) + tuple(also), hint,
                                rule="rules"))

    for section, (_, key_name) in SECTIONS.items():
        entries = source.data.get(section, {})
        if not isinstance(entries, dict):
            problem((section,), f'"{section}" must be an object of named {section}, '
                    f'{{"<name>": {{"name": ..., "values": [...]}}}}.')
            continue
        for key, entry in entries.items():
            _check_entry(key, entry, (section, key), key_name, problem, source)
    return source, problems


def _check_entry(key, entry, parts, key_name, problem, source) -> None:
    """One threshold or rate: a name, and dated values with no date twice."""
    shape = f'{{"from": date, "{key_name}": number}}'
    if not isinstance(entry, dict):
        problem(parts, f'{key} must be an object with a "name" and "values" (a list of {shape}).')
        return
    if not isinstance(entry.get("name"), str) or not entry["name"].strip():
        problem(parts + (("name",) if "name" in entry else ()),
                f'{key} needs a "name": what it is, in words.')
    if not isinstance(entry.get("authority", ""), str):
        problem(parts + ("authority",), f'the "authority" of {key} must be text.')
    if "values" not in entry:
        problem(parts, f'{key} has no "values" (a list of {shape}).')
        return
    values = entry["values"]
    if not isinstance(values, list) or not values:
        problem(parts + ("values",), f'the "values" of {key} must be a list of {shape}, '
                "with at least one value.")
        return
    seen: dict[dt.date, int] = {}
    for index, value in enumerate(values):
        at = parts + ("values", index)
        if not isinstance(value, dict):
            problem(at, f"each value of {key} must be an object, {shape}.")
            continue
        start = _check_date(value, at, problem)
        _check_number(value, at, key_name, problem)
        if start is None:
            continue
        if start in seen:
            problem(at + ("from",), f"{key} has two values from {formatting.date(start)}; "
                    "each value "
                    "needs its own date.",
                    also=(source.place(parts + ("values", seen[start], "from")),))
        else:
            seen[start] = index


def _check_date(value: dict, at: tuple, problem) -> dt.date | None:
    if "from" not in value:
        problem(at, 'this value has no "from" date (YYYY-MM-DD) saying when it took effect.')
        return None
    text = value["from"]
    try:
        if isinstance(text, str) and _ISO_DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    problem(at + ("from",), f"{shorten(json.dumps(text, default=str), 40)} is not a date; "
            'write it as YYYY-MM-DD, e.g. "2024-04-01".')
    return None


def _check_number(value: dict, at: tuple, key_name: str, problem) -> None:
    if key_name not in value:
        other = next((k for k in _EXAMPLES if k != key_name and k in value), None)
        problem(at, f'this value has no "{key_name}".',
                f'write "{key_name}" here, not "{other}".' if other else None)
        return
    number = value[key_name]
    if isinstance(number, bool) or not isinstance(number, (int, Decimal)):
        problem(at + (key_name,), f"the {key_name} must be a number ({_EXAMPLES[key_name]}), "
                f"but it is {shorten(json.dumps(number, default=str), 40)}.")
    elif number < 0:
        problem(at + (key_name,), f"the {key_name} must not be negative, but it is {number}.")
    elif key_name == "days" and number != int(number):
        problem(at + (key_name,), f"the days must be a whole number, but it is {number}.")


def used_by(data: dict) -> set[str]:
    """The threshold and rate ids a source uses: named anywhere in it, or implied by a block."""
    used = set(_MENTION.findall(json.dumps(data, default=str)))
    used.update(f"thresholds.{key}" for key in data.get("thresholds", {}))
    for block, ids in IMPLIED.items():
        if data.get(block):
            used.update(ids)
    return used
