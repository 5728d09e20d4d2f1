"""Incremental builds: a paper is built again only when one of its inputs has changed.

A paper's inputs are its source (a file, or a decision folder), its form pack
(``templates/<form>/``) and the base it extends (``templates/_base/``), the
schemas it is validated against, the rules file it names, its records, and
the tool itself (the package's code and the libraries installed beside it),
plus the options and settings that change what a build writes or says.  Each
is tracked by the hash of its content, as a build system tracks the inputs of
each target, and recorded after each build in a manifest (see below) with the
hash of every output and the warnings the build printed.

A paper is fresh when every input hashes as recorded, every output in OUT
still holds what was written, and its id is still its own (no other source
has taken it).  A fresh paper is not built again: its warnings are printed
as before.  Anything else is stale and is built, by the full pipeline, and
``--force`` builds every paper.  A paper whose Part 2 is kept in a file of
its own is always built (whether git would commit that file can change with
no input changing), and so is every paper of a ``--part2`` build, and of a
build that asks for a writer the cache cannot follow (``Writer.cached``: a PDF,
made by LibreOffice, which is not an input it can hash).

The manifest is the user's cache, not the project's: it is kept in the
user's cache folder (``$XDG_CACHE_HOME``, else ``~/.cache``), one per output
folder, so OUT holds only the papers and nothing of it can be committed.
Where no cache folder can be written, every build builds every paper.

This module is imported on every build, so it imports only the standard
library and the package's light modules (the writer table among them): a
rebuild with nothing to do never
loads Jinja, python-docx, markdown-it or jsonschema.  For the same reason its
classes are plain ones, not dataclasses (whose import costs more than the
whole of such a rebuild's own work).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
from pathlib import Path

from decision_papers import __version__, projects, writers
from decision_papers.forms import packs

MANIFEST = "manifest.json"
FORMAT = 1
"""The manifest's layout; a manifest of another layout is ignored (every paper is stale)."""
PACKAGE = Path(__file__).resolve().parent


class Settings:
    """What, besides a paper's own inputs, changes what its build writes or says."""

    def __init__(self, out_dir: Path, templates_dir: Path, rules_dir: Path,
                 strict: bool = False, requested=frozenset()):
        self.out_dir = out_dir
        """The folder the outputs go to (the manifest lives in it)."""
        self.templates_dir = templates_dir
        """The folder of form packs."""
        self.rules_dir = rules_dir
        """The folder of organisation rules files."""
        self.strict, self.writers = strict, frozenset(requested)
        """Warnings are errors; the optional writers asked for (``writers.WRITERS``), whose
        files are outputs too."""
        self._digest: str | None = None

    def digest(self) -> str:
        """The hash of the settings, the tool, and the environment a build reads.

        Messages name files relative to the working folder, so it is part of
        it; so is ``SOURCE_DATE_EPOCH``, which is stamped in every paper.
        """
        if self._digest is None:
            self._digest = self._compute()
        return self._digest

    def _compute(self) -> str:
        try:
            here = os.getcwd()
        except OSError:  # the working folder was deleted: paths are shown in full
            here = None
        return _hash(json.dumps({
            "tool": tool_digest(),
            "out": os.path.abspath(self.out_dir),
            "templates": os.path.abspath(self.templates_dir),
            "rules": os.path.abspath(self.rules_dir),
            "options": [self.strict, sorted(self.writers)],
            "cwd": here,
            "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH"),
        }, sort_keys=True).encode("utf-8"))


def cacheable(requested) -> bool:
    """Whether a build that asks for the optional writers ``requested`` may use the manifest:
    not one whose files no hash can follow (a PDF, made by LibreOffice)."""
    return all(w.cached for w in writers.chosen(requested))


def tool_digest() -> str:
    """The hash of the tool: its version, every module of the package, the Python that
    runs it, and the names (with versions) of the distributions installed beside it."""
    h = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        h.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    for folder in sys.path:
        if folder.endswith(("site-packages", "dist-packages")) and os.path.isdir(folder):
            names = sorted(n for n in os.listdir(folder) if n.endswith((".dist-info", ".egg-info")))
            h.update("\0".join(names).encode())
    return h.hexdigest()


