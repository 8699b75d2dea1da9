"""Importing CSV and YAML files into a SQLite ledger with the shipped catalog.

Every bad file is refused as a whole (ImportFailed) with problems naming ``file:line`` and the
field, and leaves the ledger as it was.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from esgledger.collect.datapoints import import_file, parse_value
from esgledger.core.catalog import Catalog, default_catalog
from esgledger.core.model import Entity, Kind, NoteKind, Status, calendar_year
from esgledger.errors import ImportFailed
from esgledger.store import schema
from esgledger.store.ledger import Ledger

HEADER = "entity,period,metric,value,unit"
GOOD_CSV = f"""\
{HEADER}
site-a,2019,energy.gasoline,617.3,t
site-a,2019,energy.electricity_purchased,1000,MWh
group,2019,revenue,500,RMB million
"""


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return default_catalog()


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    opened = Ledger.open(tmp_path / "ledger.sqlite")
    opened.add_entities(
        [
            Entity(code="group", name="Group", kind="group", country="CN"),
            Entity(code="site-a", name="Site A", parent="group", country="CN"),
        ]
    )
    opened.add_periods([calendar_year(2019), calendar_year(2020)])
    yield opened
    opened.close()


@pytest.fixture
def write(tmp_path: Path):
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


def rows(ledger: Ledger) -> tuple[int, int, int]:
    """Datapoint rows, notes and import batches in the ledger."""
    with ledger.engine.connect() as conn:
        return tuple(
            conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in (schema.datapoint, schema.note, schema.import_batch)
        )


def refused(ledger: Ledger, path: Path, catalog: Catalog, **options) -> list:
    """The problems of an import that must fail and leave the ledger unchanged."""
    before = rows(ledger)
    with pytest.raises(ImportFailed) as raised:
        import_file(ledger, path, catalog, user="ana", **options)
    assert rows(ledger) == before
    assert raised.value.problems
    assert str(raised.value.problems[0]) in str(raised.value)
    return raised.value.problems


# --- good files --------------------------------------------------------------------------------
def test_a_good_csv_file_imports(ledger: Ledger, catalog: Catalog, write) -> None:
    outcome = import_file(ledger, write("data.csv", GOOD_CSV), catalog, user="ana")
    assert (outcome.file, outcome.rows, outcome.repeated) == ("data.csv", 3, False)
    assert (outcome.result.added, outcome.result.revised, outcome.result.unchanged) == (3, 0, 0)
    points = {d.metric: d for d in ledger.datapoints()}
    gasoline = points["energy.gasoline"]
    assert (gasoline.quantity.value, gasoline.quantity.unit) == (Decimal("617.3"), "t")
    assert (gasoline.kind, gasoline.status, gasoline.revision) == (
        Kind.REPORTED,
        Status.SUBMITTED,
        1,
    )
    assert gasoline.provenance.location() == "data.csv:2"
    assert (gasoline.provenance.user, gasoline.provenance.field) == ("ana", "value")
    assert points["revenue"].provenance.line == 4
    assert rows(ledger) == (3, 0, 1)


def test_optional_csv_columns(ledger: Ledger, catalog: Catalog, write) -> None:
    path = write(
        "data.csv",
        f"""\
        {HEADER},comment,reference
        site-a,2019,energy.gasoline,617.3,kg,fleet only,"Annual report 2019, p. 40"
        """,
    )
    import_file(ledger, path, catalog, user="ana")
    (point,) = ledger.datapoints()
    assert point.quantity.unit == "kg"  # kept as entered; converted when calculating
    assert point.comment == "fleet only"
    assert point.provenance.reference == "Annual report 2019, p. 40"


def test_a_good_yaml_file_imports(ledger: Ledger, catalog: Catalog, write) -> None:
    path = write(
        "data.yaml",
        """\
        datapoints:
          - metric: energy.gasoline
            entity: site-a
            unit: t
            values: {2019: 617.3, 2020: "580.25"}
          - metric: revenue
            entity: group
            unit: RMB million
            period: 2019
            value: 500
        notes:
          - kind: variance
            period: "2020"
            metrics: [energy.gasoline]
            text: Fewer vehicles.
        """,
    )
    outcome = import_file(ledger, path, catalog, user="ana")
    assert (outcome.rows, outcome.notes, outcome.result.added) == (3, 1, 3)
    values = {(d.period, d.metric): d.quantity.value for d in ledger.datapoints()}
    assert values == {
        ("2019", "energy.gasoline"): Decimal("617.3"),
        ("2020", "energy.gasoline"): Decimal("580.25"),
        ("2019", "revenue"): Decimal(500),
    }
    gasoline = ledger.datapoints(period="2020", metric="energy.gasoline")[0]
    assert gasoline.provenance.location() == "data.yaml:2"
    revenue = ledger.datapoints(metric="revenue")[0]
    assert revenue.provenance.location() == "data.yaml:6"
    (note,) = ledger.notes()
    assert (note.kind, note.period, note.text) == (NoteKind.VARIANCE, "2020", "Fewer vehicles.")


# --- bad rows: file:line and the field ----------------------------------------------------------
def csv_with(row: str) -> str:
    return f"{HEADER}\nsite-a,2019,energy.gasoline,1,t\n{row}\n"


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        (
            "site-a,2019,energy.gasolin,1,t",
            "metric",
            ["energy.gasolin", "did you mean", "energy.gasoline"],
        ),
        ("site-x,2019,energy.gasoline,2,t", "entity", ["site-x"]),
        ("site-a,2031,energy.gasoline,2,t", "period", ["2031"]),
        ("site-a,2020,energy.gasoline,abc,t", "value", ["'abc'", "not a number"]),
        ('site-a,2020,energy.gasoline,"1,234.5",t', "value", ["1,234.5", "comma"]),
        ("site-a,2020,energy.gasoline,NaN,t", "value", ["NaN"]),
        ("site-a,2020,energy.gasoline,2,MWh", "unit", ["site-a/2020/energy.gasoline", "MWh"]),
        (
            "site-a,2020,energy.gasoline,2,bushels_of_fun",
            "unit",
            ["unknown unit", "bushels_of_fun"],
        ),
        ("site-a,2020,,2,t", "metric", ["missing"]),
        ("site-a,2020,energy.gasoline,,t", "value", ["missing"]),
    ],
)
def test_a_bad_csv_row_is_refused(
    ledger: Ledger, catalog: Catalog, write, row: str, field: str, words: list[str]
) -> None:
    problems = refused(ledger, write("data.csv", csv_with(row)), catalog)
    (problem,) = problems
    assert problem.location == "data.csv:3"
    assert problem.message.startswith(f"{field}:")
    for word in words:
        assert word in problem.message
    assert problem.record is not None


def test_every_problem_of_a_file_is_reported(ledger: Ledger, catalog: Catalog, write) -> None:
    path = write(
        "data.csv", f"{HEADER}\nsite-x,2031,energy.gasolin,abc,t\nsite-a,2019,revenue,1,t\n"
    )
    problems = refused(ledger, path, catalog)
    assert [(p.location, p.message.split(":")[0]) for p in problems] == [
        ("data.csv:2", "metric"),
        ("data.csv:2", "entity"),
        ("data.csv:2", "period"),
        ("data.csv:2", "value"),
        ("data.csv:3", "unit"),
    ]


def test_a_duplicated_row_is_refused(ledger: Ledger, catalog: Catalog, write) -> None:
    path = write("data.csv", csv_with("site-a,2019,energy.gasoline,2,t"))
    (problem,) = refused(ledger, path, catalog)
    assert problem.location == "data.csv:3"
    assert "site-a/2019/energy.gasoline" in problem.message
    assert "data.csv:2" in problem.message


def test_a_missing_column_is_refused(ledger: Ledger, catalog: Catalog, write) -> None:
    path = write("data.csv", "entity,period,metric,value\nsite-a,2019,energy.gasoline,1\n")
    (problem,) = refused(ledger, path, catalog)
    assert problem.location == "data.csv:1"
    assert "missing column(s) unit" in problem.message


def test_an_unknown_column_is_refused(ledger: Ledger, catalog: Catalog, write) -> None:
    path = write("data.csv", f"{HEADER},site\nsite-a,2019,energy.gasoline,1,t,x\n")
    (problem,) = refused(ledger, path, catalog)
    assert problem.location == "data.csv:1"
    assert "unknown column(s) site" in problem.message


def test_a_row_with_an_extra_cell_is_refused(ledger: Ledger, catalog: Catalog, write) -> None:
    path = write("data.csv", csv_with("site-a,2020,energy.gasoline,1,t,surplus"))
    (problem,) = refused(ledger, path, catalog)
    assert problem.location == "data.csv:3"
    assert "more cells than columns" in problem.message


@pytest.mark.parametrize("name", ["empty.csv", "empty.yaml"])
def test_an_empty_file_is_refused(ledger: Ledger, catalog: Catalog, write, name: str) -> None:
    (problem,) = refused(ledger, write(name, ""), catalog)
    assert problem.location == f"{name}:1"


def test_another_file_type_is_refused(ledger: Ledger, catalog: Catalog, write) -> None:
    (problem,) = refused(ledger, write("data.txt", GOOD_CSV), catalog)
    assert problem.location.startswith("data.txt")
    assert "unsupported file type .txt" in problem.message


def test_a_missing_file_is_refused(ledger: Ledger, catalog: Catalog, tmp_path: Path) -> None:
    (problem,) = refused(ledger, tmp_path / "nowhere.csv", catalog)
    assert "no such file" in problem.message


def test_invalid_yaml_is_refused(ledger: Ledger, catalog: Catalog, write) -> None:
    path = write(
        "data.yaml",
        """\
        datapoints:
          - metric: energy.gasoline
            entity: [site-a
        """,
    )
    (problem,) = refused(ledger, path, catalog)
    assert problem.location == "data.yaml:4"  # where the parser gave up
    assert "not valid YAML" in problem.message


def test_yaml_without_datapoints_is_refused(ledger: Ledger, catalog: Catalog, write) -> None:
    (problem,) = refused(ledger, write("data.yaml", "- just a list\n"), catalog)
    assert problem.location == "data.yaml:1"
    assert "datapoints" in problem.message


def test_a_bad_yaml_entry_names_its_line_and_field(ledger: Ledger, catalog: Catalog, write) -> None:
    path = write(
        "data.yaml",
        """\
        datapoints:
          - metric: energy.gasoline
            entity: site-a
            unit: t
            values: {2019: 617.3}
          - metric: energy.gasoline
            entity: site-a
            unit: MWh
            values: {2020: "1,234.5"}
        """,
    )
    problems = refused(ledger, path, catalog)
    assert [(p.location, p.message.split(":")[0]) for p in problems] == [
        ("data.yaml:6", "value"),
        ("data.yaml:6", "unit"),
    ]
    assert "site-a/2020/energy.gasoline" in problems[1].message


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "true", "[1]"])
def test_yaml_values_that_are_not_finite_numbers(
    ledger: Ledger, catalog: Catalog, write, value: str
) -> None:
    path = write(
        "data.yaml",
        f"""\
        datapoints:
          - metric: energy.gasoline
            entity: site-a
            unit: t
            values: {{2019: {value}}}
        """,
    )
    (problem,) = refused(ledger, path, catalog)
    assert problem.location == "data.yaml:2"
    assert problem.message.startswith("value:")


def test_a_bad_yaml_note_is_refused(ledger: Ledger, catalog: Catalog, write) -> None:
    path = write(
        "data.yaml",
        """\
        datapoints: []
        notes:
          - kind: gossip
            period: "2019"
            metrics: [energy.gasoline]
            text: x
        """,
    )
    (problem,) = refused(ledger, path, catalog)
    assert problem.location == "data.yaml:3"
    assert problem.message.startswith("kind:")


# --- changes, dry runs and repeats -----------------------------------------------------------
def test_a_change_needs_a_reason(ledger: Ledger, catalog: Catalog, write) -> None:
    import_file(ledger, write("data.csv", GOOD_CSV), catalog, user="ana")
    changed = write("changed.csv", GOOD_CSV.replace("617.3", "620.1"))
    (problem,) = refused(ledger, changed, catalog)
    assert problem.location == "changed.csv:2"
    assert "617.3 t" in problem.message and "620.1 t" in problem.message
    assert "reason" in problem.message

    outcome = import_file(ledger, changed, catalog, user="bo", reason="meter reading corrected")
    assert (outcome.result.added, outcome.result.revised, outcome.result.unchanged) == (0, 1, 2)
    history = ledger.history("site-a", "2019", "energy.gasoline")
    assert [(h.revision, h.quantity.value, h.reason, h.provenance.user) for h in history] == [
        (1, Decimal("617.3"), None, "ana"),
        (2, Decimal("620.1"), "meter reading corrected", "bo"),
    ]


def test_a_dry_run_writes_nothing(ledger: Ledger, catalog: Catalog, write) -> None:
    path = write("data.csv", GOOD_CSV)
    before = rows(ledger)
    outcome = import_file(ledger, path, catalog, user="ana", dry_run=True)
    assert rows(ledger) == before
    assert (outcome.result.added, outcome.result.revised, outcome.result.unchanged) == (3, 0, 0)

    import_file(ledger, path, catalog, user="ana")
    changed = write("changed.csv", GOOD_CSV.replace("617.3", "620.1"))
    before = rows(ledger)
    preview = import_file(ledger, changed, catalog, user="ana", reason="fix", dry_run=True)
    assert rows(ledger) == before
    assert (preview.result.added, preview.result.revised, preview.result.unchanged) == (0, 1, 2)


def test_reimporting_a_file_is_reported_and_changes_nothing(
    ledger: Ledger, catalog: Catalog, write
) -> None:
    path = write("data.csv", GOOD_CSV)
    import_file(ledger, path, catalog, user="ana")
    points = ledger.datapoints()
    again = import_file(ledger, path, catalog, user="ana")
    assert again.repeated
    assert (again.result.added, again.result.revised, again.result.unchanged) == (0, 0, 3)
    assert ledger.datapoints() == points


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("617.3", "617.3"),
        (" 12 ", "12"),
        ("-0.5", "-0.5"),
        ("1e3", "1E+3"),
        (617.3, "617.3"),
        (12, "12"),
    ],
)
def test_parse_value(text, value: str) -> None:
    assert str(parse_value(text)) == value


@pytest.mark.parametrize("text", ["1,234.5", "1.234,5", "abc", "", "inf", "NaN", True])
def test_parse_value_refuses(text) -> None:
    with pytest.raises(ValueError):
        parse_value(text)
