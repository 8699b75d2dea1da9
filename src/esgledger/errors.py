"""One exception hierarchy for programming and API failures.

Problems in users' data are *values* (see :class:`esgledger.core.problems.Problem`); these
exceptions are for failures that stop an operation. Each class also inherits the builtin it
resembles, so callers may catch either.
"""

from __future__ import annotations


class EsgLedgerError(Exception):
    """Base class of every esgledger error."""


class UnitError(ValueError, EsgLedgerError):
    """A unit is unknown or has the wrong dimension for its metric."""


class CatalogError(ValueError, EsgLedgerError):
    """The metric catalog or a framework file is inconsistent."""


class UnknownMetricError(KeyError, EsgLedgerError):
    """A metric id is not in the catalog."""

    def __str__(self) -> str:  # KeyError quotes its argument; keep messages readable
        return str(self.args[0]) if self.args else "unknown metric"


class FactorError(LookupError, EsgLedgerError):
    """No emission or conversion factor matches the request."""


class FormulaError(ValueError, EsgLedgerError):
    """A derived metric's formula cannot be parsed or has inconsistent units."""


class ImportFailed(ValueError, EsgLedgerError):
    """An import was refused; nothing was written. ``problems`` lists every reason."""

    def __init__(self, problems: list) -> None:  # list[Problem]; typed loosely to avoid a cycle
        self.problems = problems
        first = problems[0] if problems else "no details"
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}")


class StoreError(RuntimeError, EsgLedgerError):
    """The ledger database cannot be opened, migrated or written."""


class NotFound(LookupError, EsgLedgerError):
    """An entity, period or datapoint asked for does not exist in the ledger."""


class ConflictError(RuntimeError, EsgLedgerError):
    """The data moved since it was read: the expected version no longer matches (reload, retry).

    ``current`` is the version now stored, when known.
    """

    def __init__(self, message: str, current: int | None = None) -> None:
        self.current = current
        super().__init__(message)


class WorkflowError(ValueError, EsgLedgerError):
    """A review step is not allowed: wrong status, unexplained swing, missing reason."""