class Digests:
    """Content hashes of files and folders, each taken once per build."""

    def __init__(self):
        self._seen: dict[tuple[str, str], str | None] = {}

    def of(self, kind: str, path: str) -> str | None:
        """The hash of an input of ``kind`` (``file``, ``tree``, or ``records:<id>``);
        None when it cannot be read."""
        key = (kind, path)
        if key not in self._seen:
            self._seen[key] = _digest(kind, path)
        return self._seen[key]

    def source(self, path: Path) -> str | None:
        """A decision's source: its file, or its folder's every file."""
        return self.of("tree" if path.is_dir() else "file", os.path.abspath(path))


def _digest(kind: str, path: str) -> str | None:
    try:
        if kind == "file":
            return _hash(_regular(Path(path)))
        if kind == "tree":
            return _tree(Path(path))
        if kind.startswith("records:"):  # one id's records: pcd-1717.json, ….corrigendum-1.json
            pid = kind.split(":", 1)[1]
            folder = Path(path)  # no folder is no record, as an empty one is
            listed = os.listdir(folder) if folder.is_dir() else []
            names = sorted(n for n in listed if n.startswith(f"{pid}.") and
                           n.endswith(".json") and not n.startswith("."))
            return _hash("\0".join(f"{n}\0{_hash(_regular(folder / n))}"
                                   for n in names).encode())
    except OSError:
        return None
    raise ValueError(f"unknown kind of input: {kind}")


def _regular(path: Path) -> bytes:
    """The bytes of an ordinary file of a decision's size at most.  A device, a pipe or a
    huge file is never read (``/dev/zero`` would never end): it raises ``OSError``, so its
    paper is built, and the build says what is wrong with it."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a pipe: no wait
    with open(descriptor, "rb", buffering=0) as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > LARGEST:
            raise OSError(f"not an ordinary file of at most {LARGEST} bytes: {path}")
        return handle.read()


LARGEST = 64 * projects.MAX_BYTES
"""The largest input hashed (a form pack's reference document, a decision folder's file)."""


def _tree(folder: Path) -> str:
    """Every file in ``folder`` and below, by its path and content; a linked folder is
    followed (Jinja follows it to include a template), once."""
    h = hashlib.sha256()
    files, seen = [], set()
    for top, dirs, names in os.walk(folder, followlinks=True):
        real = os.path.realpath(top)
        if real in seen:  # a link back up the tree
            dirs[:] = []
            continue
        seen.add(real)
        dirs.sort()
        files += [os.path.join(top, name) for name in names]
    for path in sorted(Path(p) for p in files):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(_hash(_regular(path)).encode())
    return h.hexdigest()


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Fresh:
    """A paper whose outputs in OUT are what its build would write: it is not built."""

    failed = False
    """Never: a paper with errors wrote nothing, so it is never fresh."""
    part2_outputs = ()
    """Never any: a Part 2 build builds every paper."""

    def __init__(self, path: Path, pid: str, outputs: tuple[str, ...], problems: list):
        self.path = path
        """Source file (or decision folder)."""
        self.id = pid
        """Decision id."""
        self.outputs = outputs
        """The names of its files in OUT."""
        self.problems = problems
        """The warnings its last build printed (``Replayed``; a fresh paper has no errors)."""


class Replayed:
    """A warning of a paper's last build, printed again as it was."""

    severity, details = "warning", {}

    def __init__(self, text: str, rule: str):
        self.text, self.rule = text, rule

    def render(self) -> str:
        return self.text


class Plan:
    """Which papers are fresh and which must be built."""

    def __init__(self, fresh=None, stale=None):
        self.fresh: list[Fresh] = fresh or []
        """Papers whose outputs stand."""
        self.stale: list[Path] = stale or []
        """Sources to build, sorted."""
        self.digests = Digests()
        """The hashes taken while planning, kept for the manifest: an input that changes
        while the build runs is recorded as it was before, and its paper is built again."""
        self.ids: dict[str, str | None] = {}
        """The id each source declares, by its absolute path, as far as planning read them."""


def plan(sources: list[Path], settings: Settings) -> Plan:
    """Sort ``sources`` into fresh papers and stale ones; nothing is written."""
    out = Plan()
    ordered = sorted(sources, key=str)
    manifest = _read(settings)
    papers = manifest.get("papers", {}) if manifest.get("settings") == settings.digest() else {}
    candidates: dict[str, Fresh] = {}
    for path in ordered:
        entry = papers.get(os.path.abspath(path))
        fresh = entry is not None and _fresh(path, entry, settings, out.digests)
        if fresh:
            candidates[os.path.abspath(path)] = Fresh(
                path, entry["id"], tuple(sorted(entry["outputs"])),
                [Replayed(text, rule) for text, rule in entry["problems"]])
    clashes = _clashing_ids(ordered, candidates, papers, settings, out)
    for path in ordered:
        found = candidates.get(os.path.abspath(path))
        if found is None or found.id in clashes:
            out.stale.append(path)
        else:
            out.fresh.append(found)
    return out


