"""A synthetic group for benchmarks: N entities x 200 metrics x 2 periods.

The catalog has 120 input metrics (energy in MWh, masses in t, headcounts), 60 derived metrics
that use a factor (like energy in tce or emissions) and 20 intensities per revenue. Leaf sites
report the inputs; subsidiaries and the group consolidate.
"""

from __future__ import annotations

import random
from decimal import Decimal

from esgledger.core.catalog import Aggregation, Catalog, Metric
from esgledger.core.factors import Citation, Factor, FactorLibrary, FactorSet
from esgledger.core.model import Datapoint, Entity, Kind, Quantity, calendar_year, new_provenance

INPUTS, DERIVED, RATIOS = 120, 60, 20
UNITS = ("MWh", "t", "persons")


def catalog() -> Catalog:
    """The 200-metric synthetic catalog."""
    metrics = [Metric(id="revenue", name="Revenue", unit="RMB million", topic="economic")]
    for i in range(1, INPUTS):
        unit = UNITS[i % len(UNITS)]
        aggregation = Aggregation.PERIOD_END if unit == "persons" else Aggregation.SUM
        metrics.append(
            Metric(
                id=f"input.m{i:03d}",
                name=f"Input {i}",
                unit=unit,
                topic="synthetic",
                aggregation=aggregation,
            )
        )
    energy_inputs = [m.id for m in metrics if m.unit == "MWh"]
    for i in range(DERIVED):
        a, b = energy_inputs[i % len(energy_inputs)], energy_inputs[(i + 7) % len(energy_inputs)]
        metrics.append(
            Metric(
                id=f"derived.d{i:03d}",
                name=f"Derived {i}",
                unit="tCO2e",
                topic="synthetic",
                formula=f"({a} + {b}) * factor('grid.co2')",
            )
        )
    for i in range(RATIOS):
        metrics.append(
            Metric(
                id=f"ratio.r{i:03d}",
                name=f"Intensity {i}",
                unit="tCO2e / RMB million",
                topic="synthetic",
                aggregation=Aggregation.RECOMPUTE,
                formula=f"derived.d{i:03d} / revenue",
            )
        )
    return Catalog(metrics, {"grid.co2": "tCO2/MWh"}.__getitem__)


def library() -> FactorLibrary:
    """One grid factor per region, valid for every year."""
    citation = Citation(document="synthetic", year_published=2020)
    factors = tuple(
        Factor(
            set_id="synthetic",
            key="grid.co2",
            value=Decimal(value),
            unit="tCO2/MWh",
            region=region,
            citation=citation,
        )
        for region, value in (("CN", "0.6101"), ("CN-East", "0.7035"), ("*", "0.5"))
    )
    return FactorLibrary(
        [
            FactorSet(
                id="synthetic",
                title="synthetic",
                kind="emission",
                citation=citation,
                factors=factors,
            )
        ]
    )


def entities(n: int) -> list[Entity]:
    """A group, ~sqrt(n) subsidiaries, and sites under them: n entities in all."""
    subsidiaries = max(1, int(n**0.5) - 1)
    tree = [Entity(code="group", name="Group", kind="group", country="CN")]
    tree += [
        Entity(
            code=f"sub{s}", name=f"Subsidiary {s}", parent="group", kind="subsidiary", country="CN"
        )
        for s in range(subsidiaries)
    ]
    for i in range(n - len(tree)):
        tree.append(
            Entity(
                code=f"site{i}",
                name=f"Site {i}",
                parent=f"sub{i % subsidiaries}",
                country="CN",
                grid_region="CN-East" if i % 2 else None,
            )
        )
    return tree


def datapoints(tree: list[Entity], years: tuple[int, ...], seed: int = 7) -> list[Datapoint]:
    """Every input metric at every leaf site, for each year."""
    rng = random.Random(seed)
    cat = catalog()
    inputs = [m for m in cat if not m.derived]
    provenance = new_provenance("benchmark")
    points = []
    for year in years:
        for entity in tree:
            if not entity.code.startswith("site"):
                continue
            for metric in inputs:
                value = Decimal(rng.randrange(1, 10_000_000)) / 100
                points.append(
                    Datapoint(
                        entity=entity.code,
                        period=str(year),
                        metric=metric.id,
                        quantity=Quantity(value=value, unit=metric.unit),
                        kind=Kind.REPORTED,
                        provenance=provenance,
                    )
                )
    return points


PERIODS = {year: calendar_year(year) for year in (2018, 2019)}
