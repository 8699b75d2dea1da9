"""The command line of the supply chain (issue 7): register, batch, lists, campaign, export."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
from rmi_filling import CMRT_65
from typer.testing import CliRunner

from esgledger.cli.main import app
from esgledger.collect.cmrt import read_declaration

runner = CliRunner()
SETUP = """\
organization: {name: Example Electronics Ltd, short_name: Example, currency: RMB}
entities:
  - {code: group, name: Example Group, kind: group, country: CN}
periods: ["2025"]
"""
ANSWERS = """\
contact_name: Chen Jie
contact_email: chen.jie@example.com
contact_phone: "+86 10 0000 0000"
authorizer: Wang Fang
authorizer_email: wang.fang@example.com
policy: {A: "Yes", B: "Yes", B_url: "https://example.com/minerals", C: "Yes", D: "Yes",
         E: "Yes, in conformance with IPC1755 (e.g., CMRT)", F: "Yes", G: "Yes", H: "No"}
"""


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_campaign_from_the_command_line(workbooks: dict[str, Path], tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    (tmp_path / "setup.yaml").write_text(SETUP, encoding="utf-8")
    (tmp_path / "register.csv").write_text(
        "code,name,conflict minerals,onboarded\nS001,Example Components,yes,2025-01-02\n"
        "S003,Half Done,yes,2019-01-01\nS007,Text Sender,yes,2019-01-01\n",
        encoding="utf-8",
    )
    assert run("init", "--db", db, "--setup", str(tmp_path / "setup.yaml"))[0] == 0
    assert run("suppliers", "import", str(tmp_path / "register.csv"), "--db", db) == (
        0,
        "register.csv: 3 suppliers added, 0 updated\n",
    )
    code, out = run("cmrt", "reference", str(CMRT_65), "--db", db)
    assert code == 0 and "(349 smelters) imported" in out
    batch = tmp_path / "inbox"
    batch.mkdir()
    for name in ("good", "half", "text"):
        (batch / workbooks[name].name).write_bytes(workbooks[name].read_bytes())
    code, out = run("cmrt", "import", str(batch), "--period", "2025", "--db", db)
    assert code == 1  # incomplete and unreadable files: errors, but the batch went through
    assert "S001_good.xlsx: complete - S001" in out
    assert "S003_half.xlsx!Declaration!D15: contact name is required" in out
    assert "S007_text.xlsx: not an Excel workbook (.xlsx)" in out
    assert "3 files: 1 complete, 1 incomplete, 1 unreadable" in out

    code, out = run(
        "cmrt", "smelters", "--period", "2025", "--db", db, "--out", str(tmp_path / "smelters.csv")
    )
    rows = list(csv.DictReader((tmp_path / "smelters.csv").open(encoding="utf-8")))
    assert code == 0 and len(rows) == 5
    assert {r["name"]: r["status"] for r in rows}["Small Tin Works"] == "unknown"
    run("cmrt", "smelters", "--period", "2025", "--db", db, "--out", str(tmp_path / "s.xlsx"))
    sheet = openpyxl.load_workbook(tmp_path / "s.xlsx").active
    assert sheet.max_row == 6 and sheet["A1"].value == "metal"

    code, out = run("cmrt", "campaign", "--period", "2025", "--db", db, "--record", "group")
    assert code == 0
    assert "3 suppliers in scope, 3 responded (100.0%), 1 complete" in out
    assert "KPIs recorded for group 2025" in out

    company = tmp_path / "company.xlsx"
    (tmp_path / "answers.yaml").write_text(ANSWERS, encoding="utf-8")
    code, out = run(
        "cmrt",
        "export",
        "--period",
        "2025",
        "--db",
        db,
        "--template",
        str(CMRT_65),
        "--out",
        str(company),
        "--answers",
        str(tmp_path / "answers.yaml"),
        "--date",
        "2026-01-15",
    )
    assert code == 0, out
    back = read_declaration(company)
    assert back.status == "complete", [str(p) for p in back.problems]
    d = back.declaration
    assert (d.company, d.scope, str(d.effective_date)) == (
        "Example Electronics Ltd",
        "A. Company",
        "2026-01-15",
    )
    assert d.answer("Gold", 3) == "Yes"  # a supplier sources gold from covered countries
    assert d.answer("Tin", 7) == "No"  # an unknown tin smelter: not all identified
    assert d.answer("Gold", 6) == "100%"
    assert {(s.metal, s.smelter_id) for s in d.smelters} >= {("Gold", "CID002763"), ("Tin", None)}
    assert d.policy_url == "https://example.com/minerals"


def test_export_refuses_a_file_that_is_not_a_template(tmp_path: Path) -> None:
    db = str(tmp_path / "l.db")
    (tmp_path / "setup.yaml").write_text(SETUP, encoding="utf-8")
    run("init", "--db", db, "--setup", str(tmp_path / "setup.yaml"))
    (tmp_path / "t.xlsx").write_text("no", encoding="utf-8")
    code, out = run(
        "cmrt",
        "export",
        "--period",
        "2025",
        "--db",
        db,
        "--template",
        str(tmp_path / "t.xlsx"),
        "--out",
        str(tmp_path / "o.xlsx"),
    )
    assert code == 2 and "not a readable .xlsx workbook" in out
    assert not (tmp_path / "o.xlsx").exists()
