"""The JSON API: tokens, scoping, optimistic concurrency, the error shape, and fuzzing from
the OpenAPI schema with schemathesis (bounded: few examples per operation)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from conftest import IN_SCOPE, OUT_OF_SCOPE, token_of
from esgledger.web import sessions

BODY = {
    "entity": IN_SCOPE,
    "period": "2020",
    "metric": "energy.electricity_purchased",
    "value": "42.5",
    "unit": "MWh",
    "version": 0,
}


@pytest.fixture
def owner_token(web_ledger) -> str:
    from esgledger.web import accounts

    [owner] = [u for u in accounts.users(web_ledger) if u.login == "owner"]
    return sessions.create_token(web_ledger, owner.id, "erp")


def test_a_token_pushes_and_reads_figures_of_its_entities(app, owner_token, web_ledger) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(app, headers={"authorization": f"Bearer {owner_token}"})
    created = client.post("/api/datapoints", json=BODY)
    assert created.status_code == 200, created.text
    assert created.json()["value"] == "42.5" and created.json()["status"] == "draft"
    [dp] = web_ledger.datapoints(period="2020")
    assert dp.quantity.value == Decimal("42.5") and dp.provenance.source == "api"
    listed = client.get("/api/datapoints", params={"period": "2020"}).json()
    assert [(r["entity"], r["metric"], r["version"]) for r in listed] == [
        (IN_SCOPE, "energy.electricity_purchased", created.json()["version"])
    ]
    other = client.post("/api/datapoints", json={**BODY, "entity": OUT_OF_SCOPE})
    assert other.status_code == 403 and other.json()["error"]["type"] == "Forbidden"


def test_a_stale_version_is_refused_with_409_and_nothing_is_lost(app, owner_token, web_ledger):
    from fastapi.testclient import TestClient

    client = TestClient(app, headers={"authorization": f"Bearer {owner_token}"})
    version = client.post("/api/datapoints", json=BODY).json()["version"]
    first = client.post("/api/datapoints", json={**BODY, "value": "50", "version": version})
    second = client.post("/api/datapoints", json={**BODY, "value": "60", "version": version})
    assert first.status_code == 200 and second.status_code == 409
    error = second.json()["error"]
    assert error["type"] == "ConflictError" and "changed since it was read" in error["message"]
    assert web_ledger.datapoints(period="2020")[0].quantity.value == Decimal("50")


def test_revoked_and_forged_tokens_are_refused(app, owner_token, web_ledger) -> None:
    from fastapi.testclient import TestClient

    forged = TestClient(app, headers={"authorization": "Bearer esgl_forged"})
    assert forged.get("/api/datapoints").status_code == 401
    [token] = sessions.tokens(web_ledger, sessions.user_of_token(web_ledger, owner_token) or 0)
    assert not sessions.revoke_token(web_ledger, 0, token.id)  # not that user's token
    client = TestClient(app, headers={"authorization": f"Bearer {owner_token}"})
    assert client.get("/api/datapoints").status_code == 200
    user_id = sessions.user_of_token(web_ledger, owner_token)
    assert user_id is not None and sessions.revoke_token(web_ledger, user_id, token.id)
    assert client.get("/api/datapoints").status_code == 401


def test_cookie_sessions_need_the_csrf_header_to_write(client_as) -> None:
    client = client_as("owner")
    assert client.post("/api/datapoints", json=BODY).status_code == 400
    ok = client.post("/api/datapoints", json=BODY, headers={"x-csrf-token": token_of(client)})
    assert ok.status_code == 200


def test_error_shape_of_validation_errors(app, owner_token) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(app, headers={"authorization": f"Bearer {owner_token}"})
    response = client.post("/api/datapoints", json={**BODY, "version": -1})
    assert response.status_code == 422
    assert set(response.json()["error"]) == {"status", "type", "message"}
    assert "version" in response.json()["error"]["message"]
    unknown = client.get("/api/datapoints", params={"period": "1999"})
    assert unknown.status_code == 404 and "no period '1999'" in unknown.json()["error"]["message"]


def test_the_api_survives_fuzzing(app, web_ledger) -> None:
    """Every operation of /openapi.json, a few generated requests each: no server error,
    and every error in the one shape."""
    from esgledger.web import accounts

    [lead] = [u for u in accounts.users(web_ledger) if u.login == "lead"]
    headers = {"authorization": f"Bearer {sessions.create_token(web_ledger, lead.id, 'fuzz')}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == {"/api/datapoints", "/api/metrics", "/api/checks"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def fuzz(case) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, response.text
            if response.status_code >= 400:
                assert set(response.json()["error"]) == {"status", "type", "message"}

        fuzz()


def test_a_write_answers_what_a_read_then_returns(app, owner_token) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(app, headers={"authorization": f"Bearer {owner_token}"})
    params = {k: BODY[k] for k in ("period", "entity", "metric")}
    for value in ("50", "60", "60"):  # the last one changes nothing: same version back
        version = (client.get("/api/datapoints", params=params).json() or [{"version": 0}])[0]
        written = client.post(
            "/api/datapoints", json={**BODY, "value": value, "version": version["version"]}
        )
        assert written.status_code == 200, written.text
        [read] = client.get("/api/datapoints", params=params).json()
        assert written.json() == read and read["value"] == value
