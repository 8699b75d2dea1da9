"""The inventory's metrics: which emissions each one sums, and the roll-up up the entity tree.

The engine returns emissions per entity, scope, category, scope 2 method and gas. Each metric
of ``data/catalog/ghg_inventory.yaml`` is a :class:`MetricSpec` selecting some of them; totals
are then consolidated from the entities to the group (operational or financial control: the
controlled entities; equity share: by ownership), never averaged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from esgledger.core.ghg_activity import CATEGORIES
from esgledger.core.model import ConsolidationApproach, Entity

PREFIX = "ghg.inventory"
GAS_GROUPS = ("co2", "ch4", "n2o", "hfcs", "pfcs", "sf6", "nf3", "not_split")
MASS_GASES = ("co2", "ch4", "n2o")


@dataclass(frozen=True, kw_only=True)
class MetricSpec:
    """Which emissions a metric sums.

    Attributes:
        id: metric id.
        scopes: scopes included.
        category: only this category (None: all).
        method: scope 2 method (``location``/``market``; ``""`` for scopes 1 and 3).
        gas_group: only this gas group (None: all).
        mass: sum tonnes of the gas instead of tCO2e.
    """

    id: str
    scopes: tuple[int, ...]
    category: str | None = None
    method: tuple[str, ...] = ("",)
    gas_group: str | None = None
    mass: bool = False

    def selects(self, scope: int, category: str, method: str, gas: str) -> bool:
        """True when emissions of this kind count towards the metric."""
        return (
            scope in self.scopes
            and method in self.method
            and (self.category is None or category == self.category)
            and (self.gas_group is None or gas_group(gas) == self.gas_group)
        )


def gas_group(gas: str) -> str:
    """The GRI 305 gas group of a gas name (``HFC-134a`` -> ``hfcs``)."""
    name = gas.upper()
    if name in ("CO2", "CH4", "N2O", "SF6", "NF3"):
        return name.lower()
    if name.startswith("HFC"):
        return "hfcs"
    if name.startswith("PFC") or (name.replace("C-", "").startswith("C") and "F" in name):
        return "pfcs"
    return "not_split"  # factors already in CO2e cover several gases


def metric_specs() -> dict[str, MetricSpec]:
    """Every inventory metric, by id."""
    specs = [
        MetricSpec(id=f"{PREFIX}.scope1", scopes=(1,)),
        MetricSpec(id=f"{PREFIX}.scope2_location", scopes=(2,), method=("location",)),
        MetricSpec(id=f"{PREFIX}.scope2_market", scopes=(2,), method=("market",)),
        MetricSpec(id=f"{PREFIX}.scope3", scopes=(3,)),
        MetricSpec(id=f"{PREFIX}.total_location", scopes=(1, 2), method=("", "location")),
        MetricSpec(id=f"{PREFIX}.total_market", scopes=(1, 2), method=("", "market")),
    ]
    for category in ("stationary", "mobile", "fugitive"):
        specs.append(MetricSpec(id=f"{PREFIX}.scope1.{category}", scopes=(1,), category=category))
    for category in ("cat1", "cat4", "cat6", "cat7", "cat9"):
        specs.append(MetricSpec(id=f"{PREFIX}.scope3.{category}", scopes=(3,), category=category))
    for group in GAS_GROUPS:
        specs.append(MetricSpec(id=f"{PREFIX}.scope1.gas.{group}", scopes=(1,), gas_group=group))
    for gas in MASS_GASES:
        specs.append(
            MetricSpec(id=f"{PREFIX}.scope1.mass.{gas}", scopes=(1,), gas_group=gas, mass=True)
        )
    assert all(s.category is None or s.category in CATEGORIES for s in specs)
    return {s.id: s for s in specs}


def entity_figures(emissions: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], float]:
    """Metric values per (entity, metric) from the engine's emission rows."""
    specs = metric_specs().values()
    chosen: dict[tuple[int, str, str, str], list[MetricSpec]] = {}  # specs per kind of row
    values: dict[tuple[str, str], float] = {}
    for row in emissions:
        kind = (int(row["scope"]), row["category"], row["method"], row["gas"])
        if kind not in chosen:
            chosen[kind] = [s for s in specs if s.selects(*kind)]
        for spec in chosen[kind]:
            key = (row["entity"], spec.id)
            values[key] = values.get(key, 0.0) + float(row["t_gas" if spec.mass else "tco2e"])
    return values


def consolidate(
    values: Mapping[tuple[str, str], float],
    entities: list[Entity],
    approach: ConsolidationApproach,
) -> dict[tuple[str, str], float]:
    """Each entity's own values plus its children's, weighted by the consolidation share."""
    children: dict[str | None, list[Entity]] = {}
    for e in entities:
        children.setdefault(e.parent, []).append(e)
    own: dict[str, dict[str, float]] = {}
    for (code, metric), value in values.items():
        own.setdefault(code, {})[metric] = value
    result: dict[tuple[str, str], float] = {}

    def visit(entity: Entity) -> dict[str, float]:
        total = dict(own.get(entity.code, {}))
        for child in children.get(entity.code, []):
            share = float(_share(child, approach))
            for metric, value in visit(child).items():
                total[metric] = total.get(metric, 0.0) + share * value
        for metric, value in total.items():
            result[(entity.code, metric)] = value
        return total

    for root in children.get(None, []):
        visit(root)
    return result


def _share(entity: Entity, approach: ConsolidationApproach) -> Decimal:
    if approach is ConsolidationApproach.EQUITY_SHARE:
        return entity.ownership
    return Decimal(1) if entity.controlled else Decimal(0)
