"""Make each form pack's ``reference.docx`` from its descriptor's ``look``.

A form's reference document (as pandoc's ``--reference-doc``) holds the look
of that body's form: its styles, fonts, page size and margins, header and
footer.  Every paper of the form starts from it; only its body is replaced.

Run from the repository's root, and commit the result::

    .venv/bin/python scripts/make_reference_docx.py           # (re)write every pack's
    .venv/bin/python scripts/make_reference_docx.py templates/gla-md-2024
    .venv/bin/python scripts/make_reference_docx.py --check   # exit 1 if one is not what this makes

A pack whose ``form.json`` has no ``look`` is left alone: its reference
document is made in Word.

What it makes, from python-docx's default template:

- A4, margins 2 cm at the sides and bottom and 3 cm at the top (room for the
  banner), header and footer 1 cm from the edge;
- Arial everywhere, 11 point body text, black headings;
- only the styles the writer uses (``document.styles.writer_styles()``), plus
  Header and Footer and the defaults Word needs; no latent styles, and only
  the list definitions those styles use (about 8 KB instead of 430 KB);
- a header with a banner (``look.banner``, white on ``look.colour``) above
  an empty paragraph, where the writer puts the paper's reference (and any
  protective marking);
- a footer whose first paragraph shows what the writer puts there: the form
  version and "Page N of M" (``PAGE`` and ``NUMPAGES`` fields);
- a short body showing each style (a paper never carries it: its body is
  replaced), and fixed document properties.

The bytes are the same on every run (fixed zip times and order, fixed
properties), so the committed file changes only when this script does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Cm, Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from decision_papers.atomic import write_atomic  # noqa: E402
from decision_papers.document.styles import PARAGRAPH, writer_styles  # noqa: E402
from decision_papers.word import ooxml  # noqa: E402
from decision_papers.word.archive import normalise_docx  # noqa: E402
from decision_papers.writers.docx import add_paper_styles, save  # noqa: E402

TEMPLATES = ROOT / "templates"
FONT = "Arial"
LANGUAGE = "en-GB"
PAGE = (Mm(210), Mm(297))  # A4
SIDE, TOP, BOTTOM, EDGE = Cm(2), Cm(3), Cm(2), Cm(1)
TEXT_WIDTH = PAGE[0] - 2 * SIDE
STAMP = dt.datetime(2023, 4, 1)  # the form's date; never the clock


def make(pack: Path) -> bytes:
    """The reference document's bytes (normalised, so the same on every run)."""
    form = json.loads((pack / "form.json").read_text(encoding="utf-8"))
    look, version = form["look"], form["version"]
    word = Document()
    ooxml.drop_template_leftovers(word)
    ooxml.scrub_settings(word, LANGUAGE)
    ooxml.strip_revision_ids(word)
    ooxml.set_default_language(word, LANGUAGE)
    ooxml.set_default_font(word, FONT, 22)
    add_paper_styles(word)
    _header_footer_styles(word)
    ooxml.keep_only_styles(word, [name for name, _, _ in writer_styles()] + ["Header", "Footer"])
    ooxml.keep_only_used_numbering(word)
    section = word.sections[0]
    section.page_width, section.page_height = PAGE
    section.left_margin = section.right_margin = SIDE
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.header_distance = section.footer_distance = EDGE
    _banner(section.header, look["banner"], look.get("colour", "000000"))
    _footer(section.footer.paragraphs[0], version)
    _sample_body(word)
    _properties(word, version)
    return normalise_docx(save(word))


def _header_footer_styles(word) -> None:
    """Tab stops at the middle and the right edge of this page's text."""
    for name in ("Header", "Footer"):
        tabs = word.styles[name].paragraph_format.tab_stops
        tabs.clear_all()
        tabs.add_tab_stop(TEXT_WIDTH // 2, WD_TAB_ALIGNMENT.CENTER)
        tabs.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)


def _banner(header, banner: str, colour: str) -> None:
    """A band with the body's name in white, above the paragraph the writer fills."""
    slot = header.paragraphs[0]
    table = header.add_table(rows=1, cols=1, width=TEXT_WIDTH)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    ooxml.move_table_before(table, slot)
    cell = table.cell(0, 0)
    ooxml.shade_cell(cell, colour)
    paragraph = cell.paragraphs[0]
    paragraph.style = "Header"
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(6)
    run = paragraph.add_run(banner)
    run.bold = True
    run.font.size = Pt(14)
    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    slot.paragraph_format.space_before = Pt(4)


def _footer(paragraph, version: str) -> None:
    """What the writer puts in the footer's first paragraph, as a preview."""
    paragraph.add_run(f"{version}\tPage ")
    ooxml.add_field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    ooxml.add_field(paragraph, "NUMPAGES")


def _sample_body(word) -> None:
    """One paragraph in each style, so the document shows its styles when opened."""
    for name, kind, purpose in writer_styles():
        if kind == PARAGRAPH:
            word.add_paragraph(f"{name}: {purpose[:1].upper()}{purpose[1:]}.", style=name)
    table = word.add_table(rows=2, cols=2)
    table.style = word.styles["Table Grid"]
    for cell, text in zip(table._cells, ("Table Grid", "✓", "Tables", "N/A")):  # noqa: SLF001
        cell.text = text


def _properties(word, version: str) -> None:
    ooxml.clear_core_properties(word)
    props = word.core_properties
    props.title = f"{version}: reference document"
    props.author = props.last_modified_by = "decision-papers"
    props.language = LANGUAGE
    props.created = props.modified = STAMP
    props.revision = 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("packs", nargs="*", type=Path,
                        help="form packs (default: every pack under templates/ with a look)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a reference.docx is not exactly what "
                             "this makes")
    args = parser.parse_args(argv)
    packs = args.packs or [p for p in sorted(TEMPLATES.iterdir()) if _has_look(p)]
    status = 0
    for pack in packs:
        target, data = pack / "reference.docx", make(pack)
        if args.check:
            same = target.is_file() and target.read_bytes() == data
            print(f"{target}: {'up to date' if same else 'not what this script makes; run it'}")
            status = status or (0 if same else 1)
            continue
        write_atomic(target, data)
        print(f"wrote {target} ({len(data):,} bytes)")
    return status


def _has_look(pack: Path) -> bool:
    try:
        return "look" in json.loads((pack / "form.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False


if __name__ == "__main__":
    sys.exit(main())
