"""Printing and writing for ``esgledger cmrt``: import outcomes, smelter lists, the campaign."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from esgledger.cli.output import dumps, plain, print_problems

if TYPE_CHECKING:  # imported when a command runs, not for --help
    from esgledger.calculate.smelters import CombinedSmelter
    from esgledger.calculate.supply_chain_kpis import Kpi
    from esgledger.calculate.supply_chain_state import SupplyChainState
    from esgledger.collect.cmrt_import import FileOutcome

SMELTER_COLUMNS = (
    "metal",
    "smelter_id",
    "name",
    "country",
    "status",
    "suppliers",
    "supplier_count",
    "declared_names",
    "candidates",
    "note",
)


def print_outcomes(outcomes: Sequence[FileOutcome], *, as_json: bool) -> None:
    """One line per file (status, supplier, company), its problems, and a summary."""
    if as_json:
        print(
            dumps(
                [
                    {
                        "file": o.file.name,
                        "status": o.status,
                        "supplier": o.supplier,
                        "company": o.company,
                        "problems": [p.as_dict() for p in o.problems],
                    }
                    for o in outcomes
                ]
            )
        )
        return
    for outcome in outcomes:
        who = outcome.supplier or "(no supplier matched)"
        plain(f"{outcome.file.name}: {outcome.status} - {who} {outcome.company}".rstrip())
        print_problems(outcome.problems)
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    plain(f"{len(outcomes)} files: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))


def smelter_row(smelter: CombinedSmelter) -> dict[str, Any]:
    """A combined smelter as a flat row (for CSV, XLSX and JSON)."""
    return {
        "metal": smelter.metal,
        "smelter_id": smelter.smelter_id or "",
        "name": smelter.name,
        "country": smelter.country,
        "status": str(smelter.status),
        "suppliers": "; ".join(smelter.suppliers),
        "supplier_count": len(smelter.suppliers),
        "declared_names": "; ".join(smelter.declared_names),
        "candidates": "; ".join(
            f"{c.smelter_id} {c.name} ({c.score:.0f})" for c in smelter.candidates
        ),
        "note": smelter.note,
    }


def write_smelters(rows: Sequence[CombinedSmelter], *, out: Path | None, as_json: bool) -> None:
    """The combined list to ``out`` (.csv/.xlsx), as JSON, or as a plain table."""
    flat = [smelter_row(s) for s in rows]
    if out is not None and out.suffix.lower() == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Smelters"
        sheet.append(list(SMELTER_COLUMNS))
        for row in flat:
            sheet.append([row[c] for c in SMELTER_COLUMNS])
        book.save(out)
    elif out is not None:
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=SMELTER_COLUMNS)
            writer.writeheader()
            writer.writerows(flat)
    elif as_json:
        print(dumps(flat))
        return
    else:
        for r in flat:
            extra = f" - candidates: {r['candidates']}" if r["candidates"] else ""
            plain(
                f"{r['metal']}\t{r['smelter_id'] or '-'}\t{r['name']}\t{r['country']}\t"
                f"{r['status']}\t{r['supplier_count']} suppliers{extra}"
            )
    plain(f"{len(flat)} smelters" + (f" written to {out}" if out else ""))


def print_campaign(state: SupplyChainState, kpis: Sequence[Kpi], *, as_json: bool) -> None:
    """The campaign lines, follow-ups, red flags and KPIs."""
    campaign = state.campaign
    if as_json:
        print(
            dumps(
                {
                    "period": state.period,
                    "suppliers": [asdict(line) for line in campaign.lines],
                    "unmatched_files": [d.file for d in campaign.unmatched],
                    "red_flags": [flag._asdict() for flag in state.red_flags],
                    "kpis": [asdict(k) for k in kpis],
                }
            )
        )
        return
    for line in campaign.lines:
        plain(f"{line.supplier}\t{line.name}\t{line.status}\t{line.file or '-'}")
        for reason in line.follow_up:
            plain(f"    follow up: {reason}")
    for declaration in campaign.unmatched:
        plain(
            f"(unmatched)\t{declaration.company or '-'}\t{declaration.status}\t{declaration.file}"
        )
    for flag in state.red_flags:
        plain(f"red flag ({flag.kind}) {flag.where}: {flag.message}")
    rate = "-" if campaign.response_rate is None else f"{campaign.response_rate}%"
    plain(
        f"{campaign.in_scope} suppliers in scope, {campaign.responded} responded "
        f"({rate}), {campaign.complete} complete, {len(state.red_flags)} red flags"
    )
    for kpi in kpis:
        plain(f"{kpi.metric} = {kpi.value} {kpi.unit}  ({kpi.basis})")
