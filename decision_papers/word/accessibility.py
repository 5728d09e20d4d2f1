"""Accessibility checks on a paper's DOCX, for the public sector accessibility regulations.

Every published paper must meet the Public Sector Bodies (Websites and Mobile
Applications) (No. 2) Accessibility Regulations 2018, that is WCAG 2.x AA.
``check(data)`` reads a DOCX (its bytes) and returns a ``Finding`` for each
thing a screen reader, a magnifier or a printed page would get wrong: no
title or language, headings out of order, tables without a header row or with
rows that break across pages, headings left alone at the foot of a page or
sign-offs split across two, empty paragraphs used for spacing, typed lists, images
without alternative text and text too faint to read.

Each rule is one small function in ``RULES``, which yields ``(message, hint)``
pairs; the messages say what is wrong and where (the paragraph's first words,
or the table's number in the body), and are the same on every run.  Nothing
here uses the network or the clock.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass
from typing import Callable, Iterator

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.styles import BabelFish
from docx.table import Table as DocxTable

from decision_papers.document.styles import HEADING_LEVELS, HEADING_STYLES, NUMBERED_LEVELS
from decision_papers.word import archive

LANGUAGE = "en-GB"
"""The language every paper must declare."""

MIN_CONTRAST = 4.5
"""WCAG 2.x AA (1.4.3): the least contrast ratio between text and its background."""

MAX_BLOCK = 10
"""Most paragraphs a labelled block may have; a longer section is not one (it could
not be kept on one page)."""

MAX_LABEL = 40
"""Most characters of a bold label (``Signature:``) that marks a labelled block."""

TYPED_LIST = re.compile(r"(?:[•·]|[-*](?=\s)|\d+[.)](?=\s))")
"""The start of a paragraph that types its own bullet or number (``•``, ``- ``, ``1. ``)."""

WHITE = "FFFFFF"


@dataclass(frozen=True)
class Finding:
    """One way a DOCX fails the accessibility regulations."""

    rule: str
    """Short id of the rule it breaks: a key of ``RULES``, such as ``"table_rows"``."""
    message: str
    """What is wrong and where, in plain English: the paragraph's first words, the table's
    number."""
    hint: str
    """How to fix it."""

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


def check(data: bytes) -> list[Finding]:
    """Every accessibility finding for the DOCX ``data``, in ``RULES`` order; ``[]`` if none.

    Raises ``archive.Refused`` for a zip bomb, before anything in it is
    expanded; a file python-docx cannot read raises what python-docx raises.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        archive.check_archive(zipped)
    paper = _Paper(docx.Document(io.BytesIO(data)))
    return [Finding(rule, message, hint)
            for rule, function in RULES.items() for message, hint in function(paper)]


# -- reading the document -------------------------------------------------------------

