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
    (form.parent / "_base" / "publication.md.j2").unlink()
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


def test_an_edited_template_is_used_at_once_by_a_running_process(form):
    """Compiled templates are kept between papers (and the preview keeps its process), but
    a template whose text changed is compiled again, even within one tick of the clock."""
    import os

    from decision_papers.render import templates
    path = form / "title.md.j2"
    assert build().code == 0
    first = Path("out/minimal.md").read_text(encoding="utf-8")
    kept = templates.environment(FORM, Path("templates"))
    stamp = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("{{ title }}", "{{ title | upper }}")
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # the same modification time
    assert run("minimal.json", "--out", "out", "--templates", "templates", "--force").code == 0
    assert templates.environment(FORM, Path("templates")) is kept  # one environment per form
    second = Path("out/minimal.md").read_text(encoding="utf-8")

    def title(text: str) -> str:
        return next(line for line in text.splitlines() if line.startswith("**Title:** "))
    assert title(second) == "**Title:** " + title(first).removeprefix("**Title:** ").upper()
    assert title(second) != title(first)


def test_a_new_template_in_a_pack_replaces_the_bases_in_a_running_process(form):
    """A pack's template comes before the base's; one added while the preview runs is used
    at once, not the base's compiled before it."""
    assert build().code == 0
    assert "## Recommendations" in Path("out/minimal.md").read_text(encoding="utf-8")
    base = Path("templates/_base/recommendations.md.j2").read_text(encoding="utf-8")
    (form / "recommendations.md.j2").write_text(
        base.replace("## {{ form.recommendations.heading | fill }}", "## Our decisions"),
        encoding="utf-8")
    assert run("minimal.json", "--out", "out", "--templates", "templates", "--force").code == 0
    text = Path("out/minimal.md").read_text(encoding="utf-8")
    assert "## Our decisions" in text and "## Recommendations" not in text


def test_compiled_templates_are_kept_in_jinja_bytecode_cache(form):
    """A template is compiled once, then loaded from Jinja's cache by every later run;
    a template whose text changed is compiled again (the cache is keyed by its text)."""
    import os

    from decision_papers.render import templates
    cache = templates.bytecode_cache()
    assert cache is not None
    path = form / "title.md.j2"
    bucket = Path(cache.directory) / (cache.pattern % cache.get_cache_key(
        "title.md.j2", os.path.abspath(path)))
    assert build().code == 0
    kept = bucket.read_bytes()
    path.write_text(path.read_text(encoding="utf-8") + "{# new text, new bytecode #}\n",
                    encoding="utf-8")
    assert run("minimal.json", "--out", "out", "--templates", "templates", "--force").code == 0
    assert bucket.read_bytes() != kept


def test_a_bytecode_cache_that_cannot_be_written_is_only_slower(form, monkeypatch):
    import jinja2

    def full(self, bucket):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(jinja2.FileSystemBytecodeCache, "dump_bytecode", full)
    monkeypatch.setattr(jinja2.FileSystemBytecodeCache, "load_bytecode", full)
    assert build().code == 0
