"""Shared helpers for the tests: run the CLI, read DOCX and Markdown back."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from docx2python import docx2python
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from decision_papers.cli import main

ROOT = Path(__file__).resolve().parent.parent


def examples(n: int) -> int:
    """A property test's number of examples: ``n`` in the ``ci`` and ``long`` profiles (which
    ``.ci/run`` uses for every Hypothesis test, ``-m hypothesis``), an eighth of it (at
    least five) in the everyday ``quick`` one, so the whole suite runs in under two minutes."""
    return n if os.environ.get("HYPOTHESIS_PROFILE", "quick") != "quick" else max(5, n // 8)
EXAMPLE = ROOT / "decisions" / "pcd-1717.json"
AS_PUBLISHED = ROOT / "tests" / "fixtures" / "pcd-1717-as-published.json"
MINIMAL = ROOT / "tests" / "fixtures" / "minimal.json"


@dataclass
class Result:
    """What one CLI run returned and printed."""

    code: int
    out: str
    err: str


def run(*argv) -> Result:
    """Run ``main`` with captured streams."""
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return Result(code, out.getvalue(), err.getvalue())


def normalise(text: str) -> str:
    """Collapse whitespace (Word uses a tab after paragraph numbers)."""
    return re.sub(r"\s+", " ", text).strip()


def docx_paragraphs(path: Path) -> list[str]:
    """Body paragraphs of a DOCX in reading order, read by docx2python."""
    with docx2python(path) as reader:
        body = reader.body
    return [normalise(p) for table in body for row in table for cell in row
            for p in cell if p.strip()]


def markdown_paragraphs(text: str) -> list[str]:
    """Text of each heading, paragraph, list item and table cell, per CommonMark."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)  # front matter
    tree = SyntaxTreeNode(MarkdownIt("commonmark").enable("table").parse(text))
    found = []

    def visit(node):
        if node.type == "inline":
            found.append(normalise("".join(
                t.content if t.type != "softbreak" else " "
                for t in (node.token.children or []) if t.type in ("text", "softbreak", "text_special"))))
            return
        for child in node.children:
            visit(child)

    visit(tree)
    return [p for p in found if p]


def build_copy(tmp_path: Path, source: Path, text: str | None = None) -> tuple[Path, Result]:
    """Copy ``source`` (optionally with new text) into tmp_path and build it there."""
    target = tmp_path / source.name
    target.write_text(source.read_text(encoding="utf-8") if text is None else text,
                      encoding="utf-8")
    return target, run(target, "--out", tmp_path / "out")


def read_case(path: Path) -> dict[str, str]:
    """Split a case file (``tests/cases/*/*.case``) into its ``--- name`` sections."""
    sections, name = {}, None
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("--- "):
            name = line[4:].strip()
            sections[name] = ""
        elif name is not None:
            sections[name] += line
    return {k: v.removesuffix("\n") for k, v in sections.items()}


def json_number(value):
    """``json.dumps`` default: a Decimal as a JSON number the loader reads back exactly."""
    return int(value) if value == value.to_integral_value() else float(value)


def build_data(tmp_path: Path, data: dict, name: str = "property.json"):
    """Write ``data`` as a source and build it in memory (``pipeline.build_one``)."""
    from decision_papers.pipeline import build_one
    path = tmp_path / name
    path.write_text(json.dumps(data, default=json_number, indent=1), encoding="utf-8")
    return build_one(path)


def findings(paper) -> list[tuple[str, str]]:
    """``(rule, first place)`` for every problem of a built paper, sorted."""
    return sorted((p.rule, p.places[0].json_path) for p in paper.problems)


GIT_IDENTITY = {"GIT_AUTHOR_NAME": "Ada Officer", "GIT_AUTHOR_EMAIL": "ada@example.invalid",
                "GIT_COMMITTER_NAME": "Ada Officer", "GIT_COMMITTER_EMAIL": "ada@example.invalid",
                "GIT_AUTHOR_DATE": "2024-10-01T09:30:00+01:00",
                "GIT_COMMITTER_DATE": "2024-10-01T09:30:00+01:00",
                "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
"""A fixed author and date for the commits tests make (set in the environment, so the
tool's own git calls see the same)."""


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` as the tests' fixed author; its output, or a failed assertion."""
    import os
    import subprocess
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                            env={**os.environ, **GIT_IDENTITY})
    assert result.returncode == 0, result.stderr
    return result.stdout


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) with ``new`` in a text file."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def new_project_repo(folder: Path, monkeypatch, data: dict | None = None) -> Path:
    """A git repository holding the approved example (or the decision ``data``) and its
    outputs, committed.

    The current directory is the repository, so commands run on its project
    (``decisions/``, ``out/``, ``records/``), as a user's would.  Commits are
    "Ada Officer"'s, and git's diff driver for ``*.docx`` is named by the
    project's ``.gitattributes``.
    """
    for name, value in GIT_IDENTITY.items():
        monkeypatch.setenv(name, value)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "decisions").mkdir()
    if data is None:
        shutil.copy(EXAMPLE, folder / "decisions" / EXAMPLE.name)
    else:
        (folder / "decisions" / f"{data['id']}.json").write_text(
            json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    shutil.copy(ROOT / ".gitattributes", folder / ".gitattributes")
    monkeypatch.chdir(folder)
    git(folder, "init", "-q", "-b", "main")
    result = run()
    assert result.code == 0, result.err
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "PCD 1717 approved" if data is None else f"{data['id']} as bundled")
    return folder


PREVIOUS_VALUE_CHANGES = [
    "pcd-1717: 3 figures changed",
    "  contracts.vru.new_value: £83,820 → £84,320 (executive summary paragraph 2, "
    "recommendation 1, paragraph 5.1)",
    "  contracts.vru.previous_value: £69,260 → £69,760 (paragraph 5.1)",
    "  total value of the contracts: £111,845 → £112,345 (executive summary paragraph 3, "
    "recommendation 1, paragraphs 3.1 and 5.1)",
]
"""What ``diff`` reports when the example's ``contracts.vru.previous_value`` goes from
69260 to 69760."""


# -- the bundled decisions of each form ---------------------------------------------

def source(pid: str) -> Path:
    """The bundled source of decision ``pid`` (``decisions/<pid>.json``)."""
    return ROOT / "decisions" / f"{pid}.json"


def built(tmp_path: Path, pid: str, change=None) -> tuple[Path, object]:
    """Build a copy of a bundled decision (changed by ``change(data)``) into tmp_path/out."""
    data = json.loads(source(pid).read_text(encoding="utf-8"))
    if change:
        change(data)
    return build_copy(tmp_path, source(pid), json.dumps(data, indent=1, ensure_ascii=False))


def build_with_descriptor(tmp_path, monkeypatch, pack: str, pid: str, change):
    """Build a bundled decision with a private copy of the templates, ``change(descriptor)``."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "templates", "templates")
    path = Path("templates") / pack / "form.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    shutil.copy(source(pid), "paper.json")
    return run("paper.json", "--out", "out", "--templates", "templates")
