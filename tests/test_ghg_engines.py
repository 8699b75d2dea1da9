"""GHG inventory across engines and against sources no one here wrote (issue 3)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from tests.test_ghg_inventory import ACTIVITY, SETUP, write

from esgledger.calculate.ghg_inventory import compute_inventory, library_for
from esgledger.calculate.run import calculate_period
from esgledger.collect.activity import import_activity_file
from esgledger.collect.activity_files import read_mapping
from esgledger.collect.activity_store import row_files
from esgledger.collect.demo import build_demo
from esgledger.collect.ghg_factors import read_factor_csv
from esgledger.collect.setup import apply_setup
from esgledger.core.factors import Citation
from esgledger.core.model import Kind
from esgledger.store import ghg as ghg_store
from esgledger.store.ledger import Ledger

DEMO_TYPES = {
    "energy.gasoline": "mobile.gasoline",
    "energy.diesel": "mobile.diesel",
    "energy.natural_gas": "stationary.natural_gas",
    "energy.electricity_purchased": "electricity.purchased",
}


def test_demo_energy_gives_the_core_scope1_and_scope2(tmp_path: Path) -> None:
    ledger = Ledger.open(tmp_path / "demo.db")
    build_demo(ledger)
    lines = ["entity,date,activity_type,quantity,unit"]
    for period in ("2018", "2019"):
        for dp in ledger.datapoints(period=period, kind=Kind.REPORTED):
            if dp.metric in DEMO_TYPES and dp.entity == "hikvision":
                q = dp.quantity
                lines.append(
                    f"{dp.entity},{period}-12-31,{DEMO_TYPES[dp.metric]},{q.value},{q.unit}"
                )
    import_activity_file(ledger, write(tmp_path, "demo-energy.csv", "\n".join(lines) + "\n"))
    for period in ("2018", "2019"):
        core = calculate_period(ledger, period)
        mine = compute_inventory(ledger, period, row_files(ledger)).figures
        # exact decimals in the core, doubles in the engine: equal to the 6th decimal
        for core_id, my_id in (
            ("ghg.scope1", "scope1"),
            ("ghg.scope2_location", "scope2_location"),
        ):
            computed = core.computed(core_id, "hikvision")  # esgledger's, not the company's
            assert computed is not None
            expected = computed.value
            got = Decimal(repr(mine[("hikvision", f"ghg.inventory.{my_id}")]))
            assert abs(got - expected) < Decimal("0.000001"), (period, core_id, got, expected)
    ledger.close()


@pytest.fixture
def example(tmp_path: Path) -> Ledger:
    ledger = Ledger.open(tmp_path / "ledger.db")
    apply_setup(ledger, write(tmp_path, "setup.yaml", SETUP))
    yield ledger
    ledger.close()


@pytest.mark.postgres
def test_duckdb_and_postgresql_give_identical_inventories(example, tmp_path, postgres_database):
    import_activity_file(example, write(tmp_path, "a.csv", ACTIVITY))
    more = (
        "entity,date,activity_type,quantity,unit\nplant-1,2019-06-30,purchased.spend.paper,9,USD\n"
    )
    import_activity_file(example, write(tmp_path, "b.csv", more))
    files = row_files(example)
    duck = compute_inventory(example, "2019", files, engine="duckdb")
    pg = compute_inventory(example, "2019", files, engine="postgres", url=postgres_database)
    assert duck.figures.keys() == pg.figures.keys()
    for key, value in duck.figures.items():
        assert round(value, 6) == round(pg.figures[key], 6), key
    assert duck.rejects.to_pylist() == pg.rejects.to_pylist()
    assert (duck.rows_in, duck.rows_rejected) == (pg.rows_in, pg.rows_rejected) == (5, 1)
    key = lambda c: (c["activity_type"], c["method"], c["gas"])  # noqa: E731
    assert sorted(duck.contributions, key=key) == sorted(pg.contributions, key=key)


GB_SETUP = """
organization: {name: UK Ltd, short_name: UK, currency: GBP}
entities:
  - {code: uk, name: UK office, kind: group, country: GB}
