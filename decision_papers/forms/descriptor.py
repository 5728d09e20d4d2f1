"""A form pack's descriptor, ``templates/<form>/form.json``: the form as data.

The sections of Part I with their numbers and headings, where the decision
date is, and which sign-off dates must come in order are facts about a
body's form, not about the tool.  They live in the pack, are checked against
``schema/form.schema.json``, and reach the code and the templates from
there, so a new form needs no change to the code.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator

from decision_papers import formatting
from decision_papers.errors import ProblemsFound
from decision_papers.forms import packs
from decision_papers.forms.packs import DESCRIPTOR, shown
from decision_papers.kinds import BadValue, read_date
from decision_papers.problems import Place, Problem, shorten
from decision_papers.source.load import Source, load
from decision_papers.source.validate import form_of, validate
from decision_papers.source.walk import kind_at, value_at, value_kinds

SCHEMA = Path(__file__).resolve().parents[2] / "schema" / "form.schema.json"


@dataclass(frozen=True)
class Section:
    """One numbered section of Part I."""

    id: str
    """Its key under ``part1`` in a source (a paragraphs section), or its name."""
    number: int | None
    """Printed before the heading; its paragraphs are ``<number>.1``, ``<number>.2``...
    ``None`` for an unnumbered section."""
    heading: str
    """As the form prints it."""
    required: bool = True
    """Whether every paper must have it."""
    table: dict | None = None
    """The table after its paragraphs (``kind``, ``from``, ``columns``), if it has one."""
    kind: str = "paragraphs"
    """``paragraphs`` (from ``part1.<id>``) or ``fields`` (labelled, from their places)."""
    fields: tuple[tuple[str, str, bool], ...] = ()
    """A fields section's rows: label, place in a source (``dates.published``), required."""


@dataclass(frozen=True)
class DateRule:
    """Two sign-off dates in the order the form requires."""

    before: str
    """The date that comes first (its dotted place in a source, e.g. ``consulted.date``)."""
    after: str
    """The date on or after it."""
    why: str
    """The reason, as the finding says it."""
    strict: bool = False
    """True: strictly before, not on the same day."""


@dataclass(frozen=True)
class Form:
    """What a form pack says about its form."""

    name: str
    """The form's name."""
    version: str
    """The version sources name in ``form.version``."""
    sections: tuple[Section, ...]
    """Part I's sections, in order."""
    decision_date: tuple[str, ...]
    """Where the decision date is: the first of these a source gives."""
    date_order: tuple[DateRule, ...] = ()
    """Sign-off dates that must come in order."""
    financial_year_style: str = "2024/25"
    """How the form writes a financial year: ``2024/25`` or ``2024-25``."""
    descriptor: dict = field(default_factory=dict)
    """The whole descriptor, with its defaults, as the templates see it (``form``)."""

    @property
    def lettered(self) -> tuple[str, str]:
        """How ``1)`` lists are labelled: the recommendations, then their sub-items."""
        block = self.descriptor.get("recommendations", {})
        top = block.get("numbering", "(a)")
        sub = block.get("sub_numbering", "bullets")
        return (top if top != "1." else "(a)", sub if sub != "bullets" else "(i)")

    @property
    def approval_stated_in(self) -> tuple[str, ...]:
        """Where a paper must state what its recommendations approve."""
        return tuple(self.descriptor.get("approval_stated_in", ("executive_summary",)))

    @property
    def files(self) -> dict[str, str]:
        """The Markdown files a decision folder may hold: ``{place: file name}``."""
        return dict(self.descriptor.get("files", {}))

    @property
    def field_places(self) -> tuple[tuple[str, ...], ...]:
        """The places the form's labelled fields print, as path parts."""
        return tuple(tuple(place.split(".")) for s in self.sections for _, place, _ in s.fields)

    @property
    def schedules(self) -> tuple[str, ...]:
        """The places of the schedule tables the form prints (``tables.spend``...)."""
        return tuple(s.table["from"] for s in self.sections
                     if s.table and s.table["kind"] == "schedule")

    def printed(self, figure, style: str = "") -> str:
        """A figure as this form prints it: its kind's format, in the form's house style.

        The form's style is how it writes a financial year (``2024/25``,
        ``2023–2024``, ``23/24``...); a format a reference names (``{x:short}``)
        is the paper's own choice and wins.
        """
        house = self.financial_year_style
        if house == "2024/25" or figure.value is None or (figure.style and not style):
            return figure.text(style)  # the figure's own format is the paper's choice too
        value = figure.value
        if figure.kind == "financial_year" and style == "":
            return formatting.financial_year(value.first, house)
        if figure.kind == "date" and style == "fy":
            return formatting.financial_year_of(value, house)
        if figure.kind == "year_range" and style in ("", "first", "last"):
            ends = [formatting.financial_year(y.first, house)
                    for y in (value.first, value.last)]
            return {"first": ends[0], "last": ends[1]}.get(
                style, ends[0] if value.years == 1 else f"{ends[0]} to {ends[1]}")
        return figure.text(style)

    def view(self) -> dict:
        """What the templates see as ``form``: the descriptor, with its defaults."""
        return json.loads(json.dumps(self.descriptor))

    def decision_date_field(self, data: dict) -> tuple[str, ...]:
        """The place of the decision date in ``data``: the first listed that it gives.

        A source none of whose dates are given still has a place to point at:
        the last listed, where the message about it belongs.
        """
        for dotted in self.decision_date:
            if value_at(data, dotted.split(".")) is not None:
                return tuple(dotted.split("."))
        return tuple(self.decision_date[-1].split("."))


