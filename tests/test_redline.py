"""The redline: every difference between two papers as a native Word tracked change.

Checked on the XML itself (what is inside each ``w:del``/``w:ins``), by
accepting and rejecting all changes (which must give back the new and the
old paper exactly), and by LibreOffice opening the file.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

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
from decision_papers.pipeline import build_one
from decision_papers.review import redline
from decision_papers.word import reader
from decision_papers.word.archive import normalise_docx
from decision_papers.writers import docx as write_docx
from support import examples

ROOT = Path(__file__).resolve().parent.parent
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
WHEN = dt.datetime(2024, 9, 23, 14, 5, 9)


def w(tag: str) -> str:
    """Clark name of a WordprocessingML tag."""
    return f"{{{W}}}{tag}"


# --- building and reading documents -------------------------------------------------------

def meta(date: dt.datetime = WHEN) -> Metadata:
    """Metadata for a hand-made paper."""
    return Metadata("A paper", "PCD 1", "PCD April 2023", "MOPAC", date.date(), date)


def doc(*blocks) -> Document:
    """A hand-made paper."""
    return Document(meta(), list(blocks))


def p(*texts) -> Paragraph:
    """A paragraph; ``"**x**"`` pieces are bold."""
    return Paragraph([Span(t[2:-2], bold=True) if t.startswith("**") else Span(t) for t in texts])


def body(data: bytes):
    """The ``w:body`` of a DOCX's main part."""
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        root = etree.fromstring(zipped.read("word/document.xml"))
    return root.find(w("body"))


def _text(element) -> str:
    out = []
    for node in element.iter(w("t"), w("delText"), w("tab")):
        out.append("\t" if node.tag == w("tab") else node.text or "")
    return "".join(out)


def changes(data: bytes, kind: str) -> list[str]:
    """Text of each ``w:ins``/``w:del`` that holds runs, in document order."""
    return [_text(e) for e in body(data).iter(w(kind)) if e.find(w("r")) is not None]


def marks(data: bytes) -> list:
    """Every revision element (runs, paragraph marks, rows, style changes) in document order."""
    return list(body(data).iter(w("ins"), w("del"), w("pPrChange")))


def _mark(paragraph, kind: str) -> bool:
    return paragraph.find(f"w:pPr/w:rPr/w:{kind}", NS) is not None


def _runs(paragraph, drop: str) -> list[tuple[str, bool, bool]]:
    """Merged (text, bold, italic) runs, leaving out runs inside ``w:{drop}``."""
    found: list[tuple[str, bool, bool]] = []
    for run in paragraph.iter(w("r")):
        if run.getparent().tag == w(drop):
            continue
        bold = run.find("w:rPr/w:b", NS) is not None
        italic = run.find("w:rPr/w:i", NS) is not None
        text = _text(run)
        if found and found[-1][1:] == (bold, italic):
            found[-1] = (found[-1][0] + text, bold, italic)
        elif text:
            found.append((text, bold, italic))
    return found


def _style(paragraph, rejected: bool) -> str | None:
    change = paragraph.find("w:pPr/w:pPrChange/w:pPr", NS)
    if rejected and change is not None:
        style = change.find("w:pStyle", NS)
        return None if style is None else style.get(w("val"))
    style = paragraph.find("w:pPr/w:pStyle", NS)
    return None if style is None else style.get(w("val"))


def resolved(data: bytes, accept: bool) -> list:
    """The paragraphs (style, runs) left after accepting or rejecting every change.

    Accepting drops deleted text, paragraphs and rows; rejecting drops
    inserted ones and puts old styles back.  A paper with no changes reads
    the same either way.
    """
    gone = "del" if accept else "ins"
    out = []
    for paragraph in body(data).iter(w("p")):
        row = next(paragraph.iterancestors(w("tr")), None)
        if row is not None and row.find(f"w:trPr/w:{gone}", NS) is not None:
            continue
        if _mark(paragraph, gone):
            continue
        out.append((_style(paragraph, not accept), _runs(paragraph, gone)))
    return out


# --- small hand-made papers ----------------------------------------------------------------

def test_changed_words_only_are_marked():
    old = doc(p("The total cost is £26,065 this year."))
    new = doc(p("The total cost is £26,565 this month."))
    data = redline.render(old, new)
    assert changes(data, "del") == ["£26,065", "year."]
    assert changes(data, "ins") == ["£26,565", "month."]