class _Paper:
    """A python-docx document, with its styles resolved the way Word resolves them."""

    def __init__(self, word):
        self.word = word
        self.body = word.element.body
        root = word.styles.element
        self.styles = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
        self.default_style = {
            s.get(qn("w:type")): s.get(qn("w:styleId")) for s in root.findall(qn("w:style"))
            if s.get(qn("w:default")) in ("1", "true", "on")}
        self.defaults_rpr = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self.tables = {tbl: n for n, tbl in enumerate(self.body.iter(qn("w:tbl")), 1)}
        # what a style gives is the same for each of its paragraphs and runs: found once
        self._chains: dict = {}
        self._names: dict = {}
        self._colours: dict = {}
        self._properties: dict = {}

    def parts(self) -> list[tuple[str, object]]:
        """``(kind, root element)`` of the body and of each header and footer, in part order."""
        found = []
        for rel in self.word.part.rels.values():
            if not rel.is_external and rel.reltype in (RT.HEADER, RT.FOOTER):
                kind = "header" if rel.reltype == RT.HEADER else "footer"
                found.append((str(rel.target_part.partname), kind, rel.target_part.element))
        return [("body", self.body)] + [(kind, root) for _, kind, root in sorted(found, key=_first)]

    def chain(self, style_id: str | None) -> list:
        """The style ``style_id`` and each style it is based on, in order."""
        key = style_id
        if key not in self._chains:
            found, seen = [], set()
            while style_id in self.styles and style_id not in seen:
                seen.add(style_id)
                style = self.styles[style_id]
                found.append(style)
                based = style.find(qn("w:basedOn"))
                style_id = None if based is None else based.get(qn("w:val"))
            self._chains[key] = found
        return self._chains[key]

    def style_name(self, style_id: str | None) -> str:
        if style_id not in self._names:
            style = self.styles.get(style_id)
            name = None if style is None else style.find(qn("w:name"))
            self._names[style_id] = BabelFish.internal2ui(name.get(qn("w:val"))) \
                if name is not None else str(style_id)
        return self._names[style_id]

    def paragraph_style(self, p) -> str | None:
        """The id of paragraph ``p``'s style (the default paragraph style if it names none)."""
        found = p.find(_PSTYLE)
        return found.get(_VAL) if found is not None else self.default_style.get("paragraph")

    def paragraph_property(self, p, tag: str):
        """``w:pPr/<tag>`` of ``p``, or of its style or a style that one is based on."""
        found = p.find(f"{_PPR}/{qn(tag)}")
        if found is not None:
            return found
        key = (self.paragraph_style(p), tag)
        if key not in self._properties:
            self._properties[key] = next(filter(lambda e: e is not None, (
                style.find(f"{_PPR}/{qn(tag)}") for style in self.chain(key[0]))), None)
        return self._properties[key]

    def keeps_with_next(self, p) -> bool:
        return _on(self.paragraph_property(p, "w:keepNext"))

    def heading_level(self, p) -> int | None:
        return heading_level(self.style_name(self.paragraph_style(p)))

    def text_colour(self, run) -> tuple[str | None, bool]:
        """``(RRGGBB or None for automatic, whether set on the run itself)`` for a ``w:r``."""
        own = run.find(f"{qn('w:rPr')}/{qn('w:color')}")
        if own is not None:
            return _colour(own.get(qn("w:val"))), True
        char = run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
        p = next(run.iterancestors(qn("w:p")), None)
        key = (None if char is None else char.get(qn("w:val")),
               None if p is None else self.paragraph_style(p), p is None)
        if key not in self._colours:
            self._colours[key] = self._style_colour(*key)
        return self._colours[key]

    def _style_colour(self, char_style, paragraph_style, outside) -> tuple[str | None, bool]:
        styles = [] if char_style is None else list(self.chain(char_style))
        if not outside:
            styles += self.chain(paragraph_style)
        for style in styles:
            found = style.find(f"{qn('w:rPr')}/{qn('w:color')}")
            if found is not None:
                return _colour(found.get(qn("w:val"))), False
        found = None if self.defaults_rpr is None else self.defaults_rpr.find(qn("w:color"))
        return (None if found is None else _colour(found.get(qn("w:val")))), False


_PPR, _PSTYLE, _VAL = qn("w:pPr"), f"{qn('w:pPr')}/{qn('w:pStyle')}", qn("w:val")


def _first(item):
    return item[0]


def _on(element) -> bool:
    """Whether an on/off property (``<w:keepNext/>``, ``<w:cantSplit w:val="0"/>``) is on."""
    return element is not None and element.get(qn("w:val"), "true") not in ("0", "false", "off")


def heading_level(style_name: str) -> int | None:
    """The heading level of a paragraph style (Title is 0), or ``None`` if it is no heading."""
    if style_name in HEADING_LEVELS:
        return HEADING_LEVELS[style_name]
    match = re.fullmatch(r"Heading ([1-9])", style_name)
    return int(match.group(1)) if match else None


def _level_name(level: int) -> str:
    return HEADING_STYLES.get(level, f"Heading {level}")


def _text(element) -> str:
    """The text of a paragraph, cell or run as a page shows it (tracked deletions too)."""
    return "".join(e.text or "" if e.tag != qn("w:tab") else "\t"
                   for e in element.iter(qn("w:t"), qn("w:delText"), qn("w:tab")))


def _quote(text: str, words: int = 6) -> str:
    """The first few words of ``text`` in quotes, with ``…`` if there is more."""
    split = text.split()
    shown = " ".join(split[:words])
    if len(shown) > 50:
        shown = shown[:50].rstrip()
    return f'"{shown}…"' if shown != " ".join(split) else f'"{shown}"'


def _colour(value: str | None) -> str | None:
    """``RRGGBB`` (upper case), or ``None`` for automatic or anything else."""
    if value and re.fullmatch(r"[0-9A-Fa-f]{6}", value):
        return value.upper()
    return None


def _shading(parent) -> str | None:
    """The background colour a ``w:shd`` child of ``parent`` gives, or ``None``."""
    shd = None if parent is None else parent.find(qn("w:shd"))
    if shd is None or shd.get(qn("w:val")) == "nil":
        return None
    if shd.get(qn("w:val")) == "solid":  # the pattern colour covers the cell
        return _colour(shd.get(qn("w:color"))) or _colour(shd.get(qn("w:fill")))
    return _colour(shd.get(qn("w:fill")))


