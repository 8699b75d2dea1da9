"""Derived figures: formulas over the catalog, consolidation up the entity tree, lineage."""

from esgledger.calculate.engine import (
    CalculationSettings,
    Figure,
    Lineage,
    Results,
    calculate,
)

__all__ = ["CalculationSettings", "Figure", "Lineage", "Results", "calculate"]
