"""The README's everyday commands work exactly as written, in a fresh clone.

The clone gets the project's virtual environment (set up by the README's
set-up command, as CI does), then each command of the README's "Using it"
and "Reviewing papers in git" blocks is run as typed, with nothing
activated: no command may rely on ``python`` being the project's.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess

from support import GIT_IDENTITY, ROOT

README = ROOT / "README.md"
TRACKED = ("build.py", "decision_papers", "templates", "schema", "rules", "decisions", "out",
           "records", "README.md", ".gitattributes", "pyproject.toml")


def commands(section: str) -> list[str]:
    """The command lines of the first ``sh`` block under ``## <section>``."""
    text = README.read_text(encoding="utf-8")
    part = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", part, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def fresh_clone(tmp_path):
    """A clone of this repository with the working tree's files committed on top."""
    clone = tmp_path / "clone"
    env = {**os.environ, **GIT_IDENTITY}
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, env=env)
    for name in TRACKED:  # what is being tested is this tree, not only the last commit
        source, target = ROOT / name, clone / name
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, target)
    subprocess.run(["git", "add", "-A"], cwd=clone, check=True, env=env)
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "as tested"], cwd=clone,
                   check=True, env=env)
    (clone / ".venv").symlink_to(ROOT / ".venv")  # the README's set-up command made it
    return clone, env


def test_the_everyday_commands_work_as_written_in_a_fresh_clone(tmp_path):
    clone, env = fresh_clone(tmp_path)
    env = {k: v for k, v in env.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = "/usr/bin:/bin"  # no activated virtual environment
    everyday = commands("Using it") + commands("Reviewing papers in git")
    assert everyday[0].startswith(".venv/bin/python build.py")
    assert any(" explain " in line for line in everyday)
    assert any(" textconv " in line for line in everyday)
    for line in everyday:
        argv = shlex.split(line, comments=True)
        result = subprocess.run(argv, cwd=clone, env=env, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, (line, result.stdout[-2000:], result.stderr[-2000:])
    # the last line redlines pcd-1717 between HEAD~3 and HEAD: whether it changed there
    # depends on the history, so either it is written or the command says there is nothing
    assert "--redline changes.docx" in everyday[-1]
    assert (clone / "changes.docx").is_file() or "no changes" in result.stdout, result.stdout
    for line in commands("Writing a decision"):  # each starts a paper, or explains one
        result = subprocess.run(shlex.split(line, comments=True), cwd=clone, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, (line, result.stdout[-2000:], result.stderr[-2000:])
    assert (clone / "decisions" / "md-3400" / "background.md").is_file()
    assert (clone / "decisions" / "kdr-2025-020" / "decision.json").is_file()
    # and git's diff driver, configured as the README says, shows a paper's text
    setup = re.search(r'^git config diff\.decision-paper\.textconv "(.*)"$',
                      README.read_text(encoding="utf-8"), re.M).group(1)
    subprocess.run(["git", "config", "diff.decision-paper.textconv", setup], cwd=clone,
                   check=True, env=env)
    shown = subprocess.run(["git", "show", "--textconv", "HEAD:out/pcd-1717.docx"], cwd=clone,
                           env=env, capture_output=True, text=True, check=True).stdout
    assert shown.startswith('---\ntitle: "Reflective Practice provision')


