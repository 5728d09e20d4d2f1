"""``python build.py diff``: what changed in the papers between two revisions.

A revision's papers are what its sources build, with the current code: a
commit is checked out into a temporary worktree and built there, the working
tree is built where it is.  What matters is the source, so a source change
committed without rebuilding ``out/`` still shows; a note says so.  The
report has three parts: figures that changed, with where the paper prints
them; a unified diff of the Markdown; and, with ``--redline``, a Word
document showing every change as a tracked change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from decision_papers import atomic, git, pipeline, projects, reproducible, writers
from decision_papers.figures.listing import Listed, places
from decision_papers.git import GitError
from decision_papers.paper import BuildOptions, Paper
from decision_papers.problems import printable
from decision_papers.projects import MAX_BYTES, RULES_DIR, TEMPLATES_DIR, display_path
from decision_papers.word import archive

WORKING_TREE = "working tree"


class CorruptOutput(GitError):
    """A revision's committed output cannot be compared; the message names it and says why."""


MAX_OUTPUT = 32 * 1024 * 1024
"""Largest committed output compared; the largest paper a source can make has a
2 MB Markdown file."""


def top_level() -> Path:
    """The top of the git work tree holding the current folder; a ``GitError`` outside one."""
    top = git.top_level(Path.cwd())
    if top is None:
        raise GitError("not inside a git repository; diff compares git revisions.")
    return top


def where(rev: str) -> str:
    """``at HEAD~1``, or ``in the working tree``."""
    return "in the working tree" if rev == WORKING_TREE else f"at {rev}"


class Copy:
    """One revision's copy of a paper: its files by suffix, and its figures as listed.

    A paper that builds lists its figures from its ledger; one compared as
    committed (its source no longer builds) has only its committed figures
    file, the published listing, to read them from.  Two copies are the same
    when their files are.
    """

    __slots__ = ("files", "figures", "sections")

    def __init__(self, files: dict[str, bytes], figures: list[Listed] | None = None,
                 sections: dict | None = None):
        self.files = files
        self.figures = figures
        """Its figures, or None when it has no figure listing."""
        self.sections = sections or {}
        """The form's section numbers, so a place reads "paragraph 3.1"."""

    def __eq__(self, other) -> bool:
        return isinstance(other, Copy) and other.files == self.files

    def __bool__(self) -> bool:
        return bool(self.files)

    def get(self, suffix: str, default=None):
        """The file of ``suffix`` (``.md``), or ``default``."""
        return self.files.get(suffix, default)

    @classmethod
    def committed(cls, files: dict[str, bytes]) -> Copy:
        """A paper as committed in ``out/``, its figures read from its figures file."""
        data = files.get(".figures.json")
        if data is None:
            return cls(files)
        listing = json.loads(data)
        numbered = listing.get("sections")
        return cls(files, [Listed.from_json(item) for item in listing["figures"]],
                   numbered if isinstance(numbered, dict) else {})


NOTHING = Copy({})
"""A paper a revision does not have."""


def snapshot(top: Path, rev: str, notes: list[tuple[str, str]], stderr
             ) -> dict[str, Copy] | None:
    """``{id: Copy}``: the papers the sources at ``rev`` build with this code.

    Building, rather than reading the committed ``out/``, shows a source change
    committed without rebuilding.  ``notes`` gets ``(id, line)`` for each paper
    whose ``out/`` is not what its source builds, and for each paper whose source
    does not build at a commit (compared as committed instead: that is all there
    is of it).  In the working tree a source with errors prints them and gives
    None, as a build would: they are the user's to fix.
    """
    if rev == WORKING_TREE:
        here = projects.Project(top)
        built = _build(here)
        bad = [p for p in built if p.failed]
        for paper in bad:
            for problem in paper.problems:
                print(problem.render(), file=stderr)
        if bad:
            return None
        return {paper.id: _built(paper, rev, notes,
                                 lambda name, data: _same_on_disk(here.out / name, data))
                for paper in built}
    with _checkout(top, rev) as tree:
        built = _build(projects.Project(tree))
    committed = _committed(top, rev)

    def same(name: str, data: bytes) -> bool | None:
        return None if name not in committed else \
            committed[name][0] == _blob_id(data, committed[name][0])

    papers: dict[str, Copy] = {}
    for paper in built:
        if not paper.failed:
            papers[paper.id] = _built(paper, rev, notes, same)
            continue
        pid = paper.id or paper.path.stem
        files = _read_committed(top, rev, pid, committed)
        if files:
            papers[pid] = Copy.committed(files)
        notes.append((pid, f"{pid} {where(rev)}: the source does not build with this version "
                           "of the tool; " + ("compared as committed in out/." if files else
                                              "out/ has none of its files, so it is left out.")))
    return papers


