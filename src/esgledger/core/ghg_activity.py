"""Activity types of the GHG inventory: what an activity row is and how its emissions are computed.

Read from ``esgledger/data/ghg/activity_types.yaml`` (see the header there). An activity type
fixes the scope and category of its emissions, the unit its quantities are converted to on
import, and its *terms*: one per gas stream, each the product of the quantity and up to two
factor keys, with alternatives tried in order. Every term's unit arithmetic is checked here,
once: ``scale`` turns quantity x factor values (each in its key's unit) into tonnes of gas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from esgledger.core.units import parse_unit, unit_factor
from esgledger.errors import CatalogError, UnitError

# GHG Protocol categories an activity type may belong to, with their report labels.
CATEGORIES: dict[str, str] = {
    "stationary": "Stationary combustion",
    "mobile": "Mobile combustion",
    "fugitive": "Fugitive emissions (refrigerants)",
    "electricity": "Purchased electricity",
    "cat1": "Category 1 - Purchased goods and services",
    "cat4": "Category 4 - Upstream transportation and distribution",
    "cat6": "Category 6 - Business travel",
    "cat7": "Category 7 - Employee commuting",
    "cat9": "Category 9 - Downstream transportation and distribution",
}
SCOPE2_METHODS = ("location", "market")
MAX_KEYS = 2


@dataclass(frozen=True, kw_only=True)
class Term:
    """One way of computing one gas stream of an activity type.

    Attributes:
        activity_type: the activity type id.
        method: ``location`` or ``market`` for scope 2, ``""`` otherwise.
        term: number of the gas stream within the type and method (0, 1, ...).
        alternative: rank among the alternatives of the stream (0 is tried first).
        keys: the factor keys multiplied (0 to 2; none for refrigerants).
        scale: converts quantity x factor values into tonnes of gas.
        gas_from_row: the gas is the one named on the activity row (refrigerants).
    """

    activity_type: str
    method: str
    term: int
    alternative: int
    keys: tuple[str, ...]
    scale: Decimal
    gas_from_row: bool = False


@dataclass(frozen=True, kw_only=True)
class ActivityType:
    """A kind of activity record (a fuel burned, electricity bought, a freight shipment...).

    Attributes:
        id: identifier used in activity files (``stationary.natural_gas``).
        name: description for people.
        scope: GHG Protocol scope (1, 2 or 3).
        category: key of :data:`CATEGORIES`.
        unit: the unit quantities are converted to on import.
        terms: how emissions are computed.
    """

    id: str
    name: str
    scope: int
    category: str
    unit: str
    terms: tuple[Term, ...]

    @property
    def gas_from_row(self) -> bool:
        """True when rows of this type must name their gas (refrigerants)."""
        return any(t.gas_from_row for t in self.terms)


def _scale(unit: str, keys: tuple[str, ...], key_unit: Callable[[str], str], where: str) -> Decimal:
    product = parse_unit(unit)
    for key in keys:
        product = product * parse_unit(key_unit(key))
    try:
        return unit_factor(product, parse_unit("t"))
    except UnitError as exc:
        raise CatalogError(f"{where}: {unit} x {' x '.join(keys)} is not a mass: {exc}") from None


def _streams(entry: dict[str, Any]) -> Iterator[tuple[str, list[Any]]]:
    if entry["scope"] == 2:
        for method in SCOPE2_METHODS:
            yield method, list(entry.get(method) or [])
    else:
        yield "", list(entry.get("terms") or [])


def _terms(entry: dict[str, Any], key_unit: Callable[[str], str], where: str) -> list[Term]:
    terms = []
    for method, streams in _streams(entry):
        for number, stream in enumerate(streams):
            options = stream["any_of"] if isinstance(stream, dict) else [stream]
            for rank, keys in enumerate(options):
                if len(keys) > MAX_KEYS:
                    raise CatalogError(f"{where}: at most {MAX_KEYS} factor keys per term")
                terms.append(
                    Term(
                        activity_type=entry["id"],
                        method=method,
                        term=number,
                        alternative=rank,
                        keys=tuple(keys),
                        scale=_scale(entry["unit"], tuple(keys), key_unit, where),
                        gas_from_row=entry.get("gas_from") == "row",
                    )
                )
    return terms


def read_activity_types(path: Path, library_unit: Callable[[str], str]) -> dict[str, ActivityType]:
    """The activity types of a YAML file; ``library_unit`` gives a factor key's unit."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    declared = {str(k): str(v) for k, v in (data.get("factor_units") or {}).items()}

    def key_unit(key: str) -> str:
        try:
            return library_unit(key)
        except KeyError:
            if key in declared:
                return declared[key]
            raise CatalogError(f"{path.name}: factor key {key!r} has no unit") from None

    types: dict[str, ActivityType] = {}
    for i, entry in enumerate(data.get("activity_types") or []):
        where = f"{path.name}, activity type #{i + 1} ({entry.get('id', '?')})"
        if entry.get("category") not in CATEGORIES or entry.get("scope") not in (1, 2, 3):
            raise CatalogError(f"{where}: unknown scope or category")
        types[entry["id"]] = ActivityType(
            id=entry["id"],
            name=str(entry["name"]),
            scope=int(entry["scope"]),
            category=str(entry["category"]),
            unit=str(entry["unit"]),
            terms=tuple(_terms(entry, key_unit, where)),
        )
    return types


def activity_types_path() -> Path:
    """The activity types shipped in the package."""
    return Path(str(resources.files("esgledger") / "data" / "ghg" / "activity_types.yaml"))


@cache
def default_activity_types() -> dict[str, ActivityType]:
    """The shipped activity types, with units checked against the default factor library."""
    from esgledger.core.factors import default_library

    return read_activity_types(activity_types_path(), default_library().unit_of)
