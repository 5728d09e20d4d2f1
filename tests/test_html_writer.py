"""The HTML writer: a standalone, accessible page that says exactly what the paper says.

Each page is read back with Python's own ``html.parser``: the text of every
heading, paragraph, list item and table cell in ``<main>`` must be the text
the Markdown writer prints (and the DOCX holds), paragraph for paragraph, for
each bundled decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from decision_papers.document.from_markdown import parse
from decision_papers.document.model import (
    BulletList,
    Document,
    Heading,
    Metadata,
    NumberedParagraph,
    Paragraph,
    Span,
    Table,
)
from decision_papers.word import reader
from decision_papers.writers import html as write_html
from decision_papers.writers import markdown as write_markdown
from support import ROOT, docx_paragraphs, markdown_paragraphs, normalise

PAPERS = ["pcd-1717", "md-3311", "kdr-2025-014"]
WHEN = dt.datetime(2024, 9, 23, 14, 5, 9)
HOSTILE = '<script>alert(1)</script> & "x"'
HOSTILE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"
BLOCK_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "th", "td"}
"""Elements whose text is one paragraph of the paper (a heading, list item, cell...)."""
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr"}


@dataclass
class Element:
    """One element met in the page."""

    tag: str
    attrs: dict
    inside_main: bool
    text: str = ""
    """A block element's own text (a nested list's items are blocks of their own)."""
    inner: str = ""
    """All the text inside the element."""


@dataclass
class Page:
    """What ``html.parser`` read from a page."""

    elements: list[Element] = field(default_factory=list)
    """Every element, in document order."""
    nesting: list[str] = field(default_factory=list)
    """Every end tag that did not close the innermost open element, or a tag left open."""
    outside: list[str] = field(default_factory=list)
    """Text in ``<body>`` but outside ``<main>``."""
    formats: list[tuple[str, bool, bool]] = field(default_factory=list)
    """Each character in ``<main>`` with whether it is inside ``<strong>`` and ``<em>``."""

    def tags(self) -> list[str]:
        return [e.tag for e in self.elements]

    def named(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]

    def texts(self) -> list[str]:
        """The paper's paragraphs: each block element's own text, empty ones left out."""
        return [t for e in self.elements if e.inside_main and e.tag in BLOCK_TAGS
                if (t := normalise(e.text))]


class Reader(HTMLParser):
    """Collects a page's elements and text, checking that every tag closes where it opened."""

    def __init__(self):
        super().__init__()  # character references are turned back into text
        self.page, self.open, self.blocks = Page(), [], []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), "main" in [e.tag for e in self.open])
        self.page.elements.append(element)
        if tag in VOID:
            return
        self.open.append(element)
        if tag in BLOCK_TAGS:
            self.blocks.append(element)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1].tag != tag:
            self.page.nesting.append(f"</{tag}> closes {self.open[-1].tag if self.open else 'nothing'}")
            return
        element = self.open.pop()
        if self.blocks and self.blocks[-1] is element:
            self.blocks.pop()

    def handle_data(self, data):
        tags = [e.tag for e in self.open]
        for element in self.open:
            element.inner += data
        if "main" in tags:
            if self.blocks:  # not the line breaks between blocks
                self.blocks[-1].text += data
                self.page.formats += [(c, "strong" in tags, "em" in tags) for c in data]
        elif "body" in tags:
            self.page.outside.append(data)

    def close(self):
        super().close()
        self.page.nesting += [f"<{e.tag}> never closed" for e in self.open]


def read(text: str) -> Page:
    """A page as ``html.parser`` reads it."""
    reader = Reader()
    reader.feed(text)
    reader.close()
    return reader.page


def meta(marking: str | None = None) -> Metadata:
    """Metadata for a hand-made paper."""
    return Metadata("A paper", "PCD 1", "PCD April 2023", "MOPAC", WHEN.date(), WHEN,
                    marking=marking)


def paper(markdown: str, marking: str | None = None) -> Document:
    """A hand-made paper: ``markdown`` parsed as the templates are."""
    return Document(meta(marking), parse(markdown))


