"""Login throttling: after repeated failures a login name (and a client address) waits.

Failures are counted per key (``login:<name>`` and ``ip:<address>``) in the ledger, so every
worker process sees them. After :data:`MAX_FAILURES` failures within :data:`WINDOW` the key is
locked for :data:`LOCKOUT`; a success clears the login's key. Unknown logins are throttled
exactly like known ones, so throttling tells nothing about which logins exist.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from esgledger.core.model import utcnow
from esgledger.store import tables_web as tw
from esgledger.store.ledger import Ledger

MAX_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)
LOCKOUT = dt.timedelta(minutes=15)
IP_FACTOR = 4  # an address may fail this many times more often than one login


def keys_for(login: str, address: str | None) -> list[str]:
    """The throttling keys of a sign-in attempt."""
    keys = [f"login:{login.strip().lower()[:150]}"]
    if address:
        keys.append(f"ip:{address}")
    return keys


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def locked(ledger: Ledger, keys: list[str]) -> bool:
    """True while any of ``keys`` is locked out."""
    a = tw.web_login_attempt.c
    now = utcnow()
    with ledger.engine.connect() as conn:
        rows = conn.execute(sa.select(tw.web_login_attempt).where(a.key.in_(keys))).all()
    return any((_utc(r.locked_until) or now) > now for r in rows)


def record_failure(ledger: Ledger, keys: list[str]) -> None:
    """Count a failed sign-in against each key, locking those over their limit."""
    now = utcnow()
    a = tw.web_login_attempt
    with ledger.transaction() as conn:
        for key in keys:
            row = conn.execute(sa.select(a).where(a.c.key == key)).first()
            first = _utc(row.first_failure) if row else None
            if row is None or first is None or now - first > WINDOW:
                conn.execute(sa.delete(a).where(a.c.key == key))
                conn.execute(sa.insert(a).values(key=key, failures=1, first_failure=now))
                continue
            failures = row.failures + 1
            limit = MAX_FAILURES * (IP_FACTOR if key.startswith("ip:") else 1)
            until = now + LOCKOUT if failures >= limit else None
            conn.execute(
                sa.update(a).where(a.c.key == key).values(failures=failures, locked_until=until)
            )


def clear(ledger: Ledger, login: str) -> None:
    """Forget the failures of a login after a successful sign-in."""
    with ledger.transaction() as conn:
        conn.execute(
            sa.delete(tw.web_login_attempt).where(
                tw.web_login_attempt.c.key == keys_for(login, None)[0]
            )
        )