def everything(sources: list[Path]) -> Plan:
    """Every source is stale (``--force``)."""
    return Plan(stale=sorted(sources, key=str))


def before_building(plan: Plan, settings: Settings) -> None:
    """Hash, before anything is built, every input a stale paper can have.

    What is recorded is then what the build read, or older: a file saved
    while the build runs (a ``git pull`` in another terminal) is recorded as
    it was, so the paper it changes is built again next time, never left
    stale as "unchanged".  A folder that cannot be listed is left for the
    build to report.
    """
    digests = plan.digests
    for path in plan.stale:
        digests.source(path)
        key = os.path.abspath(path)
        pid = plan.ids[key] if key in plan.ids else projects.declared_id(path)
        if pid is not None:  # its records, under the id it declares now
            for project in projects.projects_of(path, settings.out_dir):
                digests.of(f"records:{pid}", os.path.abspath(project.records))
    where = settings.templates_dir
    try:
        folders = sorted(where.iterdir()) if where.is_dir() else []
    except OSError:
        folders = []
    for pack in [*folders, packs.base(settings.templates_dir)]:
        if pack.is_dir():
            digests.of("tree", os.path.abspath(pack))
    for folder in (settings.rules_dir, projects.SCHEMA_DIR, projects.SCHEMA_DIR / "forms"):
        try:
            files = sorted(folder.glob("*.json")) if folder.is_dir() else []
        except OSError:
            files = []
        for path in files:
            digests.of("file", os.path.abspath(path))


def _fresh(path: Path, entry: dict, settings: Settings, digests: Digests) -> bool:
    try:
        if not isinstance(entry["id"], str) or not isinstance(entry["outputs"], dict):
            return False
        if digests.source(path) != entry["source"]:
            return False
        for kind, where, digest in entry["inputs"]:
            if digests.of(kind, where) != digest:
                return False
        for name, digest in entry["outputs"].items():
            if digests.of("file", os.path.abspath(settings.out_dir / name)) != digest:
                return False
        if not all(isinstance(t, str) and isinstance(r, str) and _plain(t)
                   for t, r in entry["problems"]):
            return False
    except (KeyError, TypeError, ValueError, AttributeError):  # edited by hand: build again
        return False
    return True


def _clashing_ids(ordered, candidates, papers, settings, out: Plan) -> set[str]:
    """The ids of fresh papers that another source now declares too.

    The id rule reads every source of the build and of the projects' ``decisions/``;
    a fresh paper's id is in the manifest, any other source's is read from its file.
    Each id found is kept in ``out.ids``.
    """
    owners: dict[str, set[str]] = {}
    digests = out.digests

    def declared(path: Path) -> None:
        key = os.path.abspath(path)
        if key in candidates:
            pid = candidates[key].id
        else:
            entry = papers.get(key)
            same = entry is not None and digests.source(path) == entry.get("source")
            pid = entry.get("id") if same else projects.declared_id(path)
        out.ids[key] = pid if isinstance(pid, str) else None
        if isinstance(pid, str):
            owners.setdefault(pid, set()).add(_identity(path))
    folders = {}
    for path in ordered:
        declared(path)
        for project in projects.projects_of(path, settings.out_dir):
            folders.setdefault(os.path.abspath(project.decisions), project.decisions)
    building = {_identity(p) for p in ordered}
    for _, folder in sorted(folders.items()):
        for path in projects.sources_in(folder):
            if _identity(path) not in building:
                declared(path)
    return {pid for pid, where in owners.items() if len(where) > 1}


def _plain(text: str) -> bool:
    """Text a build printed: no character ``problems.printable`` would have escaped."""
    return _INVISIBLE.search(text) is None


_INVISIBLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""``problems._INVISIBLE`` but for the line break between a message's lines (a test
keeps the two in step); ``problems`` itself is too slow to import for a rebuild."""


def _identity(path: Path) -> str:
    """One name for one file, however it is reached (as the id rule names it)."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return os.path.abspath(path)


