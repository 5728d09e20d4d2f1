"""Write the figure kinds of the registry into ``schema/common.schema.json``, for editors.

A kind is one ``Kind`` in ``decision_papers/kinds.py``.  The build takes the
schema's kinds from the registry itself (``kinds.in_schema``), so a new kind
works at once; this script writes the same into the committed schema, so an
editor that reads it (``"$schema": "../schema/forms/<form>.schema.json"``)
offers the new kind too.  ``--check`` says whether the file is up to date
(a test runs it)::

    .venv/bin/python scripts/kind_schema.py          # write it
    .venv/bin/python scripts/kind_schema.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from decision_papers import kinds  # noqa: E402
from decision_papers.atomic import write_atomic  # noqa: E402

SCHEMA = ROOT / "schema" / "common.schema.json"


def made(text: str) -> str:
    """The common schema ``text`` with the registry's kinds in it, written as the file is."""
    data = kinds.in_schema(json.loads(text, parse_float=Decimal))
    return json.dumps(data, indent=2, ensure_ascii=False, default=float) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the schema is not what the registry makes")
    args = parser.parse_args(argv)
    text = SCHEMA.read_text(encoding="utf-8")
    wanted = made(text)
    if args.check:
        if wanted != text:
            print(f"{SCHEMA.relative_to(ROOT)} is out of date: run scripts/kind_schema.py",
                  file=sys.stderr)
            return 1
        return 0
    if wanted != text:
        write_atomic(SCHEMA, wanted.encode("utf-8"))
        print(f"wrote {SCHEMA.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
