"""Benchmark build.py against pandoc: one command, one results file.

Run from the repository's root:

    .venv/bin/python benchmarks/run.py [--papers N] [--rounds R] [--results PATH]

(defaults: 1,000 papers, 7 rounds, benchmarks/RESULTS.md).  The peer is the
pandoc of the ``pypandoc-binary`` package, converting the tool's own Markdown
output (``out/<id>.md``) to DOCX, as a whole process.

Measures (tool and pandoc runs alternate within one loop, so a slow spell on
a shared machine hits both; medians are quoted):

(a) a cold build of PCD 1717 (``--force``) against pandoc on its Markdown;
(b) a no-op rebuild of the three bundled decisions against the same pandoc run;
(c) a batch of N synthetic papers (``--force -j 2``) against pandoc on each
    of their Markdown files, per paper;
(d) the batch build's peak memory, its whole process tree;
(e) PCD 1717 grown to 4,000 background paragraphs against pandoc on its Markdown;
(f) the live preview: the page of a just-saved source, in a running process.

Everything runs in a temporary project folder (its own ``decisions/`` and
``out/``), removed at the end; build.py is run by absolute path, so it finds
its templates, schema and rules beside itself.  ``--force`` and ``-j`` are
passed only if ``build.py --help`` lists them.  Exit 0 when it ran, whether or
not the targets were met; 1 if a build (or a pandoc run) failed; 2 without
pypandoc.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import platform
import random
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build.py"
PYTHON = sys.executable
BUNDLED = ("pcd-1717", "md-3311", "kdr-2025-014")
"""The bundled decisions; PCD 1717 is the largest."""
LIST_SECTION = {"pcd-1717": "background", "md-3311": "background", "kdr-2025-014": "reasons"}
"""The ``part1`` list each form's synthetic papers grow (the council form has no background)."""
SYNTHETIC = {  # form -> (id, reference) of synthetic paper n
    "pcd-1717": lambda n: (f"pcd-{n}", f"PCD {n}"),
    "md-3311": lambda n: (f"md-{n}", f"MD{n}"),
    "kdr-2025-014": lambda n: (f"kdr-2025-{n}", f"KDR 2025/{n}"),
}
BIG_PARAGRAPHS = 4000
PANDOC_SAMPLE = 100
SEED = 1717
TARGETS = {"a": 1.5, "b": 0.5, "c": 0.15, "d": 150.0, "e": 1.5, "f": 50.0}
"""Tool/pandoc ratios for (a), (b), (c) per paper, (e); MiB for (d); ms for (f)."""

WORDS = (
    "the of and to a in for is that be on with by as this will are from at or an it which "
    "contract variation budget approval officer grant funding value services delivery review "
    "panel board policing crime decision paper recommendation financial legal commercial "
    "equality consultation supplier procurement staff support practice training partners "
    "residents housing advice energy provider evaluation outcomes risk assurance governance "
    "oversight safeguarding wellbeing community programme team plan report evidence insight "
    "commissioning quality standards").split()
"""Plain words for filler prose: no digits, number words, months or units of time, so
the tool's checks for figures typed into prose find nothing in it."""
TAGS = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi "
        "rho sigma tau upsilon phi chi psi omega").split()
"""Words that make each synthetic title different, without digits."""


class BuildFailed(Exception):
    """A build or pandoc run that did not exit 0: the benchmark cannot go on."""

    def __init__(self, command: list[str], detail: str):
        super().__init__(f"failed: {shlex.join(command)}\n{detail}")


# --- running things -------------------------------------------------------------------

def pandoc_path() -> str:
    """The pandoc binary bundled by pypandoc-binary, or exit 2 saying how to get it.

    The wheel's binary is used (not a system pandoc) so every machine compares
    against the same pandoc.
    """
    try:
        import pypandoc
        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        print("benchmarks/run.py needs pypandoc-binary: .venv/bin/pip install -e '.[bench]'",
              file=sys.stderr)
        sys.exit(2)


def supported_flags() -> tuple[bool, bool]:
    """Whether build.py has ``--force`` and ``-j`` yet; the harness runs before and after.

    Each is checked on its own, so a build.py that has one but not the other
    is not given an option it would refuse.
    """
    shown = subprocess.run([PYTHON, str(BUILD), "--help"], capture_output=True, text=True).stdout
    return "--force" in shown, re.search(r"(?<![\w-])-j\b", shown) is not None


