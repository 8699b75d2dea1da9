"""Load benchmark of the web application (issue 5); opt-in, not part of `make bench`.

Run: ``python benchmarks/web_load.py [--seconds 60] [--users 50] [--stores sqlite,postgresql]
[--workers N] [--think SECONDS]``.
For each store it builds the web demo ledger (PostgreSQL: a fresh database on
``127.0.0.1:5432``, or ``--pg URL``), starts ``esgledger``'s application with uvicorn in a
separate process on loopback, and lets N simulated users work for the given time: each signs
in, then loops over page views (dashboard, entry form), API reads and datapoint writes (a
read of the figure's version followed by a POST with it), 60 % reads / 40 % writes.

It prints throughput, p50/p95/p99 latency by kind, errors (any 5xx, transport error or 409
conflict - users write distinct figures, so none is expected) and finally checks that every
acknowledged write is in the database. By default users send their requests back to back (a
closed loop: 50 users keep 50 requests in flight, so mean latency is 50 / throughput);
``--think`` adds a random pause (exponential, that mean) before each request, as people make.
Baseline measured in the same run: one single user for a fifth of the time; the ratios of p50
and p99 to it show what concurrency costs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

PASSWORD = "bench-password-long"
PERIOD = "2020"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(target: str, users: int) -> list[tuple[str, str, str]]:
    """Build the demo at ``target`` with N lead users; returns (login, entity, metric) each."""
    from esgledger.collect.templates import owed
    from esgledger.core.catalog import default_catalog
    from esgledger.web import accounts
    from esgledger.web.demo import build_web_demo
    from esgledger.web.permissions import Role

    ledger = build_web_demo(target)
    catalog = default_catalog()
    figures = [
        (e.code, m) for e in ledger.entities() for m in owed(ledger, catalog, e.code, PERIOD)
    ]
    plan = []
    for index in range(users):
        login = f"user{index:02d}"
        accounts.create_user(
            ledger, login, role=Role.LEAD, password=PASSWORD, must_change_password=False
        )
        entity, metric = figures[index % len(figures)]
        plan.append((login, entity, metric))
    ledger.close()
    return plan


def serve(target: str, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    """The application in its own process(es) (so the load generator does not share a GIL),
    as ``esgledger serve --workers N`` runs it."""
    code = (
        "import os, uvicorn\n"
        "from esgledger.web.app import DB_VARIABLE\n"
        f"os.environ[DB_VARIABLE] = {target!r}\n"
        "uvicorn.run('esgledger.web.app:app_from_environment', factory=True, "
        f"workers={workers}, host='127.0.0.1', port={port}, log_level='warning')\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code])
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


async def _sign_in(client: httpx.AsyncClient, login: str) -> str:
    page = await client.get("/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    await client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    account = await client.get("/account/tokens")
    return re.search(r'name="csrf_token" value="([^"]+)"', account.text).group(1)  # type: ignore[union-attr]


async def user(
    base: str, plan: tuple[str, str, str], window: list[float], ready: asyncio.Event, stats: dict
) -> None:
    login, entity, metric = plan
    rng = random.Random(login)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        csrf = await _sign_in(client, login)
        stats["signed in"].append(login)
        if len(stats["signed in"]) == stats["users"]:
            window[:] = [time.perf_counter(), time.perf_counter() + stats["seconds"]]
            ready.set()
        await ready.wait()
        while time.perf_counter() < window[1]:
            if stats["think"]:  # a person reads the page before the next click
                await asyncio.sleep(rng.expovariate(1 / stats["think"]))
            choice = rng.random()
            try:
                if choice < 0.2:
                    await _timed(stats, "page", client.get("/dashboard"))
                elif choice < 0.4:
                    await _timed(stats, "page", client.get(f"/entry/{PERIOD}/{entity}"))
                elif choice < 0.6:
                    params = {"period": PERIOD, "entity": entity}
                    await _timed(stats, "api read", client.get("/api/datapoints", params=params))
                else:
                    await _write(client, csrf, entity, metric, rng, stats)
            except httpx.HTTPError as exc:
                stats["errors"].append(f"{type(exc).__name__}: {exc}")


async def _timed(stats: dict, kind: str, request) -> httpx.Response:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    response = await request
    stats[kind].append(time.perf_counter() - started)
    if response.status_code >= 400:
        stats["errors"].append(f"{kind}: HTTP {response.status_code} {response.text[:120]}")
    return response


async def _write(client, csrf, entity, metric, rng, stats) -> None:  # type: ignore[no-untyped-def]
    params = {"period": PERIOD, "entity": entity, "metric": metric}
    current = (await _timed(stats, "api read", client.get("/api/datapoints", params=params))).json()
    version = current[0]["version"] if current else 0

    unit = stats["units"][metric]
    value = f"{rng.randint(1, 10**6)}.{rng.randint(0, 99):02d}"
    body = {
        "entity": entity,
        "period": PERIOD,
        "metric": metric,
        "value": value,
        "unit": unit,
        "version": version,
        "reason": "load test",
    }
    response = await _timed(
        stats, "write", client.post("/api/datapoints", json=body, headers={"x-csrf-token": csrf})
    )
    if response.status_code == 200:
        stats["acknowledged"].append((entity, metric, value))


def run_load(
    base: str, plans: list[tuple[str, str, str]], seconds: float, think: float = 0.0
) -> dict:
    from esgledger.core.catalog import default_catalog

    catalog = default_catalog()
    stats: dict = defaultdict(list)
    stats["units"] = {m: catalog.get(m).unit for _, _, m in plans}
    stats["users"], stats["seconds"], stats["think"] = len(plans), seconds, think
    window: list[float] = []

    async def main() -> None:
        ready = asyncio.Event()  # every user signs in first; then the clock starts
        await asyncio.gather(*(user(base, plan, window, ready, stats) for plan in plans))

    asyncio.run(main())
    stats["elapsed"] = time.perf_counter() - window[0]
    return stats


def verify(target: str, acknowledged: list[tuple[str, str, str]]) -> int:
    """Acknowledged writes missing from the ledger (every revision is kept, so none may be)."""
    from decimal import Decimal

    from esgledger.store.ledger import Ledger

    ledger = Ledger.open(target)
    missing = 0
    stored: dict[tuple[str, str], set[Decimal]] = {}
    for entity, metric, value in acknowledged:
        key = (entity, metric)
        if key not in stored:
            stored[key] = {dp.quantity.value for dp in ledger.history(entity, PERIOD, metric)}
        missing += Decimal(value) not in stored[key]
    ledger.close()
    return missing


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def report(name: str, stats: dict, baseline: dict | None) -> None:
    total = sum(len(stats[k]) for k in ("page", "api read", "write"))
    print(
        f"\n== {name}: {total} requests in {stats['elapsed']:.1f} s = "
        f"{total / stats['elapsed']:.0f} req/s; errors {len(stats['errors'])}; "
        f"acknowledged writes {len(stats['acknowledged'])}, missing {stats['missing']}"
    )
    for kind in ("page", "api read", "write"):
        values = stats[kind]
        line = (
            f"  {kind:9} n={len(values):6}  p50 {_pct(values, 0.5):7.1f} ms  "
            f"p95 {_pct(values, 0.95):7.1f} ms  p99 {_pct(values, 0.99):7.1f} ms"
        )
        if baseline and baseline[kind]:
            line += (
                f"   x{_pct(values, 0.5) / _pct(baseline[kind], 0.5):.1f} p50, "
                f"x{_pct(values, 0.99) / _pct(baseline[kind], 0.99):.1f} p99 vs 1 user"
            )
        print(line)
    for error in sorted(set(stats["errors"]))[:5]:
        print("  error:", error)


def _postgres(url: str | None) -> tuple[str, object]:
    import psycopg

    admin_url = url or "postgresql://postgres@127.0.0.1:5432/postgres"
    admin = psycopg.connect(admin_url, autocommit=True)
    name = f"esgledger_bench_{secrets.token_hex(4)}"
    admin.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + "/" + name, (admin, name)


def bench_store(store: str, args: argparse.Namespace) -> None:
    cleanup = None
    if store == "sqlite":
        target = str(Path(tempfile.mkdtemp(prefix="esgledger-web-bench-")) / "web.db")
    else:
        target, cleanup = _postgres(args.pg)
    plans = prepare(target, args.users)
    port = _free_port()
    server = serve(target, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        single = run_load(base, plans[:1], max(2.0, args.seconds / 5), args.think)
        single["missing"] = verify(target, single["acknowledged"])
        loaded = run_load(base, plans, args.seconds, args.think)
        loaded["missing"] = verify(target, loaded["acknowledged"])
    finally:
        server.terminate()
        server.wait(timeout=20)
    report(f"{store}, 1 user (baseline)", single, None)
    report(f"{store}, {args.users} users", loaded, single)
    if cleanup is not None:
        admin, name = cleanup  # type: ignore[misc]
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean pause of a user before each request, in seconds (default 0: back to back)",
    )
    parser.add_argument(
        "--pg",
        default=os.environ.get("ESGLEDGER_BENCH_PG"),
        help="an admin URL of a PostgreSQL server (default: local postgres)",
    )
    args = parser.parse_args()
    for store in args.stores.split(","):
        bench_store(store.strip(), args)


if __name__ == "__main__":
    main()
