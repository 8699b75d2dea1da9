"""Calculated figures of several periods, as the report reads them.

A :class:`FigureBook` wraps the ledger's calculations: the report period and its prior come
from :func:`~esgledger.calculate.run.calculate_with_prior`; any other period a narrative names
(``{workforce.total@2017}``) is calculated on first use.
"""

from __future__ import annotations

from decimal import Decimal

from esgledger.calculate.engine import Figure, Results
from esgledger.calculate.run import calculate_period, calculate_with_prior
from esgledger.core.catalog import Catalog, Metric
from esgledger.errors import CatalogError
from esgledger.report.formatting import yoy_percent
from esgledger.store.ledger import Ledger


class FigureBook:
    """Figures of the report period, its prior period and any period asked for."""

    def __init__(self, ledger: Ledger, period: str, catalog: Catalog) -> None:
        self.ledger = ledger
        self.catalog = catalog
        self.period = ledger.period(period).code
        prior = ledger.prior_period(period)
        self.prior = prior.code if prior else None
        pair = calculate_with_prior(ledger, period)
        self._results: dict[str, Results | None] = {self.period: pair.current}
        if self.prior:
            self._results[self.prior] = pair.prior
        self._codes = [p.code for p in ledger.periods()]

    def metric(self, metric_id: str) -> Metric:
        """The catalog metric (UnknownMetricError for an unknown id)."""
        return self.catalog.get(metric_id)

    def results(self, period: str | None = None) -> Results | None:
        """All figures of a period (default: the report period); None if it has none."""
        code = period or self.period
        if code not in self._codes:
            raise CatalogError(f"period {code!r} is not in the ledger")
        if code not in self._results:
            self._results[code] = calculate_period(self.ledger, code)
        return self._results[code]

    def figure(self, metric_id: str, period: str | None = None) -> Figure | None:
        """The group figure of a metric for a period, or None when there is none."""
        results = self.results(period)
        return results.get(metric_id) if results else None

    def value(self, metric_id: str, period: str | None = None) -> Decimal | None:
        """The group value of a metric, in the catalog unit, or None."""
        figure = self.figure(metric_id, period)
        return None if figure is None else figure.value

    def prior_of(self, period: str | None = None) -> str | None:
        """The code of the period before ``period`` (default: the report period)."""
        index = self._codes.index(period or self.period)
        return self._codes[index - 1] if index > 0 else None

    def yoy(self, metric_id: str, period: str | None = None) -> Decimal | None:
        """Change against the period before, in percent (None when not computable)."""
        before = self.prior_of(period)
        if before is None:
            return None
        return yoy_percent(self.value(metric_id, period), self.value(metric_id, before))
