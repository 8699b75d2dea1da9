"""Importing materiality survey responses from CSV and XLSX exports, atomically.

Two layouts are read, whichever the header shows:

- **wide**: one row per respondent: ``respondent``, ``group`` (the stakeholder group; not
  needed in management waves) and one column per issue, headed by the issue's number
  (``12``, ``Q12``, ``#12``), its name, or both (``12. Greenhouse gas emissions reduction``);
- **long**: one row per answer: ``respondent``, ``group``, ``issue``, ``score``.

Scores are whole numbers on the wave's declared Likert scale (or its answer labels); blank
cells are questions not answered. Columns that survey tools add (timestamp, email, ...) are
ignored. Scores outside the scale, unknown issues or groups, duplicate respondents, an empty
survey and a scale that differs from the period's other waves are problems naming file, row
and column; with any problem nothing is imported (:class:`~esgledger.errors.ImportFailed`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from esgledger.collect.datapoints import sha256_of
from esgledger.collect.survey_rows import (
    GROUP_ALIASES,
    RESPONDENT_ALIASES,
    IssueIndex,
    find_column,
    group_index,
    is_ignored,
    parse_score,
)
from esgledger.collect.survey_table import Table, read_table
from esgledger.core.materiality import Audience, Scale, SurveyResponse, SurveyWave
from esgledger.core.problems import Problem
from esgledger.errors import ImportFailed
from esgledger.store import materiality as store
from esgledger.store.ledger import Ledger

MANAGEMENT_GROUP = "management"


@dataclass(frozen=True, kw_only=True)
class SurveyImport:
    """What importing a survey file did (or would do, in a dry run)."""

    wave: SurveyWave
    respondents: int
    scores: int
    layout: str


class _Reader:
    """Collects the responses and problems of one table."""

    def __init__(self, table: Table, wave: SurveyWave, issues: IssueIndex, groups: dict[str, str]):
        self.table, self.wave, self.issues, self.groups = table, wave, issues, groups
        self.responses: list[SurveyResponse] = []
        self.problems: list[Problem] = []
        self.first_row: dict[str, int] = {}  # respondent -> first row
        self.group_of: dict[str, str] = {}

    def fail(self, row: int, header: str | None, message: str) -> None:
        column = f"column {header!r}: " if header else ""
        location = self.table.where(row, header)
        self.problems.append(Problem(location=location, message=column + message, check="survey"))

    def group(self, row: int, header: str | None, text: str) -> str | None:
        if self.wave.audience is Audience.MANAGEMENT:
            return MANAGEMENT_GROUP
        if header is None:
            self.fail(1, None, "no stakeholder group column (group, stakeholder group)")
            return None
        name = self.groups.get(_key(text))
        if name is None:
            known = ", ".join(sorted(set(self.groups.values())))
            what = f"unknown stakeholder group {text!r}" if text else "stakeholder group missing"
            self.fail(row, header, f"{what} (register: {known})")
        return name

    def add(self, row: int, header: str, respondent: str, group: str, issue: int, text: str):
        score = parse_score(text, self.wave.scale)
        if isinstance(score, str):
            self.fail(row, header, score)
            return
        self.responses.append(
            SurveyResponse(
                wave=self.wave.code,
                respondent=respondent,
                group=group,
                issue=issue,
                score=score,
                location=self.table.where(row, header),
            )
        )


def _key(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


def _read_wide(reader: _Reader, respondent_col: str, group_col: str | None) -> None:
    table = reader.table
    issue_cols: dict[str, int] = {}
    for header in table.headers:
        if header in (respondent_col, group_col) or is_ignored(header):
            continue
        found = reader.issues.resolve(header)
        if isinstance(found, str):
            reader.fail(1, header, found)
        else:
            issue_cols[header] = found
    for row in table.rows:
        respondent = row.values.get(respondent_col, "")
        if not respondent:
            reader.fail(row.number, respondent_col, "respondent id missing")
            continue
        if respondent in reader.first_row:
            first = reader.first_row[respondent]
            reader.fail(
                row.number, respondent_col, f"respondent {respondent!r} also on row {first}"
            )
            continue
        reader.first_row[respondent] = row.number
        group = reader.group(row.number, group_col, row.values.get(group_col or "", ""))
        if group is None:
            continue
        for header, issue in issue_cols.items():
            if row.values.get(header, ""):
                reader.add(row.number, header, respondent, group, issue, row.values[header])


def _read_long(reader: _Reader, respondent_col: str, group_col: str | None) -> None:
    table = reader.table
    issue_col = find_column(table.headers, ("issue", "topic", "question")) or "issue"
    score_col = find_column(table.headers, ("score", "answer", "rating")) or "score"
    seen: dict[tuple[str, int], int] = {}
    for row in table.rows:
        respondent = row.values.get(respondent_col, "")
        if not respondent:
            reader.fail(row.number, respondent_col, "respondent id missing")
            continue
        group = reader.group(row.number, group_col, row.values.get(group_col or "", ""))
        issue = reader.issues.resolve(row.values.get(issue_col, ""))
        if isinstance(issue, str):
            reader.fail(row.number, issue_col, issue)
        if group is None or isinstance(issue, str):
            continue
        if reader.group_of.setdefault(respondent, group) != group:
            first = reader.group_of[respondent]
            reader.fail(row.number, group_col, f"respondent {respondent!r} was in group {first!r}")
            continue
        if (respondent, issue) in seen:
            earlier = seen[(respondent, issue)]
            reader.fail(
                row.number,
                issue_col,
                f"respondent {respondent!r} scored issue {issue} twice (also on row {earlier})",
            )
            continue
        seen[(respondent, issue)] = row.number
        if row.values.get(score_col, ""):
            reader.add(row.number, score_col, respondent, group, issue, row.values[score_col])


def parse_survey(
    ledger: Ledger, path: Path, wave: SurveyWave, sheet: str | None = None
) -> tuple[list[SurveyResponse], list[Problem], str]:
    """Responses of a survey file, the problems found, and the layout (wide or long)."""
    table = read_table(path, sheet)
    if not isinstance(table, Table):
        return [], table, ""
    groups = group_index(ledger.stakeholder_groups())
    reader = _Reader(table, wave, IssueIndex(ledger.material_issues()), groups)
    respondent_col = find_column(table.headers, RESPONDENT_ALIASES)
    group_col = find_column(table.headers, GROUP_ALIASES)
    long = {"issue", "score"} <= {h.strip().lower() for h in table.headers}
    if respondent_col is None:
        reader.fail(1, None, "no respondent column (respondent, respondent id, response id)")
    elif long:
        _read_long(reader, respondent_col, group_col)
    else:
        _read_wide(reader, respondent_col, group_col)
    if not reader.responses and not reader.problems:
        reader.fail(1, None, "the survey holds no scores")
    return reader.responses, reader.problems, "long" if long else "wide"


def _wave_problems(ledger: Ledger, path: Path, wave: SurveyWave, replace: bool) -> list[Problem]:
    problems = []
    if wave.period not in {p.code for p in ledger.periods()}:
        problems.append(f"unknown period {wave.period!r}")
    for other in store.waves(ledger):
        if other.code == wave.code:
            if not replace:
                problems.append(f"survey wave {wave.code!r} exists already (use --replace)")
        elif other.sha256 == wave.sha256 and other.period == wave.period:
            problems.append(f"this file was imported already as wave {other.code!r}")
        elif other.period == wave.period and (other.scale.low, other.scale.high) != (
            wave.scale.low,
            wave.scale.high,
        ):
            problems.append(
                f"scale {wave.scale} differs from the scale {other.scale} of wave "
                f"{other.code!r} of the same period: scores would not compare"
            )
    if wave.scale.low >= wave.scale.high:
        problems.append(f"scale {wave.scale}: the lowest score must be below the highest")
    return [Problem(location=path.name, message=m, check="survey") for m in problems]


def import_survey(
    ledger: Ledger,
    path: Path,
    wave: SurveyWave,
    *,
    sheet: str | None = None,
    replace: bool = False,
    dry_run: bool = False,
) -> SurveyImport:
    """Validate a survey file and store it as one wave; all of it or nothing."""
    wave = dataclasses.replace(wave, file=path.name, sha256=sha256_of(path))
    responses, problems, layout = parse_survey(ledger, path, wave, sheet)
    problems = _wave_problems(ledger, path, wave, replace) + problems
    if problems:
        raise ImportFailed(problems)
    if not dry_run:
        store.add_wave(ledger, wave, responses, replace=replace)
    return SurveyImport(
        wave=wave,
        respondents=len({r.respondent for r in responses}),
        scores=len(responses),
        layout=layout,
    )


def wave_for(
    code: str,
    period: str,
    audience: Audience,
    scale: Scale,
    *,
    title: str = "",
    user: str = "cli",
    illustrative: bool = False,
) -> SurveyWave:
    """A wave description to import a file into."""
    return SurveyWave(
        code=code,
        period=period,
        audience=audience,
        scale=scale,
        title=title,
        user=user,
        illustrative=illustrative,
    )
