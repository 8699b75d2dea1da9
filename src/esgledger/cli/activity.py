"""``esgledger activity``: import activity records (fuel, electricity, refrigerants, purchases,
freight, travel) into the ledger's activity store, and list the import batches."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from esgledger.cli.output import errors, plain, print_problems

app = typer.Typer(help="Activity records for the GHG inventory: import and list batches.")

DbOption = Annotated[
    str, typer.Option("--db", envvar="ESGLEDGER_DB", help="Ledger: SQLite path or database URL.")
]
StoreOption = Annotated[
    Path | None,
    typer.Option(help="Activity store folder (default: <ledger>.activity/ beside a SQLite file)."),
]


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="CSV, XLSX or Parquet files.")],
    db: DbOption = "esgledger.db",
    mapping: Annotated[
        Path | None, typer.Option(help="YAML mapping of your columns and activity codes.")
    ] = None,
    user: Annotated[str | None, typer.Option(help="Who imports (default: login name).")] = None,
    store: StoreOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Problems as JSON.")] = False,
) -> None:
    """Import activity rows; each file is one batch with its SHA-256, user and time.

    Columns: `entity,date,activity_type,quantity,unit` and optionally `gas` (refrigerants),
    `supplier`, `country`, `grid_region`, `instrument`, `instrument_factor`,
    `instrument_unit` (market-based scope 2: certificates, PPAs, supplier contracts).
    Rows that fail a check (unknown entity or activity type, malformed date, negative or
    non-numeric quantity, unit of the wrong dimension, duplicate, ...) go to a rejects CSV
    with line and reason; a file that cannot be read, lacks a column or was imported before
    is refused whole and nothing changes. Exits 1 when any file was refused.
    """
    from esgledger.cli.main import _open
    from esgledger.collect.activity import import_activity_file
    from esgledger.collect.activity_files import read_mapping
    from esgledger.errors import EsgLedgerError, ImportFailed

    ledger = _open(db)
    failed = False
    for path in files:
        try:
            chosen = read_mapping(mapping) if mapping else None
            outcome = import_activity_file(ledger, path, mapping=chosen, user=user, store=store)
        except ImportFailed as exc:
            print_problems(exc.problems, as_json=as_json)
            errors.print(f"{path.name}: nothing imported ({len(exc.problems)} problem(s))")
            failed = True
            continue
        except EsgLedgerError as exc:
            errors.print(f"error: {exc}")
            raise typer.Exit(2) from exc
        plain(
            f"{outcome.file}: batch {outcome.batch_id}: {outcome.rows_read} rows read = "
            f"{outcome.rows_accepted} accepted + {outcome.rows_rejected} rejected"
        )
        if outcome.rejects_file:
            plain(f"  rejects (line, reason): {outcome.rejects_file}")
    if failed:
        raise typer.Exit(1)


@app.command("batches")
def batches_(db: DbOption = "esgledger.db") -> None:
    """List the import batches: file, SHA-256, user, time and row counts."""
    from esgledger.cli.main import _open
    from esgledger.store.ghg import batches

    for b in batches(_open(db)):
        plain(
            f"batch {b['id']}: {b['file']} sha256 {b['sha256'][:12]} by {b['user_name']} at "
            f"{b['recorded_at']:%Y-%m-%d %H:%M} UTC: {b['rows_read']} read, "
            f"{b['rows_accepted']} accepted, {b['rows_rejected']} rejected"
        )
