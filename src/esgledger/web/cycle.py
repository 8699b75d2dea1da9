"""The reporting cycle as the pages show it: periods and locks, completion, headline KPIs.

Read-only views over the ledger, the workflow and the calculation; each takes the entity
codes the user may see, so a data owner's dashboard is built from their entities only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from esgledger.calculate.run import calculate_with_prior
from esgledger.collect.templates import owed
from esgledger.core.catalog import Catalog
from esgledger.core.model import Kind, Status
from esgledger.errors import NotFound
from esgledger.store import schema as t
from esgledger.store.ledger import Ledger

HEADLINE_METRICS = (
    "revenue",
    "energy.total",
    "energy.intensity",
    "ghg.scope1",
    "ghg.scope2_location",
    "ghg.intensity",
    "water.withdrawal.total",
    "workforce.total",
    "training.hours_per_employee",
)
DONE = (Status.APPROVED, Status.LOCKED)


def period_locks(ledger: Ledger) -> dict[str, bool]:
    """period code -> locked (published), oldest period first (one query; a ledger that
    remembers its reads for one request, such as ``ReadOnce``, answers from memory)."""
    remembered = getattr(ledger, "remembered_locks", None)
    if remembered is not None:
        return dict(remembered())
    return read_period_locks(ledger)


def read_period_locks(ledger: Ledger) -> dict[str, bool]:
    """:func:`period_locks` from the database."""
    p = t.period.c
    with ledger.engine.connect() as conn:
        rows = conn.execute(sa.select(p.code, p.locked).order_by(p.start_date)).all()
    return {r.code: bool(r.locked) for r in rows}


def prior_of(locks: dict[str, bool], period: str | None) -> str | None:
    """The period before ``period`` in ``locks`` (:func:`period_locks`), if any."""
    codes = list(locks)
    if period is None or period not in codes:
        return None
    index = codes.index(period)
    return codes[index - 1] if index > 0 else None


def current_period(ledger: Ledger) -> str:
    """The period being collected: the newest unlocked one (else the newest)."""
    locks = period_locks(ledger)
    if not locks:
        raise NotFound("the ledger has no reporting period yet")
    open_periods = [code for code, locked in locks.items() if not locked]
    return (open_periods or list(locks))[-1]


def chosen_period(ledger: Ledger, asked: str | None) -> str:
    """The period asked for (checked to exist), or the current one."""
    if asked:
        return ledger.period(asked).code
    return current_period(ledger)


def chosen_among(ledger: Ledger, locks: dict[str, bool], asked: str | None) -> str:
    """:func:`chosen_period` from periods already read (:func:`period_locks`)."""
    if asked:
        return asked if asked in locks else ledger.period(asked).code  # NotFound when absent
    if not locks:
        raise NotFound("the ledger has no reporting period yet")
    open_periods = [code for code, locked in locks.items() if not locked]
    return (open_periods or list(locks))[-1]


@dataclass(frozen=True, kw_only=True)
class Completion:
    """How far one entity (or one metric) is in a period.

    Attributes:
        key: entity code or metric id.
        label: entity or metric name.
        owed: figures expected.
        entered: figures entered (any status).
        submitted: figures waiting for review.
        approved: figures approved or locked.
    """

    key: str
    label: str
    owed: int
    entered: int
    submitted: int
    approved: int

    @property
    def percent(self) -> int:
        """Approved share of what is owed, in whole percent."""
        return round(100 * self.approved / self.owed) if self.owed else 100


def completion(
    ledger: Ledger, catalog: Catalog, period: str, entities: list[str]
) -> tuple[list[Completion], list[Completion]]:
    """Completion of ``period`` by entity and by metric, over ``entities``."""
    names = {e.code: e.name for e in ledger.entities()}
    statuses = {
        (dp.entity, dp.metric): dp.status
        for dp in ledger.datapoints(period=period, kind=Kind.REPORTED)
        if dp.entity in entities
    }
    by_entity, per_metric = [], Counter[tuple[str, str]]()
    for code in entities:
        metrics = set(owed(ledger, catalog, code, period)) | {m for (e, m) in statuses if e == code}
        counts = Counter(_state(statuses.get((code, m))) for m in metrics)
        for metric in metrics:
            per_metric[(metric, "owed")] += 1
            per_metric[(metric, _state(statuses.get((code, metric))))] += 1
        by_entity.append(_completion(code, names.get(code, code), len(metrics), counts))
    metric_ids = sorted({m for m, _ in per_metric}, key=lambda m: (catalog_topic(catalog, m), m))
    by_metric = [
        _completion(m, catalog_name(catalog, m), per_metric[(m, "owed")], _counts(per_metric, m))
        for m in metric_ids
    ]
    return by_entity, by_metric


def _state(status: Status | None) -> str:
    if status is None:
        return "missing"
    if status in DONE:
        return "approved"
    return str(status)


def _counts(per_metric: Counter[tuple[str, str]], metric: str) -> Counter[str]:
    return Counter({state: n for (m, state), n in per_metric.items() if m == metric})


def _completion(key: str, label: str, owed_count: int, counts: Counter[str]) -> Completion:
    return Completion(
        key=key,
        label=label,
        owed=owed_count,
        entered=owed_count - counts["missing"],
        submitted=counts["submitted"],
        approved=counts["approved"],
    )


def catalog_name(catalog: Catalog, metric: str) -> str:
    """The metric's name, or its id when the catalog does not know it."""
    return catalog.get(metric).name if metric in catalog else metric


def catalog_topic(catalog: Catalog, metric: str) -> str:
    """The metric's topic ("" when unknown)."""
    return catalog.get(metric).topic if metric in catalog else ""


@dataclass(frozen=True, kw_only=True)
class Headline:
    """A headline KPI of the group for a period and its prior period.

    Attributes:
        metric: metric id.
        name: metric name.
        unit: catalog unit.
        current: this period's value, if any.
        prior: the prior period's value, if any.
        precision: decimals shown.
    """

    metric: str
    name: str
    unit: str
    current: Decimal | None
    prior: Decimal | None
    precision: int

    @property
    def change_percent(self) -> Decimal | None:
        """Year-on-year change in percent, when both values exist and the prior is not 0."""
        if self.current is None or self.prior in (None, 0):
            return None
        assert self.prior is not None
        return (self.current - self.prior) / abs(self.prior) * 100


def headlines(ledger: Ledger, catalog: Catalog, period: str) -> list[Headline]:
    """The group's headline KPIs for ``period`` with the prior period's values."""
    pair = calculate_with_prior(ledger, period)
    found = []
    for metric_id in HEADLINE_METRICS:
        if metric_id not in catalog:
            continue
        metric = catalog.get(metric_id)
        now = pair.current.get(metric_id)
        before = pair.prior.get(metric_id) if pair.prior else None
        found.append(
            Headline(
                metric=metric_id,
                name=metric.name,
                unit=metric.unit,
                current=now.value if now else None,
                prior=before.value if before else None,
                precision=metric.precision,
            )
        )
    return found


def has_figures(ledger: Ledger, period: str) -> bool:
    """True when any figure is reported for ``period``."""
    d = t.datapoint.c
    with ledger.engine.connect() as conn:
        return conn.execute(sa.select(d.id).where(d.period == period).limit(1)).first() is not None
