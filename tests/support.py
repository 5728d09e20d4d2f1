"""Shared helpers for the tests: run the CLI, read DOCX and Markdown back."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from docx2python import docx2python
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from decision_papers.cli import main

ROOT = Path(__file__).resolve().parent.parent
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