def test_adjacent_changed_words_are_one_change():
    data = redline.render(doc(p("keep a b c keep")), doc(p("keep x y z keep")))
    assert changes(data, "del") == ["a b c"]
    assert changes(data, "ins") == ["x y z"]


def test_identical_papers_have_no_tracked_changes():
    paper = doc(Heading(0, [Span("Title")]), p("Hello ", "**world**"),
                NumberedParagraph("1.", [p("One"), BulletList([[p("a")], [p("b")]])]),
                Table([[Span("H")], [Span("T")]], [[[Span("x")], [Span("✓")]]]))
    data = redline.render(paper, copy.deepcopy(paper))
    assert marks(data) == []
    assert resolved(data, accept=True) == resolved(write_docx.render(paper), accept=True)


def test_inserted_and_deleted_paragraphs_mark_their_paragraph_marks():
    old = doc(p("first"), p("gone"), p("last"))
    new = doc(p("first"), p("last"), p("added ", "**bold**"))
    data = redline.render(old, new)
    assert changes(data, "del") == ["gone"]
    assert changes(data, "ins") == ["added bold"]
    paragraphs = list(body(data).iter(w("p")))
    assert [_mark(q, "del") for q in paragraphs] == [False, True, False, False]
    assert [_mark(q, "ins") for q in paragraphs] == [False, False, False, True]
    inserted = body(data).find(".//w:ins/w:r/w:rPr/w:b/../..", NS)
    assert _text(inserted) == "bold"  # formatting of spans is kept


def test_deleted_text_is_in_deltext_never_t():
    data = redline.render(doc(p("one two"), p("three")), doc(p("one")))
    deletions = [e for e in body(data).iter(w("del")) if e.find(w("r")) is not None]
    assert deletions
    for deletion in deletions:
        assert deletion.find(".//w:t", NS) is None
        assert deletion.find(".//w:delText", NS) is not None
    assert all(t.getparent().getparent().tag == w("del") for t in body(data).iter(w("delText")))


