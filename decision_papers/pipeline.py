"""``build()``: run every step for every source, then write.

Like mkdocs, the build gathers everything before it writes anything: each
paper is taken from source to finished bytes in memory, in sorted order, and
only papers with no errors are written.  A paper with problems writes
nothing and leaves its earlier outputs intact; the other papers still build.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from decision_papers import projects
from decision_papers.document import from_markdown as intermediate

from decision_papers import atomic
from decision_papers.word import archive

from decision_papers.render import prose

from decision_papers.render import templates

from decision_papers.writers import docx as write_docx

from decision_papers.writers import markdown as write_markdown
from decision_papers.checks import run_batch_checks, run_checks
from decision_papers.figures import ledger as figure_ledger
from decision_papers.figures.shapes import collect
from decision_papers.writers.figures_file import render as render_figures
from decision_papers.document.model import PROPERTY_LIMIT, Document, Metadata, plain
from decision_papers.problems import Place, Problem, ProblemsFound, UsageError, shorten
from decision_papers.figures.thresholds import load_rules, used_by
from decision_papers.projects import RULES_DIR
from decision_papers.source import folder as folder_source
from decision_papers.source import placeholders
from decision_papers.source.load import Source, load
from decision_papers.projects import display_path
from decision_papers.source import part2_file
from decision_papers.review import part2_guard
from decision_papers.word import accessibility
from decision_papers.source.validate import validate
from decision_papers.source.walk import value_at
from decision_papers.render.forms import Form, load_form

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_SUFFIXES = (".docx", ".md", ".figures.json")
"""What a paper writes: ``out/<id>`` plus each of these."""


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
    approved: bool = False
    """True when the source's status is approved: its text is then a record."""
    form_version: str | None = None
    """Form version the paper is built under."""
    part2_outputs: dict[str, bytes] = field(default_factory=dict)
    """Part 2 file name → bytes, only when asked for; never written to ``out/``."""
    approval_date: dt.date | None = None
    """When the decision was approved, if it has been."""
    deferred_until: dt.date | None = None
    """End of the Part 1 publication deferral, if publication is deferred."""
    ledger: object = None
    """The Part 1 figure ledger, once computed (for ``figures.json`` and tests)."""
    corrigenda: tuple[tuple[str, str], ...] = ()
    """The corrections the source lists, ``(date, reason)`` as typed; each is a revision
    with its own record."""
    form: dict | None = None
    """The source's ``form`` (template and version), as its record keeps it."""
    decided: dt.date | None = None
    """The decision date, where the form's descriptor says it is."""
    out_dir: Path | None = None
    """The folder its Part 1 outputs go to (a project's ``out/`` holds it to that project)."""
    figures_file: bytes | None = None
    """What ``out/<id>.figures.json`` would hold, once the figures are known, even when the
    paper does not build (``explain`` lists them)."""
    source: Source | None = None
    """The Part 1 source as read, for the file and line of each figure."""
    document: Document | None = None
    """The Part 1 paper as the document model, once rendered."""
    rules: str | None = None
    """The organisation rules file the source names (``organisation.rules``)."""
    always_build: bool = False
    """True when the paper is built even when no input has changed (``incremental``): its
    Part 2 is in a file of its own, whose place git may come to ignore or not."""

    @property
    def failed(self) -> bool:
        """True when any problem is an error."""
        return any(p.severity == "error" for p in self.problems)


