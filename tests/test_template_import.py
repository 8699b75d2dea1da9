"""Templates out, validated imports in (issue 4): each bad input with a real workbook."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from collect_setup import sqlite_ledger
from esgledger.collect.error_report import write_error_report
from esgledger.collect.template_import import ImportOptions, import_templates
from esgledger.collect.template_layout import META_SHEET
from esgledger.collect.templates import Assignment, assign, write_templates
from esgledger.core.catalog import Catalog
from esgledger.core.model import Status
from esgledger.store import audit
from esgledger.store.ledger import Ledger

Edit = Callable[[openpyxl.Workbook], None]


@pytest.fixture
def ledger(tmp_path: Path, tiny_catalog: Catalog) -> Ledger:
    opened = sqlite_ledger(tmp_path)
    assign(
        opened,
        tiny_catalog,
        Assignment(entity="lanzhou", metric="revenue", department="Finance"),
        actor="lead",
    )
    yield opened
    opened.close()


@pytest.fixture
def templates(ledger: Ledger, tiny_catalog: Catalog, tmp_path: Path) -> dict[str, Path]:
    paths = write_templates(ledger, tiny_catalog, "2020", tmp_path / "out", actor="lead")
    return {p.name: p for p in paths}


def filled(template: Path, target: Path, edit: Edit | None = None) -> Path:
    """The template with its values typed in (1.1 x last year), then ``edit`` applied."""
    book = openpyxl.load_workbook(template)
    for sheet in ("Energy", "Workforce"):
        if sheet in book.sheetnames:
            ws = book[sheet]
            for row in range(6, ws.max_row + 1):
                if ws[f"E{row}"].value is not None:
                    ws[f"C{row}"] = ws[f"E{row}"].value * Decimal("1.1")
    if edit is not None:
        edit(book)
    book.save(target)
    return target


def run(ledger: Ledger, catalog: Catalog, *paths: Path, **options: object):
    values = {"user": "lanzhou-ehs", "period": "2020", **options}
    return import_templates(ledger, list(paths), catalog, ImportOptions(**values))  # type: ignore[arg-type]


def problems(ledger: Ledger, catalog: Catalog, path: Path, **options: object) -> list[str]:
    before = (audit.head(ledger), len(ledger.datapoints()))
    (outcome,) = run(ledger, catalog, path, **options)
    assert (audit.head(ledger), len(ledger.datapoints())) == before  # nothing half-imported
    return [str(p) for p in outcome.data.problems]


def test_one_workbook_per_entity_and_department(templates: dict[str, Path]) -> None:
    assert sorted(templates) == ["lanzhou-2020-finance.xlsx", "lanzhou-2020.xlsx", "xian-2020.xlsx"]
    book = openpyxl.load_workbook(templates["lanzhou-2020.xlsx"])
    assert book.sheetnames == ["Instructions", "_units", "Energy", "Workforce", META_SHEET]
    assert book[META_SHEET].sheet_state == "veryHidden" and book.security.lockStructure
    energy = book["Energy"]
    rows = [tuple(c.value for c in row) for row in energy.iter_rows(min_row=6, max_col=6)]
    assert rows == [
        ("fuel.gasoline", "Gasoline consumed", None, "t", 100, "t"),
        ("electricity", "Electricity purchased", None, "MWh", 2000, "MWh"),
    ]
    assert energy.protection.sheet and not energy["C6"].protection.locked
    assert energy["A6"].protection.locked
    (choices,) = [
        dv.formula1
        for dv in energy.data_validations.dataValidation
        if dv.type == "list" and str(dv.sqref) == "D6"
    ]
    assert choices == "'_units'!$A$1:$C$1"
    assert [c.value for c in book["_units"][1] if c.value] == ["t", "kg", "g"]
    assert [c.value for c in book["_units"][2] if c.value] == [
        "MWh",
        "tce",
        "kWh",
        "GWh",
        "MJ",
        "GJ",
        "TJ",
        "kgce",
    ]
    meta = dict(book[META_SHEET].iter_rows(max_col=2, values_only=True))
    assert (meta["entity"], meta["period"], meta["template_version"]) == ("lanzhou", "2020", 2)


def test_a_filled_template_imports_exactly(
    ledger: Ledger, tiny_catalog: Catalog, templates: dict[str, Path], tmp_path: Path
) -> None:
    def comment(book: openpyxl.Workbook) -> None:
        book["Energy"]["G7"] = '=HYPERLINK("http://evil")'  # stays text, never run

    path = filled(templates["lanzhou-2020.xlsx"], tmp_path / "lanzhou.xlsx", comment)
    (outcome,) = run(ledger, tiny_catalog, path)
    assert outcome.ok and (outcome.result.added, outcome.result.revised) == (3, 0)
    got = {
        dp.metric: (dp.quantity.value, dp.quantity.unit, dp.status, dp.provenance.location())
        for dp in ledger.datapoints(period="2020")
    }
    assert got == {
        "fuel.gasoline": (Decimal("110.0"), "t", Status.SUBMITTED, "lanzhou.xlsx!Energy!C6"),
        "electricity": (Decimal("2200.0"), "MWh", Status.SUBMITTED, "lanzhou.xlsx!Energy!C7"),
        "headcount": (Decimal("55.0"), "persons", Status.SUBMITTED, "lanzhou.xlsx!Workforce!C6"),
    }
    assert (
        ledger.history("lanzhou", "2020", "electricity")[0].comment == '=HYPERLINK("http://evil")'
    )
    assert audit.log(ledger)[-1].name == "import.template" and audit.verify(ledger) == []


def test_reimport_is_recognised_and_shows_what_would_change(
    ledger: Ledger, tiny_catalog: Catalog, templates: dict[str, Path], tmp_path: Path
) -> None:
    path = filled(templates["lanzhou-2020.xlsx"], tmp_path / "lanzhou.xlsx")
    run(ledger, tiny_catalog, path)
    (again,) = run(ledger, tiny_catalog, path, dry_run=True)
    assert again.earlier and again.result.unchanged == 3 and again.result.written == 0

    def change(book: openpyxl.Workbook) -> None:
        book["Energy"]["C7"] = 2300

    newer = filled(templates["lanzhou-2020.xlsx"], tmp_path / "lanzhou-v2.xlsx", change)
    assert problems(ledger, tiny_catalog, newer) == [
        "lanzhou-v2.xlsx!Energy!C7: lanzhou/2020/electricity would change from 2200 MWh "
        "(submitted) to 2300 MWh; give a reason (--reason) for the revision"
    ]
    (preview,) = run(ledger, tiny_catalog, newer, reason="December invoice", dry_run=True)
    assert [(o.quantity.value, n.quantity.value) for o, n in preview.result.revisions] == [
        (Decimal("2200.0"), Decimal(2300))
    ]
    assert ledger.history("lanzhou", "2020", "electricity")[-1].revision == 1
    (done,) = run(ledger, tiny_catalog, newer, reason="December invoice")
    assert done.result.revised == 1 and not done.earlier
    assert ledger.history("lanzhou", "2020", "electricity")[-1].reason == "December invoice"


def _set(sheet: str, cell: str, value: object) -> Edit:
    def edit(book: openpyxl.Workbook) -> None:
        book[sheet][cell] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (_set("Energy", "C7", "abc"), "lanzhou.xlsx!Energy!C7: 'abc' is not a number"),
        (
            _set("Energy", "C7", "2200.5"),
            "lanzhou.xlsx!Energy!C7: '2200.5' is a number stored as text; enter it as a number",
        ),
        (
            _set("Energy", "C7", "2200,5"),
            "lanzhou.xlsx!Energy!C7: '2200,5' has a comma; use '.' "
            "as the decimal point and no thousands separators",
        ),
        (
            _set("Energy", "C7", "=SUM(E6:E7)"),
            "lanzhou.xlsx!Energy!C7: formula '=SUM(E6:E7)' is "
            "not accepted; type the number (only arithmetic on numbers, such as =1200+35.5, is "
            "evaluated)",
        ),
        (
            _set("Energy", "D6", "MWh"),
            "lanzhou.xlsx!Energy!D6: 'MWh' is not a unit of [mass] "
            "(Gasoline consumed is measured in t); choose one of t, kg, g",
        ),
        (
            _set("Energy", "D6", "tonnes-ish"),
            "lanzhou.xlsx!Energy!D6: unknown unit 'tonnes-ish'; choose one of t, kg, g",
        ),
        (
            _set("Energy", "D6", None),
            "lanzhou.xlsx!Energy!D6: a value needs a unit; choose one from the list",
        ),
    ],
    ids=[
        "text",
        "number-as-text",
        "decimal-comma",
        "formula",
        "wrong-dimension",
        "unknown-unit",
        "no-unit",
    ],
)
def test_bad_cells_are_named_and_nothing_is_imported(
    ledger: Ledger,
    tiny_catalog: Catalog,
    templates: dict[str, Path],
    tmp_path: Path,
    edit: Edit,
    expected: str,
) -> None:
    path = filled(templates["lanzhou-2020.xlsx"], tmp_path / "lanzhou.xlsx", edit)
    assert problems(ledger, tiny_catalog, path) == [expected]


def test_simple_arithmetic_formulas_are_evaluated_never_stored(
    ledger: Ledger, tiny_catalog: Catalog, templates: dict[str, Path], tmp_path: Path
) -> None:
    path = filled(
        templates["lanzhou-2020.xlsx"],
        tmp_path / "lanzhou.xlsx",
        _set("Energy", "C7", "=1200.5+(999.5*1)"),
    )
    (outcome,) = run(ledger, tiny_catalog, path)
    assert outcome.ok
    assert ledger.history("lanzhou", "2020", "electricity")[-1].quantity.value == Decimal("2200.0")


def _insert_row(book: openpyxl.Workbook) -> None:
    book["Energy"].insert_rows(7)


def _insert_column(book: openpyxl.Workbook) -> None:
    book["Energy"].insert_cols(3)


def _merge(book: openpyxl.Workbook) -> None:
    book["Energy"].merge_cells("C6:D6")


def _hide(book: openpyxl.Workbook) -> None:
    book["Workforce"].sheet_state = "hidden"


def _add_sheet(book: openpyxl.Workbook) -> None:
    book.create_sheet("My notes")


def _old_version(book: openpyxl.Workbook) -> None:
    book[META_SHEET]["B4"] = 1


def _tamper_layout(book: openpyxl.Workbook) -> None:
    book[META_SHEET]["B6"] = book[META_SHEET]["B6"].value.replace('"row":7', '"row":8')


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            _insert_row,
            "lanzhou.xlsx!Energy!A7: expected metric 'electricity' here, found None: "
            "rows were inserted, deleted or moved",
        ),
        (
            _insert_column,
            "lanzhou.xlsx!Energy!A5:H5: the column headings changed: columns were "
            "inserted, deleted or moved",
        ),
        (_merge, "lanzhou.xlsx!Energy!C6:D6: merged cells are not allowed in a template"),
        (
            _hide,
            "lanzhou.xlsx!Workforce: sheet 'Workforce' is hidden; unhide it or use a new template",
        ),
        (_add_sheet, "lanzhou.xlsx!My notes: unexpected sheet 'My notes': sheets may not be added"),
        (
            _old_version,
            "lanzhou.xlsx: made with template version 1; this esgledger reads version "
            "2 only: copy the values into a new template",
        ),
        (
            _tamper_layout,
            "lanzhou.xlsx: the template's hidden layout was altered (checksum mismatch)",
        ),
    ],
    ids=[
        "inserted-row",
        "inserted-column",
        "merged",
        "hidden-sheet",
        "added-sheet",
        "old-version",
        "altered-layout",
    ],
)
def test_structure_changes_are_refused(
    ledger: Ledger,
    tiny_catalog: Catalog,
    templates: dict[str, Path],
    tmp_path: Path,
    edit: Edit,
    expected: str,
) -> None:
    path = filled(templates["lanzhou-2020.xlsx"], tmp_path / "lanzhou.xlsx", edit)
    assert problems(ledger, tiny_catalog, path)[0] == expected


def test_templates_of_another_period_or_entity_are_refused(
    ledger: Ledger, tiny_catalog: Catalog, templates: dict[str, Path], tmp_path: Path
) -> None:
    path = filled(templates["xian-2020.xlsx"], tmp_path / "xian.xlsx")
    assert problems(ledger, tiny_catalog, path, period="2019") == [
        "xian.xlsx: this is the template of period 2020; the import is for 2019"
    ]
    assert problems(ledger, tiny_catalog, path, entity="lanzhou") == [
        "xian.xlsx: this is the template of entity 'xian', not 'lanzhou'"
    ]

    def pasted(book: openpyxl.Workbook) -> None:  # a sheet copied from another entity's file
        book["Energy"]["B1"] = "lanzhou"

    copied = filled(templates["xian-2020.xlsx"], tmp_path / "copied.xlsx", pasted)
    assert problems(ledger, tiny_catalog, copied) == [
        "copied.xlsx!Energy!B1: this sheet is for entity 'lanzhou', the workbook for 'xian' "
        "(sheets copied between templates, or rows inserted above)"
    ]


def test_a_template_not_issued_by_this_ledger_is_refused(
    tiny_catalog: Catalog, templates: dict[str, Path], tmp_path: Path
) -> None:
    other = sqlite_ledger(tmp_path / "other")
    path = filled(templates["xian-2020.xlsx"], tmp_path / "xian.xlsx")
    assert problems(other, tiny_catalog, path) == [
        "xian.xlsx: this template was not issued by this ledger (or its layout was changed)"
    ]


def test_duplicate_submissions_in_one_import(
    ledger: Ledger, tiny_catalog: Catalog, templates: dict[str, Path], tmp_path: Path
) -> None:
    first = filled(templates["xian-2020.xlsx"], tmp_path / "xian.xlsx")
    second = filled(templates["xian-2020.xlsx"], tmp_path / "xian-final.xlsx")
    one, two = run(ledger, tiny_catalog, first, second)
    assert one.ok and [str(p) for p in two.data.problems] == [
        "xian-final.xlsx: a second submission for xian/2020 in this import (first: xian.xlsx); "
        "import one of them"
    ]


def _zip_bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (120 * 1024 * 1024))


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.write_bytes(b""), "bad.xlsx: the file is empty"),
        (
            lambda p: p.write_text("entity,period\nlanzhou,2020\n"),
            "bad.xlsx: not an XLSX workbook (corrupt, or another format such as XLS/CSV)",
        ),
        (
            lambda p: p.write_bytes(b"PK\x03\x04" + b"\x00" * 64),
            "bad.xlsx: not an XLSX workbook (corrupt, or another format such as XLS/CSV)",
        ),
        (
            _zip_bomb,
            "bad.xlsx: the workbook would expand to 125,829,139 bytes (limit "
            "104,857,600); refused as a possible zip bomb",
        ),
    ],
    ids=["empty", "csv-renamed", "corrupt", "zip-bomb"],
)
def test_files_that_are_not_safe_workbooks(
    ledger: Ledger,
    tiny_catalog: Catalog,
    tmp_path: Path,
    make: Callable[[Path], None],
    expected: str,
) -> None:
    path = tmp_path / "bad.xlsx"
    make(path)
    assert problems(ledger, tiny_catalog, path) == [expected]


def test_oversized_files_are_refused_before_opening(tmp_path: Path) -> None:
    from esgledger.collect.xlsx_guard import check_file

    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK" + b"\0" * 2048)
    assert [str(p) for p in check_file(path, max_bytes=1024)] == [
        "big.xlsx: the file has 2,050 bytes; the limit is 1,024"
    ]


def test_error_report_highlights_the_cells_and_neutralises_formulas(
    ledger: Ledger, tiny_catalog: Catalog, templates: dict[str, Path], tmp_path: Path
) -> None:
    path = filled(
        templates["lanzhou-2020.xlsx"],
        tmp_path / "lanzhou.xlsx",
        _set("Energy", "C7", "=cmd|' /C calc'!A0"),
    )
    (outcome,) = run(ledger, tiny_catalog, path)
    report = write_error_report(path, outcome.data.problems, tmp_path / "report.xlsx")
    book = openpyxl.load_workbook(report)
    assert book.sheetnames[0] == "Errors"
    location, message = next(book["Errors"].iter_rows(min_row=2, values_only=True))
    assert location == "lanzhou.xlsx!Energy!C7" and message.startswith('formula "=cmd|')
    cell = book["Energy"]["C7"]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE") and "not accepted" in cell.comment.text
    assert book["Energy"]["C6"].comment is None
