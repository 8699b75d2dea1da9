"""Fixtures of the web tests: the web demo ledger with one user per role, and signed-in clients.

The demo ledger (Hikvision 2018 and 2019 published, 2020 open) is built once per session and
copied for each test. Users: ``admin``, ``lead``, ``owner`` (data owner of ``tonglu-1``),
``owner2`` (data owner of ``chongqing``), ``auditor`` and ``viewer``; all with PASSWORD.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from esgledger.store.ledger import Ledger
from esgledger.web import accounts
from esgledger.web.app import create_app
from esgledger.web.demo import build_web_demo
from esgledger.web.permissions import Role

PASSWORD = "a-long-test-password"
IN_SCOPE, OUT_OF_SCOPE = "tonglu-1", "chongqing"
OPEN, PUBLISHED = "2020", "2019"
USERS = {
    "admin": (Role.ADMIN, ()),
    "lead": (Role.LEAD, ()),
    "owner": (Role.OWNER, (IN_SCOPE,)),
    "owner2": (Role.OWNER, (OUT_OF_SCOPE,)),
    "auditor": (Role.AUDITOR, ()),
    "viewer": (Role.VIEWER, ()),
}


def add_users(ledger: Ledger) -> None:
    """One user per role (passwords already changed)."""
    for login, (role, entities) in USERS.items():
        accounts.create_user(
            ledger,
            login,
            role=role,
            password=PASSWORD,
            entities=entities,
            must_change_password=False,
        )


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashes() -> Iterator[None]:
    """Argon2id with the smallest cost in tests (hashes carry their parameters, so the
    application verifies them the same way); production keeps the library's profile."""
    from argon2 import PasswordHasher

    saved = accounts.HASHER
    accounts.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    accounts.HASHER = saved


@pytest.fixture(scope="session")
def web_demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("webdemo") / "demo.db"
    ledger = build_web_demo(path)
    add_users(ledger)
    ledger.close()
    return path


@pytest.fixture
def web_ledger(web_demo_file: Path, tmp_path: Path) -> Iterator[Ledger]:
    target = tmp_path / "demo.db"
    shutil.copy(web_demo_file, target)
    ledger = Ledger.open(target)
    yield ledger
    ledger.close()


@pytest.fixture
def app(web_ledger: Ledger):
    return create_app(web_ledger)


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no csrf_token in the page"
    return found.group(1)


def sign_in(client: TestClient, login: str, password: str = PASSWORD, **kw):
    """Post the sign-in form as a browser would (with its CSRF cookie and field)."""
    page = client.get("/")
    return client.post(
        "/login",
        data={"login": login, "password": password, "csrf_token": csrf_of(page.text), **kw},
        follow_redirects=False,
    )


@pytest.fixture
def client_as(app) -> Iterator[Callable[[str], TestClient]]:
    """A signed-in client per login (``client_as("owner")``)."""
    opened: list[TestClient] = []

    def make(login: str) -> TestClient:
        client = TestClient(app)
        opened.append(client)
        response = sign_in(client, login)
        assert response.status_code == 303, response.text
        return client

    yield make
    for client in opened:
        client.close()


def token_of(client: TestClient, path: str = "/dashboard") -> str:
    """The session's CSRF token, read from a page."""
    response = client.get(path)
    assert response.status_code == 200, response.text
    return csrf_of(response.text)
