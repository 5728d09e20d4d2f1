"""Forms as data (issue 9, first part): a pack's ``form.json`` says what the form is.

The sections and their numbers, where the decision date is and which
sign-off dates must come in order are read from the descriptor; the code
knows no form.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from support import MINIMAL, ROOT, edit, run

FORM = "pcd-april-2023"
FORM_WORDS = ("chief_executive", "short_role", "public_health", "DMPC", "MOPAC", "chief_of_staff",
              "sponsoring", "Mayoral", "call_in\"", "key_decision", "Northgate")


def test_the_package_knows_no_form():
    hits = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
            for path in sorted((ROOT / "decision_papers").rglob("*.py"))
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if any(word in line for word in FORM_WORDS)]
    assert hits == []


@pytest.fixture
def pack(tmp_path, monkeypatch):
    """A private copy of the templates, and a minimal source to build with them."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "templates", "templates")
    shutil.copy(MINIMAL, "paper.json")
    return tmp_path / "templates" / FORM


def build(*extra):
    return run("paper.json", "--out", "out", "--templates", "templates", *extra)


def descriptor(pack: Path) -> dict:
    return json.loads((pack / "form.json").read_text(encoding="utf-8"))


def save(pack: Path, data: dict) -> None:
    (pack / "form.json").write_text(json.dumps(data, indent=2), encoding="utf-8")


def test_section_numbers_and_headings_come_from_the_descriptor(pack):
    data = descriptor(pack)
    data["sections"][2].update(number=9, heading="Finance")
    save(pack, data)
    assert build().code == 0
    text = Path("out/minimal.md").read_text(encoding="utf-8")
    assert "### 9. Finance" in text and "Financial Comments" not in text
    assert re.search(r"^9\.1 ", text, re.M)
    sections = json.loads(Path("out/minimal.figures.json").read_text(encoding="utf-8"))["sections"]
    assert sections["financial"] == 9


def test_the_sign_off_order_and_its_reason_come_from_the_descriptor(pack):
    source = Path("paper.json")
    data = json.loads(source.read_text(encoding="utf-8"))
    data["approval"]["date"] = "2024-09-01"  # before the chief executive's 10 September
    data["status"] = "approved"
    source.write_text(json.dumps(data), encoding="utf-8")
    form = descriptor(pack)
    form["date_order"][0]["why"] = "the adviser signs first"
    save(pack, form)
    result = build()
    assert result.code == 1
    assert "error [date_order]" in result.err and "the adviser signs first" in result.err
    form["date_order"] = []
    save(pack, form)
    assert build().code == 0


def test_the_decision_date_is_where_the_descriptor_says(pack):
    form = descriptor(pack)
    assert form["decision_date"] == ["approval.date", "chief_executive.date", "dates.decision"]
    source = Path("paper.json")
    data = json.loads(source.read_text(encoding="utf-8"))
    data.update(status="approved")
    data["approval"]["date"] = "2024-09-23"
    source.write_text(json.dumps(data), encoding="utf-8")
    assert build().code == 0
    assert 'date: "2024-09-23"' in Path("out/minimal.md").read_text(encoding="utf-8")
    form["decision_date"] = ["chief_executive.date", "approval.date"]
    form["date_order"] = []
    save(pack, form)
    assert build().code == 0
    assert 'date: "2024-09-10"' in Path("out/minimal.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("damage, expected", [
    (lambda text: text.replace('"sections"', '"sectionz"', 1),
     f'templates/{FORM}/form.json:25:3: $.sectionz: error [template]: "sectionz" is not a field '
     'this object can have.\n  hint: did you mean "sections"?'),
    (lambda text: text + "}", f"templates/{FORM}/form.json:"),
    (lambda text: text.replace('"number": 3', '"number": "3"', 1),
     f"templates/{FORM}/form.json:"),
])
def test_a_broken_descriptor_is_a_located_error(pack, damage, expected):
    path = pack / "form.json"
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    result = build()
    assert result.code == 1
    assert result.err.startswith(expected), result.err
    assert "Traceback" not in result.err and not Path("out").exists()


