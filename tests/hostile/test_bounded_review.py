"""Bounded review: what a reviewer's command reads or computes has a limit.

Each test reproduces an attack from the hostile review (issue 13) first:
a zip bomb given to ``textconv`` (1.5 MB that took 3.1 GB), and a redline
of about 500 changed paragraphs on each side that took 237 s.  Timing
targets live in ``benchmarks/redline_time.py``; here only the amount of work
(comparisons) is bounded, so the tests are never flaky.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from decision_papers.document.model import Document, Metadata, Paragraph, Span
from decision_papers.review import redline
from decision_papers.word import archive, reader
from support import ROOT, run

EXAMPLE_DOCX = ROOT / "out" / "pcd-1717.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _repack(target, replace: dict[str, bytes], stored: bool = False) -> None:
    """The example DOCX with some members' bytes replaced, and new members added."""
    replace = dict(replace)
    with zipfile.ZipFile(EXAMPLE_DOCX) as src, zipfile.ZipFile(
            target, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.pop(info.filename, src.read(info.filename)))
        for name, data in replace.items():  # new members
            dst.writestr(name, data)


# --- zip bombs ------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working directory


def test_textconv_refuses_a_zip_bomb_before_expanding_it(tmp_path):
    with zipfile.ZipFile(EXAMPLE_DOCX) as zipped:
        document = zipped.read("word/document.xml")
    # 20 MB of blank space inside the body: still a valid paper, about 20 kB zipped
    padded = document.replace(b"</w:body>", b" " * 20_000_000 + b"</w:body>")
    bomb = Path("bomb.docx")
    _repack(bomb, {"word/document.xml": padded})
    assert bomb.stat().st_size < 100_000
    result = run("textconv", bomb)
    assert result.code == 1
    assert result.out == ""
    size = len(padded)
    with zipfile.ZipFile(bomb) as zipped:
        packed = zipped.getinfo("word/document.xml").compress_size
    assert result.err == (
        f"{bomb}: error: refused: word/document.xml would expand from {packed:,} to "
        f"{size:,} bytes ({size // packed:,} times); a Word paper's parts expand at most "
        f"{archive.MAX_RATIO} times, so this looks like a zip bomb.\n")


def test_textconv_refuses_a_docx_larger_than_any_paper_once_expanded(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MAX_TOTAL", 50_000)  # the lean paper expands to ~60 KB
    stored = Path("stored.docx")
    _repack(stored, {}, stored=True)  # ratio 1: only the total gives it away
    with zipfile.ZipFile(stored) as zipped:
        total = sum(i.file_size for i in zipped.infolist())
    assert total > 50_000
    result = run("textconv", stored)
    assert result.code == 1
    assert result.err == (
        f"{stored}: error: refused: its parts would expand to {total:,} bytes, more than the "
        "50,000 a Word paper can need, so this looks like a zip bomb.\n")


def test_textconv_refuses_an_archive_of_too_many_parts(tmp_path):
    crowded = Path("crowded.docx")
    _repack(crowded, {f"customXml/item{n}.xml": b"<a/>" for n in range(archive.MAX_PARTS)})
    result = run("textconv", crowded)
    assert result.code == 1
    assert result.err == (
        f"{crowded}: error: refused: it has {archive.MAX_PARTS + 13:,} parts; a Word paper "
        f"has at most {archive.MAX_PARTS:,}.\n")


def test_the_limits_leave_room_for_the_largest_paper():
    # a 2 MB source (the most load() accepts) gives a DOCX of about 8 MB expanded, whose
    # most compressible part (17,000 identical paragraphs) expands about 230 times
    assert archive.MAX_TOTAL >= 4 * 8_000_000
    assert archive.MAX_RATIO >= 2 * 230
    with zipfile.ZipFile(EXAMPLE_DOCX) as zipped:
        archive.check_archive(zipped)  # the bundled paper passes


def test_a_bomb_given_as_bytes_is_refused_too():
    with zipfile.ZipFile(EXAMPLE_DOCX) as zipped:
        document = zipped.read("word/document.xml")
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as dst, \
            zipfile.ZipFile(EXAMPLE_DOCX) as src:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename) if info.filename !=
                         "word/document.xml" else document + b" " * 40_000_000)
    with pytest.raises(archive.Refused, match="looks like a zip bomb"):
        reader.read(io.BytesIO(data.getvalue()))


# --- redline work is near-linear ------------------------------------------------------------

WHEN = dt.datetime(2024, 9, 23)
WORDS = ("policing crime contract variation budget approval officer mayor london grant "
         "funding total value extension services delivery review panel board the of and").split()


