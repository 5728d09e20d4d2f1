"""The build: one paper's recipe (``build_one``), then the batch (``build_all``, ``build``).

Like mkdocs, the build gathers everything before it writes anything: each
paper is taken from source to finished bytes in memory, in sorted order, and
only papers with no errors are written.  A paper with problems writes
nothing and leaves its earlier outputs intact; the other papers still build.
Each step lives in its own module; this one only calls them, in order.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from decision_papers import atomic, writers
from decision_papers.checks import run_batch_checks, run_checks
from decision_papers.errors import Failure, ProblemsFound, UsageError
from decision_papers.figures import ledger
from decision_papers.figures.listing import PaperFigures
from decision_papers.figures.references import Reference
from decision_papers.figures.shapes import collect, retrospective
from decision_papers.figures.thresholds import load_rules, used_by
from decision_papers.forms import descriptor, packs
from decision_papers.paper import BuildOptions, Paper, Prepared
from decision_papers.problems import Place, Problem, shorten
from decision_papers.projects import display_path
from decision_papers.render import compose, prose
from decision_papers.source import folder, part2, placeholders
from decision_papers.source.characters import control_characters
from decision_papers.source.load import Source
from decision_papers.source.validate import validate
from decision_papers.source.walk import value_at


def build_one(path: Path, options: BuildOptions = BuildOptions()) -> Paper:
    """Take one source through every step, in memory; a step that cannot go on ends it.

    Part 1 is built from the source with ``part2`` removed, by exactly the
    steps a source without Part 2 takes, so nothing confidential can reach a
    published output.  Part 2 material is checked on every build, but
    rendered only when ``options.part2`` asks for it.
    """
    paper = Paper(path)
    try:
        _recipe(paper, options)
    except UsageError:
        raise  # the command's to report (SOURCE_DATE_EPOCH, say): never one paper's fault
    except Failure as exc:  # the one place a step's failure becomes the paper's findings
        paper.problems += exc.problems(path)
        paper.outputs, paper.part2_outputs = {}, {}
    if isinstance(paper.source, folder.FolderSource):  # at the column of the quoted text
        paper.problems = [paper.source.refined(p) for p in paper.problems]
    return paper


def _recipe(paper: Paper, options: BuildOptions) -> None:
    # 1. Read the source: a file, or a decision folder with its form's Markdown files.
    source = folder.read(paper.path, descriptor.files_of(options.templates_dir))
    # 2. Nothing left to write from `new`, then valid against its form's schema.
    _stop_on(paper, part2.withheld(placeholders.find(source), options.part2))
    _stop_on(paper, part2.withheld(validate(source) + control_characters(source), options.part2))
    paper.learn(source.data)
    paper.always_build = part2.location(source.data) is not None
    # 3. Part 1: the source without its Part 2, its figures computed and checked.
    public = part2.public(source)
    prepared = prepare(public, options, has_part2="part2" in source.data)
    paper.source, paper.decided, paper.figures = public, prepared.decided, prepared.figures
    paper.problems += prepared.problems
    # 4. Part 2: where it is kept, and its own figures checked (details withheld).
    paper.problems += part2.location_problems(source)
    full = _confidential(paper, source, options)
    # 5. Under --strict warnings fail too; a failed paper stops (the preview goes on).
    if options.strict:
        paper.problems = [p.as_error() for p in paper.problems]
    if not options.preview:
        paper.stop_if_failed()
    # 6. Render the document through the form's templates, then each writer's file.
    paper.document = _document(public, prepared, options)
    paper.stop_if_failed()
    reference = packs.reference(options.templates_dir, source.data["form"]["template"])
    paper.outputs = writers.outputs(writers.Rendered(paper.document, paper.path, reference,
                                                     prepared.figures), paper.id, options.writers)
    # 7. The Part 2 paper, only when asked for.
    if full is not None and options.part2 and "part2" in full[0].data:
        document = _document(full[0], full[1], options, confidential=True)
        paper.part2_outputs = writers.outputs(writers.Rendered(document, paper.path, reference),
                                              paper.id, options.writers, part2=True)


def _stop_on(paper: Paper, problems: list[Problem]) -> None:
    paper.problems += problems
    paper.stop_if_failed()


def prepare(source: Source, options: BuildOptions, has_part2: bool) -> Prepared:
    """Figures, checks and the template view for one source (Part 1's, or the whole).

    Without its form's descriptor there is no decision date to take the
    thresholds at, so a form that cannot be used stops here.
    """
    data = source.data
    form = descriptor.for_source(source, options.templates_dir)
    where = form.decision_date_field(data)
    decided = descriptor.decision_date(data, form)
    rules, problems = {}, []
    if decided is not None:
        rules, problems = load_rules(data["organisation"]["rules"], decided, options.rules_dir,
                                     source.place(("organisation", "rules")),
                                     source.place(where), used_by(data))
    elif used_by(data):  # thresholds and rates are taken at the decision date
        raise _no_decision_date(source, form, "the thresholds and rates in force")
    pending = {fid for p in problems for fid in p.details.get("not_in_force", ())}
    declared = collect(data, rules, where if decided else None, form.date_order, pending)
    if decided is None and declared.wants_decision_date:
        raise _no_decision_date(source, form, "when the periods it authorises may start")
    figures = ledger.build(declared.entries, declared.relations, declared.unreadable,
                           declared.feeds)
    view, resolver = prose.view(source, figures, form.printed)
    view["form"] = form.view()
    view["retrospective"] = [value_at(view, parts)
                             for parts in retrospective(data)]
    view["schedules"] = prose.schedules(source, figures, form.printed, form.schedules, resolver)
    for place in form.field_places:  # a figure printed in a labelled field is printed there
        fid = ".".join(place)
        if fid in figures.figures and value_at(data, place) is not None:
            resolver.references.append(Reference(fid, "", place))
    problems += resolver.problems
    problems += run_checks(source, figures, resolver.references, declared.bad, has_part2, form)
    sections = {s.id: s.number for s in form.sections if s.number}
    listing = PaperFigures(data["id"], figures, tuple(resolver.references), form.printed,
                           sections, source.place)
    return Prepared(form, decided, listing, view, tuple(problems))


def _no_decision_date(source: Source, form, what: str) -> Failure:
    return ProblemsFound([Problem(
        f"this paper has no decision date, so {what} cannot be known.",
        (source.place(descriptor.nearest(source.data, form.decision_date)),),
        f"give one of: {', '.join(form.decision_date)}.", rule="date_order")])


def _confidential(paper: Paper, source: Source, options: BuildOptions):
    """``(the whole source, its Prepared)`` when it has Part 2 material to check (inline, or
    read from its file in a Part 2 build), with Part 2's findings added; else None."""
    data = source.data
    if options.part2 and part2.location(data) and not part2.inline(data):
        source, found = part2.resolve(source)
        paper.problems += found + placeholders.find(source)  # its file may hold new's too
    if not part2.inline(source.data):
        return None
    try:
        prepared = prepare(source, options, has_part2=True)
    except UsageError:
        raise
    except Failure:  # the same form and date as Part 1's: reported there
        return None
    paper.problems += part2.withheld(part2.about_part2(list(prepared.problems)), options.part2)
    return source, prepared


def _document(source: Source, prepared: Prepared, options: BuildOptions,
              confidential: bool = False):
    return compose.document(source, prepared.view, prepared.decided, prepared.form.lettered,
                            options.templates_dir, part2=confidential)


# -- the batch ---------------------------------------------------------------------------

def build_all(paths: list[Path], out_dir: Path, options: BuildOptions = BuildOptions(),
              keep_record: bool = True, check: bool = False, jobs: int = 1, progress=None,
              slim: bool = False) -> list[Paper]:
    """Build every source in memory, in sorted order; write nothing.

    ``keep_record`` holds approved papers to their records (``checks.records``);
    comparing old revisions (``diff``) turns it off.  ``check`` is ``--check``,
    the gate for CI: there an approved paper without a record, or a correction
    not yet approved, is an error, not a reminder.  ``jobs`` above 1 builds the
    papers in that many processes (``parallel``), back in the same order.
    ``progress(done, total)`` is called as each paper is built.  ``slim`` keeps
    only what the batch checks and the writes need of each paper, so a batch of
    thousands fits in memory.
    """
    ordered = sorted(paths, key=str)
    one = functools.partial(guarded, options=options, slim=slim)
    if jobs > 1 and len(ordered) > 1:
        from decision_papers import parallel
        for writer in writers.chosen(options.writers):
            writer.load()  # before the workers fork, so each starts with them imported
        papers = parallel.build(ordered, functools.partial(one, slim=True), jobs, progress)
    else:
        papers = []
        for path in ordered:
            papers.append(one(path))
            if progress:
                progress(len(papers), len(ordered))
    for paper in papers:
        paper.out_dir = out_dir
    run_batch_checks(papers, skip=() if keep_record else ("record",))
    if check or options.strict:
        for paper in papers:
            paper.problems = [p.as_error() if p.rule == "record" or options.strict else p
                              for p in paper.problems]
    return papers


def guarded(path: Path, options: BuildOptions, slim: bool = False) -> Paper:
    """``build_one``, but a fault in the tool on one paper is that paper's error, said
    plainly, and the other papers still build."""
    try:
        paper = build_one(path, options)
    except (UsageError, KeyboardInterrupt, SystemExit, MemoryError):
        raise  # the command's to report (SOURCE_DATE_EPOCH, say), or no fault of one paper
    except Exception as exc:  # noqa: BLE001 - a bug must not cost the other papers
        paper = Paper(path)
        paper.problems.append(Problem(
            f"the tool failed on this paper ({type(exc).__name__}: {shorten(str(exc), 120)}); "
            "this is a fault in the tool.", (Place(display_path(path)),),
            "please report it with this source; the other papers were built.",
            rule="internal"))
    return paper.slim() if slim else paper


def build(paths: list[Path], out_dir: Path, options: BuildOptions = BuildOptions(),
          part2_dir: Path | None = None, jobs: int = 1, progress=None) -> list[Paper]:
    """Build every source; write the files of the papers that succeeded.

    Part 2 papers are built only with ``part2_dir``, which must not be the
    published folder; their files are owner-only (0600), in a folder made
    owner-only if the build creates it.  Each paper's files (Part 1 and Part 2)
    are written all or none: a paper whose files cannot be written keeps its
    earlier outputs and gets a ``write`` error, and the next is still written.
    The writes hold ``out_dir``'s lock, so builds into the same folder take
    turns.
    """
    _check_folders(out_dir, part2_dir)
    papers = build_all(paths, out_dir, options, jobs=jobs, progress=progress, slim=True)
    refused = part2_dir and part2.folder_refusal(papers, part2_dir, out_dir)
    if refused:  # before anything is written, Part 1 included
        raise UsageError(refused)
    writers.add_batch_outputs(papers, options.writers, out_dir if out_dir.is_dir() else None)
    ready = [paper for paper in papers if not paper.failed]
    if ready:
        _write(ready, out_dir, part2_dir)
    else:
        atomic.sweep(out_dir)
    return papers


def _check_folders(out_dir: Path, part2_dir: Path | None) -> None:
    if part2_dir is not None and part2_dir.resolve() == out_dir.resolve():
        raise UsageError("Part 2 papers are confidential: give --part2 a folder other than "
                         f"the published one ({display_path(out_dir)}).")
    for where, option in ((out_dir, "--out"), (part2_dir, "--part2")):
        if where is not None and where.exists() and not where.is_dir():
            raise UsageError(f"{display_path(where)} is a file, not a folder; give {option} "
                             "a folder.")


def _write(ready: list[Paper], out_dir: Path, part2_dir: Path | None) -> None:
    """Write each paper's files all or none, holding the folder's lock."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if part2_dir is not None and not part2_dir.exists() and \
                any(paper.part2_outputs for paper in ready):
            part2_dir.mkdir(mode=0o700, parents=True)
            os.chmod(part2_dir, 0o700)  # whatever the umask
    except OSError:
        pass  # each paper's write says what is wrong
    with atomic.locked(out_dir):
        atomic.sweep(out_dir)
        atomic.sweep(part2_dir)
        for paper in ready:
            public = {out_dir / name: data for name, data in sorted(paper.outputs.items())}
            private = {part2_dir / name: data
                       for name, data in sorted(paper.part2_outputs.items())}
            try:
                atomic.write_together({**public, **private}, private)
            except atomic.WriteFailed as exc:
                paper.problems += exc.problems(paper.path)
