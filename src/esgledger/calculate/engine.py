"""The calculation: every figure of one period, for every entity, with its lineage.

For each entity (children before parents) and each metric (catalog order, inputs first):

1. a value **reported** at the entity is the entity's figure (a total: if children report the
   metric too, they are its breakdown, and ``check`` verifies they add up);
2. otherwise an **additive** metric (``sum``, ``period_end``) is **consolidated**: the sum of
   the children's figures, weighted by the consolidation approach - unless the entity itself
   reports some input of the metric's formula, in which case the formula is evaluated at the
   entity over its consolidated inputs;
3. otherwise a **derived** metric is evaluated by its **formula** over the entity's figures
   (ratios and intensities are always recomputed this way, never summed).

Reported values of derived metrics are also recomputed, so that checks can compare the two.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from esgledger.calculate.lineage import FactorUse, Lineage
from esgledger.core.catalog import Catalog, Metric
from esgledger.core.factors import FactorLibrary
from esgledger.core.model import (
    ConsolidationApproach,
    Datapoint,
    Entity,
    Kind,
    Period,
)
from esgledger.core.problems import Problem
from esgledger.core.units import convert
from esgledger.errors import FactorError, UnitError


@dataclass(frozen=True, kw_only=True)
class CalculationSettings:
    """Choices that change computed figures.

    Attributes:
        gwp_set: GWP set used for CO2e (``ipcc-ar4``, ``ipcc-ar5``, ``ipcc-ar6``).
        consolidation: GHG Protocol consolidation approach for the entity tree.
    """

    gwp_set: str = "ipcc-ar5"
    consolidation: ConsolidationApproach = ConsolidationApproach.OPERATIONAL_CONTROL

    def as_json(self) -> dict[str, str]:
        """A JSON-ready dict."""
        return {"gwp_set": self.gwp_set, "consolidation": str(self.consolidation)}


class Figure(NamedTuple):
    """One figure of the calculation: value in the metric's catalog unit, and its lineage."""

    entity: str
    period: str
    metric: str
    value: Decimal
    unit: str
    kind: Kind
    lineage: Lineage


@dataclass
class Results:
    """All figures of one period.

    Attributes:
        period: the period code.
        root: code of the top entity (the group).
        figures: (entity, metric) -> the figure used for reporting (reported if present).
        recomputed: (entity, metric) -> computed figure of a derived metric that was also
            reported (for reconciliation).
        problems: unit errors and missing factors met while calculating.
    """

    period: str
    root: str
    figures: dict[tuple[str, str], Figure] = field(default_factory=dict)
    recomputed: dict[tuple[str, str], Figure] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def get(self, metric: str, entity: str | None = None) -> Figure | None:
        """The figure of ``metric`` at ``entity`` (default: the group), or None."""
        return self.figures.get((entity or self.root, metric))

    def value(self, metric: str, entity: str | None = None) -> Decimal | None:
        """Just the value of :meth:`get`."""
        figure = self.get(metric, entity)
        return None if figure is None else figure.value

    def computed(self, metric: str, entity: str | None = None) -> Figure | None:
        """The esgledger-computed figure, even where a reported value exists."""
        key = (entity or self.root, metric)
        figure = self.figures.get(key)
        if figure is not None and figure.kind is Kind.COMPUTED:
            return figure
        return self.recomputed.get(key)

    def all_computed(self) -> list[Figure]:
        """Every computed figure (including recomputations of reported ones)."""
        return [f for f in self.figures.values() if f.kind is Kind.COMPUTED] + list(
            self.recomputed.values()
        )


