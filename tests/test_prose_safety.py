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
    ("{{ 7*7 }} and {% include 'layout.md.j2' %}", "{{ 7*7 }} and {% include 'layout.md.j2' %}"),
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


def test_jinja_in_data_is_never_evaluated(tmp_path):
    md, word = build_with(tmp_path, ["{{ 7*7 }} {{ approval.name }}"])
    assert "1.1 {{ 7*7 }} {{ approval.name }}" in markdown_paragraphs(md)
    assert "1.1 {{ 7*7 }} {{ approval.name }}" in docx_paragraphs(word)


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
