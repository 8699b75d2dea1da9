"""Rows for `esgledger metrics`, printed as a Rich table, JSON or CSV."""

from __future__ import annotations

import csv
import sys
from typing import Any

from rich.table import Table

from esgledger.calculate.engine import Figure, Results
from esgledger.calculate.run import calculate_period
from esgledger.cli.output import console, dumps, number
from esgledger.core.catalog import default_catalog
from esgledger.errors import EsgLedgerError
from esgledger.store.ledger import Ledger

COLUMNS = ("metric", "entity", "period", "value", "unit", "kind", "disclosures")


def _row(figure: Figure) -> dict[str, Any]:
    metric = default_catalog().get(figure.metric)
    return {
        "metric": figure.metric,
        "entity": figure.entity,
        "period": figure.period,
        "value": figure.value,
        "unit": figure.unit,
        "kind": str(figure.kind),
        "disclosures": {k: list(v) for k, v in metric.disclosures.items()},
    }


def _figures(results: Results, entity: str) -> list[Figure]:
    figures = []
    for metric in default_catalog():
        shown = results.figures.get((entity, metric.id))
        if shown is not None:
            figures.append(shown)
        recomputed = results.recomputed.get((entity, metric.id))
        if recomputed is not None:
            figures.append(recomputed)
    return figures


def figure_rows(ledger: Ledger, period: str, entity: str | None) -> list[dict[str, Any]]:
    """Every figure of ``period`` at one entity (default the group) or ``all`` entities."""
    results = calculate_period(ledger, period)
    codes = [e.code for e in ledger.entities()]
    if entity not in (None, "all") and entity not in codes:
        raise EsgLedgerError(f"unknown entity {entity!r} (entities: {', '.join(codes)})")
    chosen = codes if entity == "all" else [entity or results.root]
    return [_row(f) for code in chosen for f in _figures(results, code)]


def catalog_rows() -> list[dict[str, Any]]:
    """The metric catalog as rows."""
    return [
        {
            "metric": m.id,
            "name": m.name,
            "unit": m.unit,
            "aggregation": str(m.aggregation),
            "formula": m.formula or "",
            "disclosures": {k: list(v) for k, v in m.disclosures.items()},
        }
        for m in default_catalog()
    ]


def print_rows(rows: list[dict[str, Any]], fmt: str) -> None:
    """Print rows in the chosen format (table, json or csv)."""
    if fmt == "json":
        print(dumps(rows))
    elif fmt == "csv":
        _csv(rows)
    elif fmt == "table":
        _table(rows)
    else:
        raise EsgLedgerError(f"unknown format {fmt!r}; use table, json or csv")


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k} {', '.join(v)}" for k, v in value.items() if v)
    return str(value)


def _csv(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _flat(v) for k, v in row.items()})


def _table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        console.print("no figures")
        return
    table = Table(show_lines=False, header_style="bold")
    for column in rows[0]:
        table.add_column(column, justify="right" if column == "value" else "left")
    for row in rows:
        if "value" in row:
            metric = default_catalog().get(row["metric"])
            row = {**row, "value": number(row["value"], metric.precision)}
        table.add_row(*(_flat(v) for v in row.values()))
    console.print(table)