def _luminance(rgb: str) -> float:
    """Relative luminance of an ``RRGGBB`` colour, as WCAG 2.x defines it."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (int(rgb[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(one: str, other: str) -> float:
    """WCAG 2.x contrast ratio of two ``RRGGBB`` colours, from 1 to 21."""
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _ratio(value: float) -> str:
    """A ratio for a message, to 2 places; a failing one never reads as 4.50."""
    shown = round(value, 2)
    if value < MIN_CONTRAST:
        shown = min(shown, math.floor(MIN_CONTRAST * 100 - 1) / 100)
    return f"{shown:.2f}:1"


def _cell_place(paper: _Paper, tc) -> str:
    """``table 2, row 3, column 1`` for a body cell."""
    tr = tc.getparent()
    tbl = tr.getparent()
    row = tbl.findall(qn("w:tr")).index(tr) + 1
    column = tr.findall(qn("w:tc")).index(tc) + 1
    return f"table {paper.tables.get(tbl, '?')}, row {row}, column {column}"


def _table_name(paper: _Paper, tbl) -> str:
    first = tbl.find(f"{qn('w:tr')}/{qn('w:tc')}")
    text = "" if first is None else _text(first).strip()
    return f"table {paper.tables[tbl]}" + (f" (first cell {_quote(text)})" if text else "")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# -- labelled blocks (sign-offs), shared with the writer --------------------------------

def bold_label(paragraph) -> str | None:
    """The bold label a python-docx paragraph starts with (``Signature:``), or ``None``.

    A label is the text of the paragraph's leading bold runs, ending in ``:``,
    of at most ``MAX_LABEL`` characters.
    """
    label = ""
    for run in paragraph.runs:
        # run.text, without its XPath search: the same children, in order, as text
        text = "".join(str(e) for e in run._r if e.tag in _RUN_TEXT)  # noqa: SLF001
        if not text:
            continue
        if not run.bold:
            break
        label += text
    label = label.strip()
    return label if label.endswith(":") and len(label) <= MAX_LABEL else None


_RUN_TEXT = frozenset(qn(t) for t in ("w:br", "w:cr", "w:noBreakHyphen", "w:ptab", "w:t",
                                       "w:tab"))
"""The children of a run that python-docx's ``Run.text`` reads."""


def labelled_blocks(word) -> list[list]:
    """The labelled blocks of a python-docx document, each a list of its paragraphs.

    A labelled block is the run of body paragraphs under a heading (up to the
    next heading, a table or the end) when one of them starts with a bold
    label such as ``Signature:`` and there are 2 to ``MAX_BLOCK`` of them: a
    sign-off (declaration, name, signature, date), or the reference and title
    under a paper's title.  The writer keeps each together on one page (it
    knows no form, so it goes by the labels); ``keep_with_next`` checks it.
    """
    return [paragraphs for _, paragraphs in _labelled(word)]


def _labelled(word) -> list[tuple[object, list]]:
    """``(heading, its paragraphs)`` for each labelled block (python-docx paragraphs)."""
    blocks, heading, current = [], None, []
    style_name = _paragraph_style_names(word)
    for item in [*word.iter_inner_content(), None]:
        is_heading = item is not None and not isinstance(item, DocxTable) and (
            heading_level(style_name(item._p)) is not None)  # noqa: SLF001
        if item is None or isinstance(item, DocxTable) or is_heading:
            if heading is not None and 2 <= len(current) <= MAX_BLOCK and any(
                    map(bold_label, current)):
                blocks.append((heading, current))
            heading, current = (item if is_heading else None), []
        elif heading is not None:
            current.append(item)
    return blocks


def _paragraph_style_names(word):
    """``w:p`` → the name of its paragraph style, as ``paragraph.style.name`` gives it.

    Read from styles.xml once: python-docx searches it on each ``paragraph.style``,
    which made this walk a tenth of the time to build a paper.
    """
    names, default = {}, None
    for style in word.styles.element.findall(qn("w:style")):
        if style.get(qn("w:type")) != "paragraph":
            continue
        sid, name = style.get(qn("w:styleId")), style.find(qn("w:name"))
        # as python-docx: the first style of an id, the last default, no name as ""
        names.setdefault(sid, BabelFish.internal2ui(name.get(qn("w:val")))
                         if name is not None else "")
        if style.get(qn("w:default")) in ("1", "true", "on"):
            default = sid

    def name_of(p) -> str:
        sid = p.style
        return names[sid] if sid in names else names.get(default, "")
    return name_of


