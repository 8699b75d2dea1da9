"""`esgledger demo`: build the embedded demo end to end and print its headline figures."""

from __future__ import annotations

from pathlib import Path

from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from esgledger.calculate.run import calculate_with_prior, settings_for, store_results
from esgledger.check.run import check_period
from esgledger.cli.output import change, console, number
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
    console.print(
        f"ledger: {out / 'demo.db'} ({written} datapoints); checks: {n_errors} "
        f"error(s), {len(problems) - n_errors} warning(s) "
        f"(see `esgledger check --db {out / 'demo.db'} --period {PERIOD}`)"
    )
    for path in (files.html, files.pdf):
        if path is not None:
            console.print(f"report: {path}")
    ledger.close()


def _summary(current, prior) -> None:  # Results, Results | None
    catalog = default_catalog()
    table = Table(title=f"Hikvision {PERIOD} — headline figures (group)", header_style="bold")
    for column in ("metric", "2018", PERIOD, "change", "kind"):
        table.add_column(column, justify="left" if column in ("metric", "kind") else "right")
    for metric_id in HEADLINES:
        if metric_id not in catalog:
            continue
        metric = catalog.get(metric_id)
        now = current.get(metric_id)
        before = prior.get(metric_id) if prior else None
        now_v, before_v = (now.value if now else None), (before.value if before else None)
        kind = str(now.kind) if now else "—"
        table.add_row(
            f"{metric.name} ({metric_id})",
            number(before_v, metric.precision, metric.unit),
            number(now_v, metric.precision, metric.unit),
            change(now_v, before_v),
            kind,
        )
        recomputed = current.recomputed.get((current.root, metric_id))
        if recomputed is not None:
            prior_re = prior.recomputed.get((prior.root, metric_id)) if prior else None
            prior_value = prior_re.value if prior_re else None
            table.add_row(
                "  computed by esgledger",
                number(prior_value, metric.precision, metric.unit),
                number(recomputed.value, metric.precision, metric.unit),
                change(recomputed.value, prior_value),
                "computed",
            )
    console.print(table)
