"""Running the GHG inventory of a period: engine queries in, computed figures and lineage out.

:func:`compute_inventory` runs the queries of :mod:`esgledger.calculate.ghg_query` on the
chosen engine (on DuckDB as SQL text generated from them ahead of time, see
:mod:`esgledger.calculate.ghg_sql`) and returns plain results (:func:`calculate` does the
same from given reference tables, without a ledger); :func:`run_inventory` also records them
in the ledger (one transaction): the run with its settings and row counts, its contributions,
and every figure as a computed datapoint - so a recalculation with other factors is a new
revision whose difference :func:`run_inventory` returns.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from esgledger.calculate.ghg_backends import EngineError, EngineSession
from esgledger.calculate.ghg_metrics import consolidate, entity_figures, metric_specs
from esgledger.calculate.ghg_query import REJECTS_SCHEMA, InventoryTables
from esgledger.calculate.ghg_tables import ReferenceTables, reference_tables
from esgledger.core.factors import Factor, FactorLibrary, default_library
from esgledger.core.ghg_activity import activity_types_path, read_activity_types
from esgledger.core.model import (
    ConsolidationApproach,
    Datapoint,
    Entity,
    Kind,
    Period,
    Quantity,
    Status,
    new_provenance,
)  # fmt: skip
from esgledger.store import ghg as ghg_store
from esgledger.store.ledger import Ledger, RecordResult

PLACES = Decimal("0.000001")


@dataclass(frozen=True, kw_only=True)
class Inventory:
    """The computed inventory of a period.

    Attributes:
        period: the period.
        figures: value per (entity, metric), consolidated up the entity tree.
        contributions: lineage rows (activity type, gas, factors, level, rows, tCO2e).
        rejects: rows that could not be computed (batch, line, reason...).
        rows_in: activity rows dated in the period.
        factor_sets: the sets in priority order.
        gwp_set: the GWP set.
        engine: the engine that ran the queries.
    """

    period: Period
    figures: dict[tuple[str, str], float]
    contributions: list[dict[str, Any]]
    rejects: pa.Table
    rows_in: int
    factor_sets: list[str]
    gwp_set: str
    engine: str

    @property
    def rows_rejected(self) -> int:
        """Rows that could not be computed."""
        return self.rejects.num_rows

    @property
    def rows_computed(self) -> int:
        """Rows that contributed (rows in - rows rejected)."""
        return self.rows_in - self.rows_rejected


def library_for(ledger: Ledger, period: str) -> FactorLibrary:
    """Shipped and imported factor sets; pinned sets first, then imported, then shipped."""
    shipped = default_library()
    imported = ghg_store.factor_sets(ledger)
    sets = {**shipped.sets, **{s.id: s for s in imported}}
    pinned = [s for s in ghg_store.pinned_sets(ledger, period) if s in sets]
    order = [*pinned, *reversed([s.id for s in imported]), *shipped.priority]
    return FactorLibrary([sets[s] for s in dict.fromkeys(order)])


def compute_inventory(
    ledger: Ledger,
    period: str,
    files: list[Path],
    *,
    engine: str = "duckdb",
    url: str | None = None,
    spark: Any = None,
    library: FactorLibrary | None = None,
) -> Inventory:
    """Compute the inventory of ``period`` from the activity rows of ``files``."""
    library = library or library_for(ledger, period)
    gwp_set = ledger.setting("gwp_set", "ipcc-ar5")
    types = read_activity_types(activity_types_path(), library.unit_of)
    entities = ledger.entities()
    org = ledger.organization()
    return calculate(
        reference_tables(library, types, entities, gwp_set),
        files,
        ledger.period(period),
        entities,
        org.consolidation if org else ConsolidationApproach.OPERATIONAL_CONTROL,
        factor_sets=list(library.priority),
        engine=engine,
        url=url,
        spark=spark,
    )


def calculate(
    refs: ReferenceTables,
    files: list[Path],
    period: Period,
    entities: list[Entity],
    approach: ConsolidationApproach,
    *,
    factor_sets: list[str],
    engine: str = "duckdb",
    url: str | None = None,
    spark: Any = None,
) -> Inventory:
    """The inventory of ``period`` from ``files`` with the given reference data (no ledger)."""
    with EngineSession(engine, url=url, spark=spark) as session:
        # the steps, then one round trip for all three parts of the results
        results, queries = session.inventory(files, refs, period.start, period.end)
        parts = {name: _part(results, name, columns) for name, columns in PARTS.items()}
        rows_in = sum(int(c["rows"]) for c in parts["counts"])
        rejected = sum(int(c["rows"]) for c in parts["counts"] if c["rejected"])
        rejects = _rejects(session, queries, rejected)
    cited: dict[tuple[int, str | None], dict[str, Any]] = {}
    return Inventory(
        period=period,
        figures=consolidate(entity_figures(parts["emissions"]), entities, approach),
        contributions=[_lineage(c, refs.factor_list, cited) for c in parts["contributions"]],
        rejects=rejects,
        rows_in=rows_in,
        factor_sets=factor_sets,
        gwp_set=refs.gwp_set,
        engine=engine,
    )


# the columns each part of the results relation uses (fewer Python objects to build)
PARTS = {
    "emissions": ("entity", "scope", "category", "method", "gas", "t_gas", "tco2e"),
    "contributions": ("activity_type", "scope", "category", "method", "gas", "year", "f1",
                      "f2", "l1", "l2", "level", "rows", "quantity", "t_gas", "tco2e"),
    "counts": ("rejected", "rows"),
}  # fmt: skip


def _part(results: pa.Table, name: str, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = results.filter(pc.equal(results["part"], name)).select(list(columns))
    return rows.to_pylist()


def _rejects(session: EngineSession, queries: InventoryTables, rejected: int) -> pa.Table:
    """The rejected rows in batch and line order; listing them takes one more pass over the
    rows, so it runs only when there are some."""
    if not rejected:
        return REJECTS_SCHEMA.empty_table()
    rejects = session.fetch(queries.rejects.order_by(["batch_id", "line"]))
    if rejects.num_rows != rejected:
        raise EngineError(f"{rejected} rows rejected but {rejects.num_rows} listed")
    return rejects


def _factor_json(factor: Factor, level: str | None) -> dict[str, Any]:
    return {
        "set": factor.set_id, "key": factor.key, "value": str(factor.value),
        "unit": factor.unit, "region": factor.region, "gas": factor.gas, "level": level,
        "citation": str(factor.citation), "note": factor.note,
    }  # fmt: skip


def _lineage(
    row: dict[str, Any],
    factors: tuple[Factor, ...],
    cited: dict[tuple[int, str | None], dict[str, Any]],
) -> dict[str, Any]:
    """One contribution with its factors; ``cited`` keeps each factor's JSON (one per run)."""
    used = []
    for f, lvl in (("f1", "l1"), ("f2", "l2")):
        if row[f] is not None:
            key = (int(row[f]), row[lvl])
            if key not in cited:
                cited[key] = _factor_json(factors[key[0]], key[1])
            used.append(dict(cited[key]))
    return {
        "activity_type": row["activity_type"], "scope": int(row["scope"]),
        "category": row["category"], "method": row["method"], "gas": row["gas"] or "",
        "year": int(row["year"]), "factors": used, "level": row["level"] or "",
        "rows": int(row["rows"]), "quantity": _text(row["quantity"]),
        "t_gas": _text(row["t_gas"]), "tco2e": _text(row["tco2e"]),
    }  # fmt: skip


