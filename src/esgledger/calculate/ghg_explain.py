"""Tracing an inventory figure down to its factors and activity rows.

A figure's lineage has three levels: the recorded value (a computed datapoint with its run),
the run's contributions that the metric sums (activity type, gas, factors with citations and
the fallback level that answered), and the activity rows themselves - found by running the
same queries again, filtered to the entity's subtree and the metric, largest first, each with
its file, line and import batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from esgledger.calculate.ghg_backends import EngineSession
from esgledger.calculate.ghg_inventory import library_for
from esgledger.calculate.ghg_metrics import MetricSpec, gas_group, metric_specs
from esgledger.calculate.ghg_query import inventory_queries
from esgledger.calculate.ghg_tables import reference_tables
from esgledger.core.ghg_activity import activity_types_path, read_activity_types
from esgledger.core.model import Datapoint, Kind
from esgledger.errors import NotFound
from esgledger.store import ghg as ghg_store
from esgledger.store.ledger import Ledger


@dataclass(frozen=True, kw_only=True)
class Trace:
    """The lineage of one inventory figure.

    Attributes:
        figure: the recorded computed datapoint.
        run: the inventory run that computed it.
        contributions: the run's contributions the metric sums (group level).
        rows: the largest contributing activity rows of the entity's subtree.
    """

    figure: Datapoint
    run: dict[str, Any]
    contributions: list[dict[str, Any]]
    rows: list[dict[str, Any]]


def _spec(metric: str) -> MetricSpec:
    specs = metric_specs()
    if metric not in specs:
        raise NotFound(f"{metric} is not an inventory metric; try one of: {', '.join(specs)}")
    return specs[metric]


def _subtree(ledger: Ledger, root: str) -> list[str]:
    entities = ledger.entities()
    codes, frontier = [root], [root]
    while frontier:
        frontier = [e.code for e in entities if e.parent in frontier]
        codes += frontier
    return codes


def trace(
    ledger: Ledger, period: str, metric: str, entity: str | None, files: list[Path], limit: int = 10
) -> Trace:
    """The lineage of ``metric`` at ``entity`` (default: the group) in ``period``."""
    spec = _spec(metric)
    code = entity or next(e.code for e in ledger.entities() if e.parent is None)
    found = ledger.datapoints(period=period, entity=code, metric=metric, kind=Kind.COMPUTED)
    run = ghg_store.latest_run(ledger, period)
    if not found or run is None:
        raise NotFound(f"no {metric} at {code} in {period}; run `esgledger ghg --period {period}`")
    parts = [
        c for c in ghg_store.contributions(ledger, run["id"])
        if spec.selects(c["scope"], c["category"], c["method"], c["gas"])
    ]  # fmt: skip
    return Trace(
        figure=found[0], run=run, contributions=parts,
        rows=_rows(ledger, period, spec, _subtree(ledger, code), files, limit),
    )  # fmt: skip


def _rows(
    ledger: Ledger,
    period: str,
    spec: MetricSpec,
    entities: list[str],
    files: list[Path],
    limit: int,
) -> list[dict[str, Any]]:
    library = library_for(ledger, period)
    types = read_activity_types(activity_types_path(), library.unit_of)
    refs = reference_tables(
        library, types, ledger.entities(), ledger.setting("gwp_set", "ipcc-ar5")
    )
    the_period = ledger.period(period)
    batches = {b["id"]: b["file"] for b in ghg_store.batches(ledger)}
    with EngineSession("duckdb") as session:
        e = inventory_queries(
            session.activity(files),
            session.references(refs),
            the_period.start,
            the_period.end,
            session.materialise,
        ).row_emissions
        e = e.filter(e.entity.isin(entities) & e.scope.isin(list(spec.scopes)))
        e = e.filter(e.method.isin(list(spec.method)))
        if spec.category:
            e = e.filter(e.category == spec.category)
        measure = "t_gas" if spec.mass else "tco2e"
        wanted = limit if spec.gas_group is None else limit * 100
        rows = e.order_by(e[measure].desc()).limit(wanted).to_pyarrow().to_pylist()
    chosen = [r for r in rows if spec.gas_group is None or gas_group(r["gas"]) == spec.gas_group]
    for row in chosen[:limit]:
        row["file"] = batches.get(row["batch_id"], "?")
        row["value"] = row[measure]
    return chosen[:limit]
