"""Review: the queue of submissions, one entity's submission with swings and comments,
approve / reject with a comment / request an explanation, and every figure's history."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from esgledger.collect import workflow
from esgledger.collect.submissions import (
    approve_entity,
    reject_entity,
    submission,
    submissions,
)
from esgledger.core.model import Kind, Status
from esgledger.errors import EsgLedgerError
from esgledger.store import audit
from esgledger.web import cycle, uploads
from esgledger.web.deps import Visitor, allow, visitor, web_state
from esgledger.web.entry_rows import check_target, submission_comments
from esgledger.web.handlers import status_of
from esgledger.web.permissions import Action
from esgledger.web.security import sanitise_text
from esgledger.web.templating import page

router = APIRouter(include_in_schema=False)
REQUEST_PREFIX = "Explanation requested: "


@router.get("/review")
def queue(request: Request, period: str | None = None, v: Visitor = Depends(visitor)):
    """Submissions of the period, those waiting for review first."""
    principal = allow(v, Action.REVIEW)
    ledger = web_state(request).ledger
    chosen = cycle.chosen_period(ledger, period)
    found = submissions(ledger, chosen)
    found.sort(key=lambda s: (-s.counts.get(str(Status.SUBMITTED), 0), s.entity))
    return page(
        request,
        "review_queue.html",
        principal=principal,
        csrf_token=v.csrf_token,
        period=chosen,
        periods=cycle.period_locks(ledger),
        submissions=found,
        names={e.code: e.name for e in ledger.entities()},
    )


@router.get("/review/{period}/{entity}")
def review_entity(request: Request, period: str, entity: str, v: Visitor = Depends(visitor)):
    """One entity's figures under review, with swings, explanations and comments."""
    return _review_page(request, v, period, entity)


def _review_page(
    request: Request,
    v: Visitor,
    period: str,
    entity: str,
    *,
    error: str = "",
    status_code: int = 200,
) -> Response:
    principal = allow(v, Action.REVIEW)
    state = web_state(request)
    check_target(state.ledger, state.catalog, entity, period, None)
    states = workflow.figures(state.ledger, period, entity=entity)
    return page(
        request,
        "review.html",
        principal=principal,
        csrf_token=v.csrf_token,
        period=period,
        entity=entity,
        entity_name={e.code: e.name for e in state.ledger.entities()}[entity],
        submission=submission(state.ledger, entity, period),
        remarks=submission_comments(state.ledger, entity, period),
        figures=states,
        names={m.id: m.name for m in state.catalog},
        error=error,
        status_code=status_code,
    )


@router.post("/review/{period}/{entity}/approve")
def approve(
    request: Request,
    period: str,
    entity: str,
    version: int = Form(0),
    v: Visitor = Depends(visitor),
) -> Response:
    """Approve every submitted figure of the entity."""
    principal = allow(v, Action.REVIEW)
    ledger = web_state(request).ledger
    try:
        approve_entity(ledger, entity, period, expected_version=version, actor=principal.login)
    except EsgLedgerError as exc:
        return _review_page(request, v, period, entity, error=str(exc), status_code=status_of(exc))
    return RedirectResponse(f"/review/{period}/{entity}?done=approved", 303)


@router.post("/review/{period}/{entity}/reject")
def reject(
    request: Request,
    period: str,
    entity: str,
    version: int = Form(0),
    reason: str = Form(""),
    v: Visitor = Depends(visitor),
) -> Response:
    """Send the submission back to the data owner with a comment."""
    principal = allow(v, Action.REVIEW)
    ledger = web_state(request).ledger
    text = sanitise_text(reason)
    try:
        reject_entity(
            ledger, entity, period, expected_version=version, actor=principal.login, reason=text
        )
        workflow.add_comment(ledger, entity, period, None, actor=principal.login, text=text)
    except EsgLedgerError as exc:
        return _review_page(request, v, period, entity, error=str(exc), status_code=status_of(exc))
    return RedirectResponse(f"/review/{period}/{entity}?done=rejected", 303)


@router.post("/review/{period}/{entity}/figures/{metric}/{action}")
def figure_step(
    request: Request,
    period: str,
    entity: str,
    metric: str,
    action: str,
    version: int = Form(0),
    text: str = Form(""),
    v: Visitor = Depends(visitor),
) -> Response:
    """Approve, reject or request an explanation of one figure."""
    principal = allow(v, Action.REVIEW)
    state = web_state(request)
    check_target(state.ledger, state.catalog, entity, period, metric)
    cleaned = sanitise_text(text)
    key, who = (state.ledger, entity, period, metric), principal.login
    try:
        if action == "approve":
            workflow.approve(*key, expected_version=version, actor=who)
        elif action == "reject":
            workflow.reject(*key, expected_version=version, actor=who, reason=cleaned)
        elif action == "request":
            workflow.add_comment(
                *key,
                actor=who,
                text=REQUEST_PREFIX + (cleaned or "please explain this figure"),
                expected_version=version,
            )
        else:
            return _review_page(
                request, v, period, entity, error=f"unknown step {action!r}", status_code=404
            )
    except EsgLedgerError as exc:
        return _review_page(request, v, period, entity, error=str(exc), status_code=status_of(exc))
    done = {"approve": "approved", "reject": "rejected", "request": "requested"}[action]
    return RedirectResponse(f"/review/{period}/{entity}?done={done}#fig-{metric}", 303)


@router.get("/history/{period}/{entity}/{metric}")
def history(
    request: Request, period: str, entity: str, metric: str, v: Visitor = Depends(visitor)
) -> Response:
    """Every revision and event of a figure: who, when, old, new, why."""
    principal = allow(v, Action.VIEW_DATA, entity)
    state = web_state(request)
    check_target(state.ledger, state.catalog, entity, period, None)
    revisions = [
        dp for dp in state.ledger.history(entity, period, metric) if dp.kind is Kind.REPORTED
    ]
    events = audit.log(state.ledger, metric=metric, entity=entity, period=period)
    return page(
        request,
        "history.html",
        principal=principal,
        csrf_token=v.csrf_token,
        period=period,
        entity=entity,
        metric=metric,
        name=state.catalog.get(metric).name if metric in state.catalog else metric,
        revisions=revisions,
        events=list(reversed(events)),
        evidence=uploads.evidence_of(state.ledger, entity, period, metric),
        can_attach=principal.can(Action.ENTER_DATA, entity),
    )


@router.get("/evidence/{evidence_id}")
def evidence_file(request: Request, evidence_id: int, v: Visitor = Depends(visitor)) -> Response:
    """Download an evidence file (only within the user's entities)."""
    found, content = uploads.evidence(web_state(request).ledger, evidence_id)
    allow(v, Action.VIEW_DATA, found.entity)
    return Response(
        content,
        media_type=found.media_type,
        headers={
            "content-disposition": f'attachment; filename="{found.file_name}"',
            "content-security-policy": "default-src 'none'; sandbox",
        },
    )
