"""The few things python-docx's proxy API cannot do, in one place.

Everything else in ``writers.docx`` uses the proxy objects.  Each helper here
touches the smallest piece of XML it can.
"""

from __future__ import annotations

import re

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.styles import BabelFish
from docx.text.run import Run

UNWANTED_RELS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml",
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
)
"""Parts of python-docx's default template that a paper must not carry
(``app.xml`` names the template's application and statistics)."""

_SETTINGS_LEFTOVERS = ("w:rsids", "w14:docId", "w15:docId", "w:proofState", "w:savePreviewPicture",
                       "w:attachedTemplate")


def drop_template_leftovers(document) -> None:
    """Remove the default template's custom XML, thumbnail and 2007 styles copy."""
    part = document.part
    for rid in [r for r, rel in part.rels.items() if rel.reltype in UNWANTED_RELS]:
        part.drop_rel(rid)
    rels = part.package.rels  # the package has no drop_rel; it is a dict
    for rid in [r for r, rel in rels.items() if rel.reltype in UNWANTED_RELS]:
        del rels[rid]
        rels.related_parts.pop(rid, None)


def scrub_settings(document, language: str) -> None:
    """Remove the template's editing ids and proofing claims; set the theme language."""
    settings = document.settings.element
    for tag in _SETTINGS_LEFTOVERS:
        try:
            found = settings.findall(qn(tag))
        except KeyError:  # a namespace prefix python-docx does not know
            found = [e for e in settings if e.tag.endswith("}" + tag.split(":")[1])]
        for element in found:
            settings.remove(element)
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), language)


def strip_revision_ids(document) -> None:
    """Remove the template's revision-session ids (``w:rsid*``) from body and styles.

    They identify editing sessions of the machine that made the template, and
    mean nothing in a generated paper.
    """
    for root in (document.element, document.styles.element):
        strip_revision_ids_from(root)


def set_default_language(document, language: str) -> None:
    """Set ``w:lang`` on the document defaults so spelling uses ``language``."""
    rpr = _default_run_properties(document)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), language)


def _default_run_properties(document):
    """``w:docDefaults/w:rPrDefault/w:rPr`` of the styles part, made if missing.

    Python-docx's template has them; a reference document made elsewhere may not.
    """
    styles = document.styles.element
    parent = styles
    for tag in ("w:docDefaults", "w:rPrDefault", "w:rPr"):
        child = parent.find(qn(tag))
        if child is None:
            child = OxmlElement(tag)
            parent.insert(0, child)  # docDefaults comes first in w:styles; the others are alone
        parent = child
    return parent


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


def keep_row_on_one_page(row) -> None:
    """Stop a table row breaking across pages (``w:cantSplit``)."""
    tr_pr = row._tr.get_or_add_trPr()  # noqa: SLF001
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.insert_element_before(OxmlElement("w:cantSplit"), "w:trHeight", "w:tblHeader",
                                    "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del",
                                    "w:trPrChange")


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


# Tracked changes, for ``redline``.  Each helper stamps one revision with the
# ``w:id``/``w:author``/``w:date`` it is given; numbering them is the caller's job.

TRACKED = ("ins", "del")
"""The two kinds of tracked change a redline uses: insertion and deletion."""


def _revision(kind: str, rev_id: int, author: str, date: str):
    if kind not in TRACKED:
        raise ValueError(f"kind must be one of {TRACKED}, not {kind!r}")
    mark = OxmlElement(f"w:{kind}")
    mark.set(qn("w:id"), str(rev_id))
    mark.set(qn("w:author"), author)
    mark.set(qn("w:date"), date)
    return mark


def track_runs(runs, kind: str, rev_id: int, author: str, date: str) -> None:
    """Wrap consecutive runs of one paragraph in one ``w:ins`` or ``w:del``.

    Word shows runs inside ``w:ins`` as inserted and inside ``w:del`` as
    deleted; deleted characters must sit in ``w:delText`` (``w:t`` inside a
    deletion makes Word report the file as corrupt), so they are renamed here.
    """
    if not runs:
        return
    elements = [run._r for run in runs]  # noqa: SLF001
    wrapper = _revision(kind, rev_id, author, date)
    elements[0].addprevious(wrapper)
    for r in elements:
        wrapper.append(r)
        if kind == "del":
            for text in r.findall(qn("w:t")):
                deleted = OxmlElement("w:delText")
                deleted.text = text.text
                deleted.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                text.addprevious(deleted)
                r.remove(text)