def _built(paper, rev: str, notes: list[tuple[str, str]], same) -> Copy:
    """A built paper's copy; a note if ``out/`` does not hold its files.

    ``same(name, data)`` says whether ``out/`` holds ``data`` as ``name``: None
    when it has no such file.
    """
    found = [same(name, data) for name, data in paper.outputs.items()]
    if all(f is None for f in found):
        notes.append((paper.id, f"{paper.id} {where(rev)}: out/ has none of its files (never "
                                "built); compared as the source builds."))
    elif not all(found):
        notes.append((paper.id, f"{paper.id} {where(rev)}: out/ does not match the source (not "
                                "rebuilt after a change, or built by another version of the "
                                "tool); compared as the source builds."))
    return Copy({name[len(paper.id):]: data for name, data in paper.outputs.items()},
                paper.figures.entries, paper.figures.sections)


def _build(here: projects.Project) -> list[Paper]:
    """Build every source of ``here`` in memory, writing nothing.

    A revision's own ``templates/`` and ``rules/`` are used where it has them
    (else the tool's), so a change to them shows as the change it makes.
    """
    templates_dir, rules_dir = here.root / "templates", here.root / "rules"
    options = BuildOptions(templates_dir if templates_dir.is_dir() else TEMPLATES_DIR,
                           rules_dir if rules_dir.is_dir() else RULES_DIR)
    return pipeline.build_all(here.sources(), here.out, options, keep_record=False)


@contextlib.contextmanager
def _checkout(top: Path, rev: str):
    """``rev`` checked out in a temporary worktree, removed afterwards even on error.

    A worktree leaves the user's files, index and HEAD alone.  Hooks are off: a
    post-checkout hook is for the user's own checkouts, not this one.
    """
    folder = Path(tempfile.mkdtemp(prefix="decision-papers-diff-"))
    tree = folder / "tree"
    try:
        git.run(top, "-c", f"core.hooksPath={os.devnull}", "worktree", "add", "--detach",
                "--quiet", str(tree), rev)
        yield tree
    finally:
        git.run(top, "worktree", "remove", "--force", str(tree), check=False)
        git.run(top, "worktree", "prune", check=False)
        shutil.rmtree(folder, ignore_errors=True)


def _same_on_disk(path: Path, data: bytes) -> bool | None:
    """Whether the regular file at ``path`` holds ``data``; None if there is none."""
    try:
        if path.is_symlink() or not path.is_file():
            return None
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return None


def _committed(top: Path, rev: str) -> dict[str, tuple[str, int]]:
    """``{file name: (blob id, size)}`` of the regular files in ``rev``'s ``out/``."""
    found = {}
    for entry in filter(None, git.run(top, "ls-tree", "-l", "-z", rev, "--", "out/").split(b"\0")):
        info, _, raw = entry.partition(b"\t")
        mode, _, oid, size = info.decode("ascii", "replace").split()
        name = raw.decode("utf-8", "surrogateescape")
        if mode in ("100644", "100755") and name.startswith("out/") and "/" not in name[4:]:
            found[name[4:]] = (oid, int(size))
    return found


def _blob_id(data: bytes, like: str) -> str:
    """git's id for a file holding ``data``, hashed as ``like`` is (SHA-1, or SHA-256 in
    a repository made with it): comparing with a commit then reads nothing from it."""
    digest = hashlib.sha256 if len(like) == 64 else hashlib.sha1
    return digest(b"blob %d\0" % len(data) + data).hexdigest()


