"""Every reviewer feature works for every form: one test per feature and bundled decision.

The three form packs each have an example decision in ``decisions/``: the
approved PCD 1717 (``pcd-april-2023``), the draft Mayoral Decision MD3311
(``gla-md-2024``) and the draft key decision record KDR 2025/014
(``council-kdr-2024``).  For each, in a temporary git repository holding
only that decision, built and committed as a user would (``project``), the
tests run the commands a reviewer types: ``diff``, ``diff --redline``,
``textconv`` (alone and as git's diff driver), ``publish`` and a ``--part2``
build, and check what each prints and writes.

A change to a source is made on a copy (json load, modify, dump); the
bundled sources are never touched.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import docx
import pytest
from docx.oxml.ns import qn

from support import ROOT, git, new_project_repo, run


@dataclass(frozen=True)
class Form:
    """A bundled decision, and what each reviewer feature must show for it."""

    id: str
    change: Callable[[dict], None]
    """Changes one printed figure in a copy of the source."""
    figures: list[str]
    """What ``diff`` says about that change, line by line."""
    deleted: list[str]
    inserted: list[str]
    """The text of each tracked deletion and insertion in the redline of that change."""
    heading: str
    row: str
    """The form's own heading line, and a row of one of its tables, as textconv prints them."""
    approval_date: str
    as_of: str
    """An approval date the form's sign-off order allows, and a day to publish on after it."""
    reference: str
    part2_question: str
    """The paper's reference, and the line of its Part 1 saying there is a Part 2 form."""


def _pcd(data: dict) -> None:
    data["contracts"]["vru"]["previous_value"] = 69760


def _md(data: dict) -> None:
    data["figures"]["households"]["count"] = 6500


def _kdr(data: dict) -> None:
    data["figures"]["extension"]["duration"] = {"years": 2}


PCD = Form(
    id="pcd-1717", change=_pcd,
    figures=[
        "pcd-1717: 3 figures changed",
        "  contracts.vru.new_value: £83,820 → £84,320 (executive summary paragraph 2, "
        "recommendation 1, paragraph 5.1)",
        "  contracts.vru.previous_value: £69,260 → £69,760 (paragraph 5.1)",
        "  total value of the contracts: £111,845 → £112,345 (executive summary paragraph 3, "
        "recommendation 1, paragraphs 3.1 and 5.1)"],
    deleted=["£83,820.", "£111,845.", "£111,845", "£83,820.", "£111,845", "£69,260", "£83,820",
             "£111,845."],
    inserted=["£84,320.", "£112,345.", "£112,345", "£84,320.", "£112,345", "£69,760",
              "£84,320", "£112,345."],
    heading="**DMPC Decision – PCD 1717**",
    row="| **Financial Advice:** The Strategic Finance and Resource Management Team has been "
        "consulted on this proposal. | ✓ |",
    approval_date="2024-09-23", as_of="2024-11-01",
    reference="PCD 1717", part2_question="Is there a Part 2 form? **YES**")

MD = Form(
    id="md-3311", change=_md,
    figures=["md-3311: 1 figure changed",
             "  households advised a year: 6,000 → 6,500 (paragraph 2.1)"],
    deleted=["6,000"], inserted=["6,500"],
    heading="**REQUEST FOR MAYORAL DECISION – MD3311**",
    row="| 2025-26 | £700,000 |",
    approval_date="2025-03-27", as_of="2025-04-01",
    reference="MD3311", part2_question="Is there a Part 2 form? **YES**")

KDR = Form(
    id="kdr-2025-014", change=_kdr,
    figures=["kdr-2025-014: 1 figure changed",
             "  possible extension: 1 year → 2 years (recommendation 2)"],
    deleted=["1 year,"], inserted=["2 years,"],
    heading="**RECORD OF AN OFFICER KEY DECISION – KDR 2025/014**",
    row="| **Date of decision** | 15 September 2025 |",
    approval_date="2025-09-15", as_of="2025-09-16",
    reference="KDR 2025/014",
    part2_question="Is there exempt (Part 2) information, not for publication? **YES**")

FORMS = [pytest.param(form, id=form.id) for form in (PCD, MD, KDR)]

CANARIES = ["CANARY-BASIS-3e1f", "CANARY-REASON-a07c", "CANARY-PARA-5d92", "CANARY-ANNEX-b4c8",
            "CANARY-ANNEX-PARA-16fe", "876,543.21", "876543.21"]

