"""Where the GHG inventory runs: DuckDB (embedded, default), PostgreSQL, or Spark (local mode).

An :class:`EngineSession` connects to a backend through Ibis, loads the activity rows (the
Parquet files of the activity store) and the reference tables, and hands them to
:func:`esgledger.calculate.ghg_query.inventory_queries`, which materialises its intermediate
relations through :meth:`EngineSession.materialise` (released when the session closes).
DuckDB reads the Parquet files in place; PostgreSQL receives them as tables in a schema of its
own (created and dropped by the session when it made it); Spark reads them as a Parquet data
source.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.operations as ops
import pyarrow as pa
import pyarrow.parquet as pq
from ibis.expr.types import Table

from esgledger.calculate.ghg_query import InventoryTables, _period_rows, inventory_queries
from esgledger.calculate.ghg_sql import ACTIVITY, plan
from esgledger.calculate.ghg_tables import ACTIVITY_SCHEMA, ReferenceTables
from esgledger.errors import EsgLedgerError

ENGINES = ("duckdb", "postgres", "spark")
__all__ = ["ACTIVITY_SCHEMA", "ENGINES", "EngineError", "EngineSession"]


class EngineError(RuntimeError, EsgLedgerError):
    """The calculation engine cannot be reached or refused a query."""


class EngineSession:
    """A backend connection holding one calculation's tables."""

    def __init__(self, engine: str, *, url: str | None = None, spark: Any = None) -> None:
        if engine not in ENGINES:
            raise EngineError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
        self.engine = engine
        self.schema: str | None = None
        self.cached: list[Any] = []
        self.temporary = 0
        try:
            self.con = self._connect(engine, url, spark)
        except Exception as exc:  # backends raise their own driver errors
            raise EngineError(f"cannot start the {engine} engine: {exc}") from exc

    def _connect(self, engine: str, url: str | None, spark: Any) -> Any:
        if engine == "duckdb":
            return ibis.duckdb.connect()
        if engine == "spark":
            return ibis.pyspark.connect(spark or _local_spark())
        if not url:
            raise EngineError("the postgres engine needs a database URL")
        con = ibis.connect(url.replace("postgresql+psycopg://", "postgres://"))
        self.schema = f"esgledger_ghg_{secrets.token_hex(4)}"
        con.raw_sql(f'CREATE SCHEMA "{self.schema}"')
        return con

    def _table(self, name: str, data: pa.Table) -> Table:
        if self.engine == "postgres":
            return self.con.create_table(name, data, database=self.schema)
        if self.engine == "spark":
            return self.con.create_table(name, data.to_pandas(), overwrite=True)
        # DuckDB scans the Arrow table in place (a view, no copy); its schema is known here,
        # so no catalog round trip
        self.con.con.register(name, data)
        return self._bound(name, ibis.Schema.from_pyarrow(data.schema))

    def _bound(self, name: str, schema: ibis.Schema, catalog: str | None = None) -> Table:
        """A DuckDB table or view of this session whose schema is already known."""
        namespace = ops.Namespace(catalog=catalog, database="main" if catalog else None)
        return ops.DatabaseTable(
            name, schema=schema, source=self.con, namespace=namespace
        ).to_expr()

    def activity(self, files: Sequence[Path]) -> Table:
        """The activity rows of the given Parquet files as a table of this backend."""
        if not files:
            return self._table(ACTIVITY, ACTIVITY_SCHEMA.empty_table())
        if self.engine == "duckdb":
            # a view over the files (written with ACTIVITY_SCHEMA): no catalog round trip
            paths = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
            self.con.raw_sql(f'CREATE VIEW "{ACTIVITY}" AS SELECT * FROM read_parquet([{paths}])')
            return self._bound(ACTIVITY, ibis.Schema.from_pyarrow(ACTIVITY_SCHEMA))
        if self.engine == "spark":
            return self.con.read_parquet(str(files[0].parent), table_name=ACTIVITY)
        data = pa.concat_tables(pq.read_table(f, schema=ACTIVITY_SCHEMA) for f in files)
        return self._table(ACTIVITY, data)

    def inventory(
        self, files: Sequence[Path], refs: ReferenceTables, start: dt.date, end: dt.date
    ) -> tuple[pa.Table, InventoryTables]:
        """The inventory of the rows of ``files`` dated ``start``..``end``: the result
        relation (see :class:`~esgledger.calculate.ghg_query.InventoryQueries`) and the
        relations the row listings read.

        On DuckDB this runs the SQL text generated ahead of time from the Ibis definition
        (:mod:`esgledger.calculate.ghg_sql`): no expression is built or compiled per run.
        Other engines build the Ibis expressions and compile them here.
        """
        activity = self.activity(files)
        tables = self.references(refs)
        if self.engine != "duckdb":
            queries = inventory_queries(activity, tables, start, end, self.materialise)
            return self.fetch(queries.results), queries
        steps = plan("duckdb")
        bounds = {"start": start, "end": end}
        for name, sql in steps.steps:
            params = {k: v for k, v in bounds.items() if f"${k}" in sql}
            self.con.con.execute(f'CREATE TEMP TABLE "{name}" AS {sql}', params or None)
        results = self.con.con.sql(steps.results).to_arrow_table()
        name = steps.steps[-1][0]
        terms = self._bound(name, ibis.schema(steps.terms_schema), catalog="temp")
        rows = _period_rows(activity, start, end)
        return results, InventoryTables(rows=rows, entities=tables["entities"], terms=terms)

    def references(self, refs: ReferenceTables) -> dict[str, Table]:
        """The reference tables loaded into this backend."""
        return {
            name: self._table(f"ref_{name}", getattr(refs, name))
            for name in ("factors", "terms", "types", "gwp", "entities")
        }

    def materialise(self, expr: Table) -> Table:
        """``expr`` computed once into a temporary table (DuckDB, PostgreSQL) or a cached
        DataFrame (Spark), released when the session closes.

        On DuckDB this is one ``CREATE TEMP TABLE ... AS`` statement and the table's schema
        is the expression's (Ibis ``cache()`` creates, then inserts, then reads the catalog:
        three round trips); the temporary tables go with the session's connection.
        """
        if self.engine == "duckdb":
            self.temporary += 1
            name = f"ghg_step_{self.temporary}"
            self.con.raw_sql(f'CREATE TEMP TABLE "{name}" AS {self.con.compile(expr)}')
            return self._bound(name, expr.schema(), catalog="temp")
        cached = expr.cache()
        self.cached.append(cached)
        return cached

    def fetch(self, expr: Table) -> pa.Table:
        """The rows of ``expr`` as an Arrow table (on DuckDB straight from the connection:
        one compile, no conversion pass)."""
        if self.engine == "duckdb":
            return self.con.con.sql(self.con.compile(expr)).to_arrow_table()
        return expr.to_pyarrow()

    def close(self) -> None:
        """Drop what the session created and disconnect."""
        while self.cached:
            self.cached.pop().release()
        if self.schema is not None:
            self.con.raw_sql(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')
            self.schema = None
        if self.engine != "spark":
            self.con.disconnect()

    def __enter__(self) -> EngineSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _local_spark() -> Any:
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .appName("esgledger-ghg")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
