"""Render a report to a self-contained HTML file (CSS and SVG inline) and a PDF (WeasyPrint)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from esgledger.report.build import build_report_model
from esgledger.report.charts import render_chart
from esgledger.report.model import ChartSpec, ReportModel
from esgledger.store.ledger import Ledger

TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"


@dataclass(frozen=True, kw_only=True)
class ReportFiles:
    """The files a report was written to."""

    html: Path
    pdf: Path | None


def _templates() -> Path:
    return Path(str(resources.files("esgledger.report") / "templates"))


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_templates()),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    environment.filters["chart_svg"] = _chart_svg
    return environment


def _chart_svg(spec: ChartSpec) -> Markup:
    return Markup(render_chart(spec))


def render_html(report: ReportModel) -> str:
    """The report as one HTML document with its stylesheet and charts inline."""
    css = (_templates() / STYLESHEET).read_text(encoding="utf-8")
    running_title = f"{report.short_name} · {report.title}".replace('"', "'").replace("\\", "")
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(report=report, css=Markup(css), running_title=running_title)
    )


def write_pdf(html: str, path: Path, base_url: str) -> None:
    """Lay out ``html`` on A4 pages and write the PDF."""
    import weasyprint  # slow to import; only needed here

    weasyprint.HTML(string=html, base_url=base_url).write_pdf(path)


def write_report(
    ledger: Ledger, period: str, out_dir: Path | str, *, pdf: bool = True
) -> ReportFiles:
    """Build the report of ``period``; write report.html (and report.pdf) into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    html = render_html(build_report_model(ledger, period))
    files = ReportFiles(html=out / "report.html", pdf=out / "report.pdf" if pdf else None)
    files.html.write_text(html, encoding="utf-8")
    if files.pdf is not None:
        write_pdf(html, files.pdf, base_url=str(out))
    return files
