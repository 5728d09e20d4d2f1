"""Writer: the neutral model → a standalone, accessible HTML5 page.

GOV.UK guidance prefers HTML to PDF or Word for publications: it reflows on
a phone, works with screen readers and can be linked to.  This is the third
writer over the same ``Document`` the DOCX and Markdown writers walk, with
the same ``HANDLERS`` table, so the HTML can never say something the DOCX and
Markdown do not: every heading, paragraph, list item and table cell holds
the same text, numbers and labels (``3.2``, ``(a)``, ``(ii)``) included.

The page is one file with no external resources and no scripts: a small
embedded style sheet, the metadata in ``<meta>`` tags kept apart from the
body, the body in ``<main>``, and any protective marking in a banner at the
top and bottom, as Word prints it on every page.  All text from the model is
data and goes through ``html.escape``.  The same ``Document`` always gives
the same bytes.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

from decision_papers.document.model import (
    BulletList,
    Document,
    Heading,
    NumberedParagraph,
    Paragraph,
    Span,
    Table,
    plain,
)
from decision_papers.document.styles import holds_ticks

STYLE = """\
html { color: #000; background: #fff; }
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif;
       line-height: 1.5; max-width: 40em; margin: 0 auto; padding: 1em; }
h1 { font-size: 1.6em; line-height: 1.25; }
h2 { font-size: 1.3em; margin-top: 1.5em; }
h3 { font-size: 1.1em; margin-top: 1.25em; }
.numbered { padding-left: 3em; }
.numbered.level-2 { padding-left: 6em; }
.numbered > p:first-child .label { display: inline-block; min-width: 3em; margin-left: -3em; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border: 1px solid #000; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
table.ticks th:last-child, table.ticks td:last-child { width: 6em; text-align: center; }
.marking { border: 3px solid #000; padding: 0.25em 0.5em; font-weight: bold;
           text-align: center; letter-spacing: 0.05em; }
.marking p { margin: 0; }
"""
"""Readable without anything the page has to fetch: the system's sans-serif
font, a measure of about 40em, black on white (the highest contrast), grid
lines on tables, and the hanging labels of numbered paragraphs, as in Word."""

_TAGS = {"bold": "strong", "italic": "em"}


def render(doc: Document) -> str:
    """The HTML page of ``doc``: a complete HTML5 document ending with one newline."""
    meta = doc.meta
    lines = ["<!DOCTYPE html>", f'<html lang="{escape(meta.language)}">', "<head>",
             '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{escape(meta.title)}</title>"]
    lines += _meta_tags(doc)
    lines += ["<style>", STYLE.rstrip("\n"), "</style>", "</head>", "<body>"]
    if meta.draft:  # as Word's header says it, until the paper is approved
        lines.append('<header class="marking draft" aria-label="Status"><p>DRAFT</p></header>')
    lines += _marking(doc, "header")
    lines.append("<main>")
    lines += [HANDLERS[type(block)](block) for block in _outline(doc.blocks)]
    lines.append("</main>")
    lines += _marking(doc, "footer")
    lines += ["</body>", "</html>"]
    return "\n".join(lines) + "\n"


def _meta_tags(doc: Document) -> list[str]:
    """The paper's properties as ``<meta>`` tags, as Word keeps them in document properties.

    ``author`` is HTML's own name for who wrote a page; the others are the
    Markdown front matter's fields.  The marking is here too, so a tool that
    indexes pages can see a Part 2 paper without reading its body.
    """
    meta = doc.meta
    fields = {"reference": meta.reference, "form-version": meta.form_version,
              "author": meta.organisation}
    if meta.date:
        fields["date"] = meta.date.isoformat()
    if meta.marking:
        fields["marking"] = meta.marking
    if meta.draft:
        fields["status"] = "draft"
    return [f'<meta name="{name}" content="{escape(value)}">' for name, value in fields.items()]


def _marking(doc: Document, element: str) -> list[str]:
    """A protective marking's banner (``header`` at the top, ``footer`` at the bottom), if any.

    Word prints the marking at the top and bottom of every page; a web page
    has one top and one bottom, so it goes at both, outside ``<main>`` so it
    is never read as part of the paper's text.
    """
    if not doc.meta.marking:
        return []
    return [f'<{element} class="marking" aria-label="Protective marking">'
            f"<p>{escape(doc.meta.marking)}</p></{element}>"]


def _outline(blocks: list):
    """The blocks, with each heading at most one level below the heading before it.

    Screen reader users move around a page by its headings, and a skipped
    level (``h1`` then ``h3``) reads as a missing section.  The forms' headings
    already step down one level at a time; this keeps a page valid if a form
    ever does not, without changing any heading's text.
    """
    previous = -1
    for block in blocks:
        if isinstance(block, Heading):
            previous = min(block.level, previous + 1)
            if previous != block.level:
                block = replace(block, level=previous)
        yield block


def _text(text: str) -> str:
    """Text from the model, escaped: it is data, so ``<script>`` in a span shows as text."""
    return escape(text)


def _spans(spans: list[Span]) -> str:
    """Spans as inline HTML, with ``<strong>`` and ``<em>`` properly nested.

    A format that runs on over several spans stays open across them (the
    longer-running one outside), so ``*a **b** c*`` is one ``<em>`` holding a
    ``<strong>``; a span of spaces only changes nothing.  This is how the
    Markdown writer nests its markers, so both show the same emphasis.
    """
    spans = [s for s in spans if s.text]
    out, opened = [], []
    for index, span in enumerate(spans):
        if not span.text.strip():
            out.append(_text(span.text))
            continue
        wanted = {"bold": span.bold, "italic": span.italic}
        while any(not wanted[mark] for mark in opened):  # close down to what must end
            out.append(f"</{_TAGS[opened.pop()]}>")
        starting = [mark for mark in _TAGS if wanted[mark] and mark not in opened]
        starting.sort(key=lambda mark: -_run(spans, index, mark))
        for mark in starting:
            out.append(f"<{_TAGS[mark]}>")
            opened.append(mark)
        out.append(_text(span.text))
    out += [f"</{_TAGS[mark]}>" for mark in reversed(opened)]
    return "".join(out)


def _run(spans: list[Span], start: int, mark: str) -> int:
    """How many spans from ``start`` on keep ``mark`` (spaces keep any format)."""
    count = 0
    for span in spans[start:]:
        if not getattr(span, mark) and span.text.strip():
            break
        count += 1
    return count


def _heading(block: Heading) -> str:
    """Level 0 (the title) is ``<h1>``, 1 is ``<h2>``, 2 is ``<h3>``; a number prints as in Word."""
    tag = f"h{block.level + 1}"
    number = _text(f"{block.number}. ") if block.number else ""
    return f"<{tag}>{number}{_spans(block.spans)}</{tag}>"


def _paragraph(block: Paragraph) -> str:
    return f"<p>{_spans(block.spans)}</p>"


def _numbered(block: NumberedParagraph) -> str:
    """A numbered paragraph keeps its own label as text, not an ``<ol>`` counter.

    The label is part of what the paper says (``3.2`` is cited elsewhere,
    ``(a)`` and ``(ii)`` are how the form letters them), so it must read the
    same in every output, and copy and paste with the text.  The follow-on
    paragraphs and bullets sit inside the same ``div``, indented with it.
    """
    first, *rest = block.blocks
    label = f'<span class="label">{_text(block.label)}</span>'
    text = _spans(first.spans)
    parts = [f'<div class="numbered level-{block.level}">',
             f"<p>{label} {text}</p>" if text else f"<p>{label}</p>"]
    parts += [HANDLERS[type(inner)](inner) for inner in rest]
    parts.append("</div>")
    return "\n".join(parts)


def _bullets(block: BulletList) -> str:
    """A real ``<ul>``, so a screen reader says how many items there are; nested lists nest."""
    lines = ["<ul>"]
    for item in block.items:
        first, *rest = item if item and isinstance(item[0], Paragraph) else [Paragraph([])] + item
        inner = [HANDLERS[type(nested)](nested) for nested in rest]
        if inner:
            lines.append(f"<li>{_spans(first.spans)}\n" + "\n".join(inner) + "\n</li>")
        else:
            lines.append(f"<li>{_spans(first.spans)}</li>")
    lines.append("</ul>")
    return "\n".join(lines)


def _table(block: Table) -> str:
    """A table whose header cells are ``<th scope="col">``, so each cell is read with its column.

    A two-column table whose second column holds only ticks (``✓``, ``N/A``),
    as a declaration does, gets a narrow centred second column, as in Word.
    """
    ticks = holds_ticks(len(block.header), [[plain(c) for c in row] for row in block.rows])
    lines = ['<table class="ticks">' if ticks else "<table>", "<thead>",
             "<tr>" + "".join(f'<th scope="col">{_spans(c)}</th>' for c in block.header) + "</tr>",
             "</thead>", "<tbody>"]
    lines += ["<tr>" + "".join(f"<td>{_spans(c)}</td>" for c in cells) + "</tr>"
              for cells in block.rows]
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


HANDLERS = {
    Heading: _heading,
    Paragraph: _paragraph,
    NumberedParagraph: _numbered,
    BulletList: _bullets,
    Table: _table,
}


def output(paper) -> bytes:
    """The writer table's entry: a paper's web page, as UTF-8."""
    return render(paper.document).encode("utf-8")
