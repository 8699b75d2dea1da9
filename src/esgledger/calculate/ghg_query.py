"""The GHG inventory as relational queries, written once in Ibis for every backend.

Why Ibis: the same expression compiles (through sqlglot) to DuckDB SQL, PostgreSQL SQL and
Spark SQL, so the inventory runs embedded on one machine (DuckDB, the default), next to a
PostgreSQL ledger, or on a Spark cluster, without three hand-kept SQL dialects. The plan is
plain SQL - joins and group-bys, no window functions - so each engine optimises it natively;
Python never loops over activity rows.

The plan touches the activity rows once; everything after works on small tables. Four steps
are materialised and one query returns every result (five round trips, each expression built
and compiled once per run):

1. *groups* (the one pass over the rows): the period's rows summed per entity, activity type,
   year, factor-selecting attributes and contractual instrument - row count, quantity (in the
   type's unit) and quantity x instrument factor. Emissions are linear in the quantity
   (sum(q) x f = sum(q x f)), so factors are applied to these sums, not to rows;
2. *selector rows*: the distinct selectors (activity type, year, supplier, grid region,
   country, gas) of the groups (the entity's regions filled in), each with its activity type
   and every term alternative - factors are resolved for these distinct selectors only;
3. *resolved factors*: each distinct (year, regions, key) joined with the factor table; the
   candidate with the smallest (fallback level - supplier, grid region, country, global
   ``*`` -, set priority, factor id), packed in one integer and taken by a ``min`` group-by,
   answers, and its level is kept for lineage;
4. *terms*: per selector and gas stream, the first alternative whose factors all exist (a
   packed ``min`` again, joined back), its value, gas, GWP and reject reason;
5. *results* (one query, column ``part``): each group with its selector's reject reasons
   (unknown entity or type, missing factor, gas without GWP; a group-by of the terms) gives
   the emissions per entity/scope/category/method/gas, the contributions (lineage, from the
   groups summed per selector) and the row counts.

Rejected rows are listed row by row (batch and line) by one more pass over the rows, joined
with the few selectors that can reject; callers run it only when the counts show rejects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import ibis
import pyarrow as pa
from ibis.expr.types import Table

from esgledger.calculate.ghg_tables import (
    ACTIVITY_SCHEMA,
    RANK_BASE,  # ranks packed as a * RANK_BASE + b
)

SELECTOR = ("activity_type", "year", "s_supplier", "s_grid", "s_country", "s_gas")
# the group keys of the one pass over the rows: the raw attributes a selector is made of
GROUP = ("entity", "activity_type", "year", "supplier", "grid_region", "country", "gas",
         "instrument")  # fmt: skip
MARKET = "market"
# the columns of :attr:`InventoryTables.rejects` (a test checks them against the expression)
REJECTS_SCHEMA = pa.schema(
    [ACTIVITY_SCHEMA.field(c) for c in ("batch_id", "line", "entity", "activity_type",
                                        "activity_date")] + [pa.field("reason", pa.string())]
)  # fmt: skip
PLACES = ("year", "s_supplier", "s_grid", "s_country")  # where a factor key is looked up


@dataclass(frozen=True, kw_only=True)
class InventoryTables:
    """The relations the on-demand row listings read.

    Attributes:
        rows: the activity rows of the period.
        entities: the entities reference table.
        terms: the materialised terms of every selector.
    """

    rows: Table
    entities: Table
    terms: Table

    @property
    def row_emissions(self) -> Table:
        """One row per activity row and gas stream (for tracing rows; built on demand)."""
        return _row_emissions(self.rows, self.entities, self.terms)

    @property
    def rejects(self) -> Table:
        """Rows that could not be computed, with batch, line and reason (one more pass over
        the rows: run it only when the counts show rejected rows; built on demand)."""
        return _rejects(self.rows, self.entities, self.terms)


@dataclass(frozen=True, kw_only=True)
class InventoryQueries(InventoryTables):
    """The expressions of one inventory calculation (materialised parts already computed).

    Attributes:
        results: in one relation (column ``part``), the emissions per entity, scope,
            category, method and gas (rows, tonnes of gas, tCO2e); the contributions per
            activity type, term, factors and fallback levels (the lineage); and the row
            counts, computed and rejected.
    """

    results: Table


def _period_rows(activity: Table, start: dt.date, end: dt.date) -> Table:
    rows = activity.filter((activity.activity_date >= start) & (activity.activity_date <= end))
    return rows.mutate(year=rows.activity_date.year().cast("int64"))


def _with_selector(rows: Table, entities: Table) -> Table:
    """Rows (or groups) with their entity's regions and selector columns (``code`` null when
    the entity is unknown)."""
    rows = rows.left_join(entities, rows.entity == entities.code)
    return rows.mutate(
        s_supplier=ibis.coalesce(rows.supplier, ""),
        s_grid=ibis.coalesce(rows.grid_region, rows.ent_grid, ""),
        s_country=ibis.coalesce(rows.country, rows.ent_country, ""),
        s_gas=ibis.coalesce(rows.gas, ""),
    )


def _groups(rows: Table) -> Table:
    """The one pass over the activity rows: counts and sums per entity and raw selector."""
    return rows.group_by(*GROUP).aggregate(
        n=rows.count(),
        quantity=rows.quantity.sum(),
        q_instrument=(rows.quantity * rows.instrument_factor).sum(),
    )


def _resolved(selector_terms: Table, factors: Table) -> Table:
    """The answering factor of each (place, key): fallback level first, then priority.

    No window function: each candidate's rank (level, priority, factor id) is packed into one
    integer, the best is ``min`` per (place, key) - a group-by - and the factor id it ends
    with picks the factor's value, gas and region.
    """
    keys = selector_terms.select(*PLACES, key=selector_terms.key1).union(
        selector_terms.select(*PLACES, key=selector_terms.key2), distinct=True
    )
    keys = keys.filter(keys.key != "")
    cand = keys.join(
        factors,
        [
            keys.key == factors.key,
            factors.valid_from <= keys.year,
            factors.valid_to >= keys.year,
            (factors.region == keys.s_supplier)
            | (factors.region == keys.s_grid)
            | (factors.region == keys.s_country)
            | (factors.region == "*"),
        ],
    )
    level = ibis.cases(
        (cand.region == cand.s_supplier, 0),
        (cand.region == cand.s_grid, 1),
        (cand.region == cand.s_country, 2),
        else_=3,
    ).cast("int64")
    rank = (level * RANK_BASE + cand.priority) * RANK_BASE + cand.factor_id
    best = cand.group_by(*PLACES, "key").aggregate(best=rank.min())
    f = factors.select("factor_id", "value", "gas", level="region")
    chosen = best.join(f, (best.best % RANK_BASE) == f.factor_id)
    return chosen.drop("best")


def _factor_slot(resolved: Table, n: int) -> Table:
    """``resolved`` with columns named for factor slot ``n`` (``f1``, ``v1``, ``g1``...)."""
    return resolved.rename(
        **{f"r{n}_{c}": c for c in (*PLACES, "key")},
        **{f"f{n}": "factor_id", f"v{n}": "value", f"g{n}": "gas", f"l{n}": "level"},
    )


def _selector_rows(selectors: Table, refs: dict[str, Table]) -> Table:
    """Each selector with its type and every term alternative (one join, one projection).

    Selectors whose type is unknown or has no terms keep one row (``has_term`` false) whose
    method, term and keys join like every other (it never makes emissions).
    """
    types = refs["types"].rename(t_type="activity_type")
    terms = refs["terms"].rename(x_type="activity_type")
    j = selectors.left_join(types, selectors.activity_type == types.t_type).left_join(
        terms, selectors.activity_type == terms.x_type
    )
    return j.select(
        *SELECTOR, "t_type", "scope", "category",
        gas_from_row=ibis.coalesce(j.gas_from_row, False), has_term=j.term.notnull(),
        method=ibis.coalesce(j.method, ""), term=ibis.coalesce(j.term, -1),
        alternative=ibis.coalesce(j.alternative, 0), key1=ibis.coalesce(j.key1, ""),
        key2=ibis.coalesce(j.key2, ""), scale=j.scale,
    )  # fmt: skip


def _selector_terms(st: Table, resolved: Table, refs: dict[str, Table]) -> Table:
    """Per selector and gas stream: the chosen alternative, its value, gas and factors.

    ``st`` is :func:`_selector_rows` and ``resolved`` :func:`_resolved` (both materialised).
    The factors of both keys and the GWP of the resulting gas are joined in one join, the
    outcome computed in one projection.
    """
    r1, r2 = _factor_slot(resolved, 1), _factor_slot(resolved, 2)
    gwp = refs["gwp"].rename(gwp_gas="gas")
    gas = ibis.cases(
        (st.gas_from_row, st.s_gas), (st.key2 != "", r2.g2), (st.key1 != "", r1.g1), else_=""
    )
    j = (
        st.left_join(r1, [st[c] == r1[f"r1_{c}"] for c in PLACES] + [st.key1 == r1.r1_key])
        .left_join(r2, [st[c] == r2[f"r2_{c}"] for c in PLACES] + [st.key2 == r2.r2_key])
        .left_join(gwp, gas == gwp.gwp_gas)
    )
    found = ((j.key1 == "") | j.f1.notnull()) & ((j.key2 == "") | j.f2.notnull())
    gas = ibis.cases(
        (j.gas_from_row, j.s_gas), (j.key2 != "", j.g2), (j.key1 != "", j.g1), else_=""
    )
    x = j.select(
        *st.columns, "f1", "v1", "g1", "l1", "f2", "v2", "g2", "l2", "gwp",
        gas=gas,
        ok=j.has_term & found & j.gwp.notnull(),
        value=ibis.coalesce(j.v1, 1.0) * ibis.coalesce(j.v2, 1.0) * j.scale,
        reason=ibis.cases(
            (~j.has_term, ibis.null("string")),
            (~found, _missing_reason(j)),
            (j.gas_from_row & j.gwp.isnull(), "no GWP for gas " + gas + " in the GWP set"),
            (j.gwp.isnull(), "factor gas " + gas + " has no GWP"),
            else_=ibis.null("string"),
        ),
    )  # fmt: skip
    # per (selector, gas stream) the first alternative that computes, else the first: the
    # smallest (not ok, alternative) packed in one integer, by a group-by, joined back
    stream = [*SELECTOR, "method", "term"]
    pick = x.group_by(*stream).aggregate(
        pick=(ibis.cases((x.ok, 0), else_=1).cast("int64") * RANK_BASE + x.alternative).min()
    )
    pick = pick.rename(**{f"p_{c}": c for c in stream})
    on = [x[c] == pick[f"p_{c}"] for c in stream] + [x.alternative == pick.pick % RANK_BASE]
    return x.join(pick, on).select(*x.columns)


def _flags(terms: Table) -> Table:
    """One row per selector: its columns and selector-level reject reasons (a group-by)."""
    failed = terms.reason.notnull()
    return terms.group_by(*SELECTOR, "t_type", "has_term").aggregate(
        other_reason=ibis.cases((failed & (terms.method != MARKET), terms.reason)).min(),
        market_reason=ibis.cases((failed & (terms.method == MARKET), terms.reason)).min(),
    )


def _missing_reason(st: Table) -> ibis.Value:
    missing = ibis.cases((st.f1.isnull() & (st.key1 != ""), st.key1), else_=st.key2)
    return (
        "no factor "
        + missing
        + " for "
        + st.year.cast("string")
        + " in regions "
        + ibis.coalesce(st.s_supplier.nullif(""), "-")
        + "/"
        + ibis.coalesce(st.s_grid.nullif(""), "-")
        + "/"
        + ibis.coalesce(st.s_country.nullif(""), "-")
        + "/*"
    )


def _reason(e: Table) -> ibis.Value:
    """Why a row (or group) of ``e`` - joined with its selector's flags - is rejected."""
    return ibis.cases(
        (e.code.isnull(), "entity " + e.entity + " is not in the ledger"),
        (e.t_type.isnull(), "unknown activity type " + e.activity_type),
        (e.other_reason.notnull(), e.other_reason),
        (e.market_reason.notnull() & e.instrument.isnull(), e.market_reason),
        else_=ibis.null("string"),
    )


