"""The application factory: pages, API, static files, middleware and the one error handler."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

import anyio.to_thread
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles

from esgledger.core.catalog import Catalog, default_catalog
from esgledger.errors import EsgLedgerError
from esgledger.store.ledger import Ledger
from esgledger.web.handlers import handle_error
from esgledger.web.routes import admin, api, auth, dashboard, entry, report, review
from esgledger.web.security import BodySizeLimit, SecurityHeaders
from esgledger.web.state import WebSettings, WebState

#: where :func:`app_from_environment` finds the ledger and settings (``esgledger serve --workers``)
DB_VARIABLE = "ESGLEDGER_WEB_DB"
SECURE_VARIABLE = "ESGLEDGER_WEB_SECURE_COOKIES"

DESCRIPTION = (
    "The esgledger API: read and write reported figures with optimistic concurrency "
    "(send back the `version` you read; a stale version is refused with 409), read the "
    "group's figures and the checks. Authenticate with a personal API token "
    "(`Authorization: Bearer esgl_...`), created under *API tokens* in the application."
)


def create_app(
    ledger: Ledger, *, catalog: Catalog | None = None, settings: WebSettings | None = None
) -> FastAPI:
    """The ASGI application serving ``ledger``."""
    settings = settings or WebSettings()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Page and API handlers are synchronous and run in anyio's thread pool (40 threads by
        # default), each needing a database connection: more threads than the engine's pool
        # holds only queue on the pool, and more threads in one interpreter only contend
        # for its lock. Cap them at the pool's size.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = min(settings.threads, _pool_capacity(ledger))
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="esgledger",
        version="1",
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
        swagger_ui_parameters={"syntaxHighlight": False},
    )
    app.state.web = WebState(ledger=ledger, catalog=catalog or default_catalog(), settings=settings)
    for router in (auth, dashboard, entry, review, report, admin, api):
        app.include_router(router.router)
    static = str(resources.files("esgledger.web") / "static")
    app.mount("/static", StaticFiles(directory=static), name="static")
    for kind in (EsgLedgerError, HTTPException, RequestValidationError, Exception):
        app.add_exception_handler(kind, handle_error)
    app.add_middleware(BodySizeLimit, limit=settings.upload_limit)
    app.add_middleware(SecurityHeaders, hsts=settings.hsts)
    return app


def _pool_capacity(ledger: Ledger) -> int:
    """How many connections the ledger's engine hands out at once (at least 1)."""
    pool = ledger.engine.pool
    size = getattr(pool, "size", None)
    overflow = getattr(pool, "_max_overflow", 0)
    if not callable(size):
        return 1_000  # a pool without a limit (NullPool, StaticPool, ...)
    return max(1, int(size()) + max(0, int(overflow)))


def app_from_environment() -> FastAPI:
    """The application of :data:`DB_VARIABLE`'s ledger: the factory each worker process of
    ``esgledger serve --workers N`` calls (uvicorn starts workers from an import string)."""
    secure = os.environ.get(SECURE_VARIABLE) == "1"
    settings = WebSettings(force_secure_cookies=secure, hsts=secure)
    return create_app(Ledger.open(os.environ[DB_VARIABLE], create=False), settings=settings)