class _Tree:
    def __init__(self, entities: Sequence[Entity]) -> None:
        self.by_code = {e.code: e for e in entities}
        self.children: dict[str, list[str]] = {e.code: [] for e in entities}
        roots = []
        for e in entities:
            if e.parent is None:
                roots.append(e.code)
            else:
                self.children[e.parent].append(e.code)
        if len(roots) != 1:
            raise ValueError(f"the entity tree needs exactly one root, found {roots or 'none'}")
        self.root = roots[0]

    def postorder(self) -> list[str]:
        order: list[str] = []
        stack = [(self.root, False)]
        while stack:
            code, done = stack.pop()
            if done:
                order.append(code)
                continue
            stack.append((code, True))
            stack.extend((child, False) for child in reversed(self.children[code]))
        return order

    def regions(self, code: str) -> list[str]:
        entity = self.by_code[code]
        return list(dict.fromkeys(r for r in (entity.grid_region, entity.country) if r))


def _share(entity: Entity, approach: ConsolidationApproach) -> Decimal:
    if approach is ConsolidationApproach.EQUITY_SHARE:
        return entity.ownership
    return Decimal(1) if entity.controlled else Decimal(0)


class _Calculation:
    def __init__(
        self,
        catalog: Catalog,
        library: FactorLibrary,
        tree: _Tree,
        period: Period,
        settings: CalculationSettings,
    ) -> None:
        self.catalog = catalog
        self.library = library
        self.tree = tree
        self.period = period
        self.settings = settings
        self.results = Results(period=period.code, root=tree.root)
        self.reported: dict[tuple[str, str], Datapoint] = {}
        self.own_metrics: dict[str, set[str]] = {}
        self.transitive = _transitive_inputs(catalog)
        self.factor_cache: dict[tuple[str, str], FactorUse] = {}
        self.shares = {code: _share(e, settings.consolidation) for code, e in tree.by_code.items()}

    def load(self, datapoints: Iterable[Datapoint]) -> None:
        for dp in datapoints:
            if dp.period != self.period.code or dp.kind is not Kind.REPORTED:
                continue
            if dp.entity not in self.tree.by_code:
                self.problem(dp, f"entity {dp.entity!r} is not in the entity tree")
                continue
            if dp.metric not in self.catalog:
                self.problem(dp, f"metric {dp.metric!r} is not in the catalog")
                continue
            self.reported[(dp.entity, dp.metric)] = dp
            self.own_metrics.setdefault(dp.entity, set()).add(dp.metric)

    def problem(self, dp: Datapoint, message: str) -> None:
        self.results.problems.append(
            Problem(
                location=f"{dp.entity}/{dp.period}/{dp.metric}",
                message=message,
                check="calculate",
                record={"value": str(dp.quantity)},
            )
        )

    def run(self) -> Results:
        for entity in self.tree.postorder():
            for metric_id in self.catalog.order:
                self.resolve(entity, self.catalog.get(metric_id))
        return self.results

    def resolve(self, entity: str, metric: Metric) -> None:
        key = (entity, metric.id)
        dp = self.reported.get(key)
        if dp is not None:
            figure = self.reported_figure(dp, metric)
            if figure is not None:
                self.results.figures[key] = figure
                if metric.derived:
                    recomputed = self.evaluate(entity, metric)
                    if recomputed is not None:
                        self.results.recomputed[key] = recomputed
                return
        figure = None
        own = self.own_metrics.get(entity, set())
        if metric.aggregation.additive and not (self.transitive[metric.id] & own):
            figure = self.consolidate(entity, metric)
        if figure is None and metric.derived:
            figure = self.evaluate(entity, metric)
        if figure is not None:
            self.results.figures[key] = figure

    def reported_figure(self, dp: Datapoint, metric: Metric) -> Figure | None:
        try:
            value = convert(dp.quantity.value, dp.quantity.unit, metric.unit)
        except UnitError as exc:
            self.problem(dp, f"unit error: {exc}")
            return None
        return Figure(
            dp.entity,
            dp.period,
            metric.id,
            value,
            metric.unit,
            Kind.REPORTED,
            Lineage("reported", datapoint=dp),
        )

    def consolidate(self, entity: str, metric: Metric) -> Figure | None:
        parts = []
        shares = []
        total = Decimal(0)
        figures = self.results.figures
        for child in self.tree.children[entity]:
            figure = figures.get((child, metric.id))
            if figure is None:
                continue
            share = self.shares[child]
            total += figure.value * share
            parts.append(figure)
            shares.append(share)
        if not parts:
            return None
        return Figure(
            entity,
            self.period.code,
            metric.id,
            total,
            metric.unit,
            Kind.COMPUTED,
            Lineage("consolidation", inputs=tuple(parts), shares=tuple(shares)),
        )

    def factor_use(self, key: str, entity: str) -> FactorUse:
        """The factor ``key`` for an entity in this period (looked up once per entity)."""
        cached = self.factor_cache.get((key, entity))
        if cached is None:
            choice = self.library.lookup(key, self.period.year, self.tree.regions(entity))
            f = choice.factor
            cached = FactorUse(
                key=key,
                set_id=f.set_id,
                value=choice.value,
                unit=choice.unit,
                region=f.region,
                level=choice.level,
                citation=str(f.citation),
                note=f.note,
            )
            self.factor_cache[(key, entity)] = cached
        return cached

    def evaluate(self, entity: str, metric: Metric) -> Figure | None:
        formula = self.catalog.formula(metric.id)
        assert formula is not None
        context = _Context(self, entity)
        try:
            value = formula.evaluate(context)
        except FactorError as exc:
            self.results.problems.append(
                Problem(
                    location=f"{entity}/{self.period.code}/{metric.id}",
                    check="calculate",
                    message=f"not computed: {exc}",
                )
            )
            return None
        if value is None:
            return None
        lineage = Lineage(
            method="formula",
            formula=formula.text,
            inputs=tuple(context.inputs),
            factors=tuple(context.factors),
            missing=tuple(context.missing),
            gwp_set=self.settings.gwp_set if context.used_gwp else None,
        )
        return Figure(
            entity=entity,
            period=self.period.code,
            metric=metric.id,
            value=value,
            unit=metric.unit,
            kind=Kind.COMPUTED,
            lineage=lineage,
        )


