"""Backup and restore round-trip exactly, on SQLite and PostgreSQL (issue 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from collect_setup import figure, fill
from esgledger.collect import workflow
from esgledger.core.model import Status
from esgledger.errors import StoreError
from esgledger.store import audit
from esgledger.store.backup import backup, dump, restore
from esgledger.store.ledger import Ledger


def busy(ledger: Ledger) -> Ledger:
    """A ledger with revisions, a restatement note, review steps and comments."""
    fill(ledger)
    ledger.record([figure("xian", "2020", "electricity", "812.25", "MWh", Status.DRAFT)])
    ledger.record([figure("xian", "2019", "electricity", "801", "MWh", reason="meter")])
    state = workflow.figure(ledger, "xian", "2020", "electricity")
    workflow.submit(
        ledger, "xian", "2020", "electricity", expected_version=state.version, actor="ann"
    )
    workflow.add_comment(ledger, "xian", "2020", None, actor="bob", text="looks complete")
    return ledger


def test_backup_then_restore_gives_the_same_ledger(
    ledger: Ledger, ledger_url: str, tmp_path: Path
) -> None:
    busy(ledger)
    target = tmp_path / "ledger.jsonl"
    rows = backup(ledger, target)
    before = dump(ledger)
    assert rows == sum(len(v) for v in before.values()) > 20
    copy = Ledger.open(tmp_path / "restored.sqlite")
    assert restore(copy, target) == rows
    assert dump(copy) == before
    assert audit.verify(copy) == [] and audit.head(copy) == audit.head(ledger)
    ledger.close()
    copy.close()


def test_restore_onto_postgresql_continues_ids(
    ledger: Ledger, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    source = busy(Ledger.open(tmp_path / "source.sqlite"))
    backup(source, tmp_path / "b.jsonl")
    restore(ledger, tmp_path / "b.jsonl")
    assert dump(ledger) == dump(source)
    ledger.record([figure("lanzhou", "2020", "headcount", "52", "persons")])  # new ids work
    assert audit.verify(ledger) == []


def test_restore_needs_an_empty_ledger_and_a_backup(ledger: Ledger, tmp_path: Path) -> None:
    busy(ledger)
    backup(ledger, tmp_path / "b.jsonl")
    with pytest.raises(StoreError, match="restore needs an empty ledger; table"):
        restore(ledger, tmp_path / "b.jsonl")
    (tmp_path / "not.jsonl").write_text("hello\n")
    with pytest.raises(StoreError, match="not an esgledger backup"):
        restore(Ledger.open(tmp_path / "new.sqlite"), tmp_path / "not.jsonl")
