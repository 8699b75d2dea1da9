"""GHG inventory benchmark (issue 3), opt-in: `python benchmarks/ghg_inventory.py [--sizes ...]`.

A generator writes realistic synthetic activity data (1,000 entities in 5 countries and their
grid regions, 300 activity types - combustion with three gases, electricity with location and
market terms, scope 3 CO2e factors - over 3 years) as Parquet, with a factor set of national,
regional and global values. The inventory of 2019 (a third of the rows) is then computed, each
runner in its own subprocess so peak memory (VmHWM) is that run's alone, by:

* ``engine`` - the full inventory as `esgledger ghg` computes it on DuckDB
  (:func:`esgledger.calculate.ghg_inventory.calculate`: connecting, registering the reference
  tables, running the four materialised steps - the one pass over the Parquet rows, the
  selectors with their terms, the resolved factors, the chosen terms - and the one result
  query (row counts, emissions per entity/scope/category/method/gas, contributions), then the
  factor lineage, rejects and the figures consolidated up the entity tree; only the ledger
  write is left out). On DuckDB the steps run as SQL text generated ahead of time from the
  Ibis definition (:mod:`esgledger.calculate.ghg_sql`, kept identical by a test), so no Ibis
  expression is built or compiled in the timed part. Each run is a fresh process, so only
  that ahead-of-time SQL shows here: an in-process cache of compiled SQL (what PostgreSQL and
  Spark get) would not. The measured scope is otherwise the same as before: nothing else
  was moved out of the timed part;
* ``sql`` - a hand-written DuckDB SQL query computing the same totals (per scope 2 method and
  scopes 1 + 3): the practical limit on this machine;
* ``pandas`` - what an analyst would write: read the Parquet file, keep the year, merge the
  entities (for their grid region and country), merge the activity types' terms, look each
  factor key up with the fallback order done as successive merges (supplier, grid region,
  country, global; within a level the set with the best priority, then the valid years), keep
  the first alternative whose factors exist, merge the GWPs, multiply, group by method;
* ``pandas-opt`` - an optimised pandas: factors looked up once per distinct selector with the
  FactorLibrary, then one merge with the rows and a group-by.

Totals of all runners are compared (a mismatch is flagged). Each runner is repeated
(``--repeat``, ``--repeat-large`` from 10^7 rows) and the median time is reported with the
peak memory of that run and its time ratios against ``sql``, ``pandas`` and ``pandas-opt`` of
the same run (runner seconds / base seconds: 0.05x against pandas is 20x faster). The
synthetic rows all compute, so the rejects listing (a pass run only when rows are rejected)
is not exercised here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

COUNTRIES = {"CN": ["CN-East", "CN-North", "CN-South"], "GB": [""], "US": [""], "DE": [""],
             "IN": [""]}  # fmt: skip
YEARS = (2018, 2019, 2020)


def write_reference(folder: Path, n_types: int = 300) -> None:
    """Synthetic activity types and factor set (YAML, the shipped formats)."""
    rng = random.Random(7)
    types, factors = [], []
    for i in range(n_types):
        kind = i % 3
        if kind == 0:  # combustion: NCV x EF for three gases
            terms = [[f"ncv.f{i}", f"ef.f{i}.{g}"] for g in ("co2", "ch4", "n2o")]
            types.append({"id": f"fuel{i}", "name": f"fuel {i}", "scope": 1,
                          "category": "stationary", "unit": "t", "terms": terms})  # fmt: skip
            factors.append({"key": f"ncv.f{i}", "value": str(rng.uniform(20, 50)), "unit": "GJ/t"})
            for gas, unit, lo in (("co2", "kgCO2/TJ", 50000), ("ch4", "kgCH4/TJ", 1),
                                  ("n2o", "kgN2O/TJ", 0.1)):  # fmt: skip
                factors.append({"key": f"ef.f{i}.{gas}", "value": str(lo * rng.uniform(1, 2)),
                                "unit": unit, "gas": gas.upper()})  # fmt: skip
        elif kind == 1:  # electricity
            types.append(
                {
                    "id": f"elec{i}",
                    "name": f"electricity {i}",
                    "scope": 2,
                    "category": "electricity",
                    "unit": "MWh",
                    "location": [["grid.co2"]],
                    "market": [{"any_of": [["grid.residual_mix.co2"], ["grid.co2"]]}],
                }
            )
        else:  # scope 3, CO2e per unit
            types.append({"id": f"s3_{i}", "name": f"scope 3 {i}", "scope": 3,
                          "category": rng.choice(["cat1", "cat4", "cat6", "cat7", "cat9"]),
                          "unit": "t*km", "terms": [[f"s3.f{i}"]]})  # fmt: skip
            factors.append({"key": f"s3.f{i}", "value": str(rng.uniform(0.01, 1)),
                            "unit": "kgCO2e/(t*km)", "gas": "CO2e"})  # fmt: skip
    for country, regions in COUNTRIES.items():
        for year in YEARS:
            factors.append({"key": "grid.co2", "value": str(rng.uniform(0.2, 0.9)),
                            "unit": "tCO2/MWh", "gas": "CO2", "region": country,
                            "valid_from": year, "valid_to": year})  # fmt: skip
            for region in filter(None, regions):
                factors.append({"key": "grid.co2", "value": str(rng.uniform(0.5, 0.9)),
                                "unit": "tCO2/MWh", "gas": "CO2", "region": region,
                                "valid_from": year, "valid_to": year})  # fmt: skip
        factors.append({"key": "grid.residual_mix.co2", "value": "0.45", "unit": "tCO2/MWh",
                        "gas": "CO2", "region": "DE"})  # fmt: skip
    factors.append({"key": "grid.co2", "value": "0.5", "unit": "tCO2/MWh", "gas": "CO2"})
    import yaml

    (folder / "types.yaml").write_text(yaml.safe_dump({"activity_types": types}))
    (folder / "factors.yaml").write_text(yaml.safe_dump(
        {"set": "synthetic", "title": "Synthetic", "kind": "emission", "document": "benchmark",
         "factors": factors}))  # fmt: skip


def entities() -> list:
    from esgledger.core.model import Entity

    result = [Entity(code="group", name="Group", kind="group", country="CN")]
    countries = list(COUNTRIES)
    for i in range(1000):
        country = countries[i % len(countries)]
        region = COUNTRIES[country][i % len(COUNTRIES[country])] or None
        result.append(Entity(code=f"e{i:04d}", name=f"E{i}", parent="group", country=country,
                             grid_region=region))  # fmt: skip
    return result


def write_activity(path: Path, rows: int, n_types: int = 300) -> None:
    """``rows`` synthetic activity rows as Parquet (ACTIVITY_SCHEMA)."""
    from esgledger.calculate.ghg_backends import ACTIVITY_SCHEMA

    rng = np.random.default_rng(11)
    type_index = rng.integers(0, n_types, rows)
    names = np.array([("fuel", "elec", "s3_")[i % 3] + str(i) for i in range(n_types)])
    start = dt.date(YEARS[0], 1, 1).toordinal()
    days = rng.integers(0, 365 * len(YEARS), rows) + start - dt.date(1970, 1, 1).toordinal()
    data = {
        "batch_id": np.ones(rows, dtype=np.int64), "line": np.arange(2, rows + 2),
        "entity": np.char.add("e", np.char.zfill(rng.integers(0, 1000, rows).astype(str), 4)),
        "activity_date": pa.array(days.astype("int32"), pa.int32()).cast(pa.date32()),
        "activity_type": names[type_index], "quantity": rng.uniform(0, 100, rows),
    }  # fmt: skip
    table = pa.table({n: data.get(n, pa.nulls(rows, ACTIVITY_SCHEMA.field(n).type))
                      for n in ACTIVITY_SCHEMA.names}, schema=ACTIVITY_SCHEMA)  # fmt: skip
    pq.write_table(table, path, row_group_size=1 << 20)


@cache
def load_reference(folder: Path):
    from esgledger.calculate.ghg_tables import reference_tables
    from esgledger.core.factors import FactorLibrary, default_library, read_factor_set
    from esgledger.core.ghg_activity import read_activity_types

    library = FactorLibrary([read_factor_set(folder / "factors.yaml"),
                             default_library().sets["ipcc-ar5"]])  # fmt: skip
    types = read_activity_types(folder / "types.yaml", library.unit_of)
    return library, types, reference_tables(library, types, entities(), "ipcc-ar5")


def _inventory(folder: Path, parquet: Path, year: int, engine: str) -> dict[str, float]:
    from esgledger.calculate.ghg_inventory import calculate
    from esgledger.core.model import ConsolidationApproach, calendar_year

    _, _, refs = load_reference(folder)
    inventory = calculate(
        refs, [parquet], calendar_year(year), entities(),
        ConsolidationApproach.OPERATIONAL_CONTROL, factor_sets=["synthetic"], engine=engine,
    )  # fmt: skip
    f = {m: v for (code, m), v in inventory.figures.items() if code == "group"}
    assert inventory.rows_in == inventory.rows_computed + inventory.rows_rejected
    return {
        "s13": f.get("ghg.inventory.scope1", 0.0) + f.get("ghg.inventory.scope3", 0.0),
        "location": f["ghg.inventory.scope2_location"],
        "market": f["ghg.inventory.scope2_market"],
    }


def run_engine(folder: Path, parquet: Path, year: int) -> dict[str, float]:
    return _inventory(folder, parquet, year, "duckdb")


def run_spark(folder: Path, parquet: Path, year: int) -> dict[str, float]:
    """The same inventory on Apache Spark in local mode (opt-in: --spark)."""
    spark_dir = parquet.parent / f"spark-{parquet.stem}"
    spark_dir.mkdir(exist_ok=True)
    target = spark_dir / parquet.name
    if not target.exists():
        target.symlink_to(parquet)
    return _inventory(folder, target, year, "spark")


HAND_SQL = """
WITH rows AS (
  SELECT a.*, year(a.activity_date) AS year, coalesce(e.ent_grid, '') AS g,
         coalesce(e.ent_country, '') AS c
  FROM read_parquet($path) a JOIN ents e ON e.code = a.entity
  WHERE a.activity_date BETWEEN $start AND $end),
