"""Incremental builds: a paper is built again exactly when one of its inputs changed.

Each test works on a project of its own: the three bundled decisions, with a
copy of the form packs (``--templates``), the rules (``--rules``) and the
schemas (the module's ``SCHEMA_DIR``), so any one input can be changed.
After every change, what the incremental build left in ``out/`` must be
byte for byte what a full build (``--force``) writes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from decision_papers import incremental, projects
from support import ROOT, run

IDS = ("kdr-2025-014", "md-3311", "pcd-1717")
HEAVY = ("jinja2", "docx", "markdown_it", "jsonschema", "lxml", "pikepdf", "referencing")
"""The libraries a rebuild with nothing to do must not load."""


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """The project, its own templates, rules and schemas; the current directory."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "decisions", root / "decisions")
    for name in ("templates", "rules", "schema"):
        shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.setattr(projects, "SCHEMA_DIR", tmp_path / "schema")
    monkeypatch.chdir(root)
    return root


def build(*extra):
    """Build the project; ``{id: "built" | "unchanged"}`` and the result."""
    result = run("--templates", "../templates", "--rules", "../rules", *extra)
    said = {}
    for line in result.out.splitlines():
        verb, source = line.split(" ", 2)[:2]
        said[Path(source).stem] = verb
    return said, result


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def full_build(tmp_path: Path) -> dict[str, bytes]:
    """What a build of everything, from nothing, writes."""
    fresh = tmp_path / "full"
    result = run("--templates", "../templates", "--rules", "../rules", "--force",
                 "--out", fresh)
    assert result.code == 0, result.err
    return outputs(fresh)


def touch_json(path: Path) -> None:
    """Change a JSON file's bytes, not its meaning."""
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")


def test_a_rebuild_with_nothing_changed_builds_nothing(tree):
    said, first = build()
    assert first.code == 0, first.err
    assert said == dict.fromkeys(IDS, "built")
    before = {p.name: p.stat().st_mtime_ns for p in (tree / "out").iterdir()}
    said, again = build()
    assert said == dict.fromkeys(IDS, "unchanged")
    assert again.code == 0 and again.err == first.err
    assert {p.name: p.stat().st_mtime_ns for p in (tree / "out").iterdir()} == before


def _change_source(tree, tmp_path):
    path = tree / "decisions" / "md-3311.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["title"] += " (revised)"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def _change_template(tree, tmp_path):
    path = tmp_path / "templates" / "gla-md-2024" / "title.md.j2"
    path.write_text(path.read_text(encoding="utf-8") + "{# a comment #}\n", encoding="utf-8")


def _change_pack_reference(tree, tmp_path):
    shutil.copyfile(ROOT / "templates" / "gla-md-2024" / "reference.docx",
                    tmp_path / "templates" / "pcd-april-2023" / "reference.docx")


def _change_rules(tree, tmp_path):
    touch_json(tmp_path / "rules" / "northgate.json")


def _change_form_schema(tree, tmp_path):
    touch_json(tmp_path / "schema" / "forms" / "gla-md-2024.schema.json")


def _change_common_schema(tree, tmp_path):
    touch_json(tmp_path / "schema" / "common.schema.json")


def _change_tool(tree, tmp_path, monkeypatch):
    monkeypatch.setattr(incremental, "__version__", "99.0")


def _add_a_record(tree, tmp_path):
    (tree / "records").mkdir()
    (tree / "records" / "md-3311.json").write_text("{}", encoding="utf-8")


CHANGES = {
    "source": (_change_source, {"md-3311"}),
    "template": (_change_template, {"md-3311"}),
    "reference document": (_change_pack_reference, {"pcd-1717"}),
    "rules": (_change_rules, {"kdr-2025-014"}),
    "form schema": (_change_form_schema, {"md-3311"}),
    "common schema": (_change_common_schema, set(IDS)),
    "tool": (_change_tool, set(IDS)),
    "record": (_add_a_record, {"md-3311"}),
}


@pytest.mark.parametrize("change", CHANGES)
def test_changing_one_input_builds_exactly_the_papers_it_affects(change, tree, tmp_path,
                                                                   monkeypatch):
    build()
    edit, affected = CHANGES[change]
    if change == "tool":
        edit(tree, tmp_path, monkeypatch)
    else:
        edit(tree, tmp_path)
    said, result = build()
    # built again, or failed in the attempt (a broken record): anything but unchanged
    assert {pid for pid in IDS if said.get(pid) != "unchanged"} == affected
    if result.code == 0:  # the outputs are what a full build writes
        assert outputs(tree / "out") == full_build(tmp_path)
    said, _ = build()  # and once built, they are fresh again
    if result.code == 0:
        assert said == dict.fromkeys(IDS, "unchanged")


