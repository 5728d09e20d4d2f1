"""Data loss: no command overwrites what it did not write, or leaves a paper half-written.

Each test reproduces an attack from the hostile review (issue 13) first.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from decision_papers import atomic
from support import EXAMPLE, MINIMAL, ROOT, run

SUFFIXES = (".docx", ".figures.json", ".md")


def source(folder: Path, pid: str, words: str = "Background.", paragraphs: int = 1) -> Path:
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["id"] = pid
    data["part1"]["background"] = [f"{words} {i}" for i in range(paragraphs)]
    folder.mkdir(exist_ok=True)
    path = folder / f"{pid}.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def paper(files: dict[str, bytes], pid: str) -> dict[str, bytes]:
    return {pid + s: files[pid + s] for s in SUFFIXES if pid + s in files}


@pytest.fixture
def two_papers(tmp_path, monkeypatch):
    """Papers a and b built into out/, then changed: returns (sources, old, new) outputs."""
    monkeypatch.chdir(tmp_path)
    folder = Path("decisions")
    sources = [source(folder, "a-paper"), source(folder, "b-paper")]
    assert run(*sources, "--out", "out", "-q").code == 0
    old = contents(Path("out"))
    sources = [source(folder, "a-paper", "Changed."), source(folder, "b-paper", "Changed.")]
    assert run(*sources, "--out", "new", "-q").code == 0
    new = contents(Path("new"))
    return sources, old, new


def no_temporary_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.startswith(".")]


# 4. all or none ------------------------------------------------------------------------

def test_disk_full_at_the_write_call_keeps_the_papers_old_outputs(two_papers, monkeypatch):
    sources, old, new = two_papers
    real_write, failed = os.write, []

    def full_disk(fd, data):  # the disk fills up at the first Markdown file: a-paper.md
        if bytes(data[:4]) == b"---\n" and not failed:
            failed.append(fd)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    with monkeypatch.context() as patch:
        patch.setattr(os, "write", full_disk)
        result = run(*sources, "--out", "out", "-q")
    assert result.code == 1
    assert result.err == (
        "decisions/a-paper.json: error [write]: cannot write out/a-paper.md: no space left on "
        "device.\n"
        "decisions/a-paper.json: not built (1 error); nothing was written for it.\n")
    after = contents(Path("out"))
    assert paper(after, "a-paper") == paper(old, "a-paper")
    assert paper(after, "b-paper") == paper(new, "b-paper")
    assert no_temporary_files(Path("out"))


def test_a_failed_rename_puts_back_the_files_already_renamed(two_papers, monkeypatch):
    sources, old, new = two_papers
    real_replace = os.replace

    def failing(src, dst, **kw):
        if str(dst).endswith("a-paper.md"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_replace(src, dst, **kw)

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", failing)
        result = run(*sources, "--out", "out", "-q")
    assert result.code == 1
    assert "error [write]: cannot write out/a-paper.md: input/output error.\n" in result.err
    after = contents(Path("out"))
    assert paper(after, "a-paper") == paper(old, "a-paper")
    assert paper(after, "b-paper") == paper(new, "b-paper")
    assert no_temporary_files(Path("out"))


def test_an_output_name_that_is_a_folder_is_reported_and_the_rest_build(two_papers):
    sources, old, new = two_papers
    Path("out/a-paper.md").unlink()
    Path("out/a-paper.md").mkdir()
    (Path("out/a-paper.md") / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = run(*sources, "--out", "out", "-q")
    assert result.code == 1
    assert result.err == (
        "decisions/a-paper.json: error [write]: cannot write out/a-paper.md: it is a folder.\n"
        "decisions/a-paper.json: not built (1 error); nothing was written for it.\n")
    after = contents(Path("out"))
    assert after == {**{k: v for k, v in old.items() if k != "a-paper.md"},
                     **paper(new, "b-paper")}
    assert (Path("out/a-paper.md") / "notes.txt").read_text(encoding="utf-8") == "mine\n"


@pytest.fixture
def mounted(tmp_path):
    """Mount things under tmp_path (root only); everything is unmounted afterwards."""
    points = []

    def mount(*args):
        done = subprocess.run(["mount", *map(str, args)], capture_output=True, text=True)
        if done.returncode:
            pytest.skip(f"mounting is not allowed here ({done.stderr.strip() or 'not root'}), "
                        "so this test cannot make a real small or read-only file system")
        points.append(args[-1])

    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a file system needs root and mount(8); this runs as an ordinary "
                    "user")
    yield mount
    for point in reversed(points):
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def test_a_full_tmpfs_leaves_every_paper_fully_old_or_fully_new(tmp_path, monkeypatch, mounted):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted("-t", "tmpfs", "-o", "size=1m", "tmpfs", disk)
    monkeypatch.chdir(disk)
    folder = tmp_path / "decisions"
    sources = [source(folder, pid) for pid in ("a-paper", "b-paper", "c-paper", "d-paper")]
    assert run(*sources, "--out", "out", "-q").code == 0
    old = contents(Path("out"))
    # a grows far beyond the space left; b, c and d change a little
    sources = [source(folder, "a-paper", "Much longer background " * 400, 20)] + \
        [source(folder, pid, "Changed.") for pid in ("b-paper", "c-paper", "d-paper")]
    assert run(*sources, "--out", tmp_path / "new", "-q").code == 0
    new = contents(tmp_path / "new")
    assert sum(map(len, paper(new, "a-paper").values())) > 150_000
    # leave 64 KiB: room for one small paper's new files beside its old ones, not for a's
    space = os.statvfs(disk)
    Path("filler").write_bytes(b"x" * (space.f_bavail * space.f_frsize - 64 * 1024))
    result = run(*sources, "--out", "out", "-q")
    assert result.code == 1
    assert "Traceback" not in result.err
    assert ": no space left on device.\n" in result.err
    after = contents(Path("out"))
    states = {}
    for pid in ("a-paper", "b-paper", "c-paper", "d-paper"):
        mine = paper(after, pid)
        assert mine in (paper(old, pid), paper(new, pid)), f"{pid} is half old, half new"
        states[pid] = "new" if mine == paper(new, pid) else "old"
    assert states == {"a-paper": "old", "b-paper": "new", "c-paper": "new", "d-paper": "new"}
    assert no_temporary_files(Path("out"))


def test_a_read_only_folder_is_reported_for_each_paper(two_papers, tmp_path, mounted):
    sources, old, new = two_papers
    mounted("--bind", tmp_path / "out", tmp_path / "out")
    mounted("-o", "remount,ro,bind", tmp_path / "out")
    result = run(*sources, "--out", "out", "-q")
    assert result.code == 1
    assert result.err == "".join(
        f"decisions/{pid}.json: error [write]: cannot write out/{pid}.docx: the file system is "
        f"read-only.\ndecisions/{pid}.json: not built (1 error); nothing was written for it.\n"
        for pid in ("a-paper", "b-paper"))
    assert contents(Path("out")) == old


# 5. concurrent builds -------------------------------------------------------------------

def test_eight_builds_at_once_into_one_folder_neither_crash_nor_differ(tmp_path):
    folder = tmp_path / "decisions"
    sources = [str(source(folder, f"paper-{i:02d}", "Concurrent.", 20)) for i in range(12)]
    assert run(*sources, "--out", tmp_path / "serial", "-q").code == 0
    out = tmp_path / "out"
    builds = [subprocess.Popen([sys.executable, str(ROOT / "build.py"), "-q", *sources,
                                "--out", str(out)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for _ in range(8)]
    finished = [(b.wait(timeout=120), *b.communicate()) for b in builds]
    assert finished == [(0, "", "")] * 8
    assert contents(out) == contents(tmp_path / "serial")
    assert sorted(p.name for p in out.iterdir()) == sorted(contents(out))  # no .lock, no temp


def test_the_sweep_removes_only_a_dead_builds_temporary_files(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        mine = out / f"{atomic.TEMP_PREFIX}minimal.md.{live.pid}-0a1b2c3d.tmp"
        gone = out / f"{atomic.TEMP_PREFIX}minimal.md.{dead.pid}-0a1b2c3d.tmp"
        older = out / f"{atomic.TEMP_PREFIX}minimal.docx.{dead.pid}.tmp"  # before pid-token
        for path in (mine, gone, older):
            path.write_bytes(b"half written")
        assert run(MINIMAL, "--out", out, "-q").code == 0
        assert mine.read_bytes() == b"half written"
        assert not gone.exists() and not older.exists()
    finally:
        live.kill()
        live.wait()


def hold_lock(out: Path):
    out.mkdir(exist_ok=True)
    handle = open(out / atomic.LOCK_NAME, "a")
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def test_a_build_waits_for_the_folder_lock_then_gives_up_clearly(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(atomic, "LOCK_TIMEOUT", 0.5)
    handle = hold_lock(Path("out"))
    try:
        started = time.monotonic()
        result = run(MINIMAL, "--out", "out", "-q")
        waited = time.monotonic() - started
    finally:
        handle.close()
    assert (result.code, result.out) == (2, "")
    assert result.err == ("error: another build has been writing to out for 0.5 seconds (it "
                          "holds out/.lock); try again when it has finished.\n")
    assert waited >= 0.5
    assert sorted(p.name for p in Path("out").iterdir()) == [".lock"]


def test_a_build_waits_for_the_folder_lock_and_then_writes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    handle = hold_lock(Path("out"))
    threading.Timer(0.5, handle.close).start()
    started = time.monotonic()
    result = run(MINIMAL, "--out", "out", "-q")
    assert (result.code, result.err) == (0, "")
    assert time.monotonic() - started >= 0.5
    assert sorted(p.name for p in Path("out").iterdir()) == [
        "minimal.docx", "minimal.figures.json", "minimal.md"]


# 6. --check -----------------------------------------------------------------------------

def test_check_when_an_output_name_is_a_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = source(Path("decisions"), "minimal")
    assert run(path, "--out", "out", "-q").code == 0
    Path("out/minimal.md").unlink()
    Path("out/minimal.md").mkdir()
    result = run(path, "--out", "out", "--check")
    assert result.code == 1
    assert result.err == (
        "in the way: out/minimal.md is a folder; move it out of out/\n"
        "--check failed: 1 finding; fix each as its line says.\n")


@pytest.mark.parametrize("damage", ["syntax", "schema"])
def test_check_does_not_call_a_failed_papers_outputs_orphaned(tmp_path, monkeypatch, damage):
    monkeypatch.chdir(tmp_path)
    path = source(Path("decisions"), "minimal")
    other = source(Path("decisions"), "other")
    assert run(path, other, "--out", "out", "-q").code == 0
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "}" if damage == "syntax" else
                    text.replace('"status": "draft"', '"status": "withdrawn"'), encoding="utf-8")
    result = run("--check", "--out", "out")
    assert result.code == 1
    assert "orphaned" not in result.err
    assert "run build.py and commit out/" not in result.err
    assert result.err.endswith("--check failed: 1 finding; fix each as its line says.\n")
    # an output no source claims is still an orphan
    Path("out/withdrawn.md").write_text("old\n", encoding="utf-8")
    result = run("--check", "--out", "out")
    assert result.err.endswith("orphaned: out/withdrawn.md belongs to no decision; delete it "
                               "(git rm out/withdrawn.md)\n"
                               "--check failed: 2 findings; fix each as its line says.\n")


# 3. diff --redline ----------------------------------------------------------------------

def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid",
                           *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A git repository with the example as a draft, committed, then changed."""
    monkeypatch.chdir(tmp_path)
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["status"] = "draft"
    Path("decisions").mkdir()
    Path("decisions/pcd-1717.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert run("decisions/pcd-1717.json", "--out", "out", "-q").code == 0
    Path("notes.docx").write_bytes(b"my own notes, not a redline")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "decisions", "out")
    git(tmp_path, "commit", "-qm", "paper")
    source_file = Path("decisions/pcd-1717.json")
    source_file.write_text(source_file.read_text(encoding="utf-8").replace(
        '"previous_value": 69260', '"previous_value": 69760'), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("target,why", [
    ("notes.docx", "it is not a redline that diff wrote"),
    ("decisions/pcd-1717.json", "it is a decision source"),
    ("decisions/new.docx", "it is in decisions/, the folder of decision sources"),
    ("out/pcd-1717.docx", "git tracks it"),
    ("out", "it is a folder"),
    ("changes.txt", "a redline is a Word document: give a name ending .docx"),
])
def test_redline_refuses_to_overwrite_what_it_did_not_write(repo, target, why):
    before = {p: p.read_bytes() for p in (repo / "decisions").iterdir()}
    before.update({p: p.read_bytes() for p in (repo / "out").iterdir()})
    notes = Path("notes.docx").read_bytes()
    result = run("diff", "--redline", target)
    assert (result.code, result.out) == (2, "")
    assert result.err == f"error: --redline {target}: refusing to write there: {why}.\n"
    after = {p: p.read_bytes() for p in (repo / "decisions").iterdir()}
    after.update({p: p.read_bytes() for p in (repo / "out").iterdir()})
    assert after == before
    assert Path("notes.docx").read_bytes() == notes
    assert not Path("changes.txt").exists()


def test_redline_overwrites_its_own_redline_but_not_once_git_tracks_it(repo, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # a working-tree redline is stamped now
    assert run("diff", "--redline", "changes.docx").code == 0
    first = Path("changes.docx").read_bytes()
    again = run("diff", "--redline", "changes.docx")
    assert again.code == 0, again.err
    assert Path("changes.docx").read_bytes() == first
    git(repo, "add", "changes.docx")
    result = run("diff", "--redline", "changes.docx")
    assert (result.code, result.err) == (
        2, "error: --redline changes.docx: refusing to write there: git tracks it.\n")


def test_redline_refuses_a_symbolic_link(repo):
    os.symlink("notes.docx", "link.docx")
    result = run("diff", "--redline", "link.docx")
    assert (result.code, result.err) == (
        2, "error: --redline link.docx: refusing to write there: it is a symbolic link.\n")
    assert Path("notes.docx").read_bytes() == b"my own notes, not a redline"
