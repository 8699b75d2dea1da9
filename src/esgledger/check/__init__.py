"""Checks of the ledger's data: plain functions registered in :data:`CHECKS`, run in order."""

from esgledger.check.checks import CHECKS, CheckContext, run_checks

__all__ = ["CHECKS", "CheckContext", "run_checks"]