def test_a_record_that_breaks_the_paper_is_reported_every_time(tree):
    build()
    _add_a_record(tree, None)
    for _ in range(2):
        said, result = build()
        assert result.code == 1
        assert "records/md-3311.json" in result.err and "md-3311.json: not built" in result.err
        assert said == {"kdr-2025-014": "unchanged", "pcd-1717": "unchanged"}


def test_force_builds_every_paper(tree):
    build()
    said, result = build("--force")
    assert result.code == 0 and said == dict.fromkeys(IDS, "built")


@pytest.mark.parametrize("how", ["edited", "deleted"])
def test_an_output_changed_by_hand_is_written_again(how, tree, tmp_path):
    build()
    target = tree / "out" / "pcd-1717.md"
    if how == "edited":
        target.write_text("hand-edited\n", encoding="utf-8")
    else:
        target.unlink()
    said, result = build()
    assert said == {"kdr-2025-014": "unchanged", "md-3311": "unchanged", "pcd-1717": "built"}
    assert outputs(tree / "out") == full_build(tmp_path)


def test_warnings_are_printed_again_when_nothing_is_built(tree):
    # pcd-1717 is approved; this project has no records/, so its build warns
    _, first = build()
    assert "warning [record]" in first.err
    said, again = build()
    assert said == dict.fromkeys(IDS, "unchanged")
    assert again.err == first.err


def test_a_paper_with_errors_is_built_every_time(tree):
    build()
    path = tree / "decisions" / "kdr-2025-014.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"id": "kdr-2025-014"', '"id": 7'),
                    encoding="utf-8")
    first = build()[1]
    second = build()[1]
    assert first.code == second.code == 1
    assert first.err == second.err and "kdr-2025-014.json: not built" in first.err


def test_a_new_source_that_takes_an_id_fails_both_as_a_full_build_would(tree, tmp_path):
    build()
    shutil.copyfile(tree / "decisions" / "md-3311.json", tree / "decisions" / "md-copy.json")
    said, result = build()
    assert said == {"kdr-2025-014": "unchanged", "pcd-1717": "unchanged"}
    forced = build("--force")[1]
    assert result.code == forced.code == 1
    assert result.err == forced.err
    assert 'the id "md-3311" is also used by decisions/md-copy.json' in result.err


def test_strict_and_other_options_are_settings_of_their_own(tree):
    build()
    said, result = build("--strict")  # pcd-1717's warning is an error under --strict
    assert result.code == 1
    assert said == {"kdr-2025-014": "built", "md-3311": "built"}
    said, _ = build("--html")
    assert said == dict.fromkeys(IDS, "built")
    assert (tree / "out" / "md-3311.html").is_file()


def test_a_damaged_manifest_means_building_again(tree):
    build()
    manifest = incremental.cache_folder(tree / "out") / incremental.MANIFEST
    manifest.write_text('{"format": 1, "settings": "x", "papers": [', encoding="utf-8")
    said, result = build()
    assert result.code == 0 and said == dict.fromkeys(IDS, "built")
    data = json.loads(manifest.read_text(encoding="utf-8"))
    key = next(iter(data["papers"]))
    data["papers"][key]["outputs"] = "nonsense"
    manifest.write_text(json.dumps(data), encoding="utf-8")
    said, result = build()
    assert result.code == 0 and list(said.values()).count("built") == 1