def _checked(groups: Table, entities: Table, flags: Table) -> Table:
    """Each group with its selector and reject reason (null: computed)."""
    keyed = _with_selector(groups, entities)
    e = keyed.join(flags, list(SELECTOR))
    return e.select(
        *SELECTOR, "entity", "instrument", "n", "quantity", "q_instrument", "has_term",
        reason=_reason(e),
    )  # fmt: skip


def _emission_terms(accepted: Table, terms: Table) -> Table:
    """Accepted rows or groups times each term of their selector: tonnes of gas and tCO2e.

    ``quantity`` and ``q_instrument`` are row values or group sums (emissions are linear).
    """
    t = terms.select(
        *SELECTOR, "method", "term", "value", "f1", "f2", "l1", "l2", "scope", "category",
        t_gas_name="gas", t_gwp="gwp",
    )  # fmt: skip
    e = accepted.join(t, list(SELECTOR))
    instrumented = (e.method == MARKET) & e.instrument.notnull()
    t_gas = ibis.cases((instrumented, e.q_instrument), else_=e.quantity * e.value)
    return e.mutate(
        gas=ibis.cases((instrumented, "CO2e"), else_=e.t_gas_name),
        level=ibis.cases(
            (instrumented, "instrument:" + e.instrument), else_=ibis.coalesce(e.l2, e.l1, "")
        ),
        t_gas=t_gas,
        tco2e=t_gas * ibis.cases((instrumented, 1.0), else_=e.t_gwp),
    )


