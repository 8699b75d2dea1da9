"""The shipped metric catalog and the embedded demo dataset agree with each other and the facts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from esgledger.core.catalog import Catalog, Metric, catalog_dir, default_catalog, read_metrics
from esgledger.core.units import dimensionality, same_dimension
from esgledger.errors import CatalogError

FACTS = Path(__file__).resolve().parents[2] / "shared" / "demo" / "hikvision-2019-facts.yaml"
DEMO = Path(str(resources.files("esgledger") / "data" / "demo" / "hikvision-2019.yaml"))
FACTORS = Path(str(resources.files("esgledger") / "data" / "factors"))

# Ids other parts of esgledger rely on, with the unit whose dimension they must have.
CONTRACT = {
    "water.withdrawal.total": "t",
    "water.intensity": "t / RMB million",
    "packaging.total": "t",
    "waste.recyclable.total": "t",
    "waste.non_recyclable.total": "t",
    "waste.hazardous.total": "t",
    "workforce.total": "persons",
    "training.hours_per_employee": "h / persons",
}

# Subtrees of the facts file that hold no reportable figures.
NOT_FIGURES = ("gri_2016_disclosures_indexed_in_report", "report_outline", "structure")

# Facts deliberately left out of the demo datapoints, with the reason.
NOT_IN_DATASET = {
    # which eight issues were rated high is not published; the count is no metric of its own
    ("materiality", "high_importance_issue_count_2019"),
}

_STUB_FACTOR_UNITS = {
    "coal_equivalent.gasoline": "kgce/kg",
    "coal_equivalent.diesel": "kgce/kg",
    "coal_equivalent.natural_gas": "kgce/m3",
    "coal_equivalent.electricity": "kgce/kWh",
    "ncv.gasoline": "GJ/t",
    "ncv.diesel": "GJ/t",
    "ncv.natural_gas": "MJ/m3",
    "grid.co2": "tCO2/MWh",
}


def _stub_factor_unit(key: str) -> str:
    if key in _STUB_FACTOR_UNITS:
        return _STUB_FACTOR_UNITS[key]
    if key.startswith("ef."):
        return "kg/TJ"
    raise KeyError(key)


def _shipped_metrics() -> list[Metric]:
    metrics: list[Metric] = []
    for path in sorted(catalog_dir().glob("*.yaml")):
        metrics.extend(read_metrics(path))
    return metrics


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The default catalog; with a stub of factor units while no factor library is shipped."""
    if (FACTORS / "priority.yaml").exists():
        return default_catalog()
    return Catalog(_shipped_metrics(), _stub_factor_unit)


@pytest.fixture(scope="module")
def demo() -> dict[str, Any]:
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))


def test_default_catalog_loads(catalog: Catalog) -> None:
    assert len(catalog) == len(_shipped_metrics()) > 100


@pytest.mark.parametrize(("metric_id", "unit"), sorted(CONTRACT.items()))
def test_contract_ids_exist_with_their_dimension(
    catalog: Catalog, metric_id: str, unit: str
) -> None:
    assert catalog.get(metric_id).dimension == dimensionality(unit)


def test_contract_formulas(catalog: Catalog) -> None:
    assert catalog.get("workforce.total").aggregation == "period_end"
    for ratio in ("water.intensity", "training.hours_per_employee"):
        assert catalog.get(ratio).aggregation == "recompute"
    water = catalog.formula("water.intensity")
    training = catalog.formula("training.hours_per_employee")
    assert water is not None and water.inputs == ("water.withdrawal.total", "revenue")
    assert training is not None
    assert training.inputs == ("training.total_hours", "workforce.total")
    for total in (
        "water.withdrawal.total",
        "packaging.total",
        "waste.recyclable.total",
        "waste.non_recyclable.total",
    ):
        formula = catalog.formula(total)
        assert formula is not None and formula.text.startswith("total("), total
    assert catalog.formula("waste.hazardous.total") is None


def test_percentages_are_not_added_up(catalog: Catalog) -> None:
    for metric in catalog:
        if metric.unit == "%":
            assert metric.aggregation in ("none", "recompute"), metric.id


