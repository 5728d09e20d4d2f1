"""Rendering is bounded: deep emphasis cannot exhaust the stack, time or memory.

Each test reproduces an attack from the hostile review (issue 13) first.
"""

from __future__ import annotations

import json
import time
import tracemalloc

import pytest

from support import MINIMAL, docx_paragraphs, run


def build_with(tmp_path, background: list[str], title: str | None = None):
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["part1"]["background"] = background
    if title is not None:
        data["title"] = title
    source = tmp_path / "minimal.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    return run(source, "--out", tmp_path / "out")


@pytest.mark.parametrize("depth", [600, 601, 5_000])
def test_deeply_nested_emphasis_builds_without_a_recursion_error(tmp_path, depth):
    started = time.monotonic()
    result = build_with(tmp_path, ["*" * depth + "a" + "*" * depth])
    assert "Traceback" not in result.err and "RecursionError" not in result.err
    assert result.code == 0, result.err
    assert time.monotonic() - started < 10
    assert "1.1 a" in docx_paragraphs(tmp_path / "out" / "minimal.docx")
    md = (tmp_path / "out" / "minimal.md").read_text(encoding="utf-8")
    assert ("\n1.1 ***a***\n" if depth % 2 else "\n1.1 **a**\n") in md


def test_deep_emphasis_in_the_title_builds(tmp_path):
    result = build_with(tmp_path, ["Background."], title="**" * 700 + "T" + "**" * 700)
    assert result.code == 0, result.err
    assert "Title: T" in docx_paragraphs(tmp_path / "out" / "minimal.docx")


def test_unbalanced_and_interleaved_emphasis_is_bounded_in_time_and_memory(tmp_path):
    text = ("*a **b " * 5_000) + ("c** d*" * 5_000)  # 60 kB: 30,000 delimiters, 10,000 open
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = build_with(tmp_path, [text])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.code in (0, 1) and "Traceback" not in result.err, result.err
    assert time.monotonic() - started < 30
    assert peak < 300_000_000
