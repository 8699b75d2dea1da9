"""Importing survey exports (CSV and XLSX, wide and long) and refusing bad ones (issue 6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest
from openpyxl import Workbook

from esgledger.collect.dma import import_iros
from esgledger.collect.survey import import_survey, wave_for
from esgledger.core.materiality import Audience, Scale
from esgledger.core.model import Period
from esgledger.errors import ImportFailed
from esgledger.store import materiality as store
from esgledger.store.ledger import Ledger, MaterialIssue, StakeholderGroup

ISSUES = [
    MaterialIssue(
        number=1, category="Corporate operation", name="Economic growth", gri_topics=("201",)
    ),
    MaterialIssue(
        number=2,
        category="Environment",
        name="Energy management",
        gri_topics=("302",),
        esrs=("E1",),
    ),
    MaterialIssue(
        number=3, category="Community", name="Public welfare activities", gri_topics=("413",)
    ),
]
GROUPS = [
    StakeholderGroup(name=n, issues=(), channels=(), frequency="annual")
    for n in ("Shareholders and investors", "Employees")
]


def register(ledger: Ledger) -> Ledger:
    ledger.add_periods([Period(code="2019", start=dt.date(2019, 1, 1), end=dt.date(2019, 12, 31))])
    ledger.add_stakeholder_groups(GROUPS)
    ledger.add_material_issues(ISSUES)
    return ledger


@pytest.fixture
def ready(ledger: Ledger) -> Ledger:
    return register(ledger)


def wave(
    code: str = "w1",
    audience: Audience = Audience.STAKEHOLDERS,
    high: int = 5,
    labels: tuple[str, ...] = (),
):
    return wave_for(code, "2019", audience, Scale(low=1, high=high, labels=labels), user="t")


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def xlsx(tmp: Path, rows: list[list[object]], sheet: str = "Responses") -> Path:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    path = tmp / "survey.xlsx"
    book.save(path)
    return path


WIDE = (
    "Respondent ID,Stakeholder group,Timestamp,Q1,2. Energy management,Public welfare activities\n"
    """r1,Shareholders and investors,2019-11-02,5,4,2
