"""Template problems name the template file and line; nothing is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from support import MINIMAL, ROOT, run

FORM = "pcd-april-2023"


@pytest.fixture
def form(tmp_path, monkeypatch):
    """A private copy of the templates, and a working folder with the minimal source."""
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copy(MINIMAL, tmp_path / "minimal.json")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "templates" / FORM


def build():
    return run("minimal.json", "--out", "out", "--templates", "templates")


def test_undefined_variable_names_template_and_line(form):
    path = form / "title.md.j2"
    path.write_text(path.read_text(encoding="utf-8").replace("{{ title }}", "{{ approval.nam }}"),
                    encoding="utf-8")
    result = build()
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f"templates/{FORM}/title.md.j2:5: error [template]: template uses something the "
        "source does not provide: 'dict object' has no attribute 'nam'.")
    assert not Path("out").exists()


def test_syntax_error_names_template_and_line(form):
    path = form / "executive_summary.md.j2"
    path.write_text("## Executive Summary\n{{ executive_summary }\n", encoding="utf-8")
    result = build()
    assert result.code == 1
    assert result.err.splitlines()[0].startswith(
        f"templates/{FORM}/executive_summary.md.j2:2: error [template]: template syntax error:")
    assert "Traceback" not in result.err


def test_missing_template_names_the_include(form):
    (form / "publication.md.j2").unlink()
    result = build()
    assert result.code == 1
    assert result.err.splitlines()[:2] == [
        f'templates/{FORM}/layout.md.j2:21: error [template]: template "publication.md.j2" is missing.',
        f"  hint: create templates/{FORM}/publication.md.j2, or fix the include.",
    ]


def test_unsupported_markdown_in_a_template_is_an_error_not_dropped(form):
    path = form / "title.md.j2"
    path.write_text(path.read_text(encoding="utf-8") + "\n> a block quote the writers cannot show\n",
                    encoding="utf-8")
    result = build()
    # block quotes are not enabled, so ">" stays literal text rather than vanishing
    assert result.code == 0, result.err
    assert "> a block quote" in Path("out/minimal.md").read_text(encoding="utf-8").replace("\\>", ">")


def test_the_package_listing_shows_the_pipeline():
    package = ROOT / "decision_papers"
    steps = {"source": ["load", "validate", "walk"],
             "figures": ["model", "kinds", "ledger", "shapes", "thresholds", "formatting"],
             "checks": ["__init__"], "render": ["prose", "templates"],
             "document": ["model", "from_markdown", "styles"],
             "writers": ["docx", "docx_xml", "markdown", "figures_file", "output"],
             "review": ["compare", "redline", "read_docx", "publish"], "cli": ["__init__"]}
    for step, modules in steps.items():
        for module in modules:
            assert (package / step / f"{module}.py").is_file(), f"{step}/{module}"
    assert (package / "pipeline.py").is_file()
    assert len((ROOT / "build.py").read_text(encoding="utf-8").splitlines()) < 12


def test_no_import_cycles_through_the_cli_and_no_private_imports():
    import ast
    for path in (ROOT / "decision_papers").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            where = path.relative_to(ROOT)
            if path.parent.name != "cli":
                assert not node.module.startswith("decision_papers.cli"), where
            if node.module.startswith("decision_papers"):
                private = [a.name for a in node.names if a.name.startswith("_")
                           and a.name != "__version__"]
                assert not private, f"{where} imports private {private}"
