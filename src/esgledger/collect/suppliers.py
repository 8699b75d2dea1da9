"""Importing the supplier register from an ERP export (CSV or XLSX, one supplier per row).

Headers are matched loosely (``Supplier code`` / ``Vendor``, ``Onboarding date``...). Columns:
code and name (required), category, country, spend, currency, onboarded, active, conflict
minerals (in scope of the CMRT survey), environmental screening and social screening
(``pass``/``fail``; empty = not screened), integrity/CSR/NDA agreements (yes/no), last audit,
rating, e-mail. Every row is checked first; any error names ``file:line: field`` and nothing
is written.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from esgledger.collect.datapoints import parse_value
from esgledger.core.problems import Problem
from esgledger.core.supply_chain import Supplier

HEADERS = {
    "code": (
        "code",
        "supplier code",
        "supplier id",
        "supplier no",
        "vendor",
        "vendor code",
        "vendor number",
        "supplier_code",
    ),
    "name": ("name", "supplier", "supplier name", "vendor name", "supplier_name"),
    "category": ("category", "purchasing category", "commodity"),
    "country": ("country", "country of origin"),
    "spend": ("spend", "annual spend", "purchase amount", "purchases"),
    "currency": ("currency",),
    "onboarded": ("onboarded", "onboarding date", "admitted", "admission date", "created"),
    "active": ("active", "status"),
    "conflict_minerals": ("conflict minerals", "conflict_minerals", "cmrt", "cmrt required", "3tg"),
    "environmental": ("environmental screening", "environmental_screening", "env screening"),
    "social": ("social screening", "social_screening"),
    "integrity": ("integrity agreement", "integrity_agreement"),
    "csr": ("csr agreement", "csr_agreement", "sustainability agreement"),
    "nda": ("nda", "nda signed", "confidentiality agreement"),
    "last_audit": ("last audit", "last_audit", "audit date"),
    "rating": ("rating", "audit rating", "supplier rating"),
    "contact_email": ("email", "e-mail", "contact email", "contact_email"),
}
TRUE = {"yes", "y", "true", "1", "x", "signed", "active", "released"}
FALSE = {"no", "n", "false", "0", "", "inactive", "blocked", "unsigned"}
PASS = {"pass", "passed", "yes", "approved", "ok", "qualified"}
FAIL = {"fail", "failed", "rejected", "not approved", "disqualified"}


class _RowError(ValueError):
    """A field of a row that cannot be read (field, message)."""


def read_register(path: Path) -> tuple[list[Supplier], list[Problem]]:
    """The suppliers of a register file, or the problems that stop its import."""
    try:
        rows = _rows(path)
    except Exception as exc:
        return [], [
            Problem(location=path.name, message=f"cannot be read: {exc}", check="suppliers")
        ]
    if not rows:
        return [], [Problem(location=path.name, message="empty file", check="suppliers")]
    columns = _columns(rows[0])
    missing = [c for c in ("code", "name") if c not in columns]
    if missing:
        message = f"no {' or '.join(missing)} column (headers: {', '.join(map(str, rows[0]))})"
        return [], [Problem(location=f"{path.name}:1", message=message, check="suppliers")]
    suppliers: list[Supplier] = []
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for line, values in enumerate(rows[1:], start=2):
        cells = {c: _cell(values, i) for c, i in columns.items()}
        if not any(str(v).strip() for v in cells.values() if v is not None):
            continue
        try:
            supplier = _supplier(cells, line)
        except _RowError as exc:
            field, message = exc.args
            problems.append(
                Problem(
                    location=f"{path.name}:{line}",
                    message=f"{field}: {message}",
                    check="suppliers",
                    record=_record(cells),
                )
            )
            continue
        if supplier.code in first_line:
            message = f"code: {supplier.code} already on line {first_line[supplier.code]}"
            problems.append(
                Problem(location=f"{path.name}:{line}", message=message, check="suppliers")
            )
            continue
        first_line[supplier.code] = line
        suppliers.append(supplier)
    return suppliers, problems


def _rows(path: Path) -> list[list[Any]]:
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [row for row in csv.reader(handle)]
    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_index(0).to_python(skip_empty_area=False)


def _columns(header: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = " ".join(str(title).replace("_", " ").split()).casefold()
        for column, aliases in HEADERS.items():
            if (key in aliases or key.replace(" ", "_") in aliases) and column not in found:
                found[column] = index
    return found


def _cell(values: list[Any], index: int) -> Any:
    return values[index] if index < len(values) else None


def _record(cells: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) for k, v in cells.items() if v not in (None, "")}


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else " ".join(str(value).split())


def _supplier(cells: dict[str, Any], line: int) -> Supplier:
    code, name = _text(cells.get("code")), _text(cells.get("name"))
    if not code:
        raise _RowError("code", "missing")
    if not name:
        raise _RowError("name", "missing")
    screening = {
        c: r for c in ("environmental", "social") if (r := _screened(cells, c)) is not None
    }
    return Supplier(
        code=code,
        name=name,
        category=_text(cells.get("category")),
        country=_text(cells.get("country")),
        spend=_decimal(cells.get("spend")),
        currency=_text(cells.get("currency")).upper(),
        onboarded=_date(cells.get("onboarded"), "onboarded"),
        active=_flag(cells, "active", default=True),
        conflict_minerals=_flag(cells, "conflict_minerals", default=False),
        screening=screening,
        agreements={a: _flag(cells, a, default=False) for a in ("integrity", "csr", "nda")},
        last_audit=_date(cells.get("last_audit"), "last_audit"),
        rating=_text(cells.get("rating")),
        contact_email=_text(cells.get("contact_email")),
        line=line,
    )


def _flag(cells: dict[str, Any], field: str, *, default: bool) -> bool:
    if field not in cells or cells[field] is None:
        return default
    value = _text(cells[field]).casefold()
    if value in TRUE:
        return True
    if value in FALSE:
        return default if value == "" else False
    raise _RowError(field, f"{_text(cells[field])!r} is not yes or no")


def _screened(cells: dict[str, Any], field: str) -> bool | None:
    value = _text(cells.get(field)).casefold()
    if value in ("", "no", "not screened", "n/a", "-"):
        return None
    if value in PASS:
        return True
    if value in FAIL:
        return False
    raise _RowError(field, f"{_text(cells.get(field))!r} is not pass, fail or empty")


def _decimal(value: Any) -> Decimal | None:
    text = _text(value).replace(",", "")
    if not text:
        return None
    try:
        return parse_value(text)  # thousands separators dropped above; NaN, inf refused
    except ValueError:
        raise _RowError("spend", f"{_text(value)!r} is not a number") from None


def _date(value: Any, field: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%d/%m/%Y", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _RowError(field, f"{text!r} is not a date (write 2019-03-31)")
