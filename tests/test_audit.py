"""The audit trail (issue 4): every change is a chained event; tampering is detected."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from collect_setup import figure, fill
from esgledger.core.model import Note, NoteKind, Status
from esgledger.store import audit
from esgledger.store.audit_verify import check_chain
from esgledger.store.ledger import Ledger


@pytest.fixture
def filled(ledger: Ledger) -> Ledger:
    return fill(ledger)


def raw(ledger: Ledger, sql: str) -> None:
    """Change the database behind esgledger's back."""
    with ledger.engine.begin() as conn:
        conn.execute(sa.text(sql))


def messages(ledger: Ledger) -> list[str]:
    return [str(p) for p in audit.verify(ledger)]


def test_every_recorded_value_and_note_is_an_event(filled: Ledger) -> None:
    filled.record([figure("lanzhou", "2019", "electricity", "2100", "MWh", reason="meter")])
    filled.add_notes([Note(kind=NoteKind.METHOD, period="2020", metrics=("x",), text="t")])
    events = audit.log(filled)
    assert [e.seq for e in events] == list(range(1, 8))
    # changing an approved 2019 value (2020 is the latest period) is a restatement: a note too
    assert [e.name for e in events] == ["datapoint.recorded"] * 5 + ["note.added"] * 2
    assert events[5].new["kind"] == "restatement" and events[5].period == "2019"
    revision = audit.log(filled, metric="electricity", entity="lanzhou")[-1]
    assert revision.old == {
        "kind": "reported",
        "revision": 1,
        "value": "2000",
        "unit": "MWh",
        "status": "approved",
    }
    assert revision.new["value"] == "2100" and revision.new["revision"] == 2
    assert revision.reason == "meter" and revision.actor == "tester"
    assert revision.created.tzinfo is not None
    assert audit.head(filled) == (7, events[-1].hash)
    assert audit.verify(filled) == []


def test_a_failed_write_leaves_no_event(filled: Ledger) -> None:
    before = audit.head(filled)
    with pytest.raises(sa.exc.IntegrityError):
        filled.record(
            [
                figure("lanzhou", "2020", "electricity", "1", "MWh"),
                figure("nowhere", "2020", "electricity", "1", "MWh"),
            ]
        )
    assert audit.head(filled) == before
    assert audit.verify(filled) == []


def test_value_edited_with_sql_is_detected(filled: Ledger) -> None:
    raw(
        filled,
        "UPDATE datapoint SET value = '1999' WHERE metric = 'electricity' AND entity = 'lanzhou'",
    )
    assert messages(filled) == [
        "lanzhou/2019/electricity rev 1: value is '1999' in the ledger but '2000' in the audit "
        "trail (changed outside esgledger)"
    ]


def test_status_edited_deleted_and_inserted_rows_are_detected(filled: Ledger) -> None:
    raw(filled, "UPDATE datapoint SET status = 'locked' WHERE entity = 'xian'")
    raw(filled, "DELETE FROM datapoint WHERE metric = 'headcount'")
    raw(
        filled,
        "INSERT INTO datapoint (entity, period, metric, value, unit, kind, status, "
        "revision, source, user_name, recorded_at) VALUES ('xian', '2020', 'electricity',"
        " '5', 'MWh', 'reported', 'approved', 1, 'sql', 'mallory', '2020-01-01')",
    )
    found = messages(filled)
    assert (
        "xian/2019/electricity rev 1: status is 'locked' in the ledger but 'approved' in "
        "the audit trail (changed outside esgledger)" in found
    )
    assert (
        "lanzhou/2019/headcount rev 1: is in the audit trail but not in the ledger "
        "(outside esgledger)" in found
    )
    assert (
        "xian/2020/electricity rev 1: is not in the audit trail (written outside "
        "esgledger)" in found
    )
    assert len(found) == 3


def test_edited_or_deleted_events_break_the_chain(filled: Ledger) -> None:
    raw(filled, "UPDATE audit_event SET actor = 'someone else' WHERE seq = 2")
    assert messages(filled) == ["audit event 2: datapoint.recorded was altered outside esgledger"]
    raw(filled, "UPDATE audit_event SET actor = 'tester' WHERE seq = 2")
    assert messages(filled) == []
    raw(filled, "DELETE FROM audit_event WHERE seq = 2")
    found = messages(filled)
    assert "audit event 3: expected event 2 here: events were deleted" in found
    assert "audit event 3: does not link to the event before it" in found


def test_cutting_off_the_newest_events_is_detected(filled: Ledger) -> None:
    raw(filled, "DELETE FROM audit_event WHERE seq = 4")
    raw(filled, "DELETE FROM datapoint WHERE entity = 'xian'")
    assert messages(filled) == [
        "audit head: the trail ends at event 3 but its head records event 4: events were "
        "removed from the end, or the head was altered"
    ]


def test_notes_edited_behind_the_back_are_detected(filled: Ledger) -> None:
    filled.add_notes([Note(kind=NoteKind.VARIANCE, period="2020", metrics=("a",), text="why")])
    raw(filled, "UPDATE note SET text = 'another story'")
    found = messages(filled)
    assert len(found) == 2 and all(m.startswith("note: ") for m in found)


def test_expected_head_hash_must_be_in_the_chain(filled: Ledger) -> None:
    _, digest = audit.head(filled)
    filled.record([figure("xian", "2020", "electricity", "900", "MWh", Status.SUBMITTED)])
    assert audit.verify(filled, expect=digest) == []
    assert [p.message for p in audit.verify(filled, expect="f" * 64)] == [
        f"the expected hash {'f' * 64} is not in the trail"
    ]


def test_old_ledgers_are_adopted_by_the_migration(ledger_url: str) -> None:
    """Rows written before the audit trail existed get ``*.adopted`` events."""
    with Ledger.open(ledger_url) as ledger:
        fill(ledger)
        raw(ledger, "DELETE FROM audit_event")
        raw(ledger, "DELETE FROM audit_head")
        with ledger.transaction() as conn:
            assert audit.adopt_existing(conn) == 4
        assert {e.name for e in audit.log(ledger)} == {"datapoint.adopted"}
        assert audit.verify(ledger) == []


# --- the chain as a pure structure ------------------------------------------------------------
def chain_of(names: list[str]) -> list[audit.AuditEvent]:
    events, prev = [], audit.GENESIS
    moment = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    for seq, name in enumerate(names, start=1):
        base = audit.NewEvent(name=name, actor="a", new={"n": seq})
        digest = audit.event_hash(base, seq=seq, created=moment, prev_hash=prev)
        events.append(
            audit.AuditEvent(
                **dataclasses.asdict(base), seq=seq, created=moment, prev_hash=prev, hash=digest
            )
        )
        prev = digest
    return events


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(st.sampled_from(["a.b", "c.d", "e"]), min_size=1, max_size=12),
    data=st.data(),
)
def test_any_single_change_to_a_chain_is_detected(names: list[str], data: st.DataObject) -> None:
    chain = chain_of(names)
    head = (chain[-1].seq, chain[-1].hash)
    assert check_chain(chain, head, None) == []
    index = data.draw(st.integers(0, len(chain) - 1))
    change = data.draw(st.sampled_from(["actor", "new", "delete", "reason"]))
    tampered = list(chain)
    if change == "delete":
        del tampered[index]
    else:
        value = {"actor": "mallory", "new": {"n": -1}, "reason": "x"}[change]
        tampered[index] = dataclasses.replace(chain[index], **{change: value})
    assert check_chain(tampered, head, None) != []