PART2 = {
    "exemption": {"basis": f"FOIA section 43(2) {CANARIES[0]}",
                  "reason": f"Commercial {CANARIES[1]}."},
    "paragraphs": [f"The lowest bid was {{part2.figures.lowest_bid}} {CANARIES[2]}."],
    "figures": {"lowest_bid": 876543.21},
    "annexes": [{"title": f"Bids {CANARIES[3]}", "paragraphs": [f"Scores {CANARIES[4]}."]}],
}
"""Part 2 material whose every piece carries a marker no Part 1 output may hold."""

MARKING = "CONFIDENTIAL – PART 2 – NOT FOR PUBLICATION"


# --- helpers --------------------------------------------------------------------------------

def bundled(form: Form) -> dict:
    """The bundled source of ``form``, as data (the repository's file is only read)."""
    return json.loads((ROOT / "decisions" / f"{form.id}.json").read_text(encoding="utf-8"))


def write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def source(form: Form) -> Path:
    return Path("decisions") / f"{form.id}.json"


def project(folder: Path, monkeypatch, data: dict) -> Path:
    """A git repository holding one decision (``data``) and its outputs, committed."""
    return new_project_repo(folder, monkeypatch, data)


@pytest.fixture
def repo(request, tmp_path, monkeypatch):
    """The project of the test's form (its ``form`` parameter)."""
    form = request.getfixturevalue("form")
    return project(tmp_path / "repo", monkeypatch, bundled(form))


def change_and_build(form: Form) -> None:
    """Change one printed figure in the working tree's source, and rebuild out/."""
    data = json.loads(source(form).read_text(encoding="utf-8"))
    form.change(data)
    write(source(form), data)
    result = run("-q")
    assert result.code == 0, result.err


def committed(repo: Path, spec: str) -> bytes:
    """``git show REV:PATH``: a committed file's bytes."""
    return subprocess.run(["git", "show", spec], cwd=repo, capture_output=True,
                          check=True).stdout


def changed_lines(diff: str) -> list[str]:
    """The removed and added lines of a unified diff, without its file headers."""
    return [line for line in diff.splitlines()
            if line[:1] in ("-", "+") and not line.startswith(("---", "+++"))]


def paragraph_texts(element, drop: str | None = None) -> list[str]:
    """Each paragraph's text, leaving out what is inside ``w:{drop}`` (``ins`` or ``del``).

    With ``drop="del"`` this is the document with every tracked change
    accepted; with ``drop="ins"``, with every one rejected.  Tabs are kept.
    """
    texts = []
    for paragraph in element.iter(qn("w:p")):
        pieces = []
        for node in paragraph.iter(qn("w:t"), qn("w:delText"), qn("w:tab")):
            if drop and any(a.tag == qn(f"w:{drop}") for a in node.iterancestors()):
                continue
            pieces.append("\t" if node.tag == qn("w:tab") else node.text or "")
        texts.append("".join(pieces))
    return texts


def tracked(element, kind: str) -> list[str]:
    """The text of each ``w:{kind}`` (``ins`` or ``del``) that holds runs, in order."""
    text = qn("w:delText") if kind == "del" else qn("w:t")
    return ["".join(t.text or "" for t in change.iter(text))
            for change in element.iter(qn(f"w:{kind}")) if change.find(qn("w:r")) is not None]


