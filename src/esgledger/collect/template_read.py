"""Reading a returned template workbook: every check that needs only the file and the catalog.

:func:`read_template` returns the datapoints of a workbook together with every problem found,
each naming ``file!Sheet!Cell``: the file itself (:mod:`esgledger.collect.xlsx_guard`), the
hidden identity (template version, layout checksum), the structure (sheets added, hidden or
missing; rows or columns inserted, moved or merged) and each input cell
(:mod:`esgledger.collect.template_cells`). Nothing here writes to the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from esgledger.collect.template_cells import read_number, read_text
from esgledger.collect.template_layout import (
    COL_COMMENT,
    COL_ID,
    COL_UNIT,
    COL_VALUE,
    HEADER_ROW,
    HEADERS,
    IDENTITY_CELLS,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    META_SHEET,
    TEMPLATE_VERSION,
    TemplateLayout,
    TemplateRow,
)
from esgledger.collect.xlsx_guard import check_file
from esgledger.core.catalog import Catalog
from esgledger.core.model import Datapoint, Kind, Quantity, Status, new_provenance
from esgledger.core.problems import Problem
from esgledger.core.units import is_known_unit, same_dimension


@dataclass
class TemplateData:
    """What a returned template holds.

    Attributes:
        file: file name.
        layout: the template's layout, when its hidden identity could be read.
        datapoints: one per filled value cell.
        problems: everything wrong, each naming file, sheet and cell.
        blanks: metric ids whose value cell was left empty.
    """

    file: str
    layout: TemplateLayout | None = None
    datapoints: list[Datapoint] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    blanks: list[str] = field(default_factory=list)

    def fail(self, message: str, sheet: str | None = None, cell: str | None = None) -> None:
        """Add a problem at ``file!sheet!cell``."""
        location = "!".join(part for part in (self.file, sheet, cell) if part)
        self.problems.append(Problem(location=location, message=message, check="template-import"))


def read_template(path: Path, catalog: Catalog, *, user: str) -> TemplateData:
    """Validate a returned template (file, identity, structure, cells) and read its values."""
    data = TemplateData(file=path.name)
    data.problems = check_file(path)
    if data.problems:
        return data
    try:
        book = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        data.fail(f"not a readable XLSX workbook ({exc.__class__.__name__}: {exc})")
        return data
    data.layout = _identity(book, data)
    if data.layout is None:
        return data
    _structure(book, data.layout, data)
    if not data.problems:
        for row in data.layout.rows:
            _read_row(book[row.sheet], row, data, catalog, user)
    return data


def _meta(book: Workbook) -> dict[str, Any]:
    sheet = book[META_SHEET]
    return {
        str(key): value
        for key, value in sheet.iter_rows(min_col=1, max_col=2, values_only=True)
        if key is not None
    }


def _identity(book: Workbook, data: TemplateData) -> TemplateLayout | None:
    if META_SHEET not in book.sheetnames:
        data.fail(
            "not an esgledger template (its hidden identity sheet is missing); "
            "fill in a template made by `esgledger collect templates`"
        )
        return None
    meta = _meta(book)
    version = meta.get("template_version")
    if version != TEMPLATE_VERSION:
        data.fail(
            f"made with template version {version}; this esgledger reads version "
            f"{TEMPLATE_VERSION} only: copy the values into a new template"
        )
        return None
    try:
        layout = TemplateLayout.from_json(str(meta.get("layout")))
    except (ValueError, KeyError, TypeError):
        data.fail("the template's hidden layout is damaged; use a new template")
        return None
    if layout.checksum != meta.get("layout_checksum"):
        data.fail("the template's hidden layout was altered (checksum mismatch)")
        return None
    return layout


def _structure(book: Workbook, layout: TemplateLayout, data: TemplateData) -> None:
    allowed = {*layout.sheets, INSTRUCTIONS_SHEET, LISTS_SHEET, META_SHEET}
    for ws in book.worksheets:
        if ws.title not in allowed:
            data.fail(f"unexpected sheet {ws.title!r}: sheets may not be added", ws.title)
        elif ws.title not in (LISTS_SHEET, META_SHEET) and ws.sheet_state != "visible":
            data.fail(f"sheet {ws.title!r} is hidden; unhide it or use a new template", ws.title)
    for title in layout.sheets:
        if title not in book.sheetnames:
            data.fail(f"sheet {title!r} is missing (renamed or deleted)", title)
            continue
        _sheet_structure(book[title], layout, data)


def _sheet_structure(ws: Worksheet, layout: TemplateLayout, data: TemplateData) -> None:
    for merged in ws.merged_cells.ranges:
        data.fail("merged cells are not allowed in a template", ws.title, str(merged))
    for key, cell in IDENTITY_CELLS.items():
        expected = getattr(layout, key) or ""
        found = read_text(ws[cell].value) or ""
        if found != expected:
            data.fail(
                f"this sheet is for {key} {found!r}, the workbook for {expected!r} "
                "(sheets copied between templates, or rows inserted above)",
                ws.title,
                cell,
            )
    headings = tuple(read_text(ws.cell(row=HEADER_ROW, column=i + 1).value) for i in range(7))
    if headings != HEADERS or ws.cell(row=HEADER_ROW, column=8).value is not None:
        data.fail(
            "the column headings changed: columns were inserted, deleted or moved",
            ws.title,
            f"A{HEADER_ROW}:H{HEADER_ROW}",
        )
        return
    rows = [r for r in layout.rows if r.sheet == ws.title]
    for row in rows:
        found = read_text(ws[row.cell(COL_ID)].value)
        if found != row.metric:
            data.fail(
                f"expected metric {row.metric!r} here, found {found!r}: rows were inserted, "
                "deleted or moved",
                ws.title,
                row.cell(COL_ID),
            )
    last = max(r.row for r in rows)
    for extra in ws.iter_rows(min_row=last + 1, max_col=8):
        for cell in extra:
            if cell.value is not None:
                data.fail("unexpected content below the template's rows", ws.title, cell.coordinate)
                return


def _read_row(
    ws: Worksheet, row: TemplateRow, data: TemplateData, catalog: Catalog, user: str
) -> None:
    assert data.layout is not None
    value = read_number(ws[row.cell(COL_VALUE)].value)
    if value is None:
        data.blanks.append(row.metric)
        return
    if isinstance(value, str):
        data.fail(value, ws.title, row.cell(COL_VALUE))
        return
    unit = read_text(ws[row.cell(COL_UNIT)].value)
    problem = _unit_problem(unit, row, catalog)
    if problem:
        data.fail(problem, ws.title, row.cell(COL_UNIT))
        return
    assert unit is not None
    data.datapoints.append(
        Datapoint(
            entity=data.layout.entity,
            period=data.layout.period,
            metric=row.metric,
            quantity=Quantity(value=value, unit=unit),
            kind=Kind.REPORTED,
            status=Status.SUBMITTED,
            comment=read_text(ws[row.cell(COL_COMMENT)].value),
            provenance=new_provenance(
                "template",
                file=data.file,
                sheet=ws.title,
                cell=row.cell(COL_VALUE),
                field="value",
                user=user,
            ),
        )
    )


def _unit_problem(unit: str | None, row: TemplateRow, catalog: Catalog) -> str | None:
    if unit is None:
        return "a value needs a unit; choose one from the list"
    if unit in row.units:
        return None
    metric = catalog.get(row.metric)
    if not is_known_unit(unit):
        return f"unknown unit {unit!r}; choose one of {', '.join(row.units)}"
    if not same_dimension(unit, metric.unit):
        return (
            f"{unit!r} is not a unit of {metric.dimension} ({metric.name} is measured in "
            f"{metric.unit}); choose one of {', '.join(row.units)}"
        )
    return None
