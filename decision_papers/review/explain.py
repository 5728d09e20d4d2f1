"""One figure, explained in words: what ``explain`` prints and the preview shows.

Read from the paper's figure listing in memory (``figures.listing``), with
the line in the source where a stated figure was typed.
"""

from __future__ import annotations

from decision_papers.figures.listing import Listed, places


def entry_text(entry: Listed, sections: dict) -> str:
    """One figure, as a short block of lines."""
    texts = entry.text
    shown = texts.get("default")
    lines = [f"{entry.id}: {shown if shown is not None else '(no value)'} "
             f"({entry.kind.replace('_', ' ')})"]
    if entry.label:
        lines.append(f"  label: {entry.label}")
    others = [f"{{{entry.id}:{style}}} prints {text}" for style, text in sorted(texts.items())
              if style != "default" and text is not None]
    if others:
        lines.append(f"  also: {'; '.join(others)}")
    if entry.place is not None:
        lines.append(f"  stated at: {entry.place}")
    if entry.derivation:
        verb = "checked as" if entry.stated else "derived as"
        lines.append(f"  {verb}: {entry.derivation['formula']}")
    if entry.checks:
        lines.append(f"  checks passed: {', '.join(entry.checks)}")
    lines.extend(f"  implied: {relation}" for relation in entry.implied)
    printed = places(entry.printed_at, sections)
    lines.append(f"  printed at: {printed}" if printed else "  printed at: nowhere yet")
    return "\n".join(lines)
