"""Reading and writing the supply-chain tables of a ledger (see ``tables_supply_chain``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from esgledger.core.model import utcnow
from esgledger.core.supply_chain import RmiSmelter, SmelterEntry, StoredDeclaration, Supplier
from esgledger.store import tables_supply_chain as t
from esgledger.store.ledger import Ledger

LISTS = ("reference", "conformant")


def save_suppliers(
    ledger: Ledger, suppliers: Iterable[Supplier], *, file: str, user: str
) -> tuple[int, int]:
    """Insert new suppliers and update known ones (by code), atomically: (added, updated)."""
    added = updated = 0
    with ledger.transaction() as conn:
        known = {row.code for row in conn.execute(sa.select(t.supplier.c.code))}
        for supplier in suppliers:
            values = _supplier_row(supplier, file, user)
            if supplier.code in known:
                where = t.supplier.c.code == supplier.code
                conn.execute(sa.update(t.supplier).where(where).values(values))
                updated += 1
            else:
                conn.execute(sa.insert(t.supplier).values(values))
                added += 1
    return added, updated


def _supplier_row(supplier: Supplier, file: str, user: str) -> dict[str, Any]:
    return {
        "code": supplier.code,
        "name": supplier.name,
        "category": supplier.category or None,
        "country": supplier.country or None,
        "spend": None if supplier.spend is None else str(supplier.spend),
        "currency": supplier.currency or None,
        "onboarded": supplier.onboarded,
        "active": supplier.active,
        "conflict_minerals": supplier.conflict_minerals,
        "screening": dict(supplier.screening),
        "agreements": dict(supplier.agreements),
        "last_audit": supplier.last_audit,
        "rating": supplier.rating or None,
        "contact_email": supplier.contact_email or None,
        "file": file,
        "line": supplier.line,
        "user_name": user,
        "recorded_at": utcnow(),
    }


def suppliers(ledger: Ledger) -> list[Supplier]:
    """The supplier register, by code."""
    with ledger.engine.connect() as conn:
        rows = conn.execute(sa.select(t.supplier).order_by(t.supplier.c.code)).all()
    return [
        Supplier(
            code=r.code,
            name=r.name,
            category=r.category or "",
            country=r.country or "",
            spend=None if r.spend is None else Decimal(r.spend),
            currency=r.currency or "",
            onboarded=r.onboarded,
            active=r.active,
            conflict_minerals=r.conflict_minerals,
            screening=r.screening,
            agreements=r.agreements,
            last_audit=r.last_audit,
            rating=r.rating or "",
            contact_email=r.contact_email or "",
            line=r.line,
        )
        for r in rows
    ]


def known_files(ledger: Ledger, period: str) -> set[str]:
    """SHA-256 of every file already imported for the period."""
    query = sa.select(t.supplier_declaration.c.sha256).where(
        t.supplier_declaration.c.period == period
    )
    with ledger.engine.connect() as conn:
        return set(conn.scalars(query))


def save_declaration(
    conn: Connection,
    *,
    period: str,
    record: Mapping[str, Any],
    smelters: Sequence[SmelterEntry],
    user: str,
) -> int:
    """Store one declaration (``record``: supplier, file, sha256, template, revision, company,
    status, effective_date, content, problems) with its smelters; returns its id."""
    values = {**record, "period": period, "user_name": user, "recorded_at": utcnow()}
    result = conn.execute(sa.insert(t.supplier_declaration).values(values))
    key = result.inserted_primary_key
    declaration_id = int(key[0]) if key else 0
    rows = [
        {
            "declaration_id": declaration_id,
            "row": s.row,
            "metal": s.metal,
            "smelter_id": s.smelter_id,
            "name": s.name,
            "lookup_name": s.lookup_name,
            "country": s.country,
            "recycled": s.recycled,
        }
        for s in smelters
    ]
    if rows:
        conn.execute(sa.insert(t.declared_smelter), rows)
    return declaration_id


def declarations(ledger: Ledger, period: str) -> list[StoredDeclaration]:
    """Every declaration imported for the period, oldest first, with its smelters."""
    d, s = t.supplier_declaration, t.declared_smelter
    with ledger.engine.connect() as conn:
        heads = conn.execute(sa.select(d).where(d.c.period == period).order_by(d.c.id)).all()
        ids = [h.id for h in heads]
        smelter_rows = (
            conn.execute(
                sa.select(s)
                .where(s.c.declaration_id.in_(ids))
                .order_by(s.c.declaration_id, s.c.row)
            ).all()
            if ids
            else []
        )
    by_declaration: dict[int, list[SmelterEntry]] = {}
    for r in smelter_rows:
        entry = SmelterEntry(
            row=r.row,
            metal=r.metal,
            smelter_id=r.smelter_id,
            name=r.name,
            lookup_name=r.lookup_name,
            country=r.country,
            recycled=r.recycled,
        )
        by_declaration.setdefault(r.declaration_id, []).append(entry)
    return [_stored(h, tuple(by_declaration.get(h.id, ()))) for h in heads]


def _stored(row: Any, smelters: tuple[SmelterEntry, ...]) -> StoredDeclaration:
    return StoredDeclaration(
        id=row.id,
        period=row.period,
        supplier=row.supplier,
        file=row.file,
        status=row.status,
        company=row.company or "",
        template=row.template or "",
        revision=row.revision or "",
        content=row.content,
        problems=tuple(row.problems),
        smelters=smelters,
    )


def replace_rmi_list(
    ledger: Ledger, list_name: str, smelters: Iterable[RmiSmelter], *, source: str
) -> int:
    """Replace an RMI list (``reference`` or ``conformant``) as a whole; returns its size."""
    if list_name not in LISTS:
        raise ValueError(f"unknown RMI list {list_name!r}; one of {LISTS}")
    now = dt.datetime.now(dt.UTC)
    rows = [
        {
            "list_name": list_name,
            "metal": s.metal,
            "smelter_id": s.smelter_id,
            "name": s.name,
            "standard_name": s.standard_name,
            "country": s.country,
            "status": s.status,
            "source": source,
            "recorded_at": now,
        }
        for s in smelters
    ]
    with ledger.transaction() as conn:
        conn.execute(sa.delete(t.rmi_smelter).where(t.rmi_smelter.c.list_name == list_name))
        if rows:
            conn.execute(sa.insert(t.rmi_smelter), rows)
    return len(rows)


def rmi_list(ledger: Ledger, list_name: str) -> list[RmiSmelter]:
    """The stored RMI list (empty when none was imported)."""
    r = t.rmi_smelter
    query = sa.select(r).where(r.c.list_name == list_name).order_by(r.c.id)
    with ledger.engine.connect() as conn:
        return [
            RmiSmelter(
                metal=x.metal,
                smelter_id=x.smelter_id,
                name=x.name,
                standard_name=x.standard_name,
                country=x.country,
                status=x.status,
            )
            for x in conn.execute(query)
        ]
