"""The `esgledger collect`, `audit`, `backup` and `restore` commands end to end (issue 4)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from esgledger.cli.main import app

runner = CliRunner()

SETUP = """\
organization: {name: Example Manufacturing Ltd, short_name: Example, currency: RMB}
entities:
  - {code: group, name: Example Group, kind: group, country: CN}
  - {code: lanzhou, name: Lanzhou Plant, parent: group, country: CN}
periods: ["2019", "2020"]
"""
DATA = """\
entity,period,metric,value,unit
lanzhou,2019,energy.electricity_purchased,1000,MWh
lanzhou,2019,energy.diesel,40,t
"""


def cli(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def db(tmp_path: Path) -> str:
    (tmp_path / "setup.yaml").write_text(SETUP)
    (tmp_path / "data.csv").write_text(DATA)
    path = str(tmp_path / "l.db")
    cli("init", "--db", path, "--setup", str(tmp_path / "setup.yaml"))
    cli("import", "--db", path, "--status", "approved", str(tmp_path / "data.csv"))
    return path


def fill_in(template: Path, electricity: object, diesel: object = 41) -> Path:
    book = openpyxl.load_workbook(template)
    book["Energy"]["C6"], book["Energy"]["C7"] = diesel, electricity
    book.save(template)
    return template


def test_collect_cycle_from_template_to_locked(db: str, tmp_path: Path) -> None:
    out = cli("collect", "templates", "--db", db, "--period", "2020", "--out", str(tmp_path))
    assert out.split() == ["wrote", str(tmp_path / "lanzhou-2020.xlsx")]
    path = fill_in(tmp_path / "lanzhou-2020.xlsx", electricity="abc")
    out = cli("collect", "import", "--db", db, str(path), code=1)
    assert "lanzhou-2020.xlsx!Energy!C7: 'abc' is not a number" in out
    assert (tmp_path / "lanzhou-2020.errors.xlsx").exists()
    fill_in(path, electricity=1500)
    assert "would import 2 new" in cli("collect", "import", "--db", db, "--dry-run", str(path))
    out = cli("collect", "import", "--db", db, "--user", "ann", str(path))
    assert "imported 2 new, 0 revised, 0 unchanged, 0 left blank" in out
    assert "imported before by ann" in cli("collect", "import", "--db", db, str(path))
    status = cli("collect", "status", "--db", db, "--period", "2020", "--entity", "lanzhou")
    assert "+50.0% vs 2019 NEEDS EXPLANATION" in status
    out = cli("collect", "approve", "--db", db, "-p", "2020", "-e", "lanzhou", code=2)
    assert "energy.electricity_purchased changed +50.0% against 2019" in out
    cli(
        "collect",
        "explain",
        "New paint shop.",
        "--db",
        db,
        "-p",
        "2020",
        "-e",
        "lanzhou",
        "-m",
        "energy.electricity_purchased",
    )
    assert "approved (version 1)" in cli(
        "collect", "approve", "--db", db, "-p", "2020", "-e", "lanzhou"
    )
    assert "2 figures locked" in cli("collect", "lock-period", "--db", db, "-p", "2020")
    log = cli("audit", "log", "--db", db, "--metric", "energy.electricity_purchased")
    assert (
        "datapoint.recorded lanzhou/2020/energy.electricity_purchased: 1500 MWh (submitted)"
        " [lanzhou-2020.xlsx!Energy!C7]" in log
    )
    assert "datapoint.locked" in log
    assert "intact" in cli("audit", "verify", "--db", db)


def test_verify_fails_after_an_edit_behind_the_back(db: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE datapoint SET value = '999' WHERE metric = 'energy.diesel'")
    out = cli("audit", "verify", "--db", db, code=1)
    assert "lanzhou/2019/energy.diesel rev 1: value is '999' in the ledger but '40'" in out


def test_audit_log_csv_is_neutralised(db: str, tmp_path: Path) -> None:
    cli("collect", "comment", "=1+1 check this", "--db", db, "-p", "2019", "-e", "lanzhou")
    cli("audit", "log", "--db", db, "--format", "csv", "--out", str(tmp_path / "log.csv"))
    text = (tmp_path / "log.csv").read_text()
    assert text.splitlines()[0] == "seq,created,actor,name,entity,period,metric,old,new"
    assert "comment.added" in text and '"{""entity"": ""lanzhou""' in text


def test_assurance_export_backup_and_restore(db: str, tmp_path: Path) -> None:
    cli("audit", "export", "--db", db, "-p", "2019", "--out", str(tmp_path / "a.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert book.sheetnames == ["Summary", "Figures", "Evidence", "Approvals", "Notes"]
    evidence = list(book["Evidence"].iter_rows(min_row=2, values_only=True))
    assert {(r[1], r[2], r[4]) for r in evidence} == {
        ("energy.electricity_purchased", "1000", "approved"),
        ("energy.diesel", "40", "approved"),
    }
    assert "rows" in cli("backup", "--db", db, "--out", str(tmp_path / "b.jsonl"))
    out = cli("restore", str(tmp_path / "b.jsonl"), "--db", str(tmp_path / "copy.db"))
    assert "audit trail intact" in out