def test_a_pack_without_a_descriptor_says_what_to_add(pack):
    (pack / "form.json").unlink()
    result = build()
    assert result.code == 1
    assert result.err.startswith(
        f"templates/{FORM}/form.json: error [template]: the form pack templates/{FORM}/ has no "
        "form.json, which says what the form's sections and sign-off dates are.")


def test_an_early_paper_needs_only_the_thresholds_it_uses(tmp_path):
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["chief_executive"]["date"] = "2019-05-01"
    path = tmp_path / "early.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run(path, "--out", tmp_path / "out")
    assert (result.code, result.err) == (0, "")
    data["thresholds"] = {"dmpc_variation": 100000}
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run(path, "--out", tmp_path / "out")
    assert result.code == 1
    assert "error [rules]: the decision date, 1 May 2019, is before rules/mopac.json has a value " \
           "for dmpc_variation (the first is from 1 April 2023)." in result.err
    assert "dmpc_tender" not in result.err


def test_the_descriptor_matches_the_schema_sections():
    """The form's schema requires the sections its descriptor numbers, in the same order."""
    schema = json.loads((ROOT / "schema" / "forms" / f"{FORM}.schema.json").read_text(
        encoding="utf-8"))
    form = json.loads((ROOT / "templates" / FORM / "form.json").read_text(encoding="utf-8"))
    assert [s["id"] for s in form["sections"]] == schema["properties"]["part1"]["required"]


def test_a_draft_needs_no_invented_sign_off_date(tmp_path, monkeypatch):
    """A decision date is asked for only where a rule uses it (issue 20's eighth finding)."""
    monkeypatch.chdir(tmp_path)
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    del data["chief_executive"]["date"]
    path = Path("draft.json")
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run(path, "--out", tmp_path / "out")
    assert (result.code, result.err) == (0, "")
    text = (tmp_path / "out" / "minimal.md").read_text(encoding="utf-8")
    assert "\ndate:" not in text
    data["part1"]["commercial"] = ["Below {thresholds.pcr2015_services}."]
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run(path, "--out", tmp_path / "out")
    assert result.code == 1
    assert result.err.startswith(
        "draft.json:1:428: $.approval: error [date_order]: this paper has no decision date, so the "
        "thresholds and rates in force cannot be known.\n"
        "  hint: give one of: approval.date, chief_executive.date, dates.decision.\n")
    data["dates"] = {"decision": "2024-11-20"}  # when the decision is expected
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run(path, "--out", tmp_path / "out")
    assert (result.code, result.err) == (0, "")
    text = (tmp_path / "out" / "minimal.md").read_text(encoding="utf-8")
    assert 'date: "2024-11-20"' in text
    assert "**Date:** ........................................" in text


def test_a_new_form_version_is_a_new_pack_and_leaves_approved_papers_alone(pack):
    old = Path("out-old")
    assert run("paper.json", "--out", old, "--templates", "templates").code == 0
    shutil.copytree(pack, pack.parent / "pcd-april-2026")
    new_pack = pack.parent / "pcd-april-2026"
    edit(new_pack / "form.json", '"version": "PCD April 2023"', '"version": "PCD April 2026"')
    edit(new_pack / "form.json", "I have been consulted", "I was consulted")
    # the paper built under the old version is byte for byte the same
    assert build().code == 0
    assert {p.name: p.read_bytes() for p in Path("out").iterdir()} == \
        {p.name: p.read_bytes() for p in old.iterdir()}
    # a paper names a version by its pack, and the version string must be the pack's
    source = Path("paper.json")
    edit(source, '"template": "pcd-april-2023"', '"template": "pcd-april-2026"')
    result = build()
    assert result.code == 1
    assert 'the form pack templates/pcd-april-2026/ is the version "PCD April 2026", not ' \
           '"PCD April 2023".' in result.err
    assert 'pcd-april-2023 is "PCD April 2023"; pcd-april-2026 is "PCD April 2026"' in result.err
    edit(source, '"version": "PCD April 2023"', '"version": "PCD April 2026"')
    assert build().code == 0
    assert "I was consulted" in Path("out/minimal.md").read_text(encoding="utf-8")


