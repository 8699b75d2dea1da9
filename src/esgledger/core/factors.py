"""Factor libraries: versioned sets of conversion and emission factors, each value cited.

Factor sets are YAML files in ``esgledger/data/factors/`` (see ``README.md`` there for the
format). A factor is found by *key* (``coal_equivalent.gasoline``, ``grid.co2``,
``ef.stationary.natural_gas.CO2``), the period's year and the entity's region. Lookup walks a
declared fallback order of regions - grid region, then country, then global default (``*``) -
and of sets (the library's priority order), and records which level answered.
Global warming potentials live in the same folder as sets of ``kind: gwp``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from esgledger.core.units import convert, parse_unit, same_dimension
from esgledger.errors import CatalogError, FactorError, UnitError

GLOBAL = "*"


@dataclass(frozen=True, kw_only=True)
class Citation:
    """Where a factor value was published.

    Attributes:
        document: title of the source document.
        publisher: who published it.
        table: table, clause or page within the document.
        year_published: year of publication.
        url: where the document can be found (documentation only; never fetched).
    """

    document: str
    publisher: str = ""
    table: str = ""
    year_published: int | None = None
    url: str = ""

    def __str__(self) -> str:
        text = ", ".join(p for p in (self.document, self.table) if p)
        return f"{text} ({self.year_published})" if self.year_published else text


@dataclass(frozen=True, kw_only=True)
class Factor:
    """One factor value.

    Attributes:
        set_id: the factor set it belongs to.
        key: what it converts (``coal_equivalent.gasoline``).
        value: the value, exact, in ``unit``.
        unit: the unit of the value (e.g. ``kgce/kg``, ``tCO2/MWh``).
        region: region code (``CN``, ``CN-East``) or ``*`` for a global default.
        gas: greenhouse gas for emission factors (``CO2``, ``CH4``, ``N2O``, ...).
        valid_from: first year the factor applies to (None: no lower bound).
        valid_to: last year it applies to (None: no upper bound).
        citation: the source.
        note: remarks (assumptions, derivation).
    """

    set_id: str
    key: str
    value: Decimal
    unit: str
    region: str = GLOBAL
    gas: str | None = None
    valid_from: int | None = None
    valid_to: int | None = None
    citation: Citation
    note: str = ""

    def valid_in(self, year: int) -> bool:
        """True when the factor applies to ``year``."""
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_to is None or year <= self.valid_to
        )


@dataclass(frozen=True, kw_only=True)
class FactorChoice:
    """The factor a lookup returned and how it was found (for lineage)."""

    factor: Factor
    value: Decimal  # in the key's declared unit
    unit: str
    level: str  # which fallback level answered: the region code, or "*"


@dataclass(frozen=True, kw_only=True)
class FactorSet:
    """A published set of factors with its metadata."""

    id: str
    title: str
    kind: str
    citation: Citation
    factors: tuple[Factor, ...] = ()
    gwp: dict[str, Decimal] | None = None


class FactorLibrary:
    """All factor sets available to a calculation, in priority order."""

    def __init__(self, sets: Sequence[FactorSet]) -> None:
        self.sets = {s.id: s for s in sets}
        self.priority = [s.id for s in sets]
        self._units: dict[str, str] = {}
        self._by_key: dict[str, list[Factor]] = {}
        for factor_set in sets:
            for factor in factor_set.factors:
                self._register(factor)

    def _register(self, factor: Factor) -> None:
        declared = self._units.setdefault(factor.key, factor.unit)
        if not same_dimension(declared, factor.unit):
            raise CatalogError(
                f"factor {factor.key} in set {factor.set_id} is in {factor.unit}, "
                f"but other sets give it in {declared}"
            )
        self._by_key.setdefault(factor.key, []).append(factor)

    def unit_of(self, key: str) -> str:
        """The unit every value of ``key`` is converted to; KeyError when unknown."""
        return self._units[key]

    def keys(self) -> list[str]:
        """All factor keys known to the library."""
        return sorted(self._units)

    def lookup(self, key: str, year: int, regions: Iterable[str]) -> FactorChoice:
        """The factor for ``key`` in ``year``, trying each region then the global default."""
        candidates = self._by_key.get(key)
        if not candidates:
            raise FactorError(f"no factor set provides {key!r}")
        chain = [*[r for r in regions if r], GLOBAL]
        for region in chain:
            matches = [f for f in candidates if f.region == region and f.valid_in(year)]
            if matches:
                best = min(matches, key=lambda f: self.priority.index(f.set_id))
                value = convert(best.value, best.unit, self._units[key])
                return FactorChoice(factor=best, value=value, unit=self._units[key], level=region)
        raise FactorError(f"no factor {key!r} for {year} in regions {', '.join(chain)}")

    def gwp(self, set_id: str, gas: str) -> Decimal:
        """The GWP of ``gas`` in the GWP set ``set_id`` (e.g. ``ipcc-ar5``)."""
        factor_set = self.sets.get(set_id)
        if factor_set is None or factor_set.gwp is None:
            raise FactorError(f"no GWP set {set_id!r}")
        try:
            return factor_set.gwp[gas]
        except KeyError:
            raise FactorError(f"GWP set {set_id} has no value for {gas!r}") from None

    def gwp_sets(self) -> list[str]:
        """Ids of the GWP sets in the library."""
        return [s.id for s in self.sets.values() if s.gwp is not None]


def _citation(data: dict[str, Any], defaults: Citation | None = None) -> Citation:
    base = defaults or Citation(document="")
    return Citation(
        document=str(data.get("document", base.document)),
        publisher=str(data.get("publisher", base.publisher)),
        table=str(data.get("table", base.table)),
        year_published=data.get("year_published", base.year_published),
        url=str(data.get("url", base.url)),
    )


def read_factor_set(path: Path) -> FactorSet:
    """Read one factor set file; errors name the file and entry."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    where = path.name
    for required in ("set", "title", "kind", "document"):
        if required not in data:
            raise CatalogError(f"{where}: missing {required!r}")
    citation = _citation(data)
    gwp = None
    if data["kind"] == "gwp":
        gwp = {str(gas): Decimal(str(v)) for gas, v in (data.get("values") or {}).items()}
    factors = tuple(
        _factor(entry, str(data["set"]), citation, f"{where}, factor #{i + 1}")
        for i, entry in enumerate(data.get("factors") or [])
    )
    return FactorSet(
        id=str(data["set"]),
        title=str(data["title"]),
        kind=str(data["kind"]),
        citation=citation,
        factors=factors,
        gwp=gwp,
    )


