"""Downloads of the report's KPI tables as CSV and XLSX (text cells neutralised against
formula injection, numbers as numbers)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from esgledger.collect.safe_export import neutralise
from esgledger.report.model import ReportModel

HEADER = ("table", "metric", "name", "unit", "prior", "current", "yoy_percent", "kind")


def kpi_rows(report: ReportModel) -> list[tuple[object, ...]]:
    """One row per KPI table row: values unrounded, in the catalog unit."""
    rows: list[tuple[object, ...]] = []
    for table in report.kpi_tables():
        for r in table.rows:
            rows.append(
                (
                    table.title,
                    r.metric,
                    r.name,
                    r.unit,
                    r.prior_value,
                    r.current_value,
                    None if r.yoy_percent is None else round(r.yoy_percent, 2),
                    r.kind,
                )
            )
    return rows


def kpi_csv(report: ReportModel) -> str:
    """The KPI tables as CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = list(HEADER)
    header[4:6] = [f"value_{report.prior_period or 'prior'}", f"value_{report.period}"]
    writer.writerow(header)
    for row in kpi_rows(report):
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return buffer.getvalue()


def kpi_xlsx(report: ReportModel) -> bytes:
    """The KPI tables as an XLSX workbook."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"KPIs {report.period}"[:31]
    header = list(HEADER)
    header[4:6] = [str(report.prior_period or "prior"), str(report.period)]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in kpi_rows(report):
        sheet.append([float(v) if isinstance(v, Decimal) else neutralise(v) for v in row])
    for column, width in zip("ABCDEFGH", (28, 30, 44, 16, 14, 14, 12, 10), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
