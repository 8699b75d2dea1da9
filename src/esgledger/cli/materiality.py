"""``esgledger materiality``: stakeholders, engagement log, surveys, matrix, validation, DMA."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer

from esgledger.cli.main import DEFAULT_DB, DbOption, _fail, _open
from esgledger.cli.materiality_show import assessment_rows, print_table
from esgledger.cli.output import errors, plain, print_problems
from esgledger.core.materiality import Audience, Scale, Thresholds, Validation, Zone, ZoneChange
from esgledger.errors import EsgLedgerError, ImportFailed

app = typer.Typer(
    name="materiality",
    help="Materiality assessment: stakeholder register and engagement log, survey imports, "
    "weights and thresholds, the matrix, management validation and double materiality.",
    no_args_is_help=True,
)
Period = Annotated[str, typer.Option("--period", "-p", help="Reporting period, e.g. 2019.")]
Json = Annotated[bool, typer.Option("--json", help="Output as JSON.")]


def _decimal(text: str, what: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        _fail(f"{what}: {text!r} is not a number")


def _scale(text: str, labels: str) -> Scale:
    low, _, high = text.partition("-")
    if not (low.strip().isdigit() and high.strip().isdigit()):
        _fail(f"--scale: write the scale as LOW-HIGH, e.g. 1-5 (not {text!r})")
    names = tuple(s.strip() for s in labels.split(",") if s.strip())
    scale = Scale(low=int(low), high=int(high), labels=names)
    if names and len(names) != scale.high - scale.low + 1:
        _fail(
            f"--labels: {len(names)} answers for the {len(range(scale.low, scale.high + 1))} "
            f"points of the scale {scale}"
        )
    return scale


@app.command("stakeholders")
def stakeholders(db: DbOption = DEFAULT_DB, period: Period = "", as_json: Json = False) -> None:
    """The stakeholder register: groups, concerns, channels, frequency (and weights of a period)."""
    from esgledger.store import materiality as store

    ledger = _open(db)
    weights = store.weights(ledger, period) if period else {}
    rows = [
        {
            "group": g.name,
            "weight": str(weights.get(g.name, "")),
            "issues": "; ".join(g.issues),
            "channels": "; ".join(g.channels),
            "frequency": g.frequency,
        }
        for g in ledger.stakeholder_groups()
    ]
    print_table(rows, as_json, "Stakeholder register")


@app.command("issues")
def issues(db: DbOption = DEFAULT_DB, as_json: Json = False) -> None:
    """The catalog of candidate material issues with their GRI topics and ESRS standards."""
    rows = [
        {
            "number": i.number,
            "category": i.category,
            "issue": i.name,
            "gri": ", ".join(i.gri_topics),
            "esrs": ", ".join(i.esrs),
        }
        for i in _open(db).material_issues()
    ]
    print_table(rows, as_json, "Issue catalog")


@app.command("engage")
def engage(
    group: Annotated[str, typer.Option(help="Stakeholder group of the register.")],
    channel: Annotated[str, typer.Option(help="How: meeting, survey, site visit, ...")],
    topic: Annotated[str, typer.Option(help="What was discussed.")],
    outcome: Annotated[str, typer.Option(help="What came of it.")] = "",
    date: Annotated[str, typer.Option(help="When (YYYY-MM-DD); default today.")] = "",
    user: Annotated[str, typer.Option(help="Who records it.")] = "cli",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Add an entry to the stakeholder engagement log."""
    from esgledger.core.materiality import EngagementEvent
    from esgledger.store import materiality as store

    ledger = _open(db)
    names = {g.name.lower(): g.name for g in ledger.stakeholder_groups()}
    if group.lower() not in names:
        _fail(f"unknown stakeholder group {group!r} (register: {', '.join(names.values())})")
    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        _fail(f"--date: {date!r} is not a date (YYYY-MM-DD)")
    event = EngagementEvent(
        date=day,
        group=names[group.lower()],
        channel=channel,
        topic=topic,
        outcome=outcome,
        user=user,
    )
    store.add_engagements(ledger, [event])
    plain(f"logged: {day} {event.group} via {channel}: {topic}")


