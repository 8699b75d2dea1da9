"""The report layer: figures in KPI tables, narratives, content index, golden tables, PDF."""

from __future__ import annotations

import os
import re
import zlib
from decimal import Decimal
from pathlib import Path

import pytest

from esgledger.collect.demo import build_demo
from esgledger.core.catalog import default_catalog
from esgledger.core.frameworks import load_framework
from esgledger.errors import CatalogError
from esgledger.report.build import build_report_model
from esgledger.report.content_index import indexed_codes
from esgledger.report.figures import FigureBook
from esgledger.report.formatting import format_number, format_yoy, with_unit
from esgledger.report.model import ReportModel
from esgledger.report.narrative import REFERENCE, render_narrative
from esgledger.report.render import write_report
from esgledger.store.ledger import Ledger

GOLDEN = Path(__file__).parent / "golden" / "demo_kpi_tables.txt"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    demo = Ledger.open(tmp_path_factory.mktemp("report") / "demo.db")
    build_demo(demo)
    return demo


@pytest.fixture(scope="module")
def report(ledger: Ledger) -> ReportModel:
    return build_report_model(ledger, "2019")


def _row(report: ReportModel, metric: str):
    rows = [row for table in report.kpi_tables() for row in table.rows if row.metric == metric]
    assert rows, f"{metric} is in no KPI table"
    return rows[0]


def test_packaging_total_is_the_sum_of_its_parts(report: ReportModel) -> None:
    row = _row(report, "packaging.total")
    assert row.current_value == Decimal("5869.7") + Decimal("34601.6") + Decimal(
        "1628.8"
    ) + Decimal("64.8")
    assert row.current == "42,164.9"
    assert row.current_text == "42,164.9 t"
    assert row.kind == "computed"
    prior = Decimal("5281.9") + Decimal("27327.4") + Decimal("1200.9") + Decimal("64.0")
    assert row.prior_value == prior
    assert row.yoy_percent == (Decimal("42164.9") - prior) / prior * 100
    assert row.yoy == "+24.5%"


def test_yoy_is_missing_without_a_prior_value(report: ReportModel) -> None:
    row = _row(report, "water.withdrawal.surface_water")
    assert (row.prior, row.current, row.yoy, row.yoy_percent) == ("—", "5.7", "—", None)


def test_falling_figures_print_a_minus_sign(report: ReportModel) -> None:
    row = _row(report, "energy.gasoline")
    assert row.yoy_percent == (Decimal("469.0") - Decimal("617.3")) / Decimal("617.3") * 100
    assert row.yoy == "−24.0%"


def test_formatting_rounds_with_separators_and_units() -> None:
    assert format_number(Decimal("29562.349"), 1) == "29,562.3"
    assert format_number(Decimal("-0.04"), 1) == "0.0"
    assert with_unit("52.69", "%") == "52.69%"
    assert with_unit("57,658.11", "RMB million") == "RMB 57,658.11 million"
    assert with_unit("5", "count") == "5"
    assert format_yoy(Decimal("52.08")) == "+52.1%"
    assert format_yoy(None) == "—"


def test_every_narrative_reference_resolves(ledger: Ledger, report: ReportModel) -> None:
    layout = ledger.setting("report")
    assert any(REFERENCE.search(c.get("narrative", "")) for c in layout["chapters"])
    texts = [p.text for s in report.all_sections() for p in s.narrative]
    assert texts
    assert not [t for t in texts if "[not reported" in t or "{" in t]
    assert not [p for p in report.problems if "narrative" in p.message]


def test_narrative_forms(ledger: Ledger) -> None:
    book = FigureBook(ledger, "2019", default_catalog())
    text = (
        "{packaging.total} | {packaging.total:value} | {packaging.total:yoy} | "
        "{packaging.total@2018} | {energy.pv_generation@2018}"
    )
    (paragraph,), problems = render_narrative(text, "test", book)
    assert paragraph.text == (
        "42,164.9 t | 42,164.9 | +24.5% | 33,874.2 t | [not reported: energy.pv_generation]"
    )
    assert len(problems) == 1 and "energy.pv_generation" in problems[0].message


