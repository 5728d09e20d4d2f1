"""The PDF writer: tagged PDF/UA through LibreOffice, and the checks of it.

The tests that run LibreOffice are marked ``@libreoffice``: they run by
default, are skipped (with the reason shown by ``-ra``) where ``soffice`` is
not installed, and share one conversion of the three bundled papers, made once
for the module, so the file takes seconds, not minutes.  The rest use a
stand-in ``soffice`` script or PDFs made with pikepdf, and run anywhere.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile

import pikepdf
import pytest

from decision_papers.writers import pdf as pdf_writer
from decision_papers.writers.pdf import PdfFailed, PdfUnavailable, check, convert
from support import ROOT, run

PAPERS = ["md-3311", "kdr-2025-014", "pcd-1717"]

libreoffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                 reason="LibreOffice (soffice) is not installed")
"""Marks the tests that run LibreOffice, through the ``converted`` fixture."""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, bytes]:
    """The DOCX of each bundled paper, as the build writes it."""
    out = tmp_path_factory.mktemp("out")
    for pid in PAPERS:
        result = run(ROOT / "decisions" / f"{pid}.json", "--out", out)
        assert result.code == 0, result.err
    return {f"{pid}.docx": (out / f"{pid}.docx").read_bytes() for pid in PAPERS}


@pytest.fixture(scope="module")
def converted(built, tmp_path_factory) -> dict[str, bytes]:
    """All three papers converted to PDF in one LibreOffice run (the slow part)."""
    work = tmp_path_factory.mktemp("work")
    pdfs = convert(built, work)
    assert list(work.iterdir()) == [], "the temporary folder was left behind"
    return pdfs


def core(docx: bytes, name: str) -> str:
    """A DOCX core property (``title``, ``created``…)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        xml = archive.read("docProps/core.xml").decode("utf-8")
    return re.search(rf"<[a-z]+:{name}\b[^>]*>([^<]*)<", xml).group(1)