def _read_committed(top: Path, rev: str, pid: str, committed) -> dict[str, bytes]:
    """``{suffix: bytes}`` of the paper's files committed in ``rev``'s ``out/``, each
    checked to be what ``report_paper`` and the redline can read."""
    files = {}
    for suffix in writers.suffixes():
        name = f"{pid}{suffix}"
        if name not in committed:
            continue
        oid, size = committed[name]
        if size > MAX_OUTPUT:
            raise _corrupt(f"out/{name}", rev, f"{size} bytes, more than the {MAX_OUTPUT:,} "
                                               "a paper can need")
        files[suffix] = git.run(top, "cat-file", "blob", oid)
        why = _unreadable(suffix, files[suffix])
        if why:
            raise _corrupt(f"out/{name}", rev, why)
    return files


def _corrupt(name: str, rev: str, why: str) -> CorruptOutput:
    return CorruptOutput(f"{printable(name)} at {rev} is corrupt ({why}); compare other "
                         "revisions, or rebuild it and commit out/.")


def _unreadable(suffix: str, data: bytes) -> str | None:
    """Why a committed output cannot be compared (what ``report_paper`` and the redline
    read), or None when it can."""
    if suffix == ".docx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zipped:
                archive.check_archive(zipped)
                zipped.getinfo("word/document.xml")
        except KeyError:
            return "not a Word document: it has no word/document.xml"
        except (zipfile.BadZipFile, archive.Refused, ValueError) as exc:
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


def figure_changes(old: Copy, new: Copy) -> list[str]:
    """One line per figure whose printed value changed, appeared or went."""
    before = {f.id: f for f in old.figures or ()}
    after = {f.id: f for f in new.figures or ()}
    sections = new.sections if new.figures is not None else old.sections
    lines = []
    for fid in sorted(before.keys() | after.keys()):
        a, b = before.get(fid), after.get(fid)
        if a and b and a.text["default"] == b.text["default"]:
            continue
        figure = b or a
        was = a.text["default"] if a else "(none)"
        now = b.text["default"] if b else "(none)"
        where = places(figure.printed_at, sections)
        lines.append(f"{figure.label or fid}: {was} → {now}" + (f" ({where})" if where else ""))
    return lines


def resolve(top: Path, items: list[str]) -> tuple[str, str, str | None]:
    """The two revisions and the decision that ``diff``'s arguments name.

    An argument is a source (``*.json``), a decision in the working tree, a
    revision, or else must be a decision at one of the two revisions compared.
    Anything else is refused, saying what it is not, so a mistyped revision is
    never taken for a decision, nor a mistyped decision for a revision.
    """
    here = decisions(top, WORKING_TREE)
    revs, names = [], []
    for item in items:
        if item.endswith(".json"):
            path = Path(item)
            names.append((item, _decision_id(path, path.stem) if path.exists() else path.stem))
        elif item in here or not git.is_commit(top, item):
            names.append((item, item))
        else:
            revs.append(item)
    if len(revs) > 2:
        raise GitError(f"give at most two revisions, not {len(revs)} "
                       f"({', '.join(printable(r) for r in revs)}).")
    rev_a = revs[0] if revs else "HEAD"
    rev_b = revs[1] if len(revs) > 1 else WORKING_TREE
    if not git.is_commit(top, rev_a):
        raise GitError("this repository has no commits yet: commit the papers, then compare.")
    known = decisions(top, rev_a) | decisions(top, rev_b)
    for item, name in names:
        if name in known:
            continue
        if item.endswith(".json") or name in here:
            raise GitError(missing(name, rev_a, rev_b, known))
        raise GitError(f'"{printable(item)}" is neither a revision of this repository nor a '
                       f"decision id (decisions: {_listed(known)}).")
    named = sorted({name for _, name in names})
    if len(named) > 1:
        raise GitError(f"give at most one decision, not {len(named)} "
                       f"({', '.join(printable(n) for n in named)}).")
    return rev_a, rev_b, named[0] if named else None