def _row_emissions(rows: Table, entities: Table, terms: Table) -> Table:
    """One row per accepted activity row and gas stream (recomputed from the rows)."""
    keyed = _with_selector(rows, entities)
    e = keyed.join(_flags(terms), list(SELECTOR))
    e = e.mutate(reason=_reason(e), q_instrument=e.quantity * e.instrument_factor)
    e = _emission_terms(e.filter(e.reason.isnull() & e.has_term).drop("gas"), terms)
    return e.select(
        "batch_id", "line", "entity", "activity_date", "activity_type", "scope", "category",
        "method", "term", "quantity", "f1", "f2", "l1", "l2", "level", "instrument",
        "gas", "t_gas", "tco2e", "year",
    )  # fmt: skip


def _rejects(rows: Table, entities: Table, terms: Table) -> Table:
    """Rows that cannot be computed: unknown entity, or a selector with a reject reason."""
    keyed = _with_selector(rows, entities)
    flags = _flags(terms)
    bad = flags.filter(
        flags.t_type.isnull() | flags.other_reason.notnull() | flags.market_reason.notnull()
    ).mutate(bad=True)
    e = keyed.left_join(bad, list(SELECTOR))
    reason = ibis.cases(
        (e.code.isnull(), "entity " + e.entity + " is not in the ledger"),
        (e.bad.isnull(), ibis.null("string")),
        (e.t_type.isnull(), "unknown activity type " + e.activity_type),
        (e.other_reason.notnull(), e.other_reason),
        (e.market_reason.notnull() & e.instrument.isnull(), e.market_reason),
        else_=ibis.null("string"),
    )
    e = e.mutate(reason=reason)
    return e.filter(e.reason.notnull()).select(
        "batch_id", "line", "entity", "activity_type", "activity_date", "reason"
    )


