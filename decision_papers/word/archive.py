"""The zip layer of a DOCX: written the same every time, read only within limits.

A DOCX is a zip, and zip entries carry timestamps; python-docx stamps the
current time.  ``normalise_docx`` rewrites the archive with a fixed time and
a fixed entry order, so the same paper is the same bytes.  ``check_archive``
refuses a zip bomb from the archive's directory, before anything in it is
expanded.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from decision_papers.errors import Failure
from decision_papers.problems import printable

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""The earliest time a zip entry can hold; the same on every build."""


def normalise_docx(data: bytes, comment: bytes = b"") -> bytes:
    """Re-pack a DOCX with fixed timestamps, attributes and entry order.

    ``comment`` is the zip archive's comment, which Word ignores; ``diff
    --redline`` marks its documents with one (see ``zip_comment``).
    """
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            dst.comment = comment
            for name in names:
                info = zipfile.ZipInfo(name, ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 3
                dst.writestr(info, src.read(name), compresslevel=6)
    return out.getvalue()


REDLINE_COMMENT = b"decision-papers diff --redline"
"""The zip comment that marks a redline ``diff --redline`` wrote, so it may overwrite it."""


def zip_comment(path: Path) -> bytes | None:
    """The archive comment of the zip file at ``path``; ``None`` if it is not one."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.comment
    except (OSError, zipfile.BadZipFile, ValueError):
        return None


MAX_TOTAL = 32 * 1024 * 1024
"""Most bytes a DOCX's parts may expand to, all together.  The largest paper a
source can make (2 MB, 17,000 paragraphs) expands to about 8 MB."""

MAX_RATIO = 500
"""Most times one part may expand (once over ``RATIO_FLOOR``).  Real papers' parts
expand under 70 times, and 230 for 17,000 identical paragraphs; deflate's
ceiling, a zip bomb's, is about 1,030."""

RATIO_FLOOR = 1024 * 1024
"""Parts smaller than this expanded are never refused for their ratio."""

MAX_PARTS = 1000
"""Most parts (zip members) a DOCX may have; a paper has 13."""


class Refused(Failure, ValueError):
    """The file is refused before anything in it is expanded; the message says why."""

    rule = "source"


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb from its directory alone, before any part is expanded.

    The sizes checked are the ones the directory declares, and ``zipfile``
    never expands a part beyond its declared size (it stops there and then
    fails the CRC check), so they bound what reading can cost.
    """
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise Refused(f"it has {len(infos):,} parts; a Word paper has at most {MAX_PARTS:,}.")
    for info in infos:
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise Refused(
                f"{printable(info.filename)} would expand from {info.compress_size:,} to "
                f"{info.file_size:,} bytes ({ratio:,} times); a Word paper's parts expand at "
                f"most {MAX_RATIO} times, so this looks like a zip bomb.")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL:
        raise Refused(f"its parts would expand to {total:,} bytes, more than the "
                      f"{MAX_TOTAL:,} a Word paper can need, so this looks like a zip bomb.")