def _factor(entry: dict[str, Any], set_id: str, defaults: Citation, where: str) -> Factor:
    try:
        unit = str(entry["unit"])
        parse_unit(unit)
        return Factor(
            set_id=set_id,
            key=str(entry["key"]),
            value=Decimal(str(entry["value"])),
            unit=unit,
            region=str(entry.get("region", GLOBAL)),
            gas=entry.get("gas"),
            valid_from=entry.get("valid_from"),
            valid_to=entry.get("valid_to"),
            citation=_citation(entry, defaults),
            note=str(entry.get("note", "")),
        )
    except (KeyError, ArithmeticError, UnitError) as exc:
        raise CatalogError(f"{where}: {exc!r}") from exc


def factors_dir() -> Path:
    """The folder of factor sets shipped in the package."""
    return Path(str(resources.files("esgledger") / "data" / "factors"))


@cache
def default_library() -> FactorLibrary:
    """The shipped factor sets, in the priority order of ``factors/priority.yaml``."""
    folder = factors_dir()
    order = yaml.safe_load((folder / "priority.yaml").read_text(encoding="utf-8"))["priority"]
    sets = {
        s.id: s
        for s in (
            read_factor_set(p) for p in sorted(folder.glob("*.yaml")) if p.name != "priority.yaml"
        )
    }
    missing = [s for s in order if s not in sets]
    if missing:
        raise CatalogError(f"priority.yaml names unknown factor sets: {', '.join(missing)}")
    ordered = [sets[s] for s in order] + [s for k, s in sets.items() if k not in order]
    return FactorLibrary(ordered)
