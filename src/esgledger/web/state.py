"""What the application holds while it runs: the ledger, the catalog, settings and a cache."""

from __future__ import annotations

import logging
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
LOG = logging.getLogger(__name__)


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
        newest = sa.select(sa.func.max(t.datapoint.c.id)).scalar_subquery()
        seq = sa.select(sa.func.max(tc.audit_event.c.seq)).scalar_subquery()
        with self.ledger.engine.connect() as conn:  # one round trip
            row = conn.execute(sa.select(newest, seq)).one()
        return int(row[0] or 0), int(row[1] or 0)

    def cached(self, key: tuple[Any, ...], compute: Callable[[], T], *, max_age: float = 0.0) -> T:
        """``compute()`` once per key and ledger state (calculations, checks, reports).

        With ``max_age`` (seconds), a value computed for an older ledger state is still
        served while it is younger than that: dashboards stay fast while data pours in. Once
        it is older and the ledger has changed, the new value is computed in the background
        and the previous one is served meanwhile: no request waits for a dashboard aggregate
        except the very first.
        """
        now = time.monotonic()
        with self._lock:
            found = self._cache.get(key)
        if found is not None and now - found[2] < max_age:
            return found[0]  # young enough: no need to ask the database for its state
        stamp = self.stamp()
        if found is not None and found[1] == stamp:
            with self._lock:  # still the ledger's state: young again
                self._cache[key] = (found[0], stamp, now)
            return found[0]
        with self._lock:
            computing = self._computing.setdefault(key, threading.Lock())
        if found is not None and max_age:
            if computing.acquire(blocking=False):  # else another thread is computing it
                refresh = threading.Thread(
                    target=self._refresh, args=(key, compute, stamp, now, computing), daemon=True
                )
                refresh.start()
            return found[0]
        computing.acquire()  # one request computes; the others wait for its result
        try:
            with self._lock:
                found = self._cache.get(key)
            if found is not None and found[1] == stamp:
                return found[0]
            value = compute()
            self._store(key, value, stamp, now)
        finally:
            computing.release()
        return value

    def _refresh(
        self,
        key: tuple[Any, ...],
        compute: Callable[[], Any],
        stamp: tuple[int, int],
        now: float,
        computing: threading.Lock,
    ) -> None:
        """Compute a value in the background (the caller holds ``computing`` for it)."""
        try:
            self._store(key, compute(), stamp, now)
        except Exception:  # the previous value stays; the next request tries again
            LOG.exception("recomputing %r failed", key)
        finally:
            computing.release()

    def _store(self, key: tuple[Any, ...], value: Any, stamp: tuple[int, int], now: float) -> None:
        with self._lock:
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[key] = (value, stamp, now)
