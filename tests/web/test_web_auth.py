"""Sign-in security: hashing, cookies, CSRF, throttling, no user enumeration, headers."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient

from conftest import PASSWORD, csrf_of, sign_in, token_of
from esgledger.store import tables_web as tw
from esgledger.web import accounts, sessions
from esgledger.web.permissions import Role
from esgledger.web.throttle import MAX_FAILURES


def test_anonymous_visitors_get_the_login_page_and_401_from_the_api(app) -> None:
    client = TestClient(app)
    home = client.get("/")
    assert home.status_code == 200 and 'name="password"' in home.text
    page = client.get("/dashboard", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/?next=/dashboard"
    api = client.get("/api/datapoints")
    assert api.status_code == 401
    assert api.headers["www-authenticate"] == "Bearer"
    assert api.json() == {
        "error": {"status": 401, "type": "NotAuthenticated", "message": "sign in first"}
    }


def test_passwords_are_argon2_hashes_and_tokens_digests(web_ledger, client_as) -> None:
    client = client_as("owner")
    created = client.post(
        "/account/tokens", data={"name": "erp", "csrf_token": token_of(client, "/account/tokens")}
    )
    secret = created.text.split('<pre class="token">')[1].split("</pre>")[0]
    assert secret.startswith("esgl_")
    with web_ledger.engine.connect() as conn:
        hashes = conn.execute(sa.select(tw.web_user.c.password_hash)).scalars().all()
        stored = conn.execute(sa.select(tw.web_api_token.c.token_hash)).scalars().all()
        session_rows = conn.execute(sa.select(tw.web_session.c.token_hash)).scalars().all()
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)
    assert stored == [sessions.digest(secret)]
    assert client.cookies["esgledger_session"] not in session_rows


def test_unknown_login_and_wrong_password_look_the_same(app) -> None:
    unknown = sign_in(TestClient(app), "nobody", "whatever-password")
    wrong = sign_in(TestClient(app), "owner", "wrong-password!!")
    assert unknown.status_code == wrong.status_code == 401
    message = "Sign-in failed: the login or password is wrong, or there were too many attempts."
    assert message in unknown.text and message in wrong.text
    assert "esgledger_session" not in unknown.cookies and "esgledger_session" not in wrong.cookies


def test_repeated_failures_lock_the_login_even_for_the_right_password(app) -> None:
    client = TestClient(app)
    for _ in range(MAX_FAILURES):
        assert sign_in(client, "lead", "wrong-password!!").status_code == 401
    locked = sign_in(client, "lead", PASSWORD)
    assert locked.status_code == 429
    assert "esgledger_session" not in locked.cookies
    # a login that does not exist is throttled exactly alike (no enumeration)
    for _ in range(MAX_FAILURES):
        sign_in(client, "ghost", "wrong-password!!")
    assert sign_in(client, "ghost", "wrong-password!!").status_code == 429


def test_session_cookie_is_http_only_same_site_and_secure_over_https(app) -> None:
    response = sign_in(TestClient(app, base_url="https://testserver"), "lead")
    cookie = next(c for c in response.headers.get_list("set-cookie") if "session=" in c).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    # plain HTTP beyond loopback: cookies are Secure, so a browser never sends them in clear
    plain = TestClient(app, base_url="http://esg.example.com").get("/")
    assert "secure" in plain.headers["set-cookie"].lower()


def test_state_changing_forms_need_the_session_csrf_token(web_ledger, client_as) -> None:
    client = client_as("owner")
    form = {"value": "123", "unit": "MWh", "version": "0"}
    url = "/entry/2020/tonglu-1/figures/energy.electricity_purchased"
    missing = client.post(url, data=form)
    forged = client.post(url, data={**form, "csrf_token": "forged"})
    assert missing.status_code == forged.status_code == 400
    assert "security token" in missing.text
    assert web_ledger.datapoints(period="2020") == []
    good = client.post(url, data={**form, "csrf_token": token_of(client)}, follow_redirects=False)
    assert good.status_code == 303
    assert [dp.metric for dp in web_ledger.datapoints(period="2020")] == [
        "energy.electricity_purchased"
    ]


def test_the_login_form_itself_needs_its_csrf_cookie(app) -> None:
    client = TestClient(app)
    token = csrf_of(client.get("/").text)
    client.cookies.clear()
    response = client.post(
        "/login", data={"login": "lead", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 400


def test_a_one_time_password_must_be_changed_first(web_ledger, app) -> None:
    accounts.create_user(web_ledger, "newbie", role=Role.LEAD, password="one-time-secret-1")
    client = TestClient(app)
    response = sign_in(client, "newbie", "one-time-secret-1")
    assert response.headers["location"] == "/account/password"
    assert client.get("/dashboard").status_code == 403
    token = token_of(client, "/account/password")
    changed = client.post(
        "/account/password",
        data={"current": "one-time-secret-1", "new": "my-own-long-password", "csrf_token": token},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert client.get("/dashboard").status_code == 200


def test_redirect_after_sign_in_stays_on_this_site(app) -> None:
    response = sign_in(TestClient(app), "lead", next="//evil.example/phish")
    assert response.headers["location"] == "/dashboard"
    inside = sign_in(TestClient(app), "lead", next="/review")
    assert inside.headers["location"] == "/review"


def test_security_headers(client_as) -> None:
    client = client_as("lead")
    page = client.get("/dashboard")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"
    report = client.get("/report/2019/report.html")
    assert "sandbox" in report.headers["content-security-policy"]
    assert "script-src" not in report.headers["content-security-policy"]


def test_signing_out_ends_the_session_on_the_server(client_as) -> None:
    client = client_as("lead")
    cookie = client.cookies["esgledger_session"]
    client.post("/logout", data={"csrf_token": token_of(client)})
    again = TestClient(client.app, cookies={"esgledger_session": cookie})
    assert again.get("/dashboard", follow_redirects=False).status_code == 303


def test_expired_sessions_and_disabled_accounts_are_refused(web_ledger, client_as) -> None:
    import datetime as dt

    from esgledger.core.model import utcnow

    owner, auditor = client_as("owner"), client_as("auditor")
    assert owner.get("/api/datapoints").status_code == 200
    assert auditor.get("/api/datapoints").status_code == 200
    [owner_id] = [u.id for u in accounts.users(web_ledger) if u.login == "owner"]
    [auditor_id] = [u.id for u in accounts.users(web_ledger) if u.login == "auditor"]
    ended = utcnow() - dt.timedelta(seconds=1)
    with web_ledger.transaction() as conn:
        session = tw.web_session.c
        conn.execute(
            sa.update(tw.web_session).where(session.user_id == owner_id).values(expires=ended)
        )
        # disabled behind the application's back (update_user would also end the sessions)
        conn.execute(
            sa.update(tw.web_user).where(tw.web_user.c.id == auditor_id).values(active=False)
        )
    assert owner.get("/api/datapoints").status_code == 401
    assert auditor.get("/api/datapoints").status_code == 401


def test_each_request_sees_the_data_owner_scope_as_stored_now(web_ledger, client_as) -> None:
    from conftest import IN_SCOPE, OUT_OF_SCOPE

    client = client_as("owner")
    read = lambda entity: client.get("/api/datapoints", params={"entity": entity}).status_code  # noqa: E731
    assert (read(IN_SCOPE), read(OUT_OF_SCOPE)) == (200, 403)
    [owner_id] = [u.id for u in accounts.users(web_ledger) if u.login == "owner"]
    accounts.update_user(
        web_ledger, owner_id, role=Role.OWNER, entities=[OUT_OF_SCOPE], active=True
    )
    assert (read(IN_SCOPE), read(OUT_OF_SCOPE)) == (403, 200)
    accounts.update_user(web_ledger, owner_id, role=Role.OWNER, entities=[], active=True)
    assert (read(IN_SCOPE), read(OUT_OF_SCOPE)) == (403, 403)
