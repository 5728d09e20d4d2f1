"""``python build.py diff``: what changed in the papers between two revisions.

A revision's papers are the outputs committed in its ``out/`` (``--check``
keeps them fresh); the working tree's are built afresh from its sources.
The report has three parts: figures that changed, with where the paper
prints them; a unified diff of the Markdown; and, with ``--redline``, a Word
document showing every change as a tracked change.
"""

from __future__ import annotations

import difflib
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

from decision_papers.writers import output

from decision_papers import pipeline
from decision_papers.problems import printable
from decision_papers.source.load import MAX_BYTES, display_path
from decision_papers.source.validate import schema

WORKING_TREE = "working tree"


class GitError(Exception):
    """git could not answer; the message says why."""


class CorruptOutput(GitError):
    """A revision's committed output cannot be compared; the message names it and says why."""


MAX_OUTPUT = 32 * 1024 * 1024
"""Largest committed output compared; the largest paper a source can make has a
2 MB Markdown file."""


def _git(top: Path, *args: str) -> bytes:
    result = subprocess.run(["git", *args], cwd=top, capture_output=True)
    if result.returncode:
        raise GitError(result.stderr.decode("utf-8", "replace").strip() or "git failed")
    return result.stdout


def top_level() -> Path:
    try:
        return Path(_git(Path.cwd(), "rev-parse", "--show-toplevel").decode().strip())
    except (GitError, FileNotFoundError) as exc:
        raise GitError(f"not inside a git repository ({exc})") from None


def snapshot(top: Path, rev: str, stderr) -> dict[str, dict[str, bytes]] | None:
    """``{id: {suffix: bytes}}`` for a revision, or for the working tree."""
    papers: dict[str, dict[str, bytes]] = {}
    if rev == WORKING_TREE:
        built = pipeline.build_all(pipeline.default_sources(top), top / "out", keep_record=False)
        bad = [p for p in built if p.failed]
        for paper in bad:
            for problem in paper.problems:
                print(problem.render(), file=stderr)
        if bad:
            return None
        for paper in built:
            papers[paper.id] = {name[len(paper.id):]: data for name, data in paper.outputs.items()}
        return papers
    _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    listing = _git(top, "ls-tree", "-r", "-l", "-z", rev, "--", "out/")
    for entry in filter(None, listing.split(b"\0")):
        info, _, raw_name = entry.partition(b"\t")
        name, size = raw_name.decode("utf-8", "replace"), info.split()[-1]
        for suffix in pipeline.OUTPUT_SUFFIXES:
            if name.startswith("out/") and name.endswith(suffix) and "/" not in name[4:]:
                if not size.isdigit() or int(size) > MAX_OUTPUT:
                    raise _corrupt(name, rev, f"{size.decode()} bytes, more than the "
                                              f"{MAX_OUTPUT:,} a paper can need")
                pid = name[4:-len(suffix)]
                papers.setdefault(pid, {})[suffix] = _git(top, "show", f"{rev}:{name}")
                break
    for pid in sorted(papers):
        for suffix in pipeline.OUTPUT_SUFFIXES:
            if suffix in papers[pid]:
                why = _unreadable(suffix, papers[pid][suffix])
                if why:
                    raise _corrupt(f"out/{pid}{suffix}", rev, why)
    return papers


def _corrupt(name: str, rev: str, why: str) -> CorruptOutput:
    return CorruptOutput(f"{printable(name)} at {rev} is corrupt ({why}); compare other "
                         "revisions, or rebuild it and commit out/.")


def _unreadable(suffix: str, data: bytes) -> str | None:
    """Why a committed output cannot be compared (what ``report_paper`` and the redline
    read), or None when it can."""
    if suffix == ".docx":
        from decision_papers.review import read_docx
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                read_docx.check_archive(archive)
                archive.getinfo("word/document.xml")
        except KeyError:
            return "not a Word document: it has no word/document.xml"
        except (zipfile.BadZipFile, read_docx.Refused, ValueError) as exc:
            return f"not a Word document: {exc}"
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text: byte 0x{data[exc.start]:02x} at position {exc.start}"
    if suffix != ".figures.json":
        return None
    try:
        figures = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"not valid JSON: {exc.msg[:1].lower()}{exc.msg[1:]} at line {exc.lineno}, " \
               f"column {exc.colno}"
    except (ValueError, RecursionError) as exc:
        return f"not valid JSON: {type(exc).__name__}"
    if not isinstance(figures, dict) or not isinstance(figures.get("figures"), list):
        return "not a figures file: no list of figures"
    for number, figure in enumerate(figures["figures"], 1):
        if not isinstance(figure, dict) or not isinstance(figure.get("id"), str):
            return f"not a figures file: figure {number} has no id"
        text = figure.get("text")
        if not isinstance(text, dict) or not isinstance(text.get("default"), str):
            return f"not a figures file: figure {number} has no text"
        places = figure.get("printed_at")
        if not isinstance(places, list) or not all(isinstance(p, str) for p in places):
            return f"not a figures file: figure {number} has no list of places"
        if not isinstance(figure.get("label") or "", str):
            return f"not a figures file: figure {number} has a label that is not text"
    return None


