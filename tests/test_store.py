"""The ledger store, on SQLite and PostgreSQL: schema, revisions, exact decimals, atomicity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from esgledger.core.model import (
    ConsolidationApproach,
    Datapoint,
    Entity,
    Kind,
    Note,
    NoteKind,
    Organization,
    Period,
    Quantity,
    calendar_year,
    new_provenance,
)
from esgledger.errors import NotFound
from esgledger.store import schema
from esgledger.store.ledger import Ledger, MaterialIssue, StakeholderGroup

ENTITIES = [
    Entity(code="group", name="Group", kind="group", country="CN"),
    Entity(code="site-a", name="Site A", parent="group", country="CN", grid_region="CN-East"),
    Entity(
        code="site-b",
        name="Site B",
        parent="group",
        country="CN",
        ownership=Decimal("0.4"),
        controlled=False,
    ),
]


def datapoint(
    value: str,
    *,
    metric: str = "fuel.gasoline",
    unit: str = "t",
    entity: str = "site-a",
    period: str = "2019",
    reason: str | None = None,
    kind: Kind = Kind.REPORTED,
) -> Datapoint:
    return Datapoint(
        entity=entity,
        period=period,
        metric=metric,
        kind=kind,
        reason=reason,
        quantity=Quantity(value=Decimal(value), unit=unit),
        provenance=new_provenance(
            "file",
            file="data.csv",
            line=2,
            field="value",
            user="ana",
            reference="Annual report 2019, p. 12",
        ),
    )


@pytest.fixture
def filled(ledger: Ledger) -> Ledger:
    ledger.add_entities(ENTITIES)
    ledger.add_periods([calendar_year(2019), calendar_year(2020)])
    return ledger


def count_rows(ledger: Ledger, table: sa.Table) -> int:
    with ledger.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_open_migrates_to_the_declared_schema(ledger: Ledger) -> None:
    with ledger.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), schema.metadata)
        versions = set(conn.execute(sa.text("select version_num from alembic_version")).scalars())
    assert diffs == []
    assert versions == _script_heads()


def _script_heads() -> set[str]:
    """The heads of the migration scripts: the core and each feature's schema branch."""
    from importlib import resources

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    location = str(resources.files("esgledger.store") / "migrations")
    config.set_main_option("script_location", location)
    heads = set(ScriptDirectory.from_config(config).get_heads())
    assert heads, "no migration heads found"
    return heads


def test_reopening_an_existing_ledger_keeps_its_data(ledger_url: str) -> None:
    with Ledger.open(ledger_url) as first:
        first.add_periods([calendar_year(2019)])
    with Ledger.open(ledger_url) as second:
        assert [p.code for p in second.periods()] == ["2019"]


def test_open_without_create_refuses_a_missing_file(tmp_path) -> None:
    with pytest.raises(NotFound):
        Ledger.open(tmp_path / "missing.sqlite", create=False)


def test_entities_and_periods_round_trip(filled: Ledger) -> None:
    assert filled.entities() == ENTITIES
    assert filled.periods() == [calendar_year(2019), calendar_year(2020)]
    assert filled.period("2020") == Period(
        code="2020", start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31)
    )
    assert filled.prior_period("2020") == calendar_year(2019)
    assert filled.prior_period("2019") is None
    with pytest.raises(NotFound, match="2021"):
        filled.period("2021")


def test_organization_round_trips(ledger: Ledger) -> None:
    assert ledger.organization() is None
    org = Organization(
        name="Example Co., Ltd.",
        short_name="Example",
        consolidation=ConsolidationApproach.EQUITY_SHARE,
        details={"headquarters": "杭州"},
    )
    ledger.set_organization(org)
    ledger.set_organization(org)
    assert ledger.organization() == org


