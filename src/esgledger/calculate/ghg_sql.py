"""The GHG inventory's SQL text, compiled from the Ibis definition once, not on every run.

The SQL of each materialised step and of the result query depends only on the definition in
:mod:`esgledger.calculate.ghg_query` and on the dialect, not on the data, when the steps read
named relations: the activity rows (``ghg_activity``), the reference tables (``ref_factors``,
``ref_terms``, ``ref_types``, ``ref_gwp``, ``ref_entities``) and the earlier steps
(``ghg_step_1``..``ghg_step_4``). The period's bounds are parameters (``$start``, ``$end``).

Building the Ibis expressions and compiling them through sqlglot costs about 0.2 s per run,
more than DuckDB needs for the whole inventory of 10^5 rows. So the DuckDB text is compiled
ahead of time into :mod:`esgledger.calculate.ghg_sql_duckdb` (``python -m
esgledger.calculate.ghg_sql`` writes it) and a test regenerates it from the Ibis definition
and requires it to be identical: the Ibis definition stays the single source, the file cannot
drift. Other dialects compile at first use and stay cached in the process (:func:`plan`).
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ibis
from ibis.expr.types import Table

from esgledger.calculate.ghg_query import inventory_queries
from esgledger.calculate.ghg_tables import ACTIVITY_SCHEMA, REFERENCE_SCHEMAS

ACTIVITY = "ghg_activity"
# the period bounds are compiled as these dates, then replaced by parameters
_BOUNDS = {"start": dt.date(1111, 11, 11), "end": dt.date(2222, 12, 22)}
_DATE_SQL = {"duckdb": "MAKE_DATE({d.year}, {d.month}, {d.day})"}
_PARAMETER = {"duckdb": "${name}"}
GENERATED = {"duckdb": Path(__file__).with_name("ghg_sql_duckdb.py")}


@dataclass(frozen=True, kw_only=True)
class InventoryPlan:
    """The inventory as SQL text of one dialect.

    Attributes:
        steps: (temporary table, query) of each materialised step, in order.
        results: the result query (column ``part``: emissions, contributions, counts).
        terms_schema: column and type of the last step (the terms), for row listings.
    """

    steps: tuple[tuple[str, str], ...]
    results: str
    terms_schema: dict[str, str]


def step_name(n: int) -> str:
    """The temporary table of materialised step ``n`` (from 1)."""
    return f"ghg_step_{n}"


def inputs() -> tuple[Table, dict[str, Table]]:
    """The activity rows and reference tables as named (unbound) tables."""
    activity = ibis.table(ibis.Schema.from_pyarrow(ACTIVITY_SCHEMA), name=ACTIVITY)
    refs = {
        name: ibis.table(ibis.Schema.from_pyarrow(schema), name=f"ref_{name}")
        for name, schema in REFERENCE_SCHEMAS.items()
    }
    return activity, refs


def _parametrised(sql: str, dialect: str) -> str:
    for name, day in _BOUNDS.items():
        sql = sql.replace(_DATE_SQL[dialect].format(d=day), _PARAMETER[dialect].format(name=name))
    if any(str(day.year) in sql for day in _BOUNDS.values()):
        raise ValueError(f"a period bound was not replaced by a parameter in {dialect} SQL")
    return sql


def build_plan(dialect: str) -> InventoryPlan:
    """Compile the Ibis definition of :func:`~esgledger.calculate.ghg_query.inventory_queries`
    to SQL text of ``dialect`` (each step reading the previous ones by name)."""
    if dialect not in _DATE_SQL:
        raise ValueError(f"no SQL parameters known for dialect {dialect!r}")
    steps: list[tuple[str, str]] = []
    schemas: list[ibis.Schema] = []

    def named(expr: Table) -> Table:
        name = step_name(len(steps) + 1)
        steps.append((name, _parametrised(ibis.to_sql(expr, dialect=dialect), dialect)))
        schemas.append(expr.schema())
        return ibis.table(schemas[-1], name=name)

    activity, refs = inputs()
    queries = inventory_queries(activity, refs, _BOUNDS["start"], _BOUNDS["end"], named)
    results = _parametrised(ibis.to_sql(queries.results, dialect=dialect), dialect)
    terms = {column: str(kind) for column, kind in schemas[-1].items()}
    return InventoryPlan(steps=tuple(steps), results=results, terms_schema=terms)


@cache
def plan(dialect: str) -> InventoryPlan:
    """The plan of ``dialect``: the generated module when there is one, else compiled now
    (once per process)."""
    if dialect == "duckdb":
        from esgledger.calculate import ghg_sql_duckdb as generated

        return InventoryPlan(
            steps=generated.STEPS, results=generated.RESULTS, terms_schema=generated.TERMS
        )
    return build_plan(dialect)


def _quoted(sql: str) -> str:
    if '"""' in sql or "\\" in sql:
        raise ValueError("SQL text that a triple-quoted string cannot hold")
    return '"""\n' + sql + '\n"""'


def module_text(dialect: str) -> str:
    """The source of the generated module of ``dialect``."""
    built = build_plan(dialect)
    steps = "".join(
        f'    (\n        "{name}",\n        {_quoted(sql)},\n    ),\n' for name, sql in built.steps
    )
    terms = "".join(f'    "{c}": "{k}",\n' for c, k in built.terms_schema.items())
    return (
        f'"""The GHG inventory as {dialect} SQL - generated by `python -m '
        f"esgledger.calculate.ghg_sql`\nfrom the Ibis definition in ghg_query.py: do not edit "
        f'(tests/test_ghg_sql.py checks it)."""\n\n'
        "# ruff: noqa: E501\n\n"
        f"STEPS = (\n{steps})\n\n"
        f"RESULTS = {_quoted(built.results)}\n\n"
        f"TERMS = {{\n{terms}}}\n"
    )


def main() -> None:
    """Write the generated modules (``--check``: fail when one differs)."""
    stale = []
    for dialect, path in GENERATED.items():
        text = module_text(dialect)
        if path.exists() and path.read_text() == text:
            continue
        stale.append(path.name)
        if "--check" not in sys.argv:
            path.write_text(text)
    if stale and "--check" in sys.argv:
        raise SystemExit(f"stale: {', '.join(stale)}")


if __name__ == "__main__":
    main()
