"""Reading and writing the materiality assessment of a ledger.

Every write is one transaction. Survey waves and IROs are added whole; weights, thresholds and
the engagement log are small registers; validations are appended, never changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from esgledger.core.materiality import (
    Audience,
    Criterion,
    EngagementEvent,
    Iro,
    IroKind,
    Scale,
    SurveyResponse,
    SurveyWave,
    Thresholds,
    Validation,
    Zone,
    ZoneChange,
)
from esgledger.core.model import utcnow
from esgledger.store import tables_materiality as t
from esgledger.store.ledger import Ledger


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite drops the zone


# --- survey waves --------------------------------------------------------------------------
def add_wave(
    ledger: Ledger, wave: SurveyWave, responses: Iterable[SurveyResponse], *, replace: bool = False
) -> int:
    """Store a wave and its responses at once (replacing a wave of the same code if asked);
    returns the number of scores written."""
    with ledger.transaction() as conn:
        if replace:
            _delete_wave(conn, wave.code)
        inserted = conn.execute(
            sa.insert(t.survey_wave).values(
                code=wave.code,
                period=wave.period,
                audience=str(wave.audience),
                scale_low=wave.scale.low,
                scale_high=wave.scale.high,
                scale_labels=list(wave.scale.labels),
                title=wave.title,
                file=wave.file,
                sha256=wave.sha256,
                illustrative=wave.illustrative,
                user_name=wave.user,
                recorded_at=wave.recorded_at,
            )
        ).inserted_primary_key
        assert inserted is not None
        wave_id = inserted[0]
        rows = [
            {
                "wave_id": wave_id,
                "respondent": r.respondent,
                "stakeholder_group": r.group,
                "issue": r.issue,
                "score": str(r.score),
                "location": r.location,
            }
            for r in responses
        ]
        if rows:
            conn.execute(sa.insert(t.survey_response), rows)
    return len(rows)


def remove_wave(ledger: Ledger, code: str) -> bool:
    """Delete a wave and its responses; False when there is no such wave."""
    with ledger.transaction() as conn:
        return _delete_wave(conn, code)


def _delete_wave(conn: Connection, code: str) -> bool:
    w = t.survey_wave
    ids = sa.select(w.c.id).where(w.c.code == code)
    conn.execute(sa.delete(t.survey_response).where(t.survey_response.c.wave_id.in_(ids)))
    return bool(conn.execute(sa.delete(w).where(w.c.code == code)).rowcount)


def waves(ledger: Ledger, period: str | None = None) -> list[SurveyWave]:
    """Survey waves, oldest first (of one period if given)."""
    query = sa.select(t.survey_wave).order_by(t.survey_wave.c.id)
    if period is not None:
        query = query.where(t.survey_wave.c.period == period)
    with ledger.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        SurveyWave(
            code=r.code,
            period=r.period,
            audience=Audience(r.audience),
            scale=Scale(low=r.scale_low, high=r.scale_high, labels=tuple(r.scale_labels)),
            title=r.title,
            file=r.file,
            sha256=r.sha256,
            illustrative=r.illustrative,
            user=r.user_name,
            recorded_at=_utc(r.recorded_at),
        )
        for r in rows
    ]


def responses(
    ledger: Ledger, period: str, audience: Audience | None = None
) -> list[SurveyResponse]:
    """Every score of the period's waves (of one audience if given), in import order."""
    w, r = t.survey_wave, t.survey_response
    query = (
        sa.select(r, w.c.code)
        .join(w, w.c.id == r.c.wave_id)
        .where(w.c.period == period)
        .order_by(r.c.id)
    )
    if audience is not None:
        query = query.where(w.c.audience == str(audience))
    with ledger.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        SurveyResponse(
            wave=row.code,
            respondent=row.respondent,
            group=row.stakeholder_group,
            issue=row.issue,
            score=Decimal(row.score),
            location=row.location,
        )
        for row in rows
    ]


# --- weights and thresholds ------------------------------------------------------------------
def weights(ledger: Ledger, period: str) -> dict[str, Decimal]:
    """Stakeholder group -> weight for the period (empty: every group weighs the same)."""
    w = t.materiality_weight
    with ledger.engine.connect() as conn:
        rows = conn.execute(sa.select(w).where(w.c.period == period).order_by(w.c.id)).all()
    return {row.stakeholder_group: Decimal(row.weight) for row in rows}


def set_weights(ledger: Ledger, period: str, values: dict[str, Decimal]) -> None:
    """Replace the period's group weights (validate them first with ``check_weights``)."""
    w = t.materiality_weight
    with ledger.transaction() as conn:
        conn.execute(sa.delete(w).where(w.c.period == period))
        rows = [
            {"period": period, "stakeholder_group": g, "weight": str(v)} for g, v in values.items()
        ]
        if rows:
            conn.execute(sa.insert(w), rows)


