"""A campaign end to end on SQLite and PostgreSQL: register, batch import, lists, KPIs (issue 7)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rmi_filling import LOOKUP_CSV

from esgledger.calculate.smelters import SmelterStatus
from esgledger.calculate.supply_chain_kpis import campaign_kpis, record_kpis, register_kpis
from esgledger.calculate.supply_chain_state import supply_chain_state
from esgledger.collect.cmrt_import import import_declarations
from esgledger.collect.rmi_lists import read_rmi_list
from esgledger.collect.suppliers import read_register
from esgledger.core.model import Entity, Kind, calendar_year
from esgledger.report.supply_chain import supply_chain
from esgledger.store.ledger import Ledger
from esgledger.store.supply_chain import declarations, replace_rmi_list

REGISTER = """\
Supplier code,Supplier name,Category,Country,Onboarding date,Active,Conflict minerals,\
Environmental screening,Social screening,Integrity agreement,CSR agreement,Last audit
S001,Hangzhou Example Components Co. Ltd,components,CN,2025-02-01,yes,yes,pass,pass,yes,yes,\
2025-05-20
S002,Nordic Cobalt Parts Oy,battery parts,FI,2025-06-01,yes,yes,pass,,yes,no,
S003,Half Done Trading,cables,CN,2018-04-01,yes,yes,,,no,no,
S004,Old Form Ltd,connectors,TW,2020-01-01,yes,yes,,,yes,yes,
S010,Silent Supplier Ltd,metal parts,CN,2020-01-01,yes,yes,,,yes,no,
S011,Packaging Co,packaging,CN,2025-09-09,yes,no,pass,pass,no,no,
"""
CONFORMANT = """\
Metal,Smelter ID,Standard Smelter Name,Country Location,Assessment Status
Gold,CID002763,8853 S.p.A.,ITALY,Conformant
Gold,CID002920,ABC Refinery Pty Ltd.,AUSTRALIA,Active
Tin,CID003387,"Luna Smelter, Ltd.",RWANDA,Conformant
"""


@pytest.fixture
def campaign_ledger(ledger: Ledger, workbooks: dict[str, Path], tmp_path: Path) -> Ledger:
    ledger.add_periods([calendar_year(2025)])
    ledger.add_entities([Entity(code="group", name="Example Group", kind="group", country="CN")])
    (tmp_path / "register.csv").write_text(REGISTER, encoding="utf-8")
    register, problems = read_register(tmp_path / "register.csv")
    assert problems == []
    from esgledger.store.supply_chain import save_suppliers

    assert save_suppliers(ledger, register, file="register.csv", user="t") == (6, 0)
    reference, problems = read_rmi_list(LOOKUP_CSV, conformant=False)
    assert problems == [] and len({s.smelter_id for s in reference}) == 349
    replace_rmi_list(ledger, "reference", reference, source=LOOKUP_CSV.name)
    (tmp_path / "conformant.csv").write_text(CONFORMANT, encoding="utf-8")
    conformant, _ = read_rmi_list(tmp_path / "conformant.csv", conformant=True)
    replace_rmi_list(ledger, "conformant", conformant, source="conformant.csv")
    batch = [workbooks[n] for n in ("good", "emrt", "half", "old", "text", "encrypted")]
    outcomes = import_declarations(ledger, batch, period="2025", user="t", jobs=1)
    statuses = {o.file.name: (o.status, o.supplier) for o in outcomes}
    assert statuses == {
        "S001_good.xlsx": ("complete", "S001"),
        "S002_emrt.xlsx": ("complete", "S002"),
        "S003_half.xlsx": ("incomplete", "S003"),
        "S004_old.xlsx": ("unreadable", "S004"),
        "S007_text.xlsx": ("unreadable", None),
        "S006_encrypted.xlsx": ("unreadable", None),
    }
    return ledger


def test_batch_keeps_every_file_and_skips_repeats(campaign_ledger: Ledger, workbooks) -> None:
    stored = declarations(campaign_ledger, "2025")
    assert len(stored) == 6
    unreadable = next(d for d in stored if d.file == "S004_old.xlsx")
    assert "revision 5.12 is not supported" in unreadable.problems[0]["message"]
    again = import_declarations(campaign_ledger, [workbooks["good"]], period="2025", user="t")
    assert [o.status for o in again] == ["already imported"]
    assert len(declarations(campaign_ledger, "2025")) == 6


def test_combined_list_statuses_and_candidates(campaign_ledger: Ledger) -> None:
    state = supply_chain_state(campaign_ledger, "2025")
    by_name = {(s.metal, s.name): s for s in state.combined}
    assert by_name[("Gold", "8853 S.p.A.")].status is SmelterStatus.CONFORMANT
    assert by_name[("Gold", "ABC Refinery Pty Ltd.")].status is SmelterStatus.ACTIVE
    assert by_name[("Tantalum", "AMG Brasil")].status is SmelterStatus.NOT_CONFORMANT
    luna = by_name[("Tin", "Luna Smelter, Ltd.")]
    assert (luna.status, luna.suppliers) == (SmelterStatus.CONFORMANT, ("S001",))
    unknown = by_name[("Tin", "Small Tin Works")]
    assert unknown.status is SmelterStatus.UNKNOWN and unknown.smelter_id is None
    assert by_name[("Cobalt", "Example Cobalt Refinery")].status is SmelterStatus.UNKNOWN
    assert len(state.combined) == 6  # the 'not yet identified' tungsten row is no smelter
    flags = {(f.kind, f.message) for f in state.red_flags}
    assert (
        "high-risk area",
        "Tin smelter Luna Smelter, Ltd. is in RWANDA (named by S001)",
    ) in flags
    assert (
        "contradiction",
        "Tungsten: all smelters said identified, but a row says 'Smelter not yet identified'",
    ) in flags


def test_campaign_and_kpis_are_recorded(campaign_ledger: Ledger) -> None:
    state = supply_chain_state(campaign_ledger, "2025")
    lines = {line.supplier: line for line in state.campaign.lines}
    assert {k: v.status for k, v in lines.items()} == {
        "S001": "complete",
        "S002": "complete",
        "S003": "incomplete",
        "S004": "unreadable",
        "S010": "not answered",
    }
    assert lines["S010"].follow_up == ("no declaration received",)
    kpis = register_kpis(state.register, campaign_ledger.period("2025"))
    kpis += campaign_kpis(state.campaign, state.combined)
    values = {k.metric: k.value for k in kpis}
    assert values["conflict_minerals.cmrt_response_rate"] == Decimal("80.0")  # 4 of 5
    assert values["conflict_minerals.smelters_identified"] == 4
    assert values["conflict_minerals.conformant_smelter_share"] == Decimal("50.0")  # 2 of 4
    assert values["supply_chain.new_suppliers"] == 3  # S001, S002, S011 onboarded in 2025
    assert values["supply_chain.new_suppliers_screened_social"] == 2
    assert values["supply_chain.integrity_agreement_coverage"] == Decimal("66.7")  # 4 of 6
    assert values["supply_chain.suppliers_audited"] == 1
    result = record_kpis(campaign_ledger, kpis, entity="group", period="2025", user="t")
    assert not isinstance(result, list) and result.added == len(kpis)
    changed = [k for k in kpis if k.metric != "supply_chain.suppliers_audited"]
    changed.append(
        type(kpis[0])(
            metric="supply_chain.suppliers_audited",
            value=Decimal(2),
            unit="count",
            basis="corrected",
        )
    )
    refused = record_kpis(campaign_ledger, changed, entity="group", period="2025", user="t")
    assert isinstance(refused, list) and "give a reason" in refused[0].message
    stored = campaign_ledger.datapoints(
        period="2025", metric="supply_chain.suppliers_audited", kind=Kind.REPORTED
    )
    assert stored[0].quantity.value == 1


def test_report_block_shows_conformance_by_metal(campaign_ledger: Ledger) -> None:
    html = supply_chain(campaign_ledger, "2025")
    assert "4 of the 5 suppliers in scope returned a declaration (80.0 %)" in html
    assert '<tr><td>Gold</td><td class="num">1</td><td class="num">1</td>' in html
    assert "<svg" in html and "is in RWANDA" in html
