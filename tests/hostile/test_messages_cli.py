"""Messages: every way the hostile review (issue 13) broke the command line.

Each test reproduces the attack first: a non-UTF-8 stdout (cp1252, as on
Windows), invalid or corrupt JSON given to ``diff``, Ctrl-C, an out-of-range
``SOURCE_DATE_EPOCH``, one file named twice, and a date that is not
YYYY-MM-DD.  Every answer is one clear line, never a traceback.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from decision_papers.cli import common, main
from support import EXAMPLE, MINIMAL, ROOT, run

MARKDOWN = (ROOT / "out" / "pcd-1717.md").read_bytes()
assert "✓".encode("utf-8") in MARKDOWN  # a character cp1252 cannot encode


def cp1252_stream() -> tuple[io.TextIOWrapper, io.BytesIO]:
    """A text stream like Windows' redirected stdout: cp1252, strict."""
    raw = io.BytesIO()
    return io.TextIOWrapper(raw, encoding="cp1252", newline="\n"), raw


def environment(**changes) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "PYTHONUTF8")}
    env.update(changes)
    return env


def git(repo: Path, *args: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid",
                           *args], cwd=repo, check=True, capture_output=True,
                          env=environment(**env))


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A git repository holding the minimal draft, its outputs and the diff driver."""
    monkeypatch.chdir(tmp_path)
    Path("decisions").mkdir()
    shutil.copy(MINIMAL, "decisions/minimal.json")
    assert run("decisions/minimal.json", "--out", "out").code == 0
    git(tmp_path, "init", "-q")
    shutil.copy(ROOT / ".gitattributes", ".gitattributes")
    git(tmp_path, "config", "diff.decision-paper.textconv",
        f"{sys.executable} {ROOT / 'build.py'} textconv")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "paper")
    return tmp_path


def change_variation(repo: Path) -> None:
    source = repo / "decisions" / "minimal.json"
    source.write_text(source.read_text(encoding="utf-8").replace(
        '"variation": 250', '"variation": 350'), encoding="utf-8")
    assert run("decisions/minimal.json", "--out", "out").code == 0


# --- 1. output that the console's encoding cannot hold --------------------------------------

def test_textconv_writes_utf8_to_a_cp1252_stdout():
    stdout, raw = cp1252_stream()
    stderr = io.StringIO()
    code = main(["textconv", str(ROOT / "out" / "pcd-1717.docx")], stdout, stderr)
    stdout.flush()
    assert (code, stderr.getvalue()) == (0, "")
    assert raw.getvalue() == MARKDOWN


def test_textconv_in_a_cp1252_process_writes_utf8():
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "textconv",
                             str(ROOT / "out" / "pcd-1717.docx")], capture_output=True,
                            env=environment(PYTHONIOENCODING="cp1252"), cwd=ROOT)
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout == MARKDOWN


def test_git_diff_of_a_paper_works_when_python_writes_cp1252(repo):
    change_variation(repo)
    diff = git(repo, "diff", "--", "out/minimal.docx", PYTHONIOENCODING="cp1252")
    assert diff.stderr == b""
    text = diff.stdout.decode("utf-8")
    assert "-This paper asks for £250 more." in text
    assert "+This paper asks for £350 more." in text


def test_diff_writes_utf8_to_a_cp1252_stdout(repo):
    change_variation(repo)
    stdout, raw = cp1252_stream()
    stderr = io.StringIO()
    code = main(["diff"], stdout, stderr)
    stdout.flush()
    assert (code, stderr.getvalue()) == (0, "")
    assert raw.getvalue().decode("utf-8").startswith(
        "minimal: 2 figures changed\n  contracts.kit.new_value: £1,250 → £1,350")


def test_diff_in_a_cp1252_process(repo):
    change_variation(repo)
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "diff"],
                            capture_output=True, env=environment(PYTHONIOENCODING="cp1252"))
    assert (result.returncode, result.stderr) == (0, b"")
    assert "£1,250 → £1,350" in result.stdout.decode("utf-8")


def test_a_message_the_error_stream_cannot_encode_is_escaped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    stdout, _ = cp1252_stream()
    stderr, raw = cp1252_stream()
    code = main(["textconv", "✓ missing.docx"], stdout, stderr)
    stderr.flush()
    assert code == 1
    assert raw.getvalue().decode("cp1252").startswith(
        "\\u2713 missing.docx: error: cannot read this as a Word document")


def test_a_stream_that_cannot_change_encoding_gets_replacements():
    class Fixed(io.StringIO):
        encoding = "cp1252"

        def write(self, text):
            text.encode(self.encoding)  # strict, like a real cp1252 stream
            return super().write(text)

    stdout = Fixed()
    code = main(["textconv", str(ROOT / "out" / "pcd-1717.docx")], stdout, io.StringIO())
    assert code == 0
    assert stdout.getvalue() == MARKDOWN.decode("utf-8").replace("✓", "?")


# --- 4. diff given invalid JSON, or a commit with corrupt outputs ---------------------------

def test_diff_of_invalid_json_in_the_working_tree(repo):
    Path("decisions/minimal.json").write_text('{"id": \n', encoding="utf-8")
    result = run("diff", "decisions/minimal.json")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("error: decisions/minimal.json is not valid JSON (expecting value at "
                          "line 2, column 1); fix it, or name the decision by its id.\n")
    result = run("diff")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "decisions/minimal.json:2:1: error [json]: this is not valid JSON (expecting value).\n"
        "error: the working tree's sources have errors; fix them to compare.\n")


def test_diff_of_a_source_path_that_is_not_an_object_names_it_by_its_file(repo):
    Path("decisions/minimal.json").write_text("[]\n", encoding="utf-8")
    result = run("diff", "decisions/minimal.json")
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.endswith("error: the working tree's sources have errors; fix them to "
                               "compare.\n")


@pytest.mark.parametrize("name, data, why", [
    ("minimal.figures.json", b"garbage\n",
     "not valid JSON: expecting value at line 1, column 1"),
    ("minimal.figures.json", b'{"figures": [{"id": "x"}]}\n',
     "not a figures file: figure 1 has no text"),
    ("minimal.figures.json", b'[]', "not a figures file: no list of figures"),
    ("minimal.md", b"\xff\xfe paper\n", "not UTF-8 text: byte 0xff at position 0"),
    ("minimal.docx", b"not a zip\n", "not a Word document: File is not a zip file"),
])
def test_diff_against_a_commit_with_corrupt_outputs(repo, name, data, why):
    # a commit whose source does not build is compared as committed, and its out/ is corrupt
    Path("out", name).write_bytes(data)
    source = Path("decisions/minimal.json")
    source.write_text(source.read_text(encoding="utf-8").replace('"status": "draft"',
                                                                 '"status": "withdrawn"'),
                      encoding="utf-8")
    git(repo, "commit", "-qam", "corrupt")
    git(repo, "checkout", "-q", "HEAD~1", "--", "decisions")
    expected = (f"error: out/{name} at HEAD is corrupt ({why}); compare other revisions, "
                "or rebuild it and commit out/.\n")
    for argv in (["diff", "HEAD~1", "HEAD"], ["diff"], ["diff", "HEAD", "minimal"]):
        result = run(*argv)
        assert (result.code, result.out, result.err) == (2, "", expected), argv


# --- 5. Ctrl-C -------------------------------------------------------------------------------

INTERRUPTED = "interrupted (Ctrl-C): stopped; no file was left half-written.\n"


def test_ctrl_c_during_a_build_is_one_line_and_exit_130(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    from decision_papers import pipeline
    monkeypatch.setattr(pipeline, "build", interrupted)
    result = run(MINIMAL, "--out", tmp_path)
    assert (result.code, result.out, result.err) == (130, "", INTERRUPTED)


def test_ctrl_c_in_textconv_is_one_line_and_exit_130(monkeypatch):
    from decision_papers.word import reader

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(reader, "read", interrupted)
    result = run("textconv", ROOT / "out" / "pcd-1717.docx")
    assert (result.code, result.out, result.err) == (130, "", INTERRUPTED)


def test_sigint_to_a_long_build_is_one_line_and_exit_130(tmp_path):
    data = json.loads(MINIMAL.read_text(encoding="utf-8"))
    data["part1"]["background"] = [f"Paragraph {i} of a long background section."
                                   for i in range(5000)]
    source = tmp_path / "long.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out"
    # as a terminal would run it: Ctrl-C raises KeyboardInterrupt (a background job ignores it)
    code = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "from decision_papers.cli import main; print('ready', flush=True); "
            f"sys.exit(main([{str(source)!r}, '--out', {str(out)!r}]))")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=environment())
    try:
        assert process.stdout.readline() == "ready\n"
        time.sleep(1.0)  # well inside main, which takes several seconds to build this
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        process.kill()
    assert (process.returncode, stdout, stderr) == (130, "", INTERRUPTED)
    assert not out.exists() or list(out.iterdir()) == []


# --- 6. SOURCE_DATE_EPOCH out of range --------------------------------------------------------

@pytest.mark.parametrize("epoch", [str(10**20), "-1", "253402300800", "9" * 5000])
def test_an_out_of_range_source_date_epoch_is_called_out_of_range(tmp_path, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = run(MINIMAL, "--out", tmp_path)
    shown = repr(epoch) if len(epoch) <= 30 else repr(epoch[:30] + "…")
    assert (result.code, result.out) == (2, "")
    assert result.err == (f"error: SOURCE_DATE_EPOCH={shown} is out of range: give a whole "
                          "number of seconds from 0 (1970) to 253402300799 (the end of 9999).\n")
    assert not (tmp_path / "minimal.md").exists()


@pytest.mark.parametrize("epoch", ["1.5", "1_000", " 12", "١٢٣"])
def test_a_source_date_epoch_that_is_not_digits_is_not_a_whole_number(tmp_path, monkeypatch,
                                                                      epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = run(MINIMAL, "--out", tmp_path)
    assert (result.code, result.err) == (
        2, f"error: SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds.\n")


def test_the_last_second_of_9999_is_in_range(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300799")
    assert run(MINIMAL, "--out", tmp_path).code == 0


# --- 7. the same file given twice -----------------------------------------------------------

def test_the_same_source_given_twice_is_built_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(MINIMAL, "minimal.json")
    Path("alias.json").symlink_to("minimal.json")
    built = "built minimal.json -> out: minimal.docx, minimal.figures.json, minimal.md\n"
    for argv in (["minimal.json", "minimal.json"], ["minimal.json", "./minimal.json"],
                 ["minimal.json", str(tmp_path / "minimal.json"), "alias.json"]):
        result = run(*argv, "--out", "out", "--force")
        assert (result.code, result.out, result.err) == (0, built, ""), argv
        result = run(*argv, "--out", "out", "--check")
        assert (result.code, result.err) == (0, ""), argv


def test_two_files_with_one_id_are_still_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(MINIMAL, "minimal.json")
    shutil.copy(MINIMAL, "copy.json")
    result = run("minimal.json", "copy.json", "--out", "out")
    assert result.code == 1 and "is also used by" in result.err


# --- 8. dates are YYYY-MM-DD exactly ---------------------------------------------------------

@pytest.mark.parametrize("text", ["20241101", "2024-W44-5", "2024-11-1", "2024-306",
                                  "2024-11-01T00:00", " 2024-11-01", "２０２４-11-01"])
def test_the_shared_date_parser_takes_yyyy_mm_dd_only(text):
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        common.iso_date(text)
    assert str(caught.value) == f"{text!r} is not a date in the form YYYY-MM-DD"


def test_the_shared_date_parser_names_an_impossible_date():
    with pytest.raises(argparse.ArgumentTypeError) as caught:
        common.iso_date("2024-02-30")
    assert str(caught.value) == "'2024-02-30' is not a real date (day is out of range for month)"
    assert str(common.iso_date("2024-02-29")) == "2024-02-29"


def test_publish_refuses_a_date_without_dashes(tmp_path):
    result = run("publish", "--as-of", "20241101", tmp_path / "site", EXAMPLE)
    assert result.code == 2
    assert result.err.endswith("python build.py publish: error: argument --as-of: "
                               "'20241101' is not a date in the form YYYY-MM-DD\n")
