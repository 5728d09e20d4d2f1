"""Measure how many slips in a paper's printed figures the build catches: a mutation score.

A check that never fires looks just like a check that passes.  The test
papers build clean, but that alone says nothing about whether the build would
notice a figure typed one pound, one day or one year out, which is the slip
an officer makes and a reader cannot see.  This script makes those slips on
purpose and counts how many the build catches.

For every test paper that builds clean under ``--strict`` (``tests/papers/*.json``
and ``tests/papers/real/*.json``), each *printed stated figure* (its value is
typed in the source, and the paper's prose prints it) is changed by one step of
its own kind: money by one unit of its own precision (£1, or 1p where pence
are typed), a percentage by one in its last decimal place, a count or a
duration by one, a date by a day (a month, for a month), a financial year by a year, a range of
years or a period at either end (outwards), a rate by £1.  Only that value's text changes: the rest
of the file stays byte for byte as it was.  Each changed copy is built in a
temporary folder, in process, through the command line's ``main`` with
``--strict``; a slip is *caught* when the build has a finding (exit 1).

It prints, for each paper, how many slips were made and caught; every slip
not caught; the slips caught only by a fault in the tool (an ``internal``
finding: counted as caught, as the build fails, but no check saw them); the
printed figures none of whose slips was caught (the figures no check can
see); and the score, ``mutation score: C/T caught (P%)``.
Papers that do not build clean are listed as skipped, with why, and figures
of a kind no slip fits (claims) as not mutated.  Nothing in the repository
changes::

    .venv/bin/python scripts/mutation_score.py
    .venv/bin/python scripts/mutation_score.py --paper tests/papers/uplift.json
    .venv/bin/python scripts/mutation_score.py --min 95      # exit 1 below 95%
    .venv/bin/python scripts/mutation_score.py --json        # the whole result

Exit status: 0, or 1 when the score is below ``--min``; 2 for a usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import re
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from decision_papers.checks.coverage import standalone  # noqa: E402
from decision_papers.cli import main as build_command  # noqa: E402
from decision_papers.paper import BuildOptions  # noqa: E402
from decision_papers.pipeline import guarded  # noqa: E402
from decision_papers.source.load import load  # noqa: E402

PAPERS = (ROOT / "tests" / "papers", ROOT / "tests" / "papers" / "real")
"""The folders whose ``*.json`` papers are measured by default (the second may not exist)."""

FINDING = re.compile(r": (?:error|warning) \[([a-z0-9_]+)\]: ")
"""A finding as the build prints it: ``file:line: error [rule]: message``."""

INTERNAL = "internal"
"""The rule of a fault in the tool: it fails the build, so it counts as caught, but no check
saw the slip, so such slips are listed too."""

_DECODER = json.JSONDecoder(parse_float=Decimal)
_COLON = re.compile(r"\s*:\s*")
_FINANCIAL_YEAR = re.compile(r"((?:19|20)\d{2})([/-])(\d{2})")


@dataclass
class Mutation:
    """One slip in one printed figure, and whether the build caught it."""

    figure: str
    """The figure's id."""
    at: str
    """Which part of its value changed: ``""`` for the whole, ``to`` for a range's end."""
    before: str
    """The value's text in the source."""
    after: str
    """The text it was changed to."""
    caught_by: list[str] = field(default_factory=list)
    """The rules of the build's findings (none: not caught)."""
    standalone: bool = False
    """Whether the paper declares the figure standalone: it says no check sees it, and why."""

    def change(self) -> str:
        """``contracts.kit.previous_value 1000 → 1001``."""
        name = f"{self.figure}.{self.at}" if self.at else self.figure
        return f"{name} {_shown(self.before)} → {_shown(self.after)}"


@dataclass
class PaperResult:
    """What one paper's slips came to."""

    paper: str
    """The paper's path, as shown (relative to the repository when inside it)."""
    skipped: str | None = None
    """Why it was not mutated (it does not build clean), or None."""
    mutations: list[Mutation] = field(default_factory=list)
    not_mutated: list[str] = field(default_factory=list)
    """``figure (kind)`` for each printed stated figure no slip fits."""

    def caught(self) -> int:
        """How many of its slips the build caught."""
        return sum(bool(m.caught_by) for m in self.mutations)

    def unseen(self) -> list[str]:
        """Its mutated figures none of whose slips was caught, sorted."""
        mutated = {m.figure for m in self.mutations}
        return sorted(mutated - {m.figure for m in self.mutations if m.caught_by})


