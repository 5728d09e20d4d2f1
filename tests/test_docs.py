"""The README is short and the documentation holds together.

The README says what the tool is, how to set it up, the everyday commands,
and where to read on; everything else is a page of ``docs/``.  Every link
between them leads somewhere real, and every command they show runs as
written, with nothing activated (``tests/test_readme.py`` runs the README's).
"""

from __future__ import annotations

import re

import pytest

from support import ROOT

README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchors(text: str) -> set[str]:
    """GitHub's anchors of a page's headings."""
    found = set()
    for heading in re.findall(r"(?m)^#+ (.+)$", text):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        found.add(slug)
    return found


def test_the_readme_is_at_most_200_lines():
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 200


def test_the_readme_links_every_page_of_the_documentation():
    text = README.read_text(encoding="utf-8")
    assert [p.name for p in PAGES if f"(docs/{p.name})" not in text] == []


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda p: p.name)
def test_every_link_leads_somewhere_real(page):
    text = page.read_text(encoding="utf-8")
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        path, _, anchor = target.partition("#")
        where = (page.parent / path).resolve() if path else page
        if not where.exists():
            broken.append(target)
        elif anchor and where.suffix == ".md" and \
                anchor not in _anchors(where.read_text(encoding="utf-8")):
            broken.append(target)
    assert broken == []


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda p: p.name)
def test_no_page_says_bare_python(page):
    """A command shown is one that works without an activated environment.  What the tool
    itself prints (a ``text`` block of its output) is quoted as it is."""
    text = re.sub(r"(?ms)^```text\n.*?^```$", "", page.read_text(encoding="utf-8"))
    bare = [line for line in text.splitlines()
            if re.search(r"(?<![/\w.\\])python3? (?:build|scripts/)", line)]
    assert bare == []