def every_entry(path: Path) -> list[tuple[str, bytes]]:
    """A file's bytes, or each part of a DOCX."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as archive:
            return [(f"{path.name}:{n}", archive.read(n)) for n in archive.namelist()]
    return [(path.name, path.read_bytes())]


def leaks(paths) -> list[str]:
    """Every ``file[:part]: marker`` where a Part 2 marker is found, in UTF-8 or UTF-16."""
    return [f"{name}: {marker}" for path in paths for name, data in every_entry(path)
            for marker in CANARIES for encoding in ("utf-8", "utf-16-le")
            if marker.encode(encoding) in data]


def swapped(line: str, form: Form) -> str:
    """``line`` with each figure the change deletes replaced by the one it inserts."""
    for old, new in dict(zip(form.deleted, form.inserted)).items():
        line = line.replace(old.rstrip(".,"), new.rstrip(".,"))
    return line


def unrecorded(form: Form, data: dict) -> str:
    """What a build says of an approved paper that has no record yet ("" for a draft)."""
    if data["status"] != "approved":
        return ""
    return (f"decisions/{form.id}.json: $.status: warning [record]: {form.id} is approved but "
            "has no record yet.\n"
            f"  hint: commit this paper (source and out/), then run approve {form.id} and "
            "commit records/.\n")


def body_of(markdown: str) -> str:
    """A Markdown paper without its front matter (the first ``---`` block)."""
    assert markdown.startswith("---\n"), markdown[:40]
    return markdown.split("\n---\n", 1)[1]


def with_part2(data: dict) -> dict:
    data = json.loads(json.dumps(data))
    data["part2"] = json.loads(json.dumps(PART2))
    data["publication"]["part2"] = True
    return data


# --- diff -----------------------------------------------------------------------------------

@pytest.mark.parametrize("form", FORMS)
def test_diff_reports_a_changed_figure_and_the_sentences_it_is_in(form, repo):
    result = run("diff")
    assert (result.code, result.out, result.err) == \
        (0, "no changes between HEAD and working tree.\n", "")
    change_and_build(form)
    result = run("diff")
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    assert lines[:len(form.figures)] == form.figures
    assert lines[len(form.figures):len(form.figures) + 2] == [
        f"--- a/out/{form.id}.md (HEAD)", f"+++ b/out/{form.id}.md (working tree)"]
    # the text diff is exactly the change git sees in the rebuilt paper
    expected = changed_lines(git(repo, "diff", "--", f"out/{form.id}.md"))
    assert changed_lines(result.out) == expected
    removed = [line[1:] for line in expected if line.startswith("-")]
    added = [line[1:] for line in expected if line.startswith("+")]
    assert added and [swapped(line, form) for line in removed] == added
    # limited to the decision, between two commits
    git(repo, "commit", "-qam", "one figure changed")
    result = run("diff", "HEAD~1", "HEAD", form.id)
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines()[:len(form.figures)] == form.figures


# --- redline --------------------------------------------------------------------------------

@pytest.mark.parametrize("form", FORMS)
def test_redline_between_two_revisions_tracks_the_change(form, repo, tmp_path):
    change_and_build(form)
    git(repo, "commit", "-qam", "one figure changed")
    result = run("diff", "HEAD~1", "HEAD", "--redline", "changes.docx")
    assert (result.code, result.err) == (0, "")
    assert result.out.endswith(f"redline of {form.id} written to changes.docx\n")
    redline = docx.Document("changes.docx").element.body
    assert tracked(redline, "del") == form.deleted
    assert tracked(redline, "ins") == form.inserted
    assert {e.get(qn("w:author")) for e in redline.iter(qn("w:ins"), qn("w:del"))} == \
        {"Ada Officer"}
    # accepting every change gives the new paper's text, rejecting every one the old
    (tmp_path / "old.docx").write_bytes(committed(repo, f"HEAD~1:out/{form.id}.docx"))
    old = paragraph_texts(docx.Document(tmp_path / "old.docx").element.body)
    new = paragraph_texts(docx.Document(f"out/{form.id}.docx").element.body)
    assert old != new
    assert paragraph_texts(redline, drop="del") == new
    assert paragraph_texts(redline, drop="ins") == old


# --- textconv -------------------------------------------------------------------------------

@pytest.mark.parametrize("form", FORMS)
def test_textconv_prints_the_paper_as_its_markdown(form, tmp_path):
    copy = tmp_path / f"{form.id}.json"
    write(copy, bundled(form))
    built = run(copy, "--out", tmp_path / "out", "-q")
    assert built.code == 0, built.err
    result = run("textconv", tmp_path / "out" / f"{form.id}.docx")
    assert (result.code, result.err) == (0, "")
    assert result.out == (tmp_path / "out" / f"{form.id}.md").read_text(encoding="utf-8")
    lines = result.out.splitlines()
    assert form.heading in lines
    assert form.row in lines


@pytest.mark.parametrize("form", FORMS)
def test_git_diff_of_the_docx_through_textconv_shows_the_changed_sentences(form, repo):
    git(repo, "config", "diff.decision-paper.textconv",
        f"{sys.executable} {ROOT / 'build.py'} textconv")
    change_and_build(form)
    through_docx = changed_lines(git(repo, "diff", "--", f"out/{form.id}.docx"))
    assert through_docx == changed_lines(git(repo, "diff", "--", f"out/{form.id}.md"))
    assert any(form.inserted[0].rstrip(".,") in line for line in through_docx
               if line.startswith("+"))
    assert any(form.deleted[0].rstrip(".,") in line for line in through_docx
               if line.startswith("-"))


# --- publish --------------------------------------------------------------------------------

@pytest.mark.parametrize("form", FORMS)
def test_publish_writes_the_approved_paper_and_never_its_part2(form, tmp_path, monkeypatch):
    data = with_part2(bundled(form))
    repo = project(tmp_path / "repo", monkeypatch, data)
    site = tmp_path / "site"
    result = run("publish", "--as-of", form.as_of, site)
    held = (f"held back {form.id}: {form.id} is approved but has no record yet\n"
            if data["status"] == "approved" else f"held back {form.id}: it is a draft\n")
    assert (result.code, result.out, result.err) == (0, held, unrecorded(form, data))
    assert not site.exists() or list(site.iterdir()) == []

    if data["status"] != "approved":  # a draft is approved: built and committed so
        data["status"] = "approved"
        data["approval"]["date"] = form.approval_date
        write(source(form), data)
        assert run("-q").code == 0
        git(repo, "commit", "-qam", f"{form.id} approved")
    assert data["approval"]["date"] == form.approval_date
    result = run("approve", form.id)
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith(f"recorded {form.id} (approved on ")
    record = json.loads(Path("records", f"{form.id}.json").read_text(encoding="utf-8"))
    assert (record["form"], record["approved"]) == (data["form"], form.approval_date)
    git(repo, "add", "records")
    git(repo, "commit", "-qm", f"Record {form.id}")

    result = run("publish", "--as-of", form.as_of, site)
    names = [f"{form.id}.docx", f"{form.id}.figures.json", f"{form.id}.md"]
    assert (result.code, result.out, result.err) == \
        (0, f"published {form.id}: {', '.join(names)}\n", "")
    assert sorted(p.name for p in site.iterdir()) == names
    for name in names:  # the published files are the committed paper
        assert (site / name).read_bytes() == Path("out", name).read_bytes()
    assert form.part2_question in (site / f"{form.id}.md").read_text(encoding="utf-8")
    assert leaks(site.iterdir()) == []


# --- Part 2 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("form", FORMS)
def test_part2_is_built_outside_the_project_and_never_into_part1(form, repo, tmp_path):
    data = with_part2(bundled(form))
    write(source(form), data)
    confidential = tmp_path / "confidential"
    result = run(source(form), "--part2", confidential)
    assert (result.code, result.err) == (0, unrecorded(form, data))
    names = [f"{form.id}.docx", f"{form.id}.figures.json", f"{form.id}.md"]
    assert result.out == (
        f"built decisions/{form.id}.json -> out: {', '.join(names)}\n"
        f"built Part 2 (confidential) of {form.id}: {form.id}.part2.docx, "
        f"{form.id}.part2.md\n")
    # Part 1 says only that Part 2 exists
    part1 = [Path("out", name) for name in names]
    assert leaks(part1) == []
    assert form.part2_question in Path("out", f"{form.id}.md").read_text(encoding="utf-8")
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == (
        f" M decisions/{form.id}.json\n M out/{form.id}.docx\n M out/{form.id}.md\n")
    # Part 2 holds the material, in the form's own Part 2 layout, marked on every page
    assert sorted(p.name for p in confidential.iterdir()) == \
        [f"{form.id}.part2.docx", f"{form.id}.part2.md"]
    text = (confidential / f"{form.id}.part2.md").read_text(encoding="utf-8")
    assert f"**PART 2 – CONFIDENTIAL FACTS AND ADVICE – {form.reference}**" in text
    assert f"**Basis:** FOIA section 43(2) {CANARIES[0]}" in text
    assert f"The lowest bid was £876,543.21 {CANARIES[2]}." in text
    assert f"## Annex 1: Bids {CANARIES[3]}" in text
    paper = docx.Document(confidential / f"{form.id}.part2.docx")
    assert paper.sections[0].header.paragraphs[0].text.split("\t")[0].endswith(MARKING)
    assert paper.sections[0].footer.paragraphs[0].text.startswith(MARKING)
    body = "\n".join(paragraph_texts(paper.element.body))
    assert all(marker in body for marker in CANARIES[:6])
    found = {line.rsplit(": ", 1)[1] for line in leaks(confidential.iterdir())}
    assert found == set(CANARIES[:6])  # the search for leaks finds each marker where it is
    # textconv reads the Part 2 paper back as its own Markdown, front matter and all (the
    # footer's bold marking comes before the form's version)
    result = run("textconv", confidential / f"{form.id}.part2.docx")
    assert (result.code, result.err) == (0, "")
    assert result.out == text
    assert body_of(text).startswith(f"\n# {data['organisation']['name']}\n")
    # and a build without --part2 writes the same Part 1, and no Part 2
    before = {path: path.read_bytes() for path in part1}
    shutil.rmtree(confidential)
    assert run("-q").code == 0
    assert {path: path.read_bytes() for path in part1} == before
    assert not confidential.exists()
