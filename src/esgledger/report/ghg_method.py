"""The GHG method box: scope 1 and 2 as reported by the company beside esgledger's figures.

esgledger recomputes each scope from activity data with cited factors. The box lists, per
period, the company's figure, esgledger's and the variance, then every factor the computation
used (collected through the lineage, down to the entities) and the GWP set.
"""

from __future__ import annotations

from decimal import Decimal

from esgledger.calculate.engine import Figure, Results
from esgledger.calculate.lineage import FactorUse
from esgledger.core.model import Kind
from esgledger.report.figures import FigureBook
from esgledger.report.formatting import (
    MISSING,
    format_quantity,
    format_yoy,
    latin_text,
    yoy_percent,
)
from esgledger.report.model import FactorCitation, GhgComparison, GhgMethod

DEFAULT_METRICS = ("ghg.scope1", "ghg.scope2_location", "ghg.total")


def build_ghg_method(
    book: FigureBook, metrics: tuple[str, ...], consolidation: str, statements: tuple[str, ...]
) -> GhgMethod:
    """The comparison for the report period and its prior, with factors and GWP set."""
    periods = [p for p in (book.prior, book.period) if p]
    comparisons = []
    factors: dict[tuple, FactorUse] = {}
    gwp_sets: set[str] = set()
    for metric_id in metrics:
        if metric_id not in book.catalog:
            continue
        for period in periods:
            results = book.results(period)
            if results is None:
                continue
            comparisons.append(_comparison(book, metric_id, period, results))
            computed = results.computed(metric_id)
            if computed is not None:
                used, gwp = _factors_of(results, computed)
                for factor in used:
                    factors.setdefault(
                        (factor.key, factor.set_id, factor.region, factor.value), factor
                    )
                gwp_sets |= gwp
    return GhgMethod(
        comparisons=tuple(comparisons),
        factors=tuple(_citation(f) for f in sorted(factors.values(), key=_factor_order)),
        gwp_set=", ".join(sorted(gwp_sets)) or None,
        consolidation=consolidation,
        statements=statements,
    )


def _comparison(book: FigureBook, metric_id: str, period: str, results: Results) -> GhgComparison:
    metric = book.metric(metric_id)
    figure = results.get(metric_id)
    reported = figure.value if figure is not None and figure.kind is Kind.REPORTED else None
    computed_figure = results.computed(metric_id)
    computed = computed_figure.value if computed_figure is not None else None
    variance = yoy_percent(computed, reported)
    return GhgComparison(
        metric=metric_id,
        name=metric.name,
        period=period,
        reported=format_quantity(reported, metric),
        computed=format_quantity(computed, metric),
        variance=format_yoy(variance) if variance is not None else MISSING,
        variance_percent=variance,
    )


def _factors_of(results: Results, figure: Figure) -> tuple[list[FactorUse], set[str]]:
    """Factors and GWP sets used anywhere in the computation of ``figure``."""
    factors: list[FactorUse] = []
    gwp: set[str] = set()
    seen: set[tuple[str, str]] = set()
    stack = [figure]
    while stack:
        current = stack.pop()
        key = (current.entity, current.metric)
        if key in seen:
            continue
        seen.add(key)
        factors.extend(current.lineage.factors)
        if current.lineage.gwp_set:
            gwp.add(current.lineage.gwp_set)
        for ref in current.lineage.inputs:
            if ref.kind == str(Kind.COMPUTED):
                child = results.computed(ref.metric, ref.entity)
                if child is not None:
                    stack.append(child)
    return factors, gwp


def _factor_order(factor: FactorUse) -> tuple[str, str, str]:
    return (factor.key, factor.region, factor.set_id)


def _citation(factor: FactorUse) -> FactorCitation:
    value = factor.value.normalize() if factor.value == factor.value.to_integral() else factor.value
    return FactorCitation(
        key=factor.key,
        value=f"{Decimal(value):f}",
        unit=factor.unit,
        region=factor.region,
        set_id=factor.set_id,
        citation=latin_text(factor.citation),
    )
