"""Units: hand-checked conversions, dimension errors, users' spellings, round trips."""

from __future__ import annotations

from decimal import Context, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from esgledger.core.units import (
    conversion_factor,
    convert,
    dimensionality,
    is_known_unit,
    parse_unit,
    same_dimension,
)
from esgledger.errors import EsgLedgerError, UnitError


@pytest.mark.parametrize(
    ("source", "target", "factor"),
    [
        # GB/T 2589-2020 clause 3.7: 1 kgce = 29 307 kJ, so 1 tce = 29 307 MJ = 29.307 GJ
        # (not the IEA's 7 Gcal = 29.3076 GJ)
        ("tce", "GJ", "29.307"),
        ("kgce", "MJ", "29.307"),
        ("wan_tce", "tce", "10000"),
        # a kilogram of coal equivalent per kilogram is a tonne per tonne
        ("kgce/kg", "tce/t", "1"),
        ("kgce/kWh", "tce/MWh", "1"),
        ("10k m3", "m3", "10000"),
        ("万立方米", "m3", "10000"),
        ("10,000 m3", "m³", "10000"),
        # 1 MWh = 3.6e9 J = 3.6 GJ
        ("MWh", "GJ", "3.6"),
        ("MWh", "kWh", "1000"),
        ("GWh", "MWh", "1000"),
        ("RMB million", "RMB", "1000000"),
        ("million RMB", "RMB_thousand", "1000"),
        ("t", "kg", "1000"),
        ("tCO2e", "kgCO2e", "1000"),
        ("tce/RMB million", "kgce/RMB", "0.001"),
        ("%", "dimensionless", "0.01"),
        ("persons", "employees", "1"),
    ],
)
def test_hand_checked_conversions(source: str, target: str, factor: str) -> None:
    assert conversion_factor(source, target) == Decimal(factor)


def test_convert_keeps_decimals_exact() -> None:
    # 173 318.8 x 29.307 = 173 318.8 x 29 + 173 318.8 x 0.307 = 5 026 245.2 + 53 208.8716
    assert convert(Decimal("173318.8"), "tce", "GJ") == Decimal("5079454.0716")
    assert convert(Decimal("2.5"), "10k m3", "m3") == Decimal("25000")
    assert convert(Decimal("617.3"), "t", "t") == Decimal("617.3")
    assert isinstance(convert(Decimal(1), "MWh", "GJ"), Decimal)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("MWh", "t"),
        ("t", "MWh"),
        ("tce", "RMB million"),
        ("RMB", "USD"),
        ("m3", "kg"),
        ("persons", "dimensionless"),
    ],
)
def test_wrong_dimension_is_a_unit_error_naming_both_units(source: str, target: str) -> None:
    with pytest.raises(UnitError) as raised:
        conversion_factor(source, target)
    message = str(raised.value)
    assert str(parse_unit(source).dimensionality) in message
    assert str(parse_unit(target).dimensionality) in message
    assert not same_dimension(source, target)


def test_wrong_dimension_message_names_the_units() -> None:
    with pytest.raises(UnitError, match=r"MWh.*\bt\b"):
        conversion_factor("MWh", "t")


def test_unit_error_is_a_value_error_and_ours() -> None:
    with pytest.raises(ValueError):
        parse_unit("no_such_unit")
    with pytest.raises(EsgLedgerError):
        parse_unit("no_such_unit")


@pytest.mark.parametrize("text", ["no_such_unit", "kgfoo", "10k bananas", "", "   ", "3 kg", "42"])
def test_unknown_or_malformed_units(text: str) -> None:
    with pytest.raises(UnitError):
        parse_unit(text)
    assert not is_known_unit(text)


def test_unknown_unit_message_quotes_the_unit() -> None:
    with pytest.raises(UnitError, match="'no_such_unit'"):
        parse_unit("no_such_unit")


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("t", "tonne"),
        ("Tonnes", "tonne"),
        ("  metric   ton ", "tonne"),
        ("MWh", "megawatt_hour"),
        ("mwh", "megawatt_hour"),
        ("kWh", "kilowatt_hour"),
        ("GJ", "gigajoule"),
        ("RMB Million", "RMB_million"),
        ("CNY", "RMB"),
        ("t CO2e", "tCO2e"),
        ("%", "percent"),
        ("10^4 m3", "wan_m3"),
    ],
)
def test_aliases(alias: str, canonical: str) -> None:
    assert parse_unit(alias) == parse_unit(canonical)


def test_dimensions_are_readable() -> None:
    assert dimensionality("t") == "[mass]"
    assert dimensionality("RMB million") == "[currency_rmb]"
    assert dimensionality("persons") == "[headcount]"
    assert dimensionality("%") == "dimensionless"
    assert same_dimension("tce", "GJ")
    assert same_dimension("tCO2e", "t")


# --- round trips -----------------------------------------------------------------------------
SAME_DIMENSION = [
    ("tce", "GJ"),
    ("kgce", "MWh"),
    ("wan_tce", "TJ"),
    ("t", "kg"),
    ("tCO2e", "kgCO2e"),
    ("10k m3", "m3"),
    ("RMB million", "RMB"),
    ("tce/RMB million", "GJ/RMB"),
    ("kgce/kWh", "tce/MWh"),
    ("%", "dimensionless"),
    ("hours", "minute"),
]

SIGNIFICANT = Context(prec=20)


@settings(max_examples=50, deadline=None)
@given(
    pair=st.sampled_from(SAME_DIMENSION),
    value=st.decimals(
        min_value=Decimal("-1e12"),
        max_value=Decimal("1e12"),
        places=6,
        allow_nan=False,
        allow_infinity=False,
    ),
)
def test_round_trip_returns_the_value(pair: tuple[str, str], value: Decimal) -> None:
    a, b = pair
    back = convert(convert(value, a, b), b, a)
    assert SIGNIFICANT.plus(back) == SIGNIFICANT.plus(value)