@pytest.mark.parametrize("text", ["{energy.totl}", "{energy.total:bogus}", "{energy.total@1999}"])
def test_bad_narrative_references_raise_naming_the_section(ledger: Ledger, text: str) -> None:
    book = FigureBook(ledger, "2019", default_catalog())
    with pytest.raises(CatalogError, match="my-section"):
        render_narrative(f"Energy was {text}.", "my-section", book)


def test_unknown_metric_in_the_layout_raises(ledger: Ledger, tmp_path: Path) -> None:
    other = Ledger.open(tmp_path / "other.db")
    build_demo(other)
    layout = other.setting("report")
    layout["chapters"][0]["narrative"] = "We used {energy.not_a_metric}."
    other.set_setting("report", layout)
    with pytest.raises(CatalogError, match="about-this-report"):
        build_report_model(other, "2019")


def test_content_index_lists_each_disclosure_once_with_a_title(
    ledger: Ledger, report: ReportModel
) -> None:
    framework = load_framework("gri-2016")
    expected = {
        d.code
        for code in indexed_codes(ledger.setting("content_index"))
        for d in framework.resolve(code)
    }
    codes = [row.code for row in report.content_index]
    assert len(codes) == len(set(codes))
    assert set(codes) == expected
    assert "202-1" in codes  # whole standards are expanded
    for row in report.content_index:
        assert row.title == framework.get(row.code).title
        assert row.locations or row.omission


def test_content_index_points_to_chapters(report: ReportModel) -> None:
    rows = {row.code: row for row in report.content_index}
    assert ("3.1 Energy", "energy") in rows["302-1"].locations  # via the KPI table's metrics
    assert rows["102-40"].locations == (("Stakeholder engagement", "stakeholder-engagement"),)
    assert rows["202-1"].omission.startswith("Omitted")


def test_ghg_method_compares_published_and_computed(report: ReportModel) -> None:
    method = report.ghg_method
    assert method is not None and method.gwp_set
    scope1 = [c for c in method.comparisons if c.metric == "ghg.scope1" and c.period == "2019"]
    assert scope1[0].reported == "6,347.3 tCO₂e"
    assert scope1[0].variance_percent is not None
    assert any(f.key == "grid.co2" and f.citation for f in method.factors)


def test_restatement_statement_comes_from_notes(report: ReportModel) -> None:
    assert "packaging" in report.restatement
    assert any(n.kind == "restatement" for n in report.notes)


def _kpi_lines(report: ReportModel) -> str:
    lines = []
    for table in report.kpi_tables():
        lines.append(f"## {table.title}")
        for row in table.rows:
            lines.append(
                " | ".join((row.metric, row.unit, row.prior_text, row.current_text, row.yoy))
            )
    return "\n".join(lines) + "\n"


def test_golden_demo_kpi_tables(report: ReportModel) -> None:
    actual = _kpi_lines(report)
    if os.environ.get("SNAPSHOT_UPDATE") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(actual, encoding="utf-8")
    assert actual == GOLDEN.read_text(encoding="utf-8"), (
        "KPI tables changed; review and refresh with SNAPSHOT_UPDATE=1"
    )


def _page_count(pdf: bytes) -> int:
    """Pages of a PDF, looking into compressed object streams too."""
    text = pdf
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            text += zlib.decompress(match.group(1))
        except zlib.error:
            continue
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", text))


def test_write_report_renders_html_and_pdf(ledger: Ledger, tmp_path: Path) -> None:
    files = write_report(ledger, "2019", tmp_path / "out")
    html = files.html.read_text(encoding="utf-8")
    assert "<svg" in html and "<style>" in html and "<link" not in html
    assert "Environmental, Social and Governance Report 2019" in html
    pdf = files.pdf.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert _page_count(pdf) >= 10


def test_donut_of_a_period_without_figures_is_an_empty_ring() -> None:
    """Regression: a new period with no figures yet must not crash the report (issue 5)."""
    from esgledger.report.charts import render_chart
    from esgledger.report.model import ChartSpec, Series

    spec = ChartSpec(
        id="c",
        kind="donut",
        title="Workforce by gender",
        unit="persons",
        categories=("female", "male"),
        series=(Series(label="2020", values=(None, 0.0)),),
    )
    svg = render_chart(spec)
    assert svg.lstrip().startswith("<svg") or "<svg" in svg
    assert "no data" in svg