def load_form(folder: Path) -> Form:
    """The descriptor of the pack in ``folder``; ``ProblemsFound`` names the file and line.

    Read once per version of the file (its modification time is part of the
    cache key), so a long-running process sees an edited descriptor.
    """
    folder = folder.resolve()
    try:
        stamp = (folder / DESCRIPTOR).stat().st_mtime_ns
    except OSError:
        stamp = None
    return _load(folder, stamp)


@lru_cache(maxsize=64)
def _load(folder: Path, stamp: int | None) -> Form:
    path = folder / DESCRIPTOR
    display = shown(folder, DESCRIPTOR)
    if not path.is_file():
        raise ProblemsFound([Problem(
            f"the form pack {shown(folder, '')}/ has no {DESCRIPTOR}, which says what the form's "
            "sections and sign-off dates are.", (Place(display),),
            f"add one; see templates/pcd-april-2023/{DESCRIPTOR} and schema/form.schema.json.",
            rule="template")])
    try:
        source = load(path)
    except ProblemsFound as exc:
        raise ProblemsFound([Problem(p.message.replace("decision file", "form descriptor"),
                                     tuple(Place(display, pl.line, pl.column, pl.json_path)
                                           for pl in p.places), None, rule="template")
                             for p in exc.problems()]) from None
    source.display = display
    problems = validate(source, _validator())
    if problems:
        raise ProblemsFound([Problem(p.message, p.places, p.hint or "see schema/form.schema.json.",
                                     "template", p.severity, p.details) for p in problems])
    problems = _places(source, folder.name)
    if problems:
        raise ProblemsFound(problems)
    data = _with_defaults(source.data)
    return Form(
        data["name"], data["version"],
        tuple(Section(s["id"], s.get("number"), s["heading"], s["required"], s.get("table"),
                      s["kind"], tuple((f["label"], f["value"], f.get("required", True))
                                       for f in s.get("fields", ())))
              for s in data["sections"]),
        tuple(data["decision_date"]),
        tuple(DateRule(r["before"], r["after"], r["why"], r.get("strict", False))
              for r in data["date_order"]),
        data["financial_year_style"], data)


def for_source(source: Source, templates_dir: Path) -> Form:
    """The descriptor of the pack the source names (``form.template``), of the version it
    names; ``ProblemsFound`` says why not (no such pack, a broken descriptor, a version
    that is another pack's)."""
    name = source.data["form"]["template"]
    known = packs.names(templates_dir)
    if name not in known:
        raise ProblemsFound([Problem(
            f'there is no form "{name}" (no folder templates/{name}/ with a {packs.LAYOUT}).',
            (source.place(("form", "template")),), f"use one of: {', '.join(known) or 'none'}.",
            rule="template")])
    form = load_form(templates_dir / name)
    version = source.data["form"]["version"]
    if version != form.version:  # a version is a pack: its own folder, never a new string
        raise ProblemsFound([Problem(
            f'the form pack templates/{name}/ is the version "{form.version}", not '
            f'"{shorten(version, 60)}".', (source.place(("form", "version")),),
            f'write "{form.version}", or name the pack of the version you mean in form.template '
            f"({_versions(templates_dir, form.name)}).", rule="template")])
    return form


def _versions(templates_dir: Path, form_name: str) -> str:
    """``pcd-april-2023 is "PCD April 2023", …``: the version of each pack of the form
    named ``form_name`` (its versions), for a hint."""
    found = []
    for name in packs.names(templates_dir):
        try:
            pack = load_form(templates_dir / name)
        except ProblemsFound:
            continue
        if pack.name == form_name:
            found.append(f'{name} is "{pack.version}"')
    return "; ".join(found) or "no pack has a valid form.json"


def files_of(templates_dir: Path):
    """``files(data)``: the Markdown files a decision folder of the form ``data`` names may
    hold (``Form.files``), or None while the form cannot be known (no such pack, a broken
    descriptor): then the folder's JSON is read alone, and the build says why."""
    def files(data: dict) -> dict[str, str] | None:
        form = data.get("form")
        name = form.get("template") if isinstance(form, dict) else None
        if not isinstance(name, str) or name not in packs.names(templates_dir):
            return None
        try:
            return load_form(templates_dir / name).files
        except ProblemsFound:
            return None
    return files


def decision_date(data: dict, form: Form) -> dt.date | None:
    """The date thresholds are taken at: the first date the form's descriptor lists that
    the source gives (``Form.decision_date_field``); None if it gives none."""
    value = value_at(data, form.decision_date_field(data))
    try:
        return read_date(value) if isinstance(value, str) else None
    except BadValue:  # the schema says what a date is; a descriptor may name a non-date
        return None


