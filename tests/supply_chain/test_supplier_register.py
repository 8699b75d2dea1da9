"""The supplier register from an ERP export (issue 7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl

from esgledger.collect.suppliers import read_register


def test_xlsx_export_with_erp_headers(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "Vendor",
            "Vendor name",
            "Spend",
            "Currency",
            "Admission date",
            "Status",
            "CMRT required",
            "Environmental screening",
            "Social screening",
            "NDA",
        ]
    )
    sheet.append(
        [
            "V-100",
            "Acme",
            "1,250,000.50",
            "cny",
            dt.datetime(2019, 5, 6),
            "active",
            "x",
            "Passed",
            "failed",
            "yes",
        ]
    )
    sheet.append([None] * 10)
    sheet.append(["V-200", "Beta", None, None, "06.01.2017", "blocked", "", "", "", "no"])
    book.save(tmp_path / "erp.xlsx")
    suppliers, problems = read_register(tmp_path / "erp.xlsx")
    assert problems == []
    acme, beta = suppliers
    assert (acme.code, acme.spend, acme.currency, acme.onboarded) == (
        "V-100",
        Decimal("1250000.50"),
        "CNY",
        dt.date(2019, 5, 6),
    )
    assert acme.conflict_minerals and acme.screening == {"environmental": True, "social": False}
    assert acme.agreements == {"integrity": False, "csr": False, "nda": True}
    assert (beta.active, beta.onboarded, beta.screening, beta.line) == (
        False,
        dt.date(2017, 1, 6),
        {},
        4,
    )


def test_every_bad_row_is_named_and_nothing_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_text(
        "code,name,onboarded,conflict minerals,environmental screening,spend\n"
        "S1,Acme,2019-13-01,yes,pass,10\n"
        ",Nameless,,,,\n"
        "S2,Beta,,perhaps,,\n"
        "S3,Gamma,,,great,\n"
        "S4,Delta,,,,ten\n"
        "S1,Acme again,,,,\n",
        encoding="utf-8",
    )
    suppliers, problems = read_register(path)
    assert [str(p) for p in problems] == [
        "register.csv:2: onboarded: '2019-13-01' is not a date (write 2019-03-31)",
        "register.csv:3: code: missing",
        "register.csv:4: conflict_minerals: 'perhaps' is not yes or no",
        "register.csv:5: environmental: 'great' is not pass, fail or empty",
        "register.csv:6: spend: 'ten' is not a number",
    ]
    assert [s.code for s in suppliers] == ["S1"]  # the caller refuses the file: problems


def test_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("supplier name,country\nAcme,CN\n", encoding="utf-8")
    _, problems = read_register(path)
    assert str(problems[0]) == "r.csv:1: no code column (headers: supplier name, country)"


def test_spend_of_nan_or_infinity_is_refused(tmp_path: Path) -> None:
    """Regression: ``Decimal("nan")`` parsed, so a register could carry NaN or infinite spend
    into the spend-share KPIs; thousands separators are still accepted."""
    path = tmp_path / "register.csv"
    path.write_text(
        'code,name,spend\nS1,Acme,"1,250.50"\nS2,Beta,nan\nS3,Gamma,Infinity\n', encoding="utf-8"
    )
    suppliers, problems = read_register(path)
    assert [str(p) for p in problems] == [
        "register.csv:3: spend: 'nan' is not a number",
        "register.csv:4: spend: 'Infinity' is not a number",
    ]
    assert [(s.code, s.spend) for s in suppliers] == [("S1", Decimal("1250.50"))]
