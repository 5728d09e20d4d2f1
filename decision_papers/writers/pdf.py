"""Writer: each paper's DOCX → a tagged, accessible PDF (PDF/UA), through LibreOffice.

GOV.UK asks public bodies to publish accessible documents: HTML is preferred
(see ``writers/html.py``), and a PDF, where one is still wanted, must be a
*tagged* PDF, with its headings, lists and tables in a structure tree that a
screen reader can follow, its language and title declared and its fonts
embedded (the Public Sector Bodies Accessibility Regulations 2018, WCAG 2.2
AA, and for PDF the ISO 14289 "PDF/UA" standard).  The DOCX writer already
marks headings, lists and table header rows, so the PDF is made from it by
LibreOffice, which carries those into the PDF's structure tree.

``convert`` turns any number of DOCX files into PDF in **one** LibreOffice
run (it takes a few seconds to start), with a throw-away user profile made
and removed in a temporary folder, so it needs no LibreOffice settings of the
user's and never changes them.  The export options ask for a tagged PDF that
claims PDF/UA, with bookmarks from the headings::

    soffice -env:UserInstallation=file:///tmp/…/profile --headless
        --convert-to 'pdf:writer_pdf_Export:{"UseTaggedPDF": …, "PDFUACompliance": …}'
        --outdir /tmp/…/pdf /tmp/…/docx/md-3311.docx …

The JSON form of the options needs LibreOffice 7.4 or later; an older one
ignores them and makes an untagged PDF, which ``convert`` refuses
(``PdfFailed``) rather than publish.

Reproducible where LibreOffice allows.  LibreOffice stamps each PDF with the
time it was made (``/CreationDate`` in the document information and
``xmp:CreateDate`` in the XMP metadata) and a random document ``/ID``.
``_normalise`` rewrites them with pikepdf: the dates become the paper's date
(the DOCX core property ``created``), and the ``/ID`` is derived from the
file's content (qpdf's deterministic ID), so the same DOCX gives the same PDF
bytes.  The limits: the bytes are the same only with the same LibreOffice
version (its name is in ``/Producer``, and its layout and font subsetting
change between versions) and the same installed fonts (fonts are embedded,
so a different font package gives a different file); pikepdf/qpdf versions
could in principle change how the file is written out, too.

``check`` tests a PDF against the rules of PDF/UA that a program can check
(``RULES``); what only a person can judge (is the alternative text right, is
the reading order sensible) it cannot.  Each finding is a plain-English
sentence; no findings means the PDF passed.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from xml.etree import ElementTree

import pikepdf

from decision_papers.errors import Failure, UsageError
from decision_papers.problems import Place, Problem
from decision_papers.projects import display_path

__all__ = ["PdfUnavailable", "PdfFailed", "convert", "check", "RULES", "EXPORT_OPTIONS",
           "FILTER", "NOT_INSTALLED", "LANGUAGE"]

LANGUAGE = "en-GB"
"""The language every paper is written in, and so the PDF's ``/Lang``."""

NOT_INSTALLED = ("LibreOffice is not installed, so no PDF can be made; install it "
                 "(Debian/Ubuntu: sudo apt-get install libreoffice-writer-nogui; other systems: "
                 "https://www.libreoffice.org/download/) or leave out --pdf.")
"""What ``PdfUnavailable`` says when there is no ``soffice`` to run."""

EXPORT_OPTIONS = {
    "UseTaggedPDF": True,             # a structure tree: headings, lists, tables, reading order
    "PDFUACompliance": True,          # claim PDF/UA-1 (pdfuaid:part) and keep to its rules
    "ExportBookmarks": True,          # bookmarks (the outline) from the headings
    "DisplayPDFDocumentTitle": True,  # viewers show the title, not the file name
    "EmbedStandardFonts": True,       # embed even the 14 standard PDF fonts
    "ExportNotes": False,             # no comments as PDF annotations
    "ExportFormFields": False,        # no fillable form fields
    "IsAddStream": False,             # no hybrid PDF carrying the source document
}
"""LibreOffice's ``writer_pdf_Export`` options (the JSON form, LibreOffice 7.4+)."""

FILTER = "pdf:writer_pdf_Export:" + json.dumps(
    {name: {"type": "boolean", "value": "true" if value else "false"}
     for name, value in EXPORT_OPTIONS.items()}, separators=(",", ":"))
"""The ``--convert-to`` argument."""

