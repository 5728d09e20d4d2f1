"""Fuzzing (issue #5): whatever the source, a clear error or a paper, never a crash.

Five tests feed the real command line (``main`` in-process):

- byte-level damage to a small source (flips, inserts, cuts);
- structural mutations of the bundled decision (deleted, retyped, renamed
  and oddly filled fields);
- hostile text (Jinja, Markdown, HTML, control characters) in prose fields;
- sources generated from the JSON Schema itself (``hypothesis-jsonschema``):
  sections of a small source, and a few whole sources.

For every example: the exit status is 0 or 1, nothing is raised, no
traceback is printed, every message line names the source file, and a
failed paper writes nothing while the outputs already in ``out/`` stay
byte-for-byte intact.  The ``ci`` profile (``conftest.py``), which ``.ci/run``
uses for this file, runs 550 examples of each (a twentieth of that for whole
generated sources, which are slow); the everyday ``quick`` profile a few
dozen; ``HYPOTHESIS_PROFILE=long`` many more.  Each test is held to its
profile's number of examples (``full_budget``), wherever pytest-xdist runs it.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import json
import os
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from decision_papers.cli import main
from decision_papers.source.validate import schema
from support import EXAMPLE, MINIMAL

# the PCD form's schema as one document (its references to the common schema inlined)
SCHEMA = json.loads(json.dumps(schema("pcd-april-2023"), default=float))
BUNDLED = json.loads(EXAMPLE.read_text(encoding="utf-8"), parse_float=Decimal)
BUNDLED["status"] = "draft"  # an approved paper may not change at all: keep it buildable
OUTPUTS = (".docx", ".md", ".figures.json")
EXAMPLES: dict[str, int] = {}
"""Examples run per fuzz test, counted so the CI minimum is checked, not assumed."""


# -- the property every example must have ---------------------------------------

@functools.cache
def earlier_outputs() -> dict[str, bytes]:
    """Outputs of an earlier good build, which a failed build must leave alone."""
    with tempfile.TemporaryDirectory() as out:
        assert main([str(EXAMPLE), str(MINIMAL), "--out", out, "--quiet"],
                    io.StringIO(), io.StringIO()) == 0
        return {p.name: p.read_bytes() for p in Path(out).iterdir()}


def exercise(name: str, source: bytes, test: str):
    """Build ``source`` as file ``name`` into an ``out/`` holding earlier outputs; check it.

    Returns ``(exit status, stderr, files built)``.
    """
    EXAMPLES[test] = EXAMPLES.get(test, 0) + 1
    baseline = earlier_outputs()
    with tempfile.TemporaryDirectory() as tmp:
        path, out = Path(tmp) / name, Path(tmp) / "out"
        path.write_bytes(source)
        out.mkdir()
        for file, data in baseline.items():
            (out / file).write_bytes(data)
        stdout, stderr = io.StringIO(), io.StringIO()
        code = main([str(path), "--out", str(out)], stdout, stderr)
        err, shown = stderr.getvalue(), os.path.relpath(path)
        after = {p.name: p.read_bytes() for p in out.iterdir()}

    assert code in (0, 1), err
    assert "Traceback" not in err
    for line in err.splitlines():
        assert line.startswith((shown + ":", "  hint: ", "  see also ")), f"a stray line: {line!r}\n{err}"
    built = {n: b for n, b in after.items() if baseline.get(n) != b}
    if code == 1:
        assert f"{shown}: not built (" in err
        assert after == baseline, "a failed build changed or left files in out/"
        return code, err, built
    assert set(after) >= set(baseline)
    names = stdout.getvalue().strip().rpartition(": ")[2].split(", ")
    paper_id = names[0].split(".")[0]
    assert sorted(names) == sorted(paper_id + s for s in OUTPUTS)
    assert set(built) <= set(names) <= set(after)
    with zipfile.ZipFile(io.BytesIO(after[paper_id + ".docx"])) as archive:
        assert archive.testzip() is None
    after[paper_id + ".md"].decode("utf-8")
    json.loads(after[paper_id + ".figures.json"])
    return code, err, {n: after[n] for n in after if n.split(".")[0] == paper_id}


def dumps(data) -> bytes:
    """JSON text of ``data``, NaN and all (the loader must refuse it)."""
    return json.dumps(data, indent=1, ensure_ascii=False, allow_nan=True,
                      default=_number).encode("utf-8", "surrogatepass")


def _number(value):
    return int(value) if value == value.to_integral_value() else float(value)


# -- 1. byte-level damage ---------------------------------------------------------

@st.composite
def damaged_bytes(draw) -> bytes:
    data = bytearray(MINIMAL.read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]))
        if action == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from(
                [b",", b"{", b"}", b"[", b'"', b"\\", b"\xef\xbb\xbf", b"\x00", b"NaN", b"\n"]))
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        elif action == "truncate":
            del data[at:]
        elif action == "repeat":
            data[at:at] = data[at:at + draw(st.integers(1, 40))]
    return bytes(data)


@given(source=damaged_bytes())
def test_damaged_bytes(source):
    exercise("minimal.json", source, "bytes")


# -- 2. structural mutations of the bundled decision ------------------------------

def _paths(value, parts=()):
    yield parts
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, parts + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, parts + (i,))


NASTY_TEXT = [
    "", " ", "{{ 7*7 }}", "{% include 'layout.md.j2' %}", "# Heading", "1. numbered",
    "| a | b |\n|---|---|", "<script>alert(1)</script>", "[link](http://x)", "---",
    "{contracts.vru.variation:millions}", "{nope.nothing}", "{approval.date:fy}", "£1,234.5",
    "5%", "31st March 2025", "\x07bell", "a\u200bb", "\u202eright-to-left", "😀" * 50,
    "x" * 5000, "- a\n  - b\n    - c\n      - d", "**unclosed", "\\", "\r\n", "pcd-1717",
    "../escape", "CON", "2024-02-30", "2024-13-01", "2024/25", "2025/27", "approved",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30)
    | st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(NASTY_TEXT) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)


@st.composite
def mutated_decision(draw) -> dict:
    data = copy.deepcopy(BUNDLED)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        parts = draw(st.sampled_from(paths))
        parent = data
        for part in parts[:-1]:
            parent = parent[part]
        key, old = parts[-1], parent[parts[-1]]
        action = draw(st.sampled_from(["delete", "replace", "text", "number", "rename", "grow"]))
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(json_values)
        elif action == "text":
            parent[key] = draw(st.sampled_from(NASTY_TEXT) | st.text())
        elif action == "number":
            parent[key] = draw(st.sampled_from([0, -1, Decimal("0.001"), Decimal("1e300"),
                                                10**40, Decimal("14560.50"), 1200, 1201]))
        elif action == "rename" and isinstance(parent, dict):
            new = draw(st.sampled_from([key.upper(), key + "s", key[:-1], "extra", ""])
                       if isinstance(key, str) else st.just("extra"))
            parent[new] = parent.pop(key)
        elif action == "grow" and isinstance(old, list):
            old.extend(draw(st.lists(st.sampled_from(old or [None]), max_size=3)))
        elif action == "grow" and isinstance(old, dict):
            old[draw(st.text(max_size=10))] = draw(json_values)
    return data


@given(data=mutated_decision())
def test_mutated_decisions(data):
    exercise("pcd-1717.json", dumps(data), "structure")


# -- 3. hostile text in prose fields ----------------------------------------------

PROSE = [p for p in _paths(BUNDLED) if p and p[0] in ("executive_summary", "recommendations",
                                                      "part1", "title") and
         isinstance(p[-1], int) | (p == ("title",))]


@given(where=st.sampled_from(PROSE),
       text=st.lists(st.sampled_from(NASTY_TEXT) | st.text(), min_size=1, max_size=4).map("".join))
def test_hostile_text_never_changes_the_structure(where, text):
    data = copy.deepcopy(BUNDLED)
    parent = data
    for part in where[:-1]:
        parent = parent[part]
    parent[where[-1]] = text
    code, _, built = exercise("pcd-1717.json", dumps(data), "prose")
    assume(code == 0)
    # It built: the sections are exactly the template's, whatever the text said.
    assert _headings(built["pcd-1717.md"]) == _headings(earlier_outputs()["pcd-1717.md"])


def _headings(markdown: bytes) -> list[str]:
    lines = markdown.decode("utf-8").splitlines()
    return [line if line.startswith("##") else "#" for line in lines if line.startswith("#")]


# -- 4. sources generated from the schema -----------------------------------------
# Generating a whole source from this schema takes hypothesis-jsonschema about
# two seconds, so most examples regenerate a few top-level sections of the
# small fixture from their own sub-schemas (fast, and far more of them get past
# validation into the checks and writers); a few are generated whole.

MINIMAL_DATA = json.loads(MINIMAL.read_text(encoding="utf-8"))
# The schema limits dates to 1900-2099 with a pattern beside "format": "date";
# hypothesis-jsonschema would draw years 1-9999 and discard 98% of them, so the
# generator (only) draws such dates directly.  VALIDATOR still checks the real schema.
GENERATE = copy.deepcopy(SCHEMA)
GENERATE["$defs"]["date"] = {"type": "string", "format": "decision-date"}
FORMATS = {"decision-date": st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)).map(str)}
SECTION_NAMES = sorted(name for name in GENERATE["properties"] if name != "$schema")


@functools.cache
def whole() -> st.SearchStrategy:
    """A whole source's strategy, built once and only when drawn from: hypothesis-jsonschema
    canonicalises the schema each time a strategy is made, which takes seconds, and
    collecting the tests must not wait for it."""
    return from_schema(GENERATE, custom_formats=FORMATS)


@functools.cache
def section(name: str) -> st.SearchStrategy:
    """One top-level section's strategy, from its sub-schema (built once, when first drawn)."""
    return from_schema({"$defs": GENERATE["$defs"], **GENERATE["properties"][name]},
                       custom_formats=FORMATS)