def test_revisions_have_increasing_ids_author_and_date():
    old = doc(Heading(1, [Span("Old heading")]), p("a b"), BulletList([[p("x")]]))
    new = doc(Heading(1, [Span("New heading")]), p("a c"), p("x"), p("more"))
    data = redline.render(old, new)
    found = marks(data)
    assert len(found) >= 6
    assert [int(m.get(w("id"))) for m in found] == list(range(1, len(found) + 1))
    assert {m.get(w("author")) for m in found} == {"decision-papers"}
    assert {m.get(w("date")) for m in found} == {"2024-09-23T14:05:09Z"}
    other = redline.render(old, new, author="J. Reviewer",
                           date=dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    assert {m.get(w("author")) for m in marks(other)} == {"J. Reviewer"}
    assert {m.get(w("date")) for m in marks(other)} == {"2025-01-02T02:04:05Z"}


def test_renumbering_shows_as_changed_labels_only():
    old = doc(NumberedParagraph("3.1", [p("Alpha text.")]), NumberedParagraph("3.2", [p("Beta text.")]),
              NumberedParagraph("3.3", [p("Gamma text.")]))
    new = doc(NumberedParagraph("3.1", [p("Alpha text.")]), NumberedParagraph("3.2", [p("New text.")]),
              NumberedParagraph("3.3", [p("Beta text.")]), NumberedParagraph("3.4", [p("Gamma text.")]))
    data = redline.render(old, new)
    assert changes(data, "ins") == ["3.2\tNew text.", "3.3\t", "3.4\t"]
    assert changes(data, "del") == ["3.2\t", "3.3\t"]


def test_style_change_is_a_tracked_formatting_change():
    old = doc(BulletList([[p("Same words")]]))
    new = doc(p("Same words"))
    data = redline.render(old, new)
    assert changes(data, "ins") == changes(data, "del") == []
    change = body(data).find(".//w:pPrChange/w:pPr/w:pStyle", NS)
    assert change.get(w("val")) == "ListBullet"


def test_table_with_same_rows_is_diffed_cell_by_cell():
    header = [[Span("Declaration")], [Span("Tick")]]
    old = doc(Table(header, [[[Span("Legal advice is not required.")], [Span("N/A")]],
                             [[Span("Finance consulted.")], [Span("✓")]]]))
    new = doc(Table(header, [[[Span("Legal advice is required.")], [Span("✓")]],
                             [[Span("Finance consulted.")], [Span("✓")]]]))
    data = redline.render(old, new)
    assert changes(data, "del") == ["not ", "N/A"]
    assert changes(data, "ins") == ["✓"]
    assert body(data).find(".//w:trPr/w:ins", NS) is None
    assert body(data).find(".//w:trPr/w:del", NS) is None
    assert len(body(data).findall("w:tbl", NS)) == 1


def test_table_rows_added_and_removed_are_whole_row_changes():
    header = [[Span("Declaration")], [Span("Tick")]]
    rows = [[[Span(f"Row {n} text")], [Span("✓")]] for n in range(4)]
    old = doc(Table(header, rows))
    new = doc(Table(header, [rows[0], rows[2], rows[3], [[Span("Brand new row")], [Span("N/A")]]]))
    data = redline.render(old, new)
    assert changes(data, "del") == ["Row 1 text", "✓"]
    assert changes(data, "ins") == ["Brand new row", "N/A"]
    tables = body(data).findall("w:tbl", NS)
    assert len(tables) == 1
    rows_xml = tables[0].findall("w:tr", NS)
    assert len(rows_xml) == 6
    assert rows_xml[0].find("w:trPr/w:tblHeader", NS) is not None
    assert [r.find("w:trPr/w:del", NS) is not None for r in rows_xml] == [0, 0, 1, 0, 0, 0]
    assert [r.find("w:trPr/w:ins", NS) is not None for r in rows_xml] == [0, 0, 0, 0, 0, 1]


# --- accepting everything gives the new paper, rejecting everything the old one -----------

WORDS = st.sampled_from(["the", "cost", "is", "£26,065", "£26,565", "VRU", "MOPAC", "to", "a"])
SPANS = st.lists(st.builds(Span, st.lists(WORDS, min_size=1, max_size=4).map(" ".join),
                           st.booleans(), st.booleans()), min_size=1, max_size=3)
PARAGRAPHS = st.builds(Paragraph, SPANS)
BULLETS = st.builds(BulletList, st.lists(PARAGRAPHS.map(lambda q: [q]), min_size=1, max_size=3))
BLOCKS = st.one_of(
    PARAGRAPHS,
    st.builds(Heading, st.integers(1, 2), SPANS, st.sampled_from([None, "2", "3"])),
    st.builds(NumberedParagraph, st.sampled_from(["1.", "2.", "3.1"]),
              st.tuples(PARAGRAPHS, st.lists(st.one_of(PARAGRAPHS, BULLETS), max_size=2))
              .map(lambda t: [t[0], *t[1]])),
    BULLETS,
    st.builds(lambda rows: Table([[Span("Statement")], [Span("Tick")]], rows),
              st.lists(st.tuples(SPANS, st.sampled_from([[Span("✓")], [Span("N/A")]]))
                       .map(list), max_size=3)),
)
PAPERS = st.lists(BLOCKS, max_size=5).map(lambda blocks: doc(*blocks))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PAPERS, PAPERS)
def test_accept_all_gives_new_and_reject_all_gives_old(old, new):
    data = redline.render(old, new)
    assert resolved(data, accept=True) == resolved(write_docx.render(new), accept=True)
    assert resolved(data, accept=False) == resolved(write_docx.render(old), accept=True)


# --- the bundled paper -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def paper(tmp_path_factory) -> Document:
    """The bundled paper, built and read back from its DOCX."""
    built = build_one(ROOT / "decisions" / "pcd-1717.json")
    assert not built.failed
    path = tmp_path_factory.mktemp("paper") / "pcd-1717.docx"
    path.write_bytes(built.outputs["pcd-1717.docx"])
    return reader.read(path)  # takes a path: it calls str() on its argument


NEW_PARAGRAPH = "The contract will be reviewed again in "
BULLET = ("A requirement for tenderers to declare that the Tender content, price or any other "
          "figure or particulars concerning the Tender have not been disclosed by the tenderer "
          "to any other party (except where such a disclosure is made in confidence for a "
          "necessary purpose).")


