"""``esgledger suppliers``: the supplier register imported from an ERP export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from esgledger.cli.main import DEFAULT_DB, DbOption, _open
from esgledger.cli.output import dumps, plain, print_problems

app = typer.Typer(
    name="suppliers",
    help="The supplier register (ERP export, CSV or XLSX): categories, onboarding, screening, "
    "agreements, audits; the base of the supply-chain KPIs and of the conflict-minerals campaign.",
    no_args_is_help=True,
)


@app.command("import")
def import_register(
    file: Annotated[Path, typer.Argument(help="The register: CSV or XLSX, one supplier a row.")],
    db: DbOption = DEFAULT_DB,
    user: Annotated[str, typer.Option(help="Who imports.")] = "cli",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Problems as JSON.")] = False,
) -> None:
    """Import (or update, by supplier code) the supplier register; all rows or none.

    Columns, matched loosely by header: code, name (required), category, country, spend,
    currency, onboarded, active, conflict minerals (yes = asked for a CMRT), environmental
    screening and social screening (pass / fail / empty), integrity agreement, CSR agreement,
    NDA (yes/no), last audit, rating, e-mail.
    """
    from esgledger.collect.suppliers import read_register
    from esgledger.store.supply_chain import save_suppliers

    register, problems = read_register(file)
    if problems:
        print_problems(problems, as_json=as_json)
        plain(f"{file.name}: nothing imported ({len(problems)} problems)")
        raise typer.Exit(1)
    if dry_run:
        plain(f"{file.name}: {len(register)} suppliers would be imported (dry run)")
        return
    ledger = _open(db)
    added, updated = save_suppliers(ledger, register, file=file.name, user=user)
    plain(f"{file.name}: {added} suppliers added, {updated} updated")


@app.command("list")
def list_suppliers(
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Output as JSON.")] = False,
) -> None:
    """The supplier register."""
    from esgledger.store.supply_chain import suppliers

    register = suppliers(_open(db, create=False))
    if as_json:
        print(dumps(register))
        return
    for s in register:
        screened = ",".join(k for k, v in s.screening.items() if v) or "-"
        cmrt = "CMRT" if s.conflict_minerals else "-"
        plain(
            f"{s.code}\t{s.name}\t{s.category}\t{s.country}\t{s.onboarded or '-'}\t"
            f"screened:{screened}\t{cmrt}"
        )
    plain(f"{len(register)} suppliers")
