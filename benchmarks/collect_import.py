"""Benchmark of data collection (issue 4): 1,000 entity workbooks out, filled, imported.

Run: ``python benchmarks/collect_import.py [--entities 1000] [--db URL]``. It builds a ledger
with N entities that each reported 12 input metrics for 2019, writes the 2020 templates,
fills every workbook as an entity would (openpyxl), then imports them all with the same code
as ``esgledger collect import``. Target: the import of 1,000 workbooks under 60 s.

Baselines measured in the same run, so the ratios stay meaningful on a busy machine:
(a) only opening every filled workbook with openpyxl (the floor of any XLSX import), and
(b) the core CSV import (``esgledger import``) of the very same datapoints in one file.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import openpyxl

from esgledger.collect.datapoints import import_file
from esgledger.collect.template_import import ImportOptions, import_templates
from esgledger.collect.templates import write_templates
from esgledger.core.catalog import default_catalog
from esgledger.core.model import (
    Datapoint,
    Entity,
    Organization,
    Quantity,
    Status,
    calendar_year,
    new_provenance,
)
from esgledger.store import audit
from esgledger.store.ledger import Ledger

METRICS = 12


def build(ledger: Ledger, entities: int) -> list[str]:
    """Group + N plants with 2019 values for the first 12 input metrics of the catalog."""
    catalog = default_catalog()
    metrics = [m for m in catalog if not m.derived][:METRICS]
    plants = [f"plant-{i:04d}" for i in range(entities)]
    with ledger.transaction() as conn:
        ledger.set_organization(Organization(name="Benchmark Group", short_name="Bench"), conn)
        ledger.add_entities(
            [Entity(code="group", name="Group", kind="group")]
            + [Entity(code=p, name=p.title(), parent="group") for p in plants],
            conn,
        )
        ledger.add_periods([calendar_year(2019), calendar_year(2020)], conn)
        ledger.record(
            [
                Datapoint(
                    entity=p,
                    period="2019",
                    metric=m.id,
                    quantity=Quantity(value=Decimal(100 + i), unit=m.unit),
                    status=Status.APPROVED,
                    provenance=new_provenance("benchmark"),
                )
                for i, p in enumerate(plants)
                for m in metrics
            ],
            conn=conn,
        )
    return plants


def fill(paths: list[Path]) -> list[tuple[str, str, str, str, str]]:
    """Type 2020 values (5% up) into every workbook; return them as CSV rows."""
    rows = []
    for path in paths:
        book = openpyxl.load_workbook(path)
        meta = dict(book["_esgledger"].iter_rows(max_col=2, values_only=True))
        for ws in book.worksheets[2:-1]:
            for r in range(6, ws.max_row + 1):
                last = ws[f"E{r}"].value
                if last is not None:
                    value = Decimal(str(last)) * Decimal("1.05")
                    ws[f"C{r}"] = value
                    rows.append(
                        (meta["entity"], "2020", ws[f"A{r}"].value, str(value), ws[f"D{r}"].value)
                    )
        book.save(path)
    return rows


def timed(label: str, action):  # -> (result, seconds)
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s", flush=True)
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=1000)
    parser.add_argument("--db", help="ledger URL for the import (default: a new SQLite file)")
    args = parser.parse_args()
    catalog = default_catalog()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        ledger = Ledger.open(args.db or work / "bench.sqlite")
        timed(f"ledger with {args.entities} entities", lambda: build(ledger, args.entities))
        paths, _ = timed(
            "write templates",
            lambda: write_templates(ledger, catalog, "2020", work / "out", actor="bench"),
        )
        rows, _ = timed("fill workbooks (openpyxl, as the entities would)", lambda: fill(paths))
        _, floor = timed(
            "baseline (a): open every workbook with openpyxl",
            lambda: [openpyxl.load_workbook(p).close() for p in paths],
        )
        options = ImportOptions(user="bench", period="2020")
        outcomes, seconds = timed(
            "collect import", lambda: import_templates(ledger, paths, catalog, options)
        )
        bad = [str(p) for o in outcomes for p in o.data.problems]
        if bad:
            sys.exit(f"import problems: {bad[:3]}")
        added = sum(o.result.added for o in outcomes)
        problems, verify_seconds = timed("audit verify", lambda: audit.verify(ledger))
        csv_ledger = Ledger.open(work / "csv.sqlite")
        build(csv_ledger, args.entities)
        csv_path = work / "all.csv"
        with csv_path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["entity", "period", "metric", "value", "unit"])
            writer.writerows(rows)
        _, csv_seconds = timed(
            "baseline (b): core CSV import of the same values",
            lambda: import_file(csv_ledger, csv_path, catalog, user="bench"),
        )
    print(
        f"\nimported {len(paths)} workbooks ({added} datapoints) in {seconds:.1f} s: "
        f"{len(paths) / seconds:.0f} workbooks/s, {added / seconds:.0f} datapoints/s "
        f"(target: 1,000 workbooks < 60 s: {'met' if seconds * 1000 / len(paths) < 60 else 'no'})"
    )
    print(f"ratio to (a) openpyxl opening alone: {seconds / floor:.2f}x")
    print(f"ratio to (b) core CSV import of the same values: {seconds / csv_seconds:.1f}x")
    print(
        f"audit verify of {audit.head(ledger)[0]} events: {verify_seconds:.1f} s, "
        f"{'intact' if not problems else problems[:3]}"
    )


if __name__ == "__main__":
    main()