def track_paragraph_mark(paragraph, kind: str, rev_id: int, author: str, date: str) -> None:
    """Mark a paragraph's mark (its end) as inserted or deleted.

    Without this, accepting a deleted paragraph leaves an empty paragraph
    behind, and rejecting an inserted one merges it into its neighbour.
    """
    ppr = paragraph._p.get_or_add_pPr()  # noqa: SLF001
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.insert_element_before(rpr, "w:sectPr", "w:pPrChange")
    rpr.insert(0, _revision(kind, rev_id, author, date))  # ins/del lead w:rPr


def track_style_change(paragraph, old_style_id: str | None, rev_id: int, author: str,
                       date: str) -> None:
    """Record that a paragraph's style was ``old_style_id`` (``w:pPrChange``).

    So a bullet that became a plain paragraph, or moved a level, is a tracked
    formatting change that rejecting puts back.  ``None`` means the paragraph
    had no style of its own (Normal).
    """
    ppr = paragraph._p.get_or_add_pPr()  # noqa: SLF001
    change = OxmlElement("w:pPrChange")
    for attr, value in (("w:id", str(rev_id)), ("w:author", author), ("w:date", date)):
        change.set(qn(attr), value)
    old = OxmlElement("w:pPr")
    if old_style_id is not None:
        style = OxmlElement("w:pStyle")
        style.set(qn("w:val"), old_style_id)
        old.append(style)
    change.append(old)
    ppr.append(change)  # w:pPrChange is always the last child of w:pPr


def track_row(row, kind: str, rev_id: int, author: str, date: str) -> None:
    """Mark a whole table row as inserted or deleted (``w:trPr/w:ins|w:del``).

    Runs in ``w:ins``/``w:del`` already show the text; this lets Word accept
    or reject the row itself rather than leave an empty row.
    """
    tr_pr = row._tr.get_or_add_trPr()  # noqa: SLF001
    tr_pr.insert_element_before(_revision(kind, rev_id, author, date), "w:trPrChange")


# Reference documents (``templates/<form>/reference.docx``): a paper starts from
# the form's own document, keeping its styles, page, header and footer.

REFERENCE_LEFTOVERS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments",
    "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
    "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
    "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible",
    "http://schemas.microsoft.com/office/2011/relationships/people",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/glossaryDocument",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate",
)
"""Parts of a reference document a paper must not carry: its comments and their
authors, custom properties, building blocks and the path of its Word template."""


def drop_reference_leftovers(document) -> None:
    """Remove ``UNWANTED_RELS`` and ``REFERENCE_LEFTOVERS`` from the package, body and settings."""
    unwanted = UNWANTED_RELS + REFERENCE_LEFTOVERS
    for part in [document.part, document.part._settings_part]:  # noqa: SLF001
        for rid in [r for r, rel in part.rels.items() if rel.reltype in unwanted]:
            part.drop_rel(rid)
    rels = document.part.package.rels
    for rid in [r for r, rel in rels.items() if rel.reltype in unwanted]:
        del rels[rid]
        rels.related_parts.pop(rid, None)


def empty_body(document) -> bool:
    """Remove everything from the body but its last section properties (the page).

    Returns False, leaving the body as it is, if it has no section properties.
    """
    body = document.element.body
    last = body[-1] if len(body) else None
    if last is None or last.tag != qn("w:sectPr"):
        return False
    for child in list(body)[:-1]:
        body.remove(child)
    return True


def clear_core_properties(document) -> None:
    """Remove every core property (``docProps/core.xml``), so only those set after remain."""
    element = document.core_properties._element  # noqa: SLF001
    for child in list(element):
        element.remove(child)


def strip_revision_ids_from(element) -> None:
    """``strip_revision_ids`` for one more part, such as a header or footer."""
    rsid = qn("w:rsid")
    for item in list(element.iter()):
        if item.tag == rsid:
            item.getparent().remove(item)
            continue
        for name in [a for a in item.attrib if a.split("}")[-1].startswith("rsid")]:
            del item.attrib[name]


# For ``scripts/make_reference_docx.py``, which makes a form's reference document.