def inputs(paper, settings: Settings, referred=None) -> list[tuple[str, str]] | None:
    """``(kind, path)`` of every input of a built paper besides its source; None when the
    paper must always be built.  ``referred`` keeps each schema's references, read once
    for a batch."""
    if paper.always_build or paper.form is None or paper.rules is None:
        return None
    pack = settings.templates_dir / paper.form["template"]
    schema = projects.SCHEMA_DIR / "forms" / f"{paper.form['template']}.schema.json"
    found = [("tree", os.path.abspath(pack)),
             ("tree", os.path.abspath(packs.base(settings.templates_dir))),
             ("file", os.path.abspath(settings.rules_dir / f"{paper.rules}.json"))]
    # the form's schema, the shared ones beside it, and every schema it refers to
    schemas = {os.path.normpath(os.path.abspath(p)) for p in
               (schema, *projects.SCHEMA_DIR.glob("*.json"))}
    schemas.update(_referred(schema, {} if referred is None else referred))
    found += [("file", p) for p in sorted(schemas)]
    for project in projects.projects_of(paper.path, settings.out_dir):
        found.append((f"records:{paper.id}", os.path.abspath(project.records)))
    return found


def _referred(schema: Path, known: dict) -> set[str]:
    """Every schema file a form's schema refers to (``"$ref": "../common.schema.json#…"``),
    and those they refer to in turn, as normalised absolute paths.  A reference by a URL
    (an ``$id``) names no file: the schemas beside it cover it."""
    if schema not in known:
        found, todo = set(), [schema]
        while todo:
            current = todo.pop()
            try:
                text = current.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            for ref in _REF.findall(text):
                name = ref.split("#", 1)[0]
                if not name or ":" in name:
                    continue
                path = os.path.normpath(os.path.abspath(current.parent / name))
                if path not in found and os.path.isfile(path):
                    found.add(path)
                    todo.append(Path(path))
        known[schema] = found
    return known[schema]


_REF = re.compile(r'"\$ref"\s*:\s*"([^"]*)"')


def record(papers, built: Plan, settings: Settings) -> None:
    """Note each paper just built and written in the manifest, and forget each that failed.

    Entries of papers not in this build stay.  A manifest that cannot be written
    is no error: the next build builds those papers again.
    """
    manifest = _read(settings)
    digest = settings.digest()
    entries = manifest.get("papers", {}) if manifest.get("settings") == digest else {}
    referred: dict = {}
    for paper in papers:
        if isinstance(paper, Fresh):
            continue
        key = os.path.abspath(paper.path)
        entries.pop(key, None)
        found = None if paper.failed or not paper.outputs else \
            inputs(paper, settings, referred)
        source = built.digests.source(paper.path)
        if found is None or source is None:
            continue
        listed = [[kind, where, built.digests.of(kind, where)] for kind, where in found]
        if any(d is None for _, _, d in listed):
            continue
        entries[key] = {
            "source": source, "id": paper.id, "inputs": listed,
            "outputs": {name: _hash(data) for name, data in sorted(paper.outputs.items())},
            "problems": [[p.render(), p.rule] for p in paper.problems],
        }
    if settings.out_dir.is_dir():  # a build that wrote nothing leaves no folder behind
        _write(settings, {"format": FORMAT, "settings": digest, "papers": entries})


def cache_folder(out_dir: Path) -> Path | None:
    """Where the manifest of the builds into ``out_dir`` is kept; None where there is no
    cache folder (a relative ``XDG_CACHE_HOME`` is ignored, as the XDG spec says, and a
    home that cannot be found is none): then every build builds every paper."""
    base = None
    for candidate in (os.environ.get("XDG_CACHE_HOME"), os.environ.get("LOCALAPPDATA"),
                      os.path.join(os.path.expanduser("~"), ".cache")):
        if candidate and os.path.isabs(candidate):
            base = candidate
            break
    if base is None:
        return None
    name = _hash(os.path.abspath(out_dir).encode("utf-8", "surrogateescape"))[:24]
    return Path(base) / "decision-papers" / "builds" / name


def _read(settings: Settings) -> dict:
    folder = cache_folder(settings.out_dir)
    try:
        data = json.loads(_regular(folder / MANIFEST)) if folder else {}
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or \
            not isinstance(data.get("papers"), dict):
        return {}  # a manifest of another version, or damaged: every paper is built
    data["papers"] = {k: v for k, v in data["papers"].items() if isinstance(v, dict)}
    return data


def _write(settings: Settings, data: dict) -> None:
    folder = cache_folder(settings.out_dir)
    if folder is None:
        return
    temporary = folder / f".{MANIFEST}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")),
                             encoding="utf-8")
        os.replace(temporary, folder / MANIFEST)
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass
