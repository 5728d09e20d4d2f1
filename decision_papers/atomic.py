"""Writing files so that they are never half-made, and taking turns on a folder.

``write_atomic`` writes to a temporary file in the same
folder and renames it over the target, so a killed build leaves either the
old file or the new one, never a partial file.  ``write_together`` does the
same for all the files of one paper: every temporary file is written first,
then all are renamed, and if one rename fails the others are put back, so a
paper is either all old or all new.

A failed write raises ``WriteFailed``, whose message says which file and why
in plain words (``cannot write out/x.md: no space left on device``).

Builds that write into the same folder take turns: ``locked`` holds an
``fcntl.flock`` on ``<folder>/.lock`` while one writes, and ``sweep`` removes
only the temporary files of processes that have gone (the writer's pid is in
each temporary name), never those of a build still running.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import time
from pathlib import Path

from decision_papers.errors import Failure, UsageError
from decision_papers.projects import display_path

try:
    import fcntl
except ImportError:  # not on Windows: builds there write unlocked
    fcntl = None

TEMP_PREFIX = ".decision-papers-"
"""Temporary files start with this, so a later build can sweep any left behind.

A temporary file is named ``.decision-papers-<name>.<pid>-<token>.tmp``: the
pid says which process owns it, so ``sweep`` can leave a live build's alone.
"""

_TEMP_OWNER = re.compile(r"\.(\d+)(?:-[0-9a-f]+)?\.tmp$")
"""The owner's pid in a temporary name (``.<pid>.tmp`` in names made before the token)."""

_PLAIN_WORDS = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "the operation is not permitted",
    errno.EISDIR: "it is a folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EIO: "input/output error",
}


def plain_reason(error: OSError) -> str:
    """An ``OSError`` in plain words, from its errno: ``no space left on device``."""
    if error.errno in _PLAIN_WORDS:
        return _PLAIN_WORDS[error.errno]
    text = os.strerror(error.errno) if error.errno else str(error)
    return text[:1].lower() + text[1:]


class WriteFailed(Failure):
    """A file could not be written; nothing of the set was changed."""

    rule = "write"

    def __init__(self, path: Path, error: OSError):
        self.path, self.error, self.reason = path, error, plain_reason(error)
        super().__init__(f"cannot write {display_path(path)}: {self.reason}")

    def problem(self, source=None):
        from decision_papers.problems import Place, Problem
        return Problem(f"{self}.", (Place(display_path(source)),), rule=self.rule)