def set_default_font(document, name: str, half_points: int) -> None:
    """Set the document defaults' font (every script) and size, replacing theme fonts."""
    rpr = _default_run_properties(document)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    for tag in ("w:sz", "w:szCs"):
        size = rpr.find(qn(tag))
        if size is None:
            size = OxmlElement(tag)
            rpr.append(size)
        size.set(qn("w:val"), str(half_points))


def keep_only_styles(document, names) -> None:
    """Remove every style not in ``names``, and not a default or a base of one kept.

    Also removes latent styles (Word's list of built-in styles it may add) and
    ``w:link``/``w:next`` references to styles that are gone.
    """
    names = {BabelFish.ui2internal(name) for name in names}  # "Heading 1" is "heading 1" inside
    root = document.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
    wanted = {s.get(qn("w:styleId")) for s in by_id.values()
              if s.get(qn("w:default")) == "1" or _style_name(s) in names}
    for style_id in list(wanted):  # and what they are based on
        while style_id in by_id:
            based = by_id[style_id].find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
            if style_id:
                wanted.add(style_id)
    for style_id, style in by_id.items():
        if style_id not in wanted:
            root.remove(style)
            continue
        for tag in ("w:link", "w:next"):
            ref = style.find(qn(tag))
            if ref is not None and ref.get(qn("w:val")) not in wanted:
                style.remove(ref)
    for latent in root.findall(qn("w:latentStyles")):
        root.remove(latent)


def _style_name(style) -> str | None:
    name = style.find(qn("w:name"))
    return None if name is None else name.get(qn("w:val"))


def keep_only_used_numbering(document) -> None:
    """Remove list definitions (``numbering.xml``) that no style uses."""
    styles = document.styles.element
    used = {n.get(qn("w:val")) for n in styles.iter(qn("w:numId"))}
    numbering = document.part.numbering_part.element
    abstract = set()
    for num in numbering.findall(qn("w:num")):
        if num.get(qn("w:numId")) in used:
            abstract.add(num.find(qn("w:abstractNumId")).get(qn("w:val")))
        else:
            numbering.remove(num)
    for definition in numbering.findall(qn("w:abstractNum")):
        if definition.get(qn("w:abstractNumId")) not in abstract:
            numbering.remove(definition)


def shade_cell(cell, fill: str) -> None:
    """Fill a table cell with the colour ``fill`` (``RRGGBB``)."""
    tc_pr = cell._tc.get_or_add_tcPr()  # noqa: SLF001
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc_pr.append(shading)


def move_table_before(table, paragraph) -> None:
    """Move ``table`` to just before ``paragraph`` (a header's banner above its text)."""
    paragraph._p.addprevious(table._tbl)  # noqa: SLF001


def set_paragraph_style(paragraph, style_id: str) -> None:
    """Give a new ``paragraph`` the style whose id is ``style_id``, already resolved.

    python-docx's ``paragraph.style = name`` searches styles.xml for the name
    (and for the default style) on every call, then places ``w:pStyle`` among
    the thirty-odd children ``w:pPr`` may have; a paper resolves each name
    once, and a new paragraph's ``w:pPr`` holds nothing else yet.
    """
    p = paragraph._p  # noqa: SLF001
    if p.pPr is not None:
        p.style = style_id
        return
    ppr = OxmlElement("w:pPr")
    ppr.append(OxmlElement("w:pStyle", attrs={qn("w:val"): style_id}))
    p.insert(0, ppr)


_BREAKS = re.compile(r"([\t\r\n])")


def add_text_run(paragraph, text: str, bold: bool = False, italic: bool = False):
    """``paragraph.add_run(text)`` with ``bold`` and ``italic`` set only when true.

    As python-docx does it (a tab is ``w:tab``, a line break ``w:br``), but a
    piece of text at a time, not a character at a time; and a plain run gets
    no empty ``w:rPr``.
    """
    r = paragraph._p.add_r()  # noqa: SLF001
    if bold or italic:
        rpr = OxmlElement("w:rPr")
        if bold:
            rpr.append(OxmlElement("w:b"))
        if italic:
            rpr.append(OxmlElement("w:i"))
        r.insert(0, rpr)
    for piece in _BREAKS.split(text) if text else ():
        if piece == "\t":
            r.add_tab()
        elif piece in ("\r", "\n"):
            r.add_br()
        elif piece:
            r.add_t(piece)
    return Run(r, paragraph)
