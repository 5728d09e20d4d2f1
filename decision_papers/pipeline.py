"""``build()``: run every step for every source, then write.

Like mkdocs, the build gathers everything before it writes anything: each
paper is taken from source to finished bytes in memory, in sorted order, and
only papers with no errors are written.  A paper with problems writes
nothing and leaves its earlier outputs intact; the other papers still build.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import intermediate, output, prose, templates, write_docx, write_markdown
from .checks import run_checks
from .figures import collect
from .figures_file import render as render_figures
from .model import Document, Metadata, plain
from .problems import Place, Problem, ProblemsFound
from .rules import RULES_DIR, load_thresholds
from .source import Source, load
from .validate import validate

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Paper:
    """The outcome of building one source."""

    path: Path
    """Source file."""
    id: str | None = None
    """Decision id, once known."""
    problems: list[Problem] = field(default_factory=list)
    """Errors and warnings, in the order found."""
    outputs: dict[str, bytes] = field(default_factory=dict)
    """File name → bytes, filled only when the paper built."""

    @property
    def failed(self) -> bool:
        """True when any problem is an error."""
        return any(p.severity == "error" for p in self.problems)


class UsageError(Exception):
    """The command was given something it cannot work with (exit 2)."""


def source_date(source_data: dict) -> dt.datetime:
    """The date stamped in document properties.

    ``SOURCE_DATE_EPOCH`` wins where set (the reproducible-builds convention);
    otherwise the approval date, else the chief executive's date.  Never the
    clock.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds.")
    day = source_data["approval"].get("date") or source_data["chief_executive"]["date"]
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time())


def decision_date(data: dict) -> dt.date:
    """The date thresholds are taken at: approval, else the CEO's consultation."""
    return dt.date.fromisoformat(data["approval"].get("date") or data["chief_executive"]["date"])


def build_one(path: Path, strict: bool = False, templates_dir: Path = templates.TEMPLATES_DIR,
              rules_dir: Path = RULES_DIR) -> Paper:
    """Take one source through every step, in memory."""
    paper = Paper(path)
    try:
        source = load(path)
    except ProblemsFound as exc:
        paper.problems += exc.problems
        return paper
    paper.problems += validate(source) + prose.control_characters(source)
    if paper.failed:
        return paper
    data = source.data
    paper.id = data["id"]
    thresholds, problems = load_thresholds(data["organisation"]["rules"],
                                           decision_date(data), rules_dir,
                                           source.place(("organisation", "rules")))
    paper.problems += problems
    form = data["form"]["template"]
    if form not in templates.forms(templates_dir):
        known = ", ".join(templates.forms(templates_dir)) or "none"
        paper.problems.append(Problem(
            f'there is no form "{form}" (no folder templates/{form}/ with a {templates.LAYOUT}).',
            (source.place(("form", "template")),), f"use one of: {known}.", rule="template"))
    figures = collect(data, thresholds)
    view, resolver = prose.view(source, figures)
    paper.problems += resolver.problems
    paper.problems += run_checks(source, figures, resolver.references)
    if strict:
        paper.problems = [_as_error(p) for p in paper.problems]
    if paper.failed:
        return paper
    try:
        markdown = templates.render(data["form"]["template"], view, templates_dir)
        blocks = intermediate.parse(markdown)
    except templates.TemplateProblem as exc:
        paper.problems.append(exc.problem)
        return paper
    except intermediate.UnsupportedMarkdown as exc:
        paper.problems.append(Problem(
            f"{exc}; the templates of form {data['form']['template']} must use only "
            f"{', '.join(intermediate.RULES)}.",
            (Place(f"templates/{data['form']['template']}"),), rule="template"))
        return paper
    document = Document(_metadata(source, view), blocks)
    paper.outputs = {
        f"{paper.id}.docx": output.normalise_docx(write_docx.render(document)),
        f"{paper.id}.md": write_markdown.render(document).encode("utf-8"),
        f"{paper.id}.figures.json": render_figures(source, figures, resolver.references),
    }
    return paper


def _as_error(problem: Problem) -> Problem:
    if problem.severity == "error":
        return problem
    return Problem(problem.message, problem.places, problem.hint, problem.rule,
                   "error", problem.details)


def _metadata(source: Source, view: dict) -> Metadata:
    data = source.data
    return Metadata(
        title=plain(intermediate.parse(view["title"])[0].spans),
        reference=data["reference"],
        form_version=data["form"]["version"],
        organisation=data["organisation"]["name"],
        date=source_date(data),
    )


def default_sources(root: Path = ROOT) -> list[Path]:
    """Every ``decisions/*.json``, sorted so builds run in the same order."""
    return sorted((root / "decisions").glob("*.json"))


def build(paths: list[Path], out_dir: Path, strict: bool = False,
          templates_dir: Path = templates.TEMPLATES_DIR, rules_dir: Path = RULES_DIR) -> list[Paper]:
    """Build every source; write outputs of the papers that succeeded."""
    papers = [build_one(p, strict, templates_dir, rules_dir) for p in sorted(paths, key=str)]
    _duplicate_ids(papers)
    for paper in papers:
        if not paper.failed:
            for name, data in sorted(paper.outputs.items()):
                output.write_atomic(out_dir / name, data)
    return papers


def _duplicate_ids(papers: list[Paper]) -> None:
    seen: dict[str, Paper] = {}
    for paper in papers:
        if paper.id is None or paper.failed:
            continue
        first = seen.setdefault(paper.id, paper)
        if first is not paper:
            for one, other in ((first, paper), (paper, first)):
                one.problems.append(Problem(
                    f'the id "{paper.id}" is also used by {other.path}; both would write '
                    f"out/{paper.id}.docx.", (Place(str(one.path), json_path="$.id"),),
                    "give each decision its own id.", rule="id"))
