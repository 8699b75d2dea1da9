"""The one place where exceptions become HTTP responses.

API requests (``/api/...``) get ``{"error": {"status": 409, "type": "ConflictError",
"message": "..."}}``; pages get an error page, or, for a visitor who is not signed in, a
redirect to the sign-in page.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from esgledger.errors import (
    ConflictError,
    EsgLedgerError,
    ImportFailed,
    NotFound,
    StoreError,
    WorkflowError,
)
from esgledger.web.errors import BadRequest, Forbidden, NotAuthenticated, Throttled, TooLarge

LOG = logging.getLogger("esgledger.web")
STATUS: tuple[tuple[type[BaseException], int], ...] = (
    (NotAuthenticated, 401),
    (Forbidden, 403),
    (Throttled, 429),
    (TooLarge, 413),
    (BadRequest, 400),
    (NotFound, 404),
    (ConflictError, 409),
    (WorkflowError, 422),
    (ImportFailed, 422),
    (StoreError, 500),
    (ValueError, 422),
)
TITLES = {
    400: "Bad request",
    401: "Sign in required",
    403: "Access denied",
    404: "Not found",
    409: "Changed by someone else",
    413: "Too large",
    422: "Not accepted",
    429: "Too many attempts",
    500: "Server error",
}


def status_of(exc: BaseException) -> int:
    """The HTTP status of an exception."""
    for kind, status in STATUS:
        if isinstance(exc, kind):
            return status
    return 500


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_body(status: int, kind: str, message: str) -> dict[str, dict[str, object]]:
    """The JSON shape of every API error."""
    return {"error": {"status": status, "type": kind, "message": message}}


async def handle_error(request: Request, exc: Exception) -> Response:
    """Map an exception to its response (registered for every exception class we raise)."""
    if isinstance(exc, HTTPException):
        status, kind, message = exc.status_code, "HTTPError", str(exc.detail)
    elif isinstance(exc, RequestValidationError):
        status, kind = 422, "ValidationError"
        message = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in exc.errors()
        )
    elif isinstance(exc, EsgLedgerError):
        status, kind, message = status_of(exc), type(exc).__name__, str(exc)
    else:
        LOG.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        status, kind, message = 500, "InternalError", "an unexpected error occurred"
    if _is_api(request):
        headers = {"www-authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(error_body(status, kind, message), status, headers=headers)
    if status == 401 and request.method == "GET":
        return RedirectResponse(f"/?next={quote(request.url.path)}", status_code=303)
    from esgledger.web.templating import page

    return page(
        request,
        "error.html",
        principal=None,
        status_code=status,
        title=TITLES.get(status, "Error"),
        message=message,
        status=status,
    )