def test_parts_name_a_total_of_the_same_dimension(catalog: Catalog) -> None:
    parts = [m for m in catalog if m.parts_of]
    assert parts
    for part in parts:
        total = catalog.get(part.parts_of or "")
        assert part.breakdown, part.id
        assert part.dimension == total.dimension, part.id
        assert part.aggregation == total.aggregation, part.id
        assert not total.derived, f"{part.id}: parts_of a derived total adds nothing"
    assert {m.breakdown for m in parts if m.parts_of == "workforce.total"} == {
        "gender",
        "age",
        "level",
    }


def test_formulas_are_ordered_without_cycles(catalog: Catalog) -> None:
    position = {metric_id: i for i, metric_id in enumerate(catalog.order)}
    assert set(position) == {m.id for m in catalog}
    for metric in catalog:
        formula = catalog.formula(metric.id)
        for dependency in formula.inputs if formula else ():
            assert position[dependency] < position[metric.id], (dependency, metric.id)


def test_a_formula_cycle_is_refused() -> None:
    looped = [
        Metric(id="a", name="A", unit="t", topic="x", formula="b"),
        Metric(id="b", name="B", unit="t", topic="x", formula="total(a)"),
    ]
    with pytest.raises(CatalogError, match="cycle"):
        Catalog(looped, _stub_factor_unit)


def test_disclosures_name_known_frameworks(catalog: Catalog) -> None:
    for metric in catalog:
        assert set(metric.disclosures) <= {"gri-2016", "gri-2021"}, metric.id
        for codes in metric.disclosures.values():
            assert codes and len(set(codes)) == len(codes), metric.id


def test_demo_metrics_exist_with_convertible_units(catalog: Catalog, demo: dict[str, Any]) -> None:
    entities = {e["code"] for e in demo["entities"]}
    periods = set(demo["periods"])
    for point in demo["datapoints"]:
        metric = catalog.get(point["metric"])
        assert same_dimension(point["unit"], metric.unit), point
        assert point["entity"] in entities, point
        assert set(point["values"]) <= periods, point
        assert all(isinstance(v, str) for v in point["values"].values()), point
        assert not metric.derived or point["metric"] in ("ghg.scope1", "ghg.scope2_location"), (
            f"{point['metric']} is computed by esgledger; enter its inputs instead"
        )


def test_demo_breakdowns_add_up(catalog: Catalog, demo: dict[str, Any]) -> None:
    values: dict[tuple[str, str, str], Decimal] = {}
    for point in demo["datapoints"]:
        for period, value in point["values"].items():
            values[point["metric"], point["entity"], period] = Decimal(value)
    checked = 0
    for (metric_id, entity, period), total in values.items():
        for parts in catalog.parts(metric_id).values():
            keys = [(p.id, entity, period) for p in parts]
            if all(k in values for k in keys):
                assert sum(values[k] for k in keys) == total, (metric_id, parts)
                checked += 1
    assert checked >= 4


def _numbers(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(node, dict):
        for key, child in node.items():
            if str(key) not in NOT_FIGURES:
                yield from _numbers(child, (*path, str(key)))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _numbers(child, (*path, str(i)))
    elif isinstance(node, int | float) and not isinstance(node, bool):
        yield path, node


@pytest.mark.skipif(not FACTS.exists() and not os.environ.get("CI"), reason=f"{FACTS} not present")
def test_every_fact_is_in_the_demo(demo: dict[str, Any]) -> None:
    facts = yaml.safe_load(FACTS.read_text(encoding="utf-8"))
    entered = {Decimal(v) for p in demo["datapoints"] for v in p["values"].values()}
    missing = [
        f"{'.'.join(path)} = {number}"
        for path, number in _numbers(facts)
        if path not in NOT_IN_DATASET and Decimal(str(number)) not in entered
    ]
    assert not missing, "facts not in the demo dataset:\n" + "\n".join(missing)
    allowed = {path for path, _ in _numbers(facts)}
    assert allowed >= NOT_IN_DATASET, "stale entries in NOT_IN_DATASET"
