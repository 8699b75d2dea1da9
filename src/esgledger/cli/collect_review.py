"""Review commands of ``esgledger collect``: status, submit, approve, reject, lock, comment."""

from __future__ import annotations

from typing import Annotated

import typer

from esgledger.cli.main import DbOption, _fail, _open
from esgledger.cli.output import plain
from esgledger.errors import EsgLedgerError

PeriodOpt = Annotated[str, typer.Option("--period", "-p", help="Reporting period, e.g. 2020.")]
EntityOpt = Annotated[str, typer.Option("--entity", "-e", help="Entity code.")]
MetricOpt = Annotated[
    str | None, typer.Option("--metric", "-m", help="One figure; default: the whole entity.")
]
UserOpt = Annotated[str, typer.Option("--user", help="Who acts (recorded in the audit trail).")]
VersionOpt = Annotated[
    int | None,
    typer.Option(help="Version you reviewed (from `collect status`); refused if it moved."),
]
ReasonOpt = Annotated[str | None, typer.Option(help="Why (required to reject).")]


def status(period: PeriodOpt, db: DbOption = "esgledger.db", entity: str | None = None) -> None:
    """Show review status: per entity, or (with --entity) per figure with version and swing."""
    from esgledger.collect import submissions, workflow

    ledger = _open(db)
    try:
        if entity is None:
            for s in submissions.submissions(ledger, period):
                counts = ", ".join(f"{n} {k}" for k, n in sorted(s.counts.items())) or "no data"
                plain(f"{s.entity}: {s.status} (version {s.version}) - {counts}")
            return
        for state in workflow.figures(ledger, period, entity=entity):
            dp, swing = state.datapoint, state.swing
            line = f"{dp.metric}: {dp.quantity} [{dp.status}] version {state.version}"
            if swing is not None:
                line += f", {swing.change_percent:+.1f}% vs {swing.prior_period}"
                line += " (explained)" if swing.explanation else ""
                line += " NEEDS EXPLANATION" if swing.needs_explanation else ""
            plain(line)
    except EsgLedgerError as exc:
        _fail(str(exc))


def _act(
    action: str,
    db: str,
    period: str,
    entity: str,
    metric: str | None,
    user: str,
    version: int | None,
    reason: str | None,
) -> None:
    from esgledger.collect import submissions, workflow

    ledger = _open(db)
    try:
        if metric is None:
            current = submissions.submission(ledger, entity, period).version
            step = getattr(submissions, f"{action}_entity")
            kwargs = {"reason": reason} if action == "reject" else {}
            done = step(
                ledger, entity, period, expected_version=_v(version, current), actor=user, **kwargs
            )
            plain(f"{entity}/{period}: {done.status} (version {done.version})")
            return
        current = workflow.figure(ledger, entity, period, metric).version
        kwargs = {"reason": reason} if action == "reject" else {}
        state = getattr(workflow, action)(
            ledger, entity, period, metric, expected_version=_v(version, current), actor=user,
            **kwargs,
        )  # fmt: skip
        plain(f"{entity}/{period}/{metric}: {state.datapoint.status} (version {state.version})")
    except EsgLedgerError as exc:
        _fail(str(exc))


def _v(given: int | None, current: int) -> int:
    return current if given is None else given


def register(app: typer.Typer) -> None:
    """Add the review commands to the ``collect`` app."""
    app.command()(status)
    for action, text in (
        ("submit", "Submit draft figures for review (one --metric, or the whole entity)."),
        ("approve", "Approve submitted figures; swings beyond 30% need an explanation first."),
        ("reject", "Send figures back to draft, with --reason."),
        ("lock", "Lock approved figures (published); later changes are restatements."),
    ):
        app.command(action, help=text)(_command(action))
    app.command()(comment)
    app.command()(explain)
    app.command("lock-period")(lock_period)
    app.command("claim-no-restatements")(claim_no_restatements)


def _command(action: str):  # -> a Typer command function
    def command(
        period: PeriodOpt,
        entity: EntityOpt,
        db: DbOption = "esgledger.db",
        metric: MetricOpt = None,
        user: UserOpt = "cli",
        version: VersionOpt = None,
        reason: ReasonOpt = None,
    ) -> None:
        _act(action, db, period, entity, metric, user, version, reason)

    command.__name__ = action
    return command


def comment(
    text: Annotated[str, typer.Argument(help="The remark.")],
    period: PeriodOpt,
    entity: EntityOpt,
    db: DbOption = "esgledger.db",
    metric: MetricOpt = None,
    user: UserOpt = "cli",
) -> None:
    """Attach a comment to a figure (or to the entity's submission)."""
    from esgledger.collect.workflow import add_comment

    ledger = _open(db)
    try:
        add_comment(ledger, entity, period, metric, actor=user, text=text)
    except EsgLedgerError as exc:
        _fail(str(exc))
    plain("comment added")


def explain(
    text: Annotated[str, typer.Argument(help="Why the figure changed year on year.")],
    period: PeriodOpt,
    entity: EntityOpt,
    metric: Annotated[str, typer.Option("--metric", "-m", help="Metric id.")],
    db: DbOption = "esgledger.db",
    user: UserOpt = "cli",
) -> None:
    """Explain a year-on-year swing (a variance note), as approval requires."""
    from esgledger.collect.workflow import explain_swing, figure

    ledger = _open(db)
    try:
        version = figure(ledger, entity, period, metric).version
        explain_swing(
            ledger, entity, period, metric, expected_version=version, actor=user, text=text
        )
    except EsgLedgerError as exc:
        _fail(str(exc))
    plain(f"{entity}/{period}/{metric}: swing explained")


def lock_period(period: PeriodOpt, db: DbOption = "esgledger.db", user: UserOpt = "cli") -> None:
    """Lock every approved figure of a period once the report is published."""
    from esgledger.collect.submissions import lock_period as lock

    ledger = _open(db)
    try:
        count = lock(ledger, period, actor=user)
    except EsgLedgerError as exc:
        _fail(str(exc))
    plain(f"{period}: {count} figures locked")


def claim_no_restatements(
    db: DbOption = "esgledger.db",
    withdraw: Annotated[bool, typer.Option("--withdraw", help="Remove the claim.")] = False,
) -> None:
    """Record that the report states nothing was restated; `check` then verifies the claim."""
    from esgledger.check.restatement_claims import CLAIM_SETTING

    ledger = _open(db)
    ledger.set_setting(CLAIM_SETTING, not withdraw)
    plain("claim withdrawn" if withdraw else "the report claims no restatements")
