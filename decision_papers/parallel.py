"""``-j N``: build a batch's papers in N processes, and give them back in order.

Each paper is built by the function the batch gives (``pipeline.guarded``,
exactly the steps one process takes); only the papers travel back, slimmed
to what the batch checks and the writes need.  They are put back in the batch's sorted order
before anything else happens, so the files written and the messages printed
are the same, byte for byte, as a one-process build's.

Where the system can, the workers are forked from the building process,
which has already imported everything, so a worker starts in milliseconds.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from decision_papers import atomic
from decision_papers.errors import UsageError


def default_jobs() -> int:
    """The cores this process may use (``-j`` when it is not given)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def build(paths: list[Path], one, jobs: int, progress=None) -> list:
    """``one(path)`` for each of ``paths`` (sorted), run in ``jobs`` processes.

    ``one`` must be picklable (a module's function, or a ``functools.partial``
    of one): it is sent to the workers by name.

    Ctrl-C and SIGTERM are held back while the pool runs, and looked for
    between results: an exception raised by a signal handler inside the
    pool's own locks (between taking one and entering its ``with``) would
    leave it taken, and the build would hang on its way out.  Asked to stop,
    the build cancels the papers not started and lets the signal through
    where no lock is held, so it stops as it does in one process.
    """
    import multiprocessing  # here: a build with nothing to do never starts a pool
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    papers: list = [None] * len(paths)
    stopped = False
    with atomic.held_back() as mask:
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(paths)), mp_context=context,
                                   initializer=_end_with, initargs=(os.getpid(), mask))
        try:
            pending = {pool.submit(one, path): index
                       for index, path in enumerate(paths)}
            waiting, done = set(pending), 0
            while waiting and not stopped:
                finished, waiting = wait(waiting, timeout=0.1, return_when=FIRST_COMPLETED)
                for future in finished:
                    papers[pending[future]] = future.result()
                    done += 1
                    if progress:
                        progress(done, len(paths))
                stopped = atomic.asked_to_stop()  # the signal is let through as the block ends
        except BrokenProcessPool:  # a worker was killed (the machine out of memory, say)
            pool.shutdown(wait=False, cancel_futures=True)
            raise UsageError("a build process ended before its paper was built (out of "
                             "memory?); nothing was written: build again, or with -j 1.") \
                from None
        except BaseException:  # a paper's UsageError: the others are not started
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=not stopped, cancel_futures=stopped)
    if stopped:  # the handler has raised already, unless the signal is ignored
        raise KeyboardInterrupt
    return papers


def _end_with(parent: int, mask=None) -> None:
    """Make a worker end when the build that started it ends, however it ends.

    A killed build (``SIGKILL``, or the machine's out-of-memory killer) cannot
    stop its workers; Linux can (``PR_SET_PDEATHSIG``), so no worker is left
    waiting for work, holding the build's output pipes open.  ``mask`` is the
    build's signal mask, which the worker takes back (it was forked while
    Ctrl-C and SIGTERM were held back).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    if mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    if sys.platform.startswith("linux"):  # elsewhere a worker ends at its next task
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: 1
        except Exception:  # noqa: BLE001 - no guard is no reason to fail the build
            pass
    if os.getppid() != parent:  # the build ended before the guard was set
        os._exit(1)

