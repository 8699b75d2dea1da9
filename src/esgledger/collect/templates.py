"""Data-collection templates: one XLSX per entity (and department) for a period.

An entity *owes* the input (non-derived) metrics it reported in the prior period, plus the
metrics assigned to it (:func:`assign`, ``esgledger collect assign``); an assignment may
name a department (HR, EHS...), whose metrics then go into a workbook of their own.

Each workbook has an Instructions sheet, one data sheet per topic with last period's value
beside each input cell, units as drop-downs restricted to units of the metric's dimension,
number validation, protected sheets whose only unlocked cells are value, unit and comment, a
locked workbook structure, and the very hidden ``_esgledger`` sheet identifying entity,
period, department, template version and the layout checksum.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from esgledger.collect.template_layout import (
    FIRST_ROW,
    TEMPLATE_VERSION,
    TemplateLayout,
    TemplateRow,
    file_name,
    sheet_title,
)
from esgledger.collect.template_workbook import write_workbook
from esgledger.core.catalog import Catalog
from esgledger.core.model import Datapoint, Kind, utcnow
from esgledger.core.units import is_known_unit, same_dimension
from esgledger.errors import NotFound, UnknownMetricError, WorkflowError
from esgledger.store import audit
from esgledger.store import tables_collect as tc
from esgledger.store.ledger import Ledger

# Units offered besides the catalog's own, when they have the metric's dimension.
EXTRA_UNITS = (
    "kg",
    "g",
    "kt",
    "kWh",
    "GWh",
    "MJ",
    "GJ",
    "TJ",
    "kgce",
    "m3",
    "L",
    "kgCO2e",
    "RMB",
    "RMB thousand",
)


@dataclass(frozen=True, kw_only=True)
class Assignment:
    """A metric an entity owes, optionally through one of its departments."""

    entity: str
    metric: str
    department: str | None = None


def assign(ledger: Ledger, catalog: Catalog, assignment: Assignment, *, actor: str) -> None:
    """Make an entity (department) owe a metric from now on (replacing an earlier assignment)."""
    if assignment.metric not in catalog:
        raise UnknownMetricError(catalog.unknown_message(assignment.metric))
    if catalog.get(assignment.metric).derived:
        raise WorkflowError(f"{assignment.metric} is computed by esgledger; assign its inputs")
    if assignment.entity not in {e.code for e in ledger.entities()}:
        raise NotFound(f"unknown entity {assignment.entity!r}")
    a = tc.assignment
    with ledger.transaction() as conn:
        conn.execute(
            sa.delete(a).where(a.c.entity == assignment.entity, a.c.metric == assignment.metric)
        )
        conn.execute(sa.insert(a).values(**assignment.__dict__))
        audit.append_event(
            conn,
            audit.NewEvent(
                name="assignment.set",
                actor=actor,
                entity=assignment.entity,
                metric=assignment.metric,
                new={"department": assignment.department},
            ),
        )


def assignments(ledger: Ledger) -> list[Assignment]:
    """Every assignment, by entity."""
    a = tc.assignment
    with ledger.engine.connect() as conn:
        rows = conn.execute(sa.select(a).order_by(a.c.entity, a.c.id)).all()
    return [Assignment(entity=r.entity, metric=r.metric, department=r.department) for r in rows]


def owed(ledger: Ledger, catalog: Catalog, entity: str, period: str) -> dict[str, str | None]:
    """metric id -> department, for what ``entity`` owes in ``period`` (catalog order)."""
    found: dict[str, str | None] = {}
    prior = ledger.prior_period(period)
    if prior is not None:
        for dp in ledger.datapoints(period=prior.code, entity=entity, kind=Kind.REPORTED):
            if dp.metric in catalog and not catalog.get(dp.metric).derived:
                found[dp.metric] = None
    for a in assignments(ledger):
        if a.entity == entity:
            found[a.metric] = a.department
    order = {m.id: i for i, m in enumerate(catalog)}
    return dict(sorted(found.items(), key=lambda item: order.get(item[0], len(order))))


def unit_choices(catalog: Catalog, metric_id: str) -> tuple[str, ...]:
    """The catalog unit first, then other known units of the same dimension.

    Units of CO2 equivalents are offered only for metrics measured in them (and vice versa),
    although pint counts both as mass.
    """
    unit = catalog.get(metric_id).unit
    pool = dict.fromkeys([unit, *sorted({m.unit for m in catalog}), *EXTRA_UNITS])
    return tuple(
        u
        for u in pool
        if is_known_unit(u) and same_dimension(u, unit) and ("CO2" in u) == ("CO2" in unit)
    )


def layouts(ledger: Ledger, catalog: Catalog, period: str) -> list[TemplateLayout]:
    """The templates of a period: per entity, and per department where one is assigned."""
    ledger.period(period)  # NotFound for an unknown period
    found = []
    for entity in ledger.entities():
        by_department: dict[str | None, list[str]] = defaultdict(list)
        for metric, department in owed(ledger, catalog, entity.code, period).items():
            by_department[department].append(metric)
        for department, metrics in by_department.items():
            found.append(layout_for(catalog, entity.code, period, department, metrics))
    return found


def layout_for(
    catalog: Catalog, entity: str, period: str, department: str | None, metrics: list[str]
) -> TemplateLayout:
    """Place the metrics on topic sheets, one row each."""
    next_row: dict[str, int] = defaultdict(lambda: FIRST_ROW)
    rows = []
    for metric_id in metrics:
        sheet = sheet_title(catalog.get(metric_id).topic)
        rows.append(
            TemplateRow(
                sheet=sheet,
                row=next_row[sheet],
                metric=metric_id,
                units=unit_choices(catalog, metric_id),
            )
        )
        next_row[sheet] += 1
    order = list(dict.fromkeys(r.sheet for r in rows))
    rows.sort(key=lambda r: (order.index(r.sheet), r.row))
    return TemplateLayout(
        entity=entity,
        period=period,
        department=department,
        version=TEMPLATE_VERSION,
        rows=tuple(rows),
    )


def write_templates(
    ledger: Ledger, catalog: Catalog, period: str, out: Path, *, actor: str
) -> list[Path]:
    """Write every template of a period into ``out`` and record them as issued."""
    out.mkdir(parents=True, exist_ok=True)
    prior = ledger.prior_period(period)
    last: dict[tuple[str, str], Datapoint] = {}
    if prior is not None:
        last = {(d.entity, d.metric): d for d in ledger.datapoints(period=prior.code)}
    names = {e.code: e.name for e in ledger.entities()}
    written = []
    for layout in layouts(ledger, catalog, period):
        path = out / file_name(layout)
        previous = {r.metric: last.get((layout.entity, r.metric)) for r in layout.rows}
        write_workbook(path, layout, catalog, names[layout.entity], prior, previous)
        record_issue(ledger, layout, actor)
        written.append(path)
    return written


def record_issue(ledger: Ledger, layout: TemplateLayout, actor: str) -> None:
    """Remember an issued template so that its import can be recognised."""
    row = {
        "entity": layout.entity,
        "period": layout.period,
        "department": layout.department,
        "version": layout.version,
        "layout_checksum": layout.checksum,
        "layout": layout.as_json(),
        "actor": actor,
        "created": utcnow(),
    }
    with ledger.transaction() as conn:
        conn.execute(sa.insert(tc.template_issue).values(**row))
        audit.append_event(
            conn,
            audit.NewEvent(
                name="template.issued",
                actor=actor,
                entity=layout.entity,
                period=layout.period,
                new={"department": layout.department, "checksum": layout.checksum},
            ),
        )


def issued_checksums(ledger: Ledger, entity: str, period: str) -> set[str]:
    """Checksums of the templates issued to ``entity`` for ``period``."""
    t = tc.template_issue.c
    with ledger.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.layout_checksum).where(t.entity == entity, t.period == period)
        ).all()
    return {r.layout_checksum for r in rows}
