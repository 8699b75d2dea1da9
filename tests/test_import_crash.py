"""Crash safety (issue 4): an import killed with SIGKILL leaves an intact ledger and trail."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from esgledger.store import audit
from esgledger.store import schema as t
from esgledger.store.ledger import Ledger

IMPORTER = """
import sys
from decimal import Decimal
from esgledger.core.model import Datapoint, Quantity, Status, new_provenance
from esgledger.store.ledger import Ledger

ledger = Ledger.open(sys.argv[1])
for batch in range(10_000):
    points = [
        Datapoint(entity="lanzhou", period="2020", metric=f"m{batch}.{i}",
                  quantity=Quantity(value=Decimal(i), unit="t"), status=Status.SUBMITTED,
                  provenance=new_provenance("file", file=f"batch{batch}.xlsx", user="crash"))
        for i in range(200)
    ]
    with ledger.transaction() as conn:
        number = ledger.add_batch(f"batch{batch}.xlsx", "0" * 64, len(points), "crash", conn)
        ledger.record(points, conn=conn, batch_id=number)
    print(batch, flush=True)
"""


def test_sigkill_during_imports_leaves_whole_batches_and_a_verified_trail(tmp_path: Path) -> None:
    from collect_setup import sqlite_ledger

    sqlite_ledger(tmp_path).close()
    db = str(tmp_path / "ledger.sqlite")
    script = tmp_path / "importer.py"
    script.write_text(IMPORTER)
    process = subprocess.Popen([sys.executable, str(script), db], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for _ in range(3):  # let three batches commit, then kill while the next is being written
        process.stdout.readline()
    time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    with Ledger.open(db) as ledger:
        with ledger.engine.connect() as conn:
            batches = conn.execute(sa.select(t.import_batch.c.id, t.import_batch.c.rows)).all()
            counts = dict(
                conn.execute(
                    sa.select(t.datapoint.c.batch_id, sa.func.count()).group_by(
                        t.datapoint.c.batch_id
                    )
                ).all()
            )
        assert len(batches) >= 3
        assert all(counts[b.id] == b.rows == 200 for b in batches)  # no half batch
        assert sum(v for k, v in counts.items() if k is not None) == 200 * len(batches)
        assert audit.verify(ledger) == []
        assert audit.head(ledger)[0] == 4 + 200 * len(batches)
