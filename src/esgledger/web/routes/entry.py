"""Data entry: the form of one entity and period, saving a figure (htmx, one row at a time),
explaining swings, evidence, submitting, and Excel templates (download and upload)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from starlette.responses import HTMLResponse, RedirectResponse, Response

from esgledger.collect import workflow
from esgledger.collect.submissions import submission, submit_entity
from esgledger.collect.template_import import ImportOptions, import_templates
from esgledger.errors import ConflictError, EsgLedgerError
from esgledger.web import cycle, uploads
from esgledger.web.deps import Visitor, allow, visitor, web_state
from esgledger.web.entry_rows import (
    ReadOnce,
    check_target,
    entity_template,
    entry_row,
    entry_rows,
    parse_value,
    submission_comments,
)
from esgledger.web.errors import Forbidden
from esgledger.web.handlers import status_of
from esgledger.web.permissions import Action, Principal
from esgledger.web.security import sanitise_text
from esgledger.web.templating import page, render_fragment

router = APIRouter(include_in_schema=False)


def is_htmx(request: Request) -> bool:
    """True for requests made by htmx (they get a fragment back)."""
    return request.headers.get("hx-request") == "true"


def _writable(request: Request, principal: Principal, entity: str, period: str) -> None:
    """Refuse changes to a published period, except by reviewers (restatements)."""
    if cycle.period_locks(web_state(request).ledger).get(period) and not principal.can(
        Action.REVIEW
    ):
        raise Forbidden(f"period {period} is published (locked); ask the ESG lead to restate")


@router.get("/entry")
def entry_index(request: Request, period: str | None = None, v: Visitor = Depends(visitor)):
    """The entities the user may enter data for."""
    principal = allow(v, Action.ENTER_DATA)
    ledger = web_state(request).ledger
    chosen = cycle.chosen_period(ledger, period)
    entities = [e for e in ledger.entities() if principal.can(Action.ENTER_DATA, e.code)]
    states = {e.code: submission(ledger, e.code, chosen) for e in entities}
    return page(
        request,
        "entry_index.html",
        principal=principal,
        csrf_token=v.csrf_token,
        period=chosen,
        periods=cycle.period_locks(ledger),
        entities=entities,
        states=states,
    )


@router.get("/entry/{period}/{entity}")
def entry_form(request: Request, period: str, entity: str, v: Visitor = Depends(visitor)):
    """The form of the metrics an entity owes for a period."""
    principal = allow(v, Action.VIEW_DATA, entity)
    return _entry_page(request, v, principal, period, entity)


def _entry_page(
    request: Request,
    v: Visitor,
    principal: Principal,
    period: str,
    entity: str,
    *,
    errors: dict[str, str] | None = None,
    upload_problems: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    state = web_state(request)
    ledger = ReadOnce(state.ledger)  # the parts of the page read the same rows
    check_target(ledger, state.catalog, entity, period, None)
    locks = cycle.period_locks(ledger)
    editable = principal.can(Action.ENTER_DATA, entity) and (
        not locks.get(period) or principal.can(Action.REVIEW)
    )
    return page(
        request,
        "entry.html",
        principal=principal,
        csrf_token=v.csrf_token,
        period=period,
        entity=entity,
        entity_name={e.code: e.name for e in ledger.entities()}[entity],
        locked=locks.get(period, False),
        rows=entry_rows(ledger, state.catalog, entity, period),
        submission=submission(ledger, entity, period),
        remarks=submission_comments(ledger, entity, period),
        editable=editable,
        errors=errors or {},
        upload_problems=upload_problems or [],
        status_code=status_code,
    )


def _row_response(
    request: Request,
    v: Visitor,
    period: str,
    entity: str,
    metric: str,
    *,
    error: str = "",
    status_code: int = 200,
    saved: bool = False,
) -> Response:
    state = web_state(request)
    row = entry_row(state.ledger, state.catalog, entity, period, metric)
    html = render_fragment(
        "_entry_row.html",
        row=row,
        period=period,
        entity=entity,
        editable=True,
        error=error,
        saved=saved,
        csrf_token=v.csrf_token,
    )
    return HTMLResponse(html, status_code=status_code)


@router.post("/entry/{period}/{entity}/figures/{metric}")
def save_figure(
    request: Request,
    period: str,
    entity: str,
    metric: str,
    value: str = Form(""),
    unit: str = Form(""),
    version: int = Form(0),
    reason: str = Form(""),
    comment: str = Form(""),
    v: Visitor = Depends(visitor),
) -> Response:
    """Enter or correct one figure (a new revision), refused if it moved since it was read."""
    principal = allow(v, Action.ENTER_DATA, entity)
    state = web_state(request)
    check_target(state.ledger, state.catalog, entity, period, metric)
    _writable(request, principal, entity, period)
    try:
        number = parse_value(value)
        row = entry_row(state.ledger, state.catalog, entity, period, metric)
        if unit not in row.units:
            raise ValueError(f"unit: {unit[:20]!r} is not a unit of {metric}")
        workflow.change_value(
            state.ledger,
            entity,
            period,
            metric,
            value=number,
            unit=unit,
            expected_version=version,
            actor=principal.login,
            reason=sanitise_text(reason) or None,
            source="form",
        )
        if comment.strip():
            workflow.add_comment(
                state.ledger,
                entity,
                period,
                metric,
                actor=principal.login,
                text=sanitise_text(comment),
            )
    except (ValueError, ConflictError, EsgLedgerError) as exc:
        return _refused(request, v, principal, (period, entity, metric), exc)
    if is_htmx(request):
        return _row_response(request, v, period, entity, metric, saved=True)
    return RedirectResponse(f"/entry/{period}/{entity}?done=saved#row-{metric}", 303)


def _refused(
    request: Request, v: Visitor, principal: Principal, key: tuple[str, str, str], exc: Exception
) -> Response:
    period, entity, metric = key
    status = status_of(exc)
    if isinstance(exc, Forbidden):
        raise exc
    message = str(exc)
    if isinstance(exc, ConflictError):
        message = (
            "Not saved: someone else changed this figure since you opened the page. "
            "The current value is shown below; check it and enter yours again if needed."
        )
    if is_htmx(request):
        return _row_response(request, v, period, entity, metric, error=message, status_code=status)
    return _entry_page(
        request, v, principal, period, entity, errors={metric: message}, status_code=status
    )


@router.post("/entry/{period}/{entity}/figures/{metric}/explain")
def explain(
    request: Request,
    period: str,
    entity: str,
    metric: str,
    text: str = Form(""),
    version: int = Form(0),
    v: Visitor = Depends(visitor),
) -> Response:
    """Explain a year-on-year swing (a variance note, shown in the report)."""
    principal = allow(v, Action.ENTER_DATA, entity)
    state = web_state(request)
    check_target(state.ledger, state.catalog, entity, period, metric)
    _writable(request, principal, entity, period)
    try:
        workflow.explain_swing(
            state.ledger,
            entity,
            period,
            metric,
            expected_version=version,
            actor=principal.login,
            text=sanitise_text(text),
        )
    except EsgLedgerError as exc:
        return _refused(request, v, principal, (period, entity, metric), exc)
    if is_htmx(request):
        return _row_response(request, v, period, entity, metric, saved=True)
    return RedirectResponse(f"/entry/{period}/{entity}?done=explained#row-{metric}", 303)


@router.post("/entry/{period}/{entity}/figures/{metric}/evidence")
def attach(
    request: Request,
    period: str,
    entity: str,
    metric: str,
    file: UploadFile = File(...),
    v: Visitor = Depends(visitor),
) -> Response:
    """Attach an evidence file (PDF, image, spreadsheet) to a figure."""
    principal = allow(v, Action.ENTER_DATA, entity)
    state = web_state(request)
    check_target(state.ledger, state.catalog, entity, period, metric)
    _writable(request, principal, entity, period)
    uploads.attach_evidence(
        state.ledger,
        (entity, period, metric),
        file,
        state.settings.evidence_limit,
        principal.login,
    )
    return RedirectResponse(f"/history/{period}/{entity}/{metric}?done=attached", 303)


@router.post("/entry/{period}/{entity}/submit")
def submit(
    request: Request,
    period: str,
    entity: str,
    version: int = Form(0),
    v: Visitor = Depends(visitor),
) -> Response:
    """Submit the entity's draft figures for review."""
    principal = allow(v, Action.ENTER_DATA, entity)
    state = web_state(request)
    check_target(state.ledger, state.catalog, entity, period, None)
    _writable(request, principal, entity, period)
    submit_entity(state.ledger, entity, period, expected_version=version, actor=principal.login)
    return RedirectResponse(f"/entry/{period}/{entity}?done=submitted", 303)


@router.get("/entry/{period}/{entity}/template.xlsx")
def template(request: Request, period: str, entity: str, v: Visitor = Depends(visitor)):
    """The entity's Excel template for the period (recorded as issued)."""
    principal = allow(v, Action.ENTER_DATA, entity)
    state = web_state(request)
    check_target(state.ledger, state.catalog, entity, period, None)
    paths = entity_template(state.ledger, state.catalog, entity, period, principal.login)
    if not paths:
        raise Forbidden(f"{entity} owes no figure for {period}; nothing to fill in")
    path = paths[0]
    return Response(
        path.read_bytes(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": f'attachment; filename="{path.name}"'},
    )


@router.post("/entry/{period}/{entity}/upload")
def upload(
    request: Request,
    period: str,
    entity: str,
    file: UploadFile = File(...),
    reason: str = Form(""),
    v: Visitor = Depends(visitor),
) -> Response:
    """Import a filled template of this entity and period (all of it or nothing)."""
    principal = allow(v, Action.ENTER_DATA, entity)
    state = web_state(request)
    check_target(state.ledger, state.catalog, entity, period, None)
    _writable(request, principal, entity, period)
    path = uploads.saved_workbook(file, state.settings.upload_limit)
    options = ImportOptions(
        user=principal.login, reason=sanitise_text(reason) or None, period=period, entity=entity
    )
    outcome = import_templates(state.ledger, [path], state.catalog, options)[0]
    if not outcome.ok:
        problems = [str(p) for p in outcome.data.problems]
        return _entry_page(
            request, v, principal, period, entity, upload_problems=problems, status_code=422
        )
    return RedirectResponse(f"/entry/{period}/{entity}?done=imported", 303)
