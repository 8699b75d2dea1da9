"""User accounts: argon2 password hashes, roles and entity scopes, stored in the ledger.

Passwords are hashed with argon2id (memory-hard, RFC 9106) through argon2-cffi; a login for
an unknown user still verifies against a dummy hash, so response times do not tell which
logins exist.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from esgledger.core.model import utcnow
from esgledger.errors import NotFound
from esgledger.store import tables_web as tw
from esgledger.store.ledger import Ledger
from esgledger.web.errors import BadRequest
from esgledger.web.permissions import Principal, Role, scope_of

HASHER = PasswordHasher()  # argon2id with the library's RFC 9106 low-memory profile
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))
MIN_PASSWORD = 12
LOGIN_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")


@dataclass(frozen=True, kw_only=True)
class User:
    """A user account as administrators see it.

    Attributes:
        id: primary key.
        login: the login name (lower case).
        display_name: the name shown in pages.
        role: the role.
        entities: the entity codes named for the user (data owners).
        active: False when the account is disabled.
        must_change_password: True until a one-time password is replaced.
    """

    id: int
    login: str
    display_name: str
    role: Role
    entities: tuple[str, ...]
    active: bool
    must_change_password: bool


def check_password_policy(password: str) -> None:
    """Refuse passwords that are too short."""
    if len(password) < MIN_PASSWORD:
        raise BadRequest(f"a password needs at least {MIN_PASSWORD} characters")


def normal_login(login: str) -> str:
    """The login as stored: trimmed, lower case; refused when it has other characters."""
    name = login.strip().lower()
    if not name or len(name) > 120 or not set(name) <= LOGIN_CHARS:
        raise BadRequest("a login uses letters, digits and . _ - @ only (at most 120)")
    return name


def one_time_password() -> str:
    """A random password to hand over once (the user must change it at first sign-in)."""
    return secrets.token_urlsafe(15)


def create_user(
    ledger: Ledger,
    login: str,
    *,
    role: Role,
    password: str,
    display_name: str = "",
    entities: Iterable[str] = (),
    must_change_password: bool = True,
) -> User:
    """Add a user; entity codes must exist in the ledger."""
    name = normal_login(login)
    check_password_policy(password)
    codes = _checked_entities(ledger, entities)
    with ledger.transaction() as conn:
        if conn.execute(sa.select(tw.web_user.c.id).where(tw.web_user.c.login == name)).first():
            raise BadRequest(f"a user {name!r} exists already")
        row: dict[str, Any] = {
            "login": name,
            "display_name": display_name.strip() or name,
            "role": str(role),
        }
        row |= {"password_hash": HASHER.hash(password), "active": True, "created": utcnow()}
        result = conn.execute(
            sa.insert(tw.web_user).values(**row, must_change_password=must_change_password)
        )
        user_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        _set_entities(conn, user_id, codes)
    return get_user(ledger, user_id)


def _checked_entities(ledger: Ledger, entities: Iterable[str]) -> list[str]:
    known = {e.code for e in ledger.entities()}
    codes = sorted({code.strip() for code in entities if code.strip()})
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise NotFound(f"unknown entity {', '.join(unknown)}")
    return codes


def _set_entities(conn: sa.Connection, user_id: int, codes: list[str]) -> None:
    conn.execute(sa.delete(tw.web_user_entity).where(tw.web_user_entity.c.user_id == user_id))
    if codes:
        conn.execute(
            sa.insert(tw.web_user_entity), [{"user_id": user_id, "entity": c} for c in codes]
        )


def update_user(
    ledger: Ledger, user_id: int, *, role: Role, entities: Iterable[str], active: bool
) -> User:
    """Change a user's role, named entities and whether the account is active."""
    get_user(ledger, user_id)
    codes = _checked_entities(ledger, entities)
    with ledger.transaction() as conn:
        conn.execute(
            sa.update(tw.web_user)
            .where(tw.web_user.c.id == user_id)
            .values(role=str(role), active=active)
        )
        _set_entities(conn, user_id, codes)
        if not active:
            conn.execute(sa.delete(tw.web_session).where(tw.web_session.c.user_id == user_id))
    return get_user(ledger, user_id)


