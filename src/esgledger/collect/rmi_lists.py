"""Reading RMI's smelter lists: the reference (look-up) list and the conformant list.

The reference list is read from the ``Smelter Look-up`` sheet of a blank CMRT/EMRT the user has
(A metal, B look-up name, C standard name, D country, E smelter id), or from a CSV/XLSX with
headers. The conformant list is RMI's published list of smelters conformant with (or active in)
its assurance process, saved as CSV/XLSX; headers are matched loosely (``Smelter ID``,
``Smelter Reference``, ``Standard Smelter Name``, ``Country Location``, ``Assessment Status``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from esgledger.collect.cmrt_layout import normal_metal
from esgledger.collect.cmrt_smelters import normal_smelter_id
from esgledger.core.problems import Problem
from esgledger.core.supply_chain import RmiSmelter

COLUMNS = {
    "metal": ("metal", "mineral"),
    "smelter_id": (
        "smelter_id",
        "smelter id",
        "smelter identification",
        "smelter reference",
        "smelter reference id",
        "cid",
        "facility id",
        "rmi id",
    ),
    "name": (
        "smelter_lookup_name",
        "smelter look-up",
        "smelter lookup name",
        "name",
        "smelter name",
        "facility name",
    ),
    "standard_name": ("standard_smelter_name", "standard smelter name", "standard facility name"),
    "country": (
        "country",
        "country location",
        "smelter country",
        "facility country",
        "country_location",
    ),
    "status": ("status", "assessment status", "rmap status", "audit status", "conformance status"),
}
REQUIRED = ("metal", "smelter_id")


def read_rmi_list(path: Path, *, conformant: bool) -> tuple[list[RmiSmelter], list[Problem]]:
    """The smelters of an RMI list file; rows without a valid smelter id are reported."""
    try:
        rows = list(_rows(path))
    except Exception as exc:
        return [], [Problem(location=path.name, message=f"cannot be read: {exc}", check="rmi")]
    if not rows:
        return [], [Problem(location=path.name, message="no header row found", check="rmi")]
    header_line, header = rows[0]
    columns = _columns(header)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        message = f"no column for {', '.join(missing)} (headers: {', '.join(map(str, header))})"
        return [], [Problem(location=f"{path.name}:{header_line}", message=message, check="rmi")]
    smelters: list[RmiSmelter] = []
    problems: list[Problem] = []
    for line, values in rows[1:]:
        outcome = _smelter(values, columns, conformant, f"{path.name}:{line}")
        if isinstance(outcome, RmiSmelter):
            smelters.append(outcome)
        elif outcome is not None:
            problems.append(outcome)
    return smelters, problems


def _rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """(line, values) from the header row on; workbooks use their ``Smelter Look-up`` sheet."""
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from enumerate(csv.reader(handle), start=1)
        return
    book = CalamineWorkbook.from_path(str(path))
    name = "Smelter Look-up" if "Smelter Look-up" in book.sheet_names else book.sheet_names[0]
    values = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    if name == "Smelter Look-up":  # RMI template: fixed columns, data from row 5
        header = ["metal", "smelter_lookup_name", "standard_smelter_name", "country", "smelter_id"]
        yield 4, header
        yield from ((n, list(r[:5])) for n, r in enumerate(values[4:], start=5))
        return
    start = next((i for i, r in enumerate(values) if _columns(r).keys() >= set(REQUIRED)), 0)
    yield from enumerate(values[start:], start=start + 1)


def _columns(header: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        key = " ".join(str(title).replace("\n", " ").split()).casefold()
        for column, aliases in COLUMNS.items():
            if key in aliases and column not in found:
                found[column] = index
    return found


def _smelter(
    values: list[Any], columns: dict[str, int], conformant: bool, where: str
) -> RmiSmelter | Problem | None:
    def get(column: str) -> str:
        index = columns.get(column)
        if index is None or index >= len(values) or values[index] is None:
            return ""
        return " ".join(str(values[index]).split())

    if not any(get(c) for c in columns):
        return None
    smelter_id = normal_smelter_id(get("smelter_id"))
    metal = normal_metal(get("metal"))
    if smelter_id is None:  # the look-up's "Smelter not listed" rows have no id: not smelters
        if get("smelter_id") or conformant:
            return Problem(
                location=where,
                message=f"smelter id {get('smelter_id')!r} is not an RMI smelter id",
                check="rmi",
            )
        return None
    if metal is None:
        return Problem(location=where, message=f"metal {get('metal')!r} unknown", check="rmi")
    name = get("name") or get("standard_name")
    return RmiSmelter(
        metal=metal,
        smelter_id=smelter_id,
        name=name,
        standard_name=get("standard_name") or name,
        country=get("country").upper(),
        status=get("status") or ("Conformant" if conformant else ""),
    )
