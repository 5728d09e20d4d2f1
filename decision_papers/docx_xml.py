"""The few things python-docx's proxy API cannot do, in one place.

Everything else in ``write_docx`` uses the proxy objects.  Each helper here
touches the smallest piece of XML it can.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

UNWANTED_RELS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml",
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
)
"""Parts of python-docx's default template that a paper must not carry."""


def drop_template_leftovers(document) -> None:
    """Remove the default template's custom XML, thumbnail and 2007 styles copy."""
    part = document.part
    for rid in [r for r, rel in part.rels.items() if rel.reltype in UNWANTED_RELS]:
        part.drop_rel(rid)
    rels = part.package.rels  # the package has no drop_rel; it is a dict
    for rid in [r for r, rel in rels.items() if rel.reltype in UNWANTED_RELS]:
        del rels[rid]
        rels.related_parts.pop(rid, None)


def set_default_language(document, language: str) -> None:
    """Set ``w:lang`` on the document defaults so spelling uses ``language``."""
    styles = document.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), language)


def add_field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """Append a simple field (``PAGE``, ``NUMPAGES``) to a paragraph."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)  # noqa: SLF001


def repeat_as_header_row(row) -> None:
    """Mark a table row as a header row, repeated at the top of each page."""
    tr_pr = row._tr.get_or_add_trPr()  # noqa: SLF001
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def set_font_everywhere(style, name: str) -> None:
    """Use ``name`` for every script, overriding the template's theme fonts.

    python-docx sets only the ascii/hAnsi fonts, and theme attributes
    (``w:asciiTheme``...) win over those in Word and LibreOffice.
    """
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