def test_record_appends_revisions(filled: Ledger) -> None:
    first = filled.record([datapoint("617.3")])
    assert (first.added, first.revised, first.unchanged) == (1, 0, 0)

    again = filled.record([datapoint("617.30")])  # the same number
    assert (again.added, again.revised, again.unchanged) == (0, 0, 1)
    assert again.written == 0

    changed = filled.record([datapoint("620.1", reason="meter reading corrected")])
    assert (changed.added, changed.revised, changed.unchanged) == (0, 1, 0)
    old, new = changed.revisions[0]
    assert (old.quantity.value, new.quantity.value) == (Decimal("617.3"), Decimal("620.1"))

    history = filled.history("site-a", "2019", "fuel.gasoline")
    assert [(h.revision, h.quantity.value, h.reason) for h in history] == [
        (1, Decimal("617.3"), None),
        (2, Decimal("620.1"), "meter reading corrected"),
    ]
    (current,) = filled.datapoints()
    assert (current.revision, current.quantity.value) == (2, Decimal("620.1"))


def test_a_new_unit_is_a_revision(filled: Ledger) -> None:
    filled.record([datapoint("617.3")])
    result = filled.record([datapoint("617.3", unit="kg", reason="unit")])
    assert result.revised == 1


def test_provenance_round_trips(filled: Ledger) -> None:
    written = datapoint("1.5")
    filled.record([written])
    (read,) = filled.datapoints()
    assert read.provenance == written.provenance
    assert read.provenance.recorded_at.tzinfo is not None
    assert read.provenance.location() == "data.csv:2"
    assert read == written


def test_datapoints_filters(filled: Ledger) -> None:
    filled.record(
        [
            datapoint("1"),
            datapoint("2", entity="site-b"),
            datapoint("3", period="2020"),
            datapoint("4", metric="electricity", unit="MWh"),
            datapoint("5", kind=Kind.COMPUTED),
        ]
    )
    assert len(filled.datapoints()) == 4
    assert len(filled.datapoints(kind=None)) == 5
    assert [d.quantity.value for d in filled.datapoints(entity="site-b")] == [2]
    assert [d.quantity.value for d in filled.datapoints(period="2020")] == [3]
    assert [d.quantity.value for d in filled.datapoints(metric="electricity")] == [4]
    assert [d.quantity.value for d in filled.datapoints(kind=Kind.COMPUTED)] == [5]


@pytest.mark.parametrize(
    "text", ["173318.8", "0.000001", "12345678901234567890.123456", "0", "-3.50", "1E+3"]
)
def test_decimals_round_trip_exactly(filled: Ledger, text: str) -> None:
    filled.record([datapoint(text)])
    (read,) = filled.datapoints()
    assert str(read.quantity.value) == text


def test_an_unknown_entity_writes_nothing(filled: Ledger) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        filled.record([datapoint("1"), datapoint("2", entity="nowhere")])
    assert filled.datapoints() == []
    assert count_rows(filled, schema.datapoint) == 0


def test_an_error_inside_a_transaction_writes_nothing(filled: Ledger) -> None:
    with pytest.raises(RuntimeError, match="boom"), filled.transaction() as conn:
        filled.record([datapoint("1")], conn=conn)
        filled.add_notes(
            [Note(kind=NoteKind.METHOD, period="2019", metrics=("energy.*",), text="x")], conn=conn
        )
        filled.set_setting("gwp_set", "ipcc-ar6", conn=conn)
        raise RuntimeError("boom")
    assert filled.datapoints() == []
    assert filled.notes() == []
    assert filled.setting("gwp_set") is None


def test_notes_round_trip(filled: Ledger) -> None:
    notes = [
        Note(
            kind=NoteKind.VARIANCE,
            period="2019",
            metrics=("energy.total", "ghg.*"),
            text="New plant in Tonglu.",
            entity="site-a",
        ),
        Note(
            kind=NoteKind.RESTATEMENT,
            period="2020",
            metrics=("water.withdrawal.total",),
            text="2019 restated.",
        ),
    ]
    filled.add_notes(notes, user="ana")
    assert filled.notes() == notes
    assert filled.notes(period="2020") == notes[1:]
    assert filled.notes(kind=NoteKind.VARIANCE) == notes[:1]


