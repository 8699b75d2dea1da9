"""Reference tables the GHG engine joins with activity rows: factors, terms, GWPs, entities.

They are built from the :class:`~esgledger.core.factors.FactorLibrary`, the activity types and
the ledger's entity tree as small Arrow tables, so every backend (DuckDB, PostgreSQL, Spark)
receives the same data. Factor values are converted to their key's unit here (exact ``Decimal``
arithmetic in :mod:`esgledger.core.units`, then a double for the engine).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyarrow as pa

from esgledger.core.factors import GLOBAL, Factor, FactorLibrary
from esgledger.core.ghg_activity import ActivityType
from esgledger.core.model import Entity
from esgledger.core.units import convert
from esgledger.errors import FactorError

NO_YEAR_BEFORE = 0
NO_YEAR_AFTER = 9999
CO2E = "CO2e"  # gas of factors already in CO2 equivalent: their GWP is 1, never a GWP again
# the engine packs (fallback level, set priority, factor id) and (outcome, alternative) into one
# integer per candidate, each part below RANK_BASE, so that a group-by picks the best
RANK_BASE = 1 << 20

ACTIVITY_SCHEMA = pa.schema(
    [
        ("batch_id", pa.int64()),
        ("line", pa.int64()),
        ("entity", pa.string()),
        ("activity_date", pa.date32()),
        ("activity_type", pa.string()),
        ("quantity", pa.float64()),  # in the activity type's unit
        ("quantity_entered", pa.string()),
        ("unit_entered", pa.string()),
        ("gas", pa.string()),
        ("supplier", pa.string()),
        ("country", pa.string()),
        ("grid_region", pa.string()),
        ("instrument", pa.string()),
        ("instrument_factor", pa.float64()),  # t CO2e per unit of the activity type
    ]
)
FACTOR_SCHEMA = pa.schema(
    [("factor_id", pa.int64()), ("set_id", pa.string()), ("priority", pa.int64()),
     ("key", pa.string()), ("region", pa.string()), ("gas", pa.string()),
     ("valid_from", pa.int64()), ("valid_to", pa.int64()), ("value", pa.float64())]
)  # fmt: skip
TERM_SCHEMA = pa.schema(
    [("activity_type", pa.string()), ("method", pa.string()), ("term", pa.int64()),
     ("alternative", pa.int64()), ("key1", pa.string()), ("key2", pa.string()),
     ("scale", pa.float64())]
)  # fmt: skip
TYPE_SCHEMA = pa.schema([("activity_type", pa.string()), ("scope", pa.int64()),
                         ("category", pa.string()), ("gas_from_row", pa.bool_())])  # fmt: skip
GWP_SCHEMA = pa.schema([("gas", pa.string()), ("gwp", pa.float64())])
ENTITY_SCHEMA = pa.schema(
    [("code", pa.string()), ("ent_country", pa.string()), ("ent_grid", pa.string())]
)
# the reference tables by name: the engine reads them as ``ref_<name>``
REFERENCE_SCHEMAS = {
    "factors": FACTOR_SCHEMA, "terms": TERM_SCHEMA, "types": TYPE_SCHEMA, "gwp": GWP_SCHEMA,
    "entities": ENTITY_SCHEMA,
}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class ReferenceTables:
    """Everything besides activity rows that a calculation reads.

    Attributes:
        factors: one row per factor value (``factor_id`` indexes :attr:`factor_list`).
        terms: one row per term alternative of each activity type.
        types: one row per activity type (scope, category, gas taken from the row).
        gwp: GWP of each gas in the chosen set, plus ``CO2e`` = 1.
        entities: entity codes with country and grid region.
        factor_list: the factors, for lineage and citations.
        gwp_set: id of the GWP set.
    """

    factors: pa.Table
    terms: pa.Table
    types: pa.Table
    gwp: pa.Table
    entities: pa.Table
    factor_list: tuple[Factor, ...]
    gwp_set: str


def factor_table(library: FactorLibrary) -> tuple[pa.Table, tuple[Factor, ...]]:
    """All factors of the library with their set priority, values in the key's unit."""
    factors = [(library.priority.index(s.id), f) for s in library.sets.values() for f in s.factors]
    if len(factors) >= RANK_BASE:
        raise FactorError(f"{len(factors)} factors: the engine ranks at most {RANK_BASE - 1}")
    columns: dict[str, list] = {c: [] for c in _FACTOR_COLUMNS}
    for factor_id, (priority, f) in enumerate(factors):
        row = (
            factor_id, f.set_id, priority, f.key, f.region or GLOBAL, f.gas or "",
            NO_YEAR_BEFORE if f.valid_from is None else f.valid_from,
            NO_YEAR_AFTER if f.valid_to is None else f.valid_to,
            float(convert(f.value, f.unit, library.unit_of(f.key))),
        )  # fmt: skip
        for column, value in zip(_FACTOR_COLUMNS, row, strict=True):
            columns[column].append(value)
    return pa.table(columns, schema=FACTOR_SCHEMA), tuple(f for _, f in factors)


_FACTOR_COLUMNS = (
    "factor_id", "set_id", "priority", "key", "region", "gas", "valid_from", "valid_to", "value",
)  # fmt: skip


def term_table(types: Mapping[str, ActivityType]) -> pa.Table:
    """The terms of every activity type (keys padded with ``""``)."""
    rows = [
        {
            "activity_type": t.activity_type,
            "method": t.method,
            "term": t.term,
            "alternative": t.alternative,
            "key1": t.keys[0] if t.keys else "",
            "key2": t.keys[1] if len(t.keys) > 1 else "",
            "scale": float(t.scale),
        }
        for a in types.values()
        for t in a.terms
    ]
    return pa.Table.from_pylist(rows, schema=TERM_SCHEMA)


def type_table(types: Mapping[str, ActivityType]) -> pa.Table:
    """Scope, category and gas source of every activity type."""
    return pa.Table.from_pylist(
        [
            {"activity_type": a.id, "scope": a.scope, "category": a.category,
             "gas_from_row": a.gas_from_row}
            for a in types.values()
        ],
        schema=TYPE_SCHEMA,
    )  # fmt: skip


def gwp_table(library: FactorLibrary, gwp_set: str) -> pa.Table:
    """GWP-100 values of the chosen set; ``CO2e`` maps to 1 so CO2e factors are not re-weighted."""
    values = library.sets.get(gwp_set)
    if values is None or values.gwp is None:
        raise FactorError(f"no GWP set {gwp_set!r}; known: {', '.join(library.gwp_sets())}")
    gases = {gas: float(v) for gas, v in values.gwp.items()} | {CO2E: 1.0}
    return pa.table({"gas": list(gases), "gwp": list(gases.values())}, schema=GWP_SCHEMA)


def entity_table(entities: Iterable[Entity]) -> pa.Table:
    """Entity codes with the regions their factors are looked up in."""
    listed = list(entities)
    return pa.table(
        {
            "code": [e.code for e in listed],
            "ent_country": [e.country or "" for e in listed],
            "ent_grid": [e.grid_region or "" for e in listed],
        },
        schema=ENTITY_SCHEMA,
    )


def reference_tables(
    library: FactorLibrary,
    types: Mapping[str, ActivityType],
    entities: Iterable[Entity],
    gwp_set: str,
) -> ReferenceTables:
    """All reference tables of a calculation."""
    factors, factor_list = factor_table(library)
    return ReferenceTables(
        factors=factors,
        terms=term_table(types),
        types=type_table(types),
        gwp=gwp_table(library, gwp_set),
        entities=entity_table(entities),
        factor_list=factor_list,
        gwp_set=gwp_set,
    )