# -- the rules ----------------------------------------------------------------------

Found = Iterator[tuple[str, str]]


def _title(paper: _Paper) -> Found:
    """The Title property is set: screen readers announce it, and it names the file."""
    if not (paper.word.core_properties.title or "").strip():
        yield ("the document has no title: its Title property is empty.",
               "set the paper's title (the writer puts it in the Title property); in Word: "
               "File > Info > Properties > Title.")


def _language(paper: _Paper) -> Found:
    """The language is declared (Language property or default text language) and is en-GB."""
    hint = (f"set the language to {LANGUAGE}: the paper's language, or in Word Review > "
            "Language > Set Proofing Language, then Set As Default.")
    lang = None if paper.defaults_rpr is None else paper.defaults_rpr.find(qn("w:lang"))
    declared = [("its Language property", (paper.word.core_properties.language or "").strip()),
                ("the default language of its text",
                 "" if lang is None else (lang.get(qn("w:val")) or "").strip())]
    if not any(value for _, value in declared):
        yield ("the document's language is not set (neither its Language property nor the "
               "default language of its text).", hint)
    for where, value in declared:
        if value and value.lower() != LANGUAGE.lower():
            yield f'the document\'s language is "{value}" ({where}); it must be {LANGUAGE}.', hint


def _headings(paper: _Paper) -> Found:
    """Headings start at Title or Heading 1 and never skip a level on the way down."""
    hint = ("use the heading levels in order: Title, then Heading 1, and Heading 2 only under "
            "a Heading 1; choose a heading's level for its place, not its look.")
    previous = None  # (level, text) of the heading before
    for p in paper.body.iter(qn("w:p")):
        level = paper.heading_level(p)
        if level is None:
            continue
        text = _quote(_text(p).strip())
        here = f"heading {text} ({_level_name(level)})"
        if previous is None and level > 1:
            yield (f"{here} is the first heading; headings must start at Title or Heading 1.",
                   hint)
        elif previous is not None and level > previous[0] + 1:
            yield (f"{here} follows heading {previous[1]} ({_level_name(previous[0])}), "
                   f"skipping {_level_name(previous[0] + 1)}.", hint)
        previous = (level, text)


def _table_header(paper: _Paper) -> Found:
    """Each body table's first row is a header row (a header's banner is layout, not data)."""
    for tbl in paper.tables:
        first = tbl.find(qn("w:tr"))
        if first is not None and not _on(first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}")):
            yield (f"{_table_name(paper, tbl)} has no header row: its first row is not marked "
                   "to repeat as the header.",
                   "mark the first row as a header row (in Word: Table Properties > Row > Repeat "
                   "as header row at the top of each page).")


