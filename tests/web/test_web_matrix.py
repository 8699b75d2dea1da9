"""The authorization matrix: every route, as every role, for an entity inside and outside the
data owner's scope. Expectations are written out by hand, not derived from the code."""

from __future__ import annotations

from fastapi.testclient import TestClient

from conftest import IN_SCOPE, OUT_OF_SCOPE, csrf_of
from esgledger.store import audit

ROLES = ("admin", "lead", "owner", "auditor", "viewer")
ALL = set(ROLES)
READERS = {"admin", "lead", "auditor"}  # see every entity's data and the draft report
SCOPED_READ = {"admin", "lead", "auditor", "owner@in"}  # "owner@in": only for tonglu-1
SCOPED_WRITE = {"admin", "lead", "owner@in"}
E = "{e}"

# (method, path, who may) - "{e}" is replaced by the in-scope or out-of-scope entity
PAGES = [
    ("GET", "/dashboard", {"admin", "lead", "owner", "auditor"}),
    ("GET", "/entry", {"admin", "lead", "owner"}),
    ("GET", f"/entry/2020/{E}", SCOPED_READ),
    ("GET", f"/entry/2020/{E}/template.xlsx", SCOPED_WRITE),
    ("GET", f"/history/2019/{E}/energy.pv_generation", SCOPED_READ),
    ("GET", "/review", {"admin", "lead"}),
    ("GET", f"/review/2020/{E}", {"admin", "lead"}),
    ("GET", "/report?period=2019", READERS),
    ("GET", "/report/2019/report.html", ALL),  # published: everyone signed in
    ("GET", "/report/2020/kpis.csv", READERS),  # not published
    ("GET", "/report/2019/kpis.xlsx", ALL),
    ("GET", "/published", ALL),
    ("GET", "/admin/users", {"admin"}),
    ("GET", "/admin/setup", {"admin"}),
    ("GET", "/account/tokens", ALL),
    ("GET", f"/api/datapoints?period=2020&entity={E}", SCOPED_READ),
    ("GET", "/api/metrics?period=2019", ALL),
    ("GET", "/api/metrics?period=2020", READERS),
    ("GET", "/api/checks?period=2019", READERS),
    ("POST", f"/entry/2020/{E}/figures/energy.electricity_purchased", SCOPED_WRITE),
    ("POST", f"/entry/2020/{E}/figures/energy.electricity_purchased/explain", SCOPED_WRITE),
    ("POST", f"/entry/2020/{E}/submit", SCOPED_WRITE),
    ("POST", f"/review/2020/{E}/approve", {"admin", "lead"}),
    ("POST", f"/review/2020/{E}/reject", {"admin", "lead"}),
    ("POST", f"/review/2020/{E}/figures/energy.electricity_purchased/request", {"admin", "lead"}),
    ("POST", "/admin/periods", {"admin"}),
    ("POST", "/admin/users", {"admin"}),
    ("POST", f"/api/datapoints#{E}", SCOPED_WRITE),
]
FORM = {
    "value": "12.5",
    "unit": "MWh",
    "version": "0",
    "text": "why",
    "reason": "because",
    "year": "2031",
    "login": "matrix-user",
    "role": "viewer",
}


def _allowed(who: set[str], role: str, entity: str) -> bool:
    if role in who:
        return True
    return role == "owner" and entity == IN_SCOPE and "owner@in" in who


def _call(client: TestClient, method: str, path: str, entity: str, token: str):
    path = path.replace(E, entity)
    if path.startswith("/api/datapoints#"):
        body = {
            "entity": entity,
            "period": "2020",
            "metric": "energy.electricity_purchased",
            "value": "7",
            "unit": "MWh",
            "version": 0,
        }
        return client.post("/api/datapoints", json=body, headers={"x-csrf-token": token})
    if method == "GET":
        return client.get(path, follow_redirects=False)
    return client.post(path, data={**FORM, "csrf_token": token}, follow_redirects=False)


def test_every_route_as_every_role(web_ledger, client_as) -> None:
    clients = {role: client_as(role) for role in ROLES}
    tokens = {role: csrf_of(c.get("/account/tokens").text) for role, c in clients.items()}
    wrong = []
    for method, path, who in PAGES:
        for entity in (IN_SCOPE, OUT_OF_SCOPE) if E in path else (IN_SCOPE,):
            for role in ROLES:
                before = audit.head(web_ledger)
                response = _call(clients[role], method, path, entity, tokens[role])
                allowed = _allowed(who, role, entity)
                case = f"{role:8} {method} {path.replace(E, entity)}: {response.status_code}"
                if allowed and response.status_code in (401, 403):
                    wrong.append(case + " (should be allowed)")
                if allowed and method == "GET" and response.status_code != 200:
                    wrong.append(case + " (should be 200)")
                if not allowed and not _denied(response, path):
                    wrong.append(case + " (should be denied)")
                if not allowed and audit.head(web_ledger) != before:
                    wrong.append(case + " (denied, but the ledger changed)")
    assert wrong == []


def _denied(response, path: str) -> bool:
    if path == "/dashboard":  # viewers are sent to the published figures instead
        return response.status_code == 303 and response.headers["location"] == "/published"
    return response.status_code == 403


def test_anonymous_visitors_reach_nothing(app, web_ledger) -> None:
    client = TestClient(app)
    before = audit.head(web_ledger)
    for method, path, _ in PAGES:
        response = _call(client, method, path, IN_SCOPE, "")
        if path.startswith("/api/"):
            assert response.status_code == 401, path
        elif method == "GET":
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/?next="), path
        else:
            assert response.status_code == 401, path
    assert audit.head(web_ledger) == before


def test_a_hidden_field_cannot_widen_the_scope(web_ledger, client_as) -> None:
    """The entity comes from the URL and is checked there; body fields cannot override it."""
    owner = client_as("owner")
    token = csrf_of(owner.get(f"/entry/2020/{IN_SCOPE}").text)
    response = owner.post(
        f"/entry/2020/{OUT_OF_SCOPE}/figures/energy.electricity_purchased",
        data={**FORM, "csrf_token": token, "entity": IN_SCOPE},
    )
    assert response.status_code == 403
    listing = owner.get("/api/datapoints", params={"period": "2019"}).json()
    assert {row["entity"] for row in listing} <= {IN_SCOPE}
    assert listing, "the owner sees their own entity's figures"
