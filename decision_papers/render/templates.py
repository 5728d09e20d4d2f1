"""The form's Jinja templates, with the prepared view merged in, parsed into the model.

Templates live in ``templates/<form>/``: ``layout.md.j2`` orders one template
per section.  A pack holds only what differs from the shared base
(``templates/_base/``): a template is looked for in the pack, then in the
base, and a pack's template may extend the base's (``{% extends
"_base/publication.md.j2" %}``).  ``StrictUndefined`` turns a misspelt variable into an error,
and every template error is reported with the template file and line.  Source
data only ever arrives as context values (already escaped by ``prose``); it
is never compiled as a template.
"""

from __future__ import annotations

import os
import re
import traceback
from pathlib import Path

import jinja2
import jinja2.ext
from jinja2.lexer import Token

from decision_papers.document import from_markdown
from decision_papers.errors import Failure
from decision_papers.forms import packs
from decision_papers.forms.packs import LAYOUT, shown
from decision_papers.problems import Place, Problem
from decision_papers.projects import TEMPLATES_DIR
from decision_papers.render.prose import escape


def environment(form: str, templates_dir: Path = TEMPLATES_DIR,
                extensions=()) -> jinja2.Environment:
    """The Jinja environment for one form's templates, made once per process.

    Two helpers let a descriptor's words reach the paper: ``lookup("a.b")``
    is the value at a dotted place of the view, and ``text | fill`` puts such
    values in for ``{a.b}`` (and ``fill(names=...)`` for ``{names}``).  Both
    only look values up; nothing is ever compiled as a template.

    Kept, because compiling a form's templates costs more than rendering
    them: a batch compiles each form once, and Jinja's loader checks each
    template's modification time on every use (``auto_reload``), so an edit
    is seen at once by a running preview (``_Loader``).  Compiled templates are also kept
    between runs, in Jinja's own bytecode cache (``BYTECODE``).
    """
    pack = os.path.abspath(templates_dir / form)
    base = os.path.abspath(packs.base(templates_dir))
    key = (pack, base, tuple(extensions))
    env = _ENVIRONMENTS.get(key)
    if env is None:
        env = _ENVIRONMENTS[key] = jinja2.Environment(
            loader=jinja2.ChoiceLoader([  # the pack's own, then the base's; "_base/…" the base's
                _Loader([pack, base]), jinja2.PrefixLoader({packs.BASE: _Loader(base)})]),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            extensions=list(extensions),
            bytecode_cache=None if extensions else bytecode_cache(),
            cache_size=-1,
        )
        env.globals["lookup"] = lookup
        env.filters["fill"] = fill
    return env


_ENVIRONMENTS: dict[tuple, jinja2.Environment] = {}


class _Loader(jinja2.FileSystemLoader):
    """Jinja's file loader, but a kept template is reused only while it is still the file
    that would be found (a pack's new template shadows the base's) and that file still
    holds the same text: a modification time can miss two saves within one tick."""

    def get_source(self, environment, template):
        source, filename, _ = super().get_source(environment, template)

        def uptodate() -> bool:
            try:
                if self._found(template) != filename:
                    return False
                with open(filename, encoding=self.encoding) as handle:
                    return handle.read() == source
            except OSError:
                return False
        return source, filename, uptodate

    def _found(self, template: str) -> str | None:
        """The file of ``template`` the search paths give first, as Jinja names it."""
        pieces = jinja2.loaders.split_template_path(template)
        for folder in self.searchpath:
            candidate = os.path.join(folder, *pieces)
            if os.path.isfile(candidate):
                return os.path.normpath(candidate)
        return None


def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja's file cache of compiled templates, keyed by each template's text, in a folder
    of the temporary directory that only this user may use; None where none can be made
    (templates are then compiled on every run, as before)."""
    if "cache" not in _BYTECODE:
        try:
            _BYTECODE["cache"] = _Bytecode()
        except (OSError, RuntimeError):  # RuntimeError: a folder someone else owns
            _BYTECODE["cache"] = None
    return _BYTECODE["cache"]


_BYTECODE: dict[str, jinja2.BytecodeCache | None] = {}


class _Bytecode(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, but a cache that cannot be read or written (a full disk, a
    damaged file) is only a slower build, never a failed paper; and its entries are kept
    apart by the environment's options, which the compiled code depends on."""

    OPTIONS = f"jinja2 {jinja2.__version__}; trim_blocks lstrip_blocks keep_trailing_newline"

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(name, f"{filename or ''}\0{self.OPTIONS}")

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - unreadable: compile the template again
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except Exception:  # noqa: BLE001 - unwritable: it is compiled again next run
            pass


