"""Big, duplicated and interrupted builds: clear limits, nothing half-written."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from decision_papers.atomic import LOCK_NAME, TEMP_PREFIX
from support import MINIMAL, ROOT, run


def test_a_source_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["part1"]["background"] = ["x" * 1000] * 10_500  # about 10 MB
    Path("big.json").write_text(json.dumps(data), encoding="utf-8")
    result = run("big.json", "--out", "out")
    assert result.code == 1
    size = Path("big.json").stat().st_size
    assert result.err.splitlines()[0] == (
        f"big.json: error [json]: the file is {size:,} bytes; the limit is 2,097,152 bytes.")
    assert not Path("out").exists()


def test_ten_thousand_paragraphs_are_handled(tmp_path):
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["part1"]["background"] = [f"Paragraph {i} of a long section." for i in range(10_000)]
    source = tmp_path / "long.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    result = run(source, "--out", tmp_path / "out", "-q")
    assert (result.code, result.err) == (0, "")
    text = (tmp_path / "out" / "minimal.md").read_text(encoding="utf-8")
    assert "\n1.10000 Paragraph 9999 of a long section.\n" in text


def test_duplicate_ids_across_files_build_neither(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("a.json", "b.json"):
        Path(name).write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    result = run("a.json", "b.json", "--out", "out")
    assert result.code == 1
    assert result.err == (
        'a.json: $.id: error [id]: the id "minimal" is also used by b.json; both would write '
        "out/minimal.docx.\n  hint: give each decision its own id.\n"
        "a.json: not built (1 error); nothing was written for it.\n"
        'b.json: $.id: error [id]: the id "minimal" is also used by a.json; both would write '
        "out/minimal.docx.\n  hint: give each decision its own id.\n"
        "b.json: not built (1 error); nothing was written for it.\n")
    assert not Path("out").exists()


def sources(folder: Path, count: int, marker: str) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for index in range(count):
        data = json.loads(MINIMAL.read_text(encoding="utf-8"))
        data["id"] = f"paper-{index:03d}"
        data["part1"]["background"] = [f"{marker} paragraph {i}." for i in range(40)]
        path = folder / f"paper-{index:03d}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_build_leaves_old_or_new_files_never_partial(tmp_path, sig):
    out = tmp_path / "out"
    old = sources(tmp_path / "src", 25, "Old")
    assert run(*old, "--out", out, "-q").code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    sources(tmp_path / "src", 25, "New")
    assert run(*old, "--out", tmp_path / "reference", "-q").code == 0
    after = {p.name: p.read_bytes() for p in (tmp_path / "reference").iterdir()}

    for delay in (0.3, 0.6, 0.9, 1.2, 1.5):
        process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "-q", *map(str, old),
                                    "--out", str(out)])
        time.sleep(delay)
        process.send_signal(sig)
        process.wait(timeout=60)
        for path in out.iterdir():
            if path.name.startswith(TEMP_PREFIX) or path.name == LOCK_NAME:
                # a hard kill can leave them (the lock itself ends with the process)
                assert sig == signal.SIGKILL, "SIGTERM must clean up its temporary files and lock"
                continue
            assert path.read_bytes() in (before[path.name], after[path.name]), path.name
    # the next build sweeps anything a hard kill left, and finishes the job
    assert run(*old, "--out", out, "-q").code == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == after
