"""Double materiality (ESRS 1, sections 3.4 and 3.5): scoring impacts, risks and opportunities.

ESRS 1 (Commission Delegated Regulation (EU) 2023/2772, Annex I) paragraph 45 bases the
materiality of an actual negative impact on its severity, and of a potential one on severity
and likelihood; severity is made of scale, scope and irremediable character, and for potential
negative human rights impacts severity takes precedence over likelihood. Paragraph 46 bases
positive impacts on scale and scope (and likelihood when potential); paragraph 49 bases risks
and opportunities on the likelihood and the potential magnitude of the financial effects.
ESRS prescribes no formula; esgledger uses this one, on the assessment's scale:

- severity = mean of scale, scope and irremediable character (scale and scope if positive);
- impact score = severity when actual, (severity + likelihood) / 2 when potential, and
  severity alone for potential negative human rights impacts;
- financial score = (magnitude + likelihood) / 2.

An IRO is material on a side when its score reaches that side's threshold; an issue is
material when any of its IROs is material on either side.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from esgledger.core.materiality import Iro, IroKind

IMPACT_CRITERIA = {
    IroKind.NEGATIVE_IMPACT: ("scale", "scope", "irremediable"),
    IroKind.POSITIVE_IMPACT: ("scale", "scope"),
}
FINANCIAL_CRITERIA = ("magnitude", "likelihood")


def required_criteria(iro: Iro) -> tuple[str, ...]:
    """The criteria an IRO must be scored on (each with a rationale)."""
    if not iro.kind.is_impact:
        return FINANCIAL_CRITERIA
    criteria = IMPACT_CRITERIA[iro.kind]
    needs_likelihood = iro.potential and not (
        iro.human_rights and iro.kind is IroKind.NEGATIVE_IMPACT
    )
    return (*criteria, "likelihood") if needs_likelihood else criteria


@dataclass(frozen=True, kw_only=True)
class DmaThresholds:
    """Scores from which an IRO is material: impact side and financial side."""

    impact: Decimal = Decimal(3)
    financial: Decimal = Decimal(3)


@dataclass(frozen=True, kw_only=True)
class IroResult:
    """An IRO scored.

    Attributes:
        iro: the impact, risk or opportunity with its scores and rationales.
        severity: mean of the severity criteria (impacts only).
        impact_score: impact materiality score (impacts only).
        financial_score: financial materiality score (risks and opportunities only).
        material: True when the score reaches its side's threshold.
    """

    iro: Iro
    severity: Decimal | None
    impact_score: Decimal | None
    financial_score: Decimal | None
    material: bool

    @property
    def side(self) -> str:
        """``impact`` or ``financial``."""
        return "impact" if self.iro.kind.is_impact else "financial"


def _score(iro: Iro, criterion: str) -> Decimal:
    return iro.scores[criterion].score


def score_iro(iro: Iro, limits: DmaThresholds) -> IroResult:
    """Severity, impact or financial score, and materiality of one IRO."""
    if not iro.kind.is_impact:
        financial = sum((_score(iro, c) for c in FINANCIAL_CRITERIA), Decimal(0)) / 2
        return IroResult(
            iro=iro,
            severity=None,
            impact_score=None,
            financial_score=financial,
            material=financial >= limits.financial,
        )
    criteria = IMPACT_CRITERIA[iro.kind]
    severity = sum((_score(iro, c) for c in criteria), Decimal(0)) / len(criteria)
    impact = severity
    if "likelihood" in required_criteria(iro):
        impact = (severity + _score(iro, "likelihood")) / 2
    return IroResult(
        iro=iro,
        severity=severity,
        impact_score=impact,
        financial_score=None,
        material=impact >= limits.impact,
    )


def material_issues_by_dma(results: Iterable[IroResult]) -> dict[int, list[IroResult]]:
    """Issue number -> its material IROs (issues with none are left out)."""
    found: dict[int, list[IroResult]] = {}
    for result in results:
        if result.material:
            found.setdefault(result.iro.issue, []).append(result)
    return found