def set_password(ledger: Ledger, user_id: int, password: str, *, temporary: bool = False) -> None:
    """Replace a user's password (a temporary one must be changed at the next sign-in)."""
    check_password_policy(password)
    with ledger.transaction() as conn:
        conn.execute(
            sa.update(tw.web_user)
            .where(tw.web_user.c.id == user_id)
            .values(password_hash=HASHER.hash(password), must_change_password=temporary)
        )


def users(ledger: Ledger) -> list[User]:
    """Every user, by login."""
    with ledger.engine.connect() as conn:
        rows = conn.execute(sa.select(tw.web_user).order_by(tw.web_user.c.login)).all()
        scopes = conn.execute(sa.select(tw.web_user_entity)).all()
    named: dict[int, list[str]] = {}
    for s in scopes:
        named.setdefault(s.user_id, []).append(s.entity)
    return [_user(r, named.get(r.id, [])) for r in rows]


def _user(row: sa.Row, entities: list[str]) -> User:
    return User(
        id=row.id,
        login=row.login,
        display_name=row.display_name,
        role=Role(row.role),
        entities=tuple(sorted(entities)),
        active=row.active,
        must_change_password=row.must_change_password,
    )


def get_user(ledger: Ledger, user_id: int) -> User:
    """One user by id; :class:`NotFound` when absent (every request asks: two small queries)."""
    with ledger.engine.connect() as conn:
        row = conn.execute(sa.select(tw.web_user).where(tw.web_user.c.id == user_id)).first()
        if row is None:
            raise NotFound(f"no user #{user_id}")
        scope = tw.web_user_entity.c
        named = conn.execute(sa.select(scope.entity).where(scope.user_id == user_id)).scalars()
        return _user(row, list(named))


def user_rows(conn: sa.Connection, query: sa.Select[Any]) -> list[tuple[sa.Row, User]]:
    """Run ``query`` (which selects from ``web_user``, possibly joined to other tables) with
    the user's named entities attached: one round trip for the user and their scope.

    Returns (row, user) pairs, one per user row matched; the row keeps the query's other
    columns (a session's expiry, ...)."""
    scope = tw.web_user_entity.c
    joined = query.add_columns(scope.entity.label("scope_entity")).outerjoin_from(
        tw.web_user, tw.web_user_entity, scope.user_id == tw.web_user.c.id
    )
    found: dict[int, tuple[sa.Row, list[str]]] = {}
    for row in conn.execute(joined):
        entry = found.setdefault(row.id, (row, []))
        if row.scope_entity is not None:
            entry[1].append(row.scope_entity)
    return [(row, _user(row, named)) for row, named in found.values()]


def authenticate(ledger: Ledger, login: str, password: str) -> User | None:
    """The active user with this login and password, else None (same work either way)."""
    name = login.strip().lower()
    with ledger.engine.connect() as conn:
        row = conn.execute(sa.select(tw.web_user).where(tw.web_user.c.login == name)).first()
    stored = row.password_hash if row is not None else _DUMMY_HASH
    try:
        HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    return get_user(ledger, row.id)


def principal_of(ledger: Ledger, user: User) -> Principal:
    """The permission view of a user (their scope expanded down the entity tree).

    Only a data owner's scope depends on the tree; other roles are not scoped by entity,
    so the entities are read for data owners only."""
    tree = {e.code: e.parent for e in ledger.entities()} if user.role is Role.OWNER else {}
    return Principal(
        user_id=user.id,
        login=user.login,
        display_name=user.display_name,
        role=user.role,
        entities=scope_of(user.role, user.entities, tree),
        must_change_password=user.must_change_password,
    )