def _results(checked: Table, terms: Table) -> Table:
    """Emissions, contributions and row counts in one relation (one round trip).

    ``part`` tells them apart: ``emissions`` (per entity, scope, category, method, gas),
    ``contributions`` (per activity type, year, term, gas, factors and levels) and ``counts``
    (``rows`` computed and, with ``rejected`` true, rejected); other columns are null.
    """
    accepted = checked.filter(checked.reason.isnull() & checked.has_term)
    e = _emission_terms(accepted, terms)
    emissions = e.group_by("entity", "scope", "category", "method", "gas").aggregate(
        rows=e.n.sum(), quantity=ibis.null("float64"), t_gas=e.t_gas.sum(),
        tco2e=e.tco2e.sum(),
    )  # fmt: skip
    per_selector = accepted.group_by(*SELECTOR, "instrument").aggregate(
        n=accepted.n.sum(),
        quantity=accepted.quantity.sum(),
        q_instrument=accepted.q_instrument.sum(),
    )
    c = _emission_terms(per_selector, terms)
    contributions = c.group_by(
        "activity_type", "year", "scope", "category", "method", "term", "gas", "f1", "f2",
        "l1", "l2", "level",
    ).aggregate(
        rows=c.n.sum(), quantity=c.quantity.sum(), t_gas=c.t_gas.sum(), tco2e=c.tco2e.sum()
    )  # fmt: skip
    counts = checked.group_by(rejected=checked.reason.notnull()).aggregate(rows=checked.n.sum())
    columns = {
        "part": "string", "entity": "string", "activity_type": "string", "year": "int64",
        "scope": "int64", "category": "string", "method": "string", "term": "int64",
        "gas": "string", "f1": "int64", "f2": "int64", "l1": "string", "l2": "string",
        "level": "string", "rejected": "boolean", "rows": "int64", "quantity": "float64",
        "t_gas": "float64", "tco2e": "float64",
    }  # fmt: skip

    def part(name: str, t: Table) -> Table:
        return t.select(
            **{
                c: ibis.literal(name) if c == "part"
                else (t[c] if c in t.columns else ibis.null(kind)).cast(kind)
                for c, kind in columns.items()
            }
        )  # fmt: skip

    return part("emissions", emissions).union(
        part("contributions", contributions), part("counts", counts), distinct=False
    )


def inventory_queries(
    activity: Table,
    refs: dict[str, Table],
    start: dt.date,
    end: dt.date,
    materialise: Callable[[Table], Table] = Table.cache,
) -> InventoryQueries:
    """The inventory of activity rows dated ``start``..``end``.

    ``refs`` holds the reference tables (``factors``, ``terms``, ``types``, ``gwp``,
    ``entities``) as tables of the same backend as ``activity``. This runs the materialised
    steps (groups, selector rows, resolved factors, terms) through ``materialise`` - by
    default Ibis ``cache()``: a temporary table of the backend - and returns the result
    expressions that read them (each built once; ``rejects`` and ``row_emissions`` only when
    asked for).
    """
    entities = refs["entities"]
    rows = _period_rows(activity, start, end)
    groups = materialise(_groups(rows))
    selectors = _with_selector(groups, entities).select(*SELECTOR).distinct()
    st = materialise(_selector_rows(selectors, refs))
    resolved = materialise(_resolved(st.filter(st.has_term), refs["factors"]))
    terms = materialise(_selector_terms(st, resolved, refs))
    checked = _checked(groups, entities, _flags(terms))
    return InventoryQueries(
        results=_results(checked, terms), rows=rows, entities=entities, terms=terms
    )
