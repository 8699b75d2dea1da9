"""Weighting, aggregation, dispersion, zones, ranking and double materiality (issue 6)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esgledger.calculate.double_materiality import DmaThresholds, score_iro
from esgledger.calculate.materiality import assess_issues, check_weights, group_scores
from esgledger.core.materiality import (
    Criterion,
    Iro,
    IroKind,
    MaterialityError,
    Scale,
    SurveyResponse,
    Thresholds,
    Validation,
    Zone,
    ZoneChange,
)
from esgledger.store.ledger import MaterialIssue

ISSUES = [MaterialIssue(number=n, category="C", name=f"Issue {n}") for n in (1, 2, 3)]
LIMITS = Thresholds(high=D(4), moderate=D(3))


def answers(group: str, respondent: str, scores: dict[int, int | D], wave: str = "w"):
    return [
        SurveyResponse(wave=wave, respondent=respondent, group=group, issue=i, score=D(s))
        for i, s in scores.items()
    ]


def managers(scores: dict[int, int]) -> list[SurveyResponse]:
    return answers("management", "m1", scores, wave="mgmt")


# Investors (2 people) and employees (3 people) score issues 1-3.
STAKEHOLDERS = [
    *answers("Investors", "i1", {1: 5, 2: 2, 3: 3}),
    *answers("Investors", "i2", {1: 4, 2: 2, 3: 3}),
    *answers("Employees", "e1", {1: 3, 2: 5, 3: 3}),
    *answers("Employees", "e2", {1: 3, 2: 4, 3: 4}),
    *answers("Employees", "e3", {1: 3, 2: 3, 3: 2}),
]


def test_group_means_and_weighted_score_by_hand() -> None:
    # Investors: issue 1 mean (5+4)/2 = 4.5; employees: 3. Weights investors 3, employees 1:
    # stakeholder score = (3 x 4.5 + 1 x 3) / 4 = 16.5 / 4 = 4.125.
    results = assess_issues(
        ISSUES,
        STAKEHOLDERS,
        managers({1: 4, 2: 3, 3: 2}),
        weights={"Investors": D(3), "Employees": D(1)},
        limits=LIMITS,
    )
    by_number = {r.issue.number: r for r in results}
    one = by_number[1]
    assert one.stakeholder == D("4.125")
    assert one.company == D(4)
    assert one.computed_zone is Zone.HIGH
    assert one.responses == 5
    # issue 2: investors 2, employees 4 -> (3 x 2 + 4) / 4 = 2.5 -> low even though company 3
    assert by_number[2].stakeholder == D("2.5")
    assert by_number[2].zone is Zone.LOW
    # issue 3: investors 3, employees 3 -> 3; company 2 -> low; group spread 0
    assert by_number[3].stakeholder == D(3)
    assert by_number[3].group_spread == D(0)
    # ranking by mean of the axes: issue 1 (4.0625), issue 2 (2.75), issue 3 (2.5)
    assert [r.issue.number for r in results] == [1, 2, 3]
    assert [r.rank for r in results] == [1, 2, 3]


def test_equal_weights_when_none_are_set_and_dispersion() -> None:
    results = assess_issues(
        ISSUES, STAKEHOLDERS, managers({1: 4, 2: 4, 3: 4}), weights={}, limits=LIMITS
    )
    two = next(r for r in results if r.issue.number == 2)
    assert two.stakeholder == D(3)  # (2 + 4) / 2
    employees = next(g for g in two.by_group if g.group == "Employees")
    assert (employees.count, employees.mean, employees.std_dev) == (3, D(4), D(1))  # 5, 4, 3
    # all five scores of issue 2: 2, 2, 5, 4, 3 -> mean 3.2, sample variance 1.7
    assert float(two.std_dev) == pytest.approx(1.7**0.5)
    assert two.group_spread == D(2)


def test_zone_needs_both_axes() -> None:
    results = assess_issues(ISSUES, answers("A", "a", {1: 5}), [], weights={}, limits=LIMITS)
    one = next(r for r in results if r.issue.number == 1)
    assert one.stakeholder == D(5)
    assert one.company is None and one.zone is None
    assert one.rank == 1  # no issue has both axes: ranked by number
    assert [r.issue.number for r in results] == [1, 2, 3]


def test_validation_moves_an_issue() -> None:
    validation = Validation(
        period="2019",
        validated_by="CEO",
        validated_on=__import__("datetime").date(2020, 3, 1),
        changes=(ZoneChange(issue=3, zone=Zone.HIGH, reason="strategic"),),
    )
    results = assess_issues(
        ISSUES,
        STAKEHOLDERS,
        managers({1: 4, 2: 3, 3: 2}),
        weights={},
        limits=LIMITS,
        validations=[validation],
    )
    three = next(r for r in results if r.issue.number == 3)
    assert three.computed_zone is Zone.LOW and three.zone is Zone.HIGH
    assert three.change is not None and three.change.reason == "strategic"


def test_group_without_weight_is_refused() -> None:
    with pytest.raises(MaterialityError, match="Employees"):
        group_scores(STAKEHOLDERS, {"Investors": D(1)})


def test_weight_problems() -> None:
    assert check_weights({"A": D(1)}, ["A"]) == []
    assert "negative" in check_weights({"A": D(-1), "B": D(2)}, ["A", "B"])[0]
    assert "unknown" in check_weights({"Z": D(1)}, ["A"])[0]


@given(st.lists(st.decimals(min_value=0, max_value=10, places=2), min_size=1, max_size=6))
def test_weights_that_sum_to_zero_are_rejected(values: list[D]) -> None:
    weights = {f"g{i}": v for i, v in enumerate(values)}
    if sum(values) == 0:
        assert any("zero" in r for r in check_weights(weights, weights))
    else:
        assert check_weights(weights, weights) == []
    # negating one positive weight into a zero total is always caught
    zeroed = {**weights, "extra": -sum(values)} if sum(values) else weights
    assert check_weights(zeroed, zeroed) != []


scores = st.integers(min_value=1, max_value=5)
respondent = st.fixed_dictionaries({1: scores, 2: scores, 3: scores})


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), respondent), min_size=1, max_size=12),
    st.dictionaries(st.sampled_from(["A", "B", "C"]), st.integers(1, 5), min_size=3),
    st.sampled_from(["A", "B", "C"]),
)
def test_a_respondent_at_the_mean_does_not_reorder(people, weight_ints, group) -> None:
    """A respondent who gives each issue its current mean score in their group changes no
    score, no zone and no rank."""
    responses = [r for i, (g, s) in enumerate(people) for r in answers(g, f"p{i}", s)]
    weights = {g: D(w) for g, w in weight_ints.items()}
    mgmt = managers({1: 4, 2: 3, 3: 5})
    before = assess_issues(ISSUES, responses, mgmt, weights=weights, limits=LIMITS)
    means = {
        i: g.mean
        for i, gs in group_scores(responses, weights).items()
        for g in gs
        if g.group == group
    }
    if not means:
        return
    added = responses + answers(group, "average", means)
    after = assess_issues(ISSUES, added, mgmt, weights=weights, limits=LIMITS)
    assert [r.issue.number for r in after] == [r.issue.number for r in before]
    assert [(r.stakeholder, r.zone) for r in after] == [(r.stakeholder, r.zone) for r in before]


@settings(max_examples=60, deadline=None)
@given(st.lists(respondent, min_size=1, max_size=10), scores)
def test_a_constant_respondent_keeps_the_order_within_one_group(people, constant) -> None:
    """In one group with complete answers, a respondent scoring everything alike never swaps
    two issues (the group means move by the same affine map)."""
    responses = [r for i, s in enumerate(people) for r in answers("A", f"p{i}", s)]
    mgmt = managers({1: 3, 2: 3, 3: 3})
    before = assess_issues(ISSUES, responses, mgmt, weights={}, limits=LIMITS)
    flat = answers("A", "flat", {1: constant, 2: constant, 3: constant})
    after = assess_issues(ISSUES, responses + flat, mgmt, weights={}, limits=LIMITS)
    order = {r.issue.number: r.stakeholder for r in before}
    for a in after:
        for b in after:
            if order[a.issue.number] > order[b.issue.number]:
                assert a.stakeholder >= b.stakeholder


def iro(kind: IroKind, potential: bool = False, human_rights: bool = False, **scores: int) -> Iro:
    return Iro(
        code="IRO-1",
        period="2019",
        issue=1,
        kind=kind,
        description="d",
        potential=potential,
        human_rights=human_rights,
        scores={k: Criterion(score=D(v), rationale="why") for k, v in scores.items()},
    )


def test_double_materiality_scores_by_hand() -> None:
    limits = DmaThresholds(impact=D(3), financial=D("3.5"))
    actual = score_iro(iro(IroKind.NEGATIVE_IMPACT, scale=4, scope=2, irremediable=3), limits)
    assert (actual.severity, actual.impact_score, actual.material) == (D(3), D(3), True)
    potential = score_iro(
        iro(IroKind.NEGATIVE_IMPACT, True, scale=4, scope=2, irremediable=3, likelihood=1), limits
    )
    assert (potential.impact_score, potential.material) == (D(2), False)  # (3 + 1) / 2
    rights = score_iro(
        iro(IroKind.NEGATIVE_IMPACT, True, True, scale=4, scope=2, irremediable=3), limits
    )
    assert rights.impact_score == D(3)  # severity takes precedence over likelihood
    positive = score_iro(iro(IroKind.POSITIVE_IMPACT, True, scale=5, scope=4, likelihood=2), limits)
    assert positive.impact_score == D("3.25")  # ((5 + 4) / 2 + 2) / 2
    risk = score_iro(iro(IroKind.RISK, magnitude=4, likelihood=3), limits)
    assert (risk.financial_score, risk.material, risk.side) == (D("3.5"), True, "financial")


def test_default_thresholds_follow_the_scale() -> None:
    assert Thresholds.default_for(Scale(low=1, high=5)) == Thresholds(high=D(4), moderate=D(3))
    assert Thresholds.default_for(Scale(low=0, high=10)).high == D("7.5")
