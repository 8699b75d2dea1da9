"""Tables of the materiality commands, as rich tables or JSON."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.table import Table

from esgledger.cli.output import console

if TYPE_CHECKING:  # the calculation is imported when a command runs, not for --help
    from esgledger.calculate.materiality_run import Assessment


def _number(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def assessment_rows(assessment: Assessment, by_group: bool) -> list[dict[str, Any]]:
    """One row per issue (rank order), or per issue and stakeholder group."""
    material = {t.result.issue.number: "; ".join(t.reasons) for t in assessment.topics}
    rows: list[dict[str, Any]] = []
    for r in assessment.issues:
        base = {"rank": r.rank, "issue": r.issue.number, "name": r.issue.name}
        if by_group:
            rows += [
                {
                    **base,
                    "group": g.group,
                    "weight": str(g.weight),
                    "responses": g.count,
                    "mean": _number(g.mean),
                    "std_dev": _number(g.std_dev),
                }
                for g in r.by_group
            ]
            continue
        rows.append(
            {
                **base,
                "stakeholders": _number(r.stakeholder),
                "company": _number(r.company),
                "responses": r.responses,
                "std_dev": _number(r.std_dev),
                "group_spread": _number(r.group_spread),
                "zone": str(r.zone or ""),
                "moved": f"by validation: {r.change.reason}" if r.change else "",
                "material": "yes" if r.issue.number in material else "",
            }
        )
    return rows


def print_table(rows: list[dict[str, Any]], as_json: bool, title: str) -> None:
    """Rows as a table with a title, or as a JSON array."""
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False, default=str))
        return
    if not rows:
        console.print(f"{title}: nothing recorded", markup=False)
        return
    table = Table(title=title, header_style="bold")
    for column in rows[0]:
        table.add_column(column.replace("_", " "))
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    console.print(table)
