"""Importing a user's factor set from CSV (supplier-specific rates, residual mixes, spend factors).

Columns: ``key,value,unit`` and optionally ``region,gas,valid_from,valid_to,table,note``. The
set's citation (document, publisher, year, url) is given once for the file. Every row is
checked - a number, a known unit of the same dimension as the key's unit elsewhere in the
library, years as integers, a set id not yet used - and any problem refuses the whole file.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from esgledger.collect.datapoints import parse_value
from esgledger.core.factors import GLOBAL, Citation, Factor, FactorLibrary, FactorSet
from esgledger.core.problems import Problem
from esgledger.core.units import parse_unit, same_dimension
from esgledger.errors import ImportFailed, UnitError

REQUIRED = ("key", "value", "unit")


def _year(text: str | None, where: str, name: str, problems: list[Problem]) -> int | None:
    if not text or not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        problems.append(Problem(location=where, message=f"{name}: {text!r} is not a year"))
        return None


def _factor(
    row: dict[str, str], set_id: str, citation: Citation, library: FactorLibrary, where: str
) -> tuple[Factor | None, list[Problem]]:
    problems: list[Problem] = []
    key, unit = (row.get("key") or "").strip(), (row.get("unit") or "").strip()
    try:
        value = parse_value(row.get("value") or "")
    except ValueError as exc:  # not a number, a decimal comma, NaN or infinity
        problems.append(Problem(location=where, message=f"value: {exc}"))
        value = Decimal(0)
    try:
        parse_unit(unit)
        known = library.keys()
        if key in known and not same_dimension(unit, library.unit_of(key)):
            message = f"unit: {unit} does not fit {key} (given in {library.unit_of(key)} elsewhere)"
            problems.append(Problem(location=where, message=message))
    except UnitError as exc:
        problems.append(Problem(location=where, message=f"unit: {exc}"))
    if not key:
        problems.append(Problem(location=where, message="key: empty"))
    valid_from = _year(row.get("valid_from"), where, "valid_from", problems)
    valid_to = _year(row.get("valid_to"), where, "valid_to", problems)
    if problems:
        return None, problems
    factor = Factor(
        set_id=set_id, key=key, value=value, unit=unit,
        region=(row.get("region") or "").strip() or GLOBAL,
        gas=(row.get("gas") or "").strip() or None,
        valid_from=valid_from, valid_to=valid_to, note=(row.get("note") or "").strip(),
        citation=replace(citation, table=(row.get("table") or "").strip()),
    )  # fmt: skip
    return factor, []


def read_factor_csv(
    path: Path, *, set_id: str, title: str, citation: Citation, library: FactorLibrary
) -> FactorSet:
    """A factor set read from CSV; :class:`ImportFailed` lists every problem."""
    if set_id in library.sets:
        raise ImportFailed([Problem(location=path.name, message=f"factor set {set_id} exists")])
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ImportFailed([Problem(location=path.name, message=f"cannot read: {exc}")]) from exc
    missing = [c for c in REQUIRED if not rows or c not in rows[0]]
    if missing:
        message = f"missing column(s) {', '.join(missing)}" if rows else "no factor rows"
        raise ImportFailed([Problem(location=path.name, message=message)])
    factors, problems = [], []
    for line, row in enumerate(rows, start=2):
        factor, found = _factor(row, set_id, citation, library, f"{path.name}:{line}")
        problems += found
        if factor is not None:
            factors.append(factor)
    if problems:
        raise ImportFailed(problems)
    return FactorSet(
        id=set_id, title=title, kind="emission", citation=citation, factors=tuple(factors)
    )