TIMEOUT = 300.0
"""Seconds one LibreOffice run may take before it is stopped (``PdfFailed``)."""


class PdfUnavailable(UsageError):
    """No PDF can be made here: LibreOffice is not installed (the message says how to)."""


class PdfFailed(Failure):
    """LibreOffice ran but made no usable PDF; the message says which file and why."""

    rule = "accessibility"


# -- converting --------------------------------------------------------------------------

def convert(docx_files: dict[str, bytes], work: Path | None = None, *,
            soffice: str | None = None, timeout: float = TIMEOUT) -> dict[str, bytes]:
    """The PDF of each DOCX: ``{"md-3311.docx": b"PK…"}`` → ``{"md-3311.pdf": b"%PDF…"}``.

    All the files are converted in one LibreOffice run.  ``work`` is the folder
    in which the temporary folder (inputs, outputs, LibreOffice profile) is made
    and then removed; the system's temporary folder if ``None``.  ``soffice`` is
    the LibreOffice program, by default ``soffice`` looked up on ``PATH``.

    Raises ``PdfUnavailable`` if LibreOffice cannot be found, and ``PdfFailed``
    if it fails, takes longer than ``timeout`` seconds, or makes a PDF that is
    not tagged.
    """
    for name in docx_files:
        if not name.lower().endswith(".docx") or Path(name).name != name or name.startswith("."):
            raise ValueError(f"not a DOCX file name: {name!r}")
    if not docx_files:
        return {}
    program = shutil.which(soffice or "soffice")
    if program is None:
        raise PdfUnavailable(NOT_INSTALLED)
    with tempfile.TemporaryDirectory(prefix=".decision-papers-pdf-", dir=work) as tmp:
        folder = Path(tmp)
        inputs, outputs, profile = folder / "docx", folder / "pdf", folder / "profile"
        for path in (inputs, outputs, profile):
            path.mkdir()
        for name, data in docx_files.items():
            (inputs / name).write_bytes(data)
        names = sorted(docx_files)
        _run([program, f"-env:UserInstallation={profile.as_uri()}", "--headless",
              "--norestore", "--nolockcheck", "--convert-to", FILTER,
              "--outdir", str(outputs), *(str(inputs / n) for n in names)],
             folder, timeout, names)
        result = {}
        for name in names:
            target = Path(name).stem + ".pdf"
            made = outputs / target
            if not made.is_file() or made.stat().st_size == 0:
                raise PdfFailed(f"LibreOffice made no PDF of {name}; it may be damaged or not a "
                                "Word document.")
            result[target] = _normalise(made.read_bytes(), docx_files[name], name)
        return result


