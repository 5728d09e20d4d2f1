"""Write the real messages into ``docs/officers-guide.md``, or check that they are there.

The officers' guide shows the ten mistakes drafting officers make most, each
with the message the tool really prints.  Each example below is a small
change to a bundled decision; this script makes it in a temporary project,
runs the build exactly as an officer would, and writes what it printed
between the guide's markers::

    <!-- example: curly-quotes -->
    ```text
    ...the message...
    ```
    <!-- end -->

So the guide can never quote a message the tool no longer prints::

    .venv/bin/python scripts/officers_guide.py           # rewrite the messages
    .venv/bin/python scripts/officers_guide.py --check   # exit 1 if one is out of date
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from decision_papers.atomic import write_atomic  # noqa: E402
from decision_papers.cli import main as cli  # noqa: E402

GUIDE = ROOT / "docs" / "officers-guide.md"
BLOCK = re.compile(r"(<!-- example: ([a-z0-9-]+) -->\n)```text\n.*?```\n(<!-- end -->)", re.S)
COMMAND = re.compile(r"(<!-- command: ([^>]+?) -->\n)```text\n.*?```\n(<!-- end -->)", re.S)
"""A command's output: ``<!-- command: explain md-3311 figures.decision_total -->``."""


def _json(change):
    """An example that edits the decision's data."""
    def apply(folder: Path):
        path = folder / "decisions" / "md-3311.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return apply


def _text(old: str, new: str):
    """An example that edits the decision's text, as typing in an editor would."""
    def apply(folder: Path):
        path = folder / "decisions" / "md-3311.json"
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def _set(path: str, value):
    def change(data):
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
    return _json(change)


def _drop(path: str):
    def change(data):
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[part]
        del target[last]
    return _json(change)


EXAMPLES = {
    "curly-quotes": _text('"reference": "MD3311"', '"reference": “MD3311”'),
    "enter-in-text": _text('"Tender published"', '"Tender\npublished"'),
    "comma-in-number": _text('"count": 6000', '"count": 6,000'),
    "money-as-text": _set("figures.delivery_contract.money", "£750,000"),
    "date-format": _set("dates.cib", "17/03/2025"),
    "unknown-figure": _set("part1.legal.1",
                           "The delivery contract, at {figures.delivery_contrat}, will be "
                           "procured."),
    "broken-reference": _set("part1.legal.1",
                             "The delivery contract, at {figures.delivery_contract, will be "
                             "procured."),
    "missing-part": _drop("part1.legal"),
    "not-adding-up": _set("budgets.programme.by_year.second.amount", 500000),
    "sign-off-order": _set("finance.date", "2025-03-27"),
}
"""The ten mistakes, each a change to MD3311 as bundled."""


@contextmanager
def _project():
    """A temporary project holding the bundled MD3311, as an officer's would."""
    folder = Path(tempfile.mkdtemp(prefix="officers-guide-"))
    try:
        (folder / "decisions").mkdir()
        shutil.copy(ROOT / "decisions" / "md-3311.json", folder / "decisions")
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def message(name: str) -> str:
    """What the build prints for example ``name``, as an officer runs it."""
    with _project() as folder:
        EXAMPLES[name](folder)
        here = Path.cwd()
        os.chdir(folder)
        try:
            out, err = io.StringIO(), io.StringIO()
            code = cli([], stdout=out, stderr=err)
        finally:
            os.chdir(here)
    if code == 0:
        raise SystemExit(f"example {name} built without an error; it shows nothing")
    return err.getvalue()


def output(command: str) -> str:
    """What ``.venv/bin/python build.py <command>`` prints in a project holding MD3311."""
    with _project() as folder:
        here = Path.cwd()
        os.chdir(folder)
        try:
            out, err = io.StringIO(), io.StringIO()
            code = cli(command.split(), stdout=out, stderr=err)
        finally:
            os.chdir(here)
    if code != 0:
        raise SystemExit(f"{command} failed: {err.getvalue()}")
    return out.getvalue()


def updated(text: str) -> str:
    """The guide with every example's block holding its real message, and every command's
    its real output."""
    text = COMMAND.sub(lambda m: f"{m.group(1)}```text\n{output(m.group(2))}```\n{m.group(3)}",
                       text)
    names = [m.group(2) for m in BLOCK.finditer(text)]
    unknown = sorted(set(names) - set(EXAMPLES))
    missing = sorted(set(EXAMPLES) - set(names))
    if unknown or missing:
        raise SystemExit(f"the guide's examples do not match this script's: unknown {unknown}, "
                         f"not in the guide {missing}")
    return BLOCK.sub(lambda m: f"{m.group(1)}```text\n{message(m.group(2))}```\n{m.group(3)}",
                     text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a message in the guide is out of date")
    args = parser.parse_args(argv)
    text = GUIDE.read_text(encoding="utf-8")
    new = updated(text)
    if args.check:
        same = new == text
        print(f"{GUIDE.relative_to(ROOT)}: "
              f"{'up to date' if same else 'out of date; run scripts/officers_guide.py'}")
        return 0 if same else 1
    write_atomic(GUIDE, new.encode("utf-8"))
    print(f"wrote {GUIDE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
