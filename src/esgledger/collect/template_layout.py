"""The layout of a data-collection template: which metric sits in which cell, and its checksum.

A template workbook has one data sheet per topic (``Energy``, ``Waste``...). Rows 1-3 name the
entity, period and department; row :data:`HEADER_ROW` holds the column headings; from row
:data:`FIRST_ROW` each row is one metric: id (A), name (B), value (C, the input cell), unit
(D, a drop-down), last period's value and unit (E, F) and a comment (G). The layout is stored,
as JSON with a SHA-256 checksum, on the very hidden ``_esgledger`` sheet and in the ledger
(``template_issue``), so an import knows exactly which cell means what.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from typing import Any

TEMPLATE_VERSION = 2  # version 1 (no layout checksum) is no longer accepted
META_SHEET = "_esgledger"
LISTS_SHEET = "_units"
INSTRUCTIONS_SHEET = "Instructions"
HEADER_ROW = 5
FIRST_ROW = 6
HEADERS = ("Metric id", "Metric", "Value", "Unit", "Last period", "Last period unit", "Comment")
COL_ID, COL_NAME, COL_VALUE, COL_UNIT, COL_PRIOR, COL_PRIOR_UNIT, COL_COMMENT = "ABCDEFG"
IDENTITY_CELLS = {"entity": "B1", "period": "B2", "department": "B3"}


@dataclass(frozen=True, kw_only=True)
class TemplateRow:
    """One metric of a template.

    Attributes:
        sheet: data sheet title.
        row: worksheet row (1-based).
        metric: metric id.
        units: the units the drop-down offers, the metric's catalog unit first.
    """

    sheet: str
    row: int
    metric: str
    units: tuple[str, ...]

    def cell(self, column: str) -> str:
        """A cell reference of this row, e.g. ``C7``."""
        return f"{column}{self.row}"


@dataclass(frozen=True, kw_only=True)
class TemplateLayout:
    """What a template asks for.

    Attributes:
        entity: entity code.
        period: period code.
        department: department the metrics are assigned to, or None.
        version: template format version (:data:`TEMPLATE_VERSION`).
        rows: the metrics, sheet by sheet.
    """

    entity: str
    period: str
    department: str | None
    version: int
    rows: tuple[TemplateRow, ...]

    def as_json(self) -> str:
        """Canonical JSON of the layout (what the checksum covers)."""
        data = asdict(self)
        data["rows"] = [{**r, "units": list(r["units"])} for r in data["rows"]]
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @property
    def checksum(self) -> str:
        """SHA-256 of :meth:`as_json`."""
        return hashlib.sha256(self.as_json().encode("utf-8")).hexdigest()

    @property
    def sheets(self) -> tuple[str, ...]:
        """Data sheet titles in order."""
        return tuple(dict.fromkeys(r.sheet for r in self.rows))

    @classmethod
    def from_json(cls, text: str) -> TemplateLayout:
        """The layout stored by :meth:`as_json` (raises ValueError/KeyError/TypeError)."""
        data: dict[str, Any] = json.loads(text)
        rows = tuple(
            TemplateRow(
                sheet=str(r["sheet"]),
                row=int(r["row"]),
                metric=str(r["metric"]),
                units=tuple(map(str, r["units"])),
            )
            for r in data["rows"]
        )
        return cls(
            entity=str(data["entity"]),
            period=str(data["period"]),
            department=data["department"],
            version=int(data["version"]),
            rows=rows,
        )


def sheet_title(topic: str) -> str:
    """A worksheet title for a topic: ``health_safety`` -> ``Health Safety`` (31 chars max)."""
    title = re.sub(r"[\[\]:*?/\\]", " ", topic.replace("_", " ")).strip().title()
    return title[:31] or "Data"


def file_name(layout: TemplateLayout) -> str:
    """``lanzhou-2020.xlsx`` or ``lanzhou-2020-hr.xlsx`` for a department."""
    parts = [layout.entity, layout.period]
    if layout.department:
        parts.append(re.sub(r"[^A-Za-z0-9]+", "-", layout.department).strip("-").lower())
    return "-".join(parts) + ".xlsx"