def describe(path: str) -> str:
    """A JSON path as a reader would name the place: ``paragraph 3.1``."""
    sections = schema()["properties"]["part1"]["required"]
    if path == "$.title":
        return "the title"
    match = re.fullmatch(r"\$\.(\w+)\[(\d+)\](?:\.statement)?", path)
    if match:
        where, index = match.group(1), int(match.group(2)) + 1
        return {"executive_summary": f"executive summary paragraph {index}",
                "recommendations": f"recommendation {index}",
                "declarations": f"declaration row {index}"}.get(where, path)
    match = re.fullmatch(r"\$\.part1\.(\w+)\[(\d+)\]", path)
    if match and match.group(1) in sections:
        return f"paragraph {sections.index(match.group(1)) + 1}.{int(match.group(2)) + 1}"
    return path


def places(paths: list[str]) -> str:
    """``recommendation 1, paragraphs 3.1 and 5.1``."""
    named = [describe(p) for p in paths]
    paragraphs = sorted((n.split(" ", 1)[1] for n in named if n.startswith("paragraph ")),
                        key=lambda n: [int(x) for x in n.split(".")])
    others = [n for n in named if not n.startswith("paragraph ")]
    if paragraphs:
        word = "paragraphs" if len(paragraphs) > 1 else "paragraph"
        listed = ", ".join(paragraphs[:-1]) + " and " + paragraphs[-1] if len(paragraphs) > 1 \
            else paragraphs[0]
        others.append(f"{word} {listed}")
    return ", ".join(others)


def figure_changes(old: bytes | None, new: bytes | None) -> list[str]:
    """One line per figure whose printed value changed, appeared or went."""
    before = {f["id"]: f for f in json.loads(old)["figures"]} if old else {}
    after = {f["id"]: f for f in json.loads(new)["figures"]} if new else {}
    lines = []
    for fid in sorted(before.keys() | after.keys()):
        a, b = before.get(fid), after.get(fid)
        if a and b and a["text"]["default"] == b["text"]["default"]:
            continue
        figure = b or a
        name = figure.get("label") or fid
        was = a["text"]["default"] if a else "(none)"
        now = b["text"]["default"] if b else "(none)"
        where = places(figure["printed_at"])
        lines.append(f"{name}: {was} → {now}" + (f" ({where})" if where else ""))
    return lines


def split_arguments(top: Path, items: list[str]) -> tuple[list[str], str | None]:
    revs, decision = [], None
    for item in items:
        if item.endswith(".json") or (top / "decisions" / f"{item}.json").exists() \
                or (top / "out" / f"{item}.md").exists():
            decision = Path(item).stem if item.endswith(".json") else item
            if item.endswith(".json") and Path(item).exists():
                decision = _decision_id(Path(item), decision)
        else:
            revs.append(item)
    return revs, decision


def _decision_id(path: Path, fallback: str) -> str:
    """The ``id`` a source file declares, else ``fallback``; a clear ``GitError`` if it
    cannot be read.  A file that reads but is no decision is left for the build to
    report."""
    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            return fallback
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise GitError(f"{shown} is not valid JSON ({exc.msg[:1].lower()}{exc.msg[1:]} at line "
                       f"{exc.lineno}, column {exc.colno}); fix it, or name the decision by "
                       "its id.") from None
    except UnicodeDecodeError:
        raise GitError(f"{shown} is not UTF-8 text; fix it, or name the decision by its id."
                       ) from None
    except OSError as exc:
        raise GitError(f"cannot read {shown} ({exc.strerror or exc}); name the decision by "
                       "its id.") from None
    except (ValueError, RecursionError):  # a number too long, nesting too deep: load() says
        return fallback
    found = data.get("id") if isinstance(data, dict) else None
    return found if isinstance(found, str) and found else fallback


def report_paper(pid, old, new, rev_a, rev_b, stdout) -> None:
    changes = figure_changes(old.get(".figures.json"), new.get(".figures.json"))
    state = "new paper" if not old else "removed" if not new else \
        f"{len(changes)} figure{'s' if len(changes) != 1 else ''} changed"
    print(f"{pid}: {state}", file=stdout)
    for line in changes:
        print(f"  {line}", file=stdout)
    before = old.get(".md", b"").decode("utf-8").splitlines(keepends=True)
    after = new.get(".md", b"").decode("utf-8").splitlines(keepends=True)
    stdout.writelines(difflib.unified_diff(before, after, f"a/out/{pid}.md ({rev_a})",
                                           f"b/out/{pid}.md ({rev_b})"))


def write_redline(changed, old, new, target: Path, stdout, stderr) -> int:
    """Write the redline of the one paper that changed to ``target``.

    The document is marked as a redline by its zip comment,
    ``output.REDLINE_COMMENT`` (Word ignores it, and drops it if the file is
    saved again), so a later ``diff --redline`` may overwrite it and nothing
    else; ``diff_command`` checks the target before anything is compared.
    """
    from decision_papers.review import read_docx
    from decision_papers.review import redline
    both = [pid for pid in changed if old.get(pid) and new.get(pid)]
    if len(both) != 1:
        print("error: --redline needs exactly one changed paper; name the decision.",
              file=stderr)
        return 2
    pid = both[0]
    try:
        before = read_docx.read(io.BytesIO(old[pid][".docx"]))
        after = read_docx.read(io.BytesIO(new[pid][".docx"]))
    except Exception as exc:  # a zip Word cannot read: say so, never a traceback
        print(f"error: out/{pid}.docx cannot be read as a Word document "
              f"({type(exc).__name__}); rebuild it and commit out/.", file=stderr)
        return 1
    data = output.normalise_docx(redline.render(before, after), output.REDLINE_COMMENT)
    try:
        output.write_atomic(target, data)
    except output.WriteFailed as exc:
        print(f"error: {exc}.", file=stderr)
        return 1
    print(f"redline of {pid} written to {display_path(target)}", file=stdout)
    return 0
