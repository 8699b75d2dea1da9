"""Validations of one reporting period.

Each check is a plain function ``(CheckContext) -> list[Problem]`` registered in
:data:`CHECKS` and run in that order; a check that crashes becomes an error problem, not a
crash of the command. Locations name ``entity/period/metric``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from esgledger.calculate.engine import Results
from esgledger.check.materiality import check_material_topics
from esgledger.check.restatement_claims import check_restatement_claims
from esgledger.core.catalog import Catalog, Metric
from esgledger.core.model import Datapoint, Entity, Kind, Note, NoteKind, Status
from esgledger.core.problems import Problem, Severity
from esgledger.store.ledger import Ledger

DEFAULT_SWING_THRESHOLD = Decimal(30)


@dataclass(frozen=True, kw_only=True)
class CheckContext:
    """Everything the checks look at for one period.

    Attributes:
        catalog: the metric catalog.
        entities: the entity tree.
        period: code of the period checked.
        current: figures of the period.
        prior: figures of the prior period (None for the first period).
        datapoints: every revision-current reported datapoint of the ledger (all periods).
        revised: datapoints that have more than one revision: key -> number of revisions.
        notes: all notes of the ledger.
        framework: the framework of the content index (``gri-2016``).
        indexed: disclosure codes the report indexes (empty: every code of the framework).
        swing_threshold: year-on-year change (%) above which an explanation is expected.
        ledger: the ledger itself, for checks of registers outside the figures (materiality).
    """

    catalog: Catalog
    entities: tuple[Entity, ...]
    period: str
    current: Results
    prior: Results | None
    datapoints: tuple[Datapoint, ...]
    revised: dict[tuple[str, str, str], int] = field(default_factory=dict)
    notes: tuple[Note, ...] = ()
    framework: str = "gri-2016"
    indexed: frozenset[str] = frozenset()
    swing_threshold: Decimal = DEFAULT_SWING_THRESHOLD
    ledger: Ledger | None = None

    @property
    def root(self) -> str:
        """Code of the group entity."""
        return self.current.root

    def note_covers(self, kind: NoteKind, period: str, metric: str) -> Note | None:
        """The first note of ``kind`` for ``period`` whose patterns match ``metric``."""
        for note in self.notes:
            if (
                note.kind is kind
                and note.period == period
                and any(fnmatch.fnmatchcase(metric, pattern) for pattern in note.metrics)
            ):
                return note
        return None

    def in_scope(self, metric: Metric) -> list[str]:
        """The metric's disclosure codes that the report indexes."""
        codes = metric.disclosure_codes(self.framework)
        if not self.indexed:
            return list(codes)
        return [c for c in codes if c in self.indexed or c.split("-")[0] in self.indexed]


def _tolerance(metric: Metric) -> Decimal:
    """Half a unit of the last printed decimal: differences below it cannot be seen."""
    return Decimal(5) * Decimal(10) ** -(metric.precision + 1)


def _where(entity: str, period: str, metric: str) -> str:
    return f"{entity}/{period}/{metric}"


def check_calculation(ctx: CheckContext) -> list[Problem]:
    """Unit errors and missing factors met while calculating."""
    return list(ctx.current.problems)


def check_missing(ctx: CheckContext) -> list[Problem]:
    """Disclosed metrics without a value, and figures computed with inputs missing."""
    problems = []
    for metric in ctx.catalog:
        codes = ctx.in_scope(metric)
        if not codes:
            continue
        figure = ctx.current.get(metric.id)
        where = _where(ctx.root, ctx.period, metric.id)
        label = ", ".join(f"{ctx.framework.upper()} {c}" for c in codes)
        if figure is None:
            if ctx.note_covers(NoteKind.OMISSION, ctx.period, metric.id):
                continue
            problems.append(
                Problem(
                    location=where,
                    check="missing",
                    message=f"no value for {metric.name} ({metric.unit}); needed by {label}",
                )
            )
        elif figure.lineage.missing:
            problems.append(
                Problem(
                    location=where,
                    check="missing",
                    severity=Severity.WARNING,
                    message=f"computed without {', '.join(sorted(set(figure.lineage.missing)))}",
                )
            )
    return problems


def check_breakdowns(ctx: CheckContext) -> list[Problem]:
    """Parts of a breakdown (gender, age, ...) that do not add up to the reported total."""
    problems = []
    for total in ctx.catalog:
        groups = ctx.catalog.parts(total.id)
        if not groups:
            continue
        for (entity, metric_id), figure in ctx.current.figures.items():
            if metric_id != total.id or figure.kind is not Kind.REPORTED:
                continue
            for breakdown, parts in groups.items():
                values = [ctx.current.value(p.id, entity) for p in parts]
                present = [v for v in values if v is not None]
                if not present:
                    continue
                parts_sum = sum(present, Decimal(0))
                if abs(parts_sum - figure.value) > _tolerance(total):
                    missing = [p.id for p, v in zip(parts, values, strict=True) if v is None]
                    extra = f" ({', '.join(missing)} missing)" if missing else ""
                    problems.append(
                        Problem(
                            location=_where(entity, ctx.period, total.id),
                            check="breakdown",
                            message=f"parts by {breakdown} add up to {parts_sum:,} {total.unit}, "
                            f"but the total reported is {figure.value:,} {total.unit}{extra}",
                        )
                    )
    return problems


