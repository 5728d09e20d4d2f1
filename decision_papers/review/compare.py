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
from pathlib import Path

from decision_papers.writers import output

from decision_papers import pipeline
from decision_papers.source.load import display_path
from decision_papers.source.validate import schema

WORKING_TREE = "working tree"


class GitError(Exception):
    """git could not answer; the message says why."""


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
    names = _git(top, "ls-tree", "-r", "--name-only", rev, "--", "out/").decode().splitlines()
    for name in names:
        for suffix in pipeline.OUTPUT_SUFFIXES:
            if name.startswith("out/") and name.endswith(suffix) and "/" not in name[4:]:
                pid = name[4:-len(suffix)]
                papers.setdefault(pid, {})[suffix] = _git(top, "show", f"{rev}:{name}")
                break
    return papers


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
                decision = json.loads(Path(item).read_text(encoding="utf-8")).get("id", decision)
        else:
            revs.append(item)
    return revs, decision


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
    from decision_papers.review import read_docx
    from decision_papers.review import redline
    both = [pid for pid in changed if old.get(pid) and new.get(pid)]
    if len(both) != 1:
        print("error: --redline needs exactly one changed paper; name the decision.",
              file=stderr)
        return 2
    pid = both[0]
    before = read_docx.read(io.BytesIO(old[pid][".docx"]))
    after = read_docx.read(io.BytesIO(new[pid][".docx"]))
    output.write_atomic(target, output.normalise_docx(redline.render(before, after)))
    print(f"redline of {pid} written to {display_path(target)}", file=stdout)
    return 0
