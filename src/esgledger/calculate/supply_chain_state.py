"""Everything known about a period's supply chain, assembled from the ledger in one call."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from esgledger.calculate.smelters import CombinedSmelter, SmelterBook, combine
from esgledger.calculate.supply_chain import (
    Campaign,
    RedFlag,
    campaign,
    contradictions,
    current_declarations,
    high_risk_smelters,
)
from esgledger.core.supply_chain import StoredDeclaration, Supplier
from esgledger.store.ledger import Ledger
from esgledger.store.supply_chain import declarations, rmi_list, suppliers


@dataclass(frozen=True, kw_only=True)
class SupplyChainState:
    """A period's supply chain.

    Attributes:
        period: period code.
        register: the supplier register.
        declarations: each supplier's current declaration (readable or not).
        campaign: the campaign's state.
        combined: the combined smelter list of the readable current declarations.
        red_flags: high-risk smelters and self-contradicting declarations.
        has_reference: whether an RMI reference list is loaded (else every smelter is unknown
            unless on the conformant list).
    """

    period: str
    register: tuple[Supplier, ...]
    declarations: tuple[StoredDeclaration, ...]
    campaign: Campaign
    combined: tuple[CombinedSmelter, ...]
    red_flags: tuple[RedFlag, ...]
    has_reference: bool


def supply_chain_state(
    ledger: Ledger, period: str, high_risk: Iterable[str] = ()
) -> SupplyChainState:
    """Load and combine the register, declarations and RMI lists of ``period``."""
    register = suppliers(ledger)
    imported = declarations(ledger, period)
    current = current_declarations(imported)
    reference = rmi_list(ledger, "reference")
    book = SmelterBook(reference, rmi_list(ledger, "conformant"))
    readable = [d for d in current if d.status != "unreadable"]
    combined = combine(readable, book)
    flags = high_risk_smelters(combined, high_risk)
    for declaration in readable:
        flags += contradictions(declaration)
    return SupplyChainState(
        period=period,
        register=tuple(register),
        declarations=tuple(current),
        campaign=campaign(register, imported),
        combined=tuple(combined),
        red_flags=tuple(flags),
        has_reference=bool(reference),
    )
