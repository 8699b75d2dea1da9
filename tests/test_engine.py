"""The calculation engine on the tiny catalog: formulas, consolidation, factors, problems."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from esgledger.calculate.engine import CalculationSettings, Results, calculate
from esgledger.calculate.lineage import Lineage
from esgledger.core.catalog import Catalog
from esgledger.core.factors import FactorLibrary
from esgledger.core.model import (
    ConsolidationApproach,
    Datapoint,
    Entity,
    Kind,
    Quantity,
    calendar_year,
    new_provenance,
)

GROUP = Entity(code="group", name="Group", kind="group", country="CN")
EAST = Entity(code="east", name="East plant", parent="group", country="CN", grid_region="CN-East")
WEST = Entity(
    code="west", name="West plant", parent="group", country="CN", ownership=Decimal("0.4")
)
TREE = [GROUP, EAST, WEST]
# grid.co2 in the tiny library (conftest.py): CN 2019-2020, CN-East 2019 only
GRID_CN_2019_2020 = Decimal("0.6101")
GRID_CN_EAST_2019 = Decimal("0.7035")


def dp(
    entity: str, metric: str, value: str | Decimal, unit: str, period: str = "2019", line: int = 2
) -> Datapoint:
    return Datapoint(
        entity=entity,
        period=period,
        metric=metric,
        quantity=Quantity(value=Decimal(value), unit=unit),
        provenance=new_provenance("file", file="data.csv", line=line),
    )


@pytest.fixture
def run(tiny_catalog: Catalog, tiny_library: FactorLibrary):
    def run(datapoints, entities=TREE, year=2019, **choices) -> Results:
        return calculate(
            tiny_catalog,
            tiny_library,
            entities,
            datapoints,
            calendar_year(year),
            CalculationSettings(**choices),
        )

    return run


def test_derived_values_are_hand_checked(run) -> None:
    results = run(
        [
            dp("east", "fuel.gasoline", "617.3", "t"),
            dp("east", "electricity", "1000", "MWh"),
            dp("east", "revenue", "500", "RMB million"),
        ],
        entities=[GROUP, EAST],
    )
    # 617.3 t x 1.4714 kgce/kg (= tce/t) = 864.22 + 44.07522 = 908.29522 tce
    assert results.value("energy.gasoline_tce", "east") == Decimal("908.29522")
    # 1 000 MWh = 1 000 000 kWh x 0.1229 kgce/kWh = 122 900 kgce = 122.9 tce
    assert results.value("energy.electricity_tce", "east") == Decimal("122.9")
    # 908.29522 + 122.9 = 1 031.19522 tce; / 500 RMB million = 2.06239044
    assert results.value("energy.total", "east") == Decimal("1031.19522")
    assert results.value("energy.intensity", "east") == Decimal("2.06239044")
    # 1 000 MWh x 0.7035 tCO2/MWh (East China grid) = 703.5 t
    assert results.value("ghg.scope2", "east") == Decimal("703.5")
    figure = results.get("energy.gasoline_tce", "east")
    assert figure is not None
    assert figure.kind is Kind.COMPUTED
    assert figure.unit == "tce"
    assert figure.lineage.method == "formula"
    assert figure.lineage.formula == "fuel.gasoline * factor('coal_equivalent.gasoline')"
    (source,) = figure.lineage.refs()
    assert (source.metric, source.entity, source.source) == ("fuel.gasoline", "east", "data.csv:2")
    (factor,) = figure.lineage.factors
    assert (factor.key, factor.value, factor.unit, factor.set_id) == (
        "coal_equivalent.gasoline",
        Decimal("1.4714"),
        "kgce/kg",
        "tiny-gbt2589",
    )
    assert "GB/T 2589" in factor.citation
    assert results.problems == []


def test_reported_values_are_converted_to_the_catalog_unit(run) -> None:
    results = run([dp("east", "fuel.gasoline", "617300", "kg")], entities=[GROUP, EAST])
    figure = results.get("fuel.gasoline", "east")
    assert figure is not None
    assert (figure.value, figure.unit, figure.kind) == (Decimal("617.3"), "t", Kind.REPORTED)
    assert figure.lineage.method == "reported"
    assert figure.lineage.datapoint.quantity == Quantity(value=Decimal("617300"), unit="kg")


def test_gwp_uses_the_chosen_set(run) -> None:
    results = run([dp("east", "emissions.ch4", "2", "t")], entities=[GROUP, EAST])
    # 2 t CH4 x 28 (AR5) = 56 tCO2e
    figure = results.get("ghg.ch4_co2e", "east")
    assert figure is not None
    assert figure.value == 56
    assert figure.lineage.gwp_set == "ipcc-ar5"


def test_parent_without_data_is_the_sum_of_its_children(run) -> None:
    results = run(
        [
            dp("east", "fuel.gasoline", "400", "t"),
            dp("west", "fuel.gasoline", "200.5", "t"),
            dp("east", "headcount", "120", "persons"),
            dp("west", "headcount", "80", "persons"),
        ]
    )
    figure = results.get("fuel.gasoline")
    assert figure is not None
    assert (figure.value, figure.kind, figure.lineage.method) == (
        Decimal("600.5"),
        Kind.COMPUTED,
        "consolidation",
    )
    assert [(i.entity, i.value, i.share) for i in figure.lineage.refs()] == [
        ("east", 400, 1),
        ("west", Decimal("200.5"), 1),
    ]
    assert results.value("headcount") == 200
    # 600.5 t x 1.4714 = 883.5757 tce, consolidated from the children's figures
    assert results.value("energy.gasoline_tce") == Decimal("883.5757")
    assert results.value("energy.total") == Decimal("883.5757")


def test_a_parent_reporting_its_own_value_keeps_it(run) -> None:
    results = run(
        [
            dp("group", "fuel.gasoline", "1000", "t"),
            dp("east", "fuel.gasoline", "400", "t"),
            dp("west", "fuel.gasoline", "500", "t"),
        ]
    )
    figure = results.get("fuel.gasoline")
    assert figure is not None
    assert (figure.value, figure.kind, figure.lineage.method) == (1000, Kind.REPORTED, "reported")
    # its derived figures use the reported total, not the children's breakdown:
    # 1 000 t x 1.4714 = 1 471.4 tce
    assert results.value("energy.gasoline_tce") == Decimal("1471.4")
    assert results.value("energy.total") == Decimal("1471.4")
    assert results.value("fuel.gasoline", "east") == 400


def test_a_reported_derived_value_is_kept_and_recomputed(run) -> None:
    results = run(
        [dp("east", "fuel.gasoline", "100", "t"), dp("east", "energy.gasoline_tce", "150", "tce")],
        entities=[GROUP, EAST],
    )
    reported = results.get("energy.gasoline_tce", "east")
    assert reported is not None
    assert (reported.value, reported.kind) == (150, Kind.REPORTED)
    recomputed = results.computed("energy.gasoline_tce", "east")
    assert recomputed is not None
    assert recomputed.value == Decimal("147.14")
    assert recomputed in results.all_computed()


def test_equity_share_weights_children_by_ownership(run) -> None:
    data = [dp("east", "fuel.gasoline", "400", "t"), dp("west", "fuel.gasoline", "200", "t")]
    control = run(data)
    equity = run(data, consolidation=ConsolidationApproach.EQUITY_SHARE)
    assert control.value("fuel.gasoline") == 600
    # 400 x 1 + 200 x 0.4 = 480
    assert equity.value("fuel.gasoline") == 480
    figure = equity.get("fuel.gasoline")
    assert figure is not None
    assert [i.share for i in figure.lineage.refs()] == [1, Decimal("0.4")]
    stored = Lineage.from_json(json.loads(json.dumps(figure.lineage.as_json())))
    assert stored.refs() == figure.lineage.refs()


def test_operational_control_excludes_uncontrolled_entities(run) -> None:
    west = Entity(code="west", name="West", parent="group", controlled=False)
    results = run(
        [dp("east", "fuel.gasoline", "400", "t"), dp("west", "fuel.gasoline", "200", "t")],
        entities=[GROUP, EAST, west],
    )
    assert results.value("fuel.gasoline") == 400


def test_intensity_is_recomputed_from_consolidated_figures(run) -> None:
    results = run(
        [
            dp("east", "electricity", "1000", "MWh"),
            dp("east", "revenue", "10", "RMB million"),
            dp("west", "electricity", "2000", "MWh"),
            dp("west", "revenue", "1000", "RMB million"),
        ]
    )
    # east: 122.9 tce / 10 = 12.29; west: 245.8 tce / 1 000 = 0.2458
    assert results.value("energy.intensity", "east") == Decimal("12.29")
    assert results.value("energy.intensity", "west") == Decimal("0.2458")
    # group: (122.9 + 245.8) / (10 + 1 000) = 368.7 / 1010 - neither 12.5358 nor 6.2679
    assert results.value("energy.total") == Decimal("368.7")
    assert results.value("revenue") == 1010
    intensity = results.get("energy.intensity")
    assert intensity is not None
    assert intensity.value == Decimal("368.7") / Decimal("1010")
    assert intensity.lineage.method == "formula"
    assert {(i.metric, i.entity) for i in intensity.lineage.refs()} == {
        ("energy.total", "group"),
        ("revenue", "group"),
    }


def test_grid_factor_by_region(run) -> None:
    results = run(
        [dp("east", "electricity", "1000", "MWh"), dp("west", "electricity", "1000", "MWh")]
    )
    east, west = results.get("ghg.scope2", "east"), results.get("ghg.scope2", "west")
    assert east is not None and west is not None
    assert east.value == 1000 * GRID_CN_EAST_2019
    assert west.value == 1000 * GRID_CN_2019_2020
    assert (east.lineage.factors[0].level, east.lineage.factors[0].region) == ("CN-East", "CN-East")
    assert (west.lineage.factors[0].level, west.lineage.factors[0].region) == ("CN", "CN")
    # the group is consolidated from its plants, each with its own factor
    assert results.value("ghg.scope2") == Decimal("703.5") + Decimal("610.1")


def test_regional_factor_falls_back_to_national_outside_its_years(run) -> None:
    results = run([dp("east", "electricity", "1000", "MWh", period="2020")], year=2020)
    figure = results.get("ghg.scope2", "east")
    assert figure is not None
    assert figure.value == Decimal("610.1")
    assert figure.lineage.factors[0].level == "CN"


def test_a_missing_factor_leaves_the_figure_absent_with_a_problem(run) -> None:
    results = run([dp("east", "electricity", "1000", "MWh", period="2022")], year=2022)
    assert results.get("ghg.scope2", "east") is None
    assert results.get("ghg.scope2") is None
    # figures that need no grid factor are still computed
    assert results.value("energy.electricity_tce", "east") == Decimal("122.9")
    (problem,) = [p for p in results.problems if p.location == "east/2022/ghg.scope2"]
    assert "grid.co2" in problem.message
    assert "2022" in problem.message


def test_a_wrong_unit_is_a_problem_naming_entity_period_metric(run) -> None:
    results = run(
        [dp("east", "fuel.gasoline", "100", "MWh"), dp("west", "fuel.gasoline", "50", "t")]
    )
    assert results.get("fuel.gasoline", "east") is None
    assert results.value("fuel.gasoline") == 50
    (problem,) = results.problems
    assert problem.location == "east/2019/fuel.gasoline"
    assert "unit" in problem.message
    assert problem.record == {"value": "100 MWh"}


def test_unknown_entities_and_metrics_are_problems(run) -> None:
    results = run([dp("nowhere", "fuel.gasoline", "1", "t"), dp("east", "fuel.kerosene", "1", "t")])
    assert sorted(p.location for p in results.problems) == [
        "east/2019/fuel.kerosene",
        "nowhere/2019/fuel.gasoline",
    ]
    assert results.figures == {}


def test_other_periods_and_computed_datapoints_are_ignored(run) -> None:
    computed = Datapoint(
        entity="east",
        period="2019",
        metric="fuel.gasoline",
        kind=Kind.COMPUTED,
        quantity=Quantity(value=Decimal(5), unit="t"),
        provenance=new_provenance("calculation"),
    )
    results = run([dp("east", "fuel.gasoline", "1", "t", period="2020"), computed])
    assert results.figures == {}


# --- properties ----------------------------------------------------------------------------
VALUES = st.decimals(
    min_value=0, max_value=Decimal("1e9"), places=3, allow_nan=False, allow_infinity=False
)
REVENUES = st.decimals(
    min_value=Decimal("0.01"),
    max_value=Decimal("1e6"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


@st.composite
def trees(draw) -> tuple[list[Entity], list[str]]:
    """An entity tree of 2 or 3 levels, 1-8 children per node; returns entities and leaves."""
    entities = [Entity(code="root", name="root", kind="group", country="CN")]
    frontier = ["root"]
    for _level in range(draw(st.integers(1, 2))):
        below = []
        for parent in frontier:
            for i in range(draw(st.integers(1, 8))):
                code = f"{parent}-{i}"
                entities.append(Entity(code=code, name=code, parent=parent, country="CN"))
                below.append(code)
        frontier = below
    return entities, frontier


@st.composite
def reported_trees(draw) -> tuple[list[Entity], list[Datapoint]]:
    entities, leaves = draw(trees())
    datapoints = []
    for leaf in leaves:
        datapoints.append(dp(leaf, "fuel.gasoline", draw(VALUES), "t"))
        datapoints.append(dp(leaf, "headcount", draw(st.integers(0, 10_000)), "persons"))
        datapoints.append(dp(leaf, "revenue", draw(REVENUES), "RMB million"))
    return entities, datapoints


PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def values_of(datapoints: list[Datapoint], metric: str) -> list[Decimal]:
    return [d.quantity.value for d in datapoints if d.metric == metric]


@PROPERTY
@given(case=reported_trees())
def test_root_total_is_the_sum_of_the_leaves(tiny_catalog, tiny_library, case) -> None:
    entities, datapoints = case
    results = calculate(tiny_catalog, tiny_library, entities, datapoints, calendar_year(2019))
    gasoline = sum(values_of(datapoints, "fuel.gasoline"), Decimal(0))
    assert results.value("fuel.gasoline") == gasoline
    assert results.value("headcount") == sum(values_of(datapoints, "headcount"), Decimal(0))
    assert results.value("energy.total") == gasoline * Decimal("1.4714")
    assert results.problems == []


@PROPERTY
@given(case=reported_trees())
def test_root_intensity_is_numerator_over_denominator(tiny_catalog, tiny_library, case) -> None:
    entities, datapoints = case
    results = calculate(tiny_catalog, tiny_library, entities, datapoints, calendar_year(2019))
    total, revenue = results.value("energy.total"), results.value("revenue")
    assert total is not None and revenue is not None
    assert revenue == sum(values_of(datapoints, "revenue"), Decimal(0))
    assert results.value("energy.intensity") == total / revenue


@PROPERTY
@given(case=reported_trees(), data=st.data())
def test_results_do_not_depend_on_the_order_of_datapoints(
    tiny_catalog, tiny_library, case, data
) -> None:
    entities, datapoints = case
    shuffled = data.draw(st.permutations(datapoints))
    first = calculate(tiny_catalog, tiny_library, entities, datapoints, calendar_year(2019))
    second = calculate(tiny_catalog, tiny_library, entities, shuffled, calendar_year(2019))
    assert first.figures == second.figures
    assert first.problems == second.problems
