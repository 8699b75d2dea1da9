"""Running calculations against a ledger: load inputs, calculate, store computed figures."""

from __future__ import annotations

from dataclasses import dataclass

from esgledger.calculate.engine import CalculationSettings, Results, calculate
from esgledger.core.catalog import Catalog, default_catalog
from esgledger.core.factors import FactorLibrary, default_library
from esgledger.core.model import ConsolidationApproach, Kind
from esgledger.store.ledger import Ledger


def settings_for(ledger: Ledger) -> CalculationSettings:
    """The ledger's calculation settings (GWP set, consolidation approach)."""
    org = ledger.organization()
    approach = org.consolidation if org else ConsolidationApproach.OPERATIONAL_CONTROL
    return CalculationSettings(
        gwp_set=ledger.setting("gwp_set", "ipcc-ar5"), consolidation=approach
    )


def calculate_period(
    ledger: Ledger,
    period: str,
    *,
    catalog: Catalog | None = None,
    library: FactorLibrary | None = None,
    settings: CalculationSettings | None = None,
) -> Results:
    """Calculate every figure of ``period`` from the ledger's current reported values."""
    return calculate(
        catalog or default_catalog(),
        library or default_library(),
        ledger.entities(),
        ledger.datapoints(period=period, kind=Kind.REPORTED),
        ledger.period(period),
        settings or settings_for(ledger),
    )


@dataclass(frozen=True)
class PeriodPair:
    """The figures of a reporting period and of the period before it (if any)."""

    current: Results
    prior: Results | None


def calculate_with_prior(ledger: Ledger, period: str) -> PeriodPair:
    """Figures for ``period`` and its prior period, for year-on-year comparisons."""
    prior = ledger.prior_period(period)
    return PeriodPair(
        current=calculate_period(ledger, period),
        prior=calculate_period(ledger, prior.code) if prior else None,
    )


def store_results(
    ledger: Ledger, results: Results, settings: CalculationSettings, user: str = "system"
) -> int:
    """Save the computed figures of a run (with lineage) into the ledger; returns the run id."""
    rows = [
        {
            "entity": f.entity,
            "metric": f.metric,
            "value": str(f.value),
            "unit": f.unit,
            "lineage": f.lineage.as_json(),
        }
        for f in results.all_computed()
    ]
    return ledger.save_computed(
        results.period,
        rows,
        input_revision=ledger.last_revision_id(),
        settings=settings.as_json(),
        user=user,
    )
