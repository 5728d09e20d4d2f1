"""Bounded: figures that once crashed or ran away now give a clear error, quickly.

Attacks from the hostile review (issue 13): map keys named ``start`` or
``end``, restated values given as text, and long or doubling chains of
derived figures.
"""

from __future__ import annotations

import json
import time

import pytest

from support import MINIMAL, run

BASE = json.loads(MINIMAL.read_text(encoding="utf-8"))


def _build(tmp_path, **blocks):
    data = json.loads(json.dumps(BASE))
    data.update(blocks)
    path = tmp_path / "minimal.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return run(path, "--out", tmp_path / "out")


@pytest.mark.parametrize("blocks", [
    {"thresholds": {"start": 1, "end": 2}},
    {"totals": {"start": {"parts": ["contracts.kit.variation", "contracts.kit.new_value"]},
                "end": {"parts": ["contracts.kit.variation", "contracts.kit.new_value"]}}},
    {"restated": {"start": {"figure": "contracts.kit.variation", "value": 250},
                  "end": {"figure": "contracts.kit.term.end", "value": "2025-03-31"}}},
    {"claims": {"start": {"figure": "contracts.kit.variation", "test": "below",
                          "threshold": "contracts.kit.new_value"},
                "end": {"figure": "contracts.kit.variation", "test": "below",
                        "threshold": "contracts.kit.new_value"}}},
    {"figures": {"start": {"date": "2024-01-01"}, "end": {"money": 5}}},
    {"publication": {"deferred": False, "part2": True},
     "part2": {"exemption": {"basis": "FOIA", "reason": "Commercial."},
               "paragraphs": ["Confidential."], "figures": {"start": 1, "end": 2}}},
])
def test_map_keys_named_start_or_end_are_ordinary_names(tmp_path, blocks):
    result = _build(tmp_path, **blocks)
    assert "Traceback" not in result.err
    assert result.code in (0, 1)
    assert all(line.startswith(("minimal.json", "  ")) or "minimal.json" in line
               for line in result.err.splitlines()), result.err


@pytest.mark.parametrize("value", ["twelve", "NaN", "Infinity", "1e5000000", "-0.0", True])
def test_a_restated_value_given_as_text_is_a_clear_error(tmp_path, value):
    result = _build(tmp_path, restated={"again": {"figure": "contracts.kit.variation",
                                                  "value": value}})
    assert result.code == 1
    shown = json.dumps(value)
    assert (f"$.restated.again.value: error [kind]: restated.again restates "
            f"contracts.kit.variation, an amount of money, but {shown} is not an amount of "
            "money.") in result.err
    assert "Traceback" not in result.err


def test_doubling_totals_give_one_short_message_in_bounded_time(tmp_path):
    totals = {"t0": {"parts": ["contracts.kit.variation", "contracts.kit.variation"]}}
    for n in range(1, 60):
        totals[f"t{n}"] = {"parts": [f"totals.t{n - 1}", f"totals.t{n - 1}"]}
    totals["t59"]["stated"] = 1
    started = time.monotonic()
    result = _build(tmp_path, totals=totals)
    assert time.monotonic() - started < 20
    assert result.code == 1
    lines = result.err.splitlines()
    assert max(len(line) for line in lines) < 600
    assert len(lines) < 40
    assert "error [sum]: totals.t59 is stated as £1, but totals.t58 + totals.t58 = " in result.err
