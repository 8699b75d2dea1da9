"""The :class:`Ledger`: the one API through which the rest of esgledger reads and writes data.

Open a ledger with a file path (SQLite) or a database URL (``postgresql://...``). Opening runs
the Alembic migrations, so a new file becomes an empty ledger and an old one is upgraded.
Writes are transactions: an import either records every datapoint or none.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

from esgledger.core.model import (
    ConsolidationApproach,
    Datapoint,
    Entity,
    Kind,
    Note,
    NoteKind,
    Organization,
    Period,
    Provenance,
    Quantity,
    Status,
    utcnow,
)
from esgledger.errors import NotFound, StoreError
from esgledger.store import schema as t
from esgledger.store.audit_records import audited_state, record_datapoints, record_notes
from esgledger.store.restatements import add_restatement_notes

#: up to this many metrics, a write reads the current revisions of those metrics only
_FEW_METRICS = 50


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL for a path or URL; PostgreSQL URLs get the psycopg 3 driver."""
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the database schema to the latest Alembic revision."""
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("esgledger.store") / "migrations")
    )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")  # feature branches of the schema each start at 0001


@dataclass
class RecordResult:
    """What recording a batch of datapoints did."""

    added: int = 0
    revised: int = 0
    unchanged: int = 0
    revisions: list[tuple[Datapoint, Datapoint]] = field(default_factory=list)

    @property
    def written(self) -> int:
        """Rows appended to the ledger."""
        return self.added + self.revised


@dataclass(frozen=True, kw_only=True)
class StakeholderGroup:
    """A stakeholder group: its issues of concern and how the company engages it."""

    name: str
    issues: tuple[str, ...]
    channels: tuple[str, ...]
    frequency: str


@dataclass(frozen=True, kw_only=True)
class MaterialIssue:
    """A candidate material issue with its GRI topic standards and ESRS topics."""

    number: int
    category: str
    name: str
    gri_topics: tuple[str, ...] = ()
    esrs: tuple[str, ...] = ()


class Ledger:
    """An ESG ledger stored in SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- opening ----------------------------------------------------------------------------
    @classmethod
    def open(cls, target: str | Path, *, create: bool = True) -> Ledger:
        """Open (and migrate) the ledger at a path or URL.

        With ``create=False`` a missing SQLite file is an error instead of a new ledger.
        """
        url = database_url(target)
        if url.startswith("sqlite:///") and not create:
            path = Path(url.removeprefix("sqlite:///"))
            if not path.exists():
                raise NotFound(f"no ledger at {path}; create one with `esgledger init --db {path}`")
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        try:
            engine = sa.create_engine(url)
            if engine.dialect.name == "sqlite":
                sa.event.listen(engine, "connect", _sqlite_pragmas)
            migrate(engine)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(
                f"cannot open ledger {target}: {exc.__class__.__name__}: {exc}"
            ) from exc
        return cls(engine)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection in one transaction: all of it is written, or none."""
        with self.engine.begin() as connection:
            yield connection

    # --- organization, entities, periods ------------------------------------------------------
    def organization(self) -> Organization | None:
        """The reporting organization, or None in a new ledger."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t.organization)).first()
        if row is None:
            return None
        return Organization(
            name=row.name,
            short_name=row.short_name,
            currency=row.currency,
            consolidation=ConsolidationApproach(row.consolidation),
            details=dict(row.details),
        )

    def set_organization(self, org: Organization, conn: Connection | None = None) -> None:
        """Create or replace the organization record."""
        values = {
            "id": 1,
            "name": org.name,
            "short_name": org.short_name,
            "currency": org.currency,
            "consolidation": str(org.consolidation),
            "details": org.details,
        }
        with self._conn(conn) as c:
            c.execute(sa.delete(t.organization))
            c.execute(sa.insert(t.organization).values(**values))

    def entities(self) -> list[Entity]:
        """All entities, parents before children."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.entity).order_by(t.entity.c.id)).all()
        return [
            Entity(
                code=r.code,
                name=r.name,
                parent=r.parent,
                kind=r.kind,
                country=r.country,
                grid_region=r.grid_region,
                ownership=Decimal(r.ownership),
                controlled=r.controlled,
            )
            for r in rows
        ]

    def add_entities(self, entities: Iterable[Entity], conn: Connection | None = None) -> None:
        """Add entities (parents must come before their children)."""
        rows = [
            {
                "code": e.code,
                "name": e.name,
                "parent": e.parent,
                "kind": e.kind,
                "country": e.country,
                "grid_region": e.grid_region,
                "ownership": str(e.ownership),
                "controlled": e.controlled,
            }
            for e in entities
        ]
        if rows:
            with self._conn(conn) as c:
                c.execute(sa.insert(t.entity), rows)

    def periods(self) -> list[Period]:
        """All reporting periods, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.period).order_by(t.period.c.start_date)).all()
        return [Period(code=r.code, start=r.start_date, end=r.end_date) for r in rows]

    def add_periods(self, periods: Iterable[Period], conn: Connection | None = None) -> None:
        """Add reporting periods."""
        rows = [
            {"code": p.code, "start_date": p.start, "end_date": p.end, "locked": False}
            for p in periods
        ]
        if rows:
            with self._conn(conn) as c:
                c.execute(sa.insert(t.period), rows)

    def period(self, code: str) -> Period:
        """One period by code; :class:`NotFound` when absent."""
        for p in self.periods():
            if p.code == code:
                return p
        known = ", ".join(p.code for p in self.periods()) or "none"
        raise NotFound(f"no period {code!r} in the ledger (periods: {known})")

    def prior_period(self, code: str) -> Period | None:
        """The period just before ``code``, if the ledger has one."""
        periods = self.periods()
        codes = [p.code for p in periods]
        index = codes.index(self.period(code).code)
        return periods[index - 1] if index > 0 else None

    # --- datapoints ------------------------------------------------------------------------
    def datapoints(
        self,
        *,
        period: str | None = None,
        entity: str | None = None,
        metric: str | None = None,
        kind: Kind | None = Kind.REPORTED,
    ) -> list[Datapoint]:
        """Current datapoints (latest revision of each), optionally filtered."""
        d = t.datapoint.c
        conditions = [
            column == value
            for column, value in ((d.period, period), (d.entity, entity), (d.metric, metric))
            if value is not None
        ]
        if kind is not None:
            conditions.append(d.kind == str(kind))
        query = _newest_revisions(*conditions).order_by(d.id)
        with self.engine.connect() as conn:
            return [_datapoint(row) for row in conn.execute(query)]

    def history(self, entity: str, period: str, metric: str) -> list[Datapoint]:
        """Every revision of one figure, oldest first."""
        d = t.datapoint
        query = (
            sa.select(d)
            .where(d.c.entity == entity, d.c.period == period, d.c.metric == metric)
            .order_by(d.c.kind, d.c.revision)
        )
        with self.engine.connect() as conn:
            return [_datapoint(row) for row in conn.execute(query)]

    def record(
        self,
        datapoints: Iterable[Datapoint],
        *,
        conn: Connection | None = None,
        batch_id: int | None = None,
    ) -> RecordResult:
        """Append datapoints: new figures get revision 1, changed ones the next revision.

        A figure whose value and unit are unchanged is not written again. Revision numbers and
        reasons given on the datapoints are ignored/kept: the ledger numbers revisions itself.
        The caller checks beforehand that changed figures carry a reason
        (:meth:`pending_changes`).
        """
        result = RecordResult()
        datapoints = list(datapoints)
        with self._conn(conn) as c:
            current = self._current_map(c, datapoints)
            rows, olds = [], []
            for dp in datapoints:
                previous = current.get((dp.entity, dp.period, dp.metric, str(dp.kind)))
                if previous is not None and _same(previous, dp):
                    result.unchanged += 1
                    continue
                revision = 1 if previous is None else previous.revision + 1
                if previous is None:
                    result.added += 1
                else:
                    result.revised += 1
                    result.revisions.append((previous, dp))
                rows.append(_row(dp, revision, batch_id))
                olds.append(None if previous is None else audited_state(previous))
            if rows:
                c.execute(sa.insert(t.datapoint), rows)
                record_datapoints(c, rows, olds)  # the audit trail, in the same transaction
                add_restatement_notes(c, result.revisions)
        return result

    def pending_changes(self, datapoints: Iterable[Datapoint]) -> list[tuple[Datapoint, Datapoint]]:
        """(current, new) pairs where recording ``datapoints`` would change a stored value."""
        datapoints = list(datapoints)
        with self.engine.connect() as c:
            current = self._current_map(c, datapoints)
        pairs = []
        for dp in datapoints:
            previous = current.get((dp.entity, dp.period, dp.metric, str(dp.kind)))
            if previous is not None and not _same(previous, dp):
                pairs.append((previous, dp))
        return pairs

    def _current_map(
        self, conn: Connection, datapoints: list[Datapoint]
    ) -> dict[tuple[str, str, str, str], Datapoint]:
        """Current revisions of the entities and periods that ``datapoints`` touch.

        Only the newest revision of each figure is read (not its whole history: a figure
        corrected a thousand times would otherwise cost a thousand rows per write), and only
        of the metrics written when they are few.
        """
        d = t.datapoint.c
        conditions = [
            d.entity.in_(sorted({dp.entity for dp in datapoints})),
            d.period.in_(sorted({dp.period for dp in datapoints})),
        ]
        metrics = sorted({dp.metric for dp in datapoints})
        if len(metrics) <= _FEW_METRICS:
            conditions.append(d.metric.in_(metrics))
        query = _newest_revisions(*conditions)
        rows = conn.execute(query)
        return {(r.entity, r.period, r.metric, r.kind): _datapoint(r) for r in rows}

    def last_revision_id(self) -> int:
        """Id of the newest datapoint row (0 for an empty ledger); changes on every write."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(t.datapoint.c.id))).scalar() or 0

    def add_batch(self, file: str, sha256: str, rows: int, user: str, conn: Connection) -> int:
        """Record an import batch and return its id."""
        result = conn.execute(
            sa.insert(t.import_batch).values(
                file=file, sha256=sha256, rows=rows, user_name=user, recorded_at=utcnow()
            )
        )
        return _new_id(result)

    def batches_with_hash(self, sha256: str) -> list[dict[str, Any]]:
        """Earlier import batches of a file with this content hash."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(t.import_batch).where(t.import_batch.c.sha256 == sha256)
            ).all()
        return [dict(r._mapping) for r in rows]

    # --- notes -----------------------------------------------------------------------------
    def notes(self, *, period: str | None = None, kind: NoteKind | None = None) -> list[Note]:
        """Notes (variance explanations, restatements, method statements, omissions)."""
        query = sa.select(t.note).order_by(t.note.c.id)
        if period is not None:
            query = query.where(t.note.c.period == period)
        if kind is not None:
            query = query.where(t.note.c.kind == str(kind))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            Note(
                kind=NoteKind(r.kind),
                period=r.period,
                entity=r.entity,
                metrics=tuple(r.metrics),
                text=r.text,
            )
            for r in rows
        ]

    def add_notes(
        self, notes: Iterable[Note], *, user: str = "system", conn: Connection | None = None
    ) -> None:
        """Append notes."""
        rows = [
            {
                "kind": str(n.kind),
                "period": n.period,
                "entity": n.entity,
                "metrics": list(n.metrics),
                "text": n.text,
                "user_name": user,
                "recorded_at": utcnow(),
            }
            for n in notes
        ]
        if rows:
            with self._conn(conn) as c:
                c.execute(sa.insert(t.note), rows)
                record_notes(c, rows)

    # --- computed values -----------------------------------------------------------------------
    def save_computed(
        self,
        period: str,
        values: Iterable[dict[str, Any]],
        *,
        input_revision: int,
        settings: dict[str, Any],
        user: str = "system",
    ) -> int:
        """Store the figures of one calculation run (replacing the period's earlier runs)."""
        with self.engine.begin() as c:
            old = sa.select(t.calculation_run.c.id).where(t.calculation_run.c.period == period)
            c.execute(sa.delete(t.computed_value).where(t.computed_value.c.run_id.in_(old)))
            c.execute(sa.delete(t.calculation_run).where(t.calculation_run.c.period == period))
            run_id = _new_id(
                c.execute(
                    sa.insert(t.calculation_run).values(
                        period=period,
                        input_revision=input_revision,
                        settings=settings,
                        user_name=user,
                        recorded_at=utcnow(),
                    )
                )
            )
            rows = [{**v, "run_id": run_id, "period": period} for v in values]
            if rows:
                c.execute(sa.insert(t.computed_value), rows)
        return int(run_id)

    def calculation_run(self, period: str) -> dict[str, Any] | None:
        """The latest calculation run of a period, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(t.calculation_run).where(t.calculation_run.c.period == period)
            ).first()
        return dict(row._mapping) if row else None

    def computed(self, period: str) -> list[dict[str, Any]]:
        """Computed values (with lineage) of the latest run for a period."""
        c = t.computed_value
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(c).where(c.c.period == period).order_by(c.c.id)).all()
        return [dict(r._mapping) for r in rows]

    # --- registers and settings --------------------------------------------------------------
    def stakeholder_groups(self) -> list[StakeholderGroup]:
        """The stakeholder register."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.stakeholder_group).order_by(t.stakeholder_group.c.id))
            return [
                StakeholderGroup(
                    name=r.name,
                    issues=tuple(r.issues),
                    channels=tuple(r.channels),
                    frequency=r.frequency,
                )
                for r in rows
            ]

    def add_stakeholder_groups(
        self, groups: Iterable[StakeholderGroup], conn: Connection | None = None
    ) -> None:
        """Add stakeholder groups to the register."""
        rows = [
            {
                "name": g.name,
                "issues": list(g.issues),
                "channels": list(g.channels),
                "frequency": g.frequency,
            }
            for g in groups
        ]
        if rows:
            with self._conn(conn) as c:
                c.execute(sa.insert(t.stakeholder_group), rows)

    def material_issues(self) -> list[MaterialIssue]:
        """The catalog of candidate material issues, by number."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.material_issue).order_by(t.material_issue.c.number))
            return [
                MaterialIssue(
                    number=r.number,
                    category=r.category,
                    name=r.name,
                    gri_topics=tuple(r.gri_topics),
                    esrs=tuple(r.esrs),
                )
                for r in rows
            ]

    def add_material_issues(
        self, issues: Iterable[MaterialIssue], conn: Connection | None = None
    ) -> None:
        """Add candidate material issues."""
        rows = [
            {
                "number": i.number,
                "category": i.category,
                "name": i.name,
                "gri_topics": list(i.gri_topics),
                "esrs": list(i.esrs),
            }
            for i in issues
        ]
        if rows:
            with self._conn(conn) as c:
                c.execute(sa.insert(t.material_issue), rows)

    def setting(self, key: str, default: Any = None) -> Any:
        """A stored setting (JSON value), or ``default``."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t.setting.c.value).where(t.setting.c.key == key)).first()
        return default if row is None else row.value

    def set_setting(self, key: str, value: Any, conn: Connection | None = None) -> None:
        """Store a setting (replacing an earlier value)."""
        json.dumps(value)  # fail early on values that cannot be stored
        with self._conn(conn) as c:
            c.execute(sa.delete(t.setting).where(t.setting.c.key == key))
            c.execute(sa.insert(t.setting).values(key=key, value=value))

    # --- helpers ------------------------------------------------------------------------------
    @contextmanager
    def _conn(self, conn: Connection | None) -> Iterator[Connection]:
        if conn is not None:
            yield conn
        else:
            with self.engine.begin() as fresh:
                yield fresh


