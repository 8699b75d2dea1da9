"""GHG inventory from activity records (issue 3): import checks, methods, fallback, lineage.

Expected values are computed by hand in each test from the factors named there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from esgledger.calculate.ghg_inventory import compute_inventory, run_inventory
from esgledger.collect.activity import import_activity_file
from esgledger.collect.activity_store import row_files
from esgledger.collect.setup import apply_setup
from esgledger.core.model import Kind
from esgledger.errors import ImportFailed
from esgledger.store import ghg as ghg_store
from esgledger.store.ledger import Ledger

SETUP = """
organization: {name: Example Ltd, short_name: Example, currency: RMB}
entities:
  - {code: group, name: Example Group, kind: group, country: CN}
  - {code: plant-1, name: Plant 1, parent: group, country: CN, grid_region: CN-East}
  - {code: plant-2, name: Plant 2, parent: group, country: CN, grid_region: CN-East}
periods: ["2018", "2019"]
"""

ACTIVITY = """entity,date,activity_type,quantity,unit,gas,instrument,instrument_factor
plant-1,2019-01-31,stationary.natural_gas,12.5,10k m3,,,
plant-1,2019-01-31,electricity.purchased,1000,MWh,,,
plant-2,2019-01-31,electricity.purchased,200000,kWh,,certificate,0
plant-1,2019-02-30,electricity.purchased,1,MWh,,,
plant-1,2019-03-01,electricity.purchased,-5,MWh,,,
plant-1,2019-03-01,electricity.purchased,5,t,,,
plant-9,2019-03-01,electricity.purchased,5,MWh,,,
plant-1,2019-03-01,nonsense,5,MWh,,,
plant-1,2019-01-31,stationary.natural_gas,12.5,10k m3,,,
plant-2,2019-04-01,refrigerant.loss,3,kg,HFC-134a,,
plant-1,2019-04-01,refrigerant.loss,3,kg,,,
plant-1,2019-05-01,stationary.diesel,2,t,,certificate,0
plant-1,2019-05-01,stationary.diesel,abc,t,,,
"""


@pytest.fixture
def example(tmp_path: Path) -> Ledger:
    ledger = Ledger.open(tmp_path / "ledger.db")
    setup = tmp_path / "setup.yaml"
    setup.write_text(SETUP, encoding="utf-8")
    apply_setup(ledger, setup)
    yield ledger
    ledger.close()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def reject_reasons(path: Path) -> dict[int, str]:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return {int(line.split(",")[0]): line.split(",")[1].strip('"') for line in lines}


def test_import_accepts_good_rows_and_rejects_each_bad_one_with_its_line(example, tmp_path):
    outcome = import_activity_file(example, write(tmp_path, "a.csv", ACTIVITY), user="ana")
    assert (outcome.rows_read, outcome.rows_accepted, outcome.rows_rejected) == (13, 4, 9)
    assert outcome.rows_read == outcome.rows_accepted + outcome.rows_rejected
    reasons = reject_reasons(outcome.rejects_file)
    assert reasons[5].startswith("malformed date") and "2019-02-30" in reasons[5]
    assert reasons[6] == "negative quantity -5"
    assert "cannot convert 't'" in reasons[7]  # tonnes are not energy
    assert reasons[8] == "unknown entity plant-9"
    assert reasons[9] == "unknown activity type nonsense"
    assert reasons[10] == "duplicate of line 2"
    assert reasons[12] == "refrigerant rows need a gas"
    assert reasons[13].startswith("contractual instrument certificate on a scope 1")
    assert "is not a number" in reasons[14]
    batch = ghg_store.batches(example)[0]
    assert batch["user_name"] == "ana" and len(batch["sha256"]) == 64


def test_a_file_missing_a_column_or_imported_twice_changes_nothing(example, tmp_path):
    bad = write(tmp_path, "bad.csv", "entity,date,activity_type,quantity\nplant-1,2019-01-01,x,1\n")
    with pytest.raises(ImportFailed, match=r"bad.csv: missing column\(s\) unit"):
        import_activity_file(example, bad)
    assert ghg_store.batches(example) == []
    good = write(tmp_path, "a.csv", ACTIVITY)
    import_activity_file(example, good)
    with pytest.raises(ImportFailed, match="imported before"):
        import_activity_file(example, good)
    assert len(ghg_store.batches(example)) == 1
    assert len(list((tmp_path / "ledger.db.activity" / "rows").iterdir())) == 1


def test_inventory_is_hand_computed_per_scope_gas_and_method(example, tmp_path):
    import_activity_file(example, write(tmp_path, "a.csv", ACTIVITY))
    inventory = compute_inventory(example, "2019", row_files(example))
    f = inventory.figures
    # natural gas: 125 000 m3 x 38.931 MJ/m3 (GB/T 2589) = 4.866375 TJ; IPCC 2006 Table 2.2/2.3
    # CO2 56 100 kg/TJ, CH4 1 kg/TJ x GWP 28, N2O 0.1 kg/TJ x GWP 265 (AR5)
    tj = 125_000 * 38.931 / 1e6
    assert f[("plant-1", "ghg.inventory.scope1.mass.co2")] == pytest.approx(tj * 56.1, rel=1e-12)
    assert f[("plant-1", "ghg.inventory.scope1.gas.ch4")] == pytest.approx(tj * 1e-3 * 28)
    assert f[("plant-1", "ghg.inventory.scope1.gas.n2o")] == pytest.approx(tj * 1e-4 * 265)
    # refrigerant: 3 kg HFC-134a x AR5 GWP 1300 = 3.9 t CO2e, scope 1 fugitive
    assert f[("plant-2", "ghg.inventory.scope1.fugitive")] == pytest.approx(3.9)
    assert f[("plant-2", "ghg.inventory.scope1.gas.hfcs")] == pytest.approx(3.9)
    # electricity, CN 2019 grid 0.6101 tCO2/MWh; plant-2 holds certificates (0) for its 200 MWh
    assert f[("group", "ghg.inventory.scope2_location")] == pytest.approx(1200 * 0.6101)
    assert f[("group", "ghg.inventory.scope2_market")] == pytest.approx(1000 * 0.6101)
    scope1 = tj * (56.1 + 1e-3 * 28 + 1e-4 * 265) + 3.9
    assert f[("group", "ghg.inventory.scope1")] == pytest.approx(scope1)
    assert f[("group", "ghg.inventory.total_market")] == pytest.approx(scope1 + 610.1)
    assert inventory.rows_in == 4 == inventory.rows_computed + inventory.rows_rejected


def test_regional_factor_answers_in_its_years_and_the_level_is_recorded(example, tmp_path):
    rows = (
        "entity,date,activity_type,quantity,unit\n"
        "plant-1,2018-06-30,electricity.purchased,100,MWh\n"
        "plant-1,2019-06-30,electricity.purchased,100,MWh\n"
    )
    import_activity_file(example, write(tmp_path, "e.csv", rows))
    files = row_files(example)
    # NDRC East China regional average 0.7035 (valid to 2018); MEE national 0.6101 from 2019
    y2018 = compute_inventory(example, "2018", files)
    y2019 = compute_inventory(example, "2019", files)
    assert y2018.figures[("group", "ghg.inventory.scope2_location")] == pytest.approx(70.35)
    assert y2019.figures[("group", "ghg.inventory.scope2_location")] == pytest.approx(61.01)
    levels = {c["factors"][0]["level"] for c in y2018.contributions if c["method"] == "location"}
    assert levels == {"CN-East"}
    levels = {c["factors"][0]["level"] for c in y2019.contributions if c["method"] == "location"}
    assert levels == {"CN"}


def test_a_missing_factor_rejects_the_row_and_rows_in_balance(example, tmp_path):
    rows = (
        "entity,date,activity_type,quantity,unit\n"
        "plant-1,2019-06-30,purchased.spend.paper,1000,USD\n"
        "plant-1,2019-06-30,freight.upstream.rail,2000,t*km\n"
    )
    import_activity_file(example, write(tmp_path, "s.csv", rows))
    inventory = compute_inventory(example, "2019", row_files(example))
    assert (inventory.rows_in, inventory.rows_computed, inventory.rows_rejected) == (2, 1, 1)
    reject = inventory.rejects.to_pylist()[0]
    assert reject["line"] == 2 and reject["reason"].startswith("no factor spend.paper for 2019")
    # DEFRA 2019 rail freight 0.02782 kg CO2e per tonne-km: a CO2e factor, never times a GWP
    assert inventory.figures[("group", "ghg.inventory.scope3.cat4")] == pytest.approx(0.05564)


def test_run_is_recorded_with_lineage_and_a_pinned_set_shows_the_difference(example, tmp_path):
    from esgledger.calculate.ghg_inventory import library_for
    from esgledger.collect.ghg_factors import read_factor_csv
    from esgledger.core.factors import Citation

    import_activity_file(example, write(tmp_path, "a.csv", ACTIVITY))
    run_id, first = run_inventory(
        example, compute_inventory(example, "2019", row_files(example)), rejects_file=None
    )
    assert first.added > 0 and ghg_store.latest_run(example, "2019")["id"] == run_id
    csv = write(tmp_path, "grid.csv", "key,value,unit,region,gas,valid_from,valid_to\n"
                "grid.co2,0.5,tCO2/MWh,CN,CO2,2019,2019\n")  # fmt: skip
    own = read_factor_csv(
        csv, set_id="own-grid", title="Own", citation=Citation(document="test"),
        library=library_for(example, "2019"),
    )  # fmt: skip
    ghg_store.add_factor_set(example, own, file="grid.csv", sha256="0" * 64, user="t")
    ghg_store.pin_sets(example, "2019", ["own-grid"])
    _, second = run_inventory(
        example, compute_inventory(example, "2019", row_files(example)), rejects_file=None
    )
    changed = {(new.entity, new.metric): (old.quantity.value, new.quantity.value)
               for old, new in second.revisions}  # fmt: skip
    before, after = changed[("group", "ghg.inventory.scope2_location")]
    assert (float(before), float(after)) == pytest.approx((732.12, 600.0))
    history = example.history("group", "2019", "ghg.inventory.scope2_location")
    assert [h.revision for h in history] == [1, 2] and history[-1].kind is Kind.COMPUTED


def test_a_factor_value_of_nan_or_infinity_is_refused(tmp_path):
    """Regression: ``Decimal("NaN")`` parsed, so a factor CSV could bring NaN or infinite
    factors into the library (and NaN emissions into the ledger)."""
    from esgledger.collect.ghg_factors import read_factor_csv
    from esgledger.core.factors import Citation, default_library

    csv = write(tmp_path, "own.csv", "key,value,unit\ngrid.co2,NaN,tCO2/MWh\n"
                "grid.co2,-Infinity,tCO2/MWh\ngrid.co2,0.5,tCO2/MWh\n")  # fmt: skip
    with pytest.raises(ImportFailed) as failed:
        read_factor_csv(
            csv, set_id="own", title="Own", citation=Citation(document="t"),
            library=default_library(),
        )  # fmt: skip
    assert [(p.location, p.message) for p in failed.value.problems] == [
        ("own.csv:2", "value: 'NaN' is not a finite number"),
        ("own.csv:3", "value: '-Infinity' is not a finite number"),
    ]
