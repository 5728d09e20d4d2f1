"""A progress bar for a batch, on a terminal only.

The bar is drawn on the error stream, over itself (a carriage return), and
erased when the batch is done, so what stays on the screen is exactly what a
build without it prints.  Where the stream is not a terminal (a log, a pipe,
CI), or ``NO_COLOR`` is set (no-color.org: no escape codes), or the batch is a
single paper, nothing is drawn: the plain lines the build prints anyway are
all there is.
"""

from __future__ import annotations

import os
import time

WIDTH = 30
"""Characters in the bar."""
EVERY = 0.1
"""Seconds between redraws, at most: a fast batch is not slowed by its own bar."""


class Progress:
    """``with Progress(stream, total) as progress: … progress.update(done, total)``."""

    def __init__(self, stream, total: int):
        self.stream, self.total = stream, total
        self.drawn, self.last = False, 0.0
        self.shown = total > 1 and wanted(stream)

    def __enter__(self) -> Progress:
        return self

    def update(self, done: int, total: int) -> None:
        """Redraw the bar (not more often than ``EVERY``, but always at the end)."""
        if not self.shown:
            return
        now = time.monotonic()
        if done < total and now - self.last < EVERY:
            return
        self.last = now
        filled = WIDTH * done // total
        self.stream.write(f"\rbuilding [{'#' * filled}{'.' * (WIDTH - filled)}] "
                          f"{done:,}/{total:,} papers")
        self.stream.flush()
        self.drawn = True

    def __exit__(self, *exc) -> None:
        if self.drawn:  # erase the line: what stays is what the build printed
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def wanted(stream) -> bool:
    """A bar is drawn only on a terminal that takes escape codes (``NO_COLOR`` unset,
    ``TERM`` not ``dumb``)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