def _text(value: float) -> str:
    return str(Decimal(repr(float(value))).quantize(PLACES))


def write_rejects(inventory: Inventory, folder: Path) -> Path | None:
    """Write the run's rejects (batch, line, reason) as CSV; None when there are none."""
    if not inventory.rows_rejected:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"ghg-{inventory.period.code}-{stamp}.csv"
    pacsv.write_csv(inventory.rejects, path)
    return path


def run_inventory(
    ledger: Ledger, inventory: Inventory, *, rejects_file: Path | None, user: str | None = None
) -> tuple[int, RecordResult]:
    """Record an inventory in the ledger; returns the run id and what changed."""
    user = user or getpass.getuser()
    run = {
        "period": inventory.period.code, "engine": inventory.engine,
        "gwp_set": inventory.gwp_set, "factor_sets": inventory.factor_sets,
        "rows_in": inventory.rows_in, "rows_computed": inventory.rows_computed,
        "rows_rejected": inventory.rows_rejected,
        "rejects_file": str(rejects_file) if rejects_file else None, "user_name": user,
    }  # fmt: skip
    with ledger.transaction() as conn:
        run_id = ghg_store.save_run(conn, run, inventory.contributions)
        points = _datapoints(inventory, run_id, user)
        result = ledger.record(points, conn=conn)
    return run_id, result


def _datapoints(inventory: Inventory, run_id: int, user: str) -> list[Datapoint]:
    specs = metric_specs()
    sets = ", ".join(inventory.factor_sets[:3])
    reason = f"GHG inventory run {run_id} ({inventory.engine}; factor sets {sets}, ...)"
    return [
        Datapoint(
            entity=entity,
            period=inventory.period.code,
            metric=metric,
            quantity=Quantity(
                value=Decimal(_text(value)), unit="t" if specs[metric].mass else "tCO2e"
            ),
            provenance=new_provenance("calculation", file=f"ghg run {run_id}", user=user),
            kind=Kind.COMPUTED,
            status=Status.APPROVED,
            reason=reason,
        )
        for (entity, metric), value in sorted(inventory.figures.items())
    ]
