"""Picture the first page of built papers: ``docs/images/<id>-first-page.png``.

For each decision (every ``decisions/*.json``, or the ids given), LibreOffice
converts ``out/<id>.docx`` to PDF, and ``pdftoppm`` (Debian's poppler-utils)
draws its first page as a PNG, for docs/forms.md.  Build the papers first::

    .venv/bin/python build.py && .venv/bin/python scripts/first_pages.py
    .venv/bin/python scripts/first_pages.py pcd-1717 --dpi 100

LibreOffice runs headless with a profile of its own in a temporary folder, so
it neither needs nor touches the user's.  The same DOCX, LibreOffice and fonts
give the same picture, byte for byte (PNG holds no time).  LibreOffice
substitutes a font it lacks, so install Arial's metric twin (Debian's
``fonts-liberation2``) for the lines to break as in Word.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from decision_papers.atomic import write_atomic  # noqa: E402

TIMEOUT = 300
"""Seconds LibreOffice may take for all the papers together."""


def decision_ids(folder: Path) -> list[str]:
    """The id of every source in ``folder`` (its file name, if the id cannot be read)."""
    found = []
    for source in sorted(folder.glob("*.json")):
        try:
            found.append(json.loads(source.read_text(encoding="utf-8"))["id"])
        except (OSError, ValueError, KeyError, TypeError):
            found.append(source.stem)
    return found


def first_pages(docx_files: list[Path], work: Path, dpi: int) -> dict[Path, bytes]:
    """The first page of each DOCX as PNG bytes, by DOCX path."""
    profile = work / "profile"
    pdf_dir = work / "pdf"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(pdf_dir), *map(str, docx_files)],
        check=True, capture_output=True, timeout=TIMEOUT)
    pictures = {}
    for docx_file in docx_files:
        pdf = pdf_dir / f"{docx_file.stem}.pdf"
        if not pdf.is_file():
            raise RuntimeError(f"LibreOffice made no PDF of {docx_file}")
        stem = work / docx_file.stem
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(stem)], check=True, capture_output=True, timeout=60)
        pictures[docx_file] = stem.with_suffix(".png").read_bytes()
    return pictures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("ids", nargs="*", metavar="ID",
                        help="decision ids (default: every decisions/*.json)")
    parser.add_argument("--out", type=Path, default=ROOT / "out",
                        help="built papers (default: out/)")
    parser.add_argument("--images", type=Path, default=ROOT / "docs" / "images",
                        help="where the pictures go (default: docs/images/)")
    parser.add_argument("--dpi", type=int, default=72, help="resolution (default: 72)")
    args = parser.parse_args(argv)
    missing_tools = [t for t in ("soffice", "pdftoppm") if shutil.which(t) is None]
    if missing_tools:
        print(f"error: {' and '.join(missing_tools)} not found; install Debian's "
              "libreoffice-writer-nogui and poppler-utils.", file=sys.stderr)
        return 2
    ids = args.ids or decision_ids(ROOT / "decisions")
    papers = [args.out / f"{pid}.docx" for pid in ids]
    absent = [p for p in papers if not p.is_file()]
    if absent:
        print(f"error: {', '.join(map(str, absent))} not built; run build.py first.",
              file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="first-pages-") as work:
        try:
            pictures = first_pages(papers, Path(work), args.dpi)
        except (subprocess.SubprocessError, RuntimeError, OSError) as exc:
            print(f"error: cannot draw the first pages: {exc}", file=sys.stderr)
            return 1
    for pid, paper in zip(ids, papers):
        target = args.images / f"{pid}-first-page.png"
        write_atomic(target, pictures[paper])
        print(f"wrote {target} ({len(pictures[paper]):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
