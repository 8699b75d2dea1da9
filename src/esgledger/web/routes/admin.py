"""Administration: users (roles, entities, one-time passwords), entities, periods, locking."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from esgledger.collect.submissions import lock_period, submissions
from esgledger.core.model import Entity, Period, Status
from esgledger.errors import EsgLedgerError
from esgledger.web import accounts, cycle
from esgledger.web.deps import Visitor, allow, visitor, web_state
from esgledger.web.errors import BadRequest
from esgledger.web.handlers import status_of
from esgledger.web.permissions import ROLE_LABELS, Action, Role
from esgledger.web.templating import page

router = APIRouter(include_in_schema=False, prefix="/admin")
CODE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


def _users_page(
    request: Request,
    v: Visitor,
    *,
    error: str = "",
    issued: str = "",
    issued_for: str = "",
    status_code: int = 200,
) -> Response:
    principal = allow(v, Action.ADMINISTER)
    ledger = web_state(request).ledger
    return page(
        request,
        "admin_users.html",
        principal=principal,
        csrf_token=v.csrf_token,
        users=accounts.users(ledger),
        entities=ledger.entities(),
        roles=list(Role),
        role_labels=ROLE_LABELS,
        error=error,
        issued=issued,
        issued_for=issued_for,
        status_code=status_code,
    )


@router.get("/users")
def user_list(request: Request, v: Visitor = Depends(visitor)) -> Response:
    """Users, their roles and entities."""
    return _users_page(request, v)


@router.post("/users")
def user_create(
    request: Request,
    login: str = Form(""),
    display_name: str = Form(""),
    role: str = Form(""),
    entities: list[str] = Form([]),
    v: Visitor = Depends(visitor),
) -> Response:
    """Create a user with a one-time password, shown once."""
    allow(v, Action.ADMINISTER)
    password = accounts.one_time_password()
    try:
        user = accounts.create_user(
            web_state(request).ledger,
            login,
            role=_role(role),
            password=password,
            display_name=display_name[:200],
            entities=entities,
        )
    except EsgLedgerError as exc:
        return _users_page(request, v, error=str(exc), status_code=status_of(exc))
    return _users_page(request, v, issued=password, issued_for=user.login)


def _role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        raise BadRequest(f"unknown role {text[:20]!r}") from None


@router.post("/users/{user_id}")
def user_update(
    request: Request,
    user_id: int,
    role: str = Form(""),
    entities: list[str] = Form([]),
    active: str = Form(""),
    v: Visitor = Depends(visitor),
) -> Response:
    """Change a user's role, entities or whether the account is active."""
    principal = allow(v, Action.ADMINISTER)
    if user_id == principal.user_id and (role != Role.ADMIN or not active):
        return _users_page(
            request, v, error="you cannot demote or disable yourself", status_code=422
        )
    try:
        accounts.update_user(
            web_state(request).ledger,
            user_id,
            role=_role(role),
            entities=entities,
            active=bool(active),
        )
    except EsgLedgerError as exc:
        return _users_page(request, v, error=str(exc), status_code=status_of(exc))
    return RedirectResponse("/admin/users?done=updated", 303)


@router.post("/users/{user_id}/password")
def user_reset(request: Request, user_id: int, v: Visitor = Depends(visitor)) -> Response:
    """Give a user a new one-time password (shown once)."""
    allow(v, Action.ADMINISTER)
    ledger = web_state(request).ledger
    user = accounts.get_user(ledger, user_id)
    password = accounts.one_time_password()
    accounts.set_password(ledger, user_id, password, temporary=True)
    return _users_page(request, v, issued=password, issued_for=user.login)


def _setup_page(request: Request, v: Visitor, *, error: str = "", status_code: int = 200):
    principal = allow(v, Action.ADMINISTER)
    ledger = web_state(request).ledger
    return page(
        request,
        "admin_setup.html",
        principal=principal,
        csrf_token=v.csrf_token,
        entities=ledger.entities(),
        periods=ledger.periods(),
        locks=cycle.period_locks(ledger),
        error=error,
        status_code=status_code,
    )


@router.get("/setup")
def setup(request: Request, v: Visitor = Depends(visitor)) -> Response:
    """Entities and periods."""
    return _setup_page(request, v)


@router.post("/entities")
def entity_add(
    request: Request,
    code: str = Form(""),
    name: str = Form(""),
    parent: str = Form(""),
    kind: str = Form("site"),
    country: str = Form(""),
    grid_region: str = Form(""),
    v: Visitor = Depends(visitor),
) -> Response:
    """Add an entity below an existing one."""
    allow(v, Action.ADMINISTER)
    ledger = web_state(request).ledger
    known = {e.code for e in ledger.entities()}
    problem = _entity_problem(code, name, parent, kind, country, known)
    if problem:
        return _setup_page(request, v, error=problem, status_code=422)
    ledger.add_entities(
        [
            Entity(
                code=code,
                name=name.strip()[:300],
                parent=parent,
                kind=kind,
                country=country.upper() or None,
                grid_region=grid_region.strip()[:40] or None,
                ownership=Decimal(1),
                controlled=True,
            )
        ]
    )
    return RedirectResponse("/admin/setup?done=created", 303)


def _entity_problem(
    code: str, name: str, parent: str, kind: str, country: str, known: set[str]
) -> str:
    if not CODE.match(code):
        return "code: lower-case letters, digits, '.', '_' and '-' only"
    if code in known:
        return f"code: an entity {code!r} exists already"
    if not name.strip():
        return "name: required"
    if parent not in known:
        return f"parent: no entity {parent[:80]!r}"
    if kind not in ("subsidiary", "site", "group"):
        return "kind: subsidiary, site or group"
    if country and not re.fullmatch(r"[A-Za-z]{2}", country):
        return "country: a two-letter ISO 3166 code"
    return ""


@router.post("/periods")
def period_add(request: Request, year: int = Form(0), v: Visitor = Depends(visitor)) -> Response:
    """Add a calendar-year reporting period."""
    allow(v, Action.ADMINISTER)
    ledger = web_state(request).ledger
    if not 1990 <= year <= 2100:
        return _setup_page(request, v, error="year: between 1990 and 2100", status_code=422)
    if str(year) in {p.code for p in ledger.periods()}:
        return _setup_page(request, v, error=f"period {year} exists already", status_code=422)
    ledger.add_periods(
        [Period(code=str(year), start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))]
    )
    return RedirectResponse("/admin/setup?done=created", 303)


@router.post("/periods/{period}/lock")
def period_lock(request: Request, period: str, v: Visitor = Depends(visitor)) -> Response:
    """Publish a period: lock its figures; refused while any figure is not approved."""
    principal = allow(v, Action.ADMINISTER)
    ledger = web_state(request).ledger
    ledger.period(period)
    pending = (str(Status.DRAFT), str(Status.SUBMITTED))
    open_items = [
        s.entity + " (" + ", ".join(f"{n} {k}" for k, n in s.counts.items() if k in pending) + ")"
        for s in submissions(ledger, period)
        if any(s.counts.get(k) for k in pending)
    ]
    if open_items:
        message = f"period {period} cannot be locked: not approved yet in " + "; ".join(open_items)
        return _setup_page(request, v, error=message, status_code=422)
    lock_period(ledger, period, actor=principal.login)
    return RedirectResponse("/admin/setup?done=locked", 303)
