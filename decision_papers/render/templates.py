"""Step 5: merge the prepared view into the form's Jinja templates.

Templates live in ``templates/<form>/``: ``layout.md.j2`` orders one template
per section.  ``StrictUndefined`` turns a misspelt variable into an error,
and every template error is reported with the template file and line.  Source
data only ever arrives as context values (already escaped by ``prose``); it
is never compiled as a template.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import jinja2

from decision_papers.problems import Place, Problem

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
LAYOUT = "layout.md.j2"


def environment(form: str, templates_dir: Path = TEMPLATES_DIR) -> jinja2.Environment:
    """The Jinja environment for one form's templates."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir / form)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def forms(templates_dir: Path = TEMPLATES_DIR) -> list[str]:
    """Names of the forms that have a layout template, sorted."""
    if not templates_dir.is_dir():
        return []
    return sorted(p.name for p in templates_dir.iterdir() if (p / LAYOUT).is_file())


def render(form: str, context: dict, templates_dir: Path = TEMPLATES_DIR,
           layout: str = LAYOUT) -> str:
    """Render ``layout`` (the Part 1 layout by default) to Markdown, or raise ``TemplateProblem``."""
    folder = templates_dir / form
    env = environment(form, templates_dir)
    try:
        return env.get_template(layout).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        name = exc.name or exc.filename or layout
        raise TemplateProblem(Problem(
            f"template syntax error: {exc.message}.",
            (Place(f"templates/{form}/{name}", exc.lineno),), rule="template")) from None
    except jinja2.TemplateNotFound as exc:
        where = _template_frame(exc, folder)
        raise TemplateProblem(Problem(
            f'template "{exc.name}" is missing.',
            (Place(*where) if where else Place(f"templates/{form}/{exc.name}"),),
            f"create templates/{form}/{exc.name}, or fix the include.",
            rule="template")) from None
    except jinja2.UndefinedError as exc:
        where = _template_frame(exc, folder)
        raise TemplateProblem(Problem(
            f"template uses something the source does not provide: {exc.message}.",
            (Place(*where) if where else Place(f"templates/{form}/{LAYOUT}"),),
            "fix the variable name in the template, or add the field to the source.",
            rule="template")) from None
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError) as exc:
        where = _template_frame(exc, folder)
        raise TemplateProblem(Problem(
            f"template failed: {exc}.",
            (Place(*where) if where else Place(f"templates/{form}/{LAYOUT}"),),
            rule="template")) from None


def _template_frame(exc: BaseException, folder: Path):
    """The innermost template file and line in an exception's traceback."""
    found, folder = None, folder.resolve()
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename).resolve()
        if path.suffix == ".j2" and folder in path.parents:
            found = (f"templates/{folder.name}/{path.relative_to(folder).as_posix()}",
                     frame.lineno)
    return found


class TemplateProblem(Exception):
    """A template could not be rendered; carries the ``Problem``."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem
