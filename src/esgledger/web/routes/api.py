"""The JSON API under ``/api/``: datapoints (read, and write with a version), metrics, checks.

Authenticate with a personal API token (``Authorization: Bearer esgl_...``) or, from the
application's own pages, the session cookie (writes then need the ``X-CSRF-Token`` header).
Every query is limited to the caller's entities. Errors have one shape:
``{"error": {"status": 409, "type": "ConflictError", "message": "..."}}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field

from esgledger.check.run import check_period
from esgledger.collect import workflow
from esgledger.core.model import Datapoint, Kind, Status
from esgledger.web import cycle
from esgledger.web.deps import Visitor, allow, visitor, web_state
from esgledger.web.entry_rows import (
    ReadOnce,
    check_target,
    figure_versions,
    parse_value,
    unit_choices,
)
from esgledger.web.errors import BadRequest, Forbidden
from esgledger.web.permissions import Action
from esgledger.web.security import sanitise_text

BEARER = HTTPBearer(auto_error=False, description="A personal API token (esgl_...).")
router = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(BEARER)])
Code = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9._-]+$")]
FilterCode = Annotated[str | None, Query(max_length=120, pattern=r"^[A-Za-z0-9._-]+$")]


class ErrorDetail(BaseModel):
    """What went wrong."""

    status: int
    type: str
    message: str


class ErrorBody(BaseModel):
    """The shape of every API error."""

    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 413, 422)
}


class DatapointOut(BaseModel):
    """A reported figure (its latest revision) with the version to send back with a change."""

    entity: str
    period: str
    metric: str
    value: str = Field(description="exact decimal, as text")
    unit: str
    status: str
    revision: int
    version: int = Field(description="send it back as `version` when changing this figure")
    recorded_at: dt.datetime
    recorded_by: str


class DatapointIn(BaseModel):
    """A figure to enter or correct; `version` is what you read (0 for a new figure)."""

    entity: Code
    period: Code
    metric: Code
    value: Annotated[str, Field(min_length=1, max_length=40)] = Field(
        description='a decimal number as text, e.g. "1234.5"'
    )
    unit: Annotated[str, Field(min_length=1, max_length=60)]
    version: Annotated[int, Field(ge=0)]
    reason: Annotated[str | None, Field(max_length=2000)] = None


class MetricOut(BaseModel):
    """A group figure of a period (reported or computed), with the prior period's value."""

    metric: str
    name: str
    unit: str
    value: str
    kind: str
    prior_value: str | None


class ProblemOut(BaseModel):
    """A problem a check found."""

    location: str
    message: str
    severity: str
    check: str


def _datapoint_out(dp: Datapoint, version: int) -> DatapointOut:
    return DatapointOut(
        entity=dp.entity,
        period=dp.period,
        metric=dp.metric,
        value=str(dp.quantity.value),
        unit=dp.quantity.unit,
        status=str(dp.status),
        revision=dp.revision,
        version=version,
        recorded_at=dp.provenance.recorded_at,
        recorded_by=dp.provenance.user,
    )


@router.get("/datapoints", response_model=list[DatapointOut], responses=ERRORS)
def list_datapoints(
    request: Request,
    period: FilterCode = None,
    entity: FilterCode = None,
    metric: FilterCode = None,
    status: Status | None = None,
    v: Visitor = Depends(visitor),
) -> list[DatapointOut]:
    """Reported figures (latest revisions) of the caller's entities, filtered."""
    principal = allow(v, Action.VIEW_DATA)
    if entity is not None:
        allow(v, Action.VIEW_DATA, entity)
    ledger = web_state(request).ledger
    chosen = cycle.chosen_period(ledger, period)
    found = [
        dp
        for dp in ledger.datapoints(period=chosen, entity=entity, metric=metric, kind=Kind.REPORTED)
        if principal.can(Action.VIEW_DATA, dp.entity) and status in (None, dp.status)
    ]
    # versions of all the figures in one query (not a review state, with its swing and
    # comments, per figure: a list of hundreds of figures would take thousands of queries)
    versions = figure_versions(ledger, chosen, entity=entity, metric=metric) if found else {}
    return [_datapoint_out(dp, versions.get((dp.entity, dp.metric), 0)) for dp in found]


@router.post("/datapoints", response_model=DatapointOut, responses=ERRORS)
def write_datapoint(
    request: Request, body: DatapointIn, v: Visitor = Depends(visitor)
) -> DatapointOut:
    """Enter or correct a figure (a draft revision). Refused with 409 if `version` is stale."""
    principal = allow(v, Action.ENTER_DATA, body.entity)
    state = web_state(request)
    ledger = ReadOnce(state.ledger)  # the checks read the same periods
    check_target(ledger, state.catalog, body.entity, body.period, body.metric)
    if cycle.period_locks(ledger).get(body.period) and not principal.can(Action.REVIEW):
        raise Forbidden(f"period {body.period} is published (locked)")
    if body.unit not in unit_choices(state.catalog, body.metric):
        raise BadRequest(f"unit: {body.unit!r} is not a unit of {body.metric}")
    # the stored revision and its version, from the writing transaction (no re-read)
    stored, version = workflow.enter_value(
        state.ledger,
        body.entity,
        body.period,
        body.metric,
        value=parse_value(body.value),
        unit=body.unit,
        expected_version=body.version,
        actor=principal.login,
        reason=sanitise_text(body.reason or "") or None,
        source="api",
    )
    return _datapoint_out(stored, version)


@router.get("/metrics", response_model=list[MetricOut], responses=ERRORS)
def list_metrics(
    request: Request, period: FilterCode = None, v: Visitor = Depends(visitor)
) -> list[MetricOut]:
    """The group's figures of a period (published periods only for viewers and data owners)."""
    state = web_state(request)
    chosen = cycle.chosen_period(state.ledger, period)
    if not v.principal.can(Action.VIEW_REPORT):
        allow(v, Action.VIEW_PUBLISHED)
        if not cycle.period_locks(state.ledger).get(chosen):
            raise Forbidden(f"the figures of {chosen} are not published")
    from esgledger.calculate.run import calculate_with_prior

    pair = state.cached(("pair", chosen), lambda: calculate_with_prior(state.ledger, chosen))
    root = pair.current.root
    found = []
    for (entity, metric_id), figure in sorted(pair.current.figures.items()):
        if entity != root or metric_id not in state.catalog:
            continue
        before = pair.prior.get(metric_id) if pair.prior else None
        found.append(
            MetricOut(
                metric=metric_id,
                name=state.catalog.get(metric_id).name,
                unit=figure.unit,
                value=str(figure.value),
                kind=str(figure.kind),
                prior_value=str(before.value) if before else None,
            )
        )
    return found


@router.get("/checks", response_model=list[ProblemOut], responses=ERRORS)
def list_checks(
    request: Request, period: FilterCode = None, v: Visitor = Depends(visitor)
) -> list[ProblemOut]:
    """Problems the checks find in a period."""
    allow(v, Action.VIEW_REPORT)
    state = web_state(request)
    chosen = cycle.chosen_period(state.ledger, period)
    problems = state.cached(("checks", chosen), lambda: check_period(state.ledger, chosen))
    return [
        ProblemOut(location=p.location, message=p.message, severity=str(p.severity), check=p.check)
        for p in problems
    ]
