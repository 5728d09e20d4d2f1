"""``new <id> --form <form> [--from <existing>]``: start a decision folder.

An officer starts from a folder holding every part the form requires, each
a placeholder ``[TO COMPLETE: …]`` that says what goes there.  A placeholder
fails the build (``pipeline``'s first check), so an unfinished paper can
never be published by accident.  The long parts are Markdown files, as the
form's descriptor names them; the rest is ``decision.json``.

``--from`` starts from an earlier decision instead: its structure and prose
are copied, but not its id, its figures, its tables or its dates, which
belong to that decision; its sign-off dates, its publication deferral and
its officers' confirmations go, and it starts again as a draft.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from decision_papers import projects
from decision_papers.cli.common import parse
from decision_papers.errors import ProblemsFound
from decision_papers.forms import packs
from decision_papers.forms.descriptor import load_form
from decision_papers.kinds import figure_leaves
from decision_papers.projects import TEMPLATES_DIR, display_path
from decision_papers.source.folder import DECISION, is_decision_folder, load_folder
from decision_papers.source.load import load
from decision_papers.source.placeholders import PLACEHOLDER
from decision_papers.source.validate import form_of, schema
from decision_papers.source.walk import value_at

PROG = "python build.py new"
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
FIGURE_BLOCKS = ("contracts", "procurement", "procurements", "grants", "budgets", "pots",
                 "income", "vat", "figures", "periods", "dates", "totals", "funding",
                 "thresholds", "claims", "restated", "corrigenda", "tables", "part2")
"""The parts of a decision that are its own figures, dates and tables: never copied."""


def main(argv, stdout, stderr) -> int:
    """Run ``new``; see ``--help``."""
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Start a new decision as a folder, decisions/ID/: decision.json and a "
                    "Markdown file for each long section, every required part a "
                    "[TO COMPLETE: …] placeholder that fails the build until it is filled in.")
    p.add_argument("id", metavar="ID", help="the new decision's id, e.g. md-3400 "
                   "(lower-case letters, digits and hyphens)")
    p.add_argument("--form", metavar="FORM", help="its form pack, e.g. gla-md-2024 (default: "
                   "the --from decision's)")
    p.add_argument("--from", dest="origin", metavar="EXISTING",
                   help="copy this decision's structure and prose (not its id, figures or "
                        "dates): its id or its path")
    args, status = parse(p, argv, stdout, stderr)
    if args is None:
        return status
    here = projects.current()
    refusal = _refusal(here, args.id)
    if refusal:
        print(f"error: {refusal}", file=stderr)
        return 2
    origin = None
    if args.origin:
        origin, problem = _origin(here, args.origin)
        if problem:
            print(f"error: {problem}", file=stderr)
            return 2
    of_origin = origin.get("form") if isinstance(origin, dict) else None
    form = args.form or (of_origin.get("template") if isinstance(of_origin, dict) else None)
    known = packs.names()
    if form not in known or form_of({"form": {"template": form}}) is None:
        named = f'there is no form "{form}"' if form else "give the form with --form"
        print(f"error: {named}; the forms are: {', '.join(known)}.", file=stderr)
        return 2
    try:
        pack = load_form(TEMPLATES_DIR / form)
    except ProblemsFound as exc:
        print(f"error: the form {form} cannot be used: {exc.problems()[0].message}", file=stderr)
        return 1
    data = _skeleton(schema(form), args.id, form, pack.version)
    if origin is not None:
        try:
            data = _copied(origin, data, args.id, pack.version, form)
        except (AttributeError, TypeError, KeyError):  # it parses, but is no decision's shape
            print(f"error: {args.origin} cannot be copied: it is not a decision of the shape "
                  f"its form needs; build it to see why, or start without --from.", file=stderr)
            return 2
    files = {}
    for place, name in sorted(pack.files.items(), key=lambda item: item[1]):
        parts = tuple(place.split("."))
        paragraphs = value_at(data, parts)
        if isinstance(paragraphs, list):
            files[name] = "\n\n".join(paragraphs) + "\n"
            _remove(data, parts)
    folder = here.decisions / args.id
    try:
        _write(folder, data, files)
    except OSError as exc:
        print(f"error: cannot write {display_path(folder)}/ ({exc.strerror or exc}); check "
              f"that you may write in {display_path(here.decisions)}/.", file=stderr)
        return 1
    shown = display_path(folder)
    print(f"wrote {shown}/: {', '.join([DECISION, *sorted(files)])}", file=stdout)
    print(f"fill in each {PLACEHOLDER}: …] (the build lists them), then build it with: "
          f"python build.py {shown}", file=stdout)
    return 0


def _refusal(here, pid: str) -> str | None:
    """Why ``pid`` cannot be a new decision's id, or None."""
    if not _ID.fullmatch(pid):
        return (f'"{pid}" cannot be an id: use lower-case letters, digits and hyphens, '
                "e.g. md-3400.")
    clash = projects.sources_with_id(here, pid)
    taken = [p for p in (here.decisions / pid, here.decisions / f"{pid}.json") if p.exists()]
    if clash or taken:
        where = display_path((clash or taken)[0])
        return f'the id "{pid}" is already used by {where}; choose a new id.'
    return None


