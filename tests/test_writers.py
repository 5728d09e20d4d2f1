"""The writer table: a new writer is its module and one row.

A writer of the tests' own (``tests/plugins/plain_text.py``) is added to
``writers.WRITERS`` as one row, and nothing else changes: the command line
offers its option, a build that asks for it writes its file beside the
others, the incremental build counts that file among the paper's outputs,
and a build that does not ask writes none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from decision_papers import writers
from decision_papers.writers import Writer
from support import MINIMAL, run

TEXT = Writer("text", ".txt", "plugins.plain_text", option="--text",
              help_text="also write each paper as plain text, OUT/<id>.txt")


@pytest.fixture
def text_writer(monkeypatch):
    monkeypatch.setattr(writers, "WRITERS", (*writers.WRITERS, TEXT))
    return TEXT


def test_a_new_writer_is_its_module_and_one_row(text_writer, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert "--text" in run("--help").out
    assert "also write each paper as plain text" in run("--help").out
    plain = run(MINIMAL, "--out", "out")
    assert plain.code == 0, plain.err
    assert not Path("out/minimal.txt").exists()
    built = run(MINIMAL, "--out", "out", "--text")
    assert built.code == 0, built.err
    assert built.out.endswith("minimal.docx, minimal.figures.json, minimal.md, minimal.txt\n")
    text = Path("out/minimal.txt").read_text(encoding="utf-8")
    assert text.startswith("DRAFT – Buy more widgets\n")
    assert "\n3.1 The new value is £1,250.\n" in text
    # the incremental build knows the file: unchanged while it stands, built when it goes
    again = run(MINIMAL, "--out", "out", "--text")
    assert again.out.startswith("unchanged ") and again.out.endswith("minimal.txt\n")
    Path("out/minimal.txt").unlink()
    assert run(MINIMAL, "--out", "out", "--text").out.startswith("built ")
    assert Path("out/minimal.txt").read_text(encoding="utf-8") == text


def test_the_tables_lists_come_from_its_rows(text_writer):
    assert writers.suffixes() == (".docx", ".md", ".figures.json")
    assert [w.name for w in writers.optional()] == ["html", "pdf", "text"]
    assert writers.part2_suffixes() == (".part2.docx", ".part2.md", ".part2.html")
    assert [w.name for w in writers.chosen({"text"})] == ["docx", "md", "figures", "text"]