VALIDATOR = jsonschema.Draft202012Validator(  # Decimal money needs a Decimal multipleOf
    json.loads(json.dumps(SCHEMA), parse_float=Decimal), format_checker=jsonschema.FormatChecker())


@st.composite
def schema_sections(draw) -> dict:
    """The fixture with some sections replaced or added, each drawn from its sub-schema."""
    data = copy.deepcopy(MINIMAL_DATA)
    for name in draw(st.lists(st.sampled_from(SECTION_NAMES), min_size=1, max_size=4,
                              unique=True)):
        data[name] = _pence(draw(section(name)))
    assume(VALIDATOR.is_valid(data))  # e.g. a new status "approved" needs approval.date
    return data


@st.composite
def schema_sources(draw) -> dict:
    """A whole schema-valid source, often pointed at the real form and rules."""
    data = _pence(draw(whole()))
    assume(VALIDATOR.is_valid(data))
    if draw(st.booleans()):
        data["organisation"]["rules"] = "mopac"
        data["form"]["template"] = "pcd-april-2023"
    return data


def _pence(value):
    # hypothesis-jsonschema's floats are multiples of 0.01 only in binary
    # (1.9000000000000001); every number with a fraction here is money.
    if isinstance(value, float) and abs(value) < 1e15:
        return Decimal(repr(value)).quantize(Decimal("0.01"))
    if isinstance(value, dict):
        return {k: _pence(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_pence(v) for v in value]
    return value


@given(data=schema_sections())
def test_schema_generated_sections(data):
    _, err, _ = exercise("minimal.json", dumps(data), "schema")
    assert "error [schema]" not in err  # the schema made it, so the schema accepts it


def whole_budget(examples: int) -> int:
    """Whole generated sources are slow to draw (seconds each): a twentieth of the
    profile's examples, and at least two."""
    return max(2, examples // 20)


@pytest.mark.skipif(os.environ.get("HYPOTHESIS_PROFILE", "quick") == "quick",  # conftest's
                    reason="whole sources take seconds each to draw: .ci/run draws them "
                           "(HYPOTHESIS_PROFILE=ci)")
@settings(max_examples=whole_budget(settings().max_examples))
@given(data=schema_sources())
def test_whole_sources_generated_from_the_schema(data):
    _, err, _ = exercise("generated.json", dumps(data), "whole")
    assert "error [schema]" not in err


LABELS = {"test_damaged_bytes": "bytes", "test_mutated_decisions": "structure",
          "test_hostile_text_never_changes_the_structure": "prose",
          "test_schema_generated_sections": "schema",
          "test_whole_sources_generated_from_the_schema": "whole"}
"""Each fuzz test, and the label its examples are counted under (``exercise``)."""


@pytest.fixture(autouse=True)
def full_budget(request):
    """Each fuzz test ran its profile's number of examples, however the tests are split
    between processes: a strategy that filtered most of its examples away would fail."""
    label = LABELS.get(request.node.originalname)
    before = EXAMPLES.get(label, 0)
    yield
    if label:
        wanted = settings().max_examples
        wanted = whole_budget(wanted) if label == "whole" else wanted
        assert EXAMPLES.get(label, 0) - before >= wanted, (label, EXAMPLES)


def test_the_ci_profile_budgets_at_least_2000_fuzz_examples():
    """The ``ci`` profile (which ``.ci/run`` gives every Hypothesis test) budgets at least
    2,000 examples for the five fuzz tests; ``full_budget`` holds each test to its share."""
    examples = settings.get_profile("ci").max_examples
    assert len(LABELS) == 5
    assert 4 * examples + whole_budget(examples) >= 2000
