"""The Smelter List sheet of a CMRT/EMRT: one normalised entry per smelter a supplier named.

Columns (both templates): A smelter id typed by the supplier, B metal, C smelter look-up name,
D smelter name, E country, F smelter identification (``CID002763``), G source of the id,
P whether the smelter's feed is 100 % recycled or scrap. Suppliers type, paste and overwrite
these cells freely, so ids are normalised (spaces, case, missing zeros), metals are mapped from
their spellings, duplicates are counted once, and rows that cannot be trusted are reported.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from esgledger.collect.cmrt_layout import NOT_LISTED, normal_metal
from esgledger.collect.rmi_workbook import IMPORTER
from esgledger.core.problems import Problem, Severity
from esgledger.core.supply_chain import SmelterEntry

if TYPE_CHECKING:
    from esgledger.collect.rmi_workbook import Workbook

_SMELTER_ID = re.compile(r"^CID0*(\d{1,6})$")
# CMRT 6.4 as published carries a tin row typed over the formulas of Smelter List row 5.
PHANTOM_ROW = (5, "Tin", "Alpha Metals", 242332.0)


def normal_smelter_id(value: Any) -> str | None:
    """``CID002763`` for `` cid 2763 ``, ``CID002763`` ...; None when not an RMI smelter id."""
    if value is None or isinstance(value, float | int):
        return None
    match = _SMELTER_ID.match("".join(str(value).split()).upper())
    return f"CID{int(match.group(1)):06d}" if match else None


def read_smelter_list(book: Workbook, problems: list[Problem]) -> tuple[SmelterEntry, ...]:
    """The normalised entries of the Smelter List, each duplicate and bad row reported."""
    sheet = book.sheets["Smelter List"]
    first, last = book.layout.smelter_rows
    entries: list[SmelterEntry] = []
    seen: dict[tuple[str, str], int] = {}
    for row in range(first, min(last, len(sheet.rows)) + 1):
        cells = [sheet.at(row, column) for column in range(1, 17)]
        if not any(_given(v) for v in cells[:7]):
            continue
        entry = _entry(book, row, cells, problems)
        if entry is None:
            continue
        key = (entry.metal, entry.smelter_id or " ".join(entry.name.casefold().split()))
        if key in seen:
            message = f"duplicate of row {seen[key]} ({entry.metal} {key[1]}); counted once"
            problems.append(_warning(book.where("Smelter List", f"A{row}"), message))
            continue
        seen[key] = row
        entries.append(entry)
    return tuple(entries)


def _given(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _entry(
    book: Workbook, row: int, cells: list[Any], problems: list[Problem]
) -> SmelterEntry | None:
    typed_id, metal, lookup, name, country, cid = cells[:6]
    where = book.where("Smelter List")
    if (row, metal, lookup, cid) == PHANTOM_ROW and not _given(typed_id):
        message = (
            "row 5 holds the phantom entry of the published CMRT 6.4 template (Tin, Alpha "
            "Metals, 242332) typed over its formulas; ignored - clear row 5 in the file"
        )
        problems.append(_warning(f"{where}!B{row}", message))
        return None
    return SmelterEntry(
        row=row,
        metal=_metal(metal, f"{where}!B{row}", problems),
        smelter_id=_smelter_id(typed_id, cid, (where, row), problems),
        name=_text(lookup) if _given(lookup) and _text(lookup) != NOT_LISTED else _text(name),
        lookup_name=_text(lookup),
        country=_text(country).upper(),
        recycled=_text(cells[15]).capitalize(),
    )


def _metal(value: Any, where: str, problems: list[Problem]) -> str:
    metal = normal_metal(value)
    if metal is None and _given(value):
        problems.append(_error(where, f"metal {_text(value)!r} is not a metal of the template"))
    return metal or ""


def _smelter_id(
    typed: Any, identification: Any, at: tuple[str, int], problems: list[Problem]
) -> str | None:
    """The id from F (identification), else A (typed); bad values are reported, not trusted."""
    ids = {}
    for column, value in (("F", identification), ("A", typed)):
        if not _given(value):
            continue
        smelter_id = normal_smelter_id(value)
        if smelter_id is None:
            message = f"{_text(value)!r} is not an RMI smelter id (CID and six digits); ignored"
            problems.append(_warning(f"{at[0]}!{column}{at[1]}", message))
        else:
            ids[column] = smelter_id
    if len(set(ids.values())) > 1:
        message = f"smelter id {ids['A']} in A differs from {ids['F']} in F; {ids['F']} used"
        problems.append(_warning(f"{at[0]}!A{at[1]}", message))
    return ids.get("F") or ids.get("A")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _warning(location: str, message: str) -> Problem:
    return Problem(location=location, message=message, severity=Severity.WARNING, check=IMPORTER)


def _error(location: str, message: str) -> Problem:
    return Problem(location=location, message=message, check=IMPORTER)