def epoch() -> dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` as a date and time, or None where it is not set.

    The reproducible-builds convention: it wins over every date a build would
    stamp.  It must be ASCII digits (``date +%s``), from 0 to the last second
    of 9999, on every platform alike.
    """
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    shown = repr(value if len(value) <= 30 else value[:30] + "…")
    digits = value[1:] if value.startswith("-") else value
    if not (digits.isascii() and digits.isdigit()):
        raise UsageError(f"SOURCE_DATE_EPOCH={shown} is not a whole number of seconds.")
    last = 253402300799  # 9999-12-31 23:59:59 UTC
    if value.startswith("-") or len(digits) > len(str(last)) or int(digits) > last:
        raise UsageError(f"SOURCE_DATE_EPOCH={shown} is out of range: give a whole number "
                         f"of seconds from 0 (1970) to {last} (the end of 9999).")
    return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(digits))


def source_date(decided: dt.date) -> dt.datetime:
    """The date stamped in document properties: ``SOURCE_DATE_EPOCH``, else the decision
    date (see ``decision_date``).  Never the clock."""
    return epoch() or dt.datetime.combine(decided, dt.time())


def decision_date(data: dict, form: Form) -> dt.date | None:
    """The date thresholds are taken at: the first date the form's descriptor lists that
    the source gives (``Form.decision_date_field``); None if it gives none."""
    value = value_at(data, form.decision_date_field(data))
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:  # the schema says what a date is; a descriptor may name a non-date
        return None


PART2_MARKING = "CONFIDENTIAL – PART 2 – NOT FOR PUBLICATION"
"""Printed on every page of a Part 2 paper."""
DRAFT = "DRAFT"
"""Before a paper's title, and at the top of every page, until it is approved."""


def build_one(path: Path, strict: bool = False, templates_dir: Path = templates.TEMPLATES_DIR,
              rules_dir: Path = RULES_DIR, part2: bool = False, html: bool = False,
              preview: bool = False) -> Paper:
    """Take one source through every step, in memory (see ``_build_one``).

    A finding in a Markdown file of a decision folder is pointed at the column
    of the text it quotes (``FolderSource.refined``).
    """
    paper = _build_one(path, strict, templates_dir, rules_dir, part2, html, preview)
    if isinstance(paper.source, folder_source.FolderSource):
        paper.problems = [paper.source.refined(p) for p in paper.problems]
    return paper


def _build_one(path: Path, strict: bool = False, templates_dir: Path = templates.TEMPLATES_DIR,
              rules_dir: Path = RULES_DIR, part2: bool = False, html: bool = False,
              preview: bool = False) -> Paper:
    """Take one source through every step, in memory.

    ``html`` adds the paper as an accessible web page (``<id>.html``), written by
    a third writer over the same document model.  ``preview`` renders the
    paper's document (``Paper.document``) even when it has errors, so the
    live preview can show each error where it is; it never gives outputs.

    Part 1 is built from the source with ``part2`` removed, by exactly the
    steps a source without Part 2 takes, so nothing confidential can reach a
    published output.  Part 2 material is checked on every build, but
    rendered only when ``part2`` is asked for.  Material kept in a file of its
    own (``part2.location``) is read only then; where that file is, whether
    git could commit it, is checked on every build.
    """
    paper = Paper(path)
    try:
        source = _read(path, templates_dir)
    except ProblemsFound as exc:
        paper.problems += exc.problems
        return paper
    left = placeholders.find(source)
    if left:  # one list of what is still to write, not a schema error about each
        paper.problems += _withheld(left, part2)
        return paper
    paper.problems += _withheld(validate(source) + prose.control_characters(source), part2)
    if paper.failed:
        return paper
    data = source.data
    paper.id, paper.approved = data["id"], data["status"] == "approved"
    paper.corrigenda = tuple((c["date"], c["reason"]) for c in data.get("corrigenda", []))
    paper.form = data["form"]
    paper.form_version = data["form"]["version"]
    paper.rules = data["organisation"]["rules"]
    paper.always_build = part2_file.location(data) is not None
    approved_on = value_at(data, ("approval", "date"))  # each form's schema says what approval holds
    if isinstance(approved_on, str):
        paper.approval_date = dt.date.fromisoformat(approved_on)
    if data["publication"]["deferred"]:
        paper.deferred_until = dt.date.fromisoformat(data["publication"]["until"])
    public = replace(source, data={k: v for k, v in data.items() if k != "part2"})
    prepared = _prepare(public, paper, templates_dir, rules_dir, "part2" in data)
    if prepared is None:
        return paper
    paper.ledger, paper.source = prepared[0], public
    paper.figures_file = render_figures(
        public, prepared[0], prepared[3],
        {s["id"]: s["number"] for s in prepared[1]["form"]["sections"] if s["number"]},
        prepared[4])
    paper.problems += part2_guard.location_problems(source)
    if part2 and part2_file.location(data) and not part2_file.inline(data):
        source, found = part2_file.resolve(source)
        paper.problems += found + placeholders.find(source)  # its file may hold new's too
        data = source.data
    if part2_file.inline(data):  # material to check (inline, or read from its file)
        confidential = _prepare(source, Paper(path), templates_dir, rules_dir, True)
        if confidential is not None:
            paper.problems += _withheld(_about_part2(confidential[2]), part2)
    if strict:
        paper.problems = [_as_error(p) for p in paper.problems]
    if paper.failed and not preview:
        return paper
    view = prepared[1]
    document = _render(public, view, "layout.md.j2", None, paper, templates_dir,
                       prepared[5].lettered)
    paper.document = document
    if document is None or paper.failed:  # a preview shows the paper with its errors
        return paper
    reference = templates_dir / data["form"]["template"] / REFERENCE
    word = _word(document, reference if reference.is_file() else None, paper)
    if word is None:
        return paper
    paper.outputs = {
        f"{paper.id}.docx": word,
        f"{paper.id}.md": write_markdown.render(document).encode("utf-8"),
        f"{paper.id}.figures.json": paper.figures_file,
    }
    if html:
        from decision_papers.writers import html as write_html  # only when asked for
        paper.outputs[f"{paper.id}.html"] = write_html.render(document).encode("utf-8")
    if part2 and "part2" in data:
        document = _render(source, confidential[1], "part2.md.j2", PART2_MARKING, paper,
                           templates_dir, prepared[5].lettered)
        if document is None:
            paper.outputs = {}
            return paper
        word = _word(document, reference if reference.is_file() else None, paper)
        if word is None:
            paper.outputs = {}
            return paper
        paper.part2_outputs = {
            f"{paper.id}.part2.docx": word,
            f"{paper.id}.part2.md": write_markdown.render(document).encode("utf-8"),
        }
        if html:
            from decision_papers.writers import html as write_html
            paper.part2_outputs[f"{paper.id}.part2.html"] = \
                write_html.render(document).encode("utf-8")
    return paper


def _read(path: Path, templates_dir: Path) -> Source:
    """A source file, or a decision folder with its Markdown files (``source.folder``).

    Which Markdown files a folder may hold is its form's to say; while the form
    cannot be known (no such pack, a broken descriptor), the folder's JSON is
    read alone and the build reports why.
    """
    if not folder_source.is_decision_folder(path):
        return load(path)

    def files(data: dict) -> dict[str, str] | None:
        form = data.get("form")
        name = form.get("template") if isinstance(form, dict) else None
        if not isinstance(name, str) or name not in templates.forms(templates_dir):
            return None
        try:
            return load_form(templates_dir / name).files
        except ProblemsFound:
            return None
    return folder_source.load_folder(path, files)


REFERENCE = "reference.docx"
"""A form pack's Word reference document: its styles, page, header banner and footer."""


def _word(document: Document, reference: Path | None, paper: Paper) -> bytes | None:
    """The DOCX bytes, started from the form's reference document where it has one;
    ``None`` (with a problem recorded) if that document cannot be used.

    Every paper is checked against the accessibility rules the regulations
    make checkable (``review.accessibility``) before it is written: what fails
    comes from the form's templates or reference document, so the finding
    names the pack, and the paper is not written.
    """
    try:
        data = archive.normalise_docx(write_docx.render(document, reference))
    except write_docx.ReferenceProblem as exc:
        paper.problems.append(Problem(str(exc), (Place(display_path(exc.path)),), exc.hint,
                                      rule="template"))
        return None
    pack = Place(display_path(reference)) if reference else Place(display_path(paper.path))
    found = accessibility.check(data)
    for finding in found:
        where, hint = (pack, finding.hint) if finding.rule not in _TYPED else \
            (Place(display_path(paper.path)), _TYPED[finding.rule])
        paper.problems.append(Problem(f"the Word paper is not accessible: {finding.message}",
                                      (where,), hint, rule="accessibility"))
    return None if found else data


_TYPED = {"lists": "write a list as bullets: start each line with \"- \" (they follow the "
                   "paragraph that introduces them).",
          "alt_text": "give the image a description."}
"""Findings about what the source typed, not the form: their place is the source."""


def _about_part2(problems: list[Problem]) -> list[Problem]:
    """Findings whose main place is Part 2; Part 1's are the public build's to report."""
    return [p for p in problems if p.places and _in_part2(p.places[0])]


def _in_part2(place: Place) -> bool:
    return (place.json_path or "").startswith("$.part2")


def _withheld(problems: list[Problem], shown: bool) -> list[Problem]:
    """Part 2 findings without their details, unless Part 2 is being built.

    A build log (CI's, say) is no place for confidential figures or text, so
    outside a Part 2 build a finding in Part 2 names its place and rule only.
    Messages that name a missing or unknown field quote no value and stay.
    """
    if shown:
        return problems
    out = []
    for problem in problems:
        quotes_nothing = "missing" in problem.details or "parent" in problem.details
        if problem.places and _in_part2(problem.places[0]) and not quotes_nothing:
            problem = Problem(
                "the Part 2 (confidential) material has a problem here; its details are not "
                "printed outside a Part 2 build.", problem.places[:1],
                "build it with --part2 DIR (a folder outside the repository) to see the "
                "details.", problem.rule, problem.severity)
        out.append(problem)
    return out


def _prepare(source: Source, paper: Paper, templates_dir: Path, rules_dir: Path,
             has_part2: bool):
    """Figures, checks and the template view for one source (public or full).

    ``None`` (with the problems recorded) when the form pack cannot be used:
    without its descriptor there is no decision date to take thresholds at.
    """
    data = source.data
    form, problems = _form(source, templates_dir)
    if form is None:
        paper.problems += problems
        return None
    where = form.decision_date_field(data)
    decided = decision_date(data, form)
    if decided is None:
        paper.problems.append(Problem(
            "this paper has no decision date, so the thresholds and rates in force cannot be "
            "known.", (source.place(_nearest(data, form.decision_date)),),
            f"give one of: {', '.join(form.decision_date)}.", rule="date_order"))
        return None
    rules, found = load_rules(data["organisation"]["rules"], decided, rules_dir,
                              source.place(("organisation", "rules")), source.place(where),
                              used_by(data))
    problems += found
    pending = {fid for p in found for fid in p.details.get("not_in_force", ())}
    declared = collect(data, rules, where, form.date_order, pending)
    figures = figure_ledger.build(declared.entries, declared.relations, declared.unreadable)
    view, resolver = prose.view(source, figures, form.printed)
    view["form"] = form.view()
    view["schedules"] = prose.schedules(source, figures, form.printed, form.schedules, resolver)
    problems += _missing_sections(source, form)
    for place in form.field_places:  # a figure printed in a labelled field is printed there
        fid = ".".join(place)
        if fid in figures.figures and value_at(data, place) is not None:
            resolver.references.append(prose.Reference(fid, "", place))
    problems += resolver.problems
    problems += run_checks(source, figures, resolver.references, declared.bad,
                           has_part2=has_part2)
    paper.problems += problems
    paper.decided = decided
    return figures, view, problems, resolver.references, form.printed, form


def _missing_sections(source: Source, form: Form) -> list[Problem]:
    """A section the form requires but the paper lacks: its heading would stand empty."""
    found = []
    for section in form.sections:
        if section.required and section.kind == "paragraphs" and \
                value_at(source.data, ("part1", section.id)) is None:
            found.append(Problem(
                f'this form requires the section "{section.heading}", but part1 has no '
                f"{section.id}.", (source.place(("part1",) if "part1" in source.data else ()),),
                f"add part1.{section.id}: a list of its paragraphs.", rule="schema"))
        for label, place, required in section.fields:
            parts = tuple(place.split("."))
            if required and value_at(source.data, parts) is None:
                found.append(Problem(
                    f"this form's field \"{label}\" is {place}, which this paper does not give.",
                    (source.place(_nearest(source.data, (place,))),),
                    "add it, or ask for the form to make the field optional.", rule="schema"))
    return found


def _nearest(data: dict, places: tuple[str, ...]) -> tuple:
    """The first block that holds, or would hold, one of ``places``: where to add a date."""
    for dotted in places:
        parent = tuple(dotted.split("."))[:-1]
        if isinstance(value_at(data, parent), dict):
            return parent
    return ()


def _form(source: Source, templates_dir: Path) -> tuple[Form | None, list[Problem]]:
    """The source's form pack descriptor, or None and why."""
    name = source.data["form"]["template"]
    if name not in templates.forms(templates_dir):
        known = ", ".join(templates.forms(templates_dir)) or "none"
        return None, [Problem(
            f'there is no form "{name}" (no folder templates/{name}/ with a {templates.LAYOUT}).',
            (source.place(("form", "template")),), f"use one of: {known}.", rule="template")]
    try:
        form = load_form(templates_dir / name)
    except ProblemsFound as exc:
        return None, exc.problems
    version = source.data["form"]["version"]
    if version != form.version:  # a version is a pack: its own folder, never a new string
        return None, [Problem(
            f'the form pack templates/{name}/ is the version "{form.version}", not '
            f'"{shorten(version, 60)}".', (source.place(("form", "version")),),
            f'write "{form.version}", or name the pack of the version you mean in form.template '
            f"({_versions(templates_dir, form.name)}).", rule="template")]
    return form, []


def _versions(templates_dir: Path, form_name: str) -> str:
    """``pcd-april-2023 is "PCD April 2023", …``: the version of each pack of the form
    named ``form_name`` (its versions), for a hint."""
    found = []
    for name in templates.forms(templates_dir):
        try:
            pack = load_form(templates_dir / name)
        except ProblemsFound:
            continue
        if pack.name == form_name:
            found.append(f'{name} is "{pack.version}"')
    return "; ".join(found) or "no pack has a valid form.json"


def _render(source: Source, view: dict, layout: str, marking: str | None, paper: Paper,
            templates_dir: Path, lettered: tuple[str, str]) -> Document | None:
    """Templates → Markdown → model; ``None`` (with a problem recorded) on failure."""
    form = source.data["form"]["template"]
    try:
        blocks = templates.render_blocks(form, view, templates_dir, layout, lettered)
    except templates.TemplateProblem as exc:  # Markdown the writers cannot show is one too
        paper.problems.append(exc.problem)
        return None
    return Document(_metadata(source, view, paper.decided, marking), blocks)


def _as_error(problem: Problem) -> Problem:
    if problem.severity == "error":
        return problem
    return Problem(problem.message, problem.places, problem.hint, problem.rule,
                   "error", problem.details)


def _metadata(source: Source, view: dict, decided: dt.date,
              marking: str | None = None) -> Metadata:
    data = source.data
    title = plain(intermediate.parse(view["title"])[0].spans)
    title = f"Part 2: {title}" if marking else title
    draft = data["status"] != "approved"
    return Metadata(
        # the body prints the whole title; Word's title property holds 255 characters
        title=shorten(f"{DRAFT} – {title}" if draft else title, PROPERTY_LIMIT),
        reference=data["reference"],
        form_version=data["form"]["version"],
        organisation=data["organisation"]["name"],
        date=decided,
        stamp=source_date(decided),
        marking=marking,
        draft=draft,
    )


def default_sources(root: Path = ROOT) -> list[Path]:
    """Every decision of the project at ``root``, sorted so builds run in the same order."""
    return projects.Project(root).sources()


def build_all(paths: list[Path], out_dir: Path, strict: bool = False,
              templates_dir: Path = templates.TEMPLATES_DIR,
              rules_dir: Path = RULES_DIR, keep_record: bool = True,
              part2: bool = False, check: bool = False, html: bool = False,
              preview: bool = False, jobs: int = 1, progress=None,
              slim: bool = False) -> list[Paper]:
    """Build every source in memory, in sorted order; write nothing.

    ``keep_record`` holds approved papers to their records (``checks.records``);
    comparing old revisions (``diff``) turns it off.  ``check`` is ``--check``,
    the gate for CI: there an approved paper without a record, or a correction
    not yet approved, is an error, not a reminder.

    ``jobs`` above 1 builds the papers in that many processes (``parallel``);
    the papers come back in the same sorted order, so what is written and
    printed is the same as one process gives.  ``progress(done, total)`` is
    called as each paper is built.  ``slim`` keeps only what the batch checks
    and the writes need of each paper (not its ledger, source or document), so
    a batch of thousands fits in memory.
    """
    ordered = sorted(paths, key=str)
    settings = (strict, templates_dir, rules_dir, part2, html, preview)
    if jobs > 1 and len(ordered) > 1:
        from decision_papers import parallel
        papers = parallel.build(ordered, settings, jobs, progress)
    else:
        papers = []
        for path in ordered:
            papers.append(_guarded(path, *settings))
            if slim:
                slimmed(papers[-1])
            if progress:
                progress(len(papers), len(ordered))
    for paper in papers:
        paper.out_dir = out_dir
    run_batch_checks(papers, skip=() if keep_record else ("record",))
    if check or strict:
        for paper in papers:
            paper.problems = [_as_error(p) if p.rule == "record" or strict else p
                              for p in paper.problems]
    return papers


def slimmed(paper: Paper) -> Paper:
    """``paper`` without what only ``explain``, the preview and tests read (its ledger,
    source, document and figures file, which its outputs hold too): a batch keeps its
    papers until every one is built."""
    paper.ledger = paper.source = paper.document = paper.figures_file = None
    return paper


def _guarded(path: Path, *args) -> Paper:
    """``build_one``, but a fault in the tool on one paper is that paper's error, said
    plainly, and the other papers still build."""
    try:
        return build_one(path, *args)
    except (UsageError, KeyboardInterrupt, SystemExit, MemoryError):
        raise  # the command's to report (SOURCE_DATE_EPOCH, say), or no fault of one paper
    except Exception as exc:  # noqa: BLE001 - a bug must not cost the other papers
        paper = Paper(path)
        paper.problems.append(Problem(
            f"the tool failed on this paper ({type(exc).__name__}: {shorten(str(exc), 120)}); "
            "this is a fault in the tool.", (Place(display_path(path)),),
            "please report it with this source; the other papers were built.",
            rule="internal"))
        return paper


def build(paths: list[Path], out_dir: Path, strict: bool = False,
          templates_dir: Path = templates.TEMPLATES_DIR, rules_dir: Path = RULES_DIR,
          part2_dir: Path | None = None, html: bool = False, pdf: bool = False,
          jobs: int = 1, progress=None) -> list[Paper]:
    """Build every source; write outputs of the papers that succeeded.

    ``jobs`` and ``progress`` are ``build_all``'s.

    ``pdf`` adds each paper as a tagged PDF (``<id>.pdf``), made from its DOCX by
    LibreOffice in one run and checked against the machine-checkable PDF/UA
    rules; a PDF that fails them fails its paper.

    Part 2 papers are built only with ``part2_dir``, which must not be the
    published folder; their files are owner-only (0600), in a folder made
    owner-only if the build creates it.  Part 1 files follow the umask.

    Each paper's files (Part 1 and Part 2) are written all or none.  A paper
    whose files cannot be written (disk full, read-only folder, a folder in
    the way) gets a ``write`` error and keeps its earlier outputs; the next
    paper is still written.  The writes hold ``out_dir``'s lock, so builds
    into the same folder take turns.
    """
    if part2_dir is not None and part2_dir.resolve() == out_dir.resolve():
        raise UsageError("Part 2 papers are confidential: give --part2 a folder other than "
                         f"the published one ({display_path(out_dir)}).")
    for folder, option in ((out_dir, "--out"), (part2_dir, "--part2")):
        if folder is not None and folder.exists() and not folder.is_dir():
            raise UsageError(f"{display_path(folder)} is a file, not a folder; give {option} "
                             "a folder.")
    papers = build_all(paths, out_dir, strict, templates_dir, rules_dir,
                       part2=part2_dir is not None, html=html, jobs=jobs, progress=progress,
                       slim=True)
    refused = part2_dir and part2_guard.part2_folder_refusal(papers, part2_dir, out_dir)
    if refused:  # before anything is written, Part 1 included
        raise UsageError(refused)
    ready = [paper for paper in papers if not paper.failed]
    if pdf and ready:
        ready = _pdfs(ready, out_dir)
    if not ready:
        atomic.sweep(out_dir)
        return papers
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if part2_dir is not None and not part2_dir.exists() and \
                any(paper.part2_outputs for paper in ready):
            part2_dir.mkdir(mode=0o700, parents=True)
            os.chmod(part2_dir, 0o700)  # whatever the umask
    except OSError:
        pass  # each paper's write says what is wrong
    try:
        with atomic.locked(out_dir):
            atomic.sweep(out_dir)
            atomic.sweep(part2_dir)
            for paper in ready:
                files = {out_dir / name: data for name, data in sorted(paper.outputs.items())}
                private = {part2_dir / name: data
                           for name, data in sorted(paper.part2_outputs.items())}
                try:
                    atomic.write_together({**files, **private}, private)
                except atomic.WriteFailed as exc:
                    paper.problems.append(Problem(
                        f"{exc}.", (Place(display_path(paper.path)),), rule="write"))
    except atomic.Busy as exc:
        raise UsageError(str(exc)) from None
    return papers


def _pdfs(ready: list[Paper], out_dir: Path) -> list[Paper]:
    """Add each paper's tagged PDF to its outputs; the papers still ready after their check.

    No LibreOffice is a usage error (nothing is written): the message says how
    to install it.
    """
    from decision_papers.writers import pdf as write_pdf  # pikepdf: only when asked for
    docx = {f"{paper.id}.docx": paper.outputs[f"{paper.id}.docx"] for paper in ready}
    try:
        made = write_pdf.convert(docx, out_dir if out_dir.is_dir() else None)
    except write_pdf.PdfUnavailable as exc:
        raise UsageError(str(exc)) from None
    except write_pdf.PdfFailed as exc:
        for paper in ready:
            paper.problems.append(Problem(f"{exc}", (Place(display_path(paper.path)),),
                                          rule="accessibility"))
        return []
    for paper in ready:
        data = made[f"{paper.id}.pdf"]
        for finding in write_pdf.check(data):
            paper.problems.append(Problem(f"{paper.id}.pdf: {finding}",
                                          (Place(display_path(paper.path)),),
                                          "please report it: the PDF is made from the paper's "
                                          "DOCX by LibreOffice.", rule="accessibility"))
        paper.outputs[f"{paper.id}.pdf"] = data
    return [paper for paper in ready if not paper.failed]


_REBUILD = "run build.py and commit out/"


def freshness(papers: list[Paper], out_dir: Path, complete: bool) -> list[str]:
    """Compare built outputs with ``out_dir``: stale, missing and orphaned files.

    ``complete`` means ``papers`` are all the decisions, so any other paper
    output in ``out_dir`` is an orphan.  A failed paper's files are neither:
    its errors are reported (and say what to fix), and its earlier outputs
    stay as they are until it builds.  Its id is the source's, or, if the
    source cannot be read that far, the ``id`` its JSON holds, or its file
    name (``decisions/<id>.json``).
    """
    lines, expected = [], set()
    for paper in papers:
        if paper.failed:  # reported as errors; its old files are not orphans
            ids = {paper.id, paper.path.stem}
            ids.add(projects.declared_id(paper.path))  # None if unreadable: never mind
            expected.update(f"{pid}{ext}" for pid in ids if isinstance(pid, str)
                            for ext in OUTPUT_SUFFIXES)
        for name, data in sorted(paper.outputs.items()):
            expected.add(name)
            target = out_dir / name
            if target.is_dir():
                lines.append(f"in the way: {display_path(target)} is a folder; move it out of "
                             f"{display_path(out_dir)}/")
            elif not target.exists():
                lines.append(f"missing: {display_path(target)}; {_REBUILD}")
            else:
                try:
                    if target.read_bytes() != data:
                        lines.append(f"stale: {display_path(target)} is not what its source "
                                     f"builds; {_REBUILD}")
                except OSError as exc:
                    lines.append(f"unreadable: {display_path(target)}: "
                                 f"{atomic.plain_reason(exc)}")
    if complete and out_dir.is_dir():
        for target in sorted(out_dir.iterdir()):
            if target.name.startswith(".") or target.name in expected or not target.is_file():
                continue
            if target.suffix in (".docx", ".md") or target.name.endswith(".figures.json"):
                lines.append(f"orphaned: {display_path(target)} belongs to no decision; "
                             f"delete it (git rm {display_path(target)})")
    return lines
