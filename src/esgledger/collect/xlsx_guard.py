"""Checks made on a workbook file before any spreadsheet library opens it.

An empty file, a file that is not a ZIP container (corrupt, or CSV/XLS renamed), a file
larger than :data:`MAX_FILE_BYTES`, or a ZIP whose members would expand beyond
:data:`MAX_UNCOMPRESSED_BYTES` or by more than :data:`MAX_RATIO` times (a "zip bomb") is
refused with a problem naming the file; the sizes come from the ZIP directory, so nothing
is decompressed to find out.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from esgledger.core.problems import Problem

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200
REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")


def _problem(path: Path, message: str) -> list[Problem]:
    return [Problem(location=path.name, message=message, check="template-import")]


def check_file(
    path: Path,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
) -> list[Problem]:
    """Problems that make ``path`` unsafe or impossible to open as an XLSX workbook."""
    if not path.is_file():
        return _problem(path, "no such file")
    size = path.stat().st_size
    if size == 0:
        return _problem(path, "the file is empty")
    if size > max_bytes:
        return _problem(path, f"the file has {size:,} bytes; the limit is {max_bytes:,}")
    if not zipfile.is_zipfile(path):
        return _problem(path, "not an XLSX workbook (corrupt, or another format such as XLS/CSV)")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        return _problem(path, f"not a readable XLSX workbook: {exc}")
    return _check_members(path, members, max_uncompressed)


def _check_members(
    path: Path, members: list[zipfile.ZipInfo], max_uncompressed: int
) -> list[Problem]:
    names = {m.filename for m in members}
    missing = [name for name in REQUIRED_MEMBERS if name not in names]
    if missing:
        return _problem(path, f"not an XLSX workbook (no {', '.join(missing)} inside)")
    total = sum(m.file_size for m in members)
    if total > max_uncompressed:
        return _problem(
            path,
            f"the workbook would expand to {total:,} bytes (limit {max_uncompressed:,}); "
            "refused as a possible zip bomb",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > MAX_RATIO:
            return _problem(
                path,
                f"{member.filename} is compressed {ratio:,.0f}:1; refused as a possible zip bomb",
            )
    return []
