"""From survey file to matrix, topic list, completeness check and CLI (issue 6)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from tests.test_survey_import import register
from typer.testing import CliRunner

from esgledger.calculate.engine import Results
from esgledger.calculate.materiality_run import assess
from esgledger.check.checks import CheckContext
from esgledger.check.materiality import check_material_topics
from esgledger.cli.main import app
from esgledger.collect.demo import build_demo
from esgledger.collect.survey import import_survey, wave_for
from esgledger.core.materiality import Audience, Scale
from esgledger.core.problems import Severity
from esgledger.report.build import build_report_model
from esgledger.report.materiality import material_topics
from esgledger.report.materiality_matrix import render_matrix
from esgledger.store.ledger import Ledger

GOLDEN = Path(__file__).parent / "golden" / "materiality_matrix.svg"
STAKEHOLDERS = """respondent,group,1,2,3
s1,Shareholders and investors,5,4,2
s2,Shareholders and investors,4,5,1
s3,Employees,4,3,3
s4,Employees,5,4,2
"""
MANAGEMENT = "respondent,1,2,3\nCEO,5,3,2\nCFO,4,4,3\n"


@pytest.fixture
def surveyed(tmp_path: Path) -> Ledger:
    ledger = register(Ledger.open(tmp_path / "m.db"))
    for name, text, audience in (
        ("s.csv", STAKEHOLDERS, Audience.STAKEHOLDERS),
        ("m.csv", MANAGEMENT, Audience.MANAGEMENT),
    ):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        import_survey(ledger, path, wave_for(name, "2019", audience, Scale(), user="t"))
    yield ledger
    ledger.close()


def test_survey_files_to_topic_list(surveyed: Ledger) -> None:
    # Issue 1: stakeholders (4.5 + 4.5) / 2 = 4.5, company 4.5 -> high.
    # Issue 2: (4.5 + 3.5) / 2 = 4, company 3.5 -> moderate. Issue 3: 1.5 / 2.5 -> low.
    result = assess(surveyed, "2019")
    assert [(r.issue.number, str(r.zone)) for r in result.issues] == [
        (1, "high"),
        (2, "moderate"),
        (3, "low"),
    ]
    assert [t.result.issue.number for t in result.topics] == [1]
    html = material_topics(surveyed, "2019")
    assert re.findall(r'data-issue="(\d+)"', html) == ["1"]
    assert "Economic growth" in html and "4.50" in html


def _context(ledger: Ledger, framework: str = "gri-2016", *, layout: dict | None = None):
    from esgledger.core.catalog import default_catalog

    if layout is not None:
        ledger.set_setting("report", layout)
    return CheckContext(
        catalog=default_catalog(),
        entities=(),
        period="2019",
        current=Results(period="2019", root="group"),
        prior=None,
        datapoints=(),
        framework=framework,
        ledger=ledger,
    )


def test_completeness_check_lists_required_disclosures(surveyed: Ledger) -> None:
    layout = {"chapters": [{"id": "e", "title": "E", "disclosures": ["201-1", "103-1"]}]}
    problems = check_material_topics(_context(surveyed, layout=layout))
    by_code = {p.location.rsplit(" ", 1)[-1]: p for p in problems if "GRI" in p.location}
    # Issue 1 (GRI 201) is material: 201-1 has narrative, 201-2..4 have nothing.
    assert sorted(by_code) == ["201-2", "201-3", "201-4"]
    assert all(p.severity is Severity.WARNING for p in by_code.values())
    assert "material topic 1 'Economic growth'" in by_code["201-2"].message
    assert "not been validated" in next(p.message for p in problems if "GRI" not in p.location)
    # Without any narrative the topic has no covered disclosure: an error under the core option.
    bare = check_material_topics(_context(surveyed, layout={"chapters": []}))
    assert {p.severity for p in bare if "GRI 201" in p.location} == {Severity.ERROR}
    # GRI 2021 requires every disclosure of a material topic.
    strict = check_material_topics(_context(surveyed, "gri-2021", layout=layout))
    assert {p.severity for p in strict if "201-2" in p.location} == {Severity.ERROR}


def test_matrix_svg_matches_golden(surveyed: Ledger) -> None:
    svg = render_matrix(assess(surveyed, "2019"), "svg").decode("utf-8")
    assert render_matrix(assess(surveyed, "2019"), "svg").decode("utf-8") == svg
    if os.environ.get("SNAPSHOT_UPDATE") == "1":
        GOLDEN.write_text(svg, encoding="utf-8")
    assert svg == GOLDEN.read_text(encoding="utf-8"), "refresh with SNAPSHOT_UPDATE=1"
    for number in ("1", "2", "3"):
        assert f">{number}</text>" in svg
    assert "high (≥ 4)" in svg and "moderate (≥ 3)" in svg


def test_png_and_pdf_exports(surveyed: Ledger) -> None:
    result = assess(surveyed, "2019")
    assert render_matrix(result, "png").startswith(b"\x89PNG")
    assert render_matrix(result, "pdf").startswith(b"%PDF")


# --- the demo and the CLI ---------------------------------------------------------------------
def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def demo_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo6") / "demo.db"
    with Ledger.open(path) as ledger:
        build_demo(ledger)
    return path


def test_demo_report_prints_matrix_and_eight_topics(demo_ledger: Path) -> None:
    with Ledger.open(demo_ledger) as ledger:
        model = build_report_model(ledger, "2019")
    blocks = model.extra_blocks
    assert re.findall(r'data-issue="(\d+)"', blocks["material_topics"]) == [
        "19",
        "21",
        "3",
        "7",
        "6",
        "1",
        "12",
        "22",
    ]
    assert "illustrative" in blocks["material_topics"]
    assert (
        "<svg" in blocks["materiality_matrix"]
        and "Illustrative scores" in blocks["materiality_matrix"]
    )
    assert "186 stakeholders" in blocks["materiality_process"]


def test_cli_validate_moves_an_issue_into_the_topic_list(demo_ledger: Path, tmp_path) -> None:
    db = str(tmp_path / "copy.db")
    Path(db).write_bytes(demo_ledger.read_bytes())
    code, out = invoke(
        "materiality",
        "validate",
        "--db",
        db,
        "-p",
        "2019",
        "--by",
        "CEO",
        "--date",
        "2020-04-01",
        "--move",
        "16=high:water stress at new sites",
    )
    assert code == 0, out
    code, out = invoke("materiality", "assess", "--db", db, "-p", "2019", "--json")
    rows = {r["issue"]: r for r in json.loads(out)}
    assert rows[16]["zone"] == "high" and rows[16]["material"] == "yes"
    code, out = invoke("check", "--db", db, "--period", "2019", "--json")
    messages = [p["message"] for p in json.loads(out) if p["check"] == "materiality"]
    assert any("material topic 16 'Water resource management'" in m for m in messages)
    code, out = invoke(
        "materiality", "matrix", "--db", db, "-p", "2019", "--out", str(tmp_path / "m.png")
    )
    assert code == 0 and (tmp_path / "m.png").read_bytes().startswith(b"\x89PNG")


def test_cli_import_errors_exit_1(demo_ledger: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent,group,Q1\nr1,Clients,9\n", encoding="utf-8")
    code, out = invoke(
        "materiality",
        "import",
        str(bad),
        "--db",
        str(demo_ledger),
        "-p",
        "2019",
        "--wave",
        "extra",
        "--json",
    )
    assert code == 1
    problems = json.loads(out[out.index("[") :])
    assert problems[0]["location"] == "bad.csv:2"
    assert "outside the scale 1-5" in problems[0]["message"]


def test_cli_weights_refuse_zero_sum(demo_ledger: Path) -> None:
    code, out = invoke(
        "materiality", "weights", "--db", str(demo_ledger), "-p", "2019", "--set", "Clients=0"
    )
    assert code == 2 and "the weights add up to zero" in out
    code, out = invoke("materiality", "assess", "--db", str(demo_ledger), "-p", "2019")
    assert code == 0
