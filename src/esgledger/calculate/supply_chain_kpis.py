"""Supply-chain KPIs from the supplier register and the conflict-minerals campaign.

Register KPIs of a period: active suppliers, new suppliers (onboarded in the period), new
suppliers screened on environmental and on social criteria (GRI 308-1, 414-1), integrity and
CSR agreement coverage of active suppliers, suppliers audited in the period. Campaign KPIs:
response rate and the share of identified smelters (those matched to an RMI smelter id) that
are conformant. They enter the ledger as reported figures with their basis as provenance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from esgledger.calculate.smelters import CombinedSmelter, SmelterStatus
from esgledger.calculate.supply_chain import Campaign, percent
from esgledger.core.model import (
    Datapoint,
    Kind,
    Period,
    Quantity,
    Status,
    new_provenance,
)
from esgledger.core.problems import Problem
from esgledger.core.supply_chain import Supplier
from esgledger.store.ledger import Ledger, RecordResult

SOURCE = "supply_chain"


@dataclass(frozen=True, kw_only=True)
class Kpi:
    """A KPI computed from supply-chain data.

    Attributes:
        metric: catalog metric id.
        value: the figure.
        unit: its unit (``count`` or ``%``).
        basis: how it was counted, kept as the datapoint's reference.
    """

    metric: str
    value: Decimal
    unit: str
    basis: str


def register_kpis(register: Sequence[Supplier], period: Period) -> list[Kpi]:
    """KPIs of the supplier register for ``period``."""
    active = [s for s in register if s.active]
    new = [s for s in register if s.onboarded and period.start <= s.onboarded <= period.end]
    audited = [s for s in active if s.last_audit and period.start <= s.last_audit <= period.end]
    kpis = [
        _count("supply_chain.suppliers", len(active), "active suppliers in the register"),
        _count("supply_chain.new_suppliers", len(new), f"onboarded {period.start}..{period.end}"),
        _count("supply_chain.suppliers_audited", len(audited), "active suppliers audited"),
    ]
    for criterion in ("environmental", "social"):
        screened = sum(criterion in s.screening for s in new)
        basis = f"new suppliers screened on {criterion} criteria"
        kpis.append(_count(f"supply_chain.new_suppliers_screened_{criterion}", screened, basis))
    for agreement in ("integrity", "csr"):
        signed = sum(bool(s.agreements.get(agreement)) for s in active)
        share = percent(signed, len(active))
        if share is not None:
            basis = f"{signed} of {len(active)} active suppliers signed"
            kpis.append(
                Kpi(
                    metric=f"supply_chain.{agreement}_agreement_coverage",
                    value=share,
                    unit="%",
                    basis=basis,
                )
            )
    return kpis


def campaign_kpis(campaign: Campaign, combined: Sequence[CombinedSmelter]) -> list[Kpi]:
    """KPIs of the conflict-minerals campaign and the combined smelter list."""
    kpis = []
    if campaign.response_rate is not None:
        basis = (
            f"{campaign.responded} of {campaign.in_scope} suppliers in scope returned a template"
        )
        kpis.append(
            Kpi(
                metric="conflict_minerals.cmrt_response_rate",
                value=campaign.response_rate,
                unit="%",
                basis=basis,
            )
        )
    identified = [s for s in combined if s.status is not SmelterStatus.UNKNOWN]
    conformant = [s for s in identified if s.status is SmelterStatus.CONFORMANT]
    kpis.append(
        _count(
            "conflict_minerals.smelters_identified",
            len(identified),
            "distinct smelters matched to an RMI smelter id",
        )
    )
    kpis.append(
        _count(
            "conflict_minerals.smelters_conformant",
            len(conformant),
            "identified smelters on the RMI conformant list",
        )
    )
    share = percent(len(conformant), len(identified))
    if share is not None:
        basis = f"{len(conformant)} of {len(identified)} identified smelters conformant"
        kpis.append(
            Kpi(
                metric="conflict_minerals.conformant_smelter_share",
                value=share,
                unit="%",
                basis=basis,
            )
        )
    return kpis


def _count(metric: str, value: int, basis: str) -> Kpi:
    return Kpi(metric=metric, value=Decimal(value), unit="count", basis=basis)


def record_kpis(
    ledger: Ledger,
    kpis: Sequence[Kpi],
    *,
    entity: str,
    period: str,
    user: str,
    reason: str | None = None,
) -> RecordResult | list[Problem]:
    """Write the KPIs as reported figures; changed figures need ``reason`` (else problems)."""
    datapoints = [
        Datapoint(
            entity=entity,
            period=period,
            metric=kpi.metric,
            quantity=Quantity(value=kpi.value, unit=kpi.unit),
            provenance=new_provenance(SOURCE, user=user, field=kpi.metric, reference=kpi.basis),
            kind=Kind.REPORTED,
            status=Status.SUBMITTED,
            reason=reason,
        )
        for kpi in kpis
    ]
    changes = ledger.pending_changes(datapoints)
    if changes and not reason:
        return [
            Problem(
                location=f"{entity}/{period}/{new.metric}",
                message=f"already {old.quantity}, now {new.quantity}; give a reason to revise",
                check=SOURCE,
            )
            for old, new in changes
        ]
    with ledger.transaction() as conn:
        return ledger.record(datapoints, conn=conn)