def _origin(here, name: str) -> tuple[dict | None, str | None]:
    """The earlier decision's data (its Markdown files read in), or why it cannot be had."""
    path = Path(name)
    if not path.exists():
        found = projects.sources_with_id(here, name)
        if not found:
            return None, projects.unknown_id(here, name).removeprefix("error: ")
        path = found[0]
    try:
        if is_decision_folder(path):
            form = json.loads((path / DECISION).read_text(encoding="utf-8")).get("form")
            pack = load_form(TEMPLATES_DIR / form["template"])
            return load_folder(path, lambda data: pack.files).data, None
        return load(path).data, None
    except (ProblemsFound, OSError, ValueError, KeyError, TypeError, AttributeError):
        return None, (f"{display_path(path)} cannot be read; build it to see why, or start "
                      "without --from.")


def _skeleton(whole: dict, pid: str, form: str, version: str) -> dict:
    """Every part the form's schema requires, each a placeholder saying what goes there."""
    data = _required(whole, whole, whole["$defs"], ())
    data.update({"$schema": f"../../schema/forms/{form}.schema.json", "id": pid,
                 "status": "draft", "form": {"template": form, "version": version}})
    return {key: data[key] for key in ["$schema", *[k for k in whole["properties"]
                                                    if k in data and k != "$schema"]]}


def _required(node: dict, whole: dict, defs: dict, path: tuple):
    """A placeholder value for ``node`` (a schema), recursing into what it requires."""
    ref = node.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name in ("text", "inline", "line", "key"):
            return _say(node, path)
        if name in ("prose",):
            return _say(node, path)
        if name == "paragraphs":
            return [_say(node, path)]
        if name in figure_leaves() or name == "figure_ref":
            return _say(node, path, name.replace("_", " "))
        node = {**defs[name], **{k: v for k, v in node.items() if k != "$ref"}}
    kind = node.get("type")
    if kind == "boolean":
        return False
    if "enum" in node:
        return node["enum"][0]
    if kind == "array":
        return [_required(node.get("items", {}), whole, defs, path + ("item",))] \
            if node.get("minItems") else []
    if kind == "object" or "properties" in node:
        props, extra = node.get("properties", {}), node.get("additionalProperties")
        return {key: _required(props.get(key, extra), whole, defs, path + (key,))
                for key in node.get("required", [])
                if key in props or isinstance(extra, dict)}
    return _say(node, path)


def _say(node: dict, path: tuple, kind: str | None = None) -> str:
    """``[TO COMPLETE: officers.drafting, Drafting officer's name.]``"""
    what = node.get("description", "").split(";")[0].strip().rstrip(".")
    label = ".".join(p for p in path if p != "item")
    detail = ", ".join(x for x in (kind, what) if x)
    return f"{PLACEHOLDER}: {label}{': ' + detail if detail else ''}]"


def _copied(origin: dict, skeleton: dict, pid: str, version: str, form: str) -> dict:
    """The earlier decision's structure and prose, without its id, figures or dates."""
    data = {key: value for key, value in origin.items() if key not in FIGURE_BLOCKS}
    data.update({"$schema": skeleton["$schema"], "id": pid, "status": "draft",
                 "form": {"template": form, "version": version},
                 "reference": skeleton.get("reference", f"{PLACEHOLDER}: reference]")})
    if "publication" in skeleton:  # its deferral and its date were the earlier paper's
        data["publication"] = skeleton["publication"]
    for block in data.values():  # sign-off dates belong to the earlier decision
        if isinstance(block, dict) and "date" in block:
            del block["date"]
    # so do confirmations: each officer confirms each paper afresh
    confirmed = data.get("officers", {}).get("confirmed")
    if isinstance(confirmed, dict):
        data["officers"]["confirmed"] = {key: False for key in confirmed}
    for row in data.get("declarations", []):
        if isinstance(row, dict) and "confirmed" in row:
            row["confirmed"] = False
    for key, value in skeleton.items():  # a part the form requires that the original lacks
        data.setdefault(key, value)
    return data


def _remove(data: dict, parts: tuple) -> None:
    parent = value_at(data, parts[:-1]) if len(parts) > 1 else data
    del parent[parts[-1]]
    if len(parts) > 1 and not parent:
        _remove(data, parts[:-1])


def _write(folder: Path, data: dict, files: dict[str, str]) -> None:
    """The folder, all at once: made aside, then moved into place."""
    staging = Path(tempfile.mkdtemp(prefix=".new-", dir=folder.parent))
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(staging, 0o777 & ~mask)  # as any folder the officer makes, not owner-only
        (staging / DECISION).write_text(
            json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
