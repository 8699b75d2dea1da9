"""The `activity` and `ghg` commands end to end, the report block, and row-count invariants."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.test_ghg_inventory import ACTIVITY, SETUP, write
from typer.testing import CliRunner

from esgledger.cli.main import app
from esgledger.collect.activity import validate_rows
from esgledger.collect.activity_files import Mapping, _as_fields
from esgledger.core.ghg_activity import default_activity_types
from esgledger.report.extensions import extension_blocks
from esgledger.store.ledger import Ledger

runner = CliRunner()


def test_import_compute_explain_and_report_block(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    assert (
        runner.invoke(
            app, ["init", "--db", db, "--setup", str(write(tmp_path, "s.yaml", SETUP))]
        ).exit_code
        == 0
    )
    data = write(tmp_path, "a.csv", ACTIVITY)
    result = runner.invoke(app, ["activity", "import", "--db", db, str(data)])
    assert result.exit_code == 0, result.output
    assert "13 rows read = 4 accepted + 9 rejected" in result.output
    again = runner.invoke(app, ["activity", "import", "--db", db, str(data)])
    assert again.exit_code == 1 and "imported before" in again.output
    result = runner.invoke(app, ["ghg", "--db", db, "--period", "2019"])
    assert result.exit_code == 0, result.output
    assert "4 rows in = 4 computed + 0 rejected" in result.output
    assert "ghg.inventory.scope2_market: 610.100 tCO2e" in result.output
    result = runner.invoke(app, ["ghg", "explain", "ghg.inventory.scope2_location", "--db", db,
                                 "--period", "2019", "--entity", "plant-1"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "plant-1/2019/ghg.inventory.scope2_location = 610.1" in result.output
    assert "grid.co2 = 0.6101 tCO2/MWh (set cn-grid, level CN)" in result.output
    assert "row a.csv:3 (batch 1) plant-1 2019-01-31 electricity.purchased" in result.output
    ledger = Ledger.open(db)
    html = extension_blocks()["ghg_inventory"](ledger, "2019")
    assert "Scope 2 GHG emissions, market-based" in html and "610.10" in html
    assert "cn-grid, level CN" in html
    ledger.close()


rows = st.lists(
    st.tuples(
        st.sampled_from(["plant-1", "plant-2", "nobody", ""]),
        st.sampled_from(["2019-01-31", "2019-13-01", "", "x"]),
        st.sampled_from(["stationary.diesel", "electricity.purchased", "refrigerant.loss", "?"]),
        st.sampled_from(["1", "-2", "2.5", "abc", ""]),
        st.sampled_from(["t", "MWh", "kg", "kWh", "m3", ""]),
        st.sampled_from(["", "HFC-32"]),
    ),
    max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_every_row_is_accepted_or_rejected_exactly_once(data) -> None:
    import pyarrow as pa

    names = ["entity", "date", "activity_type", "quantity", "unit", "gas"]
    columns = {n: [r[i] or None for r in data] for i, n in enumerate(names)}
    raw = pa.table({n: pa.array(v, pa.string()) for n, v in columns.items()})
    raw = raw.append_column("line", pa.array(range(2, len(data) + 2), pa.int64()))
    accepted, rejects = validate_rows(
        _as_fields(raw, Mapping(), "t.csv"), ["plant-1", "plant-2"], default_activity_types()
    )
    lines = accepted["line"].to_pylist() + rejects["line"].to_pylist()
    assert sorted(lines) == list(range(2, len(data) + 2))
    assert all(q >= 0 for q in accepted["quantity"].to_pylist())
