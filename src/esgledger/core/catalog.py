"""The metric catalog: what can be reported, in which unit, how it adds up and what it discloses.

The catalog is data (``esgledger/data/catalog/metrics.yaml``). Each metric declares:

* ``id`` - dotted identifier, each segment a Python identifier (``energy.gasoline``);
* ``name``, ``unit`` (the canonical unit; values entered in other units of the same dimension
  are converted), ``topic`` and ``precision`` (decimals printed);
* ``aggregation`` - how values combine up the entity tree: ``sum`` (extensive quantities),
  ``period_end`` (headcounts at the end of the period; add across entities), ``recompute``
  (ratios and intensities: evaluate the formula on consolidated inputs), ``none`` (facts that
  only exist where reported, e.g. number of board meetings);
* ``formula`` for derived metrics (see :mod:`esgledger.core.formula`);
* ``parts_of`` - ``{total: metric, breakdown: name}`` when the metric is one part of a
  breakdown whose parts must add up to the total;
* ``disclosures`` - framework id -> disclosure codes (``gri-2016: ["302-1"]``);
* ``reconcile`` - ``strict`` (default: a reported value of a derived metric must equal the
  recomputed one within printed precision) or ``method_may_differ`` (the company's method is
  unknown; differences are shown, and warned about).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from esgledger.core.formula import CompiledFormula, compile_formula
from esgledger.core.units import dimensionality, parse_unit
from esgledger.errors import CatalogError, UnitError, UnknownMetricError

_ID = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")


class Aggregation(StrEnum):
    """How a metric combines across the entity tree."""

    SUM = "sum"
    PERIOD_END = "period_end"
    RECOMPUTE = "recompute"
    NONE = "none"

    @property
    def additive(self) -> bool:
        """True when children's values add up to the parent's."""
        return self in (Aggregation.SUM, Aggregation.PERIOD_END)


@dataclass(frozen=True, kw_only=True)
class Metric:
    """One entry of the catalog (see the module docstring for the meaning of each field)."""

    id: str
    name: str
    unit: str
    topic: str
    aggregation: Aggregation = Aggregation.SUM
    precision: int = 1
    formula: str | None = None
    parts_of: str | None = None
    breakdown: str | None = None
    disclosures: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reconcile: str = "strict"
    description: str = ""

    @property
    def derived(self) -> bool:
        """True when the metric has a formula."""
        return self.formula is not None

    @property
    def dimension(self) -> str:
        """The physical dimension of the canonical unit."""
        return dimensionality(self.unit)

    def disclosure_codes(self, framework: str) -> tuple[str, ...]:
        """Codes this metric answers in one framework (empty when none)."""
        return self.disclosures.get(framework, ())


class Catalog:
    """The set of metrics, with formulas compiled and unit-checked."""

    def __init__(self, metrics: list[Metric], factor_unit: Callable[[str], str]) -> None:
        self._metrics: dict[str, Metric] = {}
        for metric in metrics:
            if metric.id in self._metrics:
                raise CatalogError(f"metric {metric.id!r} is defined twice")
            self._metrics[metric.id] = metric
        self._formulas: dict[str, CompiledFormula] = {}
        for metric in metrics:
            if metric.formula:
                self._formulas[metric.id] = compile_formula(
                    metric.formula, metric.unit, self._unit_of, factor_unit
                )
        self._check_parts()
        self.order: tuple[str, ...] = self._topological_order()

    def _unit_of(self, metric_id: str) -> str:
        return self._metrics[metric_id].unit

    def _check_parts(self) -> None:
        for metric in self._metrics.values():
            if metric.parts_of and metric.parts_of not in self._metrics:
                raise CatalogError(
                    f"{metric.id}: parts_of names unknown metric {metric.parts_of!r}"
                )

    def _topological_order(self) -> tuple[str, ...]:
        order: list[str] = []
        state: dict[str, int] = {}

        def visit(metric_id: str, path: tuple[str, ...]) -> None:
            if state.get(metric_id) == 2:
                return
            if state.get(metric_id) == 1:
                raise CatalogError(f"formula cycle: {' -> '.join((*path, metric_id))}")
            state[metric_id] = 1
            formula = self._formulas.get(metric_id)
            for dependency in formula.inputs if formula else ():
                visit(dependency, (*path, metric_id))
            state[metric_id] = 2
            order.append(metric_id)

        for metric_id in self._metrics:
            visit(metric_id, ())
        return tuple(order)

    def __contains__(self, metric_id: object) -> bool:
        return metric_id in self._metrics

    def __iter__(self) -> Iterator[Metric]:
        return iter(self._metrics.values())

    def __len__(self) -> int:
        return len(self._metrics)

    def get(self, metric_id: str) -> Metric:
        """The metric with this id; :class:`UnknownMetricError` names near misses."""
        try:
            return self._metrics[metric_id]
        except KeyError:
            raise UnknownMetricError(self.unknown_message(metric_id)) from None

    def unknown_message(self, metric_id: str) -> str:
        """``unknown metric ...`` with up to three close matches as a hint."""
        import difflib

        close = difflib.get_close_matches(metric_id, self._metrics, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        return f"unknown metric {metric_id!r}{hint}"

    def formula(self, metric_id: str) -> CompiledFormula | None:
        """The compiled formula of a derived metric, or None for input metrics."""
        return self._formulas.get(metric_id)

    def parts(self, total_id: str) -> dict[str, list[Metric]]:
        """Breakdown name -> part metrics whose ``parts_of`` is ``total_id``."""
        groups: dict[str, list[Metric]] = {}
        for metric in self._metrics.values():
            if metric.parts_of == total_id:
                groups.setdefault(metric.breakdown or "parts", []).append(metric)
        return groups

    def dependents(self, metric_id: str) -> list[str]:
        """Derived metrics whose formula reads ``metric_id`` directly."""
        return [m for m, f in self._formulas.items() if metric_id in f.inputs]

    def by_disclosure(self, framework: str) -> dict[str, list[Metric]]:
        """Disclosure code -> metrics that answer it, for one framework."""
        index: dict[str, list[Metric]] = {}
        for metric in self._metrics.values():
            for code in metric.disclosure_codes(framework):
                index.setdefault(code, []).append(metric)
        return index


def _metric_from(entry: dict[str, Any], where: str) -> Metric:
    known = {
        "id",
        "name",
        "unit",
        "topic",
        "aggregation",
        "precision",
        "formula",
        "parts_of",
        "breakdown",
        "disclosures",
        "reconcile",
        "description",
    }
    unknown = set(entry) - known
    if unknown:
        raise CatalogError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    metric_id = str(entry.get("id", ""))
    if not _ID.match(metric_id):
        raise CatalogError(f"{where}: metric id {metric_id!r} is not dotted lower-case identifiers")
    for required in ("name", "unit", "topic"):
        if not entry.get(required):
            raise CatalogError(f"{where}: metric {metric_id} has no {required}")
    try:
        parse_unit(str(entry["unit"]))
    except UnitError as exc:
        raise CatalogError(f"{where}: metric {metric_id}: {exc}") from exc
    disclosures = {
        str(framework): tuple(str(code) for code in codes)
        for framework, codes in (entry.get("disclosures") or {}).items()
    }
    try:
        aggregation = Aggregation(entry.get("aggregation", "sum"))
    except ValueError as exc:
        raise CatalogError(f"{where}: metric {metric_id}: {exc}") from exc
    return Metric(
        id=metric_id,
        name=str(entry["name"]),
        unit=str(entry["unit"]),
        topic=str(entry["topic"]),
        aggregation=aggregation,
        precision=int(entry.get("precision", 1)),
        formula=entry.get("formula"),
        parts_of=entry.get("parts_of"),
        breakdown=entry.get("breakdown"),
        disclosures=disclosures,
        reconcile=str(entry.get("reconcile", "strict")),
        description=str(entry.get("description", "")),
    )


def read_metrics(path: Path) -> list[Metric]:
    """Read metric definitions from one YAML file (a list under ``metrics:``)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = document.get("metrics", [])
    return [_metric_from(entry, f"{path.name}, metric #{i + 1}") for i, entry in enumerate(entries)]


def catalog_dir() -> Path:
    """The folder of the catalog shipped in the package."""
    return Path(str(resources.files("esgledger") / "data" / "catalog"))


@cache
def default_catalog() -> Catalog:
    """The catalog shipped with esgledger (all ``*.yaml`` files of the catalog folder)."""
    from esgledger.core.factors import default_library

    metrics: list[Metric] = []
    for path in sorted(catalog_dir().glob("*.yaml")):
        metrics.extend(read_metrics(path))
    return Catalog(metrics, default_library().unit_of)
