"""``-j N`` and the progress bar: the same files and messages whatever N is.

The batch mixes the three forms, a paper that warns (the approved PCD 1717
without a record here), a paper with errors and copies under new ids, so the
order of messages is tested along with the bytes.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from decision_papers import parallel
from decision_papers.cli import main
from support import ROOT, run


@pytest.fixture
def batch(tmp_path, monkeypatch):
    """A project of seven decisions, one of them broken; the current directory."""
    decisions = tmp_path / "decisions"
    shutil.copytree(ROOT / "decisions", decisions)
    for n in (3312, 3313, 3314):
        data = json.loads((decisions / "md-3311.json").read_text(encoding="utf-8"))
        data["id"], data["reference"] = f"md-{n}", f"MD{n}"
        (decisions / f"md-{n}.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    broken = (decisions / "kdr-2025-014.json").read_text(encoding="utf-8")
    (decisions / "broken.json").write_text(broken.replace('"id": "kdr-2025-014"', '"id": 7'),
                                           encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_parallel_output_is_byte_identical_to_serial(batch, monkeypatch):
    pools = []
    real = parallel.build
    monkeypatch.setattr(parallel, "build", lambda *a: pools.append(a[2]) or real(*a))
    serial = run("--force", "-j", "1", "--out", "serial")
    assert pools == []
    together = run("--force", "-j", "2", "--out", "together")
    assert pools == [2]  # the second build did use two processes
    assert serial.code == together.code == 1
    assert serial.err == together.err
    assert serial.out.replace("serial", "together") == together.out
    assert "broken.json: not built (1 error)" in serial.err
    assert "pcd-1717 is approved but has no record yet" in serial.err
    assert len(files(Path("serial"))) == 18 and files(Path("serial")) == files(Path("together"))


def test_check_gives_the_same_findings_in_parallel(batch):
    run("--force", "-j", "1")
    Path("out/md-3312.md").write_text("stale\n", encoding="utf-8")
    one, two = run("--check", "-j", "1"), run("--check", "-j", "2")
    assert one.code == two.code == 1
    assert one.err == two.err and "stale: out/md-3312.md" in one.err


@pytest.mark.parametrize("jobs", ["0", "-1", "two", "1.5", "999"])
def test_a_number_of_jobs_that_is_not_one_is_a_usage_error(jobs, batch):
    result = run("-j", jobs)
    assert result.code == 2 and result.out == ""
    assert result.err.endswith(f"python build.py: error: argument -j/--jobs: give a number of "
                               f"processes from 1 to 256, not {jobs!r}\n")


def test_jobs_default_to_the_cores_this_process_may_use():
    assert parallel.default_jobs() >= 1
    assert f"the number of cores, {parallel.default_jobs()} here" in \
        " ".join(run("--help").out.split())


class Terminal(io.StringIO):
    """An error stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_batch_on_a_terminal_shows_a_bar_and_erases_it(batch, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    (Path("decisions") / "broken.json").unlink()
    err = Terminal()
    assert main(["-q", "-j", "1"], stdout=io.StringIO(), stderr=err) == 0
    text = err.getvalue()
    assert text.startswith("\rbuilding [") and "] 6/6 papers" in text
    bar, erase, after = text.partition("\r\x1b[K")  # erased before the build's own lines
    assert erase and "\n" not in bar
    assert after.startswith("decisions/pcd-1717.json: $.status: warning [record]")


@pytest.mark.parametrize("why", ["not a terminal", "NO_COLOR", "TERM=dumb", "one paper"])
def test_no_bar_where_it_is_not_wanted(why, batch, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    (Path("decisions") / "broken.json").unlink()
    argv = ["-q", "--force", "--out", "out"]
    err = io.StringIO() if why == "not a terminal" else Terminal()
    if why == "NO_COLOR":
        monkeypatch.setenv("NO_COLOR", "1")
    if why == "TERM=dumb":
        monkeypatch.setenv("TERM", "dumb")
    if why == "one paper":
        argv.append("decisions/md-3311.json")
    assert main(argv, stdout=io.StringIO(), stderr=err) == 0
    assert "building" not in err.getvalue() and "\r" not in err.getvalue()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError, ValueError):
            continue
        if entry.name.isdigit() and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_killed_build_leaves_no_worker_behind(batch):
    import os
    import signal
    import subprocess
    import sys
    import time
    (Path("decisions") / "broken.json").unlink()
    for n in range(3315, 3335):  # enough papers that the workers are busy when it is killed
        data = json.loads(Path("decisions/md-3311.json").read_text(encoding="utf-8"))
        data["id"], data["reference"] = f"md-{n}", f"MD{n}"
        Path(f"decisions/md-{n}.json").write_text(json.dumps(data), encoding="utf-8")
    build = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "-j", "2", "--force"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(_children(build.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = _children(build.pid)
    assert len(workers) >= 2
    os.kill(build.pid, signal.SIGKILL)
    build.communicate(timeout=30)  # no worker holds its pipes open
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if Path(f"/proc/{w}").exists()
                and "Z" not in (Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0])]
