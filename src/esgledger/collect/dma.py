"""Importing the double materiality assessment (impacts, risks, opportunities) from a table.

CSV or XLSX, one row per IRO, columns: ``code``, ``issue`` (number or name of the issue
catalog), ``kind`` (negative impact, positive impact, risk, opportunity), ``description``,
``potential`` (yes/no, impacts only), ``human rights`` (yes/no), and for every criterion a
score column and a rationale column: ``scale``/``scale rationale``, ``scope``,
``irremediable``, ``likelihood``, ``magnitude``. Which criteria are required depends on the
kind (see :func:`~esgledger.calculate.double_materiality.required_criteria`); a required score
without its rationale is refused, so every score keeps its reason. All or nothing.
"""

from __future__ import annotations

from pathlib import Path

from esgledger.calculate.double_materiality import required_criteria
from esgledger.collect.survey_rows import IssueIndex, parse_score
from esgledger.collect.survey_table import Table, TableRow, read_table
from esgledger.core.materiality import Criterion, Iro, IroKind, Scale
from esgledger.core.problems import Problem
from esgledger.errors import ImportFailed
from esgledger.store import materiality as store
from esgledger.store.ledger import Ledger

YES, NO = {"yes", "y", "true", "1", "x"}, {"no", "n", "false", "0", ""}
CRITERIA = ("scale", "scope", "irremediable", "likelihood", "magnitude")


def _columns(table: Table) -> dict[str, str]:
    return {h.strip().lower().replace("_", " "): h for h in table.headers}


def _iro(
    row: TableRow,
    table: Table,
    cols: dict[str, str],
    period: str,
    ctx: IssueIndex,
    scale: Scale,
    problems: list[Problem],
) -> Iro | None:
    def cell(name: str) -> str:
        return row.values.get(cols.get(name, ""), "").strip()

    def fail(name: str, message: str) -> None:
        problems.append(
            Problem(
                location=table.where(row.number, cols.get(name)),
                message=f"column {name!r}: {message}",
                check="dma",
            )
        )

    count = len(problems)
    kind_text = cell("kind").lower().replace(" ", "_").replace("-", "_")
    if kind_text not in {k.value for k in IroKind}:
        fail(
            "kind",
            f"{cell('kind')!r} is not one of negative impact, positive impact, risk, opportunity",
        )
    issue = ctx.resolve(cell("issue"))
    if isinstance(issue, str):
        fail("issue", issue)
    flags = {}
    for name in ("potential", "human rights"):
        if cell(name).lower() not in YES | NO:
            fail(name, f"{cell(name)!r} is not yes or no")
        flags[name] = cell(name).lower() in YES
    if not cell("code"):
        fail("code", "missing")
    if len(problems) > count or isinstance(issue, str):
        return None
    iro = Iro(
        code=cell("code"),
        period=period,
        issue=issue,
        kind=IroKind(kind_text),
        description=cell("description"),
        potential=flags["potential"],
        human_rights=flags["human rights"],
        location=table.where(row.number),
    )
    scores = {}
    for name in required_criteria(iro):
        score = parse_score(cell(name), scale) if cell(name) else f"{name} score missing"
        if isinstance(score, str):
            fail(name, score)
        elif not cell(f"{name} rationale"):
            fail(f"{name} rationale", f"the {name} score {score} needs a rationale")
        else:
            scores[name] = Criterion(score=score, rationale=cell(f"{name} rationale"))
    return Iro(**{**iro.__dict__, "scores": scores}) if len(problems) == count else None


def parse_iros(
    ledger: Ledger, path: Path, period: str, scale: Scale, sheet: str | None = None
) -> tuple[list[Iro], list[Problem]]:
    """The IROs of a file and the problems found."""
    table = read_table(path, sheet)
    if not isinstance(table, Table):
        return [], table
    cols, problems = _columns(table), []
    missing = [c for c in ("code", "issue", "kind") if c not in cols]
    if missing:
        message = f"missing column(s) {', '.join(missing)}"
        return [], [Problem(location=table.where(1), message=message, check="dma")]
    index, iros, first = IssueIndex(ledger.material_issues()), [], {}
    for row in table.rows:
        iro = _iro(row, table, cols, period, index, scale, problems)
        if iro is None:
            continue
        if iro.code in first:
            problems.append(
                Problem(
                    location=table.where(row.number, cols["code"]),
                    message=f"IRO {iro.code!r} also on row {first[iro.code]}",
                    check="dma",
                )
            )
            continue
        first[iro.code] = row.number
        iros.append(iro)
    if not iros and not problems:
        problems.append(
            Problem(location=table.where(1), message="no IROs in the file", check="dma")
        )
    return iros, problems


def import_iros(
    ledger: Ledger,
    path: Path,
    period: str,
    *,
    scale: Scale | None = None,
    sheet: str | None = None,
    user: str = "cli",
) -> int:
    """Replace the period's IROs with those of the file; all or nothing."""
    ledger.period(period)
    iros, problems = parse_iros(ledger, path, period, scale or Scale(), sheet)
    if problems:
        raise ImportFailed(problems)
    return store.replace_iros(ledger, period, iros, user=user)
