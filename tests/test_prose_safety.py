"""User text is data: it never changes the document's structure or runs as a template."""

from __future__ import annotations

import json

import docx
import pytest

from support import MINIMAL, docx_paragraphs, markdown_paragraphs, run

TRICKY = [
    ("1. This starts like a numbered list.", "1. This starts like a numbered list."),
    ("# Not a heading", "# Not a heading"),
    ("| a | b | c |", "| a | b | c |"),
    ("<b>raw</b> <script>alert(1)</script>", "<b>raw</b> <script>alert(1)</script>"),
    ("[a link](https://example.com) and `code`", "[a link](https://example.com) and `code`"),
    ("back\\slash and 5 * 3 * 2 and snake_case_name", "back\\slash and 5 * 3 * 2 and snake_case_name"),
    ("> not a quote", "> not a quote"),
    ("&amp; stays as typed", "&amp; stays as typed"),
]


def build_with(tmp_path, background: list[str]):
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["part1"]["background"] = background
    source = tmp_path / "minimal.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    result = run(source, "--out", tmp_path / "out")
    assert result.code == 0, result.err
    md = (tmp_path / "out" / "minimal.md").read_text(encoding="utf-8")
    return md, tmp_path / "out" / "minimal.docx"


@pytest.mark.parametrize("typed,shown", TRICKY, ids=[t[0][:20] for t in TRICKY])
def test_markdown_and_template_syntax_in_data_is_printed_literally(tmp_path, typed, shown):
    md, word = build_with(tmp_path, [typed])
    md_paragraphs, word_paragraphs = markdown_paragraphs(md), docx_paragraphs(word)
    assert f"1.1 {shown}" in md_paragraphs
    assert f"1.1 {shown}" in word_paragraphs
    assert md_paragraphs == word_paragraphs
    # the structure is the same as with plain text: same headings, no extra tables
    (tmp_path / "plain").mkdir()
    plain_md, _ = build_with(tmp_path / "plain", ["Plain."])
    assert md.count("\n#") == plain_md.count("\n#")
    assert md.count("\n| ") == plain_md.count("\n| ")


def test_jinja_in_data_is_never_evaluated_but_a_broken_reference_is_an_error(tmp_path,
                                                                             monkeypatch):
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["part1"]["background"] = ["{{ 7*7 }} {{ approval.name }}"]
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "minimal.json"
    source.write_text(json.dumps(data, indent=1), encoding="utf-8")
    result = run("minimal.json", "--out", tmp_path / "out")
    assert result.code == 1 and not (tmp_path / "out").exists()
    assert result.err.splitlines()[:2] == [
        "minimal.json:29:4: $.part1.background[0]: error [reference]: \"{{ 7*7 }}\" looks like "
        "a figure reference but has double braces.",
        "  hint: write one pair: {7*7}. A brace can only start a figure reference, such as "
        "{figures.total}."]
    assert "49" not in result.err and "A Person" not in result.err


@pytest.mark.parametrize("typed, message, hint", [
    ("Costs {figures.total are rising.", '"{figures.total" looks like a figure reference but is '
     "not closed.", "close it: {figures.total}."),
    ("Costs { contracts.kit.new_value } in all.", '"{ contracts.kit.new_value }" looks like a '
     "figure reference but has spaces or characters a figure's name cannot have.",
     "write the figure's name with no spaces: {contracts.kit.new_value}."),
    ("{% include 'layout.md.j2' %} here.", '"{% include \'layout.md.j2\' %}" looks like a '
     "figure reference but is template syntax, which a paper never runs.", "remove it."),
    ("Costs contracts.kit.new_value} in all.", '"contracts.kit.new_value}" looks like a figure '
     "reference but has a closing brace with no opening one.",
     "open it: {contracts.kit.new_value}."),
])
def test_a_broken_figure_reference_is_an_error_not_text(tmp_path, monkeypatch, typed, message,
                                                        hint):
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["part1"]["background"] = [typed]
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "minimal.json"
    source.write_text(json.dumps(data, indent=1), encoding="utf-8")
    result = run("minimal.json", "--out", tmp_path / "out")
    assert result.code == 1
    assert result.err.splitlines()[:2] == [
        f"minimal.json:29:4: $.part1.background[0]: error [reference]: {message}",
        f"  hint: {hint} A brace can only start a figure reference, such as {{figures.total}}."]


def test_bold_italic_and_bullets_are_the_only_formatting(tmp_path):
    md, word = build_with(tmp_path, [
        "Some **bold** and *italic* and _also italic_ text:\n- first\n  - nested\n- second\n\nA follow-on paragraph."])
    assert "1.1 Some **bold** and *italic* and *also italic* text:\n\n- first\n  - nested\n- second\n\nA follow-on paragraph." in md
    document = docx.Document(word)
    runs = {r.text: (r.bold, r.italic) for p in document.paragraphs for r in p.runs}
    assert runs["bold"] == (True, None)
    assert runs["italic"] == (None, True)
    assert runs["also italic"] == (None, True)
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles["first"] == "Numbered Bullet 1"
    assert styles["nested"] == "Numbered Bullet 2"
    assert styles["A follow-on paragraph."] == "Numbered Continuation"


def test_a_leading_star_is_not_a_bullet(tmp_path):
    md, word = build_with(tmp_path, ["* not a bullet"])
    assert "1.1 * not a bullet" in markdown_paragraphs(md)
    assert "1.1 * not a bullet" in docx_paragraphs(word)


def test_line_breaks_inside_a_paragraph_become_spaces(tmp_path):
    md, _ = build_with(tmp_path, ["one\ntwo   three"])
    assert "\n1.1 one two three\n" in md
