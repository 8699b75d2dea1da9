"""Where activity rows are kept: a folder of Parquet files beside the ledger, one per batch.

Why Parquet files and not a ledger table: activity data runs to millions of rows, and the
engines that compute the inventory (DuckDB, Spark) scan Parquet in place, column by column,
without first copying rows out of SQLite or PostgreSQL. Each import batch writes one
immutable file (history is appended, never overwritten), named in the ledger's
``activity_batch`` table with the source file's SHA-256, user and time.

For a SQLite ledger ``acme.db`` the store is ``acme.db.activity/``; for a PostgreSQL ledger
the folder is given once (``--store``) and remembered in the ledger's settings.
"""

from __future__ import annotations

from pathlib import Path

from esgledger.errors import NotFound
from esgledger.store.ghg import batches
from esgledger.store.ledger import Ledger

STORE_SETTING = "ghg.activity_store"


def activity_store(ledger: Ledger, override: Path | None = None) -> Path:
    """The ledger's activity store folder (created and remembered on first use)."""
    if override is not None:
        ledger.set_setting(STORE_SETTING, str(override.resolve()))
        return override.resolve()
    remembered = ledger.setting(STORE_SETTING)
    if remembered:
        return Path(remembered)
    url = ledger.engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        return Path(url.database).resolve().with_name(Path(url.database).name + ".activity")
    raise NotFound("this ledger has no activity store yet; give one with --store FOLDER")


def row_files(ledger: Ledger, store: Path | None = None) -> list[Path]:
    """The Parquet files of every recorded batch, oldest first."""
    folder = store or activity_store(ledger)
    files = [folder / b["rows_file"] for b in batches(ledger)]
    missing = [f for f in files if not f.exists()]
    if missing:
        raise NotFound(f"activity store {folder} lacks {', '.join(f.name for f in missing)}")
    return files
