"""Characters a Word document cannot hold, refused wherever a source has text.

XML 1.0 has no place for most control characters; one pasted into a
paragraph would make a DOCX that Word refuses to open.
"""

from __future__ import annotations

import re
import unicodedata

from decision_papers.problems import Problem
from decision_papers.source.load import Source
from decision_papers.source.validate import capped
from decision_papers.source.walk import leaves

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold."""


def control_characters(source: Source) -> list[Problem]:
    """Characters XML cannot hold would corrupt the DOCX: refuse them (the first 50)."""
    problems = []
    for parts, _, value in leaves(source.data):
        if isinstance(value, str) and _XML_BAD.search(value):
            bad = _XML_BAD.search(value).group(0)
            name = unicodedata.name(bad, f"U+{ord(bad):04X}")
            problems.append(Problem(
                f"the text holds an invisible control character ({name}) that "
                "a Word document cannot contain.", (source.place(parts),),
                "delete it; it usually comes from pasting out of another program.",
                rule="text"))
    return capped(problems, source.display, "text")
