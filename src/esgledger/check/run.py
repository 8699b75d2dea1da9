"""Running the checks of a period against a ledger."""

from __future__ import annotations

from decimal import Decimal

from esgledger.calculate.run import calculate_with_prior
from esgledger.check.checks import CheckContext, run_checks
from esgledger.core.catalog import default_catalog
from esgledger.core.model import Kind
from esgledger.core.problems import Problem
from esgledger.store.ledger import Ledger


def context_for(ledger: Ledger, period: str, *, threshold: float = 30.0) -> CheckContext:
    """Gather what the checks need for ``period`` (calculating both years)."""
    pair = calculate_with_prior(ledger, period)
    datapoints = tuple(ledger.datapoints(kind=Kind.REPORTED))
    revisions = {dp.key: dp.revision for dp in datapoints}
    index = ledger.setting("content_index") or {}
    return CheckContext(
        catalog=default_catalog(),
        entities=tuple(ledger.entities()),
        period=period,
        current=pair.current,
        prior=pair.prior,
        datapoints=datapoints,
        revised={k: v for k, v in revisions.items() if v > 1},
        notes=tuple(ledger.notes()),
        framework=index.get("framework", "gri-2016"),
        indexed=frozenset(map(str, index.get("disclosures") or ())),
        swing_threshold=Decimal(str(threshold)),
        ledger=ledger,
    )


def check_period(ledger: Ledger, period: str, *, threshold: float = 30.0) -> list[Problem]:
    """Every problem the checks find in ``period``."""
    return run_checks(context_for(ledger, period, threshold=threshold))
