"""What the application holds while it runs: the ledger, the catalog, settings and a cache."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa

from esgledger.core.catalog import Catalog
from esgledger.store import schema as t
from esgledger.store import tables_collect as tc
from esgledger.store.ledger import Ledger

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class WebSettings:
    """How the application behaves.

    Attributes:
        session_hours: how long a sign-in lasts.
        upload_limit: largest request body accepted, in bytes (uploads included).
        evidence_limit: largest evidence file, in bytes.
        hsts: send Strict-Transport-Security (when served over HTTPS).
        force_secure_cookies: mark cookies Secure even over plain HTTP on loopback.
        threads: most requests handled at once by one process (its thread pool); no more
            than the database connection pool holds.
    """

    session_hours: float = 8.0
    upload_limit: int = 12 * 1024 * 1024
    evidence_limit: int = 10 * 1024 * 1024
    hsts: bool = False
    force_secure_cookies: bool = False
    threads: int = 12


@dataclass
class WebState:
    """The running application's ledger, catalog, settings and computed-figure cache."""

    ledger: Ledger
    catalog: Catalog
    settings: WebSettings
    _cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _computing: dict[tuple[Any, ...], threading.Lock] = field(default_factory=dict)

    def stamp(self) -> tuple[int, int]:
        """Changes whenever a figure, status, note or comment changes (cache key part)."""
        with self.ledger.engine.connect() as conn:
            newest = conn.execute(sa.select(sa.func.max(t.datapoint.c.id))).scalar() or 0
            seq = conn.execute(sa.select(sa.func.max(tc.audit_event.c.seq))).scalar() or 0
        return int(newest), int(seq)

    def cached(self, key: tuple[Any, ...], compute: Callable[[], T], *, max_age: float = 0.0) -> T:
        """``compute()`` once per key and ledger state (calculations, checks, reports).

        With ``max_age`` (seconds), a value computed for an older ledger state is still
        served while it is younger than that: dashboards stay fast while data pours in.
        """
        now = time.monotonic()
        with self._lock:
            found = self._cache.get(key)
        if found is not None and now - found[2] < max_age:
            return found[0]  # young enough: no need to ask the database for its state
        stamp = self.stamp()
        if found is not None and found[1] == stamp:
            return found[0]
        with self._lock:
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:  # one request computes; the others wait for its result
            with self._lock:
                found = self._cache.get(key)
            if found is not None and found[1] == stamp:
                return found[0]
            value = compute()
            with self._lock:
                if len(self._cache) > 256:
                    self._cache.clear()
                self._cache[key] = (value, stamp, now)
        return value
