"""Signing in and out, changing one's password, personal API tokens.

The sign-in form is protected against login CSRF by a double-submit token (a cookie and a
hidden field that must match). Every failure answers the same message whether the login
exists or not, and repeated failures are throttled (:mod:`esgledger.web.throttle`).
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from esgledger.web import accounts, sessions, throttle
from esgledger.web.deps import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Visitor,
    cookie_secure,
    session_lifetime,
    visitor,
    web_state,
)
from esgledger.web.errors import BadRequest
from esgledger.web.permissions import Action, Principal
from esgledger.web.security import same_token
from esgledger.web.templating import page

router = APIRouter(include_in_schema=False)
FAILED = "Sign-in failed: the login or password is wrong, or there were too many attempts."


def home_of(principal: Principal) -> str:
    """Where a user lands after signing in."""
    if principal.must_change_password:
        return "/account/password"
    return "/dashboard" if principal.can(Action.VIEW_DATA) else "/published"


def _safe_next(target: str) -> str:
    """Only same-site paths (no ``//host`` or ``/\\host``) may be redirected to."""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return ""


def _login_page(request: Request, *, error: str = "", login: str = "", status: int = 200):
    token = secrets.token_urlsafe(32)
    org = web_state(request).ledger.organization()
    response = page(
        request,
        "login.html",
        principal=None,
        login_csrf=token,
        next=_safe_next(request.query_params.get("next", "")),
        error=error,
        login=login,
        organization=org.short_name if org else "your organization",
        status_code=status,
    )
    secure = cookie_secure(request, web_state(request).settings.force_secure_cookies)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/login"
    )
    return response


@router.get("/")
def login_form(request: Request) -> Response:
    """The sign-in page (signed-in users go to their start page)."""
    secret = request.cookies.get(SESSION_COOKIE)
    ledger = web_state(request).ledger
    session = sessions.find_session(ledger, secret) if secret else None
    if session is not None:
        user = accounts.get_user(ledger, session.user_id)
        if user.active:
            return RedirectResponse(home_of(accounts.principal_of(ledger, user)), 303)
    return _login_page(request)


@router.post("/login")
def login(
    request: Request,
    login: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form(""),
) -> Response:
    """Check the credentials; start a session and set its cookie."""
    state = web_state(request)
    if not same_token(csrf_token, request.cookies.get(LOGIN_CSRF_COOKIE, "")):
        raise BadRequest("the sign-in form expired; reload the page and try again")
    keys = throttle.keys_for(login, request.client.host if request.client else None)
    if throttle.locked(state.ledger, keys):
        return _login_page(request, error=FAILED, login=login[:120], status=429)
    user = accounts.authenticate(state.ledger, login, password)
    if user is None:
        throttle.record_failure(state.ledger, keys)
        return _login_page(request, error=FAILED, login=login[:120], status=401)
    throttle.clear(state.ledger, login)
    secret, _ = sessions.start_session(state.ledger, user.id, session_lifetime(state))
    principal = accounts.principal_of(state.ledger, user)
    response = RedirectResponse(_safe_next(next) or home_of(principal), 303)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(session_lifetime(state).total_seconds()),
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request, state.settings.force_secure_cookies),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, v: Visitor = Depends(visitor)) -> Response:
    """End the session."""
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        sessions.end_session(web_state(request).ledger, secret)
    response = RedirectResponse("/", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account/password")
def password_form(request: Request, v: Visitor = Depends(visitor)) -> Response:
    """The change-password form."""
    return page(request, "password.html", principal=v.principal, csrf_token=v.csrf_token, error="")


@router.post("/account/password")
def change_password(
    request: Request,
    current: str = Form(""),
    new: str = Form(""),
    v: Visitor = Depends(visitor),
) -> Response:
    """Replace the password after checking the current one."""
    ledger = web_state(request).ledger
    error = ""
    if accounts.authenticate(ledger, v.principal.login, current) is None:
        error = "The current password is wrong."
    elif new == current:
        error = "Choose a password different from the current one."
    else:
        try:
            accounts.set_password(ledger, v.principal.user_id, new)
        except BadRequest as exc:
            error = str(exc).capitalize() + "."
    if error:
        return page(
            request,
            "password.html",
            principal=v.principal,
            csrf_token=v.csrf_token,
            error=error,
            status_code=422,
        )
    user = accounts.get_user(ledger, v.principal.user_id)
    return RedirectResponse(home_of(accounts.principal_of(ledger, user)) + "?done=password", 303)


@router.get("/account/tokens")
def token_list(request: Request, v: Visitor = Depends(visitor)) -> Response:
    """The user's personal API tokens."""
    return _tokens_page(request, v)


def _tokens_page(request: Request, v: Visitor, new_token: str = "", new_name: str = ""):
    return page(
        request,
        "tokens.html",
        principal=v.principal,
        csrf_token=v.csrf_token,
        tokens=sessions.tokens(web_state(request).ledger, v.principal.user_id),
        new_token=new_token,
        new_name=new_name,
    )


@router.post("/account/tokens")
def token_create(request: Request, name: str = Form(""), v: Visitor = Depends(visitor)) -> Response:
    """Make a token and show it once."""
    secret = sessions.create_token(web_state(request).ledger, v.principal.user_id, name)
    return _tokens_page(request, v, new_token=secret, new_name=name.strip()[:120])


@router.post("/account/tokens/{token_id}/revoke")
def token_revoke(request: Request, token_id: int, v: Visitor = Depends(visitor)) -> Response:
    """Revoke one of the user's own tokens."""
    sessions.revoke_token(web_state(request).ledger, v.principal.user_id, token_id)
    return RedirectResponse("/account/tokens?done=revoked", 303)