_STOP = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def held_back():
    """Hold back Ctrl-C and SIGTERM while the block runs (where the system can); yields the
    signal mask from before.

    A stop asked for meanwhile comes as the block ends, so it never lands between a
    file's rename and the removal of what it replaced, nor between taking a lock and
    knowing it is ours: a stopped build leaves no temporary file and no lock.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield None
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP)
    try:
        yield before
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)  # one held back arrives now


def asked_to_stop() -> bool:
    """Whether Ctrl-C or SIGTERM is waiting, held back (``held_back``)."""
    return hasattr(signal, "sigpending") and bool(signal.sigpending() & _STOP)


def write_atomic(path: Path, data: bytes, private: bool = False) -> None:
    """Write ``data`` to ``path`` via a temporary file and an atomic rename."""
    write_together({path: data}, {path} if private else ())


def write_together(files: dict[Path, bytes], private=()) -> None:
    """Write every file or none: the old files stay as they were if any write fails.

    Every temporary file is written (and synced) first, then all are renamed
    over their targets; the files they replace are kept as hard links until
    the last rename, and put back if a rename fails.  Files follow the umask,
    except those in ``private``, which are owner-only (0600) whatever it is.
    Raises ``WriteFailed`` naming the file that could not be written.  Ctrl-C and
    SIGTERM wait until the set is written or put back (``held_back``).
    """
    with held_back():
        _write_together(files, private)


def _write_together(files: dict[Path, bytes], private) -> None:
    staged: list[tuple[Path, Path]] = []
    kept: dict[Path, Path | None] = {}
    done: list[Path] = []
    current = None
    try:
        for target, data in files.items():
            current = target
            if target.is_dir() and not target.is_symlink():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
            target.parent.mkdir(parents=True, exist_ok=True)
            _stage(target, data, target in private, staged)
        for tmp, target in staged:
            current = target
            kept[target] = _keep(target)
            os.replace(tmp, target)
            done.append(target)
    except BaseException as exc:
        for target in reversed(done):  # put back what was already renamed
            with contextlib.suppress(OSError):
                if kept[target] is None:
                    target.unlink()
                else:
                    os.replace(kept.pop(target), target)
        if isinstance(exc, OSError):
            raise WriteFailed(current, exc) from exc
        raise
    finally:
        for tmp in [tmp for tmp, _ in staged] + [k for k in kept.values() if k]:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _temporary(target: Path) -> Path:
    return target.parent / f"{TEMP_PREFIX}{target.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp"


def _stage(target: Path, data: bytes, private: bool, staged: list) -> None:
    """Write ``data`` to a new temporary file beside ``target``; record it in ``staged``.

    Where the system allows (Linux ``O_TMPFILE`` plus ``linkat``), the file has
    no name until it is complete, so even ``kill -9`` leaves nothing behind.
    Elsewhere it is a hidden named file: removed if the write fails or the
    build is stopped with SIGTERM or Ctrl-C, and swept by a later build if the
    process was killed outright.
    """
    tmp = _temporary(target)
    staged.append((tmp, target))
    mode = 0o600 if private else 0o666  # the umask applies to 0666, as for any new file
    if _write_anonymous(target.parent, tmp, data, mode, private):
        return
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC, mode)
    try:
        _fill(fd, data, private)
    finally:
        os.close(fd)


def _fill(fd: int, data: bytes, private: bool) -> None:
    """Write all of ``data`` with ``os.write``, set the mode, and sync."""
    if private:
        os.fchmod(fd, 0o600)
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        view = view[written:]
    os.fsync(fd)


def _keep(target: Path) -> Path | None:
    """A hard link (else a copy) to the file ``target`` names now; ``None`` if none."""
    if not os.path.lexists(target):
        return None
    keep = _temporary(target)
    try:
        os.link(target, keep, follow_symlinks=False)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO):
            raise
        shutil.copy2(target, keep, follow_symlinks=False)
    return keep


_ANONYMOUS_WORKS: bool | None = None
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_UNSUPPORTED = (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL)


def _write_anonymous(folder: Path, tmp: Path, data: bytes, mode: int, private: bool) -> bool:
    """Write ``data`` to an unnamed file, then name it ``tmp``; False if unsupported."""
    global _ANONYMOUS_WORKS
    flag = getattr(os, "O_TMPFILE", None)
    if _ANONYMOUS_WORKS is False or flag is None:
        return False
    try:
        fd = os.open(folder, flag | os.O_WRONLY | _CLOEXEC, mode)
    except OSError as exc:
        if exc.errno in _UNSUPPORTED:
            _ANONYMOUS_WORKS = False
        return False  # a named file will say what is wrong, if anything is
    try:
        _fill(fd, data, private)
        try:
            os.link(f"/proc/self/fd/{fd}", tmp, follow_symlinks=True)
        except OSError as exc:  # e.g. a sandbox that forbids linkat through /proc
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO):
                raise
            _ANONYMOUS_WORKS = False
            return False
    finally:
        os.close(fd)
    _ANONYMOUS_WORKS = True
    return True


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":  # another thread's build; on Windows,
        return True  # os.kill(pid, 0) would end the process, so every owner counts as alive
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, but belongs to someone else
        return True
    return True


def sweep(folder: Path | None) -> None:
    """Delete temporary files left in ``folder`` by builds whose process has gone.

    A live build's temporary files are never touched, and a folder that
    cannot be changed (read-only, say) is left as it is.
    """
    if folder is None or not folder.is_dir():
        return
    with contextlib.suppress(OSError):
        for leftover in folder.glob(f"{TEMP_PREFIX}*.tmp"):
            owner = _TEMP_OWNER.search(leftover.name)
            if owner and not _alive(int(owner.group(1))):
                with contextlib.suppress(OSError):
                    leftover.unlink()


LOCK_NAME = ".lock"
"""The lock file ``locked`` holds in the output folder while a build writes there."""

LOCK_TIMEOUT = 120.0
"""Seconds to wait for another build's lock before giving up."""


class Busy(UsageError):
    """Another build held the folder's lock for longer than ``LOCK_TIMEOUT``."""


@contextlib.contextmanager
def locked(folder: Path):
    """Hold an exclusive lock on ``folder`` (``<folder>/.lock``) while the block runs.

    Waits up to ``LOCK_TIMEOUT`` seconds for another build, then raises
    ``Busy``.  The lock file is removed when the lock is released, so the
    folder holds only outputs; a waiting build then sees that the file it
    locked has gone and locks the new one.  Where no lock file can be made
    (a read-only folder, say), the block runs unlocked: nothing can be
    written there, and the writes say why.
    """
    path, fd = folder / LOCK_NAME, None
    try:
        with held_back():  # a stop comes once the lock is known to be ours, so it is let go
            fd = _acquire(path, time.monotonic() + LOCK_TIMEOUT) if fcntl else None
        yield
    finally:
        if fd is not None:
            with held_back():
                with contextlib.suppress(OSError):
                    path.unlink()  # while still holding it
                os.close(fd)


def _acquire(path: Path, deadline: float) -> int | None:
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | _CLOEXEC, 0o666)
        except OSError:
            return None
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if asked_to_stop():  # waiting: stop now, with nothing taken
                        os.close(fd)
                        return None
                    if time.monotonic() >= deadline:
                        raise Busy(
                            f"another build has been writing to {display_path(path.parent)} "
                            f"for {LOCK_TIMEOUT:g} seconds (it holds {display_path(path)}); "
                            "try again when it has finished.") from None
                    time.sleep(0.02)
            try:
                if os.path.samestat(os.fstat(fd), os.stat(path)):
                    return fd
            except FileNotFoundError:
                pass  # the build before us has finished and removed it: lock the next one
        except OSError:  # flock unsupported here (some network file systems): go unlocked
            os.close(fd)
            return None
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
