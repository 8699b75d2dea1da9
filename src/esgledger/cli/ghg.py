"""``esgledger ghg``: compute the GHG inventory from activity records, trace it, manage factors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from esgledger.cli.output import change, errors, plain, print_problems

app = typer.Typer(
    help=(
        "GHG inventory from activity records (scopes 1, 2 location/market, 3 categories 1, 4, "
        "6, 7, 9). Without a sub-command: compute and record the inventory of --period."
    ),
    invoke_without_command=True,
)
DbOption = Annotated[
    str, typer.Option("--db", envvar="ESGLEDGER_DB", help="Ledger: SQLite path or database URL.")
]
StoreOption = Annotated[Path | None, typer.Option(help="Activity store folder (see `activity`).")]


def _ledger(db: str):  # -> Ledger
    from esgledger.cli.main import _open

    return _open(db)


def _run(db: str, period: str, engine: str, pg_url: str | None, store: Path | None) -> None:
    from esgledger.calculate.ghg_inventory import compute_inventory, run_inventory, write_rejects
    from esgledger.collect.activity_store import activity_store, row_files

    ledger = _ledger(db)
    folder = activity_store(ledger, store)
    url = pg_url or (db if "://" in db else None)
    inventory = compute_inventory(ledger, period, row_files(ledger, folder), engine=engine, url=url)
    rejects = write_rejects(inventory, folder / "rejects")
    run_id, result = run_inventory(ledger, inventory, rejects_file=rejects)
    plain(
        f"{period}: run {run_id} on {engine}: {inventory.rows_in} rows in = "
        f"{inventory.rows_computed} computed + {inventory.rows_rejected} rejected"
    )
    if rejects:
        plain(f"  rejects (batch, line, reason): {rejects}")
    root = next(e.code for e in ledger.entities() if e.parent is None)
    for metric in ("scope1", "scope2_location", "scope2_market", "scope3"):
        value = inventory.figures.get((root, f"ghg.inventory.{metric}"))
        if value is not None:
            plain(f"  ghg.inventory.{metric}: {value:,.3f} tCO2e")
    plain(f"  {result.added} figures new, {result.revised} changed, {result.unchanged} unchanged")
    for old, new in result.revisions:
        previous, current = old.quantity.value, new.quantity.value
        plain(
            f"  {new.entity}/{new.metric}: {previous} -> {current} {new.quantity.unit} "
            f"({change(current, previous)})"
        )


@app.callback()
def ghg(
    ctx: typer.Context,
    db: DbOption = "esgledger.db",
    period: Annotated[str, typer.Option("--period", "-p", help="Reporting period.")] = "",
    engine: Annotated[str, typer.Option(help="duckdb (default), postgres or spark.")] = "duckdb",
    pg_url: Annotated[
        str | None, typer.Option(help="PostgreSQL URL for --engine postgres (default: --db).")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Compute the inventory of a period and record it (figures, lineage, rejects)."""
    if ctx.invoked_subcommand is not None:
        return
    if not period:
        errors.print("error: give --period (e.g. --period 2019)")
        raise typer.Exit(2)
    from esgledger.errors import EsgLedgerError

    try:
        _run(db, period, engine, pg_url, store)
    except EsgLedgerError as exc:
        errors.print(f"error: {exc}")
        raise typer.Exit(2) from exc