def check_children(ctx: CheckContext) -> list[Problem]:
    """A parent's reported value that differs from the sum of its children's values."""
    children: dict[str, list[str]] = {}
    for node in ctx.entities:
        if node.parent:
            children.setdefault(node.parent, []).append(node.code)
    problems = []
    for (entity, metric_id), figure in ctx.current.figures.items():
        metric = ctx.catalog.get(metric_id)
        if figure.kind is not Kind.REPORTED or not metric.aggregation.additive:
            continue
        values = [ctx.current.value(metric_id, c) for c in children.get(entity, [])]
        present = [v for v in values if v is not None]
        if not present:
            continue
        total = sum(present, Decimal(0))
        if abs(total - figure.value) > _tolerance(metric):
            problems.append(
                Problem(
                    location=_where(entity, ctx.period, metric_id),
                    check="consolidation",
                    message=f"children add up to {total:,} {metric.unit}, but {entity} reports "
                    f"{figure.value:,} {metric.unit}",
                )
            )
    return problems


def check_reconciliation(ctx: CheckContext) -> list[Problem]:
    """Reported values of derived metrics that differ from esgledger's recomputation."""
    problems = []
    for (entity, metric_id), recomputed in ctx.current.recomputed.items():
        reported = ctx.current.figures[(entity, metric_id)]
        metric = ctx.catalog.get(metric_id)
        difference = reported.value - recomputed.value
        if abs(difference) <= _tolerance(metric):
            continue
        relative = f" ({difference / recomputed.value:+.1%})" if recomputed.value else ""
        lenient = metric.reconcile == "method_may_differ"
        problems.append(
            Problem(
                location=_where(entity, ctx.period, metric_id),
                check="reconciliation",
                severity=Severity.WARNING if lenient else Severity.ERROR,
                message=f"reported {reported.value:,} {metric.unit} but recomputed "
                f"{recomputed.value:,.{metric.precision}f} {metric.unit}{relative}"
                + ("; the company's method is not stated" if lenient else ""),
            )
        )
    return problems


def check_swings(ctx: CheckContext) -> list[Problem]:
    """Year-on-year changes beyond the threshold without a variance explanation."""
    if ctx.prior is None:
        return []
    problems = []
    for metric in ctx.catalog:
        now, before = ctx.current.value(metric.id), ctx.prior.value(metric.id)
        if now is None or before is None or before == 0:
            continue
        change = (now - before) / abs(before) * 100
        if abs(change) <= ctx.swing_threshold:
            continue
        if ctx.note_covers(NoteKind.VARIANCE, ctx.period, metric.id):
            continue
        problems.append(
            Problem(
                location=_where(ctx.root, ctx.period, metric.id),
                check="swing",
                severity=Severity.WARNING,
                message=f"{metric.name} changed {change:+.1f}% ({before:,.{metric.precision}f} -> "
                f"{now:,.{metric.precision}f} {metric.unit}) with no variance explanation "
                f"(threshold {ctx.swing_threshold}%)",
            )
        )
    return problems


def check_restatements(ctx: CheckContext) -> list[Problem]:
    """Prior-period values that were changed without a restatement note."""
    problems = []
    for (entity, period, metric_id), revisions in sorted(ctx.revised.items()):
        if period == ctx.period or revisions < 2:
            continue
        if ctx.note_covers(NoteKind.RESTATEMENT, period, metric_id):
            continue
        problems.append(
            Problem(
                location=_where(entity, period, metric_id),
                check="restatement",
                message=f"the {period} value was revised ({revisions} revisions) but no "
                "restatement note explains it (GRI 102-48 / 2-4)",
            )
        )
    return problems


def check_status(ctx: CheckContext) -> list[Problem]:
    """Values of the period that are not approved yet."""
    pending = [
        dp
        for dp in ctx.datapoints
        if dp.period == ctx.period and dp.status not in (Status.APPROVED, Status.LOCKED)
    ]
    return [
        Problem(
            location=_where(dp.entity, dp.period, dp.metric),
            check="status",
            severity=Severity.WARNING,
            message=f"value is {dp.status}, not approved",
        )
        for dp in pending
    ]


Check = Callable[[CheckContext], list[Problem]]

CHECKS: list[Check] = [
    check_calculation,
    check_missing,
    check_breakdowns,
    check_children,
    check_reconciliation,
    check_swings,
    check_restatements,
    check_status,
    check_material_topics,  # issue 6
    check_restatement_claims,  # issue 4
]


def run_checks(ctx: CheckContext, checks: list[Check] | None = None) -> list[Problem]:
    """Run the checks in order; a check that fails becomes an error, not a crash."""
    problems: list[Problem] = []
    for check in checks or CHECKS:
        try:
            problems.extend(check(ctx))
        except Exception as exc:  # a broken check must not hide the others' findings
            problems.append(
                Problem(
                    location=ctx.period,
                    check=check.__name__,
                    message=f"check failed: {exc.__class__.__name__}: {exc}",
                )
            )
    return problems
