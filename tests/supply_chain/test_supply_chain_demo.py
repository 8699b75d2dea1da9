"""The demo report's supply-chain block without supplier declarations (issue 7)."""

from __future__ import annotations

from pathlib import Path

from esgledger.collect.demo import build_demo
from esgledger.report.supply_chain import supply_chain
from esgledger.store.ledger import Ledger


def test_demo_block_quotes_the_reported_figures(tmp_path: Path) -> None:
    ledger = Ledger.open(tmp_path / "demo.db")
    build_demo(ledger)
    assert supply_chain(ledger, "2019") == (
        "<p>No supplier declarations (RMI CMRT/EMRT) are loaded in the ledger for 2019, so the "
        "smelter list is not shown; the response rate (100 %) and the share of conformant "
        "smelters (92.3 %) above are the company&#39;s reported figures.</p>"
    )