_PLACE = re.compile(r"\{([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*)\}")
"""``{approval.role}`` in a descriptor's words."""


@jinja2.pass_context
def lookup(context, dotted: str):
    """The view's value at ``dotted`` (``approval.role``); undefined if there is none."""
    parts = dotted.split(".")
    value = context.get(parts[0], context.environment.undefined(name=parts[0]))
    for part in parts[1:]:
        if isinstance(value, jinja2.Undefined):
            break
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            value = context.environment.undefined(name=dotted)
    return value


@jinja2.pass_context
def fill(context, text: str, **given) -> str:
    """A descriptor's words as Markdown: each ``{place}`` replaced by its value (``given``
    first, then the view), and the words themselves escaped, so a ``|`` or ``*`` in a
    form's heading or column is printed, never read as structure.

    ``{possessive}`` is the organisation's possessive as the form writes it
    (``form.possessive``, itself filled in).  A place the paper does not give,
    or that holds a block or a list, is an error that names it, at the
    template line that printed the words (the descriptor's own places are
    checked against the form's schema when it is loaded).
    """
    def value(name: str) -> str:
        if name in given:
            return str(given[name])
        if name == "possessive":
            return fill(context, lookup(context, "form.possessive"))
        found = lookup(context, name)
        if isinstance(found, jinja2.Undefined):
            raise jinja2.UndefinedError(f"the form's words name {{{name}}}, which this "
                                        "paper does not give")
        if isinstance(found, (dict, list)):
            raise jinja2.UndefinedError(f"the form's words name {{{name}}}, which is a "
                                        f"{'block' if isinstance(found, dict) else 'list'}, "
                                        "not one value")
        return str(found)
    out, last, text = [], 0, str(text)
    for match in _PLACE.finditer(text):
        out += [escape(text[last:match.start()]), value(match.group(1))]
        last = match.end()
    return "".join(out + [escape(text[last:])])


def render_blocks(form: str, context: dict, templates_dir: Path = TEMPLATES_DIR,
                  layout: str = LAYOUT,
                  lettered: tuple[str, str] = from_markdown.LETTERED) -> list:
    """Render ``layout`` to Markdown and parse it into the model's blocks, or raise
    ``TemplateProblem``.

    Any failure is a template problem at the template file and line: a
    syntax error, a missing include, an undefined name, a Python error in an
    expression (``{{ 1 / 0 }}``), includes that never end.  The Markdown is
    also checked against what the writers support (no ``####`` heading, no
    code block), and a construct they cannot show is traced back to the
    template line that wrote it.
    """
    folder = templates_dir / form
    env = environment(form, templates_dir)
    try:
        markdown = env.get_template(layout).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        where = _file(exc.filename, templates_dir) if exc.filename else None
        raise TemplateProblem(Problem(
            f"template syntax error: {exc.message}.",
            (Place(where or shown(folder, exc.name or layout), exc.lineno),),
            rule="template")) from None
    except jinja2.TemplateNotFound as exc:
        where = _template_frame(exc, templates_dir)
        raise TemplateProblem(Problem(
            f'template "{exc.name}" is missing.',
            (Place(*where) if where else Place(shown(folder, exc.name)),),
            f"create {shown(folder, exc.name)}, or fix the include.",
            rule="template")) from None
    except jinja2.UndefinedError as exc:
        where = _template_frame(exc, templates_dir)
        raise TemplateProblem(Problem(
            f"template uses something the source does not provide: {exc.message}.",
            (Place(*where) if where else Place(shown(folder, layout)),),
            "fix the variable name in the template, or add the field to the source.",
            rule="template")) from None
    except RecursionError as exc:
        where = _template_frame(exc, templates_dir)
        raise TemplateProblem(Problem(
            "the templates include one another without end (or a macro calls itself "
            "without end).", (Place(*where) if where else Place(shown(folder, layout)),),
            "remove the include (or call) that leads back to a template already being "
            "rendered.", rule="template")) from None
    except Exception as exc:  # noqa: BLE001 - any other error in a template expression
        where = _template_frame(exc, templates_dir)
        detail = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message \
            else str(exc)
        kind = "" if isinstance(exc, jinja2.TemplateError) else f" ({type(exc).__name__})"
        raise TemplateProblem(Problem(
            f"template failed: {detail}{kind}.",
            (Place(*where) if where else Place(shown(folder, layout)),),
            rule="template")) from None
    try:
        blocks = from_markdown.parse(markdown, lettered)
    except from_markdown.UnsupportedMarkdown as exc:
        where = _markdown_line(exc.line, markdown, form, context, templates_dir, layout)
        raise TemplateProblem(Problem(
            f"{exc}.", (Place(*where) if where else Place(shown(folder, layout)),),
            f"the writers show only: {', '.join(from_markdown.RULES)} (headings # to ###); "
            "change the template.", rule="template")) from None
    return blocks


