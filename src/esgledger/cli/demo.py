"""`esgledger demo`: build the embedded demo end to end and print its headline figures."""

from __future__ import annotations

from pathlib import Path

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from esgledger.calculate.engine import Results
from esgledger.calculate.run import calculate_with_prior, settings_for, store_results
from esgledger.check.run import check_period
from esgledger.cli.output import change, console, number, plain
from esgledger.collect.demo import build_demo
from esgledger.core.catalog import default_catalog
from esgledger.core.problems import Severity
from esgledger.store.ledger import Ledger

HEADLINES = (
    "revenue",
    "energy.total",
    "energy.total_gj",
    "energy.intensity",
    "ghg.scope1",
    "ghg.scope2_location",
    "ghg.intensity",
    "water.withdrawal.total",
    "packaging.total",
    "waste.recyclable.total",
    "waste.non_recyclable.total",
    "waste.hazardous.total",
    "workforce.total",
    "training.hours_per_employee",
)
PERIOD = "2019"


def run_demo(out: Path, *, pdf: bool = True) -> None:
    """Build demo.db in ``out``, calculate, check, write the report, print a summary."""
    from esgledger.report.render import write_report

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("building the demo ledger", total=4)
        ledger = Ledger.open(out / "demo.db")
        written = build_demo(ledger)
        progress.update(task, advance=1, description="calculating 2018 and 2019")
        settings = settings_for(ledger)
        pair = calculate_with_prior(ledger, PERIOD)
        for results in filter(None, (pair.prior, pair.current)):
            store_results(ledger, results, settings, user="demo")
        progress.update(task, advance=1, description="checking")
        problems = check_period(ledger, PERIOD)
        progress.update(task, advance=1, description="writing the report")
        files = write_report(ledger, PERIOD, out, pdf=pdf)
        progress.update(task, advance=1)
    _summary(pair.current, pair.prior)
    n_errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    plain(
        f"ledger: {out / 'demo.db'} ({written} datapoints); checks: {n_errors} "
        f"error(s), {len(problems) - n_errors} warning(s) "
        f"(see `esgledger check --db {out / 'demo.db'} --period {PERIOD}`)"
    )
    for path in (files.html, files.pdf):
        if path is not None:
            plain(f"report: {path}")
    ledger.close()


def _summary(current: Results, prior: Results | None) -> None:
    catalog = default_catalog()
    table = Table(title=f"Hikvision {PERIOD}: headline figures (group)", header_style="bold")
    for column in ("figure", "unit", "2018", PERIOD, "change", "kind"):
        table.add_column(
            column, justify="right" if column[0].isdigit() or column == "change" else "left"
        )
    for metric_id in HEADLINES:
        if metric_id not in catalog:
            continue
        metric = catalog.get(metric_id)
        rows = [(metric_id, current.get(metric_id), prior.get(metric_id) if prior else None)]
        if current.recomputed.get((current.root, metric_id)) is not None:
            rows.append(
                (
                    "  computed by esgledger",
                    current.computed(metric_id),
                    prior.computed(metric_id) if prior else None,
                )
            )
        for label, now, before in rows:
            now_v = now.value if now else None
            before_v = before.value if before else None
            table.add_row(
                label,
                metric.unit,
                number(before_v, metric.precision),
                number(now_v, metric.precision),
                change(now_v, before_v),
                str(now.kind) if now else "—",
            )
    console.print(table)
