"""``-j N``: build a batch's papers in N processes, and give them back in order.

Each paper is built by exactly the steps one process takes (``pipeline``'s
``build_one``); only the papers travel back, slimmed to what the batch
checks and the writes need.  They are put back in the batch's sorted order
before anything else happens, so the files written and the messages printed
are the same, byte for byte, as a one-process build's.

Where the system can, the workers are forked from the building process,
which has already imported everything, so a worker starts in milliseconds.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def default_jobs() -> int:
    """The cores this process may use (``-j`` when it is not given)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def build(paths: list[Path], settings: tuple, jobs: int, progress=None) -> list:
    """The papers of ``paths`` (sorted), built in ``jobs`` processes."""
    import multiprocessing  # here: a build with nothing to do never starts a pool
    from concurrent.futures import ProcessPoolExecutor, as_completed
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    papers: list = [None] * len(paths)
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(paths)), mp_context=context,
                               initializer=_end_with, initargs=(os.getpid(),))
    try:
        pending = {pool.submit(_build, path, settings): index for index, path in enumerate(paths)}
        for done, future in enumerate(as_completed(pending), 1):
            papers[pending[future]] = future.result()
            if progress:
                progress(done, len(paths))
    except BaseException:  # Ctrl-C, SIGTERM: no paper not yet started is started
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return papers


def _end_with(parent: int) -> None:
    """Make a worker end when the build that started it ends, however it ends.

    A killed build (``SIGKILL``, or the machine's out-of-memory killer) cannot
    stop its workers; Linux can (``PR_SET_PDEATHSIG``), so no worker is left
    waiting for work, holding the build's output pipes open.
    """
    if sys.platform.startswith("linux"):  # elsewhere a worker ends at its next task
        try:
            import ctypes
            import signal
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: 1
        except Exception:  # noqa: BLE001 - no guard is no reason to fail the build
            pass
    if os.getppid() != parent:  # the build ended before the guard was set
        os._exit(1)


def _build(path: Path, settings: tuple):
    from decision_papers import pipeline
    return pipeline.slimmed(pipeline._guarded(path, *settings))  # noqa: SLF001
