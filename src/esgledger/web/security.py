"""HTTP hardening: security headers, request-size limits, CSRF tokens, text sanitising.

The Content-Security-Policy allows scripts, styles and images from the application itself
only (htmx is served from the package, not a CDN); no inline script runs, and the pages
cannot be framed. The report preview, a self-contained HTML document with inline CSS, is
served under a policy of its own that allows no script at all.
"""

from __future__ import annotations

import hmac
import html
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import nh3

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'; frame-src 'self'"
)
#: the report preview: inline CSS and SVG, no script, framed only by the application
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox"
)
HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def sanitise_text(text: str, *, limit: int = 5000) -> str:
    """Plain text from user input: markup removed (scripts with their content), controls
    dropped, length limited. Pages escape it again when they show it."""
    cleaned = nh3.clean(_CONTROL.sub("", text), tags=set(), attributes={})
    return html.unescape(cleaned).strip()[:limit]


def same_token(sent: str | None, expected: str) -> bool:
    """Constant-time comparison of a CSRF token."""
    return bool(sent) and hmac.compare_digest(str(sent), expected)


class SecurityHeaders:
    """ASGI middleware adding the security headers (and no-store on every response)."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_report = scope["path"].endswith("/report.html") and scope["path"].startswith("/report")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = dict(HEADERS)
                extra["content-security-policy"] = REPORT_CSP if is_report else CSP
                extra["x-frame-options"] = "SAMEORIGIN" if is_report else "DENY"
                if not scope["path"].startswith("/static/"):
                    extra["cache-control"] = "no-store"
                if self.hsts:
                    extra["strict-transport-security"] = "max-age=31536000; includeSubDomains"
                for name, value in extra.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimit:
    """ASGI middleware refusing request bodies over ``limit`` bytes with 413.

    A declared Content-Length over the limit is refused before anything is read; a body
    streamed without one is cut off when it passes the limit.
    """

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(send, self.limit)
            return
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await _too_large(send, self.limit)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = f"the request is larger than the limit of {limit:,} bytes".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"text/plain; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": body})
