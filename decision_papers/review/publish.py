"""``python build.py publish --as-of DATE OUTDIR``: the publication set.

Publishes the Part 1 papers a public body may put on its website on DATE:
approved, approved by then, and with any deferral ended.  Never a draft,
never Part 2.  Everything held back is listed with the reason, so the
publication officer can see nothing was forgotten.
"""

from __future__ import annotations

import datetime as dt

from decision_papers.figures import formatting as fmt


def held_back(paper, as_of: dt.date) -> str | None:
    """Why a built paper may not be published on ``as_of``, or ``None``."""
    if paper.failed:
        return "its source has errors"
    if not paper.approved:
        return "it is a draft"
    if paper.approval_date > as_of:
        return f"it is approved only from {fmt.date(paper.approval_date)}"
    if paper.deferred_until and paper.deferred_until > as_of:
        return f"publication is deferred until {fmt.date(paper.deferred_until)}"
    return None