sel AS (SELECT DISTINCT activity_type, year, g, c FROM rows),
st AS (SELECT * FROM sel JOIN terms USING (activity_type)),
k AS (SELECT DISTINCT year, g, c, key1 AS key FROM st WHERE key1 <> ''
      UNION SELECT DISTINCT year, g, c, key2 FROM st WHERE key2 <> ''),
r AS (SELECT k.*, f.value, f.gas FROM k JOIN factors f ON f.key = k.key
        AND k.year BETWEEN f.valid_from AND f.valid_to AND f.region IN (k.g, k.c, '*')
      QUALIFY row_number() OVER (PARTITION BY k.year, k.g, k.c, k.key ORDER BY
        CASE f.region WHEN k.g THEN 1 WHEN k.c THEN 2 ELSE 3 END, f.priority, f.factor_id) = 1),
v AS (SELECT st.activity_type, st.year, st.g, st.c, st.method, st.term,
             coalesce(r1.value, 1) * coalesce(r2.value, 1) * st.scale AS value,
             CASE WHEN st.key2 <> '' THEN r2.gas ELSE r1.gas END AS gas
      FROM st
      LEFT JOIN r r1 ON r1.year = st.year AND r1.g = st.g AND r1.c = st.c AND r1.key = st.key1
      LEFT JOIN r r2 ON r2.year = st.year AND r2.g = st.g AND r2.c = st.c AND r2.key = st.key2
      WHERE (st.key1 = '' OR r1.value IS NOT NULL) AND (st.key2 = '' OR r2.value IS NOT NULL)
      QUALIFY row_number() OVER (PARTITION BY st.activity_type, st.year, st.g, st.c, st.method,
                                 st.term ORDER BY st.alternative) = 1)
