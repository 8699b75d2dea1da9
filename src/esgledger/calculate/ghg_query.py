"""The GHG inventory as relational queries, written once in Ibis for every backend.

Why Ibis: the same expression compiles (through sqlglot) to DuckDB SQL, PostgreSQL SQL and
Spark SQL, so the inventory runs embedded on one machine (DuckDB, the default), next to a
PostgreSQL ledger, or on a Spark cluster, without three hand-kept SQL dialects. The plan is
plain SQL - joins, window functions, group-bys - so each engine optimises it natively;
Python never loops over activity rows.

The plan touches the activity rows once; everything after works on small tables:

1. *groups* (the one pass over the rows, materialised): the period's rows summed per entity,
   activity type, year, factor-selecting attributes and contractual instrument - row count,
   quantity (in the type's unit) and quantity x instrument factor. Emissions are linear in the
   quantity (sum(q) x f = sum(q x f)), so factors are applied to these sums, not to rows;
2. *selectors* (materialised): the distinct (activity type, year, supplier, grid region,
   country, gas) of the groups (the entity's regions filled in), each with an integer id;
3. *resolved factors*: each selector's factor keys joined with the factor table, candidates
   ranked by fallback level (supplier, grid region, country, global ``*``) then set priority;
   the first answers, and its level is kept for lineage;
4. *terms* (materialised): per selector and gas stream, the first alternative whose factors
   all exist, its value, gas, GWP, and the selector's reject reasons;
5. *checked* (materialised): each group with its selector id and reject reason (unknown
   entity or type, missing factor, gas without GWP) - the relation every result reads:
   emissions per entity/scope/category/method/gas, contributions (lineage, from the groups
   summed per selector) and row counts.

Rejected rows are listed row by row (batch and line) by one more pass over the rows, joined
with the few selectors that can reject; callers run it only when the counts show rejects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import ibis
from ibis.expr.types import Table

SELECTOR = ("activity_type", "year", "s_supplier", "s_grid", "s_country", "s_gas")
# the group keys of the one pass over the rows: the raw attributes a selector is made of
GROUP = ("entity", "activity_type", "year", "supplier", "grid_region", "country", "gas",
         "instrument")  # fmt: skip
MARKET = "market"


@dataclass(frozen=True, kw_only=True)
class InventoryQueries:
    """The expressions of one inventory calculation (materialised parts already computed).

    Attributes:
        emissions: per entity, scope, category, method and gas: rows, tonnes of gas, tCO2e.
        contributions: per activity type, term, factors and fallback levels: the lineage.
        rejects: rows that could not be computed, with batch, line and reason (one more pass
            over the rows: run it only when ``counts`` shows rejected rows).
        counts: rows in the period (``rows_in``) and rows rejected (``rows_rejected``).
        row_emissions: one row per activity row and gas stream (for tracing rows).
    """

    row_emissions: Table
    emissions: Table
    contributions: Table
    rejects: Table
    counts: Table


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
    """The answering factor of each (selector, key): fallback level first, then priority."""
    places = ["year", "s_supplier", "s_grid", "s_country"]
    keys = (
        selector_terms.select(*places, key=selector_terms.key1)
        .union(selector_terms.select(*places, key=selector_terms.key2))
        .filter(lambda t: t.key != "")
        .distinct()
    )
    f = factors.rename(f_key="key")
    cand = keys.join(
        f,
        [
            keys.key == f.f_key,
            f.valid_from <= keys.year,
            f.valid_to >= keys.year,
            (f.region == keys.s_supplier)
            | (f.region == keys.s_grid)
            | (f.region == keys.s_country)
            | (f.region == "*"),
        ],
    )
    cand = cand.mutate(
        level_rank=ibis.cases(
            (cand.region == cand.s_supplier, 0),
            (cand.region == cand.s_grid, 1),
            (cand.region == cand.s_country, 2),
            else_=3,
        )
    )
    window = ibis.window(
        group_by=[*places, "key"], order_by=["level_rank", "priority", "factor_id"]
    )
    ranked = cand.mutate(rank=ibis.row_number().over(window))
    return ranked.filter(ranked.rank == 0).select(
        *places, "key", "factor_id", "value", "gas", level="region"
    )


def _with_factor(terms: Table, resolved: Table, n: int) -> Table:
    key = f"key{n}"
    r = resolved.rename(
        **{f"r{n}_{c}": c for c in ("year", "s_supplier", "s_grid", "s_country", "key")},
        **{f"f{n}": "factor_id", f"v{n}": "value", f"g{n}": "gas", f"l{n}": "level"},
    )
    joined = terms.left_join(
        r,
        [
            terms.year == r[f"r{n}_year"],
            terms.s_supplier == r[f"r{n}_s_supplier"],
            terms.s_grid == r[f"r{n}_s_grid"],
            terms.s_country == r[f"r{n}_s_country"],
            terms[key] == r[f"r{n}_key"],
        ],
    )
    return joined.drop(*[c for c in joined.columns if c.startswith(f"r{n}_")])


def _selector_terms(selectors: Table, refs: dict[str, Table]) -> Table:
    """Per selector and gas stream: the chosen alternative, its value, gas and factors.

    Selectors whose type is unknown or has no terms keep one row (``has_term`` false).
    """
    types = refs["types"].rename(t_type="activity_type")
    sel = selectors.left_join(types, selectors.activity_type == types.t_type)
    terms = refs["terms"].rename(x_type="activity_type")
    st = sel.left_join(terms, sel.activity_type == terms.x_type).drop("x_type")
    st = st.mutate(
        has_term=st.term.notnull(),
        key1=ibis.coalesce(st.key1, ""),
        key2=ibis.coalesce(st.key2, ""),
        gas_from_row=ibis.coalesce(st.gas_from_row, False),
    )
    resolved = _resolved(st.filter(st.has_term), refs["factors"])
    st = _with_factor(_with_factor(st, resolved, 1), resolved, 2)
    gas = ibis.cases(
        (st.gas_from_row, st.s_gas), (st.key2 != "", st.g2), (st.key1 != "", st.g1), else_=""
    )
    st = st.mutate(gas=gas)
    gwp = refs["gwp"].rename(gwp_gas="gas")
    st = st.left_join(gwp, st.gas == gwp.gwp_gas)
    found = ((st.key1 == "") | st.f1.notnull()) & ((st.key2 == "") | st.f2.notnull())
    ok = st.has_term & found & st.gwp.notnull()
    st = st.mutate(
        ok=ok,
        value=ibis.coalesce(st.v1, 1.0) * ibis.coalesce(st.v2, 1.0) * st.scale,
        reason=ibis.cases(
            (~st.has_term, ibis.null("string")),
            (~found, _missing_reason(st)),
            (st.gas_from_row & st.gwp.isnull(), "no GWP for gas " + st.gas + " in the GWP set"),
            (st.gwp.isnull(), "factor gas " + st.gas + " has no GWP"),
            else_=ibis.null("string"),
        ),
    )
    window = ibis.window(
        group_by=["sel_id", "method", "term"], order_by=[ibis.desc("ok"), "alternative"]
    )
    st = st.mutate(pick=ibis.row_number().over(window))
    return _with_flags(st.filter(st.pick == 0).drop("pick", "gwp_gas"))


def _with_flags(st: Table) -> Table:
    """Selector-level reject reasons on every term row, and ``first`` on one row per selector."""
    failed = st.reason.notnull()
    everything = ibis.window(group_by="sel_id")
    return st.mutate(
        other_reason=ibis.cases((failed & (st.method != MARKET), st.reason)).min().over(everything),
        market_reason=ibis.cases((failed & (st.method == MARKET), st.reason))
        .min()
        .over(everything),
        first=ibis.row_number().over(ibis.window(group_by="sel_id", order_by=["method", "term"]))
        == 0,
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


def _flags(terms: Table) -> Table:
    """One row per selector: its id, columns and selector-level reject reasons."""
    first = terms.filter(terms.first)
    return first.select(
        "sel_id", *[first[c].name(f"x_{c}") for c in SELECTOR],
        "t_type", "has_term", "other_reason", "market_reason",
    )  # fmt: skip


def _on_selector(left: Table, right: Table) -> list[ibis.Value]:
    return [left[c] == right[f"x_{c}"] for c in SELECTOR]


def _checked(groups: Table, entities: Table, terms: Table) -> Table:
    """Each group with its selector id and reject reason (null: computed)."""
    keyed = _with_selector(groups, entities)
    flags = _flags(terms)
    e = keyed.join(flags, _on_selector(keyed, flags))
    return e.select(
        "sel_id", "entity", "instrument", "n", "quantity", "q_instrument", "has_term",
        reason=_reason(e),
    )  # fmt: skip


def _emission_terms(accepted: Table, terms: Table) -> Table:
    """Accepted rows or groups times each term of their selector: tonnes of gas and tCO2e.

    ``quantity`` and ``q_instrument`` are row values or group sums (emissions are linear).
    """
    t = terms.select(
        "method", "term", "value", "f1", "f2", "l1", "l2", "scope", "category",
        t_sel_id="sel_id", t_type_id="activity_type", t_year="year", t_gas_name="gas",
        t_gwp="gwp",
    )  # fmt: skip
    e = accepted.join(t, accepted.sel_id == t.t_sel_id)
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
    flags = _flags(terms)
    e = keyed.join(flags, _on_selector(keyed, flags))
    e = e.mutate(reason=_reason(e), q_instrument=e.quantity * e.instrument_factor)
    e = _emission_terms(e.filter(e.reason.isnull() & e.has_term), terms)
    return e.select(
        "batch_id", "line", "entity", "activity_date", "activity_type", "scope", "category",
        "method", "term", "quantity", "f1", "f2", "l1", "l2", "level", "instrument",
        "gas", "t_gas", "tco2e", year=e.t_year,
    )  # fmt: skip


def _rejects(rows: Table, entities: Table, terms: Table) -> Table:
    """Rows that cannot be computed: unknown entity, or a selector with a reject reason."""
    keyed = _with_selector(rows, entities)
    flags = _flags(terms)
    bad = flags.filter(
        flags.t_type.isnull() | flags.other_reason.notnull() | flags.market_reason.notnull()
    )
    e = keyed.left_join(bad, _on_selector(keyed, bad))
    reason = ibis.cases(
        (e.code.isnull(), "entity " + e.entity + " is not in the ledger"),
        (e.sel_id.isnull(), ibis.null("string")),
        (e.t_type.isnull(), "unknown activity type " + e.activity_type),
        (e.other_reason.notnull(), e.other_reason),
        (e.market_reason.notnull() & e.instrument.isnull(), e.market_reason),
        else_=ibis.null("string"),
    )
    e = e.mutate(reason=reason)
    return e.filter(e.reason.notnull()).select(
        "batch_id", "line", "entity", "activity_type", "activity_date", "reason"
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
    steps (groups, terms, checked) through ``materialise`` - by default Ibis ``cache()``: a
    temporary table of the backend - and returns the result expressions that read them.
    """
    entities = refs["entities"]
    rows = _period_rows(activity, start, end)
    groups = materialise(_groups(rows))
    selectors = _with_selector(groups, entities).select(*SELECTOR).distinct()
    selectors = materialise(
        selectors.mutate(sel_id=ibis.row_number().over(order_by=list(SELECTOR)))
    )
    terms = materialise(_selector_terms(selectors, refs))
    checked = materialise(_checked(groups, entities, terms))
    accepted = checked.filter(checked.reason.isnull() & checked.has_term)
    e = _emission_terms(accepted, terms)
    emissions = e.group_by("entity", "scope", "category", "method", "gas").aggregate(
        rows=e.n.sum(), t_gas=e.t_gas.sum(), tco2e=e.tco2e.sum()
    )
    per_selector = accepted.group_by("sel_id", "instrument").aggregate(
        n=accepted.n.sum(),
        quantity=accepted.quantity.sum(),
        q_instrument=accepted.q_instrument.sum(),
    )
    c = _emission_terms(per_selector, terms)
    contributions = c.group_by(
        "scope", "category", "method", "term", "gas", "f1", "f2", "l1", "l2", "level",
        activity_type=c.t_type_id, year=c.t_year,
    ).aggregate(
        rows=c.n.sum(), quantity=c.quantity.sum(), t_gas=c.t_gas.sum(), tco2e=c.tco2e.sum()
    )  # fmt: skip
    counts = checked.aggregate(
        rows_in=ibis.coalesce(checked.n.sum(), 0),
        rows_rejected=ibis.coalesce(checked.n.sum(where=checked.reason.notnull()), 0),
    )
    return InventoryQueries(
        row_emissions=_row_emissions(rows, entities, terms),
        emissions=emissions,
        contributions=contributions,
        rejects=_rejects(rows, entities, terms),
        counts=counts,
    )
