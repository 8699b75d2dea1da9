"""The one place where units are parsed and converted (pint).

Values stay ``Decimal``; pint is used to check dimensions and to find the exact conversion factor
between two units, which is cached. Users' spellings (``10k m3``, ``万立方米``, ``RMB million``) are
mapped to pint names here and nowhere else.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from importlib import resources

import pint

from esgledger.errors import UnitError

ureg: pint.UnitRegistry = pint.UnitRegistry(
    non_int_type=Decimal, autoconvert_offset_to_baseunit=True
)
ureg.load_definitions(str(resources.files("esgledger") / "data" / "units.txt"))

# Spellings seen in users' files, mapped to pint expressions. Keys are compared lower-cased and
# with surrounding spaces removed.
ALIASES: dict[str, str] = {
    "t": "tonne",
    "tonnes": "tonne",
    "tons": "tonne",
    "metric ton": "tonne",
    "10k m3": "wan_m3",
    "10^4 m3": "wan_m3",
    "10,000 m3": "wan_m3",
    "万立方米": "wan_m3",
    "万m3": "wan_m3",
    "m3": "meter**3",
    "m³": "meter**3",
    "rmb million": "RMB_million",
    "million rmb": "RMB_million",
    "rmb mn": "RMB_million",
    "rmb": "RMB",
    "cny": "RMB",
    "usd million": "USD_million",
    "%": "percent",
    "pct": "percent",
    "count": "dimensionless",
    "number": "dimensionless",
    "1": "dimensionless",
    "h": "hour",
    "hours": "hour",
    "t co2e": "tCO2e",
    "tco2": "tCO2",
    "t co2": "tCO2",
    "kg co2e": "kgCO2e",
    "kwh": "kilowatt_hour",
    "mwh": "megawatt_hour",
    "gwh": "gigawatt_hour",
    "tj": "terajoule",
    "gj": "gigajoule",
    "mj": "megajoule",
    "mwp": "megawatt",
    "kwp": "kilowatt",
}


def _expression(text: str) -> str:
    """The pint expression for a user's unit spelling."""
    key = " ".join(text.strip().split()).lower()
    if key in ALIASES:
        return ALIASES[key]
    # per-unit spellings such as "tce/RMB million": each side mapped separately
    if text.count("/") == 1 and "*" not in text:
        numerator, _, denominator = text.partition("/")
        return f"({_expression(numerator)}) / ({_expression(denominator)})"
    return text.strip()


@cache
def parse_unit(text: str) -> pint.Unit:
    """Parse a unit as users write it; raise :class:`UnitError` if unknown."""
    if not text or not text.strip():
        raise UnitError("no unit given")
    try:
        parsed = ureg.parse_expression(_expression(text))
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError) as exc:
        raise UnitError(f"unknown unit {text!r}") from exc
    except Exception as exc:  # pint raises assorted errors on malformed expressions
        raise UnitError(f"cannot read unit {text!r}: {exc}") from exc
    if not isinstance(parsed, pint.Quantity):
        raise UnitError(f"{text!r} is a number, not a unit")
    if parsed.magnitude != 1:
        raise UnitError(f"unit {text!r} carries a number; write it as a unit name")
    return parsed.units  # type: ignore[return-value]  # pint's stubs name a base class


def is_known_unit(text: str) -> bool:
    """True when :func:`parse_unit` accepts ``text``."""
    try:
        parse_unit(text)
    except UnitError:
        return False
    return True


@cache
def dimensionality(text: str) -> str:
    """The dimension of a unit as a readable string, e.g. ``[mass]`` or ``[length] ** 3``."""
    return str(parse_unit(text).dimensionality) or "dimensionless"


@cache
def conversion_factor(from_unit: str, to_unit: str) -> Decimal:
    """The exact factor that turns a value in ``from_unit`` into ``to_unit``.

    Raises :class:`UnitError` when the dimensions differ (e.g. MWh to tonnes).
    """
    try:
        return unit_factor(parse_unit(from_unit), parse_unit(to_unit))
    except UnitError:
        raise UnitError(
            f"cannot convert {from_unit!r} ({dimensionality(from_unit)}) "
            f"to {to_unit!r} ({dimensionality(to_unit)})"
        ) from None


@cache
def unit_factor(source: pint.Unit, target: pint.Unit) -> Decimal:
    """:func:`conversion_factor` for units already parsed."""
    try:
        factor = ureg.Quantity(Decimal(1), source).to(target).magnitude
    except pint.errors.DimensionalityError as exc:
        raise UnitError(
            f"cannot convert {source:~} ({source.dimensionality}) "
            f"to {target:~} ({target.dimensionality})"
        ) from exc
    return Decimal(factor)


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Convert an exact value between units of the same dimension."""
    if from_unit == to_unit:
        return value
    return value * conversion_factor(from_unit, to_unit)


def same_dimension(unit_a: str, unit_b: str) -> bool:
    """True when values in the two units can be converted into each other."""
    return parse_unit(unit_a).dimensionality == parse_unit(unit_b).dimensionality
