"""Part 2 never reaches a Part 1 output; publication follows approval and deferral."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import docx
import pytest

from support import EXAMPLE, MINIMAL, run

CANARIES = ["CANARY-BASIS-7f3a", "CANARY-REASON-91bc", "CANARY-PARA-55e0", "CANARY-BULLET-0d1e",
            "CANARY-ANNEX-TITLE-c4a2", "CANARY-ANNEX-PARA-6b19", "987,654.32", "987654.32"]


def part2(markers: list[str] = CANARIES, amount: str = "987654.32") -> dict:
    basis, reason, para, bullet, annex_title, annex_para = markers[:6]
    return {
        "exemption": {"basis": f"FOIA section 43(2) {basis}", "reason": f"Commercial {reason}."},
        "paragraphs": [f"The lowest bid was {{part2.figures.lowest_bid}} {para}.\n- {bullet}"],
        "figures": {"lowest_bid": json.loads(amount)},
        "annexes": [{"title": f"Bids {annex_title}", "paragraphs": [f"Scores {annex_para}."]}],
    }


def write_source(folder: Path, confidential: dict | None, base: Path = EXAMPLE) -> Path:
    data = json.loads(base.read_text(encoding="utf-8"))
    if confidential is not None:
        data["part2"] = confidential
        data["publication"]["part2"] = True
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "paper.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def every_entry(path: Path) -> list[tuple[str, bytes]]:
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as archive:
            return [(f"{path.name}:{n}", archive.read(n)) for n in archive.namelist()]
    return [(path.name, path.read_bytes())]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("confidential")
    source = write_source(root / "src", part2())
    result = run(source, "--out", root / "out", "--part2", root / "part2")
    assert result.code == 0, result.err
    return root


def test_canary_markers_never_reach_any_part1_output(built):
    outputs = sorted((built / "out").iterdir())
    assert [p.name for p in outputs] == ["pcd-1717.docx", "pcd-1717.figures.json", "pcd-1717.md"]
    for path in outputs:
        for name, data in every_entry(path):
            for marker in CANARIES:
                for encoding in ("utf-8", "utf-16-le"):
                    assert marker.encode(encoding) not in data, f"{marker} leaked into {name}"
    text = (built / "out" / "pcd-1717.md").read_text(encoding="utf-8")
    assert "Is there a Part 2 form? **YES**" in text  # Part 1 says only that it exists


def test_the_canaries_are_in_the_part2_paper_so_the_search_would_find_them(built):
    entries = every_entry(built / "part2" / "pcd-1717.part2.docx")
    body = b"".join(data for name, data in entries if name.endswith("document.xml"))
    for marker in CANARIES[:6] + ["987,654.32"]:
        assert marker.encode() in body
    assert "£987,654.32" in (built / "part2" / "pcd-1717.part2.md").read_text(encoding="utf-8")


def test_part2_is_marked_confidential_on_every_page(built):
    document = docx.Document(built / "part2" / "pcd-1717.part2.docx")
    section = document.sections[0]
    assert section.header.paragraphs[0].text.startswith("CONFIDENTIAL – PART 2 – NOT FOR PUBLICATION")
    assert section.footer.paragraphs[0].text.startswith("CONFIDENTIAL – PART 2 – NOT FOR PUBLICATION")
    assert document.core_properties.title.startswith("Part 2: ")
    md = (built / "part2" / "pcd-1717.part2.md").read_text(encoding="utf-8")
    assert 'marking: "CONFIDENTIAL – PART 2 – NOT FOR PUBLICATION"' in md
    assert "**Basis:** FOIA section 43(2) CANARY-BASIS-7f3a" in md


def test_changing_only_part2_leaves_part1_byte_identical(tmp_path):
    first = write_source(tmp_path / "a", part2())
    other = ["OTHER-1", "OTHER-2", "OTHER-3", "OTHER-4", "OTHER-5", "OTHER-6"]
    second = write_source(tmp_path / "b", part2(other, "1.5"))
    for source, out in ((first, "out-a"), (second, "out-b")):
        assert run(source, "--out", tmp_path / out, "--part2", tmp_path / f"p2-{out}").code == 0
    for name in ("pcd-1717.docx", "pcd-1717.md", "pcd-1717.figures.json"):
        assert (tmp_path / "out-a" / name).read_bytes() == (tmp_path / "out-b" / name).read_bytes()
    assert (tmp_path / "p2-out-a" / "pcd-1717.part2.md").read_bytes() != \
        (tmp_path / "p2-out-b" / "pcd-1717.part2.md").read_bytes()


def test_part2_is_built_only_when_asked_and_never_into_the_published_folder(tmp_path):
    source = write_source(tmp_path / "src", part2())
    result = run(source, "--out", tmp_path / "out")
    assert result.code == 0
    assert not list((tmp_path / "out").glob("*part2*"))
    refused = run(source, "--out", tmp_path / "out", "--part2", tmp_path / "out")
    assert refused.code == 2
    assert refused.err.startswith("error: Part 2 papers are confidential: give --part2 a folder")


ALLOWED_PARTS = {
    "[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "word/_rels/document.xml.rels",
    "word/document.xml", "word/fontTable.xml", "word/footer1.xml", "word/header1.xml",
    "word/numbering.xml", "word/settings.xml", "word/styles.xml", "word/theme/theme1.xml",
    "word/webSettings.xml",
}
ALLOWED_CORE = {"title", "subject", "creator", "keywords", "description", "lastModifiedBy",
                "revision", "created", "modified", "category", "language"}


def test_part1_docx_holds_only_the_intended_parts_and_properties(built):
    path = built / "out" / "pcd-1717.docx"
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        xml = {n: archive.read(n).decode("utf-8") for n in names}
    assert names == ALLOWED_PARTS
    for name, text in xml.items():
        for forbidden in ("<w:vanish", "<w:ins ", "<w:del ", "<w:comment", "w:rsid", "docId"):
            assert forbidden not in text, f"{forbidden} in {name}"
    core = xml["docProps/core.xml"]
    elements = set(re.findall(r"<(?:\w+):(\w+)[ >/]", core)) - {"coreProperties"}
    assert elements <= ALLOWED_CORE
    props = docx.Document(path).core_properties
    assert (props.author, props.last_modified_by) == ("MAYOR OF LONDON OFFICE FOR POLICING AND CRIME",) * 2
    assert (props.keywords, props.comments, props.category) == ("", "", "")
    assert props.subject == "PCD 1717" and props.revision == 1


def test_part1_prose_cannot_print_a_part2_figure(tmp_path):
    confidential = part2()
    source = write_source(tmp_path, confidential)
    data = json.loads(source.read_text(encoding="utf-8"))
    data["part1"]["financial"][0] = "The lowest bid was {part2.figures.lowest_bid}."
    source.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = run(source, "--out", tmp_path / "out")
    assert result.code == 1
    assert '"{part2.figures.lowest_bid}" is a confidential Part 2 figure; Part 1 can only say ' \
           "that a Part 2 form exists." in result.err
    assert not (tmp_path / "out").exists()


def test_the_part2_question_must_match_the_source(tmp_path):
    source = write_source(tmp_path, part2())
    data = json.loads(source.read_text(encoding="utf-8"))
    data["publication"]["part2"] = False
    source.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = run(source, "--out", tmp_path / "out")
    assert result.code == 1
    assert "error [part2]: the source has Part 2 material, but publication.part2 says there " \
           "is no Part 2 form." in result.err


def test_part2_needs_its_exemption(tmp_path):
    confidential = part2()
    del confidential["exemption"]
    result = run(write_source(tmp_path, confidential), "--out", tmp_path / "out")
    assert result.code == 1
    assert '$.part2: error [schema]: the required field "exemption" is missing.' in result.err


def make_decision(folder: Path, pid: str, status: str, approved: str | None,
                  deferred_until: str | None, confidential: bool = False) -> Path:
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["id"], data["status"] = pid, status
    if approved:
        data["approval"]["date"] = approved
    if deferred_until:
        data["publication"].update(deferred=True, reason="Until the tender is published",
                                   until=deferred_until)
    if confidential:
        data["part2"] = part2()
        data["publication"]["part2"] = True
    path = folder / f"{pid}.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def test_publish_releases_approved_papers_whose_deferral_has_ended(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "decisions"
    folder.mkdir()
    sources = [
        make_decision(folder, "a-open", "approved", "2024-09-12", None, confidential=True),
        make_decision(folder, "b-deferred", "approved", "2024-09-12", "2024-12-01"),
        make_decision(folder, "c-ended", "approved", "2024-09-12", "2024-10-01"),
        make_decision(folder, "d-draft", "draft", None, None),
        make_decision(folder, "e-later", "approved", "2025-01-10", None),
    ]
    result = run("publish", "--as-of", "2024-11-01", tmp_path / "site", *sources)
    assert "held back a-open: a-open is approved but has no record yet\n" in result.out
    for pid in ("a-open", "b-deferred", "c-ended", "e-later"):
        assert run("approve", pid).code == 0
    result = run("publish", "--as-of", "2024-11-01", tmp_path / "site", *sources)
    assert result.code == 0, result.err
    assert result.out == (
        "published a-open: a-open.docx, a-open.figures.json, a-open.md\n"
        "held back b-deferred: publication is deferred until 1 December 2024\n"
        "published c-ended: c-ended.docx, c-ended.figures.json, c-ended.md\n"
        "held back d-draft: it is a draft\n"
        "held back e-later: it is approved only from 10 January 2025\n")
    published = sorted(p.name for p in (tmp_path / "site").iterdir())
    assert published == ["a-open.docx", "a-open.figures.json", "a-open.md",
                         "c-ended.docx", "c-ended.figures.json", "c-ended.md"]
    for path in (tmp_path / "site").iterdir():
        for name, data in every_entry(path):
            assert b"CANARY" not in data, name


def test_publish_needs_a_real_date(tmp_path):
    result = run("publish", "--as-of", "2024-02-30", tmp_path / "site")
    assert result.code == 2
    assert "'2024-02-30' is not a real date (day is out of range for month)" in result.err