class _Context:
    """Evaluation context of one formula at one entity; records what it reads."""

    def __init__(self, calculation: _Calculation, entity: str) -> None:
        self.calculation = calculation
        self.entity = entity
        self.inputs: list[Figure] = []
        self.factors: list[FactorUse] = []
        self.missing: list[str] = []
        self.used_gwp = False

    def value(self, metric: str) -> Decimal | None:
        figure = self.calculation.results.figures.get((self.entity, metric))
        if figure is None:
            self.missing.append(metric)
            return None
        self.inputs.append(figure)
        return figure.value

    def factor(self, key: str) -> Decimal:
        use = self.calculation.factor_use(key, self.entity)
        self.factors.append(use)
        return use.value

    def gwp(self, gas: str) -> Decimal:
        self.used_gwp = True
        return self.calculation.library.gwp(self.calculation.settings.gwp_set, gas)


def _transitive_inputs(catalog: Catalog) -> dict[str, frozenset[str]]:
    closure: dict[str, frozenset[str]] = {}
    for metric_id in catalog.order:  # inputs come before the metrics that read them
        formula = catalog.formula(metric_id)
        direct = formula.inputs if formula else ()
        members: set[str] = {metric_id}
        for dependency in direct:
            members |= closure[dependency]
        closure[metric_id] = frozenset(members)
    return closure


def calculate(
    catalog: Catalog,
    library: FactorLibrary,
    entities: Sequence[Entity],
    datapoints: Iterable[Datapoint],
    period: Period,
    settings: CalculationSettings | None = None,
) -> Results:
    """Compute every figure of ``period`` for every entity of the tree."""
    calculation = _Calculation(
        catalog, library, _Tree(entities), period, settings or CalculationSettings()
    )
    calculation.load(datapoints)
    return calculation.run()