def decisions(top: Path, rev: str) -> set[str]:
    """The decision ids at ``rev`` as its files name them (``decisions/<id>.json``,
    ``out/<id>.md``): listed, not built, so a bad argument is refused at once."""
    if rev == WORKING_TREE:
        files = [p.relative_to(top).as_posix()
                 for p in [*projects.Project(top).sources(), *(top / "out").glob("*.md")]]
    else:
        files = git.run(top, "ls-tree", "-z", "--name-only", rev, "--", "decisions/", "out/"
                        ).decode("utf-8", "surrogateescape").split("\0")
    found = set()
    for file in files:
        folder, _, name = file.partition("/")
        suffix = ".json" if folder == "decisions" else ".md"
        if name.endswith(suffix) and "/" not in name:
            found.add(name[:-len(suffix)])
        elif folder == "decisions" and name and "/" not in name and "." not in name:
            found.add(name)  # a decision kept as a folder, decisions/<id>/
    return found


def missing(name: str, rev_a: str, rev_b: str, known: set[str]) -> str:
    """The error for a decision at neither revision."""
    return (f'"{printable(name)}" is not a decision {where(rev_a)} or {where(rev_b)} '
            f"(decisions there: {_listed(known)}).")


def _listed(ids: set[str]) -> str:
    shown = ", ".join(printable(i) for i in sorted(ids)[:10]) or "none"
    return shown + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")


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


def report_paper(pid, old: Copy, new: Copy, rev_a, rev_b, stdout) -> None:
    """What changed in one paper: its figures, then a unified diff of its Markdown."""
    changes = figure_changes(old, new)
    state = "new paper" if not old else "removed" if not new else \
        f"{len(changes)} figure{'s' if len(changes) != 1 else ''} changed"
    print(f"{pid}: {state}", file=stdout)
    for line in changes:
        print(f"  {line}", file=stdout)
    before = old.get(".md", b"").decode("utf-8").splitlines(keepends=True)
    after = new.get(".md", b"").decode("utf-8").splitlines(keepends=True)
    stdout.writelines(difflib.unified_diff(before, after, f"a/out/{pid}.md ({rev_a})",
                                           f"b/out/{pid}.md ({rev_b})"))


def write_redline(changed, old, new, target: Path, stamp: tuple[str, dt.datetime], stdout,
                  stderr) -> int:
    """Write the redline of the one paper that changed to ``target``.

    Its tracked changes carry ``stamp``, ``(author, date)`` (``changed_by``).

    The document is marked as a redline by its zip comment,
    ``archive.REDLINE_COMMENT`` (Word ignores it, and drops it if the file is
    saved again), so a later ``diff --redline`` may overwrite it and nothing
    else; ``diff_command`` checks the target before anything is compared.
    """
    from decision_papers.review import redline
    from decision_papers.word import reader
    both = [pid for pid in changed if old.get(pid) and new.get(pid)]
    if len(both) != 1:
        print("error: --redline needs exactly one changed paper; name the decision.",
              file=stderr)
        return 2
    pid = both[0]
    try:
        before = reader.read(io.BytesIO(old[pid].files[".docx"]))
        after = reader.read(io.BytesIO(new[pid].files[".docx"]))
    except Exception as exc:  # noqa: BLE001 - a zip Word cannot read: said, no traceback
        print(f"error: out/{pid}.docx cannot be read as a Word document "
              f"({type(exc).__name__}); rebuild it and commit out/.", file=stderr)
        return 1
    data = archive.normalise_docx(
        redline.render(before, after, *stamp, looks=new[pid].files[".docx"]),
        archive.REDLINE_COMMENT)
    try:
        atomic.write_atomic(target, data)
    except atomic.WriteFailed as exc:
        print(f"error: {exc}.", file=stderr)
        return 1
    print(f"redline of {pid} written to {display_path(target)}", file=stdout)
    return 0


def changed_by(top: Path, rev: str) -> tuple[str, dt.datetime]:
    """Who made the changes that ``rev`` holds, and when: a redline's tracked changes are theirs.

    For a commit, its author's name and date.  The working tree's changes are no
    commit yet: ``git config user.name`` (else "working tree"), and
    ``SOURCE_DATE_EPOCH`` if set (so a redline can be made again byte for
    byte), else the current time to the second.
    """
    if rev != WORKING_TREE:
        name, date = git.author_and_date(top, rev)
        return printable(name), dt.datetime.fromisoformat(date)
    name = git.run(top, "config", "user.name", check=False).decode("utf-8", "replace").strip()
    when = reproducible.epoch() or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    return printable(name) or "working tree", when
