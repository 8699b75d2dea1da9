"""The embedded demo: Hikvision's 2019 ESG report, rebuilt as a ledger.

``esgledger/data/demo/hikvision-2019.yaml`` holds the public facts of the report in
esgledger's own format (see its header for the source). :func:`build_demo` loads it into an
empty ledger through the same validation as any import; nothing outside the package is read.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from esgledger.collect.datapoints import Known, parse_notes, parse_yaml_datapoints
from esgledger.collect.setup import entities_from, organization_from, period_from
from esgledger.collect.yamlfile import load_with_lines, strip_lines
from esgledger.core.catalog import Catalog, default_catalog
from esgledger.core.model import Status
from esgledger.errors import ImportFailed, StoreError
from esgledger.store.ledger import Ledger, MaterialIssue, StakeholderGroup

DEMO_FILE = "hikvision-2019.yaml"
REPORT_FILE = "hikvision-2019-report.yaml"  # report layout and narratives of the demo


def demo_path() -> Path:
    """The demo dataset shipped in the package."""
    return Path(str(resources.files("esgledger") / "data" / "demo" / DEMO_FILE))


def load_demo_document(path: Path | None = None) -> dict[str, Any]:
    """The demo YAML document, with ``__line__`` markers on mappings."""
    document = load_with_lines(path or demo_path())
    if not isinstance(document, dict):
        raise ImportFailed([f"{DEMO_FILE}: not a mapping"])
    return document


def build_demo(ledger: Ledger, catalog: Catalog | None = None, user: str = "demo") -> int:
    """Load the demo into an empty ledger; returns the number of datapoints recorded."""
    if ledger.entities():
        raise StoreError("the demo needs an empty ledger; this one already holds entities")
    catalog = catalog or default_catalog()
    document = load_demo_document()
    entities = entities_from(document["entities"], DEMO_FILE)
    periods = [period_from(p, DEMO_FILE) for p in document["periods"]]
    known = Known(catalog, frozenset(e.code for e in entities), frozenset(p.code for p in periods))
    parsed = parse_yaml_datapoints(
        document["datapoints"], DEMO_FILE, known, user, source="demo", status=Status.APPROVED
    )
    notes = parse_notes(document.get("notes") or [], DEMO_FILE, known)
    problems = parsed.problems + notes.problems
    if problems:
        raise ImportFailed(problems)
    with ledger.transaction() as conn:
        ledger.set_organization(organization_from(document["organization"]), conn)
        ledger.add_entities(entities, conn)
        ledger.add_periods(periods, conn)
        result = ledger.record(parsed.datapoints, conn=conn)
        ledger.add_notes(notes.notes, user=user, conn=conn)
        ledger.add_stakeholder_groups(_stakeholders(document.get("stakeholders") or []), conn)
        ledger.add_material_issues(_issues(document.get("material_issues") or []), conn)
        for key in ("content_index", "source"):
            if key in document:
                ledger.set_setting(key, _jsonable(strip_lines(document[key])), conn)
        layout = demo_path().with_name(REPORT_FILE)
        if layout.exists():
            ledger.set_setting("report", _jsonable(strip_lines(load_with_lines(layout))), conn)
    from esgledger.collect.materiality_demo import load_demo_materiality  # issue 6

    load_demo_materiality(ledger, demo_path().parent)
    return result.written


def _stakeholders(entries: list[dict[str, Any]]) -> list[StakeholderGroup]:
    return [
        StakeholderGroup(
            name=str(e["group"]),
            issues=tuple(e.get("issues") or ()),
            channels=tuple(e.get("channels") or ()),
            frequency=str(e.get("frequency", "")),
        )
        for e in strip_lines(entries)
    ]


def _issues(entries: list[dict[str, Any]]) -> list[MaterialIssue]:
    return [
        MaterialIssue(
            number=int(e["number"]),
            category=str(e["category"]),
            name=str(e["issue"]),
            gri_topics=tuple(map(str, e.get("gri_topics") or ())),
            esrs=tuple(map(str, e.get("esrs") or ())),
        )
        for e in strip_lines(entries)
    ]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | Decimal):
        return str(value)
    return value
