"""Writing a declaration into a copy of the official RMI template (CMRT 6.x or EMRT 2.x).

The company's own roll-up declaration goes to customers on the template they expect, so it is
written into a copy of the blank template the user has from RMI (esgledger does not ship RMI's
workbooks). Answers go to the same cells the importer reads; smelters are written as values over
the look-up formulas (the template's "Option B"), so the file reads the same in Excel, in
LibreOffice and in programs that do not recalculate. Excel recalculates the Checker on opening.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl

from esgledger.collect.cmrt_layout import LAYOUTS, NOT_LISTED, REVISION, Layout
from esgledger.errors import EsgLedgerError

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from esgledger.collect.cmrt import Declaration


class TemplateError(ValueError, EsgLedgerError):
    """The file given as template is not a blank RMI CMRT/EMRT workbook we can write into."""


def write_declaration(template: Path, declaration: Declaration, out: Path) -> Path:
    """Copy ``template`` to ``out`` and fill in ``declaration``; returns ``out``."""
    workbook = _open_template(template, declaration.template)
    layout = LAYOUTS[declaration.template]
    sheet = workbook["Declaration"]
    sheet["D3"] = "English"
    _company(sheet, layout, declaration)
    _answers(sheet, layout, declaration)
    _smelters(workbook["Smelter List"], layout, declaration)
    _products(workbook["Product List"], layout, declaration)
    workbook.calculation.fullCalcOnLoad = True
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    workbook.save(partial)
    shutil.move(partial, out)
    return out


def _open_template(template: Path, kind: str) -> Any:
    try:
        workbook = openpyxl.load_workbook(template)
    except Exception as exc:
        raise TemplateError(f"{template}: not a readable .xlsx workbook ({exc})") from exc
    if "Declaration" not in workbook.sheetnames or "Smelter List" not in workbook.sheetnames:
        raise TemplateError(f"{template}: not an RMI template (no Declaration/Smelter List)")
    revision = REVISION.search(str(workbook["Declaration"]["J3"].value or ""))
    is_emrt = "Mine List" in workbook.sheetnames
    if revision is None or is_emrt != (kind == "EMRT"):
        raise TemplateError(f"{template}: not a blank {kind} template")
    if int(revision.group(1)) != LAYOUTS[kind].major:
        raise TemplateError(
            f"{template}: revision {revision.group(0)} is not {kind} {LAYOUTS[kind].major}.x"
        )
    return workbook


def _company(sheet: Worksheet, layout: Layout, declaration: Declaration) -> None:
    cells = layout.company_cells
    sheet[cells["company"]] = declaration.company
    sheet[cells["scope"]] = declaration.scope
    for field, value in declaration.details.items():
        if field in cells:
            sheet[cells[field]] = value
    if declaration.effective_date:
        sheet[cells["effective_date"]] = dt.datetime.combine(declaration.effective_date, dt.time())
        sheet[cells["effective_date"]].number_format = "yyyy-mm-dd"
    for cell in layout.scope_minerals:  # EMRT: select the minerals in scope
        mineral = str(sheet[cell].value or "").strip("()").removeprefix("Delete ").strip()
        sheet[cell] = mineral if mineral in declaration.metals else f"(Delete {mineral})"


def _answers(sheet: Worksheet, layout: Layout, declaration: Declaration) -> None:
    for question in layout.questions:
        for offset, metal in enumerate(declaration.metals):
            sheet[f"D{question.row + offset}"] = declaration.answer(metal, question.number)
    for question in layout.company_questions:
        if question.per_metal:
            for offset, metal in enumerate(declaration.metals):
                key = f"{question.letter} {metal}"
                sheet[f"D{question.row + offset}"] = declaration.policy.get(key)
        else:
            sheet[f"D{question.row}"] = declaration.policy.get(question.letter)
    if declaration.policy_url:
        sheet[f"G{layout.company_questions[1].row}"] = declaration.policy_url


def _smelters(sheet: Worksheet, layout: Layout, declaration: Declaration) -> None:
    first, last = layout.smelter_rows
    if len(declaration.smelters) > last - first + 1:
        raise TemplateError(f"{len(declaration.smelters)} smelters do not fit the Smelter List")
    for column in "ABCF":  # CMRT 6.4's phantom row 5 (see FORMAT notes): clear typed values
        if not str(sheet[f"{column}{first}"].value or "").startswith("="):
            sheet[f"{column}{first}"] = None
    for row, entry in enumerate(declaration.smelters, start=first):
        listed = entry.smelter_id is not None and entry.lookup_name != NOT_LISTED
        values = {
            "A": entry.smelter_id,
            "B": entry.metal,
            "C": (entry.lookup_name or entry.name) if listed else NOT_LISTED,
            "D": entry.name,
            "E": entry.country,
            "F": entry.smelter_id,
            "G": "RMI" if entry.smelter_id else None,
            "P": entry.recycled or None,
        }
        for column, value in values.items():
            sheet[f"{column}{row}"] = value


def _products(sheet: Worksheet, layout: Layout, declaration: Declaration) -> None:
    for row, product in enumerate(declaration.products, start=layout.product_rows[0]):
        sheet[f"B{row}"], sheet[f"C{row}"] = product.number, product.name
        sheet[f"D{row}"] = product.comment or None
