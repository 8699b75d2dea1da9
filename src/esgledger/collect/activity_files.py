"""Reading activity files (CSV, XLSX, Parquet) into one shape, with an optional column mapping.

Every file becomes an Arrow table of *text* columns named after esgledger's activity fields,
plus ``line`` (the row number a user sees: CSV line, worksheet row, Parquet row). Values are
validated later, in one place (:mod:`esgledger.collect.activity`). A mapping file renames
columns and translates a company's own activity codes::

    columns: {entity: Site, date: Invoice date, activity_type: Type, quantity: Qty, unit: UoM}
    sheet: Fuel                      # XLSX worksheet (default: the first)
    defaults: {unit: MWh}            # a value for a field the file does not have
    activity_types: {Diesel (generators): stationary.diesel}
    date_format: "%d/%m/%Y"          # default: ISO dates (2019-03-31)
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import yaml

from esgledger.core.problems import Problem
from esgledger.errors import ImportFailed

REQUIRED = ("entity", "date", "activity_type", "quantity", "unit")
OPTIONAL = (
    "gas", "supplier", "country", "grid_region", "instrument", "instrument_factor",
    "instrument_unit",
)  # fmt: skip
FIELDS = REQUIRED + OPTIONAL


@dataclass(frozen=True, kw_only=True)
class Mapping:
    """How a company's file maps onto activity fields.

    Attributes:
        columns: activity field -> the file's column name.
        defaults: activity field -> value used when the file has no such column.
        activity_types: the company's activity code -> activity type id.
        sheet: worksheet of an XLSX file (None: the first).
        date_format: strptime format of dates (None: ISO 8601).
        source: the mapping file, for provenance.
    """

    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    activity_types: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    date_format: str | None = None
    source: str | None = None


def read_mapping(path: Path) -> Mapping:
    """Read a mapping file; unknown fields are refused with the file name."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        problem = Problem(location=path.name, message=f"cannot read mapping: {exc}")
        raise ImportFailed([problem]) from exc
    columns = {str(k): str(v) for k, v in (data.get("columns") or {}).items()}
    defaults = {str(k): str(v) for k, v in (data.get("defaults") or {}).items()}
    unknown = sorted((set(columns) | set(defaults)) - set(FIELDS))
    if unknown:
        message = f"unknown field(s) {', '.join(unknown)}; fields are {', '.join(FIELDS)}"
        raise ImportFailed([Problem(location=path.name, message=message)])
    return Mapping(
        columns=columns,
        defaults=defaults,
        activity_types={str(k): str(v) for k, v in (data.get("activity_types") or {}).items()},
        sheet=data.get("sheet"),
        date_format=data.get("date_format"),
        source=path.name,
    )


def _read_csv(path: Path) -> pa.Table:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        raise ValueError("the file is empty")
    options = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in header}, strings_can_be_null=True
    )
    table = pacsv.read_csv(path, convert_options=options)
    return table.append_column("line", pa.array(range(2, table.num_rows + 2), pa.int64()))


def _read_xlsx(path: Path, sheet: str | None) -> tuple[pa.Table, str]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise ValueError(f"no worksheet {sheet!r} (sheets: {', '.join(workbook.sheetnames)})")
        ws = workbook[sheet] if sheet else workbook.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        columns: dict[str, list[Any]] = {h: [] for h in header if h}
        lines = []
        for number, values in enumerate(rows, start=2):
            if all(v is None for v in values):
                continue
            lines.append(number)
            for name, value in zip(header, values, strict=False):
                if name:
                    columns[name].append(_cell_text(value))
        table = pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})
        return table.append_column("line", pa.array(lines, pa.int64())), ws.title
    finally:
        workbook.close()


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "date") and hasattr(value, "hour"):
        return value.date().isoformat()  # a datetime cell: the date is what counts
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_parquet(path: Path) -> pa.Table:
    table = pq.read_table(path)
    text = pa.table({n: pc.cast(table[n], pa.string()) for n in table.column_names})
    return text.append_column("line", pa.array(range(1, table.num_rows + 1), pa.int64()))


def read_activity_file(path: Path, mapping: Mapping | None = None) -> tuple[pa.Table, str | None]:
    """The file's rows with activity field names (text), and the worksheet read (XLSX).

    Raises :class:`ImportFailed` when the file cannot be read or lacks a required column.
    """
    mapping = mapping or Mapping()
    suffix = path.suffix.lower()
    sheet = None
    try:
        if suffix == ".csv":
            raw = _read_csv(path)
        elif suffix in (".xlsx", ".xlsm"):
            raw, sheet = _read_xlsx(path, mapping.sheet)
        elif suffix == ".parquet":
            raw = _read_parquet(path)
        else:
            raise ValueError(
                f"unsupported file type {suffix or '(none)'}; use CSV, XLSX or Parquet"
            )
    except (OSError, ValueError, pa.ArrowException, KeyError) as exc:
        raise ImportFailed([Problem(location=path.name, message=f"cannot read: {exc}")]) from exc
    return _as_fields(raw, mapping, path.name if sheet is None else f"{path.name}!{sheet}"), sheet


def _as_fields(raw: pa.Table, mapping: Mapping, where: str) -> pa.Table:
    names = {n.strip().lower(): n for n in raw.column_names}
    columns: dict[str, pa.Array] = {}
    missing = []
    for name in FIELDS:
        source = mapping.columns.get(name, name).strip().lower()
        if source in names:
            columns[name] = raw[names[source]]
        elif name in mapping.defaults:
            columns[name] = pa.array([mapping.defaults[name]] * raw.num_rows, pa.string())
        elif name in REQUIRED:
            missing.append(mapping.columns.get(name, name))
        else:
            columns[name] = pa.nulls(raw.num_rows, pa.string())
    if missing:
        found = ", ".join(raw.column_names[:-1]) or "(none)"
        message = f"missing column(s) {', '.join(missing)} (found: {found})"
        raise ImportFailed([Problem(location=where, message=message)])
    if mapping.activity_types:
        codes = columns["activity_type"].to_pylist()
        translated = [mapping.activity_types.get(c, c) if c is not None else None for c in codes]
        columns["activity_type"] = pa.array(translated, pa.string())
    return pa.table({**columns, "line": raw["line"]})
