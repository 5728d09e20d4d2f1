"""Placeholders left by ``new``: a paper that still holds one does not build.

``new`` writes ``[TO COMPLETE: …]`` wherever the form requires something the
officer must write.  Before anything else is checked, each one left is an
error at its place (file, line, JSON path), so an unfinished paper is never
built, let alone published, and the officer gets one list of what is left
rather than a schema error about each placeholder's type.
"""

from __future__ import annotations

from decision_papers.problems import Problem
from decision_papers.source.load import Source

PLACEHOLDER = "[TO COMPLETE"
"""How every placeholder starts."""
LIMIT = 50
"""Most placeholders listed; a new paper has a few dozen."""


def find(source: Source) -> list[Problem]:
    """An error for each string in ``source`` that still holds a placeholder."""
    found = []
    for parts, text in _strings(source.data, ()):
        start = text.find(PLACEHOLDER)
        if start < 0:
            continue
        end = text.find("]", start)
        shown = text[start:end + 1] if end > 0 else text[start:start + 60]
        found.append(Problem(f"this is still to complete: {shown}", (source.place(parts),),
                             "write it in (the placeholder says what goes here).",
                             rule="placeholder"))
    if len(found) > LIMIT:
        rest = len(found) - LIMIT
        found = found[:LIMIT] + [Problem(f"and {rest} more placeholder{'s' if rest > 1 else ''}.",
                                         (source.place(()),), rule="placeholder")]
    return found


def _strings(value, parts):
    stack = [(value, parts)]
    while stack:  # no recursion: a source may nest deeply
        value, parts = stack.pop()
        if isinstance(value, str):
            yield parts, value
        elif isinstance(value, dict):
            stack.extend((v, parts + (k,)) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((v, parts + (i,)) for i, v in reversed(list(enumerate(value))))
