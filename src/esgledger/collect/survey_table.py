"""Reading a table (a CSV file or a worksheet of an XLSX workbook) with cell locations.

Survey tools export one header row and one row per respondent or answer. Each cell keeps
where it came from so that problems can name it: ``survey.csv:7`` (line) or
``survey.xlsx!Responses!F7`` (cell). Values are returned as trimmed text ('' for blanks).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from esgledger.core.problems import Problem

EXCEL_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True, kw_only=True)
class TableRow:
    """A data row.

    Attributes:
        number: the row's line (CSV) or row number (worksheet), 1-based.
        values: header -> trimmed cell text.
    """

    number: int
    values: dict[str, str]


@dataclass(frozen=True, kw_only=True)
class Table:
    """A table read from a file.

    Attributes:
        file: the file name, as printed in problems.
        sheet: the worksheet name (None for CSV).
        headers: the column headers, in order.
        rows: the data rows that are not entirely blank.
    """

    file: str
    sheet: str | None
    headers: tuple[str, ...]
    rows: tuple[TableRow, ...]

    def where(self, row: int, header: str | None = None) -> str:
        """``file:row`` for CSV, ``file!Sheet!C7`` (or ``file!Sheet!7``) for worksheets."""
        if self.sheet is None:
            return f"{self.file}:{row}"
        if header is None or header not in self.headers:
            return f"{self.file}!{self.sheet}!{row}"
        return f"{self.file}!{self.sheet}!{get_column_letter(self.headers.index(header) + 1)}{row}"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(file: str, sheet: str | None, grid: list[list[str]]) -> Table | list[Problem]:
    if not grid or not any(grid[0]):
        where = f"{file}!{sheet}!1" if sheet else f"{file}:1"
        return [Problem(location=where, message="no header row: the file is empty", check="survey")]
    headers = tuple(grid[0])
    seen = [h for i, h in enumerate(headers) if h and h in headers[:i]]
    if seen:
        where = f"{file}!{sheet}!1" if sheet else f"{file}:1"
        return [
            Problem(location=where, message=f"column {seen[0]!r} appears twice", check="survey")
        ]
    rows = tuple(
        TableRow(number=i + 2, values=dict(zip(headers, cells + [""] * len(headers), strict=False)))
        for i, cells in enumerate(grid[1:])
        if any(cells)
    )
    return Table(file=file, sheet=sheet, headers=headers, rows=rows)


def read_table(path: Path, sheet: str | None = None) -> Table | list[Problem]:
    """The table in a CSV file or in a worksheet (the first one unless ``sheet`` is given)."""
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _read_worksheet(path, sheet)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(location=path.name, message=f"cannot read: {exc}", check="survey")]
    grid = [[_text(c) for c in row] for row in csv.reader(text.splitlines())]
    return _table(path.name, None, grid)


def _read_worksheet(path: Path, sheet: str | None) -> Table | list[Problem]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for damaged files
        return [
            Problem(location=path.name, message=f"not a readable workbook: {exc}", check="survey")
        ]
    try:
        if sheet is not None and sheet not in book.sheetnames:
            names = ", ".join(book.sheetnames)
            message = f"no worksheet {sheet!r} (sheets: {names})"
            return [Problem(location=path.name, message=message, check="survey")]
        worksheet = book[sheet] if sheet else book.worksheets[0]
        grid = [[_text(c) for c in row] for row in worksheet.iter_rows(values_only=True)]
        return _table(path.name, worksheet.title, grid)
    finally:
        book.close()
