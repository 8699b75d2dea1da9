"""The web application on SQLite and PostgreSQL: concurrent writers of one figure, and the
review cycle through the pages."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from conftest import IN_SCOPE, add_users, sign_in, token_of
from esgledger.core.model import Status
from esgledger.web import accounts, sessions
from esgledger.web.app import create_app
from esgledger.web.demo import build_web_demo

BODY = {
    "entity": IN_SCOPE,
    "period": "2020",
    "metric": "energy.electricity_purchased",
    "unit": "MWh",
}


@pytest.fixture
def served(ledger_url: str):
    ledger = build_web_demo(ledger_url)
    add_users(ledger)
    yield ledger, create_app(ledger)
    ledger.close()


def test_concurrent_writers_then_the_review_cycle(served) -> None:
    """Both stores: simultaneous writes of one version keep exactly one; then the figure is
    corrected, submitted and approved through the pages."""
    ledger, app = served
    _simultaneous_writes(ledger, app)
    _enter_submit_approve(ledger, app)


def _simultaneous_writes(ledger, app) -> None:
    users = {u.login: u.id for u in accounts.users(ledger)}
    clients = [
        TestClient(
            app,
            headers={"authorization": f"Bearer {sessions.create_token(ledger, users[who], 't')}"},
        )
        for who in ("owner", "lead", "admin", "owner")
    ]
    version = clients[0].post("/api/datapoints", json={**BODY, "value": "1", "version": 0})
    start = version.json()["version"]

    def write(args: tuple[int, TestClient]):
        index, client = args
        body = {**BODY, "value": str(100 + index), "version": start}
        return client.post("/api/datapoints", json=body)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(write, enumerate(clients)))
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409, 409, 409], [r.text for r in results]
    winner = next(r for r in results if r.status_code == 200).json()
    [dp] = ledger.datapoints(period="2020", entity=IN_SCOPE)
    assert str(dp.quantity.value) == winner["value"] and dp.revision == 2


def _enter_submit_approve(ledger, app) -> None:
    owner, lead = TestClient(app), TestClient(app)
    sign_in(owner, "owner")
    sign_in(lead, "lead")
    row = f"/entry/2020/{IN_SCOPE}/figures/energy.electricity_purchased"
    form = owner.get(f"/entry/2020/{IN_SCOPE}").text.split('id="row-energy.electricity_purchased"')
    read = form[1].split('name="version" value="')[1].split('"')[0]
    assert read != "0"  # the figure exists: its version is that of its newest event
    data = {"value": "321.5", "unit": "MWh", "version": read, "csrf_token": token_of(owner)}
    saved = owner.post(row, data=data, follow_redirects=False)
    assert saved.status_code == 303
    page = owner.get(f"/entry/2020/{IN_SCOPE}").text
    version = page.split(f"/entry/2020/{IN_SCOPE}/submit")[1].split('name="version" value="')[1]
    owner.post(
        f"/entry/2020/{IN_SCOPE}/submit",
        data={"version": version.split('"')[0], "csrf_token": token_of(owner)},
    )
    review = lead.get(f"/review/2020/{IN_SCOPE}").text
    version = review.split('name="version" value="')[1].split('"')[0]
    approved = lead.post(
        f"/review/2020/{IN_SCOPE}/approve",
        data={"version": version, "csrf_token": token_of(lead)},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    [dp] = ledger.datapoints(period="2020", entity=IN_SCOPE)
    assert dp.revision == 3
    assert (dp.quantity.value, dp.status) == (Decimal("321.5"), Status.APPROVED)