SAMPLE = """\
# Title

## Recommendations

1. First *numbered* **paragraph** with ***both***

   A follow-on paragraph.

   - a bullet
     - a nested bullet

## Decision

2) lettered
   1) sub-item

### 3. Financial Comments

| Declaration | Tick |
| --- | --- |
| The officer has read it | ✓ |
"""


@pytest.fixture(scope="module")
def bundled():
    """Each bundled decision's DOCX (``out/``) read back: ``{pid: (path, Document)}``."""
    return {pid: (ROOT / "out" / f"{pid}.docx", reader.read(ROOT / "out" / f"{pid}.docx"))
            for pid in PAPERS}


# --- the page says what the paper says --------------------------------------------------

@pytest.mark.parametrize("pid", PAPERS)
def test_every_block_holds_the_text_the_markdown_and_the_docx_hold(bundled, pid):
    path, document = bundled[pid]
    page = read(write_html.render(document))
    assert page.nesting == []
    assert page.texts() == markdown_paragraphs(write_markdown.render(document))
    assert page.texts() == docx_paragraphs(path)


def test_labels_are_printed_as_in_word_and_sub_items_sit_one_level_deeper():
    page = read(write_html.render(paper(SAMPLE)))
    assert page.texts() == [
        "Title", "Recommendations", "1. First numbered paragraph with both",
        "A follow-on paragraph.", "a bullet", "a nested bullet", "Decision", "(a) lettered",
        "(i) sub-item", "3. Financial Comments", "Declaration", "Tick",
        "The officer has read it", "✓"]
    numbered = [e.attrs["class"] for e in page.named("div")]
    assert numbered == ["numbered level-1", "numbered level-1", "numbered level-2"]
    labels = [e.inner for e in page.elements if e.attrs.get("class") == "label"]
    assert labels == ["1.", "(a)", "(i)"]


def test_bullets_are_real_nested_lists():
    text = write_html.render(paper(SAMPLE))
    assert "<ul>\n<li>a bullet\n<ul>\n<li>a nested bullet</li>\n</ul>\n</li>\n</ul>" in text


def test_emphasis_is_strong_and_em_properly_nested():
    text = write_html.render(paper("*a **b** c* and **d**"))
    assert "<p><em>a <strong>b</strong> c</em> and <strong>d</strong></p>" in text


spans = st.lists(st.builds(Span, st.sampled_from(["a", "b c", " ", "", "x ", " y", "<&>"]),
                           st.booleans(), st.booleans()), max_size=8)


@given(spans=spans)
def test_any_spans_nest_properly_and_keep_their_text_and_emphasis(spans):
    page = read(write_html.render(Document(meta(), [Paragraph(spans)])))
    assert page.nesting == []
    formatted = [(c, s.bold, s.italic) for s in spans for c in s.text]
    assert "".join(c for c, _, _ in page.formats) == "".join(c for c, _, _ in formatted)
    assert [f for f in page.formats if f[0].strip()] == [f for f in formatted if f[0].strip()]


# --- text is data ----------------------------------------------------------------------

def test_text_is_escaped_everywhere_and_never_becomes_markup():
    hostile = [Span(HOSTILE)]
    document = Document(replace(meta(HOSTILE), title=HOSTILE, reference=HOSTILE,
                                organisation=HOSTILE, form_version=HOSTILE, language='en"GB'),
                        [Heading(0, hostile), Heading(1, hostile, "3"), Paragraph(hostile),
                         BulletList([[Paragraph(hostile)]]),
                         NumberedParagraph(HOSTILE, [Paragraph(hostile)]),
                         Table([hostile], [[hostile]])])
    text = write_html.render(document)
    page = read(text)
    assert "script" not in page.tags()
    assert "<script" not in text and '"x"' not in text
    assert text.count(HOSTILE_ESCAPED) >= 10
    assert page.texts() == [HOSTILE, "3. " + HOSTILE, HOSTILE, HOSTILE,
                            normalise(f"{HOSTILE} {HOSTILE}"), HOSTILE, HOSTILE]
    html_element = page.named("html")[0]
    assert html_element.attrs["lang"] == 'en"GB'  # an attribute cannot be broken out of
    assert {e.attrs.get("content") for e in page.named("meta")} >= {HOSTILE}


