"""Reading real RMI workbooks filled like suppliers fill them (issue 7)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from esgledger.collect.cmrt import read_declaration
from esgledger.core.problems import Severity


def _messages(read) -> list[str]:
    return [str(p) for p in read.problems]


def test_good_cmrt_65_in_chinese_display_reads_complete(workbooks: dict[str, Path]) -> None:
    read = read_declaration(workbooks["good"])
    d = read.declaration
    assert read.status == "complete", _messages(read)
    assert (d.template, d.revision, d.language) == ("CMRT", "6.5", "中文 Chinese")
    assert d.company == "Hangzhou Example Components Co., Ltd." and d.scope == "A. Company"
    assert d.effective_date == dt.date(2025, 3, 31)
    assert d.details["contact_email"] == "li.wei@example-components.cn"
    assert d.answer("Gold", 3) == "Yes" and d.answer("Tin", 3) == "No"
    assert d.answer("Tungsten", 6) == "100%"
    assert (
        d.policy["E"] == "Yes, in conformance with IPC1755 (e.g., CMRT)" and d.policy["H"] == "No"
    )
    assert d.policy_url.startswith("https://")
    assert [p.number for p in d.products] == ["HX-100"]


def test_smelter_ids_metals_and_duplicates_are_normalised(workbooks: dict[str, Path]) -> None:
    read = read_declaration(workbooks["good"])
    rows = [(s.row, s.metal, s.smelter_id, s.name) for s in read.declaration.smelters]
    assert rows == [
        (5, "Gold", "CID002763", "8853 S.p.A."),
        (6, "Gold", "CID002920", "ABC Refinery Pty Ltd."),
        (7, "Tin", None, "Small Tin Works"),
        (9, "Tantalum", "CID001076", "AMG Brasil"),
        (10, "Tin", "CID003387", "Luna Smelter, Ltd."),
        (11, "Tungsten", None, "Smelter not yet identified"),
    ]
    warnings = [str(p) for p in read.problems if p.severity is Severity.WARNING]
    assert warnings == [
        "S001_good.xlsx!Smelter List!A8: duplicate of row 5 (Gold CID002763); counted once"
    ]


def test_emrt_minerals_in_scope_and_text_date(workbooks: dict[str, Path]) -> None:
    read = read_declaration(workbooks["emrt"])
    d = read.declaration
    assert read.status == "complete", _messages(read)
    assert (d.template, d.revision, d.metals) == ("EMRT", "2.1", ("Cobalt", "Mica"))
    assert d.answer("Cobalt", 5) == "Greater than 90%" and d.answer("Mica", 2) == "No"
    assert d.effective_date == dt.date(2025, 4, 30)
    assert d.policy["C Mica"] == "Yes, when more processors are validated"
    assert [(s.metal, s.name, s.country) for s in d.smelters] == [
        ("Cobalt", "Example Cobalt Refinery", "FINLAND")
    ]


def test_half_filled_64_reports_each_gap_at_its_cell(workbooks: dict[str, Path]) -> None:
    read = read_declaration(workbooks["half"])
    found = _messages(read)
    assert read.status == "incomplete"
    phantom = "S003_half.xlsx!Smelter List!B5: row 5 holds the phantom entry of the published"
    assert any(m.startswith(phantom) for m in found)
    assert all(s.row != 5 for s in read.declaration.smelters)  # the phantom is not trusted
    expected = [
        "S003_half.xlsx!Declaration!D28: answer 'maybe' is not one of: Yes, No",
        "S003_half.xlsx!Declaration!D15: contact name is required",
        "S003_half.xlsx!Declaration!D16: contact e-mail 'no-at-sign.example.com' has no @",
        "S003_half.xlsx!Declaration!D22: effective date is required",
        "S003_half.xlsx!Declaration!D29: question 1 for Tungsten is required",
        "S003_half.xlsx!Declaration!D32: question 2 for Tantalum is required",
        "S003_half.xlsx!Declaration!D75: company question A is required",
        "S003_half.xlsx!Product List!B6: scope B (products) needs at least one product on the "
        "Product List",
    ]
    for message in expected:
        assert message in found
    assert not any("D33" in m for m in found)  # tin: Q1 = No, so Q2-Q8 are optional


def test_renamed_and_hidden_sheets_are_found_with_warnings(workbooks: dict[str, Path]) -> None:
    read = read_declaration(workbooks["renamed"])
    assert read.status == "complete"
    assert len(read.declaration.smelters) == 6
    found = _messages(read)
    assert (
        "S005_renamed.xlsx!Decl: sheet 'Declaration' was renamed to 'Decl'; read by its "
        "position in the template" in found
    )
    assert (
        "S005_renamed.xlsx!Smelters: sheet 'Smelter List' is hidden; its contents were "
        "read all the same" in found
    )


def test_old_and_outdated_revisions(workbooks: dict[str, Path]) -> None:
    old = read_declaration(workbooks["old"])
    assert old.status == "unreadable"
    assert _messages(old) == [
        "S004_old.xlsx!Declaration!J3: CMRT revision 5.12 is not supported: esgledger reads "
        "CMRT 6.x; ask the supplier to fill in revision 6.5"
    ]
    outdated = read_declaration(workbooks["outdated"])
    assert outdated.status == "complete"
    assert "revision 6.22 is outdated (current: 6.5)" in _messages(outdated)[0]


def test_files_that_are_not_workbooks(workbooks: dict[str, Path], tmp_path: Path) -> None:
    cases = {
        "encrypted": "password-protected (encrypted)",
        "text": "not an Excel workbook (.xlsx)",
        "empty": "not an Excel workbook (.xlsx)",
    }
    for name, words in cases.items():
        read = read_declaration(workbooks[name])
        assert read.declaration is None and read.status == "unreadable"
        assert words in read.problems[0].message, name
    missing = read_declaration(tmp_path / "nowhere.xlsx")
    assert missing.problems[0].message == "no such file"


def test_a_workbook_that_is_not_a_template(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "prices.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Prices"
    book.save(path)
    read = read_declaration(path)
    assert read.status == "unreadable"
    assert "no 'Declaration' or 'Smelter List' sheet (sheets: Prices)" in read.problems[0].message
