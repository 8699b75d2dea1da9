"""End-to-end tests of the `esgledger` command line, on real SQLite ledgers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from esgledger.cli.main import app
from esgledger.cli.reference import reference

runner = CliRunner()

SETUP = """\
organization: {name: Example Manufacturing Ltd, short_name: Example, currency: RMB}
entities:
  - {code: group, name: Example Group, kind: group, country: CN}
  - {code: plant-a, name: Plant A, parent: group, country: CN, grid_region: CN-East}
  - {code: plant-b, name: Plant B, parent: group, country: CN}
periods: ["2018", "2019"]
"""

DATA = """\
entity,period,metric,value,unit,comment
plant-a,2019,energy.electricity_purchased,1000,MWh,meter readings
plant-b,2019,energy.electricity_purchased,500,MWh,
plant-a,2019,energy.gasoline,10,t,
group,2019,revenue,200,RMB million,
group,2018,revenue,100,RMB million,
plant-a,2018,energy.electricity_purchased,800,MWh,
"""

# Contract of `metrics --format json` (issue 2): ids that must exist at group level, with units.
CONTRACT = {
    "energy.direct": "tce",
    "energy.indirect": "tce",
    "energy.total": "tce",
    "energy.intensity": "tce / RMB million",
    "water.withdrawal.total": "t",
    "water.intensity": "t / RMB million",
    "packaging.total": "t",
    "waste.recyclable.total": "t",
    "waste.non_recyclable.total": "t",
    "waste.hazardous.total": "t",
    "workforce.total": "persons",
    "training.hours_per_employee": "h / persons",
    "ghg.scope1": "tCO2e",
    "ghg.scope2_location": "tCO2e",
    "revenue": "RMB million",
}


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def ledger(tmp_path: Path) -> str:
    setup = tmp_path / "setup.yaml"
    setup.write_text(SETUP)
    db = str(tmp_path / "ledger.db")
    code, out = invoke("init", "--db", db, "--setup", str(setup))
    assert code == 0, out
    assert "3 entities, 2 periods" in out
    return db


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    code, output = invoke("demo", "--out", str(out), "--no-pdf")
    assert code == 0, output
    return out / "demo.db"


def test_help_lists_every_command() -> None:
    code, out = invoke("--help")
    assert code == 0
    for command in (
        "init",
        "import",
        "calculate",
        "metrics",
        "explain",
        "check",
        "report",
        "demo",
        "history",
        "entities",
    ):
        assert command in out


def test_cli_reference_is_current() -> None:
    """docs/cli.md is generated from the commands: regenerate it when a command changes."""
    path = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
    assert path.read_text(encoding="utf-8") == reference(), (
        "docs/cli.md is stale: run `python -m esgledger.cli.reference > docs/cli.md`"
    )


def test_import_then_metrics_json(ledger: str, tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text(DATA)
    code, out = invoke("import", "--db", ledger, str(data))
    assert code == 0, out
    assert "6 rows: 6 new" in out
    code, out = invoke("metrics", "--db", ledger, "--period", "2019", "--format", "json")
    assert code == 0, out
    rows = {(r["metric"], r["kind"]): r for r in json.loads(out)}
    assert set(next(iter(rows.values()))) == {
        "metric",
        "entity",
        "period",
        "value",
        "unit",
        "kind",
        "disclosures",
    }
    electricity = rows[("energy.electricity_purchased", "computed")]
    assert electricity["value"] == 1500 and electricity["entity"] == "group"
    # 1500 MWh x 0.1229 kgce/kWh = 184.35 tce; 10 t gasoline x 1.4714 kgce/kg = 14.714 tce
    assert rows[("energy.total", "computed")]["value"] == pytest.approx(184.35 + 14.714)
    assert rows[("energy.intensity", "computed")]["value"] == pytest.approx(199.064 / 200)
    assert rows[("energy.total", "computed")]["disclosures"]["gri-2016"] == ["302-1"]


def test_import_failure_names_line_and_writes_nothing(ledger: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "entity,period,metric,value,unit\n"
        "plant-a,2019,energy.gasoline,12,t\n"
        "plant-a,2019,energy.electricity_purchased,abc,MWh\n"
        "plant-b,2019,energy.gasolne,3,t\n"
        "plant-b,2019,energy.diesel,3,MWh\n"
    )
    code, out = invoke("import", "--db", ledger, str(bad))
    assert code == 1
    assert "bad.csv:3: value: 'abc' is not a number" in out
    assert "bad.csv:4: metric: unknown metric 'energy.gasolne'; did you mean energy.gasoline" in out
    assert "bad.csv:5: unit: plant-b/2019/energy.diesel is measured in t" in out
    assert "nothing imported" in out
    code, out = invoke("metrics", "--db", ledger, "--period", "2019", "--format", "json")
    assert json.loads(out) == []


def test_revision_needs_reason(ledger: str, tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("entity,period,metric,value,unit\nplant-a,2019,energy.gasoline,12,t\n")
    second.write_text("entity,period,metric,value,unit\nplant-a,2019,energy.gasoline,13,t\n")
    assert invoke("import", "--db", ledger, str(first))[0] == 0
    code, out = invoke("import", "--db", ledger, str(second))
    assert code == 1 and "give a reason" in out
    code, out = invoke("import", "--db", ledger, str(second), "--reason", "invoice corrected")
    assert code == 0 and "1 revised" in out
    code, out = invoke("history", "plant-a", "energy.gasoline", "--db", ledger)
    assert "rev 1" in out and "rev 2" in out and "invoice corrected" in out


def test_check_exit_codes(ledger: str, tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    # the group reports 900 MWh but its plants add up to 1,500 MWh: an error
    data.write_text(DATA + "group,2019,energy.electricity_purchased,900,MWh,\n")
    assert invoke("import", "--db", ledger, str(data))[0] == 0
    code, out = invoke("check", "--db", ledger, "--period", "2019", "--json")
    assert code == 1
    problems = json.loads(out)
    assert any(
        p["check"] == "consolidation"
        and p["severity"] == "error"
        and p["location"] == "group/2019/energy.electricity_purchased"
        for p in problems
    )


def test_unknown_period_is_a_clear_error(ledger: str) -> None:
    code, out = invoke("metrics", "--db", ledger, "--period", "2031")
    assert code == 2
    assert "no period '2031'" in out


def test_missing_ledger_file_is_an_error(tmp_path: Path) -> None:
    code, out = invoke("metrics", "--db", str(tmp_path / "nope.db"), "--period", "2019")
    assert code == 2 and "no ledger at" in out


def test_demo_contract_ids(demo_db: Path) -> None:
    code, out = invoke("metrics", "--db", str(demo_db), "--period", "2019", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    group = {(r["metric"], r["kind"]): r for r in rows if r["entity"] == "hikvision"}
    for metric, unit in CONTRACT.items():
        found = group.get((metric, "computed")) or group.get((metric, "reported"))
        assert found is not None, metric
        assert found["unit"] == unit, metric
        assert found["period"] == "2019"
    # the company's published GHG figures and esgledger's computation are both listed
    assert group[("ghg.scope1", "reported")]["value"] == 6347.3
    assert ("ghg.scope1", "computed") in group


def test_demo_check_has_no_errors(demo_db: Path) -> None:
    code, out = invoke("check", "--db", str(demo_db), "--period", "2019")
    assert code == 0, out
    assert "0 error(s)" in out


def test_explain_cites_factors(demo_db: Path) -> None:
    code, out = invoke("explain", "ghg.scope2_location", "--db", str(demo_db), "-p", "2019")
    assert code == 0, out
    assert "grid.co2" in out and "energy.electricity_purchased" in out
    code, out = invoke("explain", "energy.total", "--db", str(demo_db), "-p", "2019", "--json")
    data = json.loads(out)
    assert data["lineage"]["method"] == "formula"
    assert {i["metric"] for i in data["lineage"]["inputs"]} == {"energy.direct", "energy.indirect"}


def test_explain_unknown_metric_suggests(demo_db: Path) -> None:
    code, out = invoke("explain", "energy.totl", "--db", str(demo_db), "-p", "2019")
    assert code == 2 and "did you mean energy.total" in out


def test_entities_tree(demo_db: Path) -> None:
    code, out = invoke("entities", "--db", str(demo_db))
    assert code == 0 and "tonglu-2" in out and "Hikvision Group" in out


def test_brackets_in_printed_text_are_kept(ledger: str, tmp_path: Path) -> None:
    """Regression: rich read ``[reported/submitted]``, ``[2019]`` and ``'[12]'`` as markup
    and dropped them from `history`, `import` and problem lines."""
    data = tmp_path / "plant[2019].csv"
    data.write_text("entity,period,metric,value,unit\nplant-a,2019,energy.gasoline,12,t\n")
    code, out = invoke("import", "--db", ledger, str(data))
    assert code == 0 and "plant[2019].csv: imported 1 rows" in out
    code, out = invoke("history", "plant-a", "energy.gasoline", "--db", ledger)
    assert "rev 1 [reported/submitted] 12 t" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("entity,period,metric,value,unit\nplant-a,2019,energy.gasoline,[12],t\n")
    code, out = invoke("import", "--db", ledger, str(bad))
    assert code == 1 and "bad.csv:2: value: '[12]' is not a number" in out
    code, out = invoke("explain", "[x]", "--db", ledger, "-p", "2019")
    assert code == 2 and "'[x]'" in out


def test_help_does_not_import_the_heavy_libraries() -> None:
    """`esgledger --help` stays fast: command modules import their engines when they run."""
    import subprocess
    import sys

    heavy = (
        "pint",
        "pandas",
        "ibis",
        "duckdb",
        "openpyxl",
        "weasyprint",
        "matplotlib",
        "fastapi",
        "sqlalchemy",
    )
    code = (
        f"import sys, esgledger.cli.main; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == ""