def _run(command: list[str], folder: Path, timeout: float, names: list[str]) -> None:
    """Run LibreOffice; stop it (and what it started) if it takes longer than ``timeout``."""
    env = {**os.environ, "TMPDIR": str(folder)}  # its own scratch files go with the rest
    try:
        process = subprocess.Popen(command, cwd=folder, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
    except OSError as error:
        raise PdfFailed(f"LibreOffice could not be started ({command[0]}): "
                        f"{error.strerror or error}.") from None
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        which = names[0] if len(names) == 1 else f"{len(names)} papers"
        raise PdfFailed(f"LibreOffice took longer than {timeout:g} seconds to convert {which} "
                        "to PDF and was stopped.") from None
    if process.returncode != 0:
        said = _said(out + err)
        raise PdfFailed(f"LibreOffice failed to convert {', '.join(names)} to PDF (exit status "
                        f"{process.returncode})" + (f": {said}" if said else "."))


def _stop(process: subprocess.Popen) -> None:
    """End the LibreOffice process group this module started, and wait for it."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            process.kill()
    except ProcessLookupError:
        pass
    process.communicate()


def _said(output: bytes) -> str:
    """What LibreOffice printed, without its progress lines and harmless Java warning."""
    lines = [line.strip() for line in output.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line and not line.startswith("convert ")
             and "javaldx" not in line]
    text = " ".join(lines)
    return text if len(text) <= 500 else text[:500] + "…"


# -- making the bytes reproducible -------------------------------------------------------

_CORE = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
         "dcterms": "http://purl.org/dc/terms/"}


def paper_date(docx: bytes) -> datetime | None:
    """The DOCX core property ``created`` (the paper's date), in UTC; ``None`` if absent."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            root = ElementTree.fromstring(archive.read("docProps/core.xml"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return None
    element = root.find("dcterms:created", _CORE)
    if element is None or not (element.text or "").strip():
        return None
    try:
        stamp = datetime.fromisoformat(element.text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return stamp.astimezone(timezone.utc)


_DATE_KEYS = ("/CreationDate", "/ModDate")
_XMP_DATES = ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate")
_TRAILER_STAMPS = ("/ID", "/DocChecksum")
"""LibreOffice's document ID and its checksum of the file, both from the time it was made."""


def _normalise(data: bytes, docx: bytes, name: str) -> bytes:
    """LibreOffice's PDF with the paper's date for its dates and a content-derived ``/ID``."""
    stamp = paper_date(docx)
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            _refuse_untagged(pdf, name)
            with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
                for key in _XMP_DATES:
                    if key in xmp:
                        del xmp[key]
                if stamp is not None:
                    xmp["xmp:CreateDate"] = xmp["xmp:ModifyDate"] = stamp.isoformat().replace(
                        "+00:00", "Z")
            for key in _DATE_KEYS:
                if key in pdf.docinfo:
                    del pdf.docinfo[key]
            if stamp is not None:
                pdf.docinfo["/CreationDate"] = pdf.docinfo["/ModDate"] = pikepdf.String(
                    stamp.strftime("D:%Y%m%d%H%M%SZ"))
            for key in _TRAILER_STAMPS:  # else qpdf keeps them (and /ID's first half)
                if key in pdf.trailer:
                    del pdf.trailer[key]
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True)
            return out.getvalue()
    except pikepdf.PdfError as error:
        raise PdfFailed(f"LibreOffice made a PDF of {name} that cannot be read: {error}") from None


def _refuse_untagged(pdf: pikepdf.Pdf, name: str) -> None:
    """A PDF without a structure tree means the export options were ignored: stop."""
    mark = pdf.Root.get("/MarkInfo")
    if not (isinstance(mark, pikepdf.Dictionary) and mark.get("/Marked") is True
            and "/StructTreeRoot" in pdf.Root):
        raise PdfFailed(f"LibreOffice made an untagged PDF of {name}, which would not be "
                        "accessible; LibreOffice 7.4 or later is needed (run soffice --version).")


# -- checking ----------------------------------------------------------------------------

Rule = Callable[["_Pdf"], Iterable[str]]


class _Pdf:
    """An open PDF and what the rules need of it, each worked out once."""

    def __init__(self, pdf: pikepdf.Pdf, language: str):
        self.pdf, self.root, self.language = pdf, pdf.Root, language
        self.xmp = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        tree = self.root.get("/StructTreeRoot")
        self.tree = tree if isinstance(tree, pikepdf.Dictionary) else None
        self.roles = _role_map(self.tree)
        self._elements: list[tuple[str, pikepdf.Dictionary]] | None = None

    @property
    def elements(self) -> list[tuple[str, pikepdf.Dictionary]]:
        """``(standard type, element)`` of every structure element, in tree order."""
        if self._elements is None:
            self._elements = ([] if self.tree is None
                              else list(_walk(self.tree.get("/K"), self.roles, set())))
        return self._elements

    def of_type(self, *types: str) -> list[pikepdf.Dictionary]:
        return [element for kind, element in self.elements if kind in types]


def _role_map(tree: pikepdf.Dictionary | None) -> dict[str, str]:
    roles = None if tree is None else tree.get("/RoleMap")
    if not isinstance(roles, pikepdf.Dictionary):
        return {}
    return {str(k): str(v) for k, v in roles.items() if isinstance(v, pikepdf.Name)}


def _standard(kind: str, roles: dict[str, str]) -> str:
    """The standard structure type a (possibly custom) type is role-mapped to."""
    seen = set()
    while kind in roles and kind not in seen:
        seen.add(kind)
        kind = roles[kind]
    return kind


def _walk(kids, roles: dict[str, str], seen: set) -> Iterator[tuple[str, pikepdf.Dictionary]]:
    """The structure elements under ``kids`` (a /K value), depth first."""
    if isinstance(kids, pikepdf.Array):
        for kid in kids:
            yield from _walk(kid, roles, seen)
    elif isinstance(kids, pikepdf.Dictionary) and "/S" in kids:
        if kids.is_indirect:
            if kids.objgen in seen:
                return
            seen.add(kids.objgen)
        yield _standard(str(kids.S), roles), kids
        yield from _walk(kids.get("/K"), roles, seen)


def _is_true(value) -> bool:
    return value is True  # pikepdf gives a PDF boolean as a Python bool


def rule_tagged(doc: _Pdf) -> Iterator[str]:
    """PDF/UA 7.1: the catalogue marks the file as tagged."""
    mark = doc.root.get("/MarkInfo")
    if not (isinstance(mark, pikepdf.Dictionary) and _is_true(mark.get("/Marked"))):
        yield ("The PDF is not marked as tagged (the catalogue needs "
               "/MarkInfo << /Marked true >>), "
               "so assistive technology will not trust its tags.")


def rule_structure_tree(doc: _Pdf) -> Iterator[str]:
    """PDF/UA 7.1: the content is tagged in a structure tree."""
    if not isinstance(doc.root.get("/StructTreeRoot"), pikepdf.Dictionary):
        yield ("The PDF has no structure tree (/StructTreeRoot), so a screen reader cannot find "
               "its headings, lists or tables.")


def rule_language(doc: _Pdf) -> Iterator[str]:
    """PDF/UA 7.2: the natural language is given (and is the papers' one)."""
    lang = doc.root.get("/Lang")
    if lang is None or not str(lang).strip():
        yield f"The PDF does not say what language it is in (/Lang should be {doc.language})."
    elif str(lang).strip().lower() != doc.language.lower():
        yield f"The PDF says it is in {str(lang)!r} (/Lang), but it should be {doc.language}."


def rule_title(doc: _Pdf) -> Iterator[str]:
    """PDF/UA 7.1: the XMP metadata holds the document's title."""
    title = doc.xmp.get("dc:title")
    if not isinstance(title, str) or not title.strip():
        yield "The PDF has no title in its XMP metadata (dc:title)."


def rule_display_title(doc: _Pdf) -> Iterator[str]:
    """PDF/UA 7.1: viewers show that title in the window, not the file name."""
    prefs = doc.root.get("/ViewerPreferences")
    if not (isinstance(prefs, pikepdf.Dictionary) and _is_true(prefs.get("/DisplayDocTitle"))):
        yield ("The PDF does not tell viewers to show its title rather than its file name "
               "(/ViewerPreferences << /DisplayDocTitle true >>).")


def rule_pdfua_identifier(doc: _Pdf) -> Iterator[str]:
    """PDF/UA 5: the XMP metadata says which part of PDF/UA the file keeps to."""
    part = doc.xmp.get("pdfuaid:part")
    if part is None:
        yield "The PDF does not claim to be PDF/UA: its XMP metadata has no pdfuaid:part."
    elif str(part).strip() != "1":
        yield f"The PDF's XMP metadata says pdfuaid:part {str(part)!r}; PDF/UA-1 needs 1."


def rule_fonts_embedded(doc: _Pdf) -> Iterator[str]:
    """PDF/UA 7.21.4.1: every font the pages use is embedded in the file."""
    missing: dict[str, int] = {}
    for number, page in enumerate(doc.pdf.pages, 1):
        for font in _fonts(page.obj.get("/Resources"), set()):
            if not _embedded(font):
                missing.setdefault(_font_name(font), number)
    for name, page in missing.items():
        yield f"The font {name} is not embedded in the PDF (first used on page {page})."


def rule_headings(doc: _Pdf) -> Iterator[str]:
    """PDF/UA 7.4: headings are tagged as headings.

    A PDF does not say whether its text has headings; its bookmarks (the
    outline, which LibreOffice makes from the headings) are taken as the sign
    that it has."""
    if not _has_outline(doc.root) or not doc.elements:
        return  # no headings to look for (or no tree, which its own rule reports)
    if not doc.of_type("/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"):
        yield ("The PDF has bookmarks but no heading tags (H or H1 to H6), so a screen reader "
               "cannot move from heading to heading.")


def rule_table_headers(doc: _Pdf) -> Iterator[str]:
    """PDF/UA 7.5: every table has header cells (a header row)."""
    for number, table in enumerate(doc.of_type("/Table"), 1):
        if not any(kind == "/TH" for kind, _ in _walk(table.get("/K"), doc.roles, set())):
            yield (f"Table {number} of the PDF has no header cells (TH), so a screen reader "
                   "cannot say which row or column a cell belongs to.")


def rule_figure_alt(doc: _Pdf) -> Iterator[str]:
    """PDF/UA 7.3: every figure has alternative text."""
    for number, figure in enumerate(doc.of_type("/Figure"), 1):
        alt = figure.get("/Alt")
        if alt is None or not str(alt).strip():
            yield f"Figure {number} of the PDF has no alternative text (/Alt)."


RULES: dict[str, Rule] = {
    "tagged": rule_tagged,
    "structure-tree": rule_structure_tree,
    "language": rule_language,
    "title": rule_title,
    "display-title": rule_display_title,
    "pdfua-identifier": rule_pdfua_identifier,
    "fonts-embedded": rule_fonts_embedded,
    "headings": rule_headings,
    "table-headers": rule_table_headers,
    "figure-alt": rule_figure_alt,
}
"""The machine-checkable rules of PDF/UA (ISO 14289-1), in the order findings are given."""


def check(pdf: bytes, language: str = LANGUAGE) -> list[str]:
    """What is wrong with ``pdf`` as an accessible (PDF/UA) document; ``[]`` if nothing."""
    try:
        opened = pikepdf.open(io.BytesIO(pdf))
    except pikepdf.PdfError as error:
        return [f"The file is not a PDF that can be read ({error})."]
    with opened:
        doc = _Pdf(opened, language)
        return [finding for rule in RULES.values() for finding in rule(doc)]


# -- fonts and outlines ------------------------------------------------------------------

def _fonts(resources, seen: set) -> Iterator[pikepdf.Dictionary]:
    """The fonts of a resource dictionary and of the form XObjects it uses."""
    if not isinstance(resources, pikepdf.Dictionary):
        return
    if resources.is_indirect:
        if resources.objgen in seen:
            return
        seen.add(resources.objgen)
    fonts = resources.get("/Font")
    if isinstance(fonts, pikepdf.Dictionary):
        for font in fonts.values():
            if isinstance(font, pikepdf.Dictionary):
                yield font
                if font.get("/Subtype") == pikepdf.Name.Type3:
                    yield from _fonts(font.get("/Resources"), seen)
    xobjects = resources.get("/XObject")
    if isinstance(xobjects, pikepdf.Dictionary):
        for xobject in xobjects.values():
            if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == pikepdf.Name.Form:
                key = xobject.objgen
                if key not in seen:
                    seen.add(key)
                    yield from _fonts(xobject.get("/Resources"), seen)


def _embedded(font: pikepdf.Dictionary) -> bool:
    if font.get("/Subtype") == pikepdf.Name.Type3:
        return True  # its glyphs are drawn by the PDF itself
    if font.get("/Subtype") == pikepdf.Name.Type0:
        descendants = font.get("/DescendantFonts")
        if not isinstance(descendants, pikepdf.Array) or len(descendants) == 0:
            return False
        font = descendants[0]
    descriptor = font.get("/FontDescriptor")
    return isinstance(descriptor, pikepdf.Dictionary) and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _font_name(font: pikepdf.Dictionary) -> str:
    name = str(font.get("/BaseFont", "(unnamed)")).lstrip("/")
    return re.sub(r"^[A-Z]{6}\+", "", name)  # without the subset tag


def _has_outline(root: pikepdf.Dictionary) -> bool:
    outlines = root.get("/Outlines")
    return isinstance(outlines, pikepdf.Dictionary) and "/First" in outlines


# -- the writer table's entry -------------------------------------------------------------

def add_to(papers: list, work: Path | None) -> None:
    """Add each paper's tagged PDF to its outputs, made from its DOCX in one LibreOffice run
    and checked against the machine-checkable PDF/UA rules; a PDF that fails them fails its
    paper.  No LibreOffice is a usage error (nothing is written): the message says how to
    install it.  ``work`` is where the temporary files go (the system's if None)."""
    docx = {f"{paper.id}.docx": paper.outputs[f"{paper.id}.docx"] for paper in papers}
    try:
        made = convert(docx, work)
    except PdfFailed as exc:
        for paper in papers:
            paper.problems += exc.problems(paper.path)
        return
    for paper in papers:
        data = made[f"{paper.id}.pdf"]
        for finding in check(data):
            paper.problems.append(Problem(f"{paper.id}.pdf: {finding}",
                                          (Place(display_path(paper.path)),),
                                          "please report it: the PDF is made from the paper's "
                                          "DOCX by LibreOffice.", rule="accessibility"))
        paper.outputs[f"{paper.id}.pdf"] = data
