"""The DuckDB SQL of the GHG inventory is generated from the Ibis definition and kept in step."""

from __future__ import annotations

import datetime as dt

import ibis

from esgledger.calculate.ghg_sql import GENERATED, module_text, plan
from esgledger.calculate.ghg_tables import REFERENCE_SCHEMAS, reference_tables
from esgledger.core.factors import default_library
from esgledger.core.ghg_activity import activity_types_path, read_activity_types
from esgledger.core.model import Entity


def test_generated_duckdb_sql_is_what_the_ibis_definition_compiles_to() -> None:
    # if this fails, the Ibis definition (or Ibis/sqlglot) changed: regenerate with
    # `python -m esgledger.calculate.ghg_sql` and review the diff
    assert GENERATED["duckdb"].read_text() == module_text("duckdb")


def test_the_plan_reads_named_tables_and_takes_the_period_as_parameters() -> None:
    duckdb = plan("duckdb")
    assert [name for name, _ in duckdb.steps] == [f"ghg_step_{n}" for n in range(1, 5)]
    first = duckdb.steps[0][1]
    assert '"ghg_activity"' in first and "$start" in first and "$end" in first
    assert "$start" not in duckdb.results and "ghg_step_4" in duckdb.results


def test_reference_tables_have_the_schemas_the_sql_was_compiled_for() -> None:
    library = default_library()
    types = read_activity_types(activity_types_path(), library.unit_of)
    entities = [Entity(code="g", name="G", kind="group", country="CN")]
    refs = reference_tables(library, types, entities, "ipcc-ar5")
    for name, schema in REFERENCE_SCHEMAS.items():
        assert getattr(refs, name).schema.equals(schema), name


def test_the_rejects_listing_has_the_declared_columns() -> None:
    from esgledger.calculate.ghg_query import REJECTS_SCHEMA, InventoryTables, _period_rows
    from esgledger.calculate.ghg_sql import inputs

    activity, refs = inputs()
    rows = _period_rows(activity, dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    tables = InventoryTables(rows=rows, entities=refs["entities"], terms=_terms())
    assert tables.rejects.schema().to_pyarrow().equals(REJECTS_SCHEMA)


def _terms() -> ibis.Table:
    return ibis.table(ibis.schema(plan("duckdb").terms_schema), name="ghg_step_4")
