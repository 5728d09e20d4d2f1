"""Every check rule, failing and passing, as files.

Each case in ``cases/checks/<rule>-<short-name>.case`` is a JSON object
deep-merged into ``fixtures/minimal.json`` and the exact error output
expected::

    # one line saying what the case checks
    --- merge
    {"figures": {"a": {"money": 100}}}
    --- expect
    <exact stderr>

A case may start from another source with ``--- base`` (a path from the
repository's top, such as ``decisions/kdr-2025-014.json``), and change its
form's descriptor with ``--- form`` (merged into the pack's ``form.json``, in
a copy of the form packs): a rule about what a form requires needs a form
that requires more than its schema.

The merge: objects merge key by key, recursively; any other value (a list
included) replaces what was there; a key whose merged value is ``null`` is
deleted.  The result is written as JSON indented by two spaces (keys in
order: minimal.json's first, then the new ones), so the line and column
numbers in ``expect`` refer to that file.

``expect`` is everything the build prints on stderr.  It is empty for a
passing case, which must exit 0.  A failing case ends with
``minimal.json: not built (N errors); nothing was written for it.`` and must
exit 1.  A case whose output has warnings only (``money_style``) exits 0.

The file name starts with the rule id the case is about.  Every paper rule
must have a failing case (``[<rule>]`` in its expected output) and a passing
case (a ``<rule>-*.case`` with no error), except ``unchecked``, which guards
against faults in the tool that no source can trigger.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from decision_papers.checks.table import RULES
from support import MINIMAL, ROOT, read_case, run

CASES = sorted((Path(__file__).parent / "cases" / "checks").glob("*.case"))
UNTESTABLE = {"unchecked"}
"""Rules no source can trigger."""
NOT_BUILT = "nothing was written for it."


def merge(base, change):
    """``change`` deep-merged into ``base`` (a new value; neither is modified)."""
    if not isinstance(base, dict) or not isinstance(change, dict):
        return change
    merged = dict(base)
    for key, value in change.items():
        merged[key] = merge(base[key], value) if key in base else value
        if merged[key] is None:
            del merged[key]
    return merged


def _drop_nulls(value):
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    return value


def case_text(spec: dict[str, str]) -> str:
    """The source a case describes: its base (minimal.json) with the case's merge applied."""
    base = json.loads(_base(spec).read_text(encoding="utf-8"))
    change = json.loads(spec.get("merge") or "{}")
    assert isinstance(change, dict), "a case's merge must be a JSON object"
    return json.dumps(_drop_nulls(merge(base, change)), indent=2, ensure_ascii=False) + "\n"


def expected_code(expect: str) -> int:
    """1 when the case's paper is not built, else 0."""
    return 1 if expect.endswith(NOT_BUILT) else 0


def _base(spec: dict[str, str]) -> Path:
    return ROOT / spec["base"].strip() if "base" in spec else MINIMAL


def _form_packs(spec: dict[str, str]) -> list[str]:
    """``--templates DIR`` for a case that changes its form's descriptor; else none."""
    if "form" not in spec:
        return []
    shutil.copytree(ROOT / "templates", "templates")
    pack = json.loads(_base(spec).read_text(encoding="utf-8"))["form"]["template"]
    descriptor = Path("templates") / pack / "form.json"
    data = merge(json.loads(descriptor.read_text(encoding="utf-8")), json.loads(spec["form"]))
    descriptor.write_text(json.dumps(_drop_nulls(data), indent=2), encoding="utf-8")
    return ["--templates", "templates"]


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_check_case(case, tmp_path, monkeypatch):
    spec = read_case(case)
    monkeypatch.chdir(tmp_path)
    Path("minimal.json").write_text(case_text(spec), encoding="utf-8")
    result = run("minimal.json", "--out", "out", *_form_packs(spec))
    expect = spec["expect"]
    assert result.err == (expect + "\n" if expect else "")
    assert result.code == expected_code(expect)
    assert "Traceback" not in result.err
    assert Path("out").exists() == (result.code == 0)


def test_every_rule_has_a_failing_and_a_passing_case():
    known = {r.id for r in RULES}
    named = {c.stem: c.stem.split("-", 1)[0] for c in CASES}
    assert not [s for s, r in named.items() if r not in known], "case names must start with a rule id"
    specs = {c.stem: read_case(c) for c in CASES}
    missing = []
    for entry in RULES:
        if entry.scope != "paper" or entry.id in UNTESTABLE:
            continue
        fails = any(f"[{entry.id}]" in s["expect"] for s in specs.values())
        passes = any(named[stem] == entry.id and expected_code(s["expect"]) == 0
                     for stem, s in specs.items())
        if not fails:
            missing.append(f"{entry.id}: no failing case")
        if not passes:
            missing.append(f"{entry.id}: no passing case")
    assert not missing, missing
