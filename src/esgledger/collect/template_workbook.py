"""Writing a template workbook with openpyxl (see :mod:`esgledger.collect.templates`)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from esgledger.collect.safe_export import neutralise
from esgledger.collect.template_layout import (
    COL_COMMENT,
    COL_ID,
    COL_NAME,
    COL_PRIOR,
    COL_PRIOR_UNIT,
    COL_UNIT,
    COL_VALUE,
    HEADER_ROW,
    HEADERS,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    META_SHEET,
    TemplateLayout,
    TemplateRow,
)
from esgledger.core.catalog import Catalog
from esgledger.core.model import Datapoint, Period

INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
HEADER_FONT = Font(bold=True)
# Sheet protection guards the structure against accidents; it is not a security boundary:
# the import checks the layout cell by cell whatever the workbook claims.
PROTECTION_PASSWORD = "esgledger"

INSTRUCTIONS = (
    "Enter each figure in the yellow Value column as a number (no thousands separators, '.' "
    "as decimal point, no formulas), pick its unit from the drop-down, and add a comment "
    "where the value needs one (source document, estimate, change against last year).",
    "Leave a value empty when you have no figure; say why in the comment.",
    "Do not insert, delete, move or merge rows, columns or sheets: the import reads each "
    "cell by its position and refuses a workbook whose layout changed.",
    "Return the file as it is (XLSX). Changes to figures already approved need a reason.",
    "A change of more than 30% against last period must be explained before approval: use "
    "the comment column.",
)


def write_workbook(
    path: Path,
    layout: TemplateLayout,
    catalog: Catalog,
    entity_name: str,
    prior: Period | None,
    previous: dict[str, Datapoint | None],
) -> None:
    """Write the template of ``layout`` to ``path``."""
    book = Workbook()
    instructions = book.active
    assert instructions is not None
    instructions.title = INSTRUCTIONS_SHEET
    _instructions(instructions, layout, entity_name, prior)
    lists = book.create_sheet(LISTS_SHEET)
    for sheet in layout.sheets:
        ws = book.create_sheet(sheet)
        _identity(ws, layout, entity_name)
        for row in (r for r in layout.rows if r.sheet == sheet):
            _metric_row(ws, lists, row, catalog, previous.get(row.metric))
        _protect(ws)
    lists.sheet_state = "veryHidden"
    _meta(book.create_sheet(META_SHEET), layout)
    book.security = WorkbookProtection(workbookPassword=PROTECTION_PASSWORD, lockStructure=True)
    book.save(path)


def _instructions(
    ws: Worksheet, layout: TemplateLayout, entity_name: str, prior: Period | None
) -> None:
    ws["A1"] = f"ESG data request: {entity_name} ({layout.entity}), period {layout.period}"
    ws["A1"].font = Font(bold=True, size=14)
    if layout.department:
        ws["A2"] = f"Department: {layout.department}"
    ws["A3"] = f"Last period shown for comparison: {prior.code if prior else 'none'}"
    for number, text in enumerate(INSTRUCTIONS, start=5):
        ws.cell(row=number, column=1, value=f"{number - 4}. {text}")
        ws.cell(row=number, column=1).alignment = Alignment(wrap_text=True)
    ws.column_dimensions["A"].width = 110
    ws.protection.sheet = True
    ws.protection.password = PROTECTION_PASSWORD


def _identity(ws: Worksheet, layout: TemplateLayout, entity_name: str) -> None:
    ws["A1"], ws["B1"], ws["C1"] = "Entity", layout.entity, entity_name
    ws["A2"], ws["B2"] = "Period", layout.period
    ws["A3"], ws["B3"] = "Department", layout.department or ""
    for column, heading in zip("ABCDEFG", HEADERS, strict=True):
        ws[f"{column}{HEADER_ROW}"] = heading
        ws[f"{column}{HEADER_ROW}"].font = HEADER_FONT
    for column, width in zip("ABCDEFG", (26, 48, 16, 14, 16, 14, 40), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = f"A{HEADER_ROW + 1}"


def _metric_row(
    ws: Worksheet, lists: Worksheet, row: TemplateRow, catalog: Catalog, last: Datapoint | None
) -> None:
    metric = catalog.get(row.metric)
    ws[row.cell(COL_ID)] = row.metric
    ws[row.cell(COL_NAME)] = neutralise(metric.name)
    ws[row.cell(COL_UNIT)] = row.units[0]
    if last is not None:
        ws[row.cell(COL_PRIOR)] = last.quantity.value
        ws[row.cell(COL_PRIOR_UNIT)] = last.quantity.unit
    for column in (COL_VALUE, COL_UNIT, COL_COMMENT):
        ws[row.cell(column)].protection = Protection(locked=False)
        ws[row.cell(column)].fill = INPUT_FILL
    number = DataValidation(
        type="decimal",
        operator="between",
        formula1="-1E+15",
        formula2="1E+15",
        showErrorMessage=True,
        errorTitle="Not a number",
        error="Enter a number (no text, no thousands separators).",
    )
    number.add(row.cell(COL_VALUE))
    ws.add_data_validation(number)
    list_row = lists.max_row + 1 if lists.max_row > 1 or lists["A1"].value else 1
    for index, unit in enumerate(row.units, start=1):
        lists.cell(row=list_row, column=index, value=unit)
    last_column = lists.cell(row=list_row, column=len(row.units)).column_letter
    units = DataValidation(
        type="list",
        formula1=f"'{lists.title}'!$A${list_row}:${last_column}${list_row}",
        showErrorMessage=True,
        errorTitle="Unit",
        error=f"Choose a unit of {metric.dimension} from the list.",
    )
    units.add(row.cell(COL_UNIT))
    ws.add_data_validation(units)


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    ws.protection.password = PROTECTION_PASSWORD
    ws.protection.formatColumns = False  # allow widening columns


def _meta(ws: Worksheet, layout: TemplateLayout) -> None:
    values = {
        "entity": layout.entity,
        "period": layout.period,
        "department": layout.department or "",
        "template_version": layout.version,
        "layout_checksum": layout.checksum,
        "layout": layout.as_json(),
    }
    for number, (key, value) in enumerate(values.items(), start=1):
        ws.cell(row=number, column=1, value=key)
        ws.cell(row=number, column=2, value=value)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
    ws.protection.password = PROTECTION_PASSWORD