def thresholds(ledger: Ledger, period: str) -> Thresholds | None:
    """The period's zone thresholds, or None when the defaults of the scale apply."""
    th = t.materiality_threshold
    with ledger.engine.connect() as conn:
        row = conn.execute(sa.select(th).where(th.c.period == period)).first()
    if row is None:
        return None
    return Thresholds(
        high=Decimal(row.high),
        moderate=Decimal(row.moderate),
        material_zones=tuple(Zone(z) for z in row.material_zones),
    )


def set_thresholds(ledger: Ledger, period: str, value: Thresholds) -> None:
    """Store the period's zone thresholds."""
    th = t.materiality_threshold
    with ledger.transaction() as conn:
        conn.execute(sa.delete(th).where(th.c.period == period))
        conn.execute(
            sa.insert(th).values(
                period=period,
                high=str(value.high),
                moderate=str(value.moderate),
                material_zones=[str(z) for z in value.material_zones],
            )
        )


# --- validation ------------------------------------------------------------------------------
def add_validation(ledger: Ledger, validation: Validation) -> None:
    """Append a management validation."""
    changes = [
        {"issue": c.issue, "zone": str(c.zone), "reason": c.reason} for c in validation.changes
    ]
    with ledger.transaction() as conn:
        conn.execute(
            sa.insert(t.materiality_validation).values(
                period=validation.period,
                validated_by=validation.validated_by,
                validated_on=validation.validated_on,
                changes=changes,
                comment=validation.comment,
                result_hash=validation.result_hash,
                user_name=validation.user,
                recorded_at=validation.recorded_at,
            )
        )


def validations(ledger: Ledger, period: str) -> list[Validation]:
    """The period's validations, oldest first."""
    v = t.materiality_validation
    with ledger.engine.connect() as conn:
        rows = conn.execute(sa.select(v).where(v.c.period == period).order_by(v.c.id)).all()
    return [
        Validation(
            period=r.period,
            validated_by=r.validated_by,
            validated_on=r.validated_on,
            changes=tuple(
                ZoneChange(issue=int(c["issue"]), zone=Zone(c["zone"]), reason=str(c["reason"]))
                for c in r.changes
            ),
            comment=r.comment,
            result_hash=r.result_hash,
            user=r.user_name,
            recorded_at=_utc(r.recorded_at),
        )
        for r in rows
    ]


# --- engagement log --------------------------------------------------------------------------
def add_engagements(ledger: Ledger, events: Iterable[EngagementEvent]) -> int:
    """Append entries to the engagement log; returns how many."""
    rows = [
        {
            "date": e.date,
            "stakeholder_group": e.group,
            "channel": e.channel,
            "topic": e.topic,
            "outcome": e.outcome,
            "user_name": e.user,
            "recorded_at": utcnow(),
        }
        for e in events
    ]
    if rows:
        with ledger.transaction() as conn:
            conn.execute(sa.insert(t.engagement_event), rows)
    return len(rows)


def engagements(
    ledger: Ledger, *, start: dt.date | None = None, end: dt.date | None = None
) -> list[EngagementEvent]:
    """The engagement log by date (between ``start`` and ``end`` inclusive, if given)."""
    e = t.engagement_event
    query = sa.select(e).order_by(e.c.date, e.c.id)
    if start is not None:
        query = query.where(e.c.date >= start)
    if end is not None:
        query = query.where(e.c.date <= end)
    with ledger.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        EngagementEvent(
            date=r.date,
            group=r.stakeholder_group,
            channel=r.channel,
            topic=r.topic,
            outcome=r.outcome,
            user=r.user_name,
        )
        for r in rows
    ]


# --- double materiality --------------------------------------------------------------------
def replace_iros(ledger: Ledger, period: str, iros: Iterable[Iro], user: str = "system") -> int:
    """Replace the period's impacts, risks and opportunities; returns how many."""
    rows = [
        {
            "period": period,
            "code": i.code,
            "issue": i.issue,
            "kind": str(i.kind),
            "description": i.description,
            "potential": i.potential,
            "human_rights": i.human_rights,
            "scores": {
                k: {"score": str(c.score), "rationale": c.rationale} for k, c in i.scores.items()
            },
            "location": i.location,
            "user_name": user,
            "recorded_at": utcnow(),
        }
        for i in iros
    ]
    with ledger.transaction() as conn:
        conn.execute(sa.delete(t.materiality_iro).where(t.materiality_iro.c.period == period))
        if rows:
            conn.execute(sa.insert(t.materiality_iro), rows)
    return len(rows)


def iros(ledger: Ledger, period: str) -> list[Iro]:
    """The period's impacts, risks and opportunities, in import order."""
    i = t.materiality_iro
    with ledger.engine.connect() as conn:
        rows = conn.execute(sa.select(i).where(i.c.period == period).order_by(i.c.id)).all()
    return [
        Iro(
            code=r.code,
            period=r.period,
            issue=r.issue,
            kind=IroKind(r.kind),
            description=r.description,
            potential=r.potential,
            human_rights=r.human_rights,
            scores={
                k: Criterion(score=Decimal(v["score"]), rationale=v["rationale"])
                for k, v in r.scores.items()
            },
            location=r.location,
        )
        for r in rows
    ]
