"""Sign-in sessions and personal API tokens, both kept only as SHA-256 digests.

A session id is 32 random bytes in an HTTP-only, SameSite cookie; the session row holds the
digest, the user, the CSRF token of its forms and when it expires. An API token
(``esgl_<random>``) is shown once when created; its digest and first characters are kept so
that a user can recognise and revoke it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from esgledger.core.model import utcnow
from esgledger.store import tables_web as tw
from esgledger.store.ledger import Ledger
from esgledger.web import accounts
from esgledger.web.accounts import User

TOKEN_PREFIX = "esgl_"


def digest(secret: str) -> str:
    """The SHA-256 hex digest under which a session id or token is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True, kw_only=True)
class Session:
    """A live sign-in session.

    Attributes:
        user_id: whose session it is.
        csrf_token: the token every state-changing form of this session must send back.
        expires: when the session ends (UTC).
    """

    user_id: int
    csrf_token: str
    expires: dt.datetime


def start_session(ledger: Ledger, user_id: int, lifetime: dt.timedelta) -> tuple[str, Session]:
    """Create a session; returns the id for the cookie (never stored) and the session."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    session = Session(user_id=user_id, csrf_token=secrets.token_urlsafe(32), expires=now + lifetime)
    row = {"token_hash": digest(secret), "user_id": user_id, "csrf_token": session.csrf_token}
    with ledger.transaction() as conn:
        conn.execute(sa.delete(tw.web_session).where(tw.web_session.c.expires < now))
        conn.execute(sa.insert(tw.web_session).values(**row, created=now, expires=session.expires))
    return secret, session


def find_session(ledger: Ledger, secret: str) -> Session | None:
    """The unexpired session with this id, else None."""
    s = tw.web_session.c
    with ledger.engine.connect() as conn:
        row = conn.execute(sa.select(tw.web_session).where(s.token_hash == digest(secret))).first()
    if row is None:
        return None
    expires = _utc(row.expires)
    if expires <= utcnow():
        return None
    return Session(user_id=row.user_id, csrf_token=row.csrf_token, expires=expires)


def find_signed_in(ledger: Ledger, secret: str) -> tuple[Session, User] | None:
    """The unexpired session with this id and its user (with the user's named entities), in
    one query: every signed-in request asks; else None."""
    s = tw.web_session.c
    query = (
        sa.select(tw.web_user, s.csrf_token.label("session_csrf"), s.expires.label("session_ends"))
        .join_from(tw.web_user, tw.web_session, s.user_id == tw.web_user.c.id)
        .where(s.token_hash == digest(secret))
    )
    with ledger.engine.connect() as conn:
        found = accounts.user_rows(conn, query)
    if not found:
        return None
    row, user = found[0]
    expires = _utc(row.session_ends)
    if expires <= utcnow():
        return None
    return Session(user_id=user.id, csrf_token=row.session_csrf, expires=expires), user


def end_session(ledger: Ledger, secret: str) -> None:
    """Sign out: forget the session."""
    with ledger.transaction() as conn:
        conn.execute(sa.delete(tw.web_session).where(tw.web_session.c.token_hash == digest(secret)))


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True, kw_only=True)
class ApiToken:
    """A personal API token as its owner sees it (never the secret itself).

    Attributes:
        id: primary key.
        name: what the owner called it (``SAP HR push``).
        prefix: the first characters, to recognise it.
        created: when it was made (UTC).
        last_used: when it last authenticated a request, if ever.
        revoked: True once revoked.
    """

    id: int
    name: str
    prefix: str
    created: dt.datetime
    last_used: dt.datetime | None
    revoked: bool


def create_token(ledger: Ledger, user_id: int, name: str) -> str:
    """Make a personal API token; returns the secret, shown to the user only now."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = {"token_hash": digest(secret), "prefix": secret[:10], "user_id": user_id}
    row |= {"name": name.strip()[:120] or "API token", "created": utcnow(), "revoked": False}
    with ledger.transaction() as conn:
        conn.execute(sa.insert(tw.web_api_token).values(**row))
    return secret


def tokens(ledger: Ledger, user_id: int) -> list[ApiToken]:
    """A user's tokens, newest first."""
    t = tw.web_api_token.c
    query = sa.select(tw.web_api_token).where(t.user_id == user_id).order_by(t.id.desc())
    with ledger.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [
        ApiToken(
            id=r.id,
            name=r.name,
            prefix=r.prefix,
            created=_utc(r.created),
            last_used=_utc(r.last_used) if r.last_used else None,
            revoked=r.revoked,
        )
        for r in rows
    ]


def revoke_token(ledger: Ledger, user_id: int, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False when it is not theirs."""
    t = tw.web_api_token.c
    with ledger.transaction() as conn:
        result = conn.execute(
            sa.update(tw.web_api_token)
            .where(t.id == token_id, t.user_id == user_id)
            .values(revoked=True)
        )
    return bool(result.rowcount)


def user_of_token(ledger: Ledger, secret: str) -> int | None:
    """The user a valid, unrevoked token belongs to (and stamp its use), else None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    t = tw.web_api_token.c
    with ledger.transaction() as conn:
        row = conn.execute(
            sa.select(tw.web_api_token).where(t.token_hash == digest(secret), t.revoked.is_(False))
        ).first()
        if row is None:
            return None
        conn.execute(sa.update(tw.web_api_token).where(t.id == row.id).values(last_used=utcnow()))
    return int(row.user_id)
