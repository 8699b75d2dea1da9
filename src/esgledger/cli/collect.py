"""``esgledger collect``: templates out, validated imports in, review and approval."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from esgledger.cli.main import DbOption, _fail, _open
from esgledger.cli.output import errors, plain, print_problems
from esgledger.errors import EsgLedgerError

app = typer.Typer(
    help="Collect data from entities: Excel templates out, validated imports in, review "
    "(draft -> submitted -> approved -> locked) with comments and swing explanations.",
    no_args_is_help=True,
)
UserOption = Annotated[str, typer.Option("--user", help="Who acts (recorded in the audit trail).")]
PeriodOpt = Annotated[str, typer.Option("--period", "-p", help="Reporting period, e.g. 2020.")]
EntityOpt = Annotated[str, typer.Option("--entity", "-e", help="Entity code.")]


@app.command()
def templates(
    period: PeriodOpt,
    db: DbOption = "esgledger.db",
    out: Annotated[Path, typer.Option(help="Folder for the workbooks.")] = Path("templates"),
    user: UserOption = "cli",
) -> None:
    """Write one XLSX data request per entity (and department) for a period.

    Each lists the metrics the entity owes (the inputs it reported last period plus those
    assigned with `collect assign`), last period's values, unit drop-downs, validation,
    instructions, protected structure and a hidden identity sheet.
    """
    from esgledger.collect.templates import write_templates
    from esgledger.core.catalog import default_catalog

    ledger = _open(db)
    try:
        paths = write_templates(ledger, default_catalog(), period, out, actor=user)
    except EsgLedgerError as exc:
        _fail(str(exc))
    for path in paths:
        plain(f"wrote {path}")
    if not paths:
        plain("no entity owes any metric yet: assign metrics with `esgledger collect assign`")


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="Returned template workbooks (.xlsx).")],
    db: DbOption = "esgledger.db",
    user: UserOption = "cli",
    reason: Annotated[
        str | None, typer.Option(help="Why values already submitted or approved change.")
    ] = None,
    period: Annotated[
        str | None, typer.Option("--period", "-p", help="Refuse templates of other periods.")
    ] = None,
    entity: Annotated[str | None, typer.Option(help="Refuse templates of other entities.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")] = (
        False
    ),
    error_report: Annotated[
        Path | None,
        typer.Option(help="Folder for <file>.errors.xlsx reports (default: next to each file)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Problems as JSON.")] = False,
) -> None:
    """Import returned templates: every cell validated, each file entirely or not at all.

    Problems are printed as `file.xlsx!Sheet!C7: message` and written to an error report
    workbook highlighting the cells. A file imported before is recognised by its hash.
    """
    from esgledger.collect.error_report import report_path, write_error_report
    from esgledger.collect.template_import import ImportOptions, import_templates
    from esgledger.core.catalog import default_catalog

    ledger = _open(db)
    options = ImportOptions(user=user, reason=reason, period=period, entity=entity, dry_run=dry_run)
    outcomes = import_templates(ledger, files, default_catalog(), options)
    failed = False
    for path, outcome in zip(files, outcomes, strict=True):
        if not outcome.ok:
            failed = True
            print_problems(outcome.data.problems, as_json=as_json)
            target = write_error_report(
                path, outcome.data.problems, report_path(path, error_report)
            )
            errors.print(
                f"{path.name}: nothing imported ({len(outcome.data.problems)} problem(s)); "
                f"error report: {target}",
                soft_wrap=True,
            )
            continue
        _print_outcome(outcome, dry_run)
    if failed:
        raise typer.Exit(1)


def _print_outcome(outcome, dry_run: bool) -> None:  # outcome: TemplateOutcome
    r = outcome.result
    verb = "would import" if dry_run else "imported"
    seen = ""
    if outcome.earlier:
        first = outcome.earlier[0]
        seen = f" (the same file was imported before by {first['user_name']}, batch {first['id']})"
    plain(
        f"{outcome.data.file}: {verb} {r.added} new, {r.revised} revised, {r.unchanged} "
        f"unchanged, {len(outcome.data.blanks)} left blank{seen}"
    )
    for old, new in r.revisions:
        plain(f"  {'/'.join(new.key)}: {old.quantity} -> {new.quantity}")


@app.command()
def assign(
    entity: EntityOpt,
    metric: Annotated[str, typer.Option(help="Metric id the entity owes.")],
    db: DbOption = "esgledger.db",
    department: Annotated[
        str | None, typer.Option(help="Department that answers (its own workbook).")
    ] = None,
    user: UserOption = "cli",
) -> None:
    """Make an entity (and optionally one of its departments) owe a metric."""
    from esgledger.collect.templates import Assignment
    from esgledger.collect.templates import assign as assign_metric
    from esgledger.core.catalog import default_catalog

    ledger = _open(db)
    try:
        assign_metric(
            ledger,
            default_catalog(),
            Assignment(entity=entity, metric=metric, department=department),
            actor=user,
        )
    except EsgLedgerError as exc:
        _fail(str(exc))
    plain(f"{entity} owes {metric}" + (f" (department {department})" if department else ""))


from esgledger.cli import collect_review  # noqa: E402  (registers the review commands)

collect_review.register(app)