r2,employees,2019-11-03,3,,1
"""
)


def test_wide_csv_import_by_number_name_and_both(ready: Ledger, tmp_path: Path) -> None:
    outcome = import_survey(ready, write(tmp_path, "s.csv", WIDE), wave())
    assert (outcome.layout, outcome.respondents, outcome.scores) == ("wide", 2, 5)
    got = store.responses(ready, "2019")
    assert [(r.respondent, r.group, r.issue, r.score) for r in got] == [
        ("r1", "Shareholders and investors", 1, D(5)),
        ("r1", "Shareholders and investors", 2, D(4)),
        ("r1", "Shareholders and investors", 3, D(2)),
        ("r2", "Employees", 1, D(3)),
        ("r2", "Employees", 3, D(1)),
    ]
    assert got[0].location == "s.csv:2"
    assert store.waves(ready, "2019")[0].sha256


def test_long_xlsx_import_with_answer_labels(ready: Ledger, tmp_path: Path) -> None:
    labels = ("Not", "Low", "Medium", "High", "Very high")
    path = xlsx(
        tmp_path,
        [
            ["respondent", "group", "issue", "score"],
            ["a", "Employees", 1, "Very high"],
            ["a", "Employees", "Energy management", 2],
            ["b", "Employees", "3", None],
        ],
    )
    outcome = import_survey(ready, path, wave(labels=labels))
    assert (outcome.layout, outcome.scores) == ("long", 2)
    got = store.responses(ready, "2019")
    assert [(r.issue, r.score, r.location) for r in got] == [
        (1, D(5), "survey.xlsx!Responses!D2"),
        (2, D(2), "survey.xlsx!Responses!D3"),
    ]


def test_management_wave_needs_no_group(ready: Ledger, tmp_path: Path) -> None:
    path = write(tmp_path, "m.csv", "respondent,1,2,3\nCFO,4,5,3\n")
    import_survey(ready, path, wave("mgmt", Audience.MANAGEMENT))
    got = store.responses(ready, "2019", Audience.MANAGEMENT)
    assert {r.group for r in got} == {"management"} and len(got) == 3


def refused(ledger: Ledger, path: Path, target=None, **kw) -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        import_survey(ledger, path, target or wave(), **kw)
    assert store.responses(ledger, "2019") == [] or kw.get("keep")
    return [str(p) for p in caught.value.problems]


def test_scores_outside_the_scale_name_file_row_and_column(ready: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path, "bad.csv", "respondent,group,1,2\nr1,Employees,6,4.5\nr2,Employees,x,0\n"
    )
    assert refused(ready, path) == [
        "bad.csv:2: column '1': score 6 is outside the scale 1-5",
        "bad.csv:2: column '2': score 4.5 is not a whole number of the scale 1-5",
        "bad.csv:3: column '1': 'x' is not a score (a whole number from 1 to 5)",
        "bad.csv:3: column '2': score 0 is outside the scale 1-5",
    ]


def test_bad_xlsx_cells_are_named(ready: Ledger, tmp_path: Path) -> None:
    path = xlsx(tmp_path, [["respondent", "group", "Q1", "Q9"], ["r1", "Suppliers", 7, 1]])
    assert refused(ready, path) == [
        "survey.xlsx!Responses!D1: column 'Q9': unknown issue 'Q9': the catalog has issues 1 to 3",
        "survey.xlsx!Responses!B2: column 'group': unknown stakeholder group 'Suppliers' "
        "(register: Employees, Shareholders and investors)",
    ]


def test_unknown_issue_names_and_mismatched_numbers(ready: Ledger, tmp_path: Path) -> None:
    path = write(
        tmp_path, "h.csv", "respondent,group,Water,1. Energy management\nr1,Employees,1,2\n"
    )
    assert refused(ready, path) == [
        "h.csv:1: column 'Water': unknown issue 'Water' (not a number or name of the issue "
        "catalog)",
        "h.csv:1: column '1. Energy management': '1. Energy management' names issue 1, but "
        "issue 1 is 'Economic growth'",
    ]


def test_duplicate_respondents(ready: Ledger, tmp_path: Path) -> None:
    wide = write(tmp_path, "d.csv", "respondent,group,1\nr1,Employees,3\nr1,Employees,4\n")
    assert refused(ready, wide) == ["d.csv:3: column 'respondent': respondent 'r1' also on row 2"]
    long = write(
        tmp_path,
        "l.csv",
        "respondent,group,issue,score\na,Employees,1,3\n"
        "a,Employees,1,4\na,Shareholders and investors,2,4\n",
    )
    assert refused(ready, long) == [
        "l.csv:3: column 'issue': respondent 'a' scored issue 1 twice (also on row 2)",
        "l.csv:4: column 'group': respondent 'a' was in group 'Employees'",
    ]


def test_empty_surveys(ready: Ledger, tmp_path: Path) -> None:
    assert refused(ready, write(tmp_path, "e.csv", "")) == [
        "e.csv:1: no header row: the file is empty"
    ]
    no_scores = write(tmp_path, "n.csv", "respondent,group,1,2\nr1,Employees,,\n")
    assert refused(ready, no_scores) == ["n.csv:1: the survey holds no scores"]


def test_mixed_scales_between_waves_and_repeated_files(ready: Ledger, tmp_path: Path) -> None:
    first = write(tmp_path, "a.csv", "respondent,group,1\nr1,Employees,3\n")
    import_survey(ready, first, wave("a"))
    second = write(tmp_path, "b.csv", "respondent,group,1\nr9,Employees,7\n")
    with pytest.raises(ImportFailed) as caught:
        import_survey(ready, second, wave("b", high=7))
    assert [str(p) for p in caught.value.problems] == [
        "b.csv: scale 1-7 differs from the scale 1-5 of wave 'a' of the same period: scores "
        "would not compare"
    ]
    with pytest.raises(ImportFailed, match="imported already as wave 'a'"):
        import_survey(ready, first, wave("c"))
    with pytest.raises(ImportFailed, match="exists already"):
        import_survey(ready, second, wave("a"))
    assert len(store.responses(ready, "2019")) == 1  # nothing of the refused files


def test_replace_a_wave_atomically(ready: Ledger, tmp_path: Path) -> None:
    import_survey(ready, write(tmp_path, "a.csv", "respondent,group,1\nr1,Employees,3\n"), wave())
    fixed = write(tmp_path, "a2.csv", "respondent,group,1,2\nr1,Employees,4,5\n")
    import_survey(ready, fixed, wave(), replace=True)
    assert [r.score for r in store.responses(ready, "2019")] == [D(4), D(5)]
    assert len(store.waves(ready)) == 1


def test_dry_run_writes_nothing(ready: Ledger, tmp_path: Path) -> None:
    outcome = import_survey(ready, write(tmp_path, "a.csv", WIDE), wave(), dry_run=True)
    assert outcome.scores == 5 and store.waves(ready) == []


DMA = (
    "code,issue,kind,description,potential,human rights,scale,scale rationale,scope,"
    "scope rationale,irremediable,irremediable rationale,likelihood,likelihood rationale,"
    "magnitude,magnitude rationale\n"
    "IRO-1,2,negative impact,Emissions from purchased power,no,no,4,grid mix,3,all sites,2,"
    "reversible,,,,\n"
    "IRO-2,Economic growth,risk,Export restrictions,,,,,,,,,4,announced,5,a third of revenue\n"
)


def test_dma_import_keeps_every_rationale(ready: Ledger, tmp_path: Path) -> None:
    assert import_iros(ready, write(tmp_path, "dma.csv", DMA), "2019") == 2
    first, second = store.iros(ready, "2019")
    assert first.scores["scale"].rationale == "grid mix" and first.issue == 2
    assert second.scores["magnitude"].score == D(5) and second.issue == 1


def test_dma_scores_without_rationale_are_refused(ready: Ledger, tmp_path: Path) -> None:
    text = DMA.replace("grid mix", "").replace("risk", "threat")
    with pytest.raises(ImportFailed) as caught:
        import_iros(ready, write(tmp_path, "dma.csv", text), "2019")
    assert [str(p) for p in caught.value.problems] == [
        "dma.csv:2: column 'scale rationale': the scale score 4 needs a rationale",
        "dma.csv:3: column 'kind': 'threat' is not one of negative impact, positive impact, "
        "risk, opportunity",
    ]
    assert store.iros(ready, "2019") == []