def run(command: list[str], cwd: Path) -> float:
    """Run a whole process and return its wall time; a non-zero exit is a ``BuildFailed``."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise BuildFailed(command, f"exit {done.returncode}\n{done.stderr.strip()}")
    return elapsed


def build_command(*args: str) -> list[str]:
    """``python build.py ARGS``, by absolute path, so any folder can be the project."""
    return [PYTHON, str(BUILD), *args]


def pandoc_command(pandoc: str, markdown: Path, docx: Path) -> list[str]:
    """pandoc reading the tool's Markdown (front matter included) and writing DOCX."""
    return [pandoc, "-f", "markdown", "-t", "docx", "-o", str(docx), str(markdown)]


def interleaved(tool, peer, rounds: int) -> tuple[list[float], list[float]]:
    """Alternate tool and peer, after one untimed run of each (caches, bytecode).

    Alternating within one loop, rather than all of one then all of the
    other, spreads any slow spell (another user's job) over both.
    """
    tool()
    peer()
    tools, peers = [], []
    for _ in range(rounds):
        tools.append(tool())
        peers.append(peer())
    return tools, peers


# --- memory ---------------------------------------------------------------------------

PAGE = os.sysconf("SC_PAGE_SIZE")


def descendants(pid: int) -> set[int]:
    """``pid`` and every process below it, now.

    Reads ``/proc/<pid>/task/*/children`` where the kernel has them; else
    scans ``/proc`` for parent ids (about a millisecond on a quiet machine).
    """
    if Path(f"/proc/{pid}/task/{pid}/children").exists():
        found, todo = set(), [pid]
        while todo:
            current = todo.pop()
            found.add(current)
            for task in Path(f"/proc/{current}/task").glob("*/children"):
                try:
                    todo += [int(c) for c in task.read_text().split()]
                except OSError:
                    pass
        return found
    parents = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as stat:
                    text = stat.read()
            except OSError:
                continue
            parents[int(entry.name)] = int(text[text.rindex(b")") + 2:].split()[1])
    found, todo = {pid}, [pid]
    while todo:
        current = todo.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found.add(child)
                todo.append(child)
    return found


def tree_memory(pid: int) -> tuple[int, int]:
    """``(RSS, PSS)`` summed over ``pid`` and its descendants, in bytes (0 once gone).

    Summed RSS counts a page the workers share with the process they were forked
    from once for each of them; PSS (the kernel's proportional set size, from
    ``smaps_rollup``) shares each such page out between them, so its sum is the
    memory the build really holds.  Where the kernel has no ``smaps_rollup``,
    PSS is given as RSS.
    """
    rss = pss = 0
    for member in descendants(pid):
        try:
            with open(f"/proc/{member}/statm", "rb") as statm:
                resident = int(statm.read().split()[1]) * PAGE
            rss += resident
            try:
                with open(f"/proc/{member}/smaps_rollup", "rb") as rollup:
                    lines = rollup.read().split(b"\n")
                pss += next(int(line.split()[1]) * 1024 for line in lines
                            if line.startswith(b"Pss:"))
            except (OSError, StopIteration):
                pss += resident
        except (OSError, IndexError, ValueError):
            pass  # it ended between the listing and the reading
    return rss, pss


def run_sampled(command: list[str], cwd: Path) -> tuple[float, tuple[int, int], int]:
    """Run a whole process; return its wall time, its tree's peak summed RSS and PSS
    (bytes, ``tree_memory``), and the kernel's ``ru_maxrss`` for it (KiB).

    A thread samples every 20 ms, so a pool of workers is counted while it
    lives: ``ru_maxrss`` is only the largest single process.  The process is
    reaped with ``os.wait4`` so that figure is this build's alone, where
    ``getrusage(RUSAGE_CHILDREN)`` would also hold every pandoc run so far.
    Output goes to a file, not a pipe, so nothing blocks while it is reaped.
    """
    peak, stop = [0, 0], threading.Event()

    def sample(pid: int) -> None:
        while not stop.is_set():
            peak[:] = map(max, peak, tree_memory(pid))
            stop.wait(0.02)

    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr)
        sampler = threading.Thread(target=sample, args=(process.pid,), daemon=True)
        sampler.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if process.returncode is None:  # interrupted: leave no build running
                process.kill()
                process.wait()
            stop.set()
            sampler.join()
        elapsed = time.perf_counter() - start
        if process.returncode != 0:
            stderr.seek(0)
            raise BuildFailed(command, f"exit {process.returncode}\n"
                              + stderr.read().decode("utf-8", "replace").strip())
    return elapsed, tuple(peak), usage.ru_maxrss


