"""Reads and writes of the GHG inventory's ledger tables (issue 3), each taking a :class:`Ledger`.

Users' factor sets are stored value by value (exact decimals as text) and read back as
:class:`~esgledger.core.factors.FactorSet` objects; the factor sets pinned for a period are a
ledger setting (``ghg.factor_sets.<period>``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from esgledger.core.factors import Citation, Factor, FactorSet
from esgledger.core.model import utcnow
from esgledger.store import tables_ghg as t
from esgledger.store.ledger import Ledger

PIN_SETTING = "ghg.factor_sets.{period}"


def add_batch(conn: Connection, **values: Any) -> int:
    """Record an activity import batch (inside the caller's transaction); returns its id."""
    result = conn.execute(sa.insert(t.activity_batch).values(recorded_at=utcnow(), **values))
    return _new_id(result)


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def batches(ledger: Ledger) -> list[dict[str, Any]]:
    """All activity import batches, oldest first."""
    with ledger.engine.connect() as conn:
        rows = conn.execute(sa.select(t.activity_batch).order_by(t.activity_batch.c.id)).all()
    return [dict(r._mapping) for r in rows]


def next_batch_id(conn: Connection) -> int:
    """The id the next batch will get (batches are never deleted)."""
    return int(conn.execute(sa.select(sa.func.max(t.activity_batch.c.id))).scalar() or 0) + 1


def batch_with_hash(ledger: Ledger, sha256: str) -> dict[str, Any] | None:
    """The batch that imported a file with this content, if any."""
    with ledger.engine.connect() as conn:
        row = conn.execute(
            sa.select(t.activity_batch).where(t.activity_batch.c.sha256 == sha256)
        ).first()
    return dict(row._mapping) if row else None


def add_factor_set(
    ledger: Ledger, factor_set: FactorSet, *, file: str, sha256: str, user: str
) -> None:
    """Store a user's factor set with all its values (one transaction)."""
    c = factor_set.citation
    with ledger.transaction() as conn:
        conn.execute(
            sa.insert(t.ghg_factor_set).values(
                set_id=factor_set.id, title=factor_set.title, document=c.document,
                publisher=c.publisher, year_published=c.year_published, url=c.url, file=file,
                sha256=sha256, user_name=user, recorded_at=utcnow(),
            )
        )  # fmt: skip
        conn.execute(sa.insert(t.ghg_factor), [_factor_row(f) for f in factor_set.factors])


def _factor_row(f: Factor) -> dict[str, Any]:
    return {
        "set_id": f.set_id, "key": f.key, "value": str(f.value), "unit": f.unit,
        "region": f.region, "gas": f.gas, "valid_from": f.valid_from, "valid_to": f.valid_to,
        "source_table": f.citation.table, "note": f.note,
    }  # fmt: skip


def factor_sets(ledger: Ledger) -> list[FactorSet]:
    """The factor sets users imported into this ledger, oldest first."""
    with ledger.engine.connect() as conn:
        sets = conn.execute(sa.select(t.ghg_factor_set).order_by(t.ghg_factor_set.c.id)).all()
        values = conn.execute(sa.select(t.ghg_factor).order_by(t.ghg_factor.c.id)).all()
    result = []
    for s in sets:
        citation = Citation(
            document=s.document, publisher=s.publisher, year_published=s.year_published, url=s.url
        )
        factors = tuple(
            Factor(
                set_id=s.set_id, key=v.key, value=Decimal(v.value), unit=v.unit, region=v.region,
                gas=v.gas, valid_from=v.valid_from, valid_to=v.valid_to, note=v.note or "",
                citation=Citation(document=s.document, publisher=s.publisher,
                                  table=v.source_table or "", year_published=s.year_published,
                                  url=s.url),
            )
            for v in values
            if v.set_id == s.set_id
        )  # fmt: skip
        result.append(
            FactorSet(
                id=s.set_id, title=s.title, kind="emission", citation=citation, factors=factors
            )
        )
    return result


def pinned_sets(ledger: Ledger, period: str) -> list[str]:
    """Factor sets pinned for a period, highest priority first (empty: the default order)."""
    return list(ledger.setting(PIN_SETTING.format(period=period), []) or [])


def pin_sets(ledger: Ledger, period: str, set_ids: list[str]) -> None:
    """Pin factor sets for a period (they answer before all other sets)."""
    ledger.set_setting(PIN_SETTING.format(period=period), list(set_ids))


def save_run(conn: Connection, run: dict[str, Any], contributions: list[dict[str, Any]]) -> int:
    """Store an inventory run and its contributions (in the caller's transaction)."""
    result = conn.execute(sa.insert(t.ghg_run).values(recorded_at=utcnow(), **run))
    run_id = _new_id(result)
    if contributions:
        conn.execute(
            sa.insert(t.ghg_contribution), [{**c, "run_id": run_id} for c in contributions]
        )
    return run_id


def latest_run(ledger: Ledger, period: str) -> dict[str, Any] | None:
    """The latest inventory run of a period, or None."""
    with ledger.engine.connect() as conn:
        row = conn.execute(
            sa.select(t.ghg_run).where(t.ghg_run.c.period == period).order_by(t.ghg_run.c.id.desc())
        ).first()
    return dict(row._mapping) if row else None


def contributions(ledger: Ledger, run_id: int) -> list[dict[str, Any]]:
    """The contributions of a run, largest first."""
    c = t.ghg_contribution
    with ledger.engine.connect() as conn:
        rows = conn.execute(sa.select(c).where(c.c.run_id == run_id).order_by(c.c.id)).all()
    found = [dict(r._mapping) for r in rows]
    return sorted(found, key=lambda r: -abs(Decimal(r["tco2e"])))
