"""Picture the live preview showing a finding: ``docs/images/preview.png``.

Serves a copy of MD3311 with one mistyped figure reference (the guide's
sixth example), opens it in Debian's chromium, headless, and saves what the
officer sees.  For the officers' guide::

    .venv/bin/python scripts/preview_picture.py

The picture is of this version of the tool and its styles; chromium's
rendering can differ by a pixel between versions, so it is redrawn, not
compared byte for byte.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from decision_papers.atomic import write_atomic  # noqa: E402
from decision_papers.cli import serve_command  # noqa: E402

TARGET = ROOT / "docs" / "images" / "preview.png"


def picture(width: int = 1280, height: int = 1400) -> bytes:
    """The PNG of the preview of MD3311 with a mistyped figure in paragraph 5.1."""
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("error: chromium not found; install Debian's chromium.")
    with tempfile.TemporaryDirectory(prefix="preview-picture-") as work:
        folder = Path(work)
        (folder / "decisions").mkdir()
        data = json.loads((ROOT / "decisions" / "md-3311.json").read_text(encoding="utf-8"))
        data["part1"]["financial"][0] = data["part1"]["financial"][0].replace(
            "{figures.decision_total}", "{figures.decision_totl}")
        (folder / "decisions" / "md-3311.json").write_text(json.dumps(data, indent=2),
                                                           encoding="utf-8")
        started, holder = threading.Event(), {}

        def ready(server):
            holder["server"] = server
            started.set()

        here = Path.cwd()
        import os
        os.chdir(folder)
        try:
            thread = threading.Thread(target=serve_command.main, daemon=True, args=(
                ["md-3311", "--port", "0"], io.StringIO(), io.StringIO(), ready))
            thread.start()
            if not started.wait(30):
                raise SystemExit("error: the preview did not start")
            port = holder["server"].server_address[1]
            shot = folder / "preview.png"
            subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                            "--hide-scrollbars", f"--window-size={width},{height}",
                            f"--screenshot={shot}", f"http://127.0.0.1:{port}/md-3311"],
                           check=True, capture_output=True, timeout=120)
            holder["server"].shutdown()
            return shot.read_bytes()
        finally:
            os.chdir(here)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("output", nargs="?", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    data = picture()
    write_atomic(args.output, data)
    print(f"wrote {args.output} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