def damaged(data: bytes, change) -> bytes:
    """``data`` opened with pikepdf, ``change(pdf)``d, and saved again."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def elements(pdf: pikepdf.Pdf, kind: str) -> list[pikepdf.Dictionary]:
    """Structure elements of type ``kind`` (as written, not role-mapped), in tree order."""
    found = []

    def visit(node):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                visit(kid)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if node.S == kind:
                found.append(node)
            visit(node.get("/K"))

    visit(pdf.Root.StructTreeRoot.get("/K"))
    return found


# -- LibreOffice -------------------------------------------------------------------------

@libreoffice
def test_each_paper_is_an_accessible_tagged_pdf(converted):
    assert sorted(converted) == sorted(f"{pid}.pdf" for pid in PAPERS)
    for name, data in converted.items():
        assert data.startswith(b"%PDF-"), name
        assert check(data) == [], name


@libreoffice
def test_the_pdf_carries_the_papers_title_and_date(built, converted):
    for pid in PAPERS:
        docx, data = built[f"{pid}.docx"], converted[f"{pid}.pdf"]
        title, created = core(docx, "title"), core(docx, "created")
        with pikepdf.open(io.BytesIO(data)) as pdf:
            with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
                assert xmp["dc:title"] == title
                assert xmp["xmp:CreateDate"] == created
            day = re.sub(r"\D", "", created)
            assert str(pdf.docinfo["/CreationDate"]) == f"D:{day}Z"
            assert str(pdf.docinfo["/ModDate"]) == f"D:{day}Z"
            assert "/DocChecksum" not in pdf.trailer
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                                  check=True).stdout.decode("utf-8")
            # Word's title property marks a draft; the page shows the title itself
            assert title.removeprefix("DRAFT – ") in " ".join(text.split()), pid


@libreoffice
def test_conversion_is_reproducible(built, converted):
    again = convert({"md-3311.docx": built["md-3311.docx"]})
    assert again["md-3311.pdf"] == converted["md-3311.pdf"]


FONT = "LiberationSans"


def _unembed(pdf):
    for page in pdf.pages:
        for font in page.Resources.Font.values():
            if str(font.BaseFont).endswith("+" + FONT) and "/FontFile2" in font.FontDescriptor:
                del font.FontDescriptor["/FontFile2"]  # (the descriptor may be shared)


def _figure(alt):
    def change(pdf):
        figure = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem,
                                                      S=pikepdf.Name.Figure))
        if alt is not None:
            figure.Alt = pikepdf.String(alt)
        document = elements(pdf, "/Document")[0]
        figure.P = document
        document.K.append(figure)
    return change


def _set(kind, new, first_only=False):
    def change(pdf):
        for element in elements(pdf, kind)[:1 if first_only else None]:
            element.S = pikepdf.Name(new)
    return change


def _xmp_delete(key):
    def change(pdf):
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
            del xmp[key]
    return change


def _root_delete(key):
    def change(pdf):
        del pdf.Root[key]
    return change


def _root_set(key, value):
    def change(pdf):
        pdf.Root[key] = value
    return change


def _first_table_without_headers(pdf):
    table = elements(pdf, "/Table")[0]
    for row in table.K:
        for cell in row.K:
            if cell.S == "/TH":
                cell.S = pikepdf.Name.TD


DAMAGE = {
    "no MarkInfo": (_root_delete("/MarkInfo"), [
        "The PDF is not marked as tagged (the catalogue needs /MarkInfo << /Marked true >>), so "
        "assistive technology will not trust its tags."]),
    "Marked false": (_root_set("/MarkInfo", pikepdf.Dictionary(Marked=False)), [
        "The PDF is not marked as tagged (the catalogue needs /MarkInfo << /Marked true >>), so "
        "assistive technology will not trust its tags."]),
    "no structure tree": (_root_delete("/StructTreeRoot"), [
        "The PDF has no structure tree (/StructTreeRoot), so a screen reader cannot find its "
        "headings, lists or tables."]),
    "no language": (_root_delete("/Lang"), [
        "The PDF does not say what language it is in (/Lang should be en-GB)."]),
    "wrong language": (_root_set("/Lang", pikepdf.String("en-US")), [
        "The PDF says it is in 'en-US' (/Lang), but it should be en-GB."]),
    "no title": (_xmp_delete("dc:title"), [
        "The PDF has no title in its XMP metadata (dc:title)."]),
    "title not shown": (_root_delete("/ViewerPreferences"), [
        "The PDF does not tell viewers to show its title rather than its file name "
        "(/ViewerPreferences << /DisplayDocTitle true >>)."]),
    "no PDF/UA identifier": (_xmp_delete("pdfuaid:part"), [
        "The PDF does not claim to be PDF/UA: its XMP metadata has no pdfuaid:part."]),
    "font not embedded": (_unembed, [
        f"The font {FONT} is not embedded in the PDF (first used on page 1)."]),
    "no heading tags": (lambda pdf: (_set("/H1", "/P")(pdf), _set("/H2", "/P")(pdf)), [
        "The PDF has bookmarks but no heading tags (H or H1 to H6), so a screen reader cannot "
        "move from heading to heading."]),
    "table without header row": (_first_table_without_headers, [
        "Table 1 of the PDF has no header cells (TH), so a screen reader cannot say which row or "
        "column a cell belongs to."]),
    "figure without alt text": (_figure(None), [
        "Figure 1 of the PDF has no alternative text (/Alt)."]),
    "figure with alt text": (_figure("A bar chart of spending by year."), []),
}


@libreoffice
@pytest.mark.parametrize("case", DAMAGE)
def test_a_damaged_pdf_gives_the_exact_finding(converted, case):
    change, expected = DAMAGE[case]
    assert check(damaged(converted["md-3311.pdf"], change)) == expected


# -- no LibreOffice needed ---------------------------------------------------------------

def test_missing_libreoffice_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without soffice
    with pytest.raises(PdfUnavailable) as caught:
        convert({"md-3311.docx": b"PK"})
    assert str(caught.value) == (
        "LibreOffice is not installed, so no PDF can be made; install it (Debian/Ubuntu: "
        "sudo apt-get install libreoffice-writer-nogui; other systems: "
        "https://www.libreoffice.org/download/) or leave out --pdf.")
    with pytest.raises(PdfUnavailable):
        convert({"md-3311.docx": b"PK"}, soffice=str(tmp_path / "soffice"))


def fake_soffice(tmp_path, body: str) -> str:
    """A stand-in ``soffice``: a Python script that records its arguments, then ``body``."""
    script = tmp_path / "bin" / "soffice"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\nimport sys, pathlib, pikepdf\n"
                      f"pathlib.Path({str(tmp_path / 'argv')!r}).write_text('\\n'.join(sys.argv))\n"
                      + body, encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def test_one_run_converts_every_file_with_a_throwaway_profile(tmp_path):
    soffice = fake_soffice(tmp_path, "sys.exit(3)\n")
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(PdfFailed):
        convert({"b.docx": b"PK", "a.docx": b"PK"}, work, soffice=soffice)
    argv = (tmp_path / "argv").read_text().split("\n")
    assert argv[1].startswith("-env:UserInstallation=file:///") and argv[1].endswith("/profile")
    assert argv[2] == "--headless"
    assert argv[argv.index("--convert-to") + 1] == pdf_writer.FILTER
    assert [a.rsplit("/", 1)[1] for a in argv[-2:]] == ["a.docx", "b.docx"]
    assert list(work.iterdir()) == [], "the temporary folder was left behind"


def test_a_failed_conversion_says_so_plainly(tmp_path):
    soffice = fake_soffice(tmp_path, "print('Error: source file could not be loaded')\n"
                                     "sys.exit(1)\n")
    with pytest.raises(PdfFailed) as caught:
        convert({"md-3311.docx": b"not a zip"}, soffice=soffice)
    assert str(caught.value) == ("LibreOffice failed to convert md-3311.docx to PDF (exit status "
                                 "1): Error: source file could not be loaded")


def test_no_pdf_made_is_a_failure(tmp_path):
    soffice = fake_soffice(tmp_path, "")
    with pytest.raises(PdfFailed) as caught:
        convert({"md-3311.docx": b"PK"}, soffice=soffice)
    assert str(caught.value) == ("LibreOffice made no PDF of md-3311.docx; it may be damaged or "
                                 "not a Word document.")


def test_an_untagged_pdf_is_refused(tmp_path):
    soffice = fake_soffice(tmp_path, (
        "out = pathlib.Path(sys.argv[sys.argv.index('--outdir') + 1])\n"
        "for name in sys.argv[sys.argv.index('--outdir') + 2:]:\n"
        "    pdf = pikepdf.new(); pdf.add_blank_page()\n"
        "    pdf.save(out / (pathlib.Path(name).stem + '.pdf'))\n"))
    with pytest.raises(PdfFailed) as caught:
        convert({"md-3311.docx": b"PK"}, soffice=soffice)
    assert str(caught.value) == (
        "LibreOffice made an untagged PDF of md-3311.docx, which would not be accessible; "
        "LibreOffice 7.4 or later is needed (run soffice --version).")


def test_a_conversion_that_hangs_is_stopped(tmp_path):
    soffice = fake_soffice(tmp_path, "import time; time.sleep(60)\n")
    with pytest.raises(PdfFailed) as caught:
        convert({"md-3311.docx": b"PK"}, tmp_path, soffice=soffice, timeout=0.5)
    assert str(caught.value) == ("LibreOffice took longer than 0.5 seconds to convert "
                                 "md-3311.docx to PDF and was stopped.")


def test_nothing_to_convert_needs_no_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert convert({}) == {}


def test_an_untagged_pdf_fails_the_basic_rules():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    assert check(out.getvalue()) == [
        "The PDF is not marked as tagged (the catalogue needs /MarkInfo << /Marked true >>), so "
        "assistive technology will not trust its tags.",
        "The PDF has no structure tree (/StructTreeRoot), so a screen reader cannot find its "
        "headings, lists or tables.",
        "The PDF does not say what language it is in (/Lang should be en-GB).",
        "The PDF has no title in its XMP metadata (dc:title).",
        "The PDF does not tell viewers to show its title rather than its file name "
        "(/ViewerPreferences << /DisplayDocTitle true >>).",
        "The PDF does not claim to be PDF/UA: its XMP metadata has no pdfuaid:part.",
    ]


def test_a_file_that_is_not_a_pdf_is_one_finding():
    findings = check(b"PK\x03\x04 not a pdf")
    assert len(findings) == 1 and findings[0].startswith("The file is not a PDF that can be read")


def test_every_rule_is_a_small_named_function():
    assert list(pdf_writer.RULES) == ["tagged", "structure-tree", "language", "title",
                                      "display-title", "pdfua-identifier", "fonts-embedded",
                                      "headings", "table-headers", "figure-alt"]
    assert all(callable(rule) for rule in pdf_writer.RULES.values())