def _newest_revisions(*conditions: Any) -> Any:
    """A SELECT of the newest revision of each figure (entity, period, metric, kind) that
    matches ``conditions`` - the "current" values of an append-only table."""
    d = t.datapoint
    newest = (
        sa.select(
            d.c.entity, d.c.period, d.c.metric, d.c.kind, sa.func.max(d.c.revision).label("rev")
        )
        .where(*conditions)
        .group_by(d.c.entity, d.c.period, d.c.metric, d.c.kind)
        .subquery()
    )
    return sa.select(d).join(
        newest,
        sa.and_(
            d.c.entity == newest.c.entity,
            d.c.period == newest.c.period,
            d.c.metric == newest.c.metric,
            d.c.kind == newest.c.kind,
            d.c.revision == newest.c.rev,
        ),
    )


def _new_id(result: Any) -> int:
    """The primary key of the row an INSERT created."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _same(previous: Datapoint, new: Datapoint) -> bool:
    return (
        previous.quantity.value == new.quantity.value
        and previous.quantity.unit == new.quantity.unit
    )


def _row(dp: Datapoint, revision: int, batch_id: int | None) -> dict[str, Any]:
    p = dp.provenance
    return {
        "entity": dp.entity,
        "period": dp.period,
        "metric": dp.metric,
        "value": str(dp.quantity.value),
        "unit": dp.quantity.unit,
        "kind": str(dp.kind),
        "status": str(dp.status),
        "revision": revision,
        "reason": dp.reason,
        "comment": dp.comment,
        "source": p.source,
        "file": p.file,
        "sheet": p.sheet,
        "cell": p.cell,
        "line": p.line,
        "field": p.field,
        "user_name": p.user,
        "reference": p.reference,
        "recorded_at": p.recorded_at,
        "batch_id": batch_id,
    }


def _datapoint(row: Any) -> Datapoint:
    recorded = row.recorded_at
    if recorded is not None and recorded.tzinfo is None:  # SQLite drops the zone; we store UTC
        recorded = recorded.replace(tzinfo=dt.UTC)
    return Datapoint(
        entity=row.entity,
        period=row.period,
        metric=row.metric,
        quantity=Quantity(value=Decimal(row.value), unit=row.unit),
        kind=Kind(row.kind),
        status=Status(row.status),
        revision=row.revision,
        reason=row.reason,
        comment=row.comment,
        provenance=Provenance(
            source=row.source,
            file=row.file,
            sheet=row.sheet,
            cell=row.cell,
            line=row.line,
            field=row.field,
            user=row.user_name,
            recorded_at=recorded,
            reference=row.reference,
        ),
    )
