"""The content index: each disclosure a report indexes, where it is answered or why not.

The disclosures come from the ledger setting ``content_index`` (``{framework, disclosures}``;
a standard's number such as ``202`` stands for all its disclosures). A disclosure is answered
in every section that lists it under ``disclosures:`` or shows a KPI table with a metric that
carries its code in the catalog; otherwise the index prints the text of an omission note for
it, or the default reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from esgledger.core.catalog import Catalog
from esgledger.core.frameworks import Disclosure, Framework
from esgledger.core.model import Note
from esgledger.report.model import IndexRow, Section

DEFAULT_OMISSION = "Omitted — information unavailable: no data in the ledger"


def indexed_codes(setting: Any) -> list[str]:
    """Codes listed by the ``content_index`` setting, in order (lists under any key if the
    setting has no ``disclosures`` list; entries may be codes or ``{code: ...}`` mappings)."""
    if not setting:
        return []
    if isinstance(setting, list):
        entries: list[Any] = setting
    elif "disclosures" in setting:
        entries = _flatten(setting["disclosures"])
    else:
        entries = [
            e for key, value in setting.items() if key != "framework" for e in _flatten(value)
        ]
    return [str(e["code"] if isinstance(e, dict) else e) for e in entries]


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [e for item in value.values() for e in _flatten(item)]
    return list(value) if isinstance(value, list) else []


def answered_in(
    sections: Iterable[Section], catalog: Catalog, framework: str
) -> dict[str, list[tuple[str, str]]]:
    """Disclosure code -> (section title, anchor) of every section that answers it."""
    where: dict[str, list[tuple[str, str]]] = {}
    for section in sections:
        codes = list(section.disclosures)
        for table in section.kpi_tables:
            for row in table.rows:
                codes.extend(catalog.get(row.metric).disclosure_codes(framework))
        for code in dict.fromkeys(codes):
            where.setdefault(code, []).append((section.title, section.id))
    return where


def build_content_index(
    codes: list[str],
    framework: Framework,
    where: dict[str, list],
    omissions: list[Note],
    catalog: Catalog,
) -> tuple[IndexRow, ...]:
    """One row per disclosure, in index order, each disclosure once."""
    disclosures: dict[str, Disclosure] = {}
    for code in codes:
        for disclosure in framework.resolve(code):
            disclosures.setdefault(disclosure.code, disclosure)
    rows = []
    for disclosure in disclosures.values():
        locations = tuple(where.get(disclosure.code, ()))
        omission = (
            None if locations else _omission(disclosure.code, omissions, catalog, framework.id)
        )
        rows.append(
            IndexRow(
                code=disclosure.code,
                title=disclosure.title,
                standard=f"{disclosure.standard_code}: {disclosure.standard_title}",
                locations=locations,
                omission=omission,
            )
        )
    return tuple(rows)


def _omission(code: str, notes: list[Note], catalog: Catalog, framework: str) -> str:
    for note in notes:
        for target in note.metrics:
            if target in (code, f"{framework}:{code}", f"GRI {code}"):
                return note.text
            if target in catalog and code in catalog.get(target).disclosure_codes(framework):
                return note.text
    return DEFAULT_OMISSION
