"""``esgledger``: collect, calculate, check and report ESG data from the command line.

Every command that reads or writes a ledger takes ``--db``: a SQLite file path or a database
URL (``postgresql://user@host/db``); the default comes from ``ESGLEDGER_DB``, else
``./esgledger.db``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.markup import escape

from esgledger.cli.output import console, errors, plain, print_problems
from esgledger.core.model import Status
from esgledger.core.problems import has_errors
from esgledger.errors import EsgLedgerError, ImportFailed

if TYPE_CHECKING:
    from esgledger.store.ledger import Ledger

app = typer.Typer(
    name="esgledger",
    help=(
        "An ESG data ledger: collect figures from entities, calculate energy, GHG and "
        "intensities with cited factors, check them, and publish a GRI-indexed report.\n\n"
        "Start with `esgledger demo` to build a complete example (Hikvision's 2019 ESG "
        "report) and look at demo-output/report.pdf."
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)

DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="ESGLEDGER_DB",
        help="Ledger: a SQLite file path or a database URL such as postgresql://user@host/db.",
        show_envvar=True,
    ),
]
PeriodOption = Annotated[str, typer.Option("--period", "-p", help="Reporting period, e.g. 2019.")]
DEFAULT_DB = "esgledger.db"


def _fail(message: str, code: int = 2) -> NoReturn:
    errors.print(f"[red]error[/red]: {escape(message)}", soft_wrap=True)
    raise typer.Exit(code)


def _open(db: str, *, create: bool = False) -> Ledger:
    from esgledger.store.ledger import Ledger

    try:
        return Ledger.open(db, create=create)
    except EsgLedgerError as exc:
        _fail(str(exc))


@app.command()
def init(
    db: DbOption = DEFAULT_DB,
    setup: Annotated[
        Path | None,
        typer.Option(help="YAML with `organization:`, `entities:` and `periods:` to start from."),
    ] = None,
) -> None:
    """Create an empty ledger (and optionally its organization, entity tree and periods).

    The setup file uses the same sections as the demo dataset, e.g.:

        organization: {name: Example Ltd, short_name: Example, currency: RMB}
        entities:
          - {code: group, name: Example Group, kind: group, country: CN}
          - {code: plant-1, name: Plant 1, parent: group, country: CN, grid_region: CN-East}
        periods: ["2023", "2024"]
    """
    from esgledger.collect.setup import apply_setup

    ledger = _open(db, create=True)
    if setup is not None:
        try:
            apply_setup(ledger, setup)
        except EsgLedgerError as exc:
            _fail(f"{setup}: {exc}")
    entities, periods = len(ledger.entities()), len(ledger.periods())
    plain(f"ledger ready at {db}: {entities} entities, {periods} periods")


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="CSV or YAML files of datapoints.")],
    db: DbOption = DEFAULT_DB,
    user: Annotated[str, typer.Option(help="Who imports (recorded with every value).")] = "cli",
    reason: Annotated[
        str | None, typer.Option(help="Why existing values change (required for revisions).")
    ] = None,
    status: Annotated[Status, typer.Option(help="Workflow status of imported values.")] = (
        Status.SUBMITTED
    ),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")] = (
        False
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Problems as JSON.")] = False,
) -> None:
    """Import datapoints from CSV or YAML files: each file entirely, or not at all.

    CSV columns: `entity,period,metric,value,unit` (+ optional `comment,reference`). Values
    use `.` as decimal point and no thousands separators. Any problem (unknown metric, entity,
    period or unit, a unit of the wrong dimension, a duplicated row, a change without
    `--reason`) is printed as `file:line: field: message` and nothing of that file is written.
    """
    from esgledger.collect.datapoints import import_file
    from esgledger.core.catalog import default_catalog

    ledger = _open(db)
    failed = False
    for path in files:
        try:
            outcome = import_file(
                ledger,
                path,
                default_catalog(),
                user=user,
                reason=reason,
                status=status,
                dry_run=dry_run,
            )
        except ImportFailed as exc:
            print_problems(exc.problems, as_json=as_json)
            errors.print(f"{path.name}: nothing imported ({len(exc.problems)} problem(s))")
            failed = True
            continue
        r = outcome.result
        verb = "would import" if dry_run else "imported"
        seen = " (this file was imported before)" if outcome.repeated else ""
        plain(
            f"{outcome.file}: {verb} {outcome.rows} rows: {r.added} new, "
            f"{r.revised} revised, {r.unchanged} unchanged, {outcome.notes} notes{seen}"
        )
        for old, new in r.revisions:
            plain(f"  {'/'.join(new.key)}: {old.quantity} -> {new.quantity}")
    if failed:
        raise typer.Exit(1)


@app.command()
def calculate(db: DbOption = DEFAULT_DB, period: PeriodOption = "") -> None:
    """Compute every derived and consolidated figure and store it with its lineage."""
    from esgledger.calculate.run import calculate_period, settings_for, store_results

    ledger = _open(db)
    codes = [period] if period else [p.code for p in ledger.periods()]
    for code in codes:
        settings = settings_for(ledger)
        try:
            results = calculate_period(ledger, code, settings=settings)
        except EsgLedgerError as exc:
            _fail(str(exc))
        run = store_results(ledger, results, settings)
        plain(
            f"{code}: {len(results.all_computed())} figures computed (run {run}), "
            f"{len(results.problems)} problem(s)"
        )
        print_problems(results.problems)


@app.command()
def metrics(
    db: DbOption = DEFAULT_DB,
    period: PeriodOption = "",
    entity: Annotated[
        str | None, typer.Option(help="Entity code; default: the group. `all` for every entity.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
    catalog_only: Annotated[
        bool, typer.Option("--catalog", help="List the metric catalog instead of values.")
    ] = False,
) -> None:
    """Show figures of a period: reported and computed, with units and disclosures.

    `--format json` prints an array of objects with keys `metric, entity, period, value,
    unit, kind, disclosures` (kind is `reported` or `computed`).
    """
    from esgledger.cli.tables import catalog_rows, figure_rows, print_rows

    if catalog_only:
        print_rows(catalog_rows(), fmt)
        return
    ledger = _open(db)
    if not period:
        _fail("give --period (e.g. --period 2019)")
    try:
        rows = figure_rows(ledger, period, entity)
    except EsgLedgerError as exc:
        _fail(str(exc))
    print_rows(rows, fmt)


@app.command()
def explain(
    metric: Annotated[str, typer.Argument(help="Metric id, e.g. ghg.scope1 or energy.total.")],
    db: DbOption = DEFAULT_DB,
    period: PeriodOption = "",
    entity: Annotated[str | None, typer.Option(help="Entity code; default: the group.")] = None,
    depth: Annotated[int, typer.Option(help="How many levels of inputs to unfold.")] = 6,
    as_json: Annotated[bool, typer.Option("--json", help="Lineage as JSON.")] = False,
) -> None:
    """Show how a figure was obtained: formula, inputs with provenance, factors with citations."""
    from esgledger.cli.explain import explain_figure

    ledger = _open(db)
    if not period:
        _fail("give --period (e.g. --period 2019)")
    try:
        explain_figure(ledger, metric, period, entity, depth=depth, as_json=as_json)
    except EsgLedgerError as exc:
        _fail(str(exc))


@app.command()
def check(
    db: DbOption = DEFAULT_DB,
    period: PeriodOption = "",
    threshold: Annotated[
        float, typer.Option(help="Year-on-year change (%) that needs an explanation note.")
    ] = 30.0,
    as_json: Annotated[bool, typer.Option("--json", help="Problems as a JSON array.")] = False,
) -> None:
    """Check a period: missing data, units, breakdowns and totals that do not add up, reported
    derived figures that differ from the recomputed ones, unexplained swings, unexplained
    restatements. Exits with status 1 when any error is found.
    """
    from esgledger.check.run import check_period

    ledger = _open(db)
    if not period:
        _fail("give --period (e.g. --period 2019)")
    try:
        problems = check_period(ledger, period, threshold=threshold)
    except EsgLedgerError as exc:
        _fail(str(exc))
    print_problems(problems, as_json=as_json)
    n_errors = sum(1 for p in problems if p.severity == "error")
    if not as_json:
        plain(f"{n_errors} error(s), {len(problems) - n_errors} warning(s)")
    if has_errors(problems):
        raise typer.Exit(1)


@app.command()
def report(
    db: DbOption = DEFAULT_DB,
    period: PeriodOption = "",
    out: Annotated[Path, typer.Option(help="Folder for report.html and report.pdf.")] = Path(
        "report-output"
    ),
    pdf: Annotated[bool, typer.Option(help="Also write the PDF.")] = True,
) -> None:
    """Write the GRI-indexed report of a period as HTML (and PDF)."""
    from esgledger.report.render import write_report

    ledger = _open(db)
    if not period:
        _fail("give --period (e.g. --period 2019)")
    with console.status("writing the report"):
        try:
            files = write_report(ledger, period, out, pdf=pdf)
        except EsgLedgerError as exc:
            _fail(str(exc))
    for path in (files.html, files.pdf):
        if path is not None:
            plain(f"wrote {path}")


@app.command()
def history(
    entity: Annotated[str, typer.Argument(help="Entity code.")],
    metric: Annotated[str, typer.Argument(help="Metric id.")],
    db: DbOption = DEFAULT_DB,
    period: PeriodOption = "",
) -> None:
    """Every revision of one figure: value, who, when, why, from where."""
    ledger = _open(db)
    periods = [period] if period else [p.code for p in ledger.periods()]
    for code in periods:
        for dp in ledger.history(entity, code, metric):
            plain(
                f"{dp.period} rev {dp.revision} [{dp.kind}/{dp.status}] {dp.quantity} "
                f"by {dp.provenance.user} at {dp.provenance.recorded_at:%Y-%m-%d %H:%M} UTC "
                f"from {dp.provenance.location()}" + (f" — {dp.reason}" if dp.reason else "")
            )


@app.command()
def entities(db: DbOption = DEFAULT_DB) -> None:
    """Show the entity tree."""
    from rich.tree import Tree

    ledger = _open(db)
    nodes: dict[str, Tree] = {}
    root: Tree | None = None
    for e in ledger.entities():
        label = f"[bold]{e.code}[/bold] {e.name} ({e.kind}, {e.country or '?'}"
        label += f", grid {e.grid_region})" if e.grid_region else ")"
        node = Tree(label) if e.parent is None else nodes[e.parent].add(label)
        nodes[e.code] = node
        root = root or node
    if root is None:
        _fail("the ledger has no entities yet")
    console.print(root)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for demo.db, report.html and report.pdf.")] = (
        Path("demo-output")
    ),
    pdf: Annotated[bool, typer.Option(help="Also write the PDF.")] = True,
) -> None:
    """Build the embedded demo (Hikvision, 2019 with 2018 comparatives) end to end:
    ledger -> calculation -> checks -> report, then print the headline figures.
    """
    from esgledger.cli.demo import run_demo

    started = time.perf_counter()
    if out.exists() and (out / "demo.db").exists():
        (out / "demo.db").unlink()
        for leftover in out.glob("demo.db-*"):
            leftover.unlink()
    out.mkdir(parents=True, exist_ok=True)
    try:
        run_demo(out, pdf=pdf)
    except EsgLedgerError as exc:
        _fail(str(exc))
    plain(f"done in {time.perf_counter() - started:.1f} s")


def _add_feature_commands() -> None:
    """Sub-command groups of other features, each a Typer app in its own module."""
    from esgledger.cli.materiality import app as materiality_app  # issue 6

    app.add_typer(materiality_app, name="materiality")
    from esgledger.cli import audit as audit_cli  # issue 4
    from esgledger.cli.collect import app as collect_app  # issue 4

    app.add_typer(collect_app, name="collect")
    app.add_typer(audit_cli.app, name="audit")
    app.command()(audit_cli.backup)
    app.command()(audit_cli.restore)
    from esgledger.cli.cmrt import app as cmrt_app  # issue 7
    from esgledger.cli.suppliers import app as suppliers_app  # issue 7

    app.add_typer(suppliers_app, name="suppliers")
    app.add_typer(cmrt_app, name="cmrt")
    from esgledger.cli.activity import app as activity_app  # issue 3
    from esgledger.cli.ghg import app as ghg_app  # issue 3

    app.add_typer(activity_app, name="activity")
    app.add_typer(ghg_app, name="ghg")
    from esgledger.cli import web as web_cli  # issue 5

    app.command("serve")(web_cli.serve)
    app.add_typer(web_cli.users_app, name="users")


_add_feature_commands()


def main() -> None:  # pragma: no cover - console entry for python -m
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
