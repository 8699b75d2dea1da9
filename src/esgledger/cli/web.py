"""`esgledger serve` (the web application) and `esgledger users` (its accounts)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from esgledger.cli.output import console, say
from esgledger.errors import EsgLedgerError

users_app = typer.Typer(help="Accounts of the web application: list, add, reset passwords.")

ServeDb = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="ESGLEDGER_DB",
        help="Ledger to serve (SQLite path or database URL); without it, a demo ledger.",
        show_envvar=True,
    ),
]
UsersDb = Annotated[
    str,
    typer.Option("--db", envvar="ESGLEDGER_DB", help="Ledger: SQLite path or database URL."),
]


def _fail(message: str) -> None:
    console.print(f"[red]error[/red]: {message}")
    raise typer.Exit(2)


def serve(
    db: ServeDb = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    secure_cookies: Annotated[
        bool, typer.Option(help="Mark cookies Secure even over plain HTTP on loopback.")
    ] = False,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (about one per CPU core).")
    ] = 1,
) -> None:
    """Start the web application (the demo ledger when no --db is given).

    When the ledger has no user yet, an administrator `admin` is created and its one-time
    password printed here; it must be changed at the first sign-in. Serve it behind an
    HTTPS reverse proxy beyond your own machine (cookies are Secure off loopback).
    """
    import uvicorn

    from esgledger.store.ledger import Ledger
    from esgledger.web.app import create_app
    from esgledger.web.state import WebSettings

    try:
        if db is None:
            from esgledger.web.demo import build_web_demo

            folder = Path(tempfile.mkdtemp(prefix="esgledger-demo-"))
            say(f"building the demo ledger in {folder / 'demo.db'} …")
            ledger = build_web_demo(folder / "demo.db")
        else:
            ledger = Ledger.open(db, create=False)
        _first_admin(ledger)
    except EsgLedgerError as exc:
        _fail(str(exc))
    settings = WebSettings(force_secure_cookies=secure_cookies, hsts=secure_cookies)
    say(f"serving on http://{host}:{port}/  (Ctrl+C to stop)")
    if workers > 1:  # each worker process opens the ledger itself
        import os

        from esgledger.web.app import DB_VARIABLE, SECURE_VARIABLE

        os.environ[DB_VARIABLE] = str(ledger.engine.url.render_as_string(hide_password=False))
        os.environ[SECURE_VARIABLE] = "1" if secure_cookies else "0"
        ledger.close()
        uvicorn.run(
            "esgledger.web.app:app_from_environment",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level="warning",
        )
        return
    uvicorn.run(create_app(ledger, settings=settings), host=host, port=port, log_level="warning")


def _first_admin(ledger) -> None:  # type: ignore[no-untyped-def]
    from esgledger.web import accounts
    from esgledger.web.permissions import Role

    if accounts.users(ledger):
        return
    password = accounts.one_time_password()
    accounts.create_user(
        ledger, "admin", role=Role.ADMIN, password=password, display_name="Administrator"
    )
    say(f"first administrator: login [bold]admin[/bold], one-time password [bold]{password}[/bold]")


@users_app.command("list")
def list_users(db: UsersDb = "esgledger.db") -> None:
    """List the accounts with their roles and entities."""
    from esgledger.store.ledger import Ledger
    from esgledger.web import accounts

    try:
        ledger = Ledger.open(db, create=False)
    except EsgLedgerError as exc:
        _fail(str(exc))
    for user in accounts.users(ledger):
        state = "" if user.active else " (disabled)"
        console.print(f"{user.login}\t{user.role}\t{','.join(user.entities)}{state}")


@users_app.command("add")
def add_user(
    login: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(help="admin, lead, owner, auditor or viewer.")],
    entity: Annotated[
        list[str] | None, typer.Option(help="Entity a data owner is responsible for (repeat).")
    ] = None,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    db: UsersDb = "esgledger.db",
) -> None:
    """Add an account; prints its one-time password."""
    from esgledger.store.ledger import Ledger
    from esgledger.web import accounts
    from esgledger.web.permissions import Role

    try:
        ledger = Ledger.open(db, create=False)
        password = accounts.one_time_password()
        user = accounts.create_user(
            ledger,
            login,
            role=Role(role),
            password=password,
            display_name=name,
            entities=entity or [],
        )
    except (EsgLedgerError, ValueError) as exc:
        _fail(str(exc))
    say(f"{user.login} ({user.role}): one-time password {password}")


@users_app.command("reset-password")
def reset_password(
    login: Annotated[str, typer.Argument(help="Login name.")], db: UsersDb = "esgledger.db"
) -> None:
    """Give an account a new one-time password (printed)."""
    from esgledger.store.ledger import Ledger
    from esgledger.web import accounts

    try:
        ledger = Ledger.open(db, create=False)
        found = [u for u in accounts.users(ledger) if u.login == login.strip().lower()]
        if not found:
            _fail(f"no user {login!r}")
        password = accounts.one_time_password()
        accounts.set_password(ledger, found[0].id, password, temporary=True)
    except EsgLedgerError as exc:
        _fail(str(exc))
    say(f"{found[0].login}: one-time password {password}")