def test_the_manifest_is_the_users_cache_and_out_holds_only_papers(tree, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    build()
    assert sorted(p.name for p in (tree / "out").iterdir()) == sorted(
        f"{pid}{ext}" for pid in IDS for ext in (".docx", ".figures.json", ".md"))
    manifests = list((tmp_path / "cache" / "decision-papers" / "builds").glob("*/manifest.json"))
    assert manifests == [incremental.cache_folder(tree / "out") / incremental.MANIFEST]
    assert build()[0] == dict.fromkeys(IDS, "unchanged")


def test_without_a_cache_folder_every_build_builds_every_paper(tree, tmp_path, monkeypatch):
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-folder"))
    for _ in range(2):
        said, result = build()
        assert result.code == 0 and said == dict.fromkeys(IDS, "built")


def test_check_is_not_fooled_by_the_cache(tree):
    """``--check`` builds everything in memory: it never trusts the manifest."""
    build()
    (tree / "out" / "md-3311.md").write_text("stale\n", encoding="utf-8")
    manifest = incremental.cache_folder(tree / "out") / incremental.MANIFEST
    data = json.loads(manifest.read_text(encoding="utf-8"))
    for entry in data["papers"].values():  # a manifest that lies about the output
        if "md-3311.md" in entry["outputs"]:
            entry["outputs"]["md-3311.md"] = incremental._hash(b"stale\n")
    manifest.write_text(json.dumps(data), encoding="utf-8")
    result = run("--templates", "../templates", "--rules", "../rules", "--check")
    assert result.code == 1 and "stale: out/md-3311.md" in result.err


SCRIPT = """
import sys
from decision_papers.cli import main
code = main(["-q", "--templates", "../templates", "--rules", "../rules"])
print(code, sorted(m for m in {heavy!r} if m in sys.modules))
"""


def test_a_rebuild_with_nothing_to_do_never_loads_the_heavy_libraries(tree):
    script = SCRIPT.format(heavy=HEAVY)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def loaded() -> str:
        return subprocess.run([sys.executable, "-c", script], cwd=tree, env=env, check=True,
                              capture_output=True, text=True).stdout.strip()

    assert loaded().startswith("0 ['docx'")  # the first build loads them (the test can fail)
    assert loaded() == "0 []"


def test_a_source_saved_while_it_builds_is_built_again(tree, monkeypatch):
    from decision_papers import pipeline
    real = pipeline.build
    path = tree / "decisions" / "kdr-2025-014.json"

    def saved_meanwhile(*args, **kwargs):
        papers = real(*args, **kwargs)
        data = json.loads(path.read_text(encoding="utf-8"))
        data["title"] += " (saved during the build)"
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
        return papers
    monkeypatch.setattr(pipeline, "build", saved_meanwhile)
    assert build()[0] == dict.fromkeys(IDS, "built")
    monkeypatch.setattr(pipeline, "build", real)
    said, result = build()
    assert said["kdr-2025-014"] == "built"
    assert "(saved during the build)" in (tree / "out" / "kdr-2025-014.md").read_text(
        encoding="utf-8")


def test_a_file_in_a_linked_folder_of_a_pack_is_an_input(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "part.md.j2").write_text("one\n", encoding="utf-8")
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "layout.md.j2").write_text('{% include "partials/part.md.j2" %}\n', encoding="utf-8")
    (pack / "partials").symlink_to(shared)
    (pack / "loop").symlink_to(pack)  # a link back up the tree is followed once
    before = incremental.Digests().of("tree", str(pack))
    (shared / "part.md.j2").write_text("two\n", encoding="utf-8")
    assert incremental.Digests().of("tree", str(pack)) != before


@pytest.mark.parametrize("damage", ["an id that is a list", "a pipe"])
def test_a_damaged_manifest_is_never_a_crash_or_a_hang(damage, tree):
    build()
    manifest = incremental.cache_folder(tree / "out") / incremental.MANIFEST
    if damage == "a pipe":
        manifest.unlink()
        os.mkfifo(manifest)
    else:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        for entry in data["papers"].values():
            entry["id"] = ["x"]
        manifest.write_text(json.dumps(data), encoding="utf-8")
    said, result = build()
    assert result.code == 0 and said == dict.fromkeys(IDS, "built")


def test_a_relative_cache_folder_is_ignored(tree, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", "cache")
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.setenv("HOME", "relative-home")
    for _ in range(2):
        assert build()[0] == dict.fromkeys(IDS, "built")
    assert sorted(p.name for p in tree.iterdir()) == ["decisions", "out"]


def test_pdf_builds_are_never_taken_from_the_cache(tree, monkeypatch):
    """LibreOffice, which makes the PDF, is no input a hash can follow."""
    from decision_papers.writers import pdf
    build()

    def unavailable(*args, **kwargs):
        raise pdf.PdfUnavailable("no LibreOffice here")
    monkeypatch.setattr(pdf, "convert", unavailable)
    result = run("--templates", "../templates", "--rules", "../rules", "--pdf")
    assert (result.code, result.err) == (2, "error: no LibreOffice here\n")


def test_a_record_written_while_the_paper_builds_is_seen_next_time(tree, monkeypatch):
    """As a ``git pull`` in another terminal might bring one."""
    from decision_papers import pipeline
    real = pipeline.build

    def pulled_meanwhile(*args, **kwargs):
        papers = real(*args, **kwargs)
        (tree / "records").mkdir(exist_ok=True)
        (tree / "records" / "pcd-1717.json").write_text("{", encoding="utf-8")
        return papers
    monkeypatch.setattr(pipeline, "build", pulled_meanwhile)
    build()
    monkeypatch.setattr(pipeline, "build", real)
    said, result = build()
    assert result.code == 1 and "pcd-1717" not in said
    assert result.err == build("--force")[1].err


def test_replayed_warnings_are_held_to_what_problems_would_print():
    """The manifest's check of replayed text escapes what ``problems.printable`` escapes,
    but the line break between a message's lines."""
    from decision_papers import problems
    for code in range(0x3000):
        char = chr(code)
        if char != "\n":
            assert bool(incremental._INVISIBLE.search(char)) == \
                bool(problems._INVISIBLE.search(char)), hex(code)
