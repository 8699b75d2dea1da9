"""The row checks of an activity import, as one DuckDB script over the file's text columns.

Unit conversion factors are computed first for each distinct (activity type, unit) pair of the
file by :mod:`esgledger.core.units` (the one place units are converted) and joined in as a
table; each row's first failing check becomes its reject reason. Duplicates (same entity,
date, type, quantity, unit and attributes) keep their first line and reject the others.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from esgledger.core.ghg_activity import ActivityType
from esgledger.core.units import conversion_factor
from esgledger.errors import UnitError

DEFAULT_INSTRUMENT_UNIT = "kgCO2e/kWh"


def _factor(from_unit: str, to_unit: str, what: str) -> tuple[float | None, str | None]:
    try:
        return float(conversion_factor(from_unit, to_unit)), None
    except UnitError as exc:
        return None, f"{what}: {exc}"


def conversions(raw: pa.Table, types: Mapping[str, ActivityType]) -> tuple[pa.Table, pa.Table]:
    """Conversion factors of the file's (type, unit) and (type, instrument unit) pairs."""
    pairs = {
        (t, u)
        for t, u in zip(raw["activity_type"].to_pylist(), raw["unit"].to_pylist(), strict=True)
        if t in types and u
    }
    units = [(t, u, *_factor(u.strip(), types[t].unit, f"unit {u!r}")) for t, u in sorted(pairs)]
    given = zip(raw["activity_type"].to_pylist(), raw["instrument_unit"].to_pylist(), strict=True)
    instrument_pairs = {(t, u or DEFAULT_INSTRUMENT_UNIT) for t, u in given if t in types}
    instrument = [
        (t, u, *_factor(u.strip(), f"t/({types[t].unit})", f"instrument unit {u!r}"))
        for t, u in sorted(instrument_pairs)
    ]
    names = ["activity_type", "unit", "factor", "error"]
    schema = pa.schema(
        [("activity_type", pa.string()), ("unit", pa.string()), ("factor", pa.float64()),
         ("error", pa.string())]
    )  # fmt: skip
    return (
        pa.Table.from_pylist([dict(zip(names, r, strict=True)) for r in units], schema=schema),
        pa.Table.from_pylist([dict(zip(names, r, strict=True)) for r in instrument], schema=schema),
    )


VALIDATE_SQL = f"""
CREATE TEMP TABLE parsed AS
SELECT p.line, p.entity, p.date, p.activity_type, p.quantity, p.unit, p.gas, p.supplier,
       p.country, p.grid_region, p.instrument, p.instrument_factor,
       NULLIF(trim(p.entity), '') AS e, NULLIF(trim(p.activity_type), '') AS atype,
       {{date}} AS d,
       TRY_CAST(trim(p.quantity) AS DOUBLE) AS q,
       TRY_CAST(trim(p.instrument_factor) AS DOUBLE) AS inf,
       NULLIF(trim(p.instrument), '') AS inst,
       coalesce(NULLIF(trim(p.instrument_unit), ''), '{DEFAULT_INSTRUMENT_UNIT}') AS iunit
FROM raw p;

CREATE TEMP TABLE checked AS
SELECT p.*, u.factor AS uf, iu.factor AS iuf,
  CASE
    WHEN p.e IS NULL THEN 'entity is empty'
    WHEN k.code IS NULL THEN 'unknown entity ' || p.e
    WHEN t.activity_type IS NULL THEN 'unknown activity type ' || coalesce(p.atype, '(empty)')
    WHEN p.d IS NULL THEN 'malformed date ' || coalesce('"' || p.date || '"', '(empty)')
    WHEN p.q IS NULL OR isnan(p.q) OR isinf(p.q) THEN
      'quantity ' || coalesce('"' || p.quantity || '"', '(empty)') || ' is not a number'
    WHEN p.q < 0 THEN 'negative quantity ' || p.quantity
    WHEN NULLIF(trim(p.unit), '') IS NULL THEN 'no unit'
    WHEN u.error IS NOT NULL THEN u.error
    WHEN t.gas_from_row AND NULLIF(trim(p.gas), '') IS NULL THEN 'refrigerant rows need a gas'
    WHEN p.inst IS NOT NULL AND t.scope <> 2 THEN
      'contractual instrument ' || p.inst || ' on a scope ' || t.scope || ' activity'
    WHEN p.inst IS NOT NULL AND p.inf IS NULL THEN
      'instrument ' || p.inst || ' needs instrument_factor'
    WHEN p.inst IS NOT NULL AND p.inf < 0 THEN 'negative instrument_factor ' || p.instrument_factor
    WHEN p.inst IS NOT NULL AND iu.error IS NOT NULL THEN iu.error
  END AS reason
FROM parsed p
LEFT JOIN known_entities k ON k.code = p.e
LEFT JOIN types t ON t.activity_type = p.atype
LEFT JOIN units u ON u.activity_type = p.atype AND u.unit = p.unit
LEFT JOIN instrument_units iu ON iu.activity_type = p.atype AND iu.unit = p.iunit;

CREATE TEMP TABLE ranked AS
SELECT *, min(line) OVER (
    PARTITION BY e, d, atype, q, trim(unit), NULLIF(trim(gas), ''), NULLIF(trim(supplier), ''),
                 NULLIF(trim(country), ''), NULLIF(trim(grid_region), ''), inst, inf
  ) AS first_line
FROM checked WHERE reason IS NULL;

CREATE TEMP VIEW accepted AS
SELECT line, e AS entity, d AS activity_date, atype AS activity_type, q * uf AS quantity,
       trim(quantity) AS quantity_entered, trim(unit) AS unit_entered,
       NULLIF(trim(gas), '') AS gas, NULLIF(trim(supplier), '') AS supplier,
       NULLIF(trim(country), '') AS country, NULLIF(trim(grid_region), '') AS grid_region,
       inst AS instrument, CASE WHEN inst IS NOT NULL THEN inf * iuf END AS instrument_factor
FROM ranked WHERE line = first_line;

CREATE TEMP VIEW rejects AS
SELECT line, reason, entity, date, activity_type, quantity, unit FROM checked
WHERE reason IS NOT NULL
UNION ALL
SELECT line, 'duplicate of line ' || first_line, entity, date, activity_type, quantity, unit
FROM ranked WHERE line <> first_line;
"""