def _shown(text: str) -> str:
    """A JSON value's text as a reader reads it: strings without their quotes."""
    return json.loads(text) if text.startswith('"') else text


def _json(value) -> str:
    """A new value's JSON text (a Decimal as typed: ``4.6``, ``1234.51``)."""
    return str(value) if isinstance(value, Decimal) else json.dumps(value)


# -- the slips of each kind -------------------------------------------------------------

def _step_of(value) -> Decimal | int:
    """One unit of a number's last typed place: 1 for ``4``, 0.1 for ``4.5``."""
    if isinstance(value, int):
        return 1
    return Decimal(1).scaleb(min(value.as_tuple().exponent, 0))


def _either_side(value, step) -> list:
    """``value`` one ``step`` down and up, never below 0."""
    return [v for v in (value - step, value + step) if v >= 0]


def _is_number(value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def money(value) -> list:
    """±£1 for whole pounds, ±1p where pence are typed."""
    if not _is_number(value):
        return []
    step = 1 if _step_of(value) == 1 else Decimal("0.01")
    return [("", v) for v in _either_side(value, step)]


def percentage(value) -> list:
    """±1 in its last decimal place."""
    return [("", v) for v in _either_side(value, _step_of(value))] if _is_number(value) else []


def count(value) -> list:
    """±1."""
    return [("", v) for v in _either_side(value, 1)] if isinstance(value, int) else []


def _day(text: str, days: int) -> str:
    """A date moved by ``days``; a date given to the month (``2025-03``) by a month."""
    if len(text) == 7:
        year, month = divmod(int(text[:4]) * 12 + int(text[5:]) - 1 + days, 12)
        return f"{year:04d}-{month + 1:02d}"
    return (dt.date.fromisoformat(text) + dt.timedelta(days=days)).isoformat()


def date(value) -> list:
    """A day earlier and a day later (a month, for a date given to the month)."""
    return [("", _day(value, -1)), ("", _day(value, 1))] if isinstance(value, str) else []


def _year(text: str, years: int) -> str:
    """``2024/25`` moved by ``years``, with the same separator."""
    match = _FINANCIAL_YEAR.fullmatch(text)
    first = int(match.group(1)) + years
    return f"{first}{match.group(2)}{(first + 1) % 100:02d}"


def financial_year(value) -> list:
    """A year earlier and a year later."""
    if not isinstance(value, str) or not _FINANCIAL_YEAR.fullmatch(value):
        return []
    return [("", _year(value, -1)), ("", _year(value, 1))]


def year_range(value) -> list:
    """Its first year a year earlier; its last a year later."""
    if not isinstance(value, dict) or not all(financial_year(value.get(k)) for k in ("from", "to")):
        return []
    return [("from", _year(value["from"], -1)), ("to", _year(value["to"], 1))]


def duration(value) -> list:
    """±1 in its amount (``18`` months, or ``{"years": 3}``)."""
    if isinstance(value, dict) and len(value) == 1:
        (unit, amount), = value.items()
        return [(unit, v) for _, v in count(amount)]
    return count(value)


def rate(value) -> list:
    """±£1 in its amount."""
    if not isinstance(value, dict) or not _is_number(value.get("amount")):
        return []
    return [("amount", v) for v in _either_side(value["amount"], 1)]


def period(value) -> list:
    """Its start a day earlier; its end a day later."""
    if not isinstance(value, dict) or not all(isinstance(value.get(k), str)
                                              for k in ("start", "end")):
        return []
    return [("start", _day(value["start"], -1)), ("end", _day(value["end"], 1))]


SLIPS = {"money": money, "percentage": percentage, "count": count, "date": date,
         "financial_year": financial_year, "year_range": year_range, "duration": duration,
         "rate": rate, "period": period}
"""Kind → ``slips(value)``: ``(part changed, new value)`` pairs.  A kind not here (a claim,
true or false) has no slip of one step, and is listed as not mutated."""


# -- the source's text ----------------------------------------------------------------

def value_span(source, parts: tuple) -> tuple[int, int] | None:
    """Where the value at ``parts`` is in the source's text: ``(start, end)``, or None.

    ``Source.place`` gives the line and column of the member's key (of the item,
    in an array); the value is the JSON after the key and its colon.
    """
    text, place = source.text, source.place(parts)
    if place.line is None or not parts:
        return None
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    at = starts[place.line - 1] + place.column - 1
    try:
        if isinstance(parts[-1], str):
            key, at = _DECODER.raw_decode(text, at)
            at = _COLON.match(text, at).end()
            if key != parts[-1]:
                return None
        value, end = _DECODER.raw_decode(text, at)
    except (ValueError, AttributeError):
        return None
    return (at, end) if value == _at(source.data, parts) else None


def _at(data, parts: tuple):
    for part in parts:
        data = data[part]
    return data


# -- building -------------------------------------------------------------------------

@contextlib.contextmanager
def own_cache(folder: Path):
    """Incremental builds keep a manifest in the user's cache folder: keep ours in ``folder``."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = before


def findings(path: Path, out: Path) -> tuple[int, str]:
    """Build ``path`` into ``out`` under ``--strict``: the exit status and what it printed."""
    stdout, stderr = io.StringIO(), io.StringIO()
    status = build_command([str(path), "--strict", "--force", "--quiet", "--out", str(out)],
                           stdout=stdout, stderr=stderr)
    if status not in (0, 1):
        raise RuntimeError(f"building {path} ended with status {status}: {stderr.getvalue()}")
    return status, stderr.getvalue()


def not_clean(status: int, printed: str) -> str | None:
    """Why a build is not clean (a finding, or anything printed), or None."""
    rules = FINDING.findall(printed)
    if rules:
        return (f"does not build clean under --strict: {len(rules)} finding"
                f"{'s' if len(rules) != 1 else ''} ({', '.join(sorted(set(rules)))})")
    if status or printed.strip():
        return f"does not build clean under --strict: {printed.strip().splitlines()[0]}"
    return None


def printed_stated(paper) -> list:
    """The paper's printed stated figures: ``(id, kind, path parts)``, sorted by id."""
    return [(e.id, e.kind, paper.figures.ledger[e.id].source)
            for e in paper.figures.entries if e.stated and e.printed_at]


def measure(path: Path) -> PaperResult:
    """Make every slip in the printed figures of the paper at ``path``, and build each."""
    result = PaperResult(shown(path))
    if not path.is_file():
        result.skipped = "not a JSON file (a decision folder is not mutated)"
        return result
    original = path.read_bytes()
    with tempfile.TemporaryDirectory(prefix="mutation-score-") as tmp, own_cache(Path(tmp)):
        copy, out = Path(tmp) / "paper" / path.name, Path(tmp) / "out"
        copy.parent.mkdir()
        copy.write_bytes(original)
        result.skipped = not_clean(*findings(copy, out))
        if result.skipped:
            return result
        paper = guarded(copy, BuildOptions(strict=True))
        if paper.figures is None or paper.problems:
            result.skipped = "its figures could not be listed"
            return result
        source = load(copy)
        alone = standalone(source.data)
        for fid, kind, parts in printed_stated(paper):
            _mutate(result, source, copy, out, (fid, kind, parts), fid in alone)
    return result


def _mutate(result: PaperResult, source, copy: Path, out: Path, figure: tuple,
            alone: bool) -> None:
    """Each slip of one figure, built; a figure no slip fits is listed as not mutated."""
    fid, kind, parts = figure
    value = _at(source.data, parts)
    slips = SLIPS.get(kind, lambda _: [])(value)
    if not slips:
        result.not_mutated.append(f"{fid} ({kind})")
    for at, new in slips:
        where = parts + ((at,) if at else ())
        span = value_span(source, where)
        if span is None:
            result.not_mutated.append(f"{fid} ({kind}: its text was not found)")
            continue
        text = source.text[:span[0]] + _json(new) + source.text[span[1]:]
        copy.write_bytes(text.encode("utf-8"))  # its line endings as they were
        status, printed = findings(copy, out)
        mutation = Mutation(fid, at, source.text[span[0]:span[1]], _json(new), standalone=alone)
        if status:  # exit 1: a finding, whose rule the build names
            mutation.caught_by = sorted(set(FINDING.findall(printed))) or ["unnamed"]
        result.mutations.append(mutation)


def shown(path: Path) -> str:
    """A paper's path as the report shows it: from the repository's top when inside it."""
    try:
        return Path(os.path.abspath(path)).relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def default_papers() -> list[Path]:
    """Every ``*.json`` of the test papers' folders that exist; of a real paper kept as
    published and corrected, the corrected one (the paper as it should be)."""
    papers = [p for folder in PAPERS if folder.is_dir() for p in sorted(folder.glob("*.json"))]
    return [p for p in papers if not p.with_name(f"{p.stem}-corrected.json").is_file()]


# -- the report -----------------------------------------------------------------------

def score(results: list[PaperResult], related: bool = False) -> tuple[int, int, float]:
    """``(caught, total, percent to one place)``; 0% when nothing was mutated.  With
    ``related``, only the slips of figures the paper does not declare standalone."""
    made = [m for r in results for m in r.mutations if not (related and m.standalone)]
    caught, total = sum(bool(m.caught_by) for m in made), len(made)
    return caught, total, round(100 * caught / total, 1) if total else 0.0


def report(results: list[PaperResult]) -> str:
    """The score as text: per paper, then the slips not caught, the figures no check can
    see, and the score."""
    lines = ["papers:"]
    for r in results:
        lines.append(f"  {r.paper}: skipped: {r.skipped}" if r.skipped else
                     f"  {r.paper}: {len(r.mutations)} mutations, {r.caught()} caught")
    sections = (
        ("not mutated", [f"{r.paper}: {item}" for r in results for item in r.not_mutated]),
        ("uncaught mutations", [f"{r.paper}: {m.change()} not caught" for r in results
                                for m in r.mutations if not m.caught_by]),
        ("caught only by a fault in the tool", [f"{r.paper}: {m.change()}" for r in results
                                                for m in r.mutations
                                                if m.caught_by == [INTERNAL]]),
        ("figures no check can see", [f"{r.paper}: {fid}" for r in results
                                      for fid in r.unseen()]),
    )
    for title, items in sections:
        lines += ["", f"{title}:"] + [f"  {item}" for item in items or ["none"]]
    caught, total, percent = score(results, related=True)
    lines += ["", f"of figures not declared standalone: {caught}/{total} caught ({percent:.1f}%)"]
    caught, total, percent = score(results)
    lines += [f"mutation score: {caught}/{total} caught ({percent:.1f}%)"]
    return "\n".join(lines) + "\n"


def as_json(results: list[PaperResult]) -> str:
    """The whole result as JSON."""
    caught, total, percent = score(results)
    related = dict(zip(("caught", "total", "percent"), score(results, related=True)))
    papers = [{**asdict(r), "caught": r.caught(), "unseen": r.unseen(),
               "mutations": [{**asdict(m), "caught": bool(m.caught_by)} for m in r.mutations]}
              for r in results]
    return json.dumps({"papers": papers, "caught": caught, "total": total,
                       "percent": percent, "not_standalone": related}, indent=2,
                      ensure_ascii=False) + "\n"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--paper", action="append", type=Path, default=[], metavar="PATH",
                   help="measure only this paper (repeatable; default: every test paper)")
    p.add_argument("--min", type=float, default=None, metavar="PERCENT",
                   help="exit 1 if the score is below PERCENT")
    p.add_argument("--json", action="store_true", help="write the whole result as JSON")
    return p


def main(argv: list[str] | None = None) -> int:
    """Measure, print, and say whether the score reaches ``--min``."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), as a status
        return exc.code if isinstance(exc.code, int) else 2
    missing = [p for p in args.paper if not p.exists()]
    if missing:
        print(f"error: no such paper: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    papers = sorted({shown(p): p for p in args.paper or default_papers()}.items())
    results = [measure(path) for _, path in papers]
    sys.stdout.write(as_json(results) if args.json else report(results))
    percent = score(results)[2]
    return 1 if args.min is not None and percent < args.min else 0


if __name__ == "__main__":
    sys.exit(main())
