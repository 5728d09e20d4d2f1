"""How prose names a figure, ``{contracts.vru.variation}`` or ``{approval.date:month}``,
and where it was printed.

The syntax belongs to the figures: ``prose`` prints what a reference names,
``checks`` blanks references out before looking for figures typed by hand,
and the figures file lists where each figure is printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REFERENCE = re.compile(r"\{([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)(?::([a-z_]*))?\}")
"""``{contracts.vru.variation}`` or ``{approval.date:month}``."""


@dataclass
class Reference:
    """Where prose used a figure; ``checks`` and the figures file use these."""

    figure: str
    """Figure id."""
    style: str
    """Format asked for ('' for the default)."""
    path: tuple
    """Path parts of the prose field."""
    before: str = ""
    """The words just before the reference, e.g. "approximately "."""
    after: str = ""
    """The words just after it, e.g. " each"."""
