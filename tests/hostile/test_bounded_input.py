"""Bounded: a hostile source costs linear time, a short report and bounded memory.

Each test reproduces an attack from the hostile review (issue 13) first:
twenty thousand unknown keys (44 seconds and 40,000 lines of output), and
devices and pipes given as the source (``/dev/zero`` read until memory ran
out; a named pipe waited for ever).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import MINIMAL, ROOT, run

BASE = json.loads(MINIMAL.read_text(encoding="utf-8"))
SHOWN = 50
"""Problems a file reports before it sums up the rest."""


def _write(tmp_path, data, name="minimal.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def test_twenty_thousand_unknown_keys_take_linear_time_and_a_short_report(tmp_path,
                                                                         monkeypatch):
    data = dict(BASE, **{f"unknown_{i}": 1 for i in range(20_000)})
    _write(tmp_path, data)
    monkeypatch.chdir(tmp_path)
    start = time.perf_counter()
    result = run("minimal.json", "--out", "out")
    took = time.perf_counter() - start
    lines = result.err.splitlines()
    # a generous bound, not a timing target: it was 44 s, each problem compared with every
    # other; the measured time is in the closing note of issue 13
    assert took < 30, took
    assert result.code == 1
    assert lines[0] == ('minimal.json:86:2: $.unknown_0: error [schema]: "unknown_0" is not a '
                        'field this object can have.')
    assert len([x for x in lines if ": error [schema]: " in x]) == SHOWN + 1
    assert lines[-2:] == [
        "minimal.json: error [schema]: … and 19,950 more problems in this file.",
        "minimal.json: not built (20,000 errors); nothing was written for it."]


def test_the_report_keeps_the_first_problems_in_file_order(tmp_path, monkeypatch):
    data = dict(json.loads(json.dumps(BASE)), **{f"unknown_{i:03}": 1 for i in range(60)})
    data["contracts"]["kit"]["previous_value"] = "1000"
    _write(tmp_path, data)
    monkeypatch.chdir(tmp_path)
    problems = [x for x in run("minimal.json", "--out", "out").err.splitlines()
                if ": error [" in x]
    assert "$.contracts.kit.previous_value" in problems[0]
    assert "$.unknown_048" in problems[49]
    assert problems[50] == "minimal.json: error [schema]: … and 11 more problems in this file."


def test_fifty_problems_are_reported_in_full(tmp_path, monkeypatch):
    data = dict(BASE, **{f"unknown_{i:03}": 1 for i in range(SHOWN)})
    _write(tmp_path, data)
    monkeypatch.chdir(tmp_path)
    result = run("minimal.json", "--out", "out")
    assert "more problems" not in result.err
    assert result.err.endswith("minimal.json: not built (50 errors); nothing was written "
                               "for it.\n")


def test_twenty_thousand_control_characters_are_reported_briefly(tmp_path, monkeypatch):
    data = json.loads(json.dumps(BASE))
    data["part1"]["background"] = [f"Paragraph \x07{i}." for i in range(20_000)]
    _write(tmp_path, data)
    monkeypatch.chdir(tmp_path)
    start = time.perf_counter()
    result = run("minimal.json", "--out", "out")
    assert time.perf_counter() - start < 10
    lines = result.err.splitlines()
    assert len([x for x in lines if ": error [text]: " in x]) == SHOWN + 1
    assert "minimal.json: error [text]: … and 19,950 more problems in this file." in lines


# -- devices, pipes and files that do not say their size ------------------------------

def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))


def _build_in_child(source: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """``build.py source`` in its own process, with 2 GB of memory and 60 seconds."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), source, "--out",
                           str(tmp_path / "out")], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, preexec_fn=_limit_memory)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_a_device_is_refused_without_reading_it(tmp_path):
    result = _build_in_child("/dev/zero", tmp_path)
    shown = os.path.relpath("/dev/zero", tmp_path)
    assert result.stderr == (
        f"{shown}: error [json]: this is a device, not a decision file.\n"
        "  hint: give the path of a .json file.\n"
        f"{shown}: not built (1 error); nothing was written for it.\n")
    assert result.returncode == 1


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    os.mkfifo(tmp_path / "pipe.json")
    result = _build_in_child("pipe.json", tmp_path)
    assert result.stderr == (
        "pipe.json: error [json]: this is a named pipe, not a decision file.\n"
        "  hint: give the path of a .json file.\n"
        "pipe.json: not built (1 error); nothing was written for it.\n")


@pytest.mark.skipif(not os.path.exists("/proc/self/pagemap"), reason="no /proc here")
def test_a_file_that_reports_no_size_is_read_only_up_to_the_limit(tmp_path):
    # /proc files say they are empty, but this one holds gigabytes.
    result = _build_in_child("/proc/self/pagemap", tmp_path)
    shown = os.path.relpath("/proc/self/pagemap", tmp_path)
    assert result.stderr.splitlines()[0] == (
        f"{shown}: error [json]: the file is more than 2,097,152 bytes; the limit is "
        "2,097,152 bytes.")
    assert result.returncode == 1


def test_a_large_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(3 * 1024 ** 3)  # sparse: takes no room on disk
    monkeypatch.chdir(tmp_path)
    result = run("huge.json", "--out", "out")
    assert result.err.splitlines()[0] == (
        "huge.json: error [json]: the file is 3,221,225,472 bytes; the limit is 2,097,152 "
        "bytes.")