def _paper(texts: list[str]) -> Document:
    return Document(Metadata("A paper", "PCD 1", "PCD April 2023", "MOPAC", WHEN.date(), WHEN),
                    [Paragraph([Span(t)]) for t in texts])


def _text(n: int) -> str:
    """Paragraph ``n``: two words of its own and 25 common ones, like real prose."""
    words = [WORDS[(n * 7 + k * k) % len(WORDS)] for k in range(25)]
    return " ".join([f"item{n}", f"clause{n}", *words]) + "."


def _edited(text: str) -> str:
    words = text.split()
    words[5] = "amended"
    return " ".join(words)


@pytest.fixture
def counted(monkeypatch):
    """Count the word-by-word comparisons the redline makes (the expensive step)."""
    calls = {"n": 0}
    similarity = redline._similarity

    def counting(a, b):
        calls["n"] += 1
        if calls["n"] > calls.get("budget", float("inf")):
            raise AssertionError(f"more than {calls['budget']:,} comparisons")
        return similarity(a, b)

    monkeypatch.setattr(redline, "_similarity", counting)
    return calls


def _paragraph_marks(data: bytes) -> tuple[int, int, int]:
    """(inserted paragraphs, deleted paragraphs, paragraphs with changed words)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        body = etree.fromstring(zipped.read("word/document.xml")).find(f"{W}body")
    inserted = deleted = edited = 0
    for paragraph in body.iter(f"{W}p"):
        mark = paragraph.find(f"{W}pPr/{W}rPr")
        if mark is not None and mark.find(f"{W}ins") is not None:
            inserted += 1
        elif mark is not None and mark.find(f"{W}del") is not None:
            deleted += 1
        elif paragraph.find(f"{W}ins") is not None or paragraph.find(f"{W}del") is not None:
            edited += 1
    return inserted, deleted, edited


def test_redline_of_2000_edited_paragraphs_pairs_every_edit_in_near_linear_work(counted):
    # every paragraph edited (so nothing is unchanged to anchor on), one inserted, one deleted:
    # one changed stretch of 2,000 × 2,000 units
    n = 2000
    old = [_text(k) for k in range(n)]
    new = [_edited(t) for t in old]
    new.insert(700, "A paragraph that was not there before, about something else entirely.")
    del new[1501]
    counted["budget"] = 20 * (len(old) + len(new))  # was n × n = 4,000,000 (or none at all)
    data = redline.render(_paper(old), _paper(new))
    assert _paragraph_marks(data) == (1, 1, n - 1)
    assert counted["n"] <= counted["budget"]


def test_redline_of_500_changed_paragraphs_each_side_is_bounded(counted):
    # the reported case: ~500 changed paragraphs on each side between unchanged ones
    n = 1000
    old = [_text(k) for k in range(n)]
    new = [_edited(t) if 250 <= k < 750 else t for k, t in enumerate(old)]
    del new[500]  # so the stretch is 500 × 499, not replaced one for one
    counted["budget"] = 20 * 999  # was 500 × 499 = 249,500 comparisons (237 s reported)
    data = redline.render(_paper(old), _paper(new))
    assert _paragraph_marks(data) == (0, 1, 499)


def test_redline_anchors_on_unchanged_paragraphs_and_pairs_moved_edits(counted):
    old = [_text(k) for k in range(300)]
    new = list(old)
    new[10], new[200] = _edited(new[10]), _edited(new[200])
    moved = new.pop(50)
    new.insert(250, moved)  # a paragraph moved: deleted at 50, inserted at 250
    counted["budget"] = 20 * 600
    data = redline.render(_paper(old), _paper(new))
    assert _paragraph_marks(data) == (1, 1, 2)


def _aligned(old: list[str], new: list[str]) -> list[tuple]:
    pairs = redline.align(redline.flatten(_paper(old)), redline.flatten(_paper(new)))
    return [(o and o.spans[0].text, n and n.spans[0].text) for o, n in pairs]


def test_unchanged_units_are_matched_in_order_with_repeated_keys():
    # equal ends first (as git does), then what is left
    assert _aligned(["same", "a", "same", "b", "same"],
                    ["same", "a", "same", "c", "same", "same"]) == [
        ("same", "same"), ("a", "a"), ("same", "same"), ("b", None), (None, "c"),
        (None, "same"), ("same", "same")]
    # no unit occurs once on each side: repeated units are still matched, in order,
    # and what is between them is replaced one for one
    assert _aligned(["x", "same", "y", "same", "z"], ["w", "same", "v", "same", "u"]) == [
        ("x", "w"), ("same", "same"), ("y", "v"), ("same", "same"), ("z", "u")]
