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
import tempfile
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


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
