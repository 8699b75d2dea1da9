"""Setting up a ledger from a YAML file: organization, entity tree, periods."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from esgledger.collect.yamlfile import LINE, load_with_lines, strip_lines
from esgledger.core.model import (
    ConsolidationApproach,
    Entity,
    Organization,
    Period,
    calendar_year,
)
from esgledger.core.problems import Problem
from esgledger.errors import ImportFailed
from esgledger.store.ledger import Ledger


def organization_from(data: dict[str, Any]) -> Organization:
    """An organization from its YAML mapping."""
    data = strip_lines(data)
    return Organization(
        name=str(data["name"]),
        short_name=str(data.get("short_name", data["name"])),
        currency=str(data.get("currency", "RMB")),
        consolidation=ConsolidationApproach(data.get("consolidation", "operational_control")),
        details={str(k): str(v) for k, v in (data.get("details") or {}).items()},
    )


def entities_from(entries: list[dict[str, Any]], file: str) -> list[Entity]:
    """Entities from YAML mappings; parents must be listed before their children."""
    entities: list[Entity] = []
    seen: set[str] = set()
    problems: list[Problem] = []
    for entry in entries:
        where = f"{file}:{entry.get(LINE, 0)}"
        code, parent = entry.get("code"), entry.get("parent")
        if not code or not entry.get("name"):
            problems.append(Problem(location=where, message="an entity needs code and name"))
            continue
        if code in seen:
            problems.append(Problem(location=where, message=f"entity {code!r} is listed twice"))
        if parent is not None and parent not in seen:
            problems.append(
                Problem(location=where, message=f"parent {parent!r} must be listed before {code!r}")
            )
        seen.add(code)
        entities.append(
            Entity(
                code=str(code),
                name=str(entry["name"]),
                parent=parent,
                kind=str(entry.get("kind", "site")),
                country=entry.get("country"),
                grid_region=entry.get("grid_region"),
                ownership=Decimal(str(entry.get("ownership", 1))),
                controlled=bool(entry.get("controlled", True)),
            )
        )
    roots = [e.code for e in entities if e.parent is None]
    if entities and len(roots) != 1:
        problems.append(
            Problem(location=file, message=f"the entity tree needs one root; found {roots}")
        )
    if problems:
        raise ImportFailed(problems)
    return entities


def period_from(code: Any, file: str) -> Period:
    """A calendar-year period from its code (``2019``)."""
    text = str(code)
    if len(text) == 4 and text.isdigit():
        return calendar_year(int(text))
    raise ImportFailed([Problem(location=file, message=f"period {text!r} is not a year")])


def apply_setup(ledger: Ledger, path: Path) -> None:
    """Add the organization, entities and periods of a setup file, in one transaction."""
    document = load_with_lines(path) or {}
    entities = entities_from(document.get("entities") or [], path.name)
    periods = [period_from(p, path.name) for p in document.get("periods") or []]
    with ledger.transaction() as conn:
        if "organization" in document:
            ledger.set_organization(organization_from(document["organization"]), conn)
        ledger.add_entities(entities, conn)
        ledger.add_periods(periods, conn)