def numbered(document: Document, label: str) -> NumberedParagraph:
    """The numbered paragraph with ``label``."""
    return next(b for b in document.blocks if isinstance(b, NumberedParagraph) and b.label == label)


@pytest.fixture(scope="module")
def edited(paper) -> Document:
    """The bundled paper with one figure changed, one bullet gone and one paragraph added."""
    new = copy.deepcopy(paper)
    first = numbered(new, "3.1").blocks[0]
    assert "£26,065" in first.spans[0].text
    first.spans[0] = Span(first.spans[0].text.replace("£26,065", "£26,565"))
    bullets = numbered(new, "5.7").blocks[1]
    assert bullets.items[1][0].spans[0].text == BULLET
    del bullets.items[1]
    at = new.blocks.index(numbered(new, "3.3")) + 1
    new.blocks.insert(at, NumberedParagraph("3.4", [p(NEW_PARAGRAPH, "**March 2025**", ".")]))
    return new


def test_bundled_paper_changes_are_exactly_the_edits(paper, edited):
    data = redline.render(paper, edited)
    assert changes(data, "del") == ["£26,065", BULLET]
    assert changes(data, "ins") == ["£26,565", f"3.4\t{NEW_PARAGRAPH}March 2025."]
    assert resolved(data, accept=True) == resolved(write_docx.render(edited), accept=True)
    assert resolved(data, accept=False) == resolved(write_docx.render(paper), accept=True)


def test_bundled_paper_against_itself_has_no_changes(paper):
    assert marks(redline.render(paper, copy.deepcopy(paper))) == []


def test_redline_is_deterministic(paper, edited):
    first = normalise_docx(redline.render(paper, edited))
    second = normalise_docx(redline.render(copy.deepcopy(paper), copy.deepcopy(edited)))
    assert first == second


def test_redline_keeps_the_papers_page_and_properties(paper, edited):
    data = redline.render(paper, edited)
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        plain_paper = zipfile.ZipFile(io.BytesIO(write_docx.render(edited)))
        for part in ("word/styles.xml", "docProps/core.xml", "word/header1.xml", "word/footer1.xml"):
            if part in plain_paper.namelist():
                assert zipped.read(part) == plain_paper.read(part), part


needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None and not os.environ.get("CI"),
                                   reason="LibreOffice (soffice) is not installed")


def soffice(tmp_path: Path, source: Path, target: str) -> Path:
    """Convert ``source`` with LibreOffice headless; return the converted file."""
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", target, "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    converted = tmp_path / f"{source.stem}.{target.split(':')[0]}"
    assert converted.exists() and converted.stat().st_size > 0, result.stdout + result.stderr
    return converted


@needs_soffice
def test_libreoffice_opens_the_redline(tmp_path, paper, edited):
    source = tmp_path / "redline.docx"
    source.write_bytes(normalise_docx(redline.render(paper, edited)))
    pdf = soffice(tmp_path, source, "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = soffice(tmp_path, source, "txt:Text").read_text("utf-8-sig")
    assert "£26,565" in text
    assert f"3.4\t{NEW_PARAGRAPH}March 2025." in text


@needs_soffice
def test_libreoffice_lists_every_change_as_a_tracked_change(tmp_path, paper, edited):
    source = tmp_path / "redline.docx"
    source.write_bytes(normalise_docx(redline.render(paper, edited)))
    with zipfile.ZipFile(source) as zipped:
        body = zipped.read("word/document.xml").decode("utf-8")
    deleted = [t for t in re.findall(r"<w:delText[^>]*>([^<]*)</w:delText>", body) if t.strip()]
    odt = soffice(tmp_path, source, "odt")
    with zipfile.ZipFile(odt) as zipped:
        content = zipped.read("content.xml").decode("utf-8")
    # LibreOffice merges neighbouring changes into one region, so compare content, not counts
    regions = re.findall(r"<text:changed-region.*?</text:changed-region>", content, re.S)
    removed = " ".join(re.sub(r"<[^>]+>", "", r) for r in regions if "<text:deletion>" in r)
    assert deleted and all(word in removed for word in deleted)
    assert sum("<text:insertion>" in r for r in regions) >= 2
