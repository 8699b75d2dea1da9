"""Rendering pages: one Jinja2 environment (autoescaping everything) and a page helper."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from esgledger.web.permissions import ROLE_LABELS, Action, Principal

#: messages a redirect may ask a page to show (?done=code); never text from the URL itself
NOTICES = {
    "saved": "Saved.",
    "submitted": "Submitted for review.",
    "approved": "Approved.",
    "rejected": "Sent back to the data owner.",
    "requested": "Explanation requested.",
    "explained": "Explanation recorded.",
    "imported": "Template imported.",
    "password": "Password changed.",
    "locked": "Period locked.",
    "created": "Created.",
    "updated": "Updated.",
    "revoked": "Token revoked.",
    "attached": "Evidence attached.",
    "commented": "Comment added.",
}

NAV = (
    ("Dashboard", "/dashboard", Action.VIEW_DATA),
    ("Data entry", "/entry", Action.ENTER_DATA),
    ("Review", "/review", Action.REVIEW),
    ("Report", "/report", Action.VIEW_REPORT),
    ("Published", "/published", Action.VIEW_PUBLISHED),
    ("Administration", "/admin/users", Action.ADMINISTER),
)


def _templates() -> Path:
    return Path(str(resources.files("esgledger.web") / "templates"))


def _number(value: Any, precision: int = 2) -> str:
    if value is None or value == "":
        return "—"
    number = Decimal(str(value))
    if number == number.to_integral_value() and abs(number) >= 100:
        precision = 0
    return f"{number:,.{precision}f}"


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_templates()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # templates ship with the package: no stat() of each per render
    )
    environment.filters["number"] = _number
    environment.globals["ROLE_LABELS"] = ROLE_LABELS
    environment.globals["Action"] = Action
    return environment


ENVIRONMENT = _environment()


def render_fragment(template: str, **context: Any) -> str:
    """A template rendered on its own (htmx fragments)."""
    return ENVIRONMENT.get_template(template).render(**context)


def page(
    request: Request,
    template: str,
    *,
    principal: Principal | None,
    csrf_token: str = "",
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A full page with the navigation the user may use."""
    nav = [
        (label, href)
        for label, href, action in NAV
        if principal is not None and principal.can(action)
    ]
    notice = NOTICES.get(request.query_params.get("done", ""))
    body = ENVIRONMENT.get_template(template).render(
        request=request,
        principal=principal,
        csrf_token=csrf_token,
        nav=nav,
        path=request.url.path,
        notice=notice,
        **context,
    )
    return HTMLResponse(body, status_code=status_code)
