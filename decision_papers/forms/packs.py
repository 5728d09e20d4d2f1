"""Where form packs are: ``templates/<form>/``, each a form's templates, descriptor and look.

A pack is a folder of the templates folder that has a layout template.  The
parts every form shares live once, in the base (``templates/_base/``), which
every pack extends; a pack holds only what differs.
"""

from __future__ import annotations

from pathlib import Path

from decision_papers.projects import TEMPLATES_DIR, display_path

LAYOUT = "layout.md.j2"
"""The template that orders a form's parts; a folder with one is a pack."""
DESCRIPTOR = "form.json"
"""The form as data: its sections, words, numbering, sign-offs and dates."""
REFERENCE = "reference.docx"
"""A pack's Word reference document: its styles, page, header banner and footer."""
BASE = "_base"
"""The shared base every pack extends (``templates/_base/``): a pack's own templates come
first, then the base's, and ``{% extends "_base/<name>" %}`` names a base template."""


def shown(folder: Path, name: str) -> str:
    """A template's path as messages show it.

    The bundled forms are ``templates/<form>/<name>``; a folder given with
    ``--templates`` is shown as it really is (relative to the working folder
    where it can be), so the message names the file that has the problem.
    """
    bundled = TEMPLATES_DIR / folder.name
    if folder.resolve() == bundled.resolve():
        return f"templates/{folder.name}/{name}"
    return display_path(folder / name)


def names(templates_dir: Path = TEMPLATES_DIR) -> list[str]:
    """Names of the forms that have a layout template, sorted (never the base)."""
    if not templates_dir.is_dir():
        return []
    return sorted(p.name for p in templates_dir.iterdir()
                  if (p / LAYOUT).is_file() and not p.name.startswith("_"))


def reference(templates_dir: Path, form: str) -> Path | None:
    """The pack's Word reference document, if it has one."""
    path = templates_dir / form / REFERENCE
    return path if path.is_file() else None


def base(templates_dir: Path = TEMPLATES_DIR) -> Path:
    """The base the packs of ``templates_dir`` extend: its own ``_base/``, else the bundled
    one (a folder of packs copied without it still builds)."""
    own = templates_dir / BASE
    return own if own.is_dir() else TEMPLATES_DIR / BASE
