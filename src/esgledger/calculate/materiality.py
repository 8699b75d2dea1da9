"""The materiality matrix: weighting, aggregation, dispersion, zones and ranking.

For each issue and stakeholder group the scores of the group's respondents are averaged
(``mean``, sample standard deviation, count). The issue's significance to stakeholders is the
weighted mean of its group means, the weights renormalised over the groups that scored it:
``sum(w_g * mean_g) / sum(w_g)``. Its significance to the company is the mean of the
management scores. An issue is in the *high* zone when both scores reach the high threshold,
*moderate* when both reach the moderate one, else *low*; management's validation may move
issues between zones. Issues are ranked by the mean of the two scores (then by the
stakeholder score, then by number). Arithmetic is on decimals kept to 12 places.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from esgledger.core.materiality import (
    ZONE_ORDER,
    MaterialityError,
    SurveyResponse,
    Thresholds,
    Validation,
    Zone,
    ZoneChange,
)
from esgledger.store.ledger import MaterialIssue


@dataclass(frozen=True, kw_only=True)
class GroupScore:
    """How one stakeholder group scored one issue.

    Attributes:
        group: the stakeholder group.
        count: number of respondents who scored the issue.
        mean: their mean score.
        std_dev: sample standard deviation of their scores (None with fewer than two).
        weight: the group's weight in the stakeholder score.
    """

    group: str
    count: int
    mean: Decimal
    std_dev: Decimal | None
    weight: Decimal


@dataclass(frozen=True, kw_only=True)
class IssueResult:
    """One issue on the matrix.

    Attributes:
        issue: the catalog entry (number, category, name, GRI topics, ESRS).
        stakeholder: significance to stakeholders (weighted mean of group means), or None.
        company: significance to the company (mean management score), or None.
        responses: stakeholder scores received.
        std_dev: sample standard deviation of all stakeholder scores of the issue.
        group_spread: highest minus lowest group mean (disagreement between groups).
        by_group: the group scores, in group order.
        computed_zone: the zone given by the thresholds (None when an axis has no score).
        zone: the zone after management's validation.
        change: the validation change that moved it, if any.
        rank: 1 for the most significant issue.
    """

    issue: MaterialIssue
    stakeholder: Decimal | None
    company: Decimal | None
    responses: int
    std_dev: Decimal | None
    group_spread: Decimal | None
    by_group: tuple[GroupScore, ...]
    computed_zone: Zone | None
    zone: Zone | None
    change: ZoneChange | None = None
    rank: int = 0

    @property
    def overall(self) -> Decimal | None:
        """Mean of the two axes: the ranking score."""
        if self.stakeholder is None or self.company is None:
            return None
        return (self.stakeholder + self.company) / 2


def check_weights(weights: Mapping[str, Decimal], known_groups: Iterable[str]) -> list[str]:
    """Why these group weights cannot be used (empty when they can)."""
    known = set(known_groups)
    reasons = [f"unknown stakeholder group {g!r}" for g in weights if g not in known]
    reasons += [f"weight of {g!r} is negative ({w})" for g, w in weights.items() if w < 0]
    if weights and sum(weights.values(), Decimal(0)) == 0:
        reasons.append("the weights add up to zero; at least one group must weigh more than 0")
    return reasons


PLACES = Decimal("1e-12")  # scores are kept to 12 decimals, so ties stay ties


def _mean(values: Sequence[Decimal]) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(PLACES)


def _std_dev(values: Sequence[Decimal]) -> Decimal | None:
    return statistics.stdev(values) if len(values) > 1 else None


def group_scores(
    responses: Iterable[SurveyResponse], weights: Mapping[str, Decimal]
) -> dict[int, tuple[GroupScore, ...]]:
    """Issue number -> the score of each group that answered it.

    With no weights every group weighs 1; with weights, a group that answered but has no
    weight is an error (its answers would silently not count).
    """
    scores: dict[int, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for r in responses:
        scores[r.issue][r.group].append(r.score)
    unweighted = {g for by in scores.values() for g in by} - set(weights)
    if weights and unweighted:
        raise MaterialityError(
            f"stakeholder group(s) {', '.join(sorted(unweighted))} answered but have no weight; "
            "give every group that answered a weight (0 to leave it out)"
        )
    return {
        issue: tuple(
            GroupScore(
                group=g,
                count=len(v),
                mean=_mean(v),
                std_dev=_std_dev(v),
                weight=weights.get(g, Decimal(1)),
            )
            for g, v in sorted(by.items())
        )
        for issue, by in scores.items()
    }


def weighted_score(groups: Sequence[GroupScore]) -> Decimal | None:
    """``sum(w * mean) / sum(w)`` over the groups; None when they weigh nothing."""
    total = sum((g.weight for g in groups), Decimal(0))
    if total == 0:
        return None
    return (sum((g.weight * g.mean for g in groups), Decimal(0)) / total).quantize(PLACES)


def zone_of(
    stakeholder: Decimal | None, company: Decimal | None, limits: Thresholds
) -> Zone | None:
    """The zone of a point of the matrix (None when an axis is missing)."""
    if stakeholder is None or company is None:
        return None
    lower = min(stakeholder, company)
    if lower >= limits.high:
        return Zone.HIGH
    return Zone.MODERATE if lower >= limits.moderate else Zone.LOW


def assess_issues(
    issues: Sequence[MaterialIssue],
    stakeholder_responses: Iterable[SurveyResponse],
    management_responses: Iterable[SurveyResponse],
    *,
    weights: Mapping[str, Decimal],
    limits: Thresholds,
    validations: Sequence[Validation] = (),
) -> tuple[IssueResult, ...]:
    """Every issue of the catalog scored, zoned, validated and ranked (rank order)."""
    if limits.moderate > limits.high:
        raise MaterialityError(
            f"the moderate threshold ({limits.moderate}) is above the high one ({limits.high})"
        )
    stakeholder_responses = list(stakeholder_responses)
    by_group = group_scores(stakeholder_responses, weights)
    management: dict[int, list[Decimal]] = defaultdict(list)
    for r in management_responses:
        management[r.issue].append(r.score)
    changes = {c.issue: c for v in validations for c in v.changes}
    results = [
        _issue_result(
            issue,
            by_group.get(issue.number, ()),
            stakeholder_responses,
            management.get(issue.number),
            limits,
            changes.get(issue.number),
        )
        for issue in issues
    ]
    ranked = sorted(results, key=_rank_key)
    return tuple(_with_rank(r, i + 1) for i, r in enumerate(ranked))


def _issue_result(
    issue: MaterialIssue,
    groups: tuple[GroupScore, ...],
    responses: list[SurveyResponse],
    management: list[Decimal] | None,
    limits: Thresholds,
    change: ZoneChange | None,
) -> IssueResult:
    scores = [r.score for r in responses if r.issue == issue.number]
    stakeholder = weighted_score(groups) if groups else None
    company = _mean(management) if management else None
    zone = zone_of(stakeholder, company, limits)
    means = [g.mean for g in groups]
    return IssueResult(
        issue=issue,
        stakeholder=stakeholder,
        company=company,
        responses=len(scores),
        std_dev=_std_dev(scores),
        group_spread=max(means) - min(means) if means else None,
        by_group=groups,
        computed_zone=zone,
        zone=change.zone if change else zone,
        change=change,
    )


def _rank_key(result: IssueResult) -> tuple[int, Decimal, Decimal, int]:
    overall, stakeholder = result.overall, result.stakeholder
    return (
        0 if overall is not None else 1,
        -(overall or Decimal(0)),
        -(stakeholder or Decimal(0)),
        result.issue.number,
    )


def _with_rank(result: IssueResult, rank: int) -> IssueResult:
    return replace(result, rank=rank)


def by_zone(results: Iterable[IssueResult]) -> list[IssueResult]:
    """Issues ordered by zone (high first), then by rank."""
    return sorted(results, key=lambda r: (ZONE_ORDER.get(r.zone, 3) if r.zone else 3, r.rank))


def result_hash(results: Iterable[IssueResult], limits: Thresholds) -> str:
    """A fingerprint of the computed scores and zones, recorded with a validation."""
    payload = {
        "limits": [str(limits.high), str(limits.moderate)],
        "issues": [
            [r.issue.number, _rounded(r.stakeholder), _rounded(r.company), str(r.computed_zone)]
            for r in sorted(results, key=lambda r: r.issue.number)
        ],
    }
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


def _rounded(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.000001")))
