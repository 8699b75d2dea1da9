"""The materiality assessment of a period, computed from what the ledger holds.

:func:`assess` gathers the survey waves, weights, thresholds, validations and IROs of a period
and returns an :class:`Assessment`: the scored matrix, the double materiality results and the
resulting material topics, which decide the disclosures the report must contain.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from esgledger.calculate.double_materiality import (
    DmaThresholds,
    IroResult,
    material_issues_by_dma,
    score_iro,
)
from esgledger.calculate.materiality import IssueResult, assess_issues, by_zone, result_hash
from esgledger.core.materiality import (
    Audience,
    MaterialityError,
    Scale,
    SurveyResponse,
    SurveyWave,
    Thresholds,
    Validation,
)
from esgledger.store import materiality as store
from esgledger.store.ledger import Ledger

DMA_SETTING = "materiality.dma_thresholds"  # {period: {"impact": "3", "financial": "3"}}


@dataclass(frozen=True, kw_only=True)
class MaterialTopic:
    """An issue the report must cover, and why.

    Attributes:
        result: the issue on the matrix.
        reasons: ``matrix: high zone``, ``impact materiality (IRO-03)``, ...
    """

    result: IssueResult
    reasons: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Assessment:
    """A period's materiality assessment.

    Attributes:
        period: the period.
        scale: the survey scale shared by the period's waves.
        waves: the survey waves.
        thresholds: zone thresholds (stored or the scale's defaults).
        weights: stakeholder group weights as used (every group 1 when none are set).
        issues: every issue scored, in rank order.
        validation: the latest validation, if any.
        validation_current: True when it validated exactly the current result.
        result_hash: fingerprint of the current result.
        iros: the double materiality results.
        dma_thresholds: thresholds of the double materiality assessment.
        topics: material topics, in zone then rank order.
        respondents: stakeholder group -> number of respondents.
        managers: number of managers who scored the issues.
    """

    period: str
    scale: Scale
    waves: tuple[SurveyWave, ...]
    thresholds: Thresholds
    weights: dict[str, Decimal]
    issues: tuple[IssueResult, ...]
    validation: Validation | None
    validation_current: bool
    result_hash: str
    iros: tuple[IroResult, ...]
    dma_thresholds: DmaThresholds
    topics: tuple[MaterialTopic, ...]
    respondents: dict[str, int]
    managers: int

    @property
    def illustrative(self) -> bool:
        """True when any wave holds generated, illustrative scores."""
        return any(w.illustrative for w in self.waves)

    @property
    def stakeholder_respondents(self) -> int:
        """Number of stakeholders who answered."""
        return sum(self.respondents.values())


def period_scale(waves: list[SurveyWave]) -> Scale:
    """The scale shared by the waves (1-5 without waves); mixed scales are an error."""
    scales = {(w.scale.low, w.scale.high) for w in waves}
    if len(scales) > 1:
        listed = ", ".join(f"{w.code} ({w.scale})" for w in waves)
        raise MaterialityError(f"survey waves of one period use different scales: {listed}")
    return waves[0].scale if waves else Scale()


def dma_thresholds(ledger: Ledger, period: str) -> DmaThresholds:
    """The stored double materiality thresholds of a period, or the defaults."""
    stored = (ledger.setting(DMA_SETTING) or {}).get(period)
    if not stored:
        return DmaThresholds()
    return DmaThresholds(impact=Decimal(stored["impact"]), financial=Decimal(stored["financial"]))


def assess(ledger: Ledger, period: str) -> Assessment:
    """Compute the period's assessment from the ledger."""
    ledger.period(period)  # NotFound for an unknown period
    waves = store.waves(ledger, period)
    scale = period_scale(waves)
    limits = store.thresholds(ledger, period) or Thresholds.default_for(scale)
    weights = store.weights(ledger, period)
    validations = store.validations(ledger, period)
    stakeholders = store.responses(ledger, period, Audience.STAKEHOLDERS)
    managers = store.responses(ledger, period, Audience.MANAGEMENT)
    issues = assess_issues(
        ledger.material_issues(),
        stakeholders,
        managers,
        weights=weights,
        limits=limits,
        validations=validations,
    )
    fingerprint = result_hash(issues, limits)
    dma_limits = dma_thresholds(ledger, period)
    iros = tuple(score_iro(i, dma_limits) for i in store.iros(ledger, period))
    latest = validations[-1] if validations else None
    used = weights or {g: Decimal(1) for r in issues for g in (s.group for s in r.by_group)}
    return Assessment(
        period=period,
        scale=scale,
        waves=tuple(waves),
        thresholds=limits,
        weights=dict(sorted(used.items())),
        issues=issues,
        validation=latest,
        validation_current=latest is not None and latest.result_hash == fingerprint,
        result_hash=fingerprint,
        iros=iros,
        dma_thresholds=dma_limits,
        topics=material_topics(issues, limits, iros),
        respondents=_respondents(stakeholders),
        managers=len({(r.wave, r.respondent) for r in managers}),
    )


def _respondents(responses: list[SurveyResponse]) -> dict[str, int]:
    people: dict[str, set[tuple[str, str]]] = {}
    for r in responses:
        people.setdefault(r.group, set()).add((r.wave, r.respondent))
    return {group: len(ids) for group, ids in sorted(people.items())}


def material_topics(
    issues: tuple[IssueResult, ...], limits: Thresholds, iros: tuple[IroResult, ...]
) -> tuple[MaterialTopic, ...]:
    """Issues in a material zone of the matrix or material in the double materiality view."""
    by_dma = material_issues_by_dma(iros)
    topics = []
    for result in by_zone(issues):
        reasons = []
        if result.zone in limits.material_zones:
            reasons.append(f"matrix: {result.zone} zone")
        for iro in by_dma.get(result.issue.number, ()):
            reasons.append(f"{iro.side} materiality ({iro.iro.code})")
        if reasons:
            topics.append(MaterialTopic(result=result, reasons=tuple(reasons)))
    return tuple(topics)