# --- an accessible, standalone page ----------------------------------------------------

@pytest.mark.parametrize("pid", PAPERS)
def test_headings_never_skip_a_level(bundled, pid):
    levels = [int(e.tag[1]) for e in read(write_html.render(bundled[pid][1])).elements
              if e.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


def test_a_heading_that_would_skip_a_level_is_raised_with_its_text_kept():
    document = Document(meta(), [Heading(2, [Span("Deep")], "1"), Heading(0, [Span("Title")]),
                                 Heading(2, [Span("Skipped")]), Heading(1, [Span("Part")]),
                                 Heading(2, [Span("Section")])])
    page = read(write_html.render(document))
    headings = [(e.tag, e.text) for e in page.elements if e.tag.startswith("h") and e.inside_main]
    assert headings == [("h1", "1. Deep"), ("h1", "Title"), ("h2", "Skipped"), ("h2", "Part"),
                        ("h3", "Section")]


def test_the_page_is_standalone_with_its_language_title_and_metadata_apart(bundled):
    text = write_html.render(bundled["pcd-1717"][1])
    page = read(text)
    assert text.startswith("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">")
    assert page.nesting == []
    metas = {e.attrs.get("name"): e.attrs.get("content") for e in page.named("meta")}
    assert metas == {None: None, "viewport": "width=device-width, initial-scale=1",
                     "reference": "PCD 1717", "form-version": "PCD April 2023",
                     "author": "MAYOR OF LONDON OFFICE FOR POLICING AND CRIME",
                     "date": "2024-09-23"}
    assert all(not e.inside_main for e in page.named("meta"))
    assert [e.tag for e in page.elements if e.tag in ("title", "style", "main")] == \
        ["title", "style", "main"]
    assert text.count("<title>") == 1
    assert text.split("<title>")[1].split("</title>")[0] == bundled["pcd-1717"][1].meta.title
    assert not {"script", "link", "img", "iframe", "object"} & set(page.tags())
    assert not any("src" in e.attrs or "href" in e.attrs for e in page.elements)
    assert "url(" not in text and "@import" not in text
    assert "".join(page.outside).strip() == ""  # no marking: the body is all in <main>


def test_tables_have_column_headers_and_a_tick_column_is_narrow():
    page = read(write_html.render(paper(SAMPLE + "\n| Risk | Mitigation |\n| --- | --- |\n"
                                        "| Delay | Extend the current contract |\n")))
    assert [e.attrs for e in page.named("th")] == [{"scope": "col"}] * 4
    assert [e.attrs.get("class") for e in page.named("table")] == ["ticks", None]
    assert len(page.named("thead")) == len(page.named("tbody")) == 2


@pytest.mark.parametrize("pid", PAPERS)
def test_every_header_cell_of_the_bundled_papers_is_a_column_header(bundled, pid):
    page = read(write_html.render(bundled[pid][1]))
    assert page.named("th") and all(e.attrs == {"scope": "col"} for e in page.named("th"))
    for table in page.named("table"):
        assert table.attrs.get("class") in (None, "ticks")


def test_a_protective_marking_is_a_banner_at_the_top_and_bottom_outside_the_paper():
    page = read(write_html.render(paper(SAMPLE, marking="OFFICIAL-SENSITIVE")))
    banners = [e for e in page.elements if e.attrs.get("class") == "marking"]
    assert [e.tag for e in banners] == ["header", "footer"]
    assert all(e.attrs["aria-label"] == "Protective marking" and not e.inside_main for e in banners)
    assert [t for t in page.outside if t.strip()] == ["OFFICIAL-SENSITIVE"] * 2
    tags = page.tags()
    assert tags.index("header") < tags.index("main") < tags.index("footer")
    assert "OFFICIAL-SENSITIVE" not in page.texts()


@pytest.mark.parametrize("pid", PAPERS)
def test_the_same_document_gives_the_same_bytes_ending_with_one_newline(bundled, pid):
    path, document = bundled[pid]
    first = write_html.render(document)
    assert write_html.render(document) == first
    assert write_html.render(reader.read(path)) == first  # read again: the same page
    assert first.endswith("</html>\n") and not first.endswith("\n\n")