SELECT v.method, sum(rows.quantity * v.value * gwp.gwp) AS t
FROM rows JOIN v USING (activity_type, year, g, c) JOIN gwp ON gwp.gas = v.gas
GROUP BY v.method
"""


def run_sql(folder: Path, parquet: Path, year: int) -> dict[str, float]:
    import duckdb

    _, _, refs = load_reference(folder)
    con = duckdb.connect()
    for name in ("factors", "terms", "gwp"):
        con.register(name, getattr(refs, name))
    con.register("ents", refs.entities)
    params = {"path": str(parquet), "start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31)}
    result = con.execute(HAND_SQL, params).fetchall()
    return {m or "s13": t for m, t in result}


def run_pandas(folder: Path, parquet: Path, year: int) -> dict[str, float]:
    """What an analyst would write (see the module docstring)."""
    import pandas as pd

    _, _, refs = load_reference(folder)
    factors = refs.factors.to_pandas()
    df = pd.read_parquet(parquet)
    df["activity_date"] = pd.to_datetime(df["activity_date"])
    df = df[df["activity_date"].dt.year == year].copy()
    df["year"] = df["activity_date"].dt.year
    df = df.merge(refs.entities.to_pandas(), left_on="entity", right_on="code")
    df["supplier"] = df["supplier"].fillna("")
    df["grid_region"] = df["grid_region"].fillna(df["ent_grid"])
    df["country"] = df["country"].fillna(df["ent_country"])
    df = df.merge(refs.terms.to_pandas(), on="activity_type").reset_index(drop=True)
    for n in (1, 2):
        df[f"value{n}"] = np.nan
        df[f"gas{n}"] = None
        for level in ("supplier", "grid_region", "country", "*"):
            todo = df.loc[(df[f"key{n}"] != "") & df[f"value{n}"].isna(),
                          [f"key{n}", "year"] + ([level] if level != "*" else [])]  # fmt: skip
            todo = todo.reset_index()
            if level == "*":
                found = todo.merge(factors[factors["region"] == "*"], left_on=f"key{n}",
                                   right_on="key")  # fmt: skip
            else:
                found = todo.merge(factors, left_on=[f"key{n}", level],
                                   right_on=["key", "region"])  # fmt: skip
            found = found[(found["valid_from"] <= found["year"])
                          & (found["valid_to"] >= found["year"])]  # fmt: skip
            found = found.sort_values(["priority", "factor_id"]).drop_duplicates("index")
            found = found.set_index("index")
            df.loc[found.index, f"value{n}"] = found["value"]
            df.loc[found.index, f"gas{n}"] = found["gas"]
    complete = ((df["key1"] == "") | df["value1"].notna()) & (
        (df["key2"] == "") | df["value2"].notna()
    )
    df = df[complete].sort_values("alternative")
    df = df.drop_duplicates(["batch_id", "line", "method", "term"])
    df["gas"] = np.where(df["key2"] != "", df["gas2"], df["gas1"])
    df = df.merge(refs.gwp.to_pandas(), on="gas")
    df["t"] = (df["quantity"] * df["value1"].fillna(1) * df["value2"].fillna(1) * df["scale"]
               * df["gwp"])  # fmt: skip
    return {m or "s13": t for m, t in df.groupby("method")["t"].sum().items()}


def run_pandas_opt(folder: Path, parquet: Path, year: int) -> dict[str, float]:
    """Optimised pandas: factors looked up once per distinct selector, then one merge."""
    import pandas as pd

    from esgledger.errors import FactorError

    library, types, refs = load_reference(folder)
    gwp = dict(zip(refs.gwp["gas"].to_pylist(), refs.gwp["gwp"].to_pylist(), strict=True))
    ents = refs.entities.to_pandas().rename(columns={"code": "entity"})
    df = pd.read_parquet(parquet)
    df = df[pd.to_datetime(df.activity_date).dt.year == year].merge(ents, on="entity")
    values = []
    for (atype, grid, country), _ in df.groupby(["activity_type", "ent_grid", "ent_country"]):
        for term in types[atype].terms:
            try:
                picks = [library.lookup(k, year, [grid, country]) for k in term.keys]
            except FactorError:
                continue
            value = float(term.scale) * float(np.prod([float(p.value) for p in picks]))
            gas = picks[-1].factor.gas or "CO2e"
            values.append((atype, grid, country, term.method, term.term, term.alternative,
                           value * gwp[gas]))  # fmt: skip
    v = pd.DataFrame(values, columns=["activity_type", "ent_grid", "ent_country", "method", "term",
                                      "alternative", "f"])  # fmt: skip
    v = v.sort_values("alternative").drop_duplicates(
        ["activity_type", "ent_grid", "ent_country", "method", "term"]
    )
    merged = df.merge(v, on=["activity_type", "ent_grid", "ent_country"])
    merged["t"] = merged.quantity * merged.f
    return {m or "s13": t for m, t in merged.groupby("method").t.sum().items()}


RUNNERS = {"engine": run_engine, "sql": run_sql, "pandas": run_pandas,
           "pandas-opt": run_pandas_opt}  # fmt: skip
CHILDREN = {**RUNNERS, "spark": run_spark}
BASES = ("sql", "pandas", "pandas-opt")


def peak_mib() -> float:
    """This process's peak resident memory (VmHWM: reset at exec, unlike ru_maxrss)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(name: str, folder: str, parquet: str) -> None:
    load_reference(Path(folder))  # reading YAML reference data is not part of the timing
    import duckdb  # noqa: F401  imports are not part of the timing either
    import ibis.backends.duckdb  # noqa: F401
    import pandas  # noqa: F401

    import esgledger.calculate.ghg_inventory  # noqa: F401

    started = time.perf_counter()
    totals = CHILDREN[name](Path(folder), Path(parquet), 2019)
    seconds = time.perf_counter() - started
    peak = peak_mib()
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "totals": totals}))


