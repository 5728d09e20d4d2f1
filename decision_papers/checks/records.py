"""The record rule: an approved paper says what its record says, and nothing else.

A batch rule, because it reads each project's ``records/`` once for all the
papers of a build.  A paper's text and figures must hash to those of its
latest record.  The only way to change them is a corrigendum: a new entry
in the source's ``corrigenda``, built and committed, then approved with its
own record.  Until then the change is reported (a warning in a build, so the
officer can build and commit it; an error under ``--check``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from decision_papers import formatting, git, projects, records
from decision_papers.checks.table import rule
from decision_papers.problems import Place, Problem
from decision_papers.projects import display_path

RECORD_HINT = ("an approved paper is a record: undo the change to the source, templates, rules "
               "or code. To correct the paper, add a corrigendum (its date and reason) to the "
               "source's corrigenda, build and commit, then run approve.")


@rule("record", "An approved paper's text and figures must be those of its record; only a "
                "corrigendum, approved in turn, changes them.", scope="batch")
def keep_the_record(papers) -> None:
    loaded: dict[Path, tuple] = {}
    for paper in papers:
        if paper.failed or paper.id is None:
            continue
        # held to its own project's records, and to those of the project whose out/ it
        # writes: a copy kept elsewhere cannot rewrite a recorded paper there
        for project in projects.projects_of(paper.path, paper.out_dir):
            if project.root not in loaded:
                loaded[project.root] = records.load(project)
            found, bad = loaded[project.root]
            broken = [why for why in bad if why.startswith(f"records/{paper.id}.")]
            if broken:  # never let a damaged record pass for no record at all
                paper.problems.append(Problem(
                    f"{broken[0]}.", (Place(display_path(paper.path), json_path="$.id"),),
                    "restore it from git history (git log -- records/); a record is written "
                    "only by approve.", "record"))
                break
            before = len(paper.problems)
            _check(paper, project, found.get(paper.id, []))
            if len(paper.problems) > before:
                break


def _check(paper, project, mine: list) -> None:
    here = display_path(paper.path)
    if not mine:
        if paper.approved:
            paper.problems.append(Problem(
                f"{paper.id} is approved but has no record yet.",
                (Place(here, json_path="$.status"),),
                f"commit this paper (source and out/), then run approve {paper.id} and commit "
                "records/.", "record", "warning"))
        return
    latest = mine[-1]
    when = _date(latest.date)
    if not paper.approved:
        paper.problems.append(Problem(
            f"{paper.id} has a record ({latest.shown}, approved on {when}), so it cannot be a "
            "draft again.", (Place(here, json_path="$.status"),),
            'set "status" back to "approved"; to correct the paper, add a corrigendum.',
            "record"))
        return
    listed = len(paper.corrigenda)
    if paper.approval_date is None or paper.approval_date.isoformat() != latest.approved:
        paper.problems.append(Problem(
            f"{paper.id} was approved on {_date(latest.approved)} ({latest.shown}), but the "
            "source now says "
            f"{_date(paper.approval_date.isoformat()) if paper.approval_date else 'no date'}.",
            (Place(here, json_path="$.approval.date"),),
            "put the approval date back: a correction never changes when the decision was "
            "made.", "record"))
        return
    for record in mine[1:] if mine[0].revision == 0 else mine:
        index = record.revision - 1
        if index < listed and paper.corrigenda[index] != (record.date, record.reason):
            paper.problems.append(Problem(
                f"corrigendum {record.revision} of {paper.id} is recorded in {record.shown} as "
                f"approved on {_date(record.date)}, but the source now says something else "
                "about it.", (Place(here, json_path=f"$.corrigenda[{index}]"),),
                "put its date and reason back as recorded: an approved correction is never "
                "rewritten, only corrected by another corrigendum.", "record"))
            return
    if listed < latest.revision:
        paper.problems.append(Problem(
            f"{latest.shown} records corrigendum {latest.revision}, but the source lists "
            f"{_count(listed)}.", (Place(here, json_path="$.corrigenda"),),
            "put back the corrections the records hold: a correction is never withdrawn, only "
            "corrected by another corrigendum.", "record"))
        return
    if listed > latest.revision + 1:
        last = f"of corrigendum {latest.revision}" if latest.revision else "the paper as approved"
        paper.problems.append(Problem(
            f"the source lists {_count(listed)}, but the last record is {last} "
            f"({latest.shown}).", (Place(here, json_path="$.corrigenda"),),
            "approve one correction at a time: keep only the next corrigendum, build, commit and "
            f"run approve {paper.id}.", "record"))
        return
    if listed == latest.revision + 1:
        paper.problems.append(Problem(
            f"corrigendum {listed} of {paper.id} is not approved yet.",
            (Place(here, json_path=f"$.corrigenda[{listed - 1}]"),),
            f"commit this paper (source and out/), then run approve {paper.id} and commit "
            "records/.", "record", "warning"))
        return
    text = paper.outputs[f"{paper.id}.md"]
    same_text = records.text_digest(text) == latest.text_sha256
    same_figures = records.figures_digest(paper.outputs[f"{paper.id}.figures.json"]) \
        == latest.figures_sha256
    if same_text and same_figures:
        return
    if same_text:
        change = "its figures would change (their values, not the text)"
    else:
        change = "its text would change"
        where = _recorded_change(project, latest, text)
        if where:
            change += f"; first change at {where}"
    paper.problems.append(Problem(
        f"{paper.id} is approved and recorded in {latest.shown} (approved on {when}), and "
        f"{change}.", (Place(here, json_path="$.status"),), RECORD_HINT, "record"))


def _recorded_change(project, latest, text: bytes) -> str | None:
    """Where the new text first departs from the recorded one, if git still holds it."""
    if not latest.commit:
        return None
    top = git.top_level(project.root)
    if top is None:
        return None
    try:
        path = (project.out / f"{latest.id}.md").resolve().relative_to(top).as_posix()
        old = git.show(top, latest.commit, path)
    except (ValueError, git.GitError):
        return None
    if old is None or records.text_digest(old) != latest.text_sha256:
        return None
    where = records.first_change(old.decode("utf-8", "replace"), text.decode("utf-8", "replace"))
    return where.replace(":", f" of {latest.id}.md:", 1)


def _date(iso: str) -> str:
    try:
        return formatting.date(dt.date.fromisoformat(iso))
    except ValueError:
        return iso


def _count(n: int) -> str:
    return "no corrigendum" if n == 0 else "one corrigendum" if n == 1 else f"{n} corrigenda"