periods: ["2019"]
"""


def _own_set(ledger: Ledger, tmp_path: Path, set_id: str, rows: str) -> None:
    path = write(tmp_path, f"{set_id}.csv", "key,value,unit,region,gas\n" + rows)
    factor_set = read_factor_csv(
        path, set_id=set_id, title=set_id, citation=Citation(document="test"),
        library=library_for(ledger, "2019"),
    )  # fmt: skip
    ghg_store.add_factor_set(ledger, factor_set, file=path.name, sha256="0" * 64, user="t")


def test_carbon_trust_worked_examples_of_defra_factors(tmp_path: Path) -> None:
    """Carbon Trust, "Conversion factors" (carbontrust.co.uk, Defra factors): "the use of
    1,000 kWh of gas is responsible for ... 0.185 x 1000 = 185kg CO2" and "200 litres petrol
    = 200 x 2.331 = 466.2 kgCO2e". Factors already in CO2e are not multiplied by a GWP."""
    ledger = Ledger.open(tmp_path / "uk.db")
    apply_setup(ledger, write(tmp_path, "setup.yaml", GB_SETUP))
    _own_set(ledger, tmp_path, "carbon-trust-examples",
             "fuel.natural_gas.gross_kwh.co2e,0.185,kgCO2e/kWh,GB,CO2e\n"
             "ef.mobile.gasoline.volume.co2,2.331,kgCO2e/L,GB,CO2e\n")  # fmt: skip
    rows = (
        "entity,date,activity_type,quantity,unit\n"
        "uk,2019-03-31,stationary.natural_gas_kwh,1000,kWh\n"
        "uk,2019-03-31,mobile.gasoline_volume,200,L\n"
    )
    import_activity_file(ledger, write(tmp_path, "uk.csv", rows))
    f = compute_inventory(ledger, "2019", row_files(ledger)).figures
    assert f[("uk", "ghg.inventory.scope1.stationary")] * 1000 == pytest.approx(185.0)
    assert f[("uk", "ghg.inventory.scope1.mobile")] * 1000 == pytest.approx(466.2)
    assert f[("uk", "ghg.inventory.scope1.gas.not_split")] * 1000 == pytest.approx(651.2)
    ledger.close()


def test_market_based_follows_the_scope2_guidance_hierarchy(example, tmp_path):
    """GHG Protocol Scope 2 Guidance (2015), Table 6.3: contractual instruments, then
    supplier-specific emission rates, then the residual mix, then grid averages."""
    _own_set(example, tmp_path, "contracts",
             "grid.supplier.co2,0.3,tCO2/MWh,SUPPLIER-A,CO2\n"
             "grid.residual_mix.co2,0.8,tCO2/MWh,CN-East,CO2\n")  # fmt: skip
    rows = (
        "entity,date,activity_type,quantity,unit,supplier,instrument,instrument_factor\n"
        "plant-1,2019-06-30,electricity.purchased,100,MWh,SUPPLIER-A,,\n"
        "plant-1,2019-06-30,electricity.purchased,200,MWh,,,\n"
        "plant-2,2019-06-30,electricity.purchased,300,MWh,SUPPLIER-A,ppa,0.05\n"
    )
    import_activity_file(example, write(tmp_path, "e.csv", rows))
    inventory = compute_inventory(example, "2019", row_files(example))
    f = inventory.figures
    # 100 x 0.3 (supplier) + 200 x 0.8 (residual mix) + 300 MWh x 0.05 kg/kWh (PPA)
    assert f[("group", "ghg.inventory.scope2_market")] == pytest.approx(30 + 160 + 15)
    assert f[("group", "ghg.inventory.scope2_location")] == pytest.approx(600 * 0.6101)
    levels = {c["level"] for c in inventory.contributions if c["method"] == "market"}
    assert levels == {"SUPPLIER-A", "CN-East", "instrument:ppa"}


def test_xlsx_with_a_mapping_and_parquet_import_the_same_rows(example, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Fuel"
    sheet.append(["Site", "Day", "Code", "Qty", "UoM"])
    sheet.append(["plant-1", "31/01/2019", "GAS", 12.5, "10k m3"])
    sheet.append(["plant-1", "31/02/2019", "GAS", 1, "10k m3"])
    workbook.save(tmp_path / "fuel.xlsx")
    mapping = write(tmp_path, "map.yaml", "columns: {entity: Site, date: Day, activity_type: Code, "
                    "quantity: Qty, unit: UoM}\nactivity_types: {GAS: stationary.natural_gas}\n"
                    "date_format: '%d/%m/%Y'\n")  # fmt: skip
    xlsx = import_activity_file(example, tmp_path / "fuel.xlsx", mapping=read_mapping(mapping))
    assert (xlsx.rows_accepted, xlsx.rows_rejected) == (1, 1)
    assert "line" in xlsx.rejects_file.read_text() and ",3," not in xlsx.rejects_file.read_text()
    pq.write_table(
        pa.table({"entity": ["plant-2"], "date": ["2019-01-31"],
                  "activity_type": ["stationary.natural_gas"], "quantity": [12.5],
                  "unit": ["10k m3"]}),
        tmp_path / "fuel.parquet",
    )  # fmt: skip
    parquet = import_activity_file(example, tmp_path / "fuel.parquet")
    assert (parquet.rows_accepted, parquet.rows_rejected) == (1, 0)
    f = compute_inventory(example, "2019", row_files(example)).figures
    assert f[("plant-1", "ghg.inventory.scope1")] == pytest.approx(
        f[("plant-2", "ghg.inventory.scope1")]
    )
