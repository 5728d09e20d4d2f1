"""Time redlines of large changes: the reported case and a 2,000-paragraph paper.

Run: python benchmarks/redline_time.py [RUNS]

Each case builds two papers in memory (prose-like paragraphs of 60 to 90
words), then times ``redline.render`` on them, the way ``python build.py diff
--redline`` does once it has read both DOCX files.  It also counts the
word-by-word comparisons (``redline._similarity``), the step that used to grow
with the square of the changed stretch.

Cases and targets (median, on 2 cores):

- "500 changed each side": 1,000 paragraphs, the middle 500 edited and one
  of them deleted, a 500 × 499 changed stretch (issue 13 reported 237 s;
  the code before the fix compared all 249,500 pairs): under 5 s;
- "2,000 edited": every paragraph of a 2,000-paragraph paper edited, one
  inserted and one deleted, so nothing unchanged anchors the alignment:
  under 15 s;
- "2,000 scattered": every tenth paragraph edited, a few moved, inserted and
  deleted: under 10 s.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from decision_papers.document.model import Document, Metadata, Paragraph, Span
from decision_papers.review import redline

TARGETS = {"500 changed each side": 5.0, "2,000 edited": 15.0, "2,000 scattered": 10.0}
WHEN = dt.datetime(2024, 9, 23)
VOCABULARY = (
    "the of and to a in for is that be on with by as this will are from at or an it which "
    "contract variation budget approval officer mayor grant funding total value extension "
    "services delivery review panel board policing crime decision paper recommendation "
    "financial legal commercial equality consultation period supplier procurement").split()


def paragraph(n: int) -> str:
    """Prose-like text: common words, plus a few words only this paragraph uses."""
    rng = random.Random(n)
    words = [rng.choice(VOCABULARY) for _ in range(rng.randint(60, 90))]
    for k in range(3):
        words[rng.randrange(len(words))] = f"term{n}x{k}"
    return " ".join(words) + "."


def edited(text: str, n: int) -> str:
    """The paragraph with a few words changed, as an officer's edit would."""
    rng = random.Random(-n - 1)
    words = text.split()
    for _ in range(3):
        words[rng.randrange(len(words))] = rng.choice(["revised", "additional", "£14,560"])
    return " ".join(words)


def paper(texts: list[str]) -> Document:
    meta = Metadata("A paper", "PCD 1", "PCD April 2023", "MOPAC", WHEN.date(), WHEN)
    return Document(meta, [Paragraph([Span(t)]) for t in texts])


def cases() -> dict[str, tuple[list[str], list[str]]]:
    found = {}
    old = [paragraph(n) for n in range(1000)]
    new = [edited(t, n) if 250 <= n < 750 else t for n, t in enumerate(old)]
    del new[500]
    found["500 changed each side"] = (old, new)
    old = [paragraph(n) for n in range(2000)]
    new = [edited(t, n) for n, t in enumerate(old)]
    new.insert(700, "A new paragraph about the consultation that was not in the old paper.")
    del new[1501]
    found["2,000 edited"] = (old, new)
    new = [edited(t, n) if n % 10 == 3 else t for n, t in enumerate(old)]
    for n in (100, 900, 1700):
        new.insert(n + 250, new.pop(n))  # moved 250 paragraphs down
    new[1200:1200] = [f"Inserted paragraph {k} about the extension." for k in range(20)]
    del new[400:410]
    found["2,000 scattered"] = (old, new)
    return found


def timed(old: Document, new: Document) -> tuple[float, int]:
    calls = [0]
    similarity = redline._similarity

    def counting(a, b):
        calls[0] += 1
        return similarity(a, b)

    redline._similarity = counting
    try:
        start = time.perf_counter()
        redline.render(old, new)
        return time.perf_counter() - start, calls[0]
    finally:
        redline._similarity = similarity


def main(runs: int = 3) -> int:
    failed = False
    for name, (old, new) in cases().items():
        results = [timed(paper(old), paper(new)) for _ in range(runs)]
        median = statistics.median(t for t, _ in results)
        ok = median <= TARGETS[name]
        failed |= not ok
        print(f"{name} ({len(old):,} → {len(new):,} paragraphs): median {median:.2f} s over "
              f"{runs} run(s), {results[0][1]:,} comparisons (target {TARGETS[name]:.0f} s) "
              f"{'ok' if ok else 'TOO SLOW'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
