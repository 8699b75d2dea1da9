"""Who is asking: the session cookie or API token of a request, and the permission guard.

:func:`visitor` is the one dependency every signed-in route takes. It authenticates the
request (``Authorization: Bearer esgl_...`` or the session cookie), and for a cookie-borne
request that changes state it checks the CSRF token (form field ``csrf_token`` or header
``X-CSRF-Token``) against the session's, so no state-changing form can be forged from another
site. :func:`allow` then asks the role and entity scope; routes pass it the entity from the
URL or body, looked up on the server.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from esgledger.store.ledger import Ledger
from esgledger.web import accounts, sessions
from esgledger.web.errors import BadRequest, Forbidden, NotAuthenticated
from esgledger.web.permissions import Action, Principal
from esgledger.web.security import same_token
from esgledger.web.state import WebState

SESSION_COOKIE = "esgledger_session"
LOGIN_CSRF_COOKIE = "esgledger_login_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PASSWORD_PAGES = ("/account/password", "/logout")


@dataclass(frozen=True, kw_only=True)
class Visitor:
    """An authenticated request.

    Attributes:
        principal: the user and their permissions.
        csrf_token: the session's CSRF token ("" for API-token requests).
        via_token: True when authenticated by a personal API token.
    """

    principal: Principal
    csrf_token: str
    via_token: bool


def web_state(request: Request) -> WebState:
    """The application's :class:`WebState`."""
    state: WebState = request.app.state.web
    return state


def _principal(ledger: Ledger, user_id: int) -> Principal:
    user = accounts.get_user(ledger, user_id)
    if not user.active:
        raise NotAuthenticated("this account is disabled")
    return accounts.principal_of(ledger, user)


def _from_token(ledger: Ledger, secret: str) -> Visitor:
    user_id = sessions.user_of_token(ledger, secret)
    if user_id is None:
        raise NotAuthenticated("invalid or revoked API token")
    return Visitor(principal=_principal(ledger, user_id), csrf_token="", via_token=True)


def _from_session(ledger: Ledger, secret: str) -> Visitor:
    found = sessions.find_signed_in(ledger, secret)  # session, user and scope: one query
    if found is None:
        raise NotAuthenticated("your session has ended; sign in again")
    session, user = found
    if not user.active:
        raise NotAuthenticated("this account is disabled")
    principal = accounts.principal_of(ledger, user)
    return Visitor(principal=principal, csrf_token=session.csrf_token, via_token=False)


async def visitor(request: Request) -> Visitor:
    """The authenticated visitor of a request; :class:`NotAuthenticated` otherwise."""
    ledger = web_state(request).ledger
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        found = await run_in_threadpool(_from_token, ledger, header[7:].strip())
    else:
        secret = request.cookies.get(SESSION_COOKIE)
        if not secret:
            raise NotAuthenticated("sign in first")
        found = await run_in_threadpool(_from_session, ledger, secret)
        if request.method not in SAFE_METHODS:
            await check_csrf(request, found.csrf_token)
    if found.principal.must_change_password and not request.url.path.startswith(PASSWORD_PAGES):
        raise Forbidden("change your one-time password first (Account → Password)")
    return found


async def check_csrf(request: Request, expected: str) -> None:
    """Refuse a state-changing request whose CSRF token is missing or wrong."""
    sent = request.headers.get("x-csrf-token")
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not same_token(sent, expected):
        raise BadRequest("the form's security token is missing or out of date; reload the page")


def allow(visitor: Visitor, action: Action, entity: str | None = None) -> Principal:
    """The principal, if it may do ``action`` (on ``entity``); :class:`Forbidden` otherwise."""
    principal = visitor.principal
    if not principal.can(action, entity):
        where = f" for entity {entity!r}" if entity else ""
        raise Forbidden(f"your role does not allow this{where}")
    return principal


def cookie_secure(request: Request, force: bool) -> bool:
    """Mark cookies Secure over HTTPS, and over plain HTTP anywhere but loopback."""
    host = request.url.hostname or ""
    loopback = host in ("127.0.0.1", "localhost", "::1", "testserver")
    return force or request.url.scheme == "https" or not loopback


def session_lifetime(state: WebState) -> dt.timedelta:
    """How long a new session lasts."""
    return dt.timedelta(hours=state.settings.session_hours)
