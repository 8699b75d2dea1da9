"""Shared fixtures: a tiny catalog and factor library, and fresh ledgers on SQLite and PostgreSQL.

PostgreSQL tests use the server at ``ESGLEDGER_TEST_PG`` (default
``postgresql://postgres@127.0.0.1:5432/test``, then the same with user ``root``); the user
needs the right to create databases. One database
``esgledger_test_<random>`` is created per test session and dropped at its end; every test gets
an empty ``public`` schema. Without a server the PostgreSQL tests are skipped - except when
``CI=true``, where they fail: CI must never silently skip them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from esgledger.core.catalog import Catalog, read_metrics
from esgledger.core.factors import Citation, Factor, FactorLibrary, FactorSet
from esgledger.store.ledger import Ledger

TINY_CATALOG = """
metrics:
  - id: revenue
    name: Operating revenue
    unit: RMB million
    topic: economic
  - id: fuel.gasoline
    name: Gasoline consumed
    unit: t
    topic: energy
  - id: electricity
    name: Electricity purchased
    unit: MWh
    topic: energy
  - id: emissions.ch4
    name: Methane emitted
    unit: t
    topic: ghg
  - id: energy.gasoline_tce
    name: Gasoline in coal equivalent
    unit: tce
    topic: energy
    formula: fuel.gasoline * factor('coal_equivalent.gasoline')
  - id: energy.electricity_tce
    name: Electricity in coal equivalent
    unit: tce
    topic: energy
    formula: electricity * factor('coal_equivalent.electricity')
  - id: energy.total
    name: Total energy
    unit: tce
    topic: energy
    formula: total(energy.gasoline_tce, energy.electricity_tce)
  - id: energy.intensity
    name: Energy intensity
    unit: tce / RMB million
    topic: energy
    aggregation: recompute
    precision: 4
    formula: energy.total / revenue
  - id: ghg.scope2
    name: Scope 2 emissions (location-based)
    unit: tCO2e
    topic: ghg
    formula: electricity * factor('grid.co2')
  - id: ghg.ch4_co2e
    name: Methane in CO2 equivalent
    unit: tCO2e
    topic: ghg
    formula: emissions.ch4 * gwp('CH4')
  - id: headcount
    name: Employees
    unit: persons
    topic: workforce
    precision: 0
    aggregation: period_end
  - id: headcount.male
    name: Male employees
    unit: persons
    topic: workforce
    precision: 0
    aggregation: period_end
    parts_of: headcount
    breakdown: gender
  - id: headcount.female
    name: Female employees
    unit: persons
    topic: workforce
    precision: 0
    aggregation: period_end
    parts_of: headcount
    breakdown: gender
"""

# Values below are those of the shipped library where one exists, but the years and the CN-East
# value are chosen for the tests (they need not match any publication).
GRID_CN_2019_2020 = Decimal("0.6101")
GRID_CN_EAST_2019 = Decimal("0.7035")


def _citation(document: str) -> Citation:
    return Citation(document=document, publisher="tests", year_published=2020)


def build_tiny_library() -> FactorLibrary:
    """Three small factor sets and a GWP set, built in code."""
    coal = FactorSet(
        id="tiny-gbt2589",
        title="Coal equivalents",
        kind="conversion",
        citation=_citation("GB/T 2589-2020 (test copy)"),
        factors=(
            Factor(
                set_id="tiny-gbt2589",
                key="coal_equivalent.gasoline",
                value=Decimal("1.4714"),
                unit="kgce/kg",
                citation=_citation("GB/T 2589-2020, Annex A"),
            ),
            Factor(
                set_id="tiny-gbt2589",
                key="coal_equivalent.electricity",
                value=Decimal("0.1229"),
                unit="kgce/kWh",
                citation=_citation("GB/T 2589-2020, Annex A"),
            ),
        ),
    )
    grid = FactorSet(
        id="tiny-grid",
        title="Grid factors",
        kind="emission",
        citation=_citation("grid (test)"),
        factors=(
            Factor(
                set_id="tiny-grid",
                key="grid.co2",
                value=GRID_CN_2019_2020,
                unit="tCO2/MWh",
                region="CN",
                gas="CO2",
                valid_from=2019,
                valid_to=2020,
                citation=_citation("national grid factor (test)"),
            ),
            Factor(
                set_id="tiny-grid",
                key="grid.co2",
                value=GRID_CN_EAST_2019,
                unit="tCO2/MWh",
                region="CN-East",
                gas="CO2",
                valid_from=2019,
                valid_to=2019,
                citation=_citation("East China grid factor (test)"),
            ),
        ),
    )
    gwp = FactorSet(
        id="ipcc-ar5",
        title="IPCC AR5 GWP-100",
        kind="gwp",
        citation=_citation("IPCC AR5"),
        gwp={"CO2": Decimal(1), "CH4": Decimal(28), "N2O": Decimal(265)},
    )
    return FactorLibrary([coal, grid, gwp])


def build_tiny_catalog(folder: Path, library: FactorLibrary) -> Catalog:
    """The tiny catalog above, read like the shipped one (from a YAML file)."""
    path = folder / "tiny-catalog.yaml"
    path.write_text(TINY_CATALOG, encoding="utf-8")
    return Catalog(read_metrics(path), library.unit_of)


@pytest.fixture(scope="session")
def tiny_library() -> FactorLibrary:
    return build_tiny_library()


@pytest.fixture(scope="session")
def tiny_catalog(tiny_library: FactorLibrary, tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return build_tiny_catalog(tmp_path_factory.mktemp("catalog"), tiny_library)


# --- ledgers on SQLite and PostgreSQL ---------------------------------------------------------
PG_CANDIDATES = (
    (os.environ["ESGLEDGER_TEST_PG"],)
    if os.environ.get("ESGLEDGER_TEST_PG")
    else (
        "postgresql://postgres@127.0.0.1:5432/test",
        "postgresql://root@127.0.0.1:5432/test",
    )
)


def _unavailable(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required in CI: {message}", pytrace=False)
    pytest.skip(message)


def _admin_connection():  # -> (psycopg.Connection, base url)
    import psycopg

    errors = []
    for url in PG_CANDIDATES:
        try:
            return psycopg.connect(url, autocommit=True, connect_timeout=3), url
        except psycopg.Error as exc:
            errors.append(f"{url}: {str(exc).strip()}")
    _unavailable("no PostgreSQL server answers (" + "; ".join(errors) + ")")
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """URL of a database created for this test session (dropped at its end)."""
    admin, base = _admin_connection()
    name = f"esgledger_test_{secrets.token_hex(4)}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _empty_schema(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL (or path) where no ledger exists yet, on each supported database."""
    if request.param == "sqlite":
        yield str(tmp_path / "ledger.sqlite")
        return
    url = request.getfixturevalue("postgres_database")
    _empty_schema(url)
    yield url
    _empty_schema(url)


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Ledger]:
    """A new, empty ledger on each supported database."""
    opened = Ledger.open(ledger_url)
    yield opened
    opened.close()
