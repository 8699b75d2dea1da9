"""The application factory: pages, API, static files, middleware and the one error handler."""

from __future__ import annotations

from importlib import resources

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
    app = FastAPI(
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
