"""The error report workbook: the returned template with its bad cells highlighted.

Each cell named by a problem is filled red and carries the message as a cell comment; a first
sheet ``Errors`` lists every problem (``file!Sheet!Cell``, message). When the file could not
be opened as a workbook, the report holds the ``Errors`` sheet only. Texts are neutralised
against formula injection.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.workbook import Workbook

from esgledger.collect.safe_export import neutralise
from esgledger.core.problems import Problem

BAD_FILL = PatternFill("solid", fgColor="FFC7CE")


def report_path(source: Path, folder: Path | None = None) -> Path:
    """``lanzhou-2020.errors.xlsx`` next to the file (or in ``folder``)."""
    return (folder or source.parent) / f"{source.stem}.errors.xlsx"


def write_error_report(source: Path, problems: list[Problem], target: Path) -> Path:
    """Write the error report of ``source`` to ``target``."""
    book = _open_copy(source)
    for problem in problems:
        _highlight(book, problem)
    sheet = book.create_sheet("Errors", 0)
    sheet.append(["Location", "Problem"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for problem in problems:
        sheet.append([neutralise(problem.location), neutralise(problem.message)])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 120
    book.active = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def _open_copy(source: Path) -> Workbook:
    from esgledger.collect.xlsx_guard import check_file

    if not check_file(source):
        try:
            book = openpyxl.load_workbook(source)
            book.security = None  # the report adds a sheet
            return book
        except Exception:  # an unreadable workbook gets a report of its own
            pass
    book = Workbook()
    book.remove(book.worksheets[0])
    return book


def _highlight(book: Workbook, problem: Problem) -> None:
    parts = problem.location.split("!")
    if len(parts) != 3 or parts[1] not in book.sheetnames:
        return
    sheet = book[parts[1]]
    for reference in parts[2].split(":")[:1]:
        try:
            cell = sheet[reference]
        except (ValueError, KeyError):
            return
        cell.fill = BAD_FILL
        cell.comment = Comment(problem.message, "esgledger")
