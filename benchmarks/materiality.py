"""Materiality benchmark (issue 6). Run: `python benchmarks/materiality.py`.

A large survey - 5,000 respondents in 6 groups scoring 25 issues (125,000 scores) - is
(1) read and validated from a real CSV export, (2) aggregated (weights, group means, standard
deviations, zones, ranking). Each is printed with its ratio against a baseline measured in the
same run: reading the same CSV with the csv module, and averaging the scores per issue with
plain float sums.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from materiality_support import register
from timing import timed

from esgledger.calculate.materiality import assess_issues
from esgledger.collect.survey import parse_survey, wave_for
from esgledger.core.materiality import Audience, Scale, Thresholds
from esgledger.store.ledger import Ledger

GROUPS = ("Investors", "Regulators", "Clients", "Employees", "Partners", "Communities")
ISSUES, RESPONDENTS = 25, 5000


def write_survey(path: Path) -> None:
    rng = random.Random(6)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["respondent", "group", *(f"Q{i}" for i in range(1, ISSUES + 1))])
        for n in range(RESPONDENTS):
            scores = [rng.randint(1, 5) for _ in range(ISSUES)]
            writer.writerow([f"r{n}", GROUPS[n % len(GROUPS)], *scores])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "survey.csv"
        write_survey(path)
        ledger = register(Ledger.open(Path(tmp) / "b.db"), GROUPS, ISSUES)
        wave = wave_for("b", "2019", Audience.STAKEHOLDERS, Scale())
        responses, problems, _ = parse_survey(ledger, path, wave)
        assert not problems and len(responses) == RESPONDENTS * ISSUES

        def baseline_read() -> None:
            with path.open(encoding="utf-8") as handle:
                list(csv.reader(handle))

        read = timed(lambda: parse_survey(ledger, path, wave))
        base_read = timed(baseline_read)
        issues = ledger.material_issues()
        limits = Thresholds(high=Decimal(4), moderate=Decimal(3))
        aggregate = timed(lambda: assess_issues(issues, responses, [], weights={}, limits=limits))

        def baseline_mean() -> None:
            sums: dict[int, list[float]] = {}
            for r in responses:
                sums.setdefault(r.issue, []).append(float(r.score))
            {i: sum(v) / len(v) for i, v in sums.items()}

        base_mean = timed(baseline_mean)
        ledger.close()
    print(f"survey of {RESPONDENTS:,} respondents x {ISSUES} issues")
    print(f"  read + validate CSV : {read:.3f} s  ({read / base_read:.1f}x csv.reader alone)")
    print(f"  aggregate + rank    : {aggregate:.3f} s  ({aggregate / base_mean:.1f}x float means)")


if __name__ == "__main__":
    main()
