"""Records of a materiality assessment: survey scores, weights, thresholds, validation, IROs.

An assessment belongs to a reporting period. Stakeholders and managers answer survey *waves*
(one file each) on a Likert :class:`Scale` declared per wave; every wave of a period must use
the same scale. Stakeholder groups are weighted, scores are aggregated per issue, issues are
placed in zones by :class:`Thresholds`, and management validates the result, possibly moving
issues between zones (:class:`Validation`). The double materiality assessment (ESRS 1, 3.4 and
3.5) scores impacts, risks and opportunities (:class:`Iro`) with a rationale for every score.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from esgledger.core.model import utcnow
from esgledger.errors import EsgLedgerError


class MaterialityError(ValueError, EsgLedgerError):
    """An assessment cannot be computed as set up (weights, thresholds, scales)."""


class Audience(StrEnum):
    """Who answered a survey wave: external and internal stakeholders, or management."""

    STAKEHOLDERS = "stakeholders"
    MANAGEMENT = "management"


class Zone(StrEnum):
    """Where an issue lands on the materiality matrix."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"


ZONE_ORDER = {Zone.HIGH: 0, Zone.MODERATE: 1, Zone.LOW: 2}


@dataclass(frozen=True, kw_only=True)
class Scale:
    """A Likert scale: whole scores from ``low`` to ``high``, with optional answer labels.

    Attributes:
        low: the lowest score (usually 1).
        high: the highest score (usually 5).
        labels: answer texts for low..high (``Not important`` ... ``Very important``), so that
            exports that print the answer instead of the score can be read; empty if none.
    """

    low: int = 1
    high: int = 5
    labels: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.low}-{self.high}"

    @property
    def midpoint(self) -> Decimal:
        """The middle of the scale."""
        return Decimal(self.low + self.high) / 2


@dataclass(frozen=True, kw_only=True)
class SurveyWave:
    """One survey round, imported from one file.

    Attributes:
        code: a short unique name (``2019-stakeholders``).
        period: the reporting period the assessment is for.
        audience: stakeholders or management.
        scale: the Likert scale of its scores.
        title: a description (``Online stakeholder survey, Nov 2019``).
        file: the file it was imported from.
        sha256: content hash of that file.
        illustrative: True when the scores are generated examples, not real answers.
        user: who imported it.
        recorded_at: when (UTC).
    """

    code: str
    period: str
    audience: Audience
    scale: Scale
    title: str = ""
    file: str = ""
    sha256: str = ""
    illustrative: bool = False
    user: str = "system"
    recorded_at: dt.datetime = field(default_factory=utcnow)


@dataclass(frozen=True, kw_only=True)
class SurveyResponse:
    """One score given by one respondent to one issue.

    Attributes:
        wave: code of the survey wave.
        respondent: the respondent's id in the survey export.
        group: the respondent's stakeholder group (``management`` for management waves).
        issue: number of the material issue scored.
        score: the score on the wave's scale (a Decimal so that calculations stay exact).
        location: where it was read (``survey.csv:7`` or ``survey.xlsx!Responses!F7``).
    """

    wave: str
    respondent: str
    group: str
    issue: int
    score: Decimal
    location: str = ""


@dataclass(frozen=True, kw_only=True)
class Thresholds:
    """Zone limits on the survey scale, the same on both axes of the matrix.

    Attributes:
        high: an issue scoring at least this on both axes is in the high zone.
        moderate: at least this on both axes (and not high) is moderate; else low.
        material_zones: zones whose issues are the report's material topics.
    """

    high: Decimal
    moderate: Decimal
    material_zones: tuple[Zone, ...] = (Zone.HIGH,)

    @classmethod
    def default_for(cls, scale: Scale) -> Thresholds:
        """Three quarters and half of the scale's range (4 and 3 on a 1-5 scale)."""
        span = Decimal(scale.high - scale.low)
        return cls(high=scale.low + span * Decimal("0.75"), moderate=scale.low + span / 2)


@dataclass(frozen=True, kw_only=True)
class ZoneChange:
    """A change management made when validating: an issue moved to another zone, and why."""

    issue: int
    zone: Zone
    reason: str


@dataclass(frozen=True, kw_only=True)
class Validation:
    """Management's validation of an assessment.

    Attributes:
        period: the assessment's period.
        validated_by: who validated (name and role).
        validated_on: the date of the decision.
        changes: issues moved between zones.
        comment: the decision as minuted.
        result_hash: fingerprint of the computed result that was validated; when the scores
            change afterwards the validation no longer matches.
        user: who recorded it.
        recorded_at: when (UTC).
    """

    period: str
    validated_by: str
    validated_on: dt.date
    changes: tuple[ZoneChange, ...] = ()
    comment: str = ""
    result_hash: str = ""
    user: str = "system"
    recorded_at: dt.datetime = field(default_factory=utcnow)


@dataclass(frozen=True, kw_only=True)
class EngagementEvent:
    """An entry of the stakeholder engagement log.

    Attributes:
        date: when it took place.
        group: the stakeholder group engaged.
        channel: how (``Investor roadshow``, ``Supplier conference``).
        topic: what was discussed.
        outcome: what came of it (concerns raised, commitments, follow-up).
        user: who recorded it.
    """

    date: dt.date
    group: str
    channel: str
    topic: str
    outcome: str = ""
    user: str = "system"


class IroKind(StrEnum):
    """Impacts on people and environment, and risks and opportunities for the company."""

    NEGATIVE_IMPACT = "negative_impact"
    POSITIVE_IMPACT = "positive_impact"
    RISK = "risk"
    OPPORTUNITY = "opportunity"

    @property
    def is_impact(self) -> bool:
        """True for impacts (impact materiality); False for risks and opportunities."""
        return self in (IroKind.NEGATIVE_IMPACT, IroKind.POSITIVE_IMPACT)


@dataclass(frozen=True, kw_only=True)
class Criterion:
    """One score of an IRO with the reason for it."""

    score: Decimal
    rationale: str


@dataclass(frozen=True, kw_only=True)
class Iro:
    """An impact, risk or opportunity of the double materiality assessment (ESRS 1, 3.4-3.5).

    Attributes:
        code: its id in the assessment (``IRO-07``).
        period: the assessment's period.
        issue: the material issue it belongs to.
        kind: negative or positive impact, risk or opportunity.
        description: what it is.
        potential: True for potential impacts (likelihood counts), False for actual ones.
        human_rights: a potential negative human rights impact: severity takes precedence
            over likelihood (ESRS 1 paragraph 45).
        scores: criterion -> score with rationale (``scale``, ``scope``, ``irremediable``,
            ``likelihood`` for impacts; ``magnitude``, ``likelihood`` for risks and
            opportunities).
        location: where it was read.
    """

    code: str
    period: str
    issue: int
    kind: IroKind
    description: str
    potential: bool = False
    human_rights: bool = False
    scores: dict[str, Criterion] = field(default_factory=dict)
    location: str = ""
