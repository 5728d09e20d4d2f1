"""A kind in one place: everything about a figure kind is its ``Kind``.

The proof is a kind the package has never heard of, registered here at run
time and nowhere else: an area in square metres.  With no other file
changed, a source states it, the paper prints it, a claim compares it, a cap
holds it, ``figures.json`` lists it, and the schema's messages speak of it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from decision_papers import kinds
from decision_papers.kinds import KINDS, BadValue, Kind
from decision_papers.source.validate import schema
from support import MINIMAL, ROOT, run


def _read_area(raw) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)) or raw < 0:
        raise BadValue("expected an area in square metres (a number such as 120)")
    return Decimal(raw)


AREA = Kind(
    name="area", what="an area", read=_read_area,
    formats={"": lambda v: f"{v:,} m²", "hectares": lambda v: f"{v / 10000:,} hectares"},
    example='{"area": 120}', adds=True, measure=lambda v: v,
    gap=lambda a, b: f"{abs(a - b):,} m²",
    words="an area in square metres (a number such as 120)",
    schema={"type": "number", "minimum": 0}, shared=True, leaves={"area": None})


@pytest.fixture
def area():
    """The area kind, registered as a new kind's module would, and taken away after."""
    kinds.register(AREA)
    yield AREA
    del KINDS["area"]


def _paper(tmp_path, **changes) -> Path:
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["part1"]["background"] = ["The site is {figures.site} ({figures.site:hectares}), "
                                   "{figures.extra} more than the old one."]
    data["figures"] = {
        "site": {"area": 1200, "label": "the site"},
        "old_site": {"area": 1000},
        "extra": {"area": 200, "difference": ["figures.site", "figures.old_site"]},
        "limit": {"area": 1500},
        "both": {"sum": ["figures.site", "figures.old_site"], "at_most": "figures.limit"},
    }
    data["claims"] = {"big": {"figure": "figures.site", "test": "exceeds",
                              "threshold": "figures.old_site", "stated": True}}
    for key, value in changes.items():
        data["figures"][key] = value
    path = tmp_path / "minimal.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def test_a_kind_registered_at_run_time_is_stated_printed_compared_and_listed(area, tmp_path,
                                                                           monkeypatch):
    monkeypatch.chdir(tmp_path)
    _paper(tmp_path)
    result = run("minimal.json", "--out", "out", "--force")
    assert result.code == 1  # the two sites together are more than the limit
    assert result.err == (
        "minimal.json:109:7: $.figures.both.at_most: error [cap]: figures.both is 2,200 m², "
        "more than figures.limit (1,500 m²); over by 700 m².\n"
        "  see also minimal.json:102:7: $.figures.limit.area\n"
        "  see also minimal.json:88:7: $.figures.site.area\n"
        "  see also minimal.json:92:7: $.figures.old_site.area\n"
        "  hint: figures.both must be at most figures.limit: correct one of them.\n"
        "minimal.json: not built (1 error); nothing was written for it.\n")
    _paper(tmp_path, limit={"area": 2500})
    result = run("minimal.json", "--out", "out", "--force")
    assert result.code == 0, result.err
    text = Path("out/minimal.md").read_text(encoding="utf-8")
    assert "The site is 1,200 m² (0.12 hectares), 200 m² more than the old one." in text
    listed = {f["id"]: f for f in json.loads(Path("out/minimal.figures.json").read_bytes())[
        "figures"]}
    assert listed["figures.site"]["kind"] == "area"
    assert listed["figures.site"]["value"] == "1200"
    assert listed["figures.site"]["text"] == {"default": "1,200 m²", "hectares": "0.12 hectares"}
    assert listed["figures.extra"]["checks"] == ["sum"]  # stated, and checked by its formula
    assert listed["figures.both"]["checks"] == ["cap"]
    assert listed["claims.big"]["checks"] == ["threshold_claim"]  # compared by its measure


def test_a_kind_registered_at_run_time_speaks_in_the_schema(area, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _paper(tmp_path, site={"area": "lots"})
    result = run("minimal.json", "--out", "out")
    assert result.err.startswith(
        'minimal.json:88:7: $.figures.site.area: error [schema]: expected an area in square '
        'metres (a number such as 120), but found the text "lots".\n')
    entry = schema()["$defs"]["figure_entry"]["properties"]
    assert "area" in entry["kind"]["enum"] and entry["area"] == {"$ref": "#/$defs/area"}


def test_a_kind_that_cannot_be_measured_is_a_kind_error_in_a_cap(area, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _paper(tmp_path, both={"period": {"start": "2024-04-01", "end": "2025-03-31"},
                           "at_most": "figures.limit"})
    result = run("minimal.json", "--out", "out")
    assert "error [kind]: figures.both cannot be compared with figures.limit: one is a period " \
           "and the other an area.\n" in result.err


def test_once_taken_away_the_kind_is_unknown_again(tmp_path, monkeypatch):
    assert "area" not in KINDS
    assert "area" not in schema()["$defs"]["figure_entry"]["properties"]["kind"]["enum"]


def test_the_committed_schema_is_what_the_registry_makes():
    """Editors read schema/common.schema.json; scripts/kind_schema.py writes it."""
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "kind_schema.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_kind_says_what_it_is_prints_and_is_written_as():
    for kind in KINDS.values():
        assert "" in kind.formats, kind.name
        assert kind.example and kind.what, kind.name
        if kind.schema is not None and kind.shared:
            assert kind.words, f"{kind.name}: a named definition needs its words in messages"
        if kind.adds:
            assert kind.measure is not None, f"{kind.name} adds up but has no size"
