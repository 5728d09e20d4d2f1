"""``out/<id>.figures.json``: every figure, traceable to its source.

The idea behind inline XBRL facts: a reviewer can take any number printed in
the paper and find its id, exact value, where it was typed (or how it was
derived) and which checks it passed.  It is the paper's figure listing
(``figures.listing``) written out: sorted, indented, stable from build to
build.
"""

from __future__ import annotations

import json

from decision_papers.figures.listing import PaperFigures


def render(figures: PaperFigures) -> bytes:
    """The figures file's bytes."""
    document = {"decision": figures.decision,
                "figures": [entry.as_json() for entry in figures.entries]}
    if figures.sections:  # the form's section numbers, so a reader can say "paragraph 3.1"
        document["sections"] = figures.sections
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def output(paper) -> bytes:
    """The writer table's entry: a paper's figures file."""
    return render(paper.figures)