def measure(name: str, folder: Path, parquet: Path, repeat: int) -> dict:
    """Median time (and the peak memory of that run) of ``repeat`` fresh subprocesses."""
    runs = []
    for _ in range(repeat):
        command = [sys.executable, __file__, "--child", name, str(folder), str(parquet)]
        out = subprocess.run(command, check=True, capture_output=True, text=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda r: r["seconds"])
    median = dict(runs[(len(runs) - 1) // 2])
    median["all"] = [r["seconds"] for r in runs]
    return median


def _same(a: dict[str, float], b: dict[str, float]) -> bool:
    return a.keys() == b.keys() and all(abs(a[k] - b[k]) <= 1e-9 * abs(b[k]) for k in a)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+",
                        default=[100_000, 1_000_000, 10_000_000])  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3, help="Runs per runner (median).")
    parser.add_argument("--repeat-large", type=int, default=1, help="Runs from 10^7 rows.")
    parser.add_argument("--pandas-limit", type=int, default=10_000_000,
                        help="Largest size the pandas baselines run at.")  # fmt: skip
    parser.add_argument("--runners", nargs="+", default=list(RUNNERS), choices=list(CHILDREN))
    parser.add_argument("--child", nargs=3)
    parser.add_argument("--spark", action="store_true", help="Also run on Spark (local mode).")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_reference(folder)
        print(f"{'rows':>10} {'runner':>10} {'seconds':>8} {'peak MiB':>9} "
              + " ".join(f"{'vs ' + b:>13}" for b in BASES) + "  runs (s); totals")  # fmt: skip
        for size in args.sizes:
            parquet = folder / f"activity-{size}.parquet"
            write_activity(parquet, size)
            names = [n for n in args.runners
                     if not n.startswith("pandas") or size <= args.pandas_limit]  # fmt: skip
            names += ["spark"] if args.spark and "spark" not in names else []
            repeat = args.repeat if size < 10_000_000 else args.repeat_large
            results = {n: measure(n, folder, parquet, repeat) for n in names}
            reference = results.get("sql", next(iter(results.values())))["totals"]
            for name, r in results.items():
                ratios = " ".join(
                    f"{r['seconds'] / results[b]['seconds']:>12.2f}x" if b in results
                    else f"{'-':>13}" for b in BASES
                )  # fmt: skip
                runs = "/".join(f"{t:.2f}" for t in r["all"])
                totals = ", ".join(f"{k} {v:,.1f}" for k, v in sorted(r["totals"].items()))
                flag = "" if _same(r["totals"], reference) else "  TOTALS DIFFER"
                print(f"{size:>10,} {name:>10} {r['seconds']:>8.2f} {r['peak_mib']:>9.0f} "
                      f"{ratios}  {runs}; {totals}{flag}", flush=True)  # fmt: skip
            parquet.unlink()


if __name__ == "__main__":
    main()