@app.command()
def explain(
    metric: Annotated[str, typer.Argument(help="Inventory metric, e.g. ghg.inventory.scope1.")],
    db: DbOption = "esgledger.db",
    period: Annotated[str, typer.Option("--period", "-p", help="Reporting period.")] = "",
    entity: Annotated[str | None, typer.Option(help="Entity code (default: the group).")] = None,
    rows: Annotated[int, typer.Option(help="How many activity rows to show.")] = 10,
    store: StoreOption = None,
) -> None:
    """Trace a figure to its factors (with citations and fallback level) and activity rows."""
    from esgledger.calculate.ghg_explain import trace
    from esgledger.collect.activity_store import activity_store, row_files
    from esgledger.errors import EsgLedgerError

    ledger = _ledger(db)
    try:
        found = trace(
            ledger, period, metric, entity, row_files(ledger, activity_store(ledger, store)), rows
        )
    except EsgLedgerError as exc:
        errors.print(f"error: {exc}")
        raise typer.Exit(2) from exc
    fig, run = found.figure, found.run
    plain(
        f"{fig.entity}/{fig.period}/{fig.metric} = {fig.quantity} "
        f"(run {run['id']}, {run['engine']}, GWP {run['gwp_set']})"
    )
    for c in found.contributions:
        method = c["method"] or f"scope {c['scope']}"
        plain(
            f"  {c['activity_type']} ({method}) {c['gas']}: {c['tco2e']} tCO2e "
            f"from {c['rows']} rows, {c['quantity']} units"
        )
        for f in c["factors"]:
            plain(
                f"    x {f['key']} = {f['value']} {f['unit']} (set {f['set']}, "
                f"level {f['level']}): {f['citation']}"
            )
        if not c["factors"]:
            plain(f"    x GWP of {c['gas']} ({run['gwp_set']}) or the row's contractual instrument")
    for r in found.rows:
        plain(
            f"  row {r['file']}:{r['line']} (batch {r['batch_id']}) {r['entity']} "
            f"{r['activity_date']} {r['activity_type']} {r['gas']}: {r['value']:.6f}"
        )


@app.command("import-factors")
def import_factors(
    file: Annotated[
        Path,
        typer.Argument(help="CSV: key,value,unit[,region,gas,valid_from,valid_to,table,note]."),
    ],
    set_id: Annotated[str, typer.Option("--set", help="Id of the new factor set.")],
    document: Annotated[str, typer.Option(help="Source document (citation).")],
    db: DbOption = "esgledger.db",
    title: Annotated[str | None, typer.Option(help="Title (default: the set id).")] = None,
    publisher: Annotated[str, typer.Option(help="Publisher.")] = "",
    year_published: Annotated[int | None, typer.Option(help="Year of publication.")] = None,
    url: Annotated[str, typer.Option(help="Where the document is published.")] = "",
) -> None:
    """Import your own factor set (supplier-specific, residual mix, spend...); all or nothing."""
    from esgledger.calculate.ghg_inventory import library_for
    from esgledger.collect.datapoints import sha256_of
    from esgledger.collect.ghg_factors import read_factor_csv
    from esgledger.core.factors import Citation
    from esgledger.errors import ImportFailed
    from esgledger.store.ghg import add_factor_set

    ledger = _ledger(db)
    citation = Citation(
        document=document, publisher=publisher, year_published=year_published, url=url
    )
    try:
        library = library_for(ledger, "")
        factor_set = read_factor_csv(
            file, set_id=set_id, title=title or set_id, citation=citation, library=library
        )
    except ImportFailed as exc:
        print_problems(exc.problems)
        errors.print(f"{file.name}: nothing imported ({len(exc.problems)} problem(s))")
        raise typer.Exit(1) from exc
    add_factor_set(ledger, factor_set, file=file.name, sha256=sha256_of(file), user="cli")
    plain(f"{file.name}: factor set {set_id} imported with {len(factor_set.factors)} factors")


@app.command()
def pin(
    sets: Annotated[list[str], typer.Argument(help="Factor set ids, highest priority first.")],
    db: DbOption = "esgledger.db",
    period: Annotated[str, typer.Option("--period", "-p", help="Reporting period.")] = "",
    engine: Annotated[str, typer.Option(help="Engine for the recalculation.")] = "duckdb",
    store: StoreOption = None,
) -> None:
    """Pin factor sets for a period, recalculate, and show every figure that changed."""
    from esgledger.calculate.ghg_inventory import library_for
    from esgledger.errors import EsgLedgerError
    from esgledger.store.ghg import pin_sets

    ledger = _ledger(db)
    known = library_for(ledger, period).sets
    unknown = [s for s in sets if s not in known]
    if unknown or not period:
        errors.print(
            f"error: unknown factor set(s) {', '.join(unknown)}"
            if unknown
            else "error: give --period"
        )
        raise typer.Exit(2)
    pin_sets(ledger, period, sets)
    plain(f"{period}: pinned {', '.join(sets)}")
    try:
        _run(db, period, engine, None, store)
    except EsgLedgerError as exc:
        errors.print(f"error: {exc}")
        raise typer.Exit(2) from exc
