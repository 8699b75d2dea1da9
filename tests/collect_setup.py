"""A small group for the data-collection tests (issue 4): two plants, 2019 approved, 2020 open."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from esgledger.core.model import (
    Datapoint,
    Entity,
    Organization,
    Quantity,
    Status,
    calendar_year,
    new_provenance,
)
from esgledger.store.ledger import Ledger

ENTITIES = [
    Entity(code="group", name="Example Group", kind="group", country="CN"),
    Entity(code="lanzhou", name="Lanzhou Plant", parent="group", country="CN"),
    Entity(code="xian", name="Xi'an Plant", parent="group", country="CN"),
]
LAST_YEAR = {  # (entity, metric) -> (value, unit) reported and approved for 2019
    ("lanzhou", "fuel.gasoline"): ("100", "t"),
    ("lanzhou", "electricity"): ("2000", "MWh"),
    ("lanzhou", "headcount"): ("50", "persons"),
    ("xian", "electricity"): ("800", "MWh"),
}


def figure(
    entity: str,
    period: str,
    metric: str,
    value: str,
    unit: str,
    status: Status = Status.APPROVED,
    reason: str | None = None,
) -> Datapoint:
    """A reported datapoint entered by the tests."""
    return Datapoint(
        entity=entity,
        period=period,
        metric=metric,
        quantity=Quantity(value=Decimal(value), unit=unit),
        status=status,
        reason=reason,
        provenance=new_provenance("test", user="tester"),
    )


def fill(ledger: Ledger) -> Ledger:
    """Organisation, entities, periods 2019 and 2020, and 2019's approved figures."""
    with ledger.transaction() as conn:
        ledger.set_organization(Organization(name="Example Ltd", short_name="Example"), conn)
        ledger.add_entities(ENTITIES, conn)
        ledger.add_periods([calendar_year(2019), calendar_year(2020)], conn)
        ledger.record(
            [figure(e, "2019", m, v, u) for (e, m), (v, u) in LAST_YEAR.items()], conn=conn
        )
    return ledger


def sqlite_ledger(folder: Path) -> Ledger:
    """A filled ledger in a SQLite file under ``folder``."""
    return fill(Ledger.open(folder / "ledger.sqlite"))