@app.command("log")
def log(
    db: DbOption = DEFAULT_DB,
    start: Annotated[str, typer.Option("--from", help="First date (YYYY-MM-DD).")] = "",
    end: Annotated[str, typer.Option("--to", help="Last date (YYYY-MM-DD).")] = "",
    as_json: Json = False,
) -> None:
    """The stakeholder engagement log: date, group, channel, topic, outcome."""
    from esgledger.store import materiality as store

    try:
        first = dt.date.fromisoformat(start) if start else None
        last = dt.date.fromisoformat(end) if end else None
    except ValueError as exc:
        _fail(f"--from/--to: {exc}")
    rows = [
        {
            "date": str(e.date),
            "group": e.group,
            "channel": e.channel,
            "topic": e.topic,
            "outcome": e.outcome,
            "by": e.user,
        }
        for e in store.engagements(_open(db), start=first, end=last)
    ]
    print_table(rows, as_json, "Engagement log")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="Survey export: CSV or XLSX, wide or long layout.")],
    period: Period,
    wave: Annotated[
        str, typer.Option(help="Name of this survey wave; default: the file name.")
    ] = "",
    audience: Annotated[Audience, typer.Option(help="Who answered.")] = Audience.STAKEHOLDERS,
    scale: Annotated[str, typer.Option(help="Likert scale LOW-HIGH of the scores.")] = "1-5",
    labels: Annotated[
        str,
        typer.Option(
            help="Answer texts from LOW to HIGH, comma-separated, "
            "for exports that print answers instead of scores."
        ),
    ] = "",
    sheet: Annotated[str | None, typer.Option(help="Worksheet (XLSX); default: the first.")] = None,
    title: Annotated[str, typer.Option(help="Description of the wave.")] = "",
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace a wave of that name.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only.")] = False,
    user: Annotated[str, typer.Option(help="Who imports.")] = "cli",
    db: DbOption = DEFAULT_DB,
    as_json: Json = False,
) -> None:
    """Import survey responses (one wave): all of the file or nothing.

    Wide layout: `respondent, group, <one column per issue>` (issue number, `Q12` or name);
    long layout: `respondent, group, issue, score`. Management waves (`--audience management`)
    need no group column. Problems are printed as `file:row` or `file!Sheet!C7` with the
    column; exit status 1 and nothing imported when there is any.
    """
    from esgledger.collect.survey import import_survey, wave_for

    ledger = _open(db)
    target = wave_for(
        wave or file.stem, period, audience, _scale(scale, labels), title=title, user=user
    )
    try:
        outcome = import_survey(ledger, file, target, sheet=sheet, replace=replace, dry_run=dry_run)
    except ImportFailed as exc:
        print_problems(exc.problems, as_json=as_json)
        errors.print(f"{file.name}: nothing imported ({len(exc.problems)} problem(s))")
        raise typer.Exit(1) from None
    verb = "would import" if dry_run else "imported"
    plain(
        f"{file.name}: {verb} wave {outcome.wave.code!r} ({outcome.layout} layout): "
        f"{outcome.respondents} respondents, {outcome.scores} scores"
    )