def _table_rows(paper: _Paper) -> Found:
    """No row of a body table may break across pages (``w:cantSplit`` on every row)."""
    for tbl in paper.tables:
        rows = tbl.findall(qn("w:tr"))
        loose = [str(n) for n, tr in enumerate(rows, 1)
                 if not _on(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}"))]
        if loose:
            which = (f"all {len(rows)} of its rows" if len(loose) == len(rows) > 1
                     else f"row{'s' if len(loose) > 1 else ''} {_and(loose)}")
            yield (f"{_table_name(paper, tbl)}: {which} can break across pages.",
                   "keep each row on one page (in Word: Table Properties > Row > untick Allow "
                   "row to break across pages).")


def _keep_with_next(paper: _Paper) -> Found:
    """Headings are kept with the next paragraph, and each labelled block kept together."""
    for p in paper.body.iter(qn("w:p")):
        level = paper.heading_level(p)
        if level is not None and not paper.keeps_with_next(p):
            yield (f"heading {_quote(_text(p).strip())} ({_level_name(level)}) is not kept with "
                   "the next paragraph, so it can be left alone at the foot of a page.",
                   "turn on Keep with next in the heading's style (in Word: Paragraph > Line and "
                   "Page Breaks).")
    for heading, block in _labelled(paper.word):
        loose = [p._p for p in block[:-1] if not paper.keeps_with_next(p._p)]  # noqa: SLF001
        if loose:
            label = next(filter(None, map(bold_label, block)))
            under = _quote(_text(heading._p).strip())  # noqa: SLF001
            yield (f"the block under heading {under}, with the label "
                   f'"{label}", is not kept together: paragraph {_quote(_text(loose[0]).strip())}'
                   " is not kept with the next, so the block can break across pages.",
                   "turn on Keep with next for every paragraph of the block but its last (in "
                   "Word: Paragraph > Line and Page Breaks).")


def _empty_paragraphs(paper: _Paper) -> Found:
    """No empty paragraphs for spacing, in the body or in table cells."""
    hint = ("delete the empty paragraph; for space between paragraphs use the style's Spacing "
            "Before or After.")
    previous = None
    for child in paper.body:
        if child.tag == qn("w:p"):
            if _spacer(child, previous, last=child.getnext() is None
                       or child.getnext().tag == qn("w:sectPr")):
                after = _text(previous).strip() if previous is not None else ""
                where = (f"after {_quote(after)}" if after else
                         "at the start of the body" if previous is None else "after table "
                         f"{paper.tables.get(previous, '?')}" if previous.tag == qn("w:tbl")
                         else "after another empty paragraph")
                yield f"an empty paragraph {where} is used for spacing.", hint
        if child.tag in (qn("w:p"), qn("w:tbl")):
            previous = child
    for tbl in paper.tables:
        for tc in tbl.iter(qn("w:tc")):
            if tc.getparent().getparent() is not tbl:
                continue  # a nested table's cells are checked as that table's
            blocks = [c for c in tc if c.tag in (qn("w:p"), qn("w:tbl"))]
            if len(blocks) == 1:
                continue  # a genuinely empty cell has one empty paragraph
            for i, child in enumerate(blocks):
                if child.tag == qn("w:p") and _spacer(
                        child, blocks[i - 1] if i else None, last=i == len(blocks) - 1):
                    yield (f"{_cell_place(paper, tc)} has an empty paragraph used for "
                           "spacing.", hint)
                    break


def _spacer(p, previous, last: bool) -> bool:
    """Whether paragraph ``p`` is empty and only there for space.

    Not a spacer: one with text, a picture or object, a page or column break,
    or section properties; nor the empty paragraph Word must have after a
    table that ends the body or a cell.
    """
    if _text(p).strip():
        return False
    for tag in ("w:drawing", "w:pict", "w:object", "w:sectPr"):
        if next(p.iter(qn(tag)), None) is not None:
            return False
    if any(br.get(qn("w:type")) in ("page", "column") for br in p.iter(qn("w:br"))):
        return False
    return not (last and previous is not None and previous.tag == qn("w:tbl"))


def _lists(paper: _Paper) -> Found:
    """No typed bullets or numbers; a list style's paragraphs carry real list numbering.

    Headings and numbered paragraphs (``3.1<tab>``) type their numbers on purpose: they
    are paragraph numbers the text refers to, not list items.  A typed list is two or
    more paragraphs in a row that start with the same bullet, or with numbers that
    count up (``1.``, ``2.``): one paragraph that starts "2024." or "* " is text.
    """
    numbers = _numbering(paper)
    previous = None  # the typed marker of the paragraph before, as (kind, number)
    for p in paper.body.iter(qn("w:p")):
        name = paper.style_name(paper.paragraph_style(p))
        text = _text(p).strip()
        num = paper.paragraph_property(p, "w:numPr")
        num_id = None if num is None else num.find(qn("w:numId"))
        numbered = num_id is not None and num_id.get(qn("w:val")) in numbers
        if "bullet" in name.lower() or name.lower().startswith("list number"):
            if not numbered:
                yield (f"paragraph {_quote(text)} is in the list style \"{name}\", which has no "
                       "list numbering, so it is not read as a list item.",
                       "give the list style its bullets or numbers (in Word: Modify Style > "
                       "Format > Numbering), or use the reference document's List Bullet.")
            continue
        if numbered or heading_level(name) is not None or name in NUMBERED_LEVELS:
            previous = None
            continue  # headings and numbered paragraphs type their numbers on purpose
        match = TYPED_LIST.match(text)
        marker = _marker(match.group()) if match else None
        if marker and previous and marker[0] == previous[0] and \
                (marker[1] is None or marker[1] == previous[1] + 1):
            yield (f"paragraph {_quote(text)} types its own list marker (\"{match.group()}\") "
                   "instead of being a real list item.",
                   "use a list style (List Bullet, List Number) and delete the typed marker.")
        previous = marker


def _marker(typed: str) -> tuple[str, int | None]:
    """A typed marker's kind and number: ``("•", None)``, ``(".", 2)`` for ``2.``."""
    if typed[:-1].isdigit():
        return typed[-1], int(typed[:-1])
    return typed, None


def _numbering(paper: _Paper) -> set[str]:
    """The ``w:numId`` values the document's numbering part defines (not ``0``, no list)."""
    try:
        root = paper.word.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return set()
    return {n.get(qn("w:numId")) for n in root.findall(qn("w:num"))} - {"0"}


def _alt_text(paper: _Paper) -> Found:
    """Every image, in the body, a header or a footer, has alternative text or is decorative."""
    for kind, root in paper.parts():
        where = "the body" if kind == "body" else f"the {kind}"
        for pr in root.iter(qn("wp:docPr")):
            decorative = any(e.tag.endswith("}decorative") and e.get("val") in ("1", "true")
                             for e in pr.iter())
            if not (pr.get("descr") or "").strip() and not decorative:
                name = pr.get("name") or pr.get("id") or "?"
                yield (f'image "{name}" in {where} has no alternative text.',
                       "describe the image in its alternative text (in Word: right-click, View "
                       "Alt Text), or mark it as decorative.")


def _contrast(paper: _Paper) -> Found:
    """Text against its background reaches ``MIN_CONTRAST``: every style's colour on white,
    and each run's colour on any shading (a header's banner, a table cell).  Automatic
    text is left alone: Word draws it black or white, whichever reads.
    """
    hint = (f"darken the text, or change its background, until the contrast ratio is at least "
            f"{MIN_CONTRAST}:1.")
    for style in paper.styles.values():
        if style.get(qn("w:type")) not in ("paragraph", "character"):
            continue
        colour = style.find(f"{qn('w:rPr')}/{qn('w:color')}")
        rgb = None if colour is None else _colour(colour.get(qn("w:val")))
        if rgb and contrast(rgb, WHITE) < MIN_CONTRAST:
            name = paper.style_name(style.get(qn("w:styleId")))
            yield (f'style "{name}": text colour #{rgb} on white has a contrast ratio of '
                   f"{_ratio(contrast(rgb, WHITE))}, below the {MIN_CONTRAST}:1 needed.", hint)
    colour = None if paper.defaults_rpr is None else paper.defaults_rpr.find(qn("w:color"))
    rgb = None if colour is None else _colour(colour.get(qn("w:val")))
    if rgb and contrast(rgb, WHITE) < MIN_CONTRAST:
        yield (f"the default text colour #{rgb} on white has a contrast ratio of "
               f"{_ratio(contrast(rgb, WHITE))}, below the {MIN_CONTRAST}:1 needed.", hint)
    seen = set()
    for kind, root in paper.parts():
        for run in root.iter(qn("w:r")):
            text = _text(run).strip()
            rgb, direct = paper.text_colour(run)
            if not text or rgb is None:
                continue  # automatic text is black or white, whichever reads
            p = next(run.iterancestors(qn("w:p")), None)
            tc = next(run.iterancestors(qn("w:tc")), None)
            background = (_shading(run.find(qn("w:rPr")))
                          or _shading(None if p is None else p.find(qn("w:pPr")))
                          or _shading(None if tc is None else tc.find(qn("w:tcPr"))))
            if background is None and not direct:
                continue  # the style's colour on white: checked with the style above
            background = background or WHITE
            ratio = contrast(rgb, background)
            if ratio >= MIN_CONTRAST:
                continue
            if tc is not None and kind == "body":
                where = _cell_place(paper, tc)
            elif tc is not None:
                where = f"{kind} banner {_quote(_text(tc).strip())}"
            else:
                where = f"{'paragraph' if kind == 'body' else kind} {_quote(_text(p).strip())}"
            shown = "white" if background == WHITE else f"#{background}"
            message = (f"{where}: text colour #{rgb} on {shown} has a contrast ratio of "
                       f"{_ratio(ratio)}, below the {MIN_CONTRAST}:1 needed.")
            if message not in seen:
                seen.add(message)
                yield message, hint


RULES: dict[str, Callable[[_Paper], Found]] = {
    "title": _title,
    "language": _language,
    "headings": _headings,
    "table_header": _table_header,
    "table_rows": _table_rows,
    "keep_with_next": _keep_with_next,
    "empty_paragraphs": _empty_paragraphs,
    "lists": _lists,
    "alt_text": _alt_text,
    "contrast": _contrast,
}
"""Each rule's short id → the function that yields its ``(message, hint)`` findings."""