def test_settings_round_trip(ledger: Ledger) -> None:
    assert ledger.setting("gwp_set", "ipcc-ar5") == "ipcc-ar5"
    ledger.set_setting("gwp_set", "ipcc-ar6")
    ledger.set_setting("gwp_set", "ipcc-ar4")
    value = {"frameworks": ["gri-2021"], "year": 2019, "share": 0.5, "nested": {"a": None}}
    ledger.set_setting("report", value)
    assert ledger.setting("gwp_set") == "ipcc-ar4"
    assert ledger.setting("report") == value
    with pytest.raises(TypeError):
        ledger.set_setting("bad", Decimal(1))


def test_registers_round_trip(ledger: Ledger) -> None:
    groups = [
        StakeholderGroup(
            name="Employees",
            issues=("training", "safety"),
            channels=("surveys",),
            frequency="yearly",
        ),
        StakeholderGroup(
            name="Investors", issues=(), channels=("meetings", "calls"), frequency="quarterly"
        ),
    ]
    issues = [
        MaterialIssue(
            number=2,
            category="Environment",
            name="Climate change",
            gri_topics=("305",),
            esrs=("E1",),
        ),
        MaterialIssue(number=1, category="Governance", name="Business ethics", gri_topics=("205",)),
    ]
    ledger.add_stakeholder_groups(groups)
    ledger.add_material_issues(issues)
    assert ledger.stakeholder_groups() == groups
    assert ledger.material_issues() == sorted(issues, key=lambda i: i.number)


def computed_row(value: str, metric: str = "energy.total") -> dict:
    return {
        "entity": "group",
        "metric": metric,
        "value": value,
        "unit": "tce",
        "lineage": {"method": "formula", "inputs": []},
    }


def test_save_computed_replaces_the_previous_run(filled: Ledger) -> None:
    first = filled.save_computed(
        "2019",
        [computed_row("1"), computed_row("2", "energy.direct")],
        input_revision=1,
        settings={"gwp_set": "ipcc-ar5"},
    )
    other = filled.save_computed("2020", [computed_row("9")], input_revision=1, settings={})
    second = filled.save_computed(
        "2019", [computed_row("3")], input_revision=2, settings={"gwp_set": "ipcc-ar6"}
    )
    assert second != first
    run = filled.calculation_run("2019")
    assert run is not None
    assert (run["id"], run["input_revision"], run["settings"]) == (
        second,
        2,
        {"gwp_set": "ipcc-ar6"},
    )
    rows = filled.computed("2019")
    assert [(r["metric"], r["value"], r["run_id"]) for r in rows] == [("energy.total", "3", second)]
    assert rows[0]["lineage"] == {"method": "formula", "inputs": []}
    assert [r["run_id"] for r in filled.computed("2020")] == [other]
    assert filled.calculation_run("2021") is None


def test_import_batches_are_found_by_hash(filled: Ledger) -> None:
    assert filled.last_revision_id() == 0
    with filled.transaction() as conn:
        batch = filled.add_batch("data.csv", "ab" * 32, 1, "ana", conn)
        filled.record([datapoint("1")], conn=conn, batch_id=batch)
    assert [b["id"] for b in filled.batches_with_hash("ab" * 32)] == [batch]
    assert filled.batches_with_hash("cd" * 32) == []
    assert filled.last_revision_id() > 0


def test_pending_changes(filled: Ledger) -> None:
    filled.record([datapoint("1")])
    assert filled.pending_changes([datapoint("1"), datapoint("5", entity="site-b")]) == []
    ((old, new),) = filled.pending_changes([datapoint("2")])
    assert (old.quantity.value, new.quantity.value) == (1, 2)
