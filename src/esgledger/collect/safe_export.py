"""Exports that cannot run formulas: neutralising formula injection in CSV and XLSX cells.

A text cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is read
by spreadsheet programs as a formula (OWASP, "CSV Injection"). Every text esgledger writes
into a spreadsheet from users' data goes through :func:`neutralise`, which prefixes such text
with an apostrophe; numbers stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` unchanged, unless it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A CSV file whose text cells are neutralised."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise(h) for h in header])
        for row in rows:
            writer.writerow([neutralise(v) for v in row])
