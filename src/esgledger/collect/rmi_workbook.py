"""Opening a supplier's RMI workbook: file checks, sheet finding, template and revision.

Workbooks are read with calamine (cached cell values only, no formulas), which is fast enough to
read thousands of supplier files. Every problem names the file, sheet and cell.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from esgledger.collect.cmrt_layout import LAYOUTS, REVISION, Layout
from esgledger.core.problems import Problem, Severity

IMPORTER = "cmrt"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
VERIFIED_REVISIONS = {"CMRT": ("6.4", "6.5"), "EMRT": ("2.1",)}
_CELL = re.compile(r"^([A-Z]+)(\d+)$")


def cell_position(cell: str) -> tuple[int, int]:
    """Zero-based (row, column) of an A1 reference such as ``D26``."""
    match = _CELL.match(cell)
    if match is None:
        raise ValueError(f"not a cell reference: {cell}")
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)) - 1, column - 1


@dataclass(frozen=True, kw_only=True)
class Sheet:
    """The cached values of one worksheet.

    Attributes:
        name: the sheet's name in the file (may differ from the template's after a rename).
        rows: cell values from A1, row by row (``""`` for empty cells).
    """

    name: str
    rows: list[list[Any]]

    def value(self, cell: str) -> Any:
        """The cached value of a cell; ``None`` when empty."""
        row, column = cell_position(cell)
        return self.at(row + 1, column + 1)

    def at(self, row: int, column: int) -> Any:
        """The value at a 1-based row and column; ``None`` when empty."""
        if row > len(self.rows) or column > len(self.rows[row - 1]):
            return None
        value = self.rows[row - 1][column - 1]
        return None if value == "" else value


@dataclass(frozen=True, kw_only=True)
class Workbook:
    """A supplier workbook opened for reading.

    Attributes:
        file: the file name used in problem locations.
        layout: the template's cell map (CMRT or EMRT).
        revision: the template revision, e.g. ``6.5``.
        sheets: template sheet name -> sheet (``Declaration``, ``Smelter List``...).
    """

    file: str
    layout: Layout
    revision: str
    sheets: dict[str, Sheet]

    def where(self, sheet: str, cell: str = "") -> str:
        """``file!Sheet!D8`` - the location of a cell, under the sheet's name in the file."""
        name = self.sheets[sheet].name if sheet in self.sheets else sheet
        return f"{self.file}!{name}!{cell}".rstrip("!")


def open_workbook(path: Path) -> tuple[Workbook | None, list[Problem]]:
    """Open a CMRT or EMRT file; ``None`` (and the reasons) when it cannot be read at all."""
    name = path.name
    refusal = _refuse_file(path)
    if refusal:
        return None, [_problem(name, refusal)]
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several untyped errors for broken files
        return None, [_problem(name, f"cannot be read as an Excel workbook ({exc})")]
    problems: list[Problem] = []
    names = _template_sheets(book, name, problems)
    if "Declaration" not in names or "Smelter List" not in names:
        missing = [s for s in ("Declaration", "Smelter List") if s not in names]
        sheets = ", ".join(book.sheet_names)
        message = f"no {' or '.join(repr(m) for m in missing)} sheet (sheets: {sheets})"
        return None, [*problems, _problem(name, f"{message}; not an RMI CMRT/EMRT workbook")]
    sheets = {key: _load(book, sheet) for key, sheet in names.items()}
    layout, revision, version_problems = _version(name, book, sheets)
    problems.extend(version_problems)
    if layout is None:
        return None, problems
    return Workbook(file=name, layout=layout, revision=revision, sheets=sheets), problems


def _problem(location: str, message: str, severity: Severity = Severity.ERROR) -> Problem:
    return Problem(location=location, message=message, severity=severity, check=IMPORTER)


def _refuse_file(path: Path) -> str | None:
    if not path.is_file():
        return "no such file"
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_SIGNATURE:
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data:
            return (
                "the workbook is password-protected (encrypted); ask the supplier for a copy "
                "without a password to open"
            )
        return "an old binary .xls workbook; ask for the RMI template saved as .xlsx"
    if not zipfile.is_zipfile(path):
        return "not an Excel workbook (.xlsx); ask for the RMI template as .xlsx"
    return None


def _template_sheets(book: CalamineWorkbook, file: str, problems: list[Problem]) -> dict[str, str]:
    """Template sheet name -> sheet name in the file, finding renamed and hidden sheets."""
    by_key = {" ".join(n.split()).casefold(): n for n in book.sheet_names}
    found: dict[str, str] = {}
    for wanted in ("Declaration", "Smelter List", "Checker", "Product List", "Mine List"):
        actual = by_key.get(wanted.casefold()) or _by_content(book, wanted, found)
        if actual is None:
            continue
        found[wanted] = actual
        if actual != wanted:
            problems.append(
                _problem(
                    f"{file}!{actual}",
                    f"sheet {wanted!r} was renamed to {actual!r}; read by its position in the "
                    "template",
                    Severity.WARNING,
                )
            )
    hidden = {m.name for m in book.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
    for wanted, actual in found.items():
        if actual in hidden:
            problems.append(
                _problem(
                    f"{file}!{actual}",
                    f"sheet {wanted!r} is hidden; its contents were read all the same",
                    Severity.WARNING,
                )
            )
    return found


def _by_content(book: CalamineWorkbook, wanted: str, found: dict[str, str]) -> str | None:
    """A renamed Declaration (revision in J3) or Smelter List (revision in Q3)."""
    marker = {"Declaration": "J3", "Smelter List": "Q3"}.get(wanted)
    if marker is None:
        return None
    taken = set(found.values())
    for name in book.sheet_names:
        if name in taken:
            continue
        if REVISION.search(str(_load(book, name, rows=3).value(marker) or "")):
            if wanted == "Smelter List" and name == found.get("Declaration"):
                continue
            return name
    return None


def _load(book: CalamineWorkbook, name: str, rows: int | None = None) -> Sheet:
    values = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=rows)
    return Sheet(name=name, rows=values)


def _version(
    file: str, book: CalamineWorkbook, sheets: dict[str, Sheet]
) -> tuple[Layout | None, str, list[Problem]]:
    declaration = sheets["Declaration"]
    text = str(declaration.value("J3") or sheets["Smelter List"].value("Q3") or "")
    match = REVISION.search(text)
    where = f"{file}!{declaration.name}!J3"
    if match is None:
        return None, "", [_problem(where, "no template revision found; not an RMI template")]
    major, minor = match.groups()
    revision = f"{int(major)}.{minor}"
    title = str(declaration.value("D2") or "")
    is_emrt = "Mine List" in sheets or "EMRT" in title.upper()
    layout = LAYOUTS["EMRT" if is_emrt else "CMRT"]
    if int(major) != layout.major:
        message = (
            f"{layout.template} revision {revision} is not supported: esgledger reads "
            f"{layout.template} {layout.major}.x; ask the supplier to fill in revision "
            f"{layout.current}"
        )
        return None, revision, [_problem(where, message)]
    if revision in VERIFIED_REVISIONS[layout.template]:
        return layout, revision, []
    older = Decimal(revision) < Decimal(layout.current)
    age = "outdated" if older else "newer than esgledger knows"
    message = (
        f"{layout.template} revision {revision} is {age} (current: {layout.current}); read "
        f"with the {layout.current} layout - check the answers and ask for {layout.current} "
        "next time"
    )
    return layout, revision, [_problem(where, message, Severity.WARNING)]