def nearest(data: dict, places: tuple[str, ...]) -> tuple:
    """The first block that holds, or would hold, one of ``places``: where to add a date."""
    for dotted in places:
        parent = tuple(dotted.split("."))[:-1]
        if isinstance(value_at(data, parent), dict):
            return parent
    return ()


_WORDS = re.compile(r"\{([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*)\}")
"""A place named in a descriptor's words: ``{approval.role}``."""
_GIVEN = {"possessive", "names"}
"""Words the templates give (``{possessive}``; ``{names}`` in a declaration row)."""


def _places(source, pack: str) -> list[Problem]:
    """Every place the descriptor names, checked against its form's schema.

    A section, field, table, sign-off block, date or word the form's sources
    cannot have would print nothing (or a Python value) in every paper: it is
    an error at the descriptor's line instead.  A pack without a schema of its
    own (``schema/forms/<pack>.schema.json``) is checked when its sources are.
    """
    if form_of({"form": {"template": pack}}) is None:
        return []
    data, found = source.data, []

    def need(dotted: str, at: tuple, wanted: set[str], what: str) -> str | None:
        kind = kind_at(pack, dotted.split("."))
        if kind in wanted:
            return kind
        shown = f"schema/forms/{pack}.schema.json"
        why = f"no paper of this form has {dotted}" if kind is None else \
            f"{dotted} is {_KIND_WORDS.get(kind, kind)}, not {what}"
        found.append(Problem(f"{why} ({shown}).", (source.place(at),),
                             "name a place the form's schema gives, or add it there.",
                             rule="template"))
        return None

    def words(text: str, at: tuple, given=_GIVEN) -> None:
        for match in _WORDS.finditer(text):
            if match.group(1) not in given:
                need(match.group(1), at, value_kinds(), "one line of text or a figure")

    for i, section in enumerate(data["sections"]):
        at = ("sections", i)
        if section.get("kind", "paragraphs") == "paragraphs":
            need(f"part1.{section['id']}", at + ("id",), {"paragraphs"}, "paragraphs")
        for j, row in enumerate(section.get("fields", ())):
            need(row["value"], at + ("fields", j, "value"), value_kinds(),
                 "one line of text or a figure")
        table = section.get("table")
        if table and table["kind"] == "schedule":
            need(table["from"], at + ("table", "from"), {"figure_ref"},
                 "the name of a budget, grant or income")
        elif table and need(table["from"], at + ("table", "from"), {"array"}, "a list of rows"):
            for j, column in enumerate(table["columns"]):
                need(f"{table['from']}.0.{column.get('key', '')}",
                     at + ("table", "columns", j), value_kinds(), "one line of text or a figure")
    for i, spec in enumerate(data.get("sign_offs", ())):
        need(spec["block"], ("sign_offs", i, "block"), {"object"}, "a sign-off block")
        words(spec["heading"], ("sign_offs", i, "heading"))
        for j, text in enumerate(spec["statement"]):
            words(text, ("sign_offs", i, "statement", j))
    for i, dotted in enumerate(data["decision_date"]):
        need(dotted, ("decision_date", i), {"date"}, "a date")
    for i, rule in enumerate(data.get("date_order", ())):
        for end in ("before", "after"):
            need(rule[end], ("date_order", i, end), {"date"}, "a date")
    for i, officer in enumerate(data.get("declaration", {}).get("officers", ())):
        need(f"officers.{officer['key']}", ("declaration", "officers", i, "key"),
             {"text", "array"}, "a name or a list of names")
        for key in ("one", "many"):
            words(officer[key], ("declaration", "officers", i, key))
    for i, text in enumerate(data.get("publication", ())):
        words(text, ("publication", i))
    for place in data.get("files", {}):
        need(place, ("files", place), {"paragraphs"}, "paragraphs")
    for key in ("part1_heading",):
        if key in data:
            words(data[key], (key,))
    if "possessive" in data:
        words(data["possessive"], ("possessive",), given=set())
    if "recommendations" in data:
        words(data["recommendations"]["lead"], ("recommendations", "lead"))
    return found


_KIND_WORDS = {"object": "a block of fields", "array": "a list", "paragraphs": "paragraphs",
               "prose": "a paragraph", "figure_ref": "the name of a figure"}


def _with_defaults(data: dict) -> dict:
    """The descriptor with the defaults its schema gives, so templates need no ``is defined``."""
    data = json.loads(json.dumps(data))
    data.setdefault("date_order", [])
    data.setdefault("financial_year_style", "2024/25")
    data.setdefault("approval_stated_in", ["executive_summary"])
    data.setdefault("sign_offs", [])
    data.setdefault("publication", [])
    data.setdefault("possessive", "the {organisation.short_name}'s")
    for section in data["sections"]:
        section.setdefault("kind", "paragraphs")
        section.setdefault("required", True)
        section.setdefault("number", None)
        section.setdefault("table", None)
    if "recommendations" in data:
        data["recommendations"].setdefault("sub_numbering", "bullets")
    return data


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
