"""``docs/adding-a-form.md`` works: follow its steps on a copy of the repository.

Each fenced block with a ``title="<path>"`` is written to that path; each
``sh`` block's commands are run in order (``.venv/bin/python`` is this interpreter).
Then the guide's paper must build, and say what the guide says it says.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys

from support import ROOT

GUIDE = ROOT / "docs" / "adding-a-form.md"
BLOCK = re.compile(r'^```(\w+)(?: title="([^"]+)")?\n(.*?)^```$', re.S | re.M)
COPIED = ("build.py", "decision_papers", "templates", "schema", "rules", "scripts")


def steps(text: str) -> list[tuple[str, str | None, str]]:
    """``(language, file or None, body)`` of each fenced block, in order."""
    return [(m.group(1), m.group(2), m.group(3)) for m in BLOCK.finditer(text)]


def test_the_guide_adds_a_fourth_form_that_builds(tmp_path):
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / "decisions").mkdir()
    written, commands = [], []
    for language, path, body in steps(GUIDE.read_text(encoding="utf-8")):
        if path:
            target = tmp_path / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
            written.append(path)
        elif language == "sh":
            for line in body.splitlines():
                argv = shlex.split(line)
                if argv[0] == ".venv/bin/python":
                    argv[0] = sys.executable
                result = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True,
                                        timeout=300)
                assert result.returncode == 0, (line, result.stdout, result.stderr)
                commands.append(line)
    assert written == ["templates/pcc-notice-2025/form.json",
                       "templates/pcc-notice-2025/layout.md.j2",
                       "templates/pcc-notice-2025/title.md.j2",
                       "templates/pcc-notice-2025/publication.md.j2",
                       "schema/forms/pcc-notice-2025.schema.json",
                       "rules/wessex-pcc.json",
                       "decisions/pcc-2025-007.json"]
    assert commands[-1] == ".venv/bin/python build.py decisions/pcc-2025-007.json"
    assert (tmp_path / "templates/pcc-notice-2025/reference.docx").is_file()
    # the paper says what the guide says: numbered decisions with lettered sub-items,
    # the schedule table summed in the house style, the sign-offs in order
    text = (tmp_path / "out" / "pcc-2025-007.md").read_text(encoding="utf-8")
    assert "**DECISION NOTICE – Decision 2025/007**" in text
    assert "1\\. fund the rural crime team at a total cost of £420,000:\n\n" \
           "(a) £200,000 in 2025/26; and\n\n(b) £220,000 in 2026/27." in text
    assert "| 2025/26 | £200,000 |\n| 2026/27 | £220,000 |\n| **Total** | **£420,000** |" in text
    assert "The cost is above the threshold of £250,000" in text
    assert text.index("## Chief Finance Officer") < text.index("## Police and Crime Commissioner")
    assert "published on the Commissioner's website" in text and "the the" not in text
    # the pack holds only what differs: the shared parts come from the base, and a part
    # worded otherwise replaces only its block
    pack = sorted(p.name for p in (tmp_path / "templates" / "pcc-notice-2025").iterdir())
    assert pack == ["form.json", "layout.md.j2", "publication.md.j2", "reference.docx",
                    "title.md.j2"]
    assert "## Publication of this notice\n\nThis notice is published" in text
    assert "Is there a Part 2 form? **NO**" in text
    figures = json.loads((tmp_path / "out" / "pcc-2025-007.figures.json").read_text("utf-8"))
    assert figures["sections"] == {"background": 1, "financial": 2}
    # and the guide's rules hold it to its figures: a year that no longer adds up fails
    paper = tmp_path / "decisions" / "pcc-2025-007.json"
    paper.write_text(paper.read_text(encoding="utf-8").replace('"amount": 220000',
                                                                '"amount": 230000'), "utf-8")
    result = subprocess.run([sys.executable, "build.py", str(paper)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "[schedule]" in result.stderr


def test_adding_the_fourth_form_changed_no_python():
    """What the guide writes is data: no file under decision_papers/ is named in it."""
    for _, path, _ in steps(GUIDE.read_text(encoding="utf-8")):
        assert path is None or not path.endswith(".py")
