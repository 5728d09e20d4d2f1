"""Time whole-process builds: the bundled paper cold, and a 10,000-paragraph source.

Run: python benchmarks/build_time.py [RUNS]

"Cold" means a new Python process with the package's bytecode cache removed,
as a drafting officer's first `python build.py` would be.  Targets: the
example under 2 s, the 10,000-paragraph source under 30 s, on 2 cores.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"example": 2.0, "10,000 paragraphs": 30.0}


def timed(argv: list[str]) -> float:
    for cache in (ROOT / "decision_papers").rglob("__pycache__"):
        shutil.rmtree(cache)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "build.py"), "-q", *argv], check=True)
    return time.perf_counter() - start


def main(runs: int = 5) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        big = json.loads((ROOT / "tests" / "fixtures" / "minimal.json").read_text(encoding="utf-8"))
        big["part1"]["background"] = [f"Paragraph {i} of a long background section." for i in range(10_000)]
        source = Path(tmp) / "big.json"
        source.write_text(json.dumps(big), encoding="utf-8")
        cases = {"example": [str(ROOT / "decisions" / "pcd-1717.json"), "--out", tmp],
                 "10,000 paragraphs": [str(source), "--out", tmp]}
        failed = False
        for name, argv in cases.items():
            times = [timed(argv) for _ in range(runs if name == "example" else 1)]
            median = statistics.median(times)
            ok = median <= TARGETS[name]
            failed |= not ok
            print(f"{name}: median {median:.2f} s over {len(times)} run(s) "
                  f"(target {TARGETS[name]:.0f} s) {'ok' if ok else 'TOO SLOW'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
