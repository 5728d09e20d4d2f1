"""Last step: write outputs so that they are reproducible and never half-made.

A DOCX is a zip, and zip entries carry timestamps; python-docx stamps the
current time.  ``normalise_docx`` rewrites the archive with a fixed time and
a fixed entry order.  ``write_atomic`` writes to a temporary file in the same
folder and renames it over the target, so a killed build leaves either the
old file or the new one, never a partial file.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""The earliest time a zip entry can hold; the same on every build."""


def normalise_docx(data: bytes) -> bytes:
    """Re-pack a DOCX with fixed timestamps, attributes and entry order."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for name in names:
                info = zipfile.ZipInfo(name, ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 3
                dst.writestr(info, src.read(name), compresslevel=6)
    return out.getvalue()


TEMP_PREFIX = ".decision-papers-"
"""Temporary files start with this, so a later build can sweep any left behind."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and an atomic rename.

    Where the system allows (Linux ``O_TMPFILE`` plus ``linkat``), the
    temporary file has no name until it is complete, so even ``kill -9``
    leaves nothing behind.  Elsewhere it is a hidden named file: removed if
    the write fails or the build is stopped with SIGTERM or Ctrl-C, and swept
    by the next build if the process was killed outright.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f"{TEMP_PREFIX}{path.name}.{os.getpid()}.tmp"
    try:
        if not _write_anonymous(path.parent, tmp, data):
            with open(tmp, "xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_ANONYMOUS_WORKS: bool | None = None


def _write_anonymous(folder: Path, tmp: Path, data: bytes) -> bool:
    """Write ``data`` to an unnamed file, then name it ``tmp``; False if unsupported."""
    global _ANONYMOUS_WORKS
    flag = getattr(os, "O_TMPFILE", None)
    if _ANONYMOUS_WORKS is False or flag is None:
        return False
    try:
        fd = os.open(folder, flag | os.O_WRONLY, 0o644)
    except OSError:
        _ANONYMOUS_WORKS = False
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
        try:
            os.link(f"/proc/self/fd/{handle.fileno()}", tmp, follow_symlinks=True)
        except OSError:  # e.g. a sandbox that forbids linkat through /proc
            _ANONYMOUS_WORKS = False
            return False
    _ANONYMOUS_WORKS = True
    return True


def sweep(folder: Path) -> None:
    """Delete temporary files an interrupted build left in ``folder``."""
    if folder.is_dir():
        for leftover in folder.glob(f"{TEMP_PREFIX}*.tmp"):
            leftover.unlink(missing_ok=True)
