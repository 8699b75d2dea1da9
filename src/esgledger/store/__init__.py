"""The ledger database: SQLAlchemy tables, Alembic migrations and the :class:`Ledger` API."""

from esgledger.store.ledger import Ledger, RecordResult, database_url

__all__ = ["Ledger", "RecordResult", "database_url"]
