"""esgledger: an ESG data ledger.

The flow of the package follows the reporting cycle:
``collect`` (importers) -> ``store`` (the ledger database) -> ``calculate`` (derived figures,
consolidation, GHG) -> ``check`` (validations) -> ``report`` (HTML/PDF/exports).
``core`` holds the domain types, units, the metric catalog and factor libraries; it imports
nothing from the other layers.
"""

__version__ = "0.1.0"