def test_only_confirmed_declarations_are_ticked(tmp_path):
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["officers"] = {"drafting": "TBC", "reviewing": ["Kim Chudley"],
                        "confirmed": {"reviewing": True}}
    path = tmp_path / "paper.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert run(path, "--out", tmp_path / "out").code == 0
    rows = [line for line in (tmp_path / "out" / "minimal.md").read_text(encoding="utf-8")
            .splitlines() if line.startswith(("| **Drafting Officer:**", "| **Director"))]
    assert [row.rsplit("|", 2)[1].strip() for row in rows] == ["", "✓"]


def test_the_form_says_how_it_writes_a_financial_year(pack):
    source = Path("paper.json")
    data = json.loads(source.read_text(encoding="utf-8"))
    data["figures"] = {"year": {"financial_year": "2024/25"},
                       "span": {"year_range": {"from": "2024-25", "to": "2025/26"}}}
    data["part1"]["financial"] = ["Spend falls in {figures.year} and runs {figures.span}; the "
                                  "decision is in {chief_executive.date:fy}."]
    source.write_text(json.dumps(data), encoding="utf-8")
    assert build().code == 0
    assert "Spend falls in 2024/25 and runs 2024/25 to 2025/26; the decision is in 2024/25." \
        in Path("out/minimal.md").read_text(encoding="utf-8")
    form = descriptor(pack)
    form["financial_year_style"] = "2024-25"
    save(pack, form)
    assert build().code == 0
    assert "Spend falls in 2024-25 and runs 2024-25 to 2025-26; the decision is in 2024-25." \
        in Path("out/minimal.md").read_text(encoding="utf-8")
    listed = json.loads(Path("out/minimal.figures.json").read_text(encoding="utf-8"))["figures"]
    assert {f["id"]: f["text"]["default"] for f in listed}["figures.span"] == "2024-25 to 2025-26"


def all_refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from all_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_refs(value)


def test_each_form_schema_composes_the_common_one_by_reference():
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
    files = [ROOT / "schema" / "common.schema.json",
             *sorted((ROOT / "schema" / "forms").glob("*.schema.json"))]
    loaded = [json.loads(p.read_text(encoding="utf-8")) for p in files]
    registry = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc, DRAFT202012)) for doc in loaded)
    common = loaded[0]
    assert len(loaded) > 1
    for form in loaded[1:]:
        resolver = registry.resolver(base_uri=form["$id"])
        for ref in all_refs(form):
            assert resolver.lookup(ref).contents is not None, ref  # every reference resolves
        shared = {name for name, sub in form["properties"].items()
                  if sub.get("$ref", "").startswith("../common.schema.json#/properties/")}
        assert shared <= set(common["properties"])
        assert set(common["required"]) <= shared & set(form["required"]), \
            "a form offers, and requires, every part every paper has"
        assert form["additionalProperties"] is False


def test_a_source_is_checked_against_both_its_form_and_the_common_schema(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["publication"]["deferred"] = "no"  # a shared part
    del data["part1"]["gdpr"]  # the form's own part
    Path("paper.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    result = run("paper.json", "--out", "out")
    assert result.code == 1
    assert '$.part1: error [schema]: the required field "gdpr" is missing.' in result.err
    assert "$.publication.deferred: error [schema]: expected true or false, but found the text " \
           '"no".' in result.err


def test_a_source_of_an_unknown_form_is_checked_against_the_shared_schema_only(tmp_path,
                                                                               monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["form"]["template"] = "nonsuch"
    for own in ("approval", "part1", "officers", "chief_executive"):  # the PCD's own parts
        del data[own]
    Path("paper.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    result = run("paper.json", "--out", "out")
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines() == [
        'paper.json:11:3: $.form.template: error [template]: there is no form "nonsuch" (no '
        "folder templates/nonsuch/ with a layout.md.j2).",
        "  hint: use one of: council-kdr-2024, gla-md-2024, pcd-april-2023.",
        "paper.json: not built (1 error); nothing was written for it."]
