"""Review workflow, optimistic concurrency and restatements (issue 4)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from collect_setup import figure, fill
from esgledger.check.restatement_claims import CLAIM_SETTING, restatement_claim
from esgledger.check.run import check_period
from esgledger.collect import submissions, workflow
from esgledger.core.model import NoteKind, Status
from esgledger.errors import ConflictError, WorkflowError
from esgledger.store import audit
from esgledger.store.ledger import Ledger


@pytest.fixture
def filled(ledger: Ledger) -> Ledger:
    fill(ledger)
    ledger.record(
        [
            figure("lanzhou", "2020", "electricity", "2100", "MWh", Status.DRAFT),
            figure("lanzhou", "2020", "fuel.gasoline", "150", "t", Status.DRAFT),
        ]
    )
    return ledger


def test_a_figure_moves_through_review_and_each_step_is_audited(filled: Ledger) -> None:
    key = ("lanzhou", "2020", "electricity")
    state = workflow.figure(filled, *key)
    assert state.datapoint.status is Status.DRAFT
    assert state.swing is not None and state.swing.change_percent == Decimal(5)  # 2000 -> 2100
    state = workflow.submit(filled, *key, expected_version=state.version, actor="ann")
    state = workflow.approve(filled, *key, expected_version=state.version, actor="bob")
    state = workflow.lock(filled, *key, expected_version=state.version, actor="bob")
    assert state.datapoint.status is Status.LOCKED
    steps = [e.name for e in audit.log(filled, metric="electricity", entity="lanzhou")][-3:]
    assert steps == ["datapoint.submitted", "datapoint.approved", "datapoint.locked"]
    assert filled.history(*key)[-1].revision == 1  # status changes are not new revisions
    assert audit.verify(filled) == []


def test_stale_version_is_a_conflict_and_writes_nothing(filled: Ledger) -> None:
    key = ("lanzhou", "2020", "electricity")
    seen = workflow.figure(filled, *key).version
    workflow.add_comment(filled, *key, actor="ann", text="checked against the invoices")
    with pytest.raises(ConflictError) as caught:
        workflow.submit(filled, *key, expected_version=seen, actor="bob")
    assert caught.value.current == workflow.figure(filled, *key).version > seen
    assert workflow.figure(filled, *key).datapoint.status is Status.DRAFT
    assert [c.text for c in workflow.figure(filled, *key).comments] == [
        "checked against the invoices"
    ]


def test_transitions_the_rules_forbid(filled: Ledger) -> None:
    key = ("lanzhou", "2020", "electricity")
    version = workflow.figure(filled, *key).version
    with pytest.raises(WorkflowError, match="cannot approve a draft value"):
        workflow.approve(filled, *key, expected_version=version, actor="bob")
    state = workflow.submit(filled, *key, expected_version=version, actor="ann")
    with pytest.raises(WorkflowError, match="give a reason to reject"):
        workflow.reject(filled, *key, expected_version=state.version, actor="bob", reason=" ")
    state = workflow.reject(
        filled,
        *key,
        expected_version=state.version,
        actor="bob",
        reason="invoice for December missing",
    )
    assert state.datapoint.status is Status.DRAFT
    assert audit.log(filled, metric="electricity")[-1].reason == "invoice for December missing"


def test_a_swing_beyond_the_threshold_needs_an_explanation_before_approval(
    filled: Ledger,
) -> None:
    key = ("lanzhou", "2020", "fuel.gasoline")  # 100 t -> 150 t: +50%
    state = workflow.submit(
        filled, *key, expected_version=workflow.figure(filled, *key).version, actor="ann"
    )
    assert state.swing is not None and state.swing.needs_explanation
    with pytest.raises(WorkflowError, match=r"changed \+50.0% against 2019"):
        workflow.approve(filled, *key, expected_version=state.version, actor="bob")
    state = workflow.explain_swing(
        filled,
        *key,
        expected_version=state.version,
        actor="ann",
        text="second production line started in May",
    )
    assert state.swing is not None and not state.swing.needs_explanation
    state = workflow.approve(filled, *key, expected_version=state.version, actor="bob")
    assert state.datapoint.status is Status.APPROVED
    # a higher threshold would not have asked
    assert not workflow.figure(filled, *key, threshold=Decimal(60)).swing.needs_explanation


def test_entity_submission_submits_and_approves_everything_or_says_why(filled: Ledger) -> None:
    sub = submissions.submission(filled, "lanzhou", "2020")
    assert (sub.status, sub.version, sub.counts) == (Status.DRAFT, 0, {"draft": 2})
    sub = submissions.submit_entity(filled, "lanzhou", "2020", expected_version=0, actor="ann")
    assert (sub.status, sub.version, sub.counts) == (Status.SUBMITTED, 1, {"submitted": 2})
    with pytest.raises(WorkflowError, match=r"fuel.gasoline changed \+50.0%"):
        submissions.approve_entity(filled, "lanzhou", "2020", expected_version=1, actor="bob")
    with pytest.raises(ConflictError):
        submissions.approve_entity(
            filled, "lanzhou", "2020", expected_version=0, actor="bob", threshold=Decimal(60)
        )
    sub = submissions.approve_entity(
        filled, "lanzhou", "2020", expected_version=1, actor="bob", threshold=Decimal(60)
    )
    assert sub.counts == {"approved": 2} and sub.version == 2
    assert submissions.lock_period(filled, "2020", actor="bob") == 2
    assert submissions.submission(filled, "lanzhou", "2020").status is Status.LOCKED
    assert audit.verify(filled) == []


def test_changing_a_published_prior_value_is_a_restatement(filled: Ledger) -> None:
    key = ("lanzhou", "2019", "electricity")
    version = workflow.figure(filled, *key).version
    with pytest.raises(WorkflowError, match="give a reason"):
        workflow.change_value(
            filled, *key, value=Decimal(2050), unit="MWh", expected_version=version, actor="ann"
        )
    state = workflow.change_value(
        filled,
        *key,
        value=Decimal(2050),
        unit="MWh",
        expected_version=version,
        actor="ann",
        reason="late invoice for December 2019",
    )
    assert (state.datapoint.revision, state.datapoint.status) == (2, Status.DRAFT)
    notes = filled.notes(kind=NoteKind.RESTATEMENT)
    assert [(n.period, n.entity, n.metrics) for n in notes] == [
        ("2019", "lanzhou", ("electricity",))
    ]
    assert notes[0].text == (
        "The 2019 figure of electricity for lanzhou was restated from 2000 MWh to 2050 MWh: "
        "late invoice for December 2019"
    )


def test_record_refuses_a_restatement_without_reason(filled: Ledger) -> None:
    with pytest.raises(WorkflowError, match="is a restatement and needs a reason"):
        filled.record([figure("xian", "2019", "electricity", "801", "MWh")])
    assert filled.history("xian", "2019", "electricity")[-1].revision == 1


def test_check_flags_a_report_claiming_no_restatements(filled: Ledger) -> None:
    filled.set_setting("report", {"chapters": [{"id": "about", "narrative": "Scope as before."}]})
    assert restatement_claim(filled) is None
    filled.set_setting(CLAIM_SETTING, True)
    assert not [p for p in check_period(filled, "2020") if p.check == "restatement-claim"]
    filled.record([figure("xian", "2019", "electricity", "801", "MWh", reason="meter fixed")])
    claims = [p for p in check_period(filled, "2020") if p.check == "restatement-claim"]
    assert [str(p) for p in claims] == [
        "setting claims_no_restatements: the report claims there were no restatements, but the "
        "ledger holds 2: note on electricity (2019); xian/2019/electricity revised"
    ]
    filled.set_setting(CLAIM_SETTING, False)
    filled.set_setting(
        "report",
        {
            "chapters": [
                {
                    "id": "about",
                    "narrative": "No information given in previous reports\n has been restated.",
                }
            ]
        },
    )
    claims = [p for p in check_period(filled, "2020") if p.check == "restatement-claim"]
    assert [p.location for p in claims] == [
        "report/about narrative ('No information given in previous reports has been restated')"
    ]


def test_enter_value_answers_the_stored_revision_and_version(filled: Ledger) -> None:
    key = ("lanzhou", "2020", "electricity")
    seen = workflow.figure(filled, *key).version
    change = {"unit": "MWh", "actor": "ann", "reason": "meter reading"}
    stored, version = workflow.enter_value(
        filled, *key, value=Decimal("2150"), expected_version=seen, **change
    )
    state = workflow.figure(filled, *key)
    assert (stored, version) == (state.datapoint, state.version) and version > seen
    assert stored.revision == 2 and stored.status is Status.DRAFT
    same = workflow.enter_value(
        filled, *key, value=Decimal("2150"), expected_version=version, **change
    )
    assert same == (state.datapoint, version)  # the same value: nothing written
    with pytest.raises(ConflictError):
        workflow.enter_value(filled, *key, value=Decimal("1"), expected_version=seen, **change)
