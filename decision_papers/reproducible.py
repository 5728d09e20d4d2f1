"""The dates a build stamps, the same on every machine: never the clock.

The reproducible-builds convention, ``SOURCE_DATE_EPOCH``, wins over every
date a build would stamp; without it a paper's document properties carry its
decision date.
"""

from __future__ import annotations

import datetime as dt
import os

from decision_papers.errors import UsageError


def epoch() -> dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` as a date and time, or None where it is not set.

    It must be ASCII digits (``date +%s``), from 0 to the last second of
    9999, on every platform alike.
    """
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    shown = repr(value if len(value) <= 30 else value[:30] + "…")
    digits = value[1:] if value.startswith("-") else value
    if not (digits.isascii() and digits.isdigit()):
        raise UsageError(f"SOURCE_DATE_EPOCH={shown} is not a whole number of seconds.")
    last = 253402300799  # 9999-12-31 23:59:59 UTC
    if value.startswith("-") or len(digits) > len(str(last)) or int(digits) > last:
        raise UsageError(f"SOURCE_DATE_EPOCH={shown} is out of range: give a whole number "
                         f"of seconds from 0 (1970) to {last} (the end of 9999).")
    return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(digits))


NO_DATE = dt.date(1980, 1, 1)
"""The stamp of a paper with no decision date yet: the first date a ZIP file can hold."""


def stamp(decided: dt.date | None) -> dt.datetime:
    """The date stamped in document properties: ``SOURCE_DATE_EPOCH``, else the decision
    date (``NO_DATE`` for a paper without one).  Never the clock."""
    return epoch() or dt.datetime.combine(decided or NO_DATE, dt.time())