# --- sources --------------------------------------------------------------------------

def bundled(name: str) -> dict:
    """A bundled decision source, as data."""
    return json.loads((ROOT / "decisions" / f"{name}.json").read_text(encoding="utf-8"))


def paragraph(rng: random.Random, low: int, high: int) -> str:
    """Filler prose of ``low`` to ``high`` plain words: nothing the checks read as a figure."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def write_source(folder: Path, data: dict) -> Path:
    """Write a source as ``decisions/<id>.json``, as an officer's editor would save it."""
    path = folder / "decisions" / f"{data['id']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def synthetic(n: int, form: str, base: dict, least: int, rng: random.Random) -> dict:
    """Synthetic paper ``n``: a bundled source with a new id, reference and title words,
    grown by plain paragraphs to at least ``least`` bytes (PCD 1717's size).

    Only text the checks cannot object to changes, so every paper still builds.
    """
    data = copy.deepcopy(base)
    data["id"], data["reference"] = SYNTHETIC[form](n)
    tag = " ".join(TAGS[(n // 24 ** k) % 24].capitalize() for k in (2, 1, 0))
    data["title"] = f"{tag}: {data['title']}"
    section = data["part1"][LIST_SECTION[form]]
    section += [paragraph(rng, 60, 90) for _ in range(rng.randint(2, 6))]
    while len(json.dumps(data, indent=2, ensure_ascii=False)) < least:
        section.append(paragraph(rng, 60, 90))
    return data


def batch_project(folder: Path, papers: int) -> None:
    """N synthetic papers, the three forms in turn, each the size of PCD 1717 or larger."""
    rng = random.Random(SEED)
    bases = {name: bundled(name) for name in BUNDLED}
    least = len((ROOT / "decisions" / "pcd-1717.json").read_text(encoding="utf-8"))
    for i in range(papers):
        form = BUNDLED[i % len(BUNDLED)]
        write_source(folder, synthetic(10_000 + i, form, bases[form], least, rng))


def big_source(folder: Path) -> Path:
    """PCD 1717 with its background grown to 4,000 plain paragraphs (kept under the
    tool's 2 MiB source limit by using short paragraphs)."""
    rng = random.Random(SEED)
    data = bundled("pcd-1717")
    background = data["part1"]["background"]
    background += [paragraph(rng, 20, 40) for _ in range(BIG_PARAGRAPHS - len(background))]
    return write_source(folder, data)


# --- the measures ---------------------------------------------------------------------

def measure_single(project: Path, pandoc: str, rounds: int, force: list[str]) -> dict:
    """(a) cold build of PCD 1717 and (b) no-op rebuild of the three bundled papers.

    Both against pandoc converting PCD 1717's Markdown, the one paper a
    reader would compare them with.
    """
    for name in BUNDLED:
        shutil.copy(ROOT / "decisions" / f"{name}.json", project / "decisions" / f"{name}.json")
    run(build_command("-q"), project)  # checks all three build, and writes the Markdown
    markdown, docx = project / "out" / "pcd-1717.md", project.parent / "pandoc-pcd-1717.docx"
    peer = lambda: run(pandoc_command(pandoc, markdown, docx), project)  # noqa: E731
    cold = interleaved(lambda: run(build_command(*force, "-q", "decisions/pcd-1717.json"),
                                   project), peer, rounds)
    said = subprocess.run(build_command(), cwd=project, capture_output=True, text=True).stdout
    if [line.split(" ", 1)[0] for line in said.splitlines()] != ["unchanged"] * len(BUNDLED):
        raise BuildFailed(build_command(), f"the rebuild was not a no-op:\n{said}")
    noop = interleaved(lambda: run(build_command("-q"), project), peer, rounds)
    return {"a": cold, "b": noop}


def measure_batch(project: Path, pandoc: str, papers: int, rounds: int,
                  flags: list[str]) -> dict:
    """(c) the batch build against pandoc per paper, and (d) its peak memory.

    Pandoc converts every paper's Markdown, or a fixed sample of 100 when
    there are more, one process at a time; its time is per paper either way.
    """
    batch_project(project, papers)
    command = build_command(*flags, "-q")
    run(command, project)  # every generated paper must build before anything is timed
    outputs = sorted((project / "out").glob("*.md"))
    if len(outputs) != papers:
        raise BuildFailed(command, f"{len(outputs)} Markdown outputs for {papers} papers")
    sample = outputs if papers <= PANDOC_SAMPLE else \
        sorted(random.Random(SEED).sample(outputs, PANDOC_SAMPLE))
    converted = project.parent / "pandoc-batch"
    converted.mkdir()
    tools, peers, peaks, maxrss = [], [], [], []
    for _ in range(rounds):
        elapsed, peak, largest = run_sampled(command, project)
        tools.append(elapsed)
        peaks.append(peak)
        maxrss.append(largest)
        peers.append(sum(run(pandoc_command(pandoc, md, converted / f"{md.stem}.docx"), project)
                         for md in sample) / len(sample))
    sizes = [md.stat().st_size for md in outputs]
    return {"c": (tools, peers), "d": max(p[1] for p in peaks),
            "d_rss": max(p[0] for p in peaks), "sampled": len(sample),
            "maxrss": max(maxrss),
            "children_maxrss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
            "md_sizes": (min(sizes), max(sizes))}


def measure_big(project: Path, pandoc: str, rounds: int, force: list[str]) -> tuple:
    """(e) PCD 1717 at 4,000 background paragraphs, whole process, against pandoc."""
    source = big_source(project)
    command = build_command(*force, "-q", f"decisions/{source.name}")
    run(command, project)
    markdown, docx = project / "out" / "pcd-1717.md", project.parent / "pandoc-big.docx"
    return interleaved(lambda: run(command, project),
                       lambda: run(pandoc_command(pandoc, markdown, docx), project), rounds)


def measure_preview(project: Path, rounds: int) -> list[float]:
    """(f) The preview's page of a paper after a save, in a running process, as ``serve``
    makes it for the browser: the paper built in memory, its findings placed, the page
    written (``preview.page.paper_page``).  Only the HTTP round trip is left out.

    Each round changes one paragraph, so nothing could be served from a cache
    keyed on the source's content; the save itself is not timed.
    """
    sys.path.insert(0, str(ROOT))
    from decision_papers import projects
    from decision_papers.preview.page import paper_page

    data = bundled("pcd-1717")
    first = data["part1"]["background"][0]
    write_source(project, data)
    here = projects.Project(project)

    def rebuild() -> float:
        start = time.perf_counter()
        page = paper_page(here, data["id"])
        elapsed = time.perf_counter() - start
        if page is None or "govuk-error-summary" in page:
            raise BuildFailed(["paper_page", data["id"]], "the page shows errors")
        return elapsed

    rebuild()  # warm: imports, schema, templates
    times = []
    for i in range(rounds):
        data["part1"]["background"][0] = f"{first} Revised {TAGS[i % len(TAGS)]} wording."
        write_source(project, data)
        times.append(rebuild())
    return times


# --- reporting ------------------------------------------------------------------------

def seconds(value: float) -> str:
    """A time as a reader takes it in: ms below a second, else seconds."""
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def ratio_row(name: str, tools: list[float], peers: list[float], key: str,
              scale: float = 1.0) -> list[str]:
    """A table row for a tool/pandoc comparison: medians, ratio, target, met."""
    tool, peer = statistics.median(tools) / scale, statistics.median(peers)
    ratio = tool / peer
    return [name, seconds(tool), seconds(peer), f"{ratio:.2f}×", f"≤ {TARGETS[key]}×",
            "yes" if ratio <= TARGETS[key] else "NO"]


def rows_for(found: dict, papers: int) -> list[list[str]]:
    """The results table: one row per measure, (c) as total and per paper."""
    tools, peers = found["c"]
    tool_total = statistics.median(tools)
    peer_per = statistics.median(peers)
    sampled = "" if found["sampled"] == papers else f", pandoc scaled from {found['sampled']}"
    peak = found["d"] / 2 ** 20
    preview = statistics.median(found["f"]) * 1000
    return [
        ratio_row("(a) cold build, PCD 1717", *found["a"], "a"),
        ratio_row("(b) no-op rebuild, 3 bundled", *found["b"], "b"),
        [f"(c) batch of {papers}, total{sampled}", seconds(tool_total),
         seconds(peer_per * papers), f"{tool_total / (peer_per * papers):.2f}×", "", ""],
        ratio_row("(c) batch, per paper", [t / papers for t in tools], peers, "c"),
        ["(d) batch peak memory (tree PSS)", f"{peak:.0f} MiB", "", "",
         f"≤ {TARGETS['d']:.0f} MiB", "yes" if peak <= TARGETS["d"] else "NO"],
        ["(d) tree RSS (shared pages counted per process), reference",
         f"{found['d_rss'] / 2 ** 20:.0f} MiB", "", "", "", ""],
        ["(d) ru_maxrss of the build, reference", f"{found['maxrss'] / 1024:.0f} MiB",
         "", "", "", ""],
        ratio_row(f"(e) {BIG_PARAGRAPHS:,} paragraphs", *found["e"], "e"),
        ["(f) preview rebuild, in process", f"{preview:.1f} ms", "", "",
         f"≤ {TARGETS['f']:.0f} ms", "yes" if preview <= TARGETS["f"] else "NO"],
    ]


HEADER = ["measure", "tool (median)", "pandoc (median)", "ratio", "target", "met"]


def text_table(rows: list[list[str]]) -> str:
    """The table for a terminal, columns aligned."""
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    lines = [[h.ljust(w) for h, w in zip(HEADER, widths)], ["-" * w for w in widths]]
    lines += [[c.ljust(w) for c, w in zip(row, widths)] for row in rows]
    return "\n".join("  ".join(line).rstrip() for line in lines)


def markdown_table(rows: list[list[str]]) -> str:
    """The same table in Markdown."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def machine(pandoc: str) -> list[str]:
    """What the numbers depend on: the machine, Python, pandoc and the tool's commit."""
    info = {}
    for name, fileinfo, key in (("cpu", "/proc/cpuinfo", "model name"),
                                ("memory", "/proc/meminfo", "MemTotal")):
        try:
            lines = Path(fileinfo).read_text().splitlines()
            info[name] = next(line.split(":", 1)[1].strip() for line in lines
                              if line.startswith(key))
        except (OSError, StopIteration):
            info[name] = "unknown"
    if info["memory"].endswith(" kB"):
        info["memory"] = f"{int(info['memory'][:-3]) / 2 ** 20:.1f} GiB"
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True)
    revision = commit.stdout.strip() if commit.returncode == 0 else "unknown"
    if commit.returncode == 0 and dirty.stdout.strip():
        revision += " (with uncommitted changes)"
    return [f"- Platform: {platform.platform()}",
            f"- CPUs: {os.cpu_count()} × {info['cpu']}",
            f"- Memory: {info['memory']}",
            f"- Python: {platform.python_version()}",
            f"- pandoc: {(version.stdout.splitlines() or ['unknown'])[0]} (pypandoc-binary)",
            f"- Tool commit: {revision}"]


def how_measured(found: dict, papers: int, rounds: int, force: bool, jobs: bool) -> list[str]:
    """The method, short: enough to reproduce and to read the numbers rightly."""
    batch_rounds = len(found["c"][0])
    low, high = found["md_sizes"]
    flags = " ".join(f for f, on in (("--force", force), ("-j 2", jobs)) if on) or "none"
    missing = [f for f, on in (("--force", force), ("-j", jobs)) if not on]
    return [
        f"- Options build.py supported and was given: {flags}"
        + (f" ({' and '.join(missing)} not in `build.py --help`, so left out)" if missing else "")
        + ".",
        "- Whole processes (`subprocess.run`, `time.perf_counter`), each in a temporary project "
        "folder; build.py run by absolute path. Tool and pandoc alternate within one loop, after "
        "one untimed run of each; medians quoted.",
        "- pandoc: `pandoc -f markdown -t docx` on the tool's own `out/<id>.md`.",
        f"- (a) `build.py --force -q decisions/pcd-1717.json`, (b) `build.py -q` with the three "
        f"bundled papers already built (checked first to print `unchanged` for each); both "
        f"against pandoc on `pcd-1717.md`; {rounds} rounds. \"Cold\" is a new process that "
        "builds the paper: Python's and Jinja's bytecode caches are as an officer's machine has "
        "them after its first build (`PYTHONDONTWRITEBYTECODE` is unset for the runs). The "
        "builds' manifests are kept in the run's own cache folder (`XDG_CACHE_HOME`).",
        f"- (c) {papers} synthetic papers: the three bundled sources in turn, with new ids, "
        f"references and title words, and extra plain paragraphs (no figures) so each source is "
        f"at least PCD 1717's size (Markdown outputs {low:,} to {high:,} bytes). "
        f"`build.py --force -q -j 2`, {batch_rounds} rounds; pandoc converts "
        + ("every paper's Markdown" if found["sampled"] == papers else
           f"a fixed random sample of {found['sampled']} papers' Markdown, scaled per paper")
        + ", one process at a time, once per round: pandoc's time per paper, as the target "
        "is set, against the tool's on both cores.",
        "- (d) Peak of the summed PSS (proportional set size, `/proc/<pid>/smaps_rollup`) of "
        "the batch build and all its descendants, sampled every 20 ms in a thread during the "
        "(c) rounds: a page the forked workers share is shared out between them. The summed "
        "RSS beside it counts such a page once for each process. `ru_maxrss` is the largest "
        "single process of the build's "
        "tree, from `os.wait4` on it; `getrusage(RUSAGE_CHILDREN).ru_maxrss` after (c) was "
        f"{found['children_maxrss'] / 1024:.0f} MiB, the largest child so far, pandoc included.",
        f"- (e) PCD 1717 with `part1.background` grown to {BIG_PARAGRAPHS:,} plain paragraphs, "
        f"`build.py --force -q`, {rounds} rounds.",
        f"- (f) In process: `preview.page.paper_page(project, id)`, the page `serve` sends, "
        "warmed once, then "
        f"{rounds} times after rewriting the source with one paragraph changed (the write not "
        "timed). The project holds that one decision: the page reads every source's id, so "
        "it takes longer in a project of hundreds.",
    ]


def write_results(path: Path, rows: list[list[str]], found: dict, papers: int, rounds: int,
                  pandoc: str, flags: tuple[bool, bool]) -> None:
    """The results file: when, how it was run, where, the table and the method."""
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    command = shlex.join(sys.orig_argv)  # as typed, interpreter included
    text = "\n".join([
        "# Benchmark: build.py against pandoc", "",
        f"Run {now} with `{command}`.", "",
        *machine(pandoc), "",
        markdown_table(rows), "",
        "## How measured", "",
        *how_measured(found, papers, rounds, *flags), "",
    ])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- main -----------------------------------------------------------------------------

def progress(message: str) -> None:
    """What is running now, on stderr, so stdout holds only the table."""
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run every measure in one temporary folder, then print and write the table.

    A failed build stops the run (exit 1, its stderr shown): timings of a tool
    that did not build are meaningless.  Missed targets are results, not failures.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=1000, help="synthetic papers for (c)")
    parser.add_argument("--rounds", type=int, default=7, help="rounds for each measure")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "RESULTS.md",
                        help="Markdown file to write (default: benchmarks/RESULTS.md)")
    args = parser.parse_args(argv)
    if args.papers < 1 or args.rounds < 1:
        parser.error("--papers and --rounds must be at least 1")
    pandoc = pandoc_path()
    force, jobs = supported_flags()
    force_flag = ["--force"] if force else []
    batch_flags = force_flag + (["-j", "2"] if jobs else [])
    started = time.perf_counter()
    found = {}
    try:
        with tempfile.TemporaryDirectory(prefix="decision-papers-bench-") as tmp:
            # the builds' manifests (incremental builds) go here, not to the user's cache;
            # and Python keeps its bytecode, as on an officer's machine
            os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
            os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
            folders = {name: Path(tmp) / name / "project" for name in ("single", "batch", "big",
                                                                        "preview")}
            for folder in folders.values():
                (folder / "decisions").mkdir(parents=True)
            progress("(a), (b): PCD 1717 cold, bundled no-op")
            found.update(measure_single(folders["single"], pandoc, args.rounds, force_flag))
            progress(f"(c), (d): batch of {args.papers}")
            found.update(measure_batch(folders["batch"], pandoc, args.papers,
                                       min(args.rounds, 3), batch_flags))
            progress(f"(e): {BIG_PARAGRAPHS:,} paragraphs")
            found["e"] = measure_big(folders["big"], pandoc, args.rounds, force_flag)
            progress("(f): preview rebuild in process")
            found["f"] = measure_preview(folders["preview"], args.rounds)
    except BuildFailed as exc:
        print(exc, file=sys.stderr)
        return 1
    rows = rows_for(found, args.papers)
    print(text_table(rows))
    write_results(args.results, rows, found, args.papers, args.rounds, pandoc, (force, jobs))
    progress(f"wrote {args.results} ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
