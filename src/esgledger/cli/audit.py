"""``esgledger audit``, ``backup`` and ``restore``: the tamper-evident trail and exact copies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from esgledger.cli.main import DbOption, _fail, _open
from esgledger.cli.output import plain, print_problems
from esgledger.errors import EsgLedgerError

app = typer.Typer(
    help="The audit trail: verify it, print history, export the assurance package.",
    no_args_is_help=True,
)
LOG_COLUMNS = ("seq", "created", "actor", "name", "entity", "period", "metric", "old", "new")


@app.command()
def verify(
    db: DbOption = "esgledger.db",
    expect: Annotated[
        str | None, typer.Option(help="A head hash recorded earlier that must still be there.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Problems as JSON.")] = False,
) -> None:
    """Check the hash chain and that the ledger equals the replayed trail; exit 1 if not.

    Detects any edit, insertion or deletion of datapoints, notes, comments, submissions or
    audit events made behind esgledger's back. Prints the head hash to keep elsewhere.
    """
    from esgledger.store import audit

    ledger = _open(db)
    problems = audit.verify(ledger, expect=expect)
    seq, digest = audit.head(ledger)
    print_problems(problems, as_json=as_json)
    if not as_json:
        state = "intact" if not problems else f"{len(problems)} problem(s)"
        plain(f"audit trail: {seq} events, head {digest}: {state}")
    if problems:
        raise typer.Exit(1)


@app.command()
def log(
    db: DbOption = "esgledger.db",
    metric: Annotated[str | None, typer.Option("--metric", "-m", help="Metric id.")] = None,
    entity: Annotated[str | None, typer.Option("--entity", "-e", help="Entity code.")] = None,
    period: Annotated[str | None, typer.Option("--period", "-p", help="Period code.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, json or csv.")] = "text",
    out: Annotated[Path | None, typer.Option(help="Write CSV to this file.")] = None,
) -> None:
    """Print the history: who changed what, when, from what to what, why and from where."""
    from esgledger.collect.safe_export import neutralise, write_csv
    from esgledger.store import audit

    events = audit.log(_open(db), metric=metric, entity=entity, period=period)
    rows = [
        [e.seq, e.created.isoformat(timespec="seconds"), e.actor, e.name, e.entity or "",
         e.period or "", e.metric or "", json.dumps(e.old), json.dumps(e.new)]
        for e in events
    ]  # fmt: skip
    if fmt == "csv" and out is not None:
        write_csv(out, LOG_COLUMNS, rows)
        plain(f"wrote {out}")
    elif fmt == "csv":
        import csv
        import sys

        writer = csv.writer(sys.stdout)
        writer.writerow(LOG_COLUMNS)
        writer.writerows([[neutralise(v) for v in row] for row in rows])
    elif fmt == "json":
        print(json.dumps([dict(zip(LOG_COLUMNS, r, strict=True)) for r in rows], indent=2))
    else:
        for e in events:
            what = "/".join(p for p in (e.entity, e.period, e.metric) if p)
            change = _change(e.old, e.new)
            extra = (f" — {e.reason}" if e.reason else "") + (f" [{e.source}]" if e.source else "")
            when = f"{e.created:%Y-%m-%d %H:%M:%S} UTC"
            plain(f"#{e.seq} {when} {e.actor} {e.name} {what}{change}{extra}")


def _change(old: object, new: object) -> str:
    def short(state: object) -> str:
        if isinstance(state, dict) and "value" in state:
            return f"{state['value']} {state.get('unit', '')} ({state.get('status', '')})".strip()
        if isinstance(state, dict) and "status" in state:
            return str(state["status"])
        return ""

    before, after = short(old), short(new)
    if before and after:
        return f": {before} -> {after}"
    return f": {after}" if after else ""


@app.command()
def export(
    period: Annotated[str, typer.Option("--period", "-p", help="Reporting period.")],
    db: DbOption = "esgledger.db",
    out: Annotated[Path, typer.Option(help="The XLSX file to write.")] = Path("assurance.xlsx"),
) -> None:
    """Write the assurance package (XLSX): figures with lineage, evidence, approvals, notes."""
    from esgledger.report.assurance import write_assurance_package

    ledger = _open(db)
    try:
        path = write_assurance_package(ledger, period, out)
    except EsgLedgerError as exc:
        _fail(str(exc))
    plain(f"wrote {path}")


def backup(
    out: Annotated[Path, typer.Option(help="Backup file to write (JSON lines).")],
    db: DbOption = "esgledger.db",
) -> None:
    """Copy every table of the ledger (audit trail included) into one JSON-lines file."""
    from esgledger.store.backup import backup as write_backup

    count = write_backup(_open(db), out)
    plain(f"wrote {out}: {count} rows")


def restore(
    source: Annotated[Path, typer.Argument(help="A file written by `esgledger backup`.")],
    db: DbOption = "esgledger.db",
) -> None:
    """Load a backup into a new, empty ledger (exactly as it was), then verify its audit trail."""
    from esgledger.store import audit
    from esgledger.store.backup import restore as load

    ledger = _open(db, create=True)
    try:
        count = load(ledger, source)
    except (EsgLedgerError, ValueError, KeyError) as exc:
        _fail(str(exc))
    problems = audit.verify(ledger)
    print_problems(problems)
    plain(
        f"restored {count} rows into {db}; audit trail " + ("intact" if not problems else "BROKEN")
    )
    if problems:
        raise typer.Exit(1)