@app.command("weights")
def weights(
    period: Period,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set", help="GROUP=WEIGHT (repeatable); replaces all weights of the period."
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Show or set the weights of stakeholder groups (they must not add up to zero)."""
    from esgledger.calculate.materiality import check_weights
    from esgledger.store import materiality as store

    ledger = _open(db)
    if set_:
        names = {g.name.lower(): g.name for g in ledger.stakeholder_groups()}
        values = {}
        for item in set_:
            group, _, weight = item.rpartition("=")
            values[names.get(group.strip().lower(), group.strip())] = _decimal(weight, item)
        reasons = check_weights(values, names.values())
        if reasons:
            _fail("; ".join(reasons))
        store.set_weights(ledger, period, values)
    for group, weight in (store.weights(ledger, period) or {"(every group)": Decimal(1)}).items():
        plain(f"{group}: {weight}")


@app.command("thresholds")
def thresholds(
    period: Period,
    high: Annotated[
        str, typer.Option(help="Score from which an issue is of high importance.")
    ] = "",
    moderate: Annotated[str, typer.Option(help="Score from which it is moderate.")] = "",
    material: Annotated[
        str, typer.Option(help="Zones that are material: high or high,moderate.")
    ] = "high",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Show or set the zone thresholds of the matrix (the same on both axes)."""
    from esgledger.calculate.materiality_run import assess
    from esgledger.store import materiality as store

    ledger = _open(db)
    if high or moderate:
        try:
            zones = tuple(Zone(z.strip()) for z in material.split(","))
        except ValueError:
            _fail(f"--material: {material!r}: use high, moderate or low, comma-separated")
        value = Thresholds(
            high=_decimal(high or "4", "--high"),
            moderate=_decimal(moderate or "3", "--moderate"),
            material_zones=zones,
        )
        if value.moderate > value.high:
            _fail("--moderate must not be above --high")
        store.set_thresholds(ledger, period, value)
    current = _assess(assess, ledger, period).thresholds
    plain(
        f"high >= {current.high}, moderate >= {current.moderate}; material zones: "
        + ", ".join(str(z) for z in current.material_zones)
    )


def _assess(assess: Any, ledger: Any, period: str) -> Any:
    try:
        return assess(ledger, period)
    except EsgLedgerError as exc:
        _fail(str(exc))


@app.command("assess")
def assess_(
    period: Period,
    by_group: Annotated[bool, typer.Option("--by-group", help="One row per issue and group.")] = (
        False
    ),
    db: DbOption = DEFAULT_DB,
    as_json: Json = False,
) -> None:
    """The ranked issues: scores on both axes, responses, dispersion, zone, material or not."""
    from esgledger.calculate.materiality_run import assess

    result = _assess(assess, _open(db), period)
    print_table(assessment_rows(result, by_group), as_json, f"Materiality assessment {period}")
    if not as_json:
        plain(
            f"{len(result.topics)} material topic(s); validation: "
            + (
                "current"
                if result.validation_current
                else "outdated"
                if result.validation
                else "none"
            )
        )


@app.command("matrix")
def matrix(
    period: Period,
    out: Annotated[Path, typer.Option(help="File to write: .svg, .png or .pdf.")] = Path(
        "materiality-matrix.svg"
    ),
    db: DbOption = DEFAULT_DB,
) -> None:
    """Draw the materiality matrix (numbered issues, threshold lines, zones) to a file."""
    from esgledger.calculate.materiality_run import assess
    from esgledger.report.materiality_matrix import FORMATS, write_matrix

    if out.suffix.lower().lstrip(".") not in FORMATS:
        _fail(f"--out: use a .svg, .png or .pdf file name, not {out.name!r}")
    result = _assess(assess, _open(db), period)
    plain(f"wrote {write_matrix(result, out)}")


@app.command("validate")
def validate(
    period: Period,
    by: Annotated[str, typer.Option(help="Who validates: name and role.")],
    date: Annotated[str, typer.Option(help="Date of the decision (YYYY-MM-DD).")] = "",
    move: Annotated[
        list[str] | None,
        typer.Option(help="ISSUE=ZONE:REASON, e.g. '5=high:strategic priority' (repeatable)."),
    ] = None,
    comment: Annotated[str, typer.Option(help="The decision as minuted.")] = "",
    user: Annotated[str, typer.Option(help="Who records it.")] = "cli",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Record management's validation of the assessment (who, when, what was changed)."""
    from esgledger.calculate.materiality_run import assess
    from esgledger.store import materiality as store

    ledger = _open(db)
    result = _assess(assess, ledger, period)
    numbers = {r.issue.number for r in result.issues}
    changes = tuple(_change(m, numbers) for m in move or ())
    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        _fail(f"--date: {date!r} is not a date (YYYY-MM-DD)")
    store.add_validation(
        ledger,
        Validation(
            period=period,
            validated_by=by,
            validated_on=day,
            changes=changes,
            comment=comment,
            result_hash=result.result_hash,
            user=user,
        ),
    )
    plain(f"validation of {period} recorded: {by}, {day}, {len(changes)} change(s)")


def _change(text: str, numbers: set[int]) -> ZoneChange:
    issue, _, rest = text.partition("=")
    zone, _, reason = rest.partition(":")
    if not issue.strip().isdigit() or int(issue) not in numbers:
        _fail(f"--move {text!r}: {issue!r} is not an issue number of the catalog")
    if zone.strip() not in {z.value for z in Zone} or not reason.strip():
        _fail(f"--move {text!r}: write ISSUE=ZONE:REASON with zone high, moderate or low")
    return ZoneChange(issue=int(issue), zone=Zone(zone.strip()), reason=reason.strip())


@app.command("validations")
def validations(period: Period, db: DbOption = DEFAULT_DB, as_json: Json = False) -> None:
    """Every validation of the period: who, when, changes, and whether it is still current."""
    from esgledger.calculate.materiality_run import assess
    from esgledger.store import materiality as store

    ledger = _open(db)
    current = _assess(assess, ledger, period).result_hash
    rows = [
        {
            "date": str(v.validated_on),
            "by": v.validated_by,
            "changes": "; ".join(f"{c.issue}->{c.zone} ({c.reason})" for c in v.changes),
            "comment": v.comment,
            "current": "yes" if v.result_hash == current else "no",
            "recorded": f"{v.user} {v.recorded_at:%Y-%m-%d %H:%M} UTC",
        }
        for v in store.validations(ledger, period)
    ]
    print_table(rows, as_json, f"Validations {period}")


@app.command("dma-import")
def dma_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV or XLSX: one row per impact, risk or opportunity, with scores and rationales."
        ),
    ],
    period: Period,
    impact_threshold: Annotated[str, typer.Option(help="Impact score that is material.")] = "3",
    financial_threshold: Annotated[
        str, typer.Option(help="Financial score that is material.")
    ] = "3",
    sheet: Annotated[str | None, typer.Option(help="Worksheet (XLSX).")] = None,
    user: Annotated[str, typer.Option(help="Who imports.")] = "cli",
    db: DbOption = DEFAULT_DB,
    as_json: Json = False,
) -> None:
    """Import the double materiality assessment (ESRS 1) of a period, replacing the earlier one.

    Columns: `code, issue, kind, description, potential, human rights` and a score and a
    `<criterion> rationale` column for `scale, scope, irremediable, likelihood, magnitude`
    (1-5). Every required score needs its rationale.
    """
    from esgledger.calculate.materiality_run import DMA_SETTING
    from esgledger.collect.dma import import_iros

    ledger = _open(db)
    limits = {
        "impact": str(_decimal(impact_threshold, "--impact-threshold")),
        "financial": str(_decimal(financial_threshold, "--financial-threshold")),
    }
    try:
        count = import_iros(ledger, file, period, sheet=sheet, user=user)
    except ImportFailed as exc:
        print_problems(exc.problems, as_json=as_json)
        errors.print(f"{file.name}: nothing imported ({len(exc.problems)} problem(s))")
        raise typer.Exit(1) from None
    except EsgLedgerError as exc:
        _fail(str(exc))
    ledger.set_setting(DMA_SETTING, {**(ledger.setting(DMA_SETTING) or {}), period: limits})
    plain(f"{file.name}: imported {count} impacts, risks and opportunities for {period}")


@app.command("dma")
def dma(period: Period, db: DbOption = DEFAULT_DB, as_json: Json = False) -> None:
    """The double materiality results: each IRO's score, side and whether it is material."""
    from esgledger.calculate.materiality_run import assess

    result = _assess(assess, _open(db), period)
    rows = [
        {
            "code": r.iro.code,
            "issue": r.iro.issue,
            "kind": str(r.iro.kind),
            "potential": r.iro.potential,
            "severity": _text(r.severity),
            "impact": _text(r.impact_score),
            "financial": _text(r.financial_score),
            "material": r.material,
            "rationale": {k: c.rationale for k, c in r.iro.scores.items()} if as_json else "",
        }
        for r in result.iros
    ]
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    print_table(
        [{k: v for k, v in row.items() if k != "rationale"} for row in rows],
        False,
        f"Double materiality {period}",
    )


def _text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"