def _template_frame(exc: BaseException, templates_dir: Path):
    """The innermost template file and line in an exception's traceback (a pack's, or the
    base's)."""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        where = _file(frame.filename, templates_dir) if frame.filename.endswith(".j2") else None
        if where:
            found = (where, frame.lineno)
    return found


def _file(filename: str, templates_dir: Path) -> str | None:
    """A template file as messages show it (``templates/_base/part2.md.j2``), by the folder as
    it was given (not where a link in it leads); None when it is no file of a pack or of
    the base."""
    path = Path(filename).resolve()
    for given in (templates_dir, packs.base(templates_dir).parent):
        root = given.resolve()
        if root in path.parents and len(path.relative_to(root).parts) > 1:
            inside = path.relative_to(root)
            return shown(given / inside.parts[0], Path(*inside.parts[1:]).as_posix())
    return None


_MARK = re.compile("\x00([^\x00\x1f]*)\x1f([0-9]+)\x00")
"""A line mark in a diagnostic render: template name and line."""


class _LineMarks(jinja2.ext.Extension):
    """Marks each line of template text, and each ``{{ }}``, with its template and line.

    Used only to find where a line of the rendered Markdown came from: the
    marks hold no line breaks, so the marked render has the same lines.
    """

    def filter_stream(self, stream):
        for token in stream:
            if token.type == "data":
                pieces = token.value.split("\n")
                text = "\n".join(_mark(stream.name, token.lineno + i) + piece
                                 for i, piece in enumerate(pieces))
                yield Token(token.lineno, "data", text)
            elif token.type == "variable_begin":
                yield Token(token.lineno, "data", _mark(stream.name, token.lineno))
                yield token
            else:
                yield token


def _mark(name: str | None, line: int) -> str:
    return f"\x00{name or ''}\x1f{line}\x00"


def _markdown_line(line: int | None, markdown: str, form: str, context: dict,
                   templates_dir: Path, layout: str):
    """The template file and line that wrote line ``line`` (0-based) of ``markdown``."""
    if line is None:
        return None
    try:
        env = environment(form, templates_dir, extensions=[_LineMarks])
        marked = env.get_template(layout).render(**context)
    except Exception:  # noqa: BLE001 - a nicety: the problem is reported anyway
        return None
    if _MARK.sub("", marked) != markdown:
        return None
    lines = marked.split("\n")
    if line >= len(lines):
        return None
    start = sum(len(text) + 1 for text in lines[:line])
    lead = re.match(f"(?:{_MARK.pattern})*", marked[start:])
    found = list(_MARK.finditer(marked, 0, start + lead.end()))
    if not found:
        return None
    name, number = found[-1].groups()
    try:
        where = _file(env.get_template(name).filename, templates_dir)
    except jinja2.TemplateError:
        where = None
    return where or shown(templates_dir / form, name), int(number)


class TemplateProblem(Failure):
    """A template could not be rendered; carries the ``Problem``, at the template's line."""

    rule = "template"

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.found = problem

    def problem(self, source=None) -> Problem:
        return self.found
