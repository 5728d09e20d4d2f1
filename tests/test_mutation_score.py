"""``scripts/mutation_score.py``: how many slips in the printed figures the build catches.

One fast test runs the script on a tiny paper made for it, where one printed
figure takes part in no relation, so no check can see it; another holds the
score over all the test papers to the level reached (slow: it builds every
slip of every paper, a few hundred builds).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from decimal import Decimal

import pytest

from support import MINIMAL, ROOT


def _script():
    spec = importlib.util.spec_from_file_location(
        "mutation_score", ROOT / "scripts" / "mutation_score.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


mutation_score = _script()

SCORE_REACHED = 70
"""The score over the test papers (``tests/papers`` and the corrected real papers of
``tests/papers/real``), in whole percent, rounded down: 70.1% (446 of 636 slips caught)
when the real papers came in.  It may only go up: raise it as the checks improve (the
target is 95)."""
RELATED_REACHED = 80
"""The same, over the figures the papers do not declare standalone: 80.7% (442 of 548)."""


@pytest.fixture
def tiny(tmp_path):
    """The minimal paper with its new value stated (so a sum checks the variation) and a
    figure ``figures.x`` that it prints and nothing relates to (declared standalone, so the
    paper builds clean and its slips are made)."""
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["contracts"]["kit"]["new_value"] = 1250
    data["figures"] = {"x": {"money": 5, "standalone": "the price of one widget"}}
    data["part1"]["background"] = ["Each widget costs {figures.x}."]
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def test_a_figure_no_check_relates_is_listed_with_its_uncaught_slips(tiny, capsys):
    before = tiny.read_bytes()
    assert mutation_score.main(["--paper", str(tiny)]) == 0
    assert capsys.readouterr().out == f"""\
papers:
  {tiny}: 6 mutations, 4 caught

not mutated:
  none

uncaught mutations:
  {tiny}: figures.x 5 → 4 not caught
  {tiny}: figures.x 5 → 6 not caught

caught only by a fault in the tool:
  none

figures no check can see:
  {tiny}: figures.x

of figures not declared standalone: 4/4 caught (100.0%)
mutation score: 4/6 caught (66.7%)
"""
    assert tiny.read_bytes() == before  # the slips are made in a copy


def test_json_gives_every_slip_and_min_fails_below_the_score(tiny, capsys):
    assert mutation_score.main(["--paper", str(tiny), "--json", "--min", "66.8"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert (result["caught"], result["total"], result["percent"]) == (4, 6, 66.7)
    assert result["not_standalone"] == {"caught": 4, "total": 4, "percent": 100.0}
    (paper,) = result["papers"]
    assert paper["unseen"] == ["figures.x"]
    assert [(m["figure"], m["before"], m["after"], m["caught"]) for m in paper["mutations"]] == [
        ("contracts.kit.new_value", "1250", "1249", True),
        ("contracts.kit.new_value", "1250", "1251", True),
        ("contracts.kit.variation", "250", "249", True),
        ("contracts.kit.variation", "250", "251", True),
        ("figures.x", "5", "4", False),
        ("figures.x", "5", "6", False)]
    assert mutation_score.main(["--paper", str(tiny), "--min", "66.7"]) == 0
    assert mutation_score.main(["--paper", str(tiny.with_name("none.json"))]) == 2


@pytest.mark.parametrize(("kind", "value", "slips"), [
    ("money", 1000, [("", 999), ("", 1001)]),
    ("money", 0, [("", 1)]),
    ("money", Decimal("12.50"), [("", Decimal("12.49")), ("", Decimal("12.51"))]),
    ("percentage", Decimal("4.5"), [("", Decimal("4.4")), ("", Decimal("4.6"))]),
    ("count", 0, [("", 1)]),
    ("date", "2024-03-01", [("", "2024-02-29"), ("", "2024-03-02")]),
    ("financial_year", "2024-25", [("", "2023-24"), ("", "2025-26")]),
    ("year_range", {"from": "2024/25", "to": "2025/26"},
     [("from", "2023/24"), ("to", "2026/27")]),
    ("duration", {"months": 18}, [("months", 17), ("months", 19)]),
    ("duration", 4, [("", 3), ("", 5)]),
    ("rate", {"amount": 295, "per": "day"}, [("amount", 294), ("amount", 296)]),
    ("period", {"start": "2024-04-01", "end": "2025-03-31"},
     [("start", "2024-03-31"), ("end", "2025-04-01")]),
])
def test_each_kind_slips_by_one_step_of_its_own(kind, value, slips):
    assert mutation_score.SLIPS[kind](value) == slips


@pytest.mark.slow
def test_the_score_over_the_test_papers_holds(capsys):
    assert mutation_score.main(["--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    skipped = {p["paper"] for p in result["papers"] if p["skipped"]}
    expected = {f"tests/papers/{p.stem}.json" for p in (ROOT / "tests" / "papers").glob("*.expect")}
    assert skipped == expected  # every paper meant to build clean is measured
    assert result["percent"] >= SCORE_REACHED, (
        f"the mutation score fell to {result['percent']}% (from {SCORE_REACHED}%): run "
        "scripts/mutation_score.py for the slips no check catches")
    assert result["not_standalone"]["percent"] >= RELATED_REACHED
