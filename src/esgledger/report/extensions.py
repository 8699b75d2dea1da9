"""Report blocks contributed by other parts of esgledger (materiality, supply chain, GHG...).

A block is a named, generated part of a report section (``blocks: [materiality_matrix]`` in
a report layout). The built-in blocks live in :mod:`esgledger.report.build`; a feature adds
its own by registering a renderer here: a function ``(ledger, period) -> html`` returning a
trusted HTML fragment built with Jinja2 autoescaping or :func:`markupsafe.escape`. Modules
that register blocks are listed in :data:`BLOCK_MODULES` and imported on first use, so the
report layer never imports a feature it does not need.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from esgledger.store.ledger import Ledger

BlockRenderer = Callable[[Ledger, str], str]

# Modules whose import registers report blocks (each calls register_block at import time).
BLOCK_MODULES: tuple[str, ...] = (
    "esgledger.report.materiality",
    "esgledger.report.supply_chain",
    "esgledger.report.ghg_inventory",  # issue 3
)

_BLOCKS: dict[str, BlockRenderer] = {}
_loaded = False


def register_block(name: str) -> Callable[[BlockRenderer], BlockRenderer]:
    """Decorator: make ``name`` usable in report layouts, rendered by the decorated function."""

    def decorate(renderer: BlockRenderer) -> BlockRenderer:
        _BLOCKS[name] = renderer
        return renderer

    return decorate


def extension_blocks() -> dict[str, BlockRenderer]:
    """Every registered block renderer, by name."""
    global _loaded
    if not _loaded:
        for module in BLOCK_MODULES:
            importlib.import_module(module)
        _loaded = True
    return dict(_BLOCKS)
