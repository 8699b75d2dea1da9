"""esgledger benchmarks. Run: `make bench` (or `python benchmarks/run.py [--quick]`).

Each benchmark prints its time and a ratio against a baseline measured in the same run, so the
figures stay comparable on shared, noisy machines:

* calculation of 1,000 entities x 200 metrics x 2 periods, against (a) the bare minimum - adding
  the same reported values up the tree with plain Decimal sums - and (b) a straightforward
  implementation that evaluates each formula with pint quantities (measured on 100 entities);
* the ledger store: recording those datapoints in SQLite and reading them back;
* `esgledger demo` end to end (ledger, calculation, checks, HTML and PDF), against the
  interpreter start-up with `esgledger --help`, and with `--no-pdf`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic
from timing import timed

from esgledger.calculate.engine import calculate
from esgledger.core.units import parse_unit, ureg
from esgledger.store.ledger import Ledger

ESGLEDGER = str(Path(sys.executable).with_name("esgledger"))


def calc_engine(tree, points) -> None:
    catalog, library = synthetic.catalog(), synthetic.library()
    for period in synthetic.PERIODS.values():
        calculate(catalog, library, tree, points, period)


def baseline_sums(tree, points) -> None:
    """Lower bound: add reported values up the tree with plain Decimal arithmetic."""
    parent = {e.code: e.parent for e in tree}
    for year in synthetic.PERIODS:
        totals: dict[tuple[str, str], Decimal] = {}
        for dp in points:
            if dp.period != str(year):
                continue
            node: str | None = dp.entity
            while node is not None:
                key = (node, dp.metric)
                totals[key] = totals.get(key, Decimal(0)) + dp.quantity.value
                node = parent[node]


def baseline_pint(tree, points) -> None:
    """Straightforward: every derived value as pint quantities, formula by formula."""
    catalog = synthetic.catalog()
    factor = ureg.Quantity(Decimal("0.6101"), "tCO2/MWh")
    for year in synthetic.PERIODS:
        values = {
            (dp.entity, dp.metric): ureg.Quantity(dp.quantity.value, parse_unit(dp.quantity.unit))
            for dp in points
            if dp.period == str(year)
        }
        for entity in tree:
            for metric in catalog:
                formula = catalog.formula(metric.id)
                if formula is None or metric.id.startswith("ratio"):
                    continue
                a, b = (values.get((entity.code, i)) for i in formula.inputs)
                if a is not None and b is not None:
                    values[(entity.code, metric.id)] = ((a + b) * factor).to(
                        parse_unit(metric.unit)
                    )


def bench_calculation(n: int, repeat: int) -> None:
    tree = synthetic.entities(n)
    points = synthetic.datapoints(tree, tuple(synthetic.PERIODS))
    figures = n * len(synthetic.catalog()) * len(synthetic.PERIODS)
    engine = timed(lambda: calc_engine(tree, points), repeat)
    sums = timed(lambda: baseline_sums(tree, points), repeat)
    print(
        f"calculation, {n} entities x 200 metrics x 2 periods ({len(points):,} inputs, "
        f"{figures:,} figures):"
    )
    print(f"  engine                      {engine:8.2f} s  ({figures / engine:,.0f} figures/s)")
    print(
        f"  baseline: Decimal sums only {sums:8.2f} s  -> engine / baseline = {engine / sums:.2f}x"
    )
    small = synthetic.entities(100)
    small_points = synthetic.datapoints(small, tuple(synthetic.PERIODS))
    engine_small = timed(lambda: calc_engine(small, small_points), repeat)
    pint_small = timed(lambda: baseline_pint(small, small_points), 1)
    print(
        f"  at 100 entities: engine {engine_small:.2f} s, naive pint {pint_small:.2f} s "
        f"-> engine is {pint_small / engine_small:.1f}x faster"
    )


def bench_store(n: int) -> None:
    tree = synthetic.entities(n)
    points = synthetic.datapoints(tree, tuple(synthetic.PERIODS))
    with tempfile.TemporaryDirectory() as folder:
        ledger = Ledger.open(Path(folder) / "bench.db")
        ledger.add_entities(tree)
        ledger.add_periods(synthetic.PERIODS.values())
        start = time.perf_counter()
        ledger.record(points)
        write = time.perf_counter() - start
        read = timed(lambda: ledger.datapoints(period="2019"), 1)
        ledger.close()
    print(
        f"store (SQLite), {len(points):,} datapoints: record {write:.2f} s "
        f"({len(points) / write:,.0f}/s); read one period {read:.2f} s"
    )


def bench_demo(repeat: int) -> None:
    with tempfile.TemporaryDirectory() as folder:

        def run(*args: str) -> None:
            subprocess.run([ESGLEDGER, *args], check=True, capture_output=True, cwd=folder)

        startup = timed(lambda: run("--help"), repeat)
        html = timed(lambda: run("demo", "--out", "out", "--no-pdf"), repeat)
        full = timed(lambda: run("demo", "--out", "out"), repeat)
    print("esgledger demo end to end (2 cores):")
    print(f"  baseline: esgledger --help   {startup:6.2f} s")
    print(f"  demo, HTML only              {html:6.2f} s  ({html / startup:.1f}x start-up)")
    print(
        f"  demo, HTML and PDF           {full:6.2f} s  ({full / startup:.1f}x start-up; "
        f"target < 15 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one repetition")
    parser.add_argument("--cmrt", action="store_true",
                        help="also aggregate 2,000 supplier CMRTs (benchmarks/cmrt_aggregate.py)")
    args = parser.parse_args()
    repeat = 1 if args.quick else 3
    if args.cmrt:  # opt-in (issue 7): builds a 2,000-file corpus on first use
        subprocess.run([sys.executable, str(Path(__file__).with_name("cmrt_aggregate.py"))],
                       check=True)
    bench_demo(repeat)
    bench_calculation(200 if args.quick else 1000, repeat)
    bench_store(200 if args.quick else 1000)


if __name__ == "__main__":
    main()
