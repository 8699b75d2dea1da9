"""The shipped factor library: it loads, hand-checked values, citations, GWP coverage, fallback."""

from __future__ import annotations

from decimal import Decimal

import pytest

from esgledger.core.factors import default_library
from esgledger.errors import FactorError

KYOTO_SINGLE_GASES = ("CO2", "CH4", "N2O", "SF6", "NF3")
PFCS = ("CF4", "C2F6", "C3F8", "c-C4F8", "C4F10", "C5F12", "C6F14")


@pytest.fixture(scope="module")
def library():
    return default_library()


def test_library_loads_all_sets(library) -> None:
    assert {"gbt2589-2020", "ipcc-2006", "cn-grid", "ipcc-ar4", "ipcc-ar5", "ipcc-ar6"} <= set(
        library.sets
    )
    known = set(library.keys())
    # the keys the metric catalog's formulas use
    for key in (
        "coal_equivalent.gasoline",
        "coal_equivalent.diesel",
        "coal_equivalent.natural_gas",
        "coal_equivalent.electricity",
        "ncv.gasoline",
        "ncv.diesel",
        "ncv.natural_gas",
        "ef.mobile.gasoline.co2",
        "ef.mobile.gasoline.ch4",
        "ef.mobile.gasoline.n2o",
        "ef.mobile.diesel.co2",
        "ef.mobile.diesel.ch4",
        "ef.mobile.diesel.n2o",
        "ef.stationary.natural_gas.co2",
        "ef.stationary.natural_gas.ch4",
        "ef.stationary.natural_gas.n2o",
        "grid.co2",
    ):
        assert key in known


@pytest.mark.parametrize(
    ("key", "year", "regions", "value", "unit"),
    [
        ("coal_equivalent.electricity", 2020, ["CN"], "0.1229", "kgce/kWh"),
        ("coal_equivalent.gasoline", 2020, ["CN"], "1.4714", "kgce/kg"),
        ("coal_equivalent.diesel", 2020, ["CN"], "1.4571", "kgce/kg"),
        ("coal_equivalent.natural_gas", 2020, ["CN"], "1.3300", "kgce/m3"),
        ("ncv.gasoline", 2020, ["CN"], "43.070", "GJ/t"),
        ("ncv.diesel", 2020, ["CN"], "42.652", "GJ/t"),
        ("ncv.natural_gas", 2020, ["CN"], "38.931", "MJ/m3"),
        ("ncv.gasoline", 2020, ["DE"], "44.3", "GJ/t"),
        ("ef.stationary.natural_gas.co2", 2020, ["CN"], "56100", "kgCO2/TJ"),
        ("ef.mobile.diesel.co2", 2020, ["CN"], "74100", "kgCO2/TJ"),
        ("ef.mobile.gasoline.ch4", 2020, ["CN"], "33", "kgCH4/TJ"),
        ("grid.co2", 2019, ["CN"], "0.6101", "tCO2/MWh"),
        ("grid.co2", 2018, ["CN"], "0.6101", "tCO2/MWh"),
        ("grid.co2", 2021, ["CN"], "0.5810", "tCO2/MWh"),
        ("grid.co2", 2022, ["CN"], "0.5703", "tCO2/MWh"),
        ("grid.co2", 2012, ["CN-East", "CN"], "0.7035", "tCO2/MWh"),
    ],
)
def test_hand_checked_values(library, key, year, regions, value, unit) -> None:
    choice = library.lookup(key, year, regions)
    assert choice.value == Decimal(value)
    assert choice.unit == unit


def test_gwp_values(library) -> None:
    assert library.gwp("ipcc-ar5", "CH4") == Decimal("28")
    assert library.gwp("ipcc-ar5", "N2O") == Decimal("265")
    assert library.gwp("ipcc-ar4", "N2O") == Decimal("298")
    assert library.gwp("ipcc-ar4", "CH4") == Decimal("25")
    assert library.gwp("ipcc-ar6", "SF6") == Decimal("25200")
    assert library.gwp("ipcc-ar6", "CH4") == Decimal("27.9")
    assert library.gwp("ipcc-ar5", "HFC-134a") == Decimal("1300")
    assert library.gwp("ipcc-ar6", "PFC-14") == library.gwp("ipcc-ar6", "CF4")
    with pytest.raises(FactorError):
        library.gwp("ipcc-ar5", "no-such-gas")


def test_every_factor_is_cited(library) -> None:
    for factor_set in library.sets.values():
        assert factor_set.citation.document.strip(), factor_set.id
        assert factor_set.citation.year_published, factor_set.id
        for factor in factor_set.factors:
            where = f"{factor_set.id}: {factor.key} {factor.region} {factor.valid_from}"
            assert factor.citation.document.strip(), where
            assert isinstance(factor.citation.year_published, int), where
            assert factor.citation.publisher.strip(), where


def test_emission_factors_name_their_gas(library) -> None:
    for factor_set in library.sets.values():
        for factor in factor_set.factors:
            if factor.key.startswith("ef."):
                assert factor.gas == factor.key.rsplit(".", 1)[1].upper(), factor.key


@pytest.mark.parametrize("set_id", ["ipcc-ar4", "ipcc-ar5", "ipcc-ar6"])
def test_gwp_sets_cover_kyoto_gases(library, set_id) -> None:
    values = library.sets[set_id].gwp
    assert values is not None
    for gas in KYOTO_SINGLE_GASES:
        assert gas in values, (set_id, gas)
    assert values["CO2"] == Decimal("1")
    assert any(gas.startswith("HFC-") for gas in values)
    assert any(gas in values for gas in PFCS)
    assert all(v > 0 for v in values.values())


def test_regional_lookup_falls_back_to_national(library) -> None:
    choice = library.lookup("grid.co2", 2019, ["CN-Xyz", "CN"])
    assert choice.level == "CN"
    assert choice.value == Decimal("0.6101")
    # a known grid region past its regional factor's validity also falls back to CN
    choice = library.lookup("grid.co2", 2019, ["CN-East", "CN"])
    assert choice.level == "CN"
    # within validity the regional factor answers
    choice = library.lookup("grid.co2", 2018, ["CN-East", "CN"])
    assert choice.level == "CN-East"


def test_country_falls_back_to_global_default(library) -> None:
    choice = library.lookup("ef.stationary.natural_gas.ch4", 2019, ["CN-East", "CN"])
    assert choice.level == "*"
    assert choice.factor.set_id == "ipcc-2006"


def test_no_factor_outside_validity(library) -> None:
    with pytest.raises(FactorError):
        library.lookup("grid.co2", 2005, ["CN"])
