"""The preview page of one paper: the paper, its findings where they are, its figures.

The paper's blocks are written by the HTML writer (``writers.html``), so the
preview says exactly what the Word paper says.  Each finding is placed under
the block it concerns: its JSON path is named as a reader would name it
(``compare.describe``: "paragraph 5.1", "recommendation 2") and matched to
the block carrying that label.  A finding with no such block (about the
paper's data, a date, a table) is shown above the paper.  Every figure the
paper's figure listing says a block prints is a link to its ``explain`` entry.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
from pathlib import Path

import jinja2

from decision_papers import projects
from decision_papers.document.model import Heading, NumberedParagraph, Paragraph, plain
from decision_papers.figures.listing import Listed, describe
from decision_papers.paper import BuildOptions
from decision_papers.pipeline import build_all
from decision_papers.review.explain import entry_text
from decision_papers.source.folder import is_decision_folder
from decision_papers.writers.html import HANDLERS

TEMPLATES = Path(__file__).resolve().parent / "templates"
_LABEL = re.compile(r"\d+\.\d+")


@functools.cache
def environment() -> jinja2.Environment:
    """The page templates, over govuk-frontend-jinja's page shell and components.

    Made once: compiling GOV.UK Frontend's templates took longer than building
    the paper, on every refresh of the page.
    """
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader([
            jinja2.FileSystemLoader(str(TEMPLATES)),
            jinja2.PrefixLoader({"govuk_frontend_jinja": jinja2.PackageLoader(
                "govuk_frontend_jinja", "templates")})]),
        autoescape=True, trim_blocks=True,
        lstrip_blocks=True)


def source_files(path: Path) -> list[Path]:
    """The files a paper is written in: its JSON, or its folder's JSON and Markdown."""
    if is_decision_folder(path):
        return sorted([*path.glob("*.json"), *path.glob("*.md")])
    return [path]


def version(path: Path) -> str:
    """A digest of the paper's files as they are now: the page reloads when it changes."""
    digest = hashlib.sha256()
    for file in source_files(path):
        try:
            digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
        except OSError:
            digest.update(file.name.encode() + b"\0missing\0")
    return digest.hexdigest()[:16]


def build(project: projects.Project, pid: str):
    """The paper ``pid`` built in memory for the preview, or None if no source has that id."""
    sources = projects.sources_with_id(project, pid)
    if not sources:
        return None
    return build_all(sources, project.out, BuildOptions(preview=True))[0]


def index_page(project: projects.Project) -> str:
    """Every decision of the project, linked."""
    ids = sorted(filter(None, map(projects.declared_id, project.sources())))
    return environment().get_template("index.html").render(ids=ids)


def paper_page(project: projects.Project, pid: str) -> str | None:
    """The preview of ``pid``; None if the project has no such decision."""
    paper = build(project, pid)
    if paper is None:
        return None
    findings = [_finding(number, problem) for number, problem in
                enumerate(sorted(paper.problems, key=lambda p: p.severity != "error"), 1)]
    listed = paper.figures.entries if paper.figures is not None else ()
    sections = paper.figures.sections if paper.figures is not None else {}
    for finding in findings:
        finding["key"] = describe(finding["path"], sections) if finding["path"] else None
    blocks, placed = [], set()
    if paper.document is not None:
        keys = _keys(paper.document.blocks)
        links = _links(listed, sections, pid)
        for block, key in zip(paper.document.blocks, keys):
            text = HANDLERS[type(block)](block)
            for figure_text, href, label in links.get(key, ()):
                text = _link_once(text, figure_text, href, label)
            here = [f for f in findings if f["key"] is not None and f["key"] == key]
            placed.update(f["number"] for f in here)
            blocks.append({"html": jinja2.utils.markupsafe.Markup(text), "findings": here})
    elsewhere = [f for f in findings if f["number"] not in placed]
    meta = paper.document.meta if paper.document is not None else None
    return environment().get_template("paper.html").render(
        pid=pid, meta=meta, blocks=blocks, findings=findings, elsewhere=elsewhere,
        errors=sum(f["error"] for f in findings), version=version(paper.path),
        draft=meta.draft if meta else True, sections=sections)


def explain_page(project: projects.Project, pid: str, fid: str) -> str | None:
    """The ``explain`` entry of figure ``fid`` of ``pid``; None if there is none."""
    paper = build(project, pid)
    if paper is None or paper.figures is None:
        return None
    entry = next((e for e in paper.figures.entries if e.id == fid), None)
    if entry is None:
        return None
    return environment().get_template("explain.html").render(
        pid=pid, fid=fid, text=entry_text(entry, paper.figures.sections))


def _finding(number: int, problem) -> dict:
    place = problem.places[0] if problem.places else None
    return {"number": number, "message": problem.message, "hint": problem.hint,
            "rule": problem.rule, "error": problem.severity == "error",
            "where": str(place) if place else "", "path": place.json_path if place else None,
            "key": None}


def _keys(blocks: list) -> list[str | None]:
    """Each block's name as ``compare.describe`` names places: ``paragraph 5.1``..."""
    keys, heading, count = [], "", 0
    for block in blocks:
        key = None
        if isinstance(block, Heading) and block.level == 1:
            heading, count = plain(block.spans).strip().lower(), 0
        elif isinstance(block, NumberedParagraph) and block.level == 1:
            if _LABEL.fullmatch(block.label):
                key = f"paragraph {block.label}"
            else:
                count += 1
                key = f"recommendation {count}"
        elif isinstance(block, Paragraph) and "summary" in heading:
            count += 1
            key = f"executive summary paragraph {count}"
        keys.append(key)
    return keys


def _links(figures: list[Listed], sections: dict, pid: str) -> dict[str, list]:
    """For each block's name, the figures it prints: (printed text, explain link, id)."""
    found: dict[str, list] = {}
    for figure in figures:
        text = figure.text.get("default")
        if not text:
            continue
        for path in figure.printed_at:
            key = describe(path, sections)
            found.setdefault(key, []).append((text, f"/{pid}/explain/{figure.id}", figure.id))
    for key in found:  # longer texts first, so £1,250,000 is linked before £1,250
        found[key].sort(key=lambda item: -len(item[0]))
    return found


_LINKED = re.compile(r'(<a class="figure"[^>]*>.*?</a>|<[^>]*>)')


def _link_once(text: str, shown: str, href: str, fid: str) -> str:
    """``text`` with the first whole ``shown`` (not the "20" of "2025") outside tags and
    links made a link to ``href``."""
    escaped = html.escape(shown, quote=False)
    whole = re.compile(rf"(?<![0-9A-Za-z]){re.escape(escaped)}(?![0-9A-Za-z])")
    pieces = _LINKED.split(text)
    for index, piece in enumerate(pieces):
        if piece.startswith("<") or not whole.search(piece):
            continue
        link = (f'<a class="figure govuk-link" href="{html.escape(href)}" '
                f'title="{html.escape(fid)}: how it is worked out">{escaped}</a>')
        pieces[index] = whole.sub(lambda _, link=link: link, piece, count=1)
        return "".join(pieces)
    return text
