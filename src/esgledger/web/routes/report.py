"""The report: preview in the browser, downloads (HTML, PDF, XLSX/CSV of the KPI tables),
the GRI content index with gaps, the checks; and the published figures for viewers."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from starlette.responses import HTMLResponse, Response

from esgledger.check.run import check_period
from esgledger.core.problems import Severity
from esgledger.errors import WorkflowError
from esgledger.report.build import build_report_model
from esgledger.report.model import ReportModel
from esgledger.report.render import render_html, write_pdf
from esgledger.web import cycle
from esgledger.web.deps import Visitor, allow, visitor, web_state
from esgledger.web.errors import Forbidden
from esgledger.web.exports import kpi_csv, kpi_xlsx
from esgledger.web.permissions import Action, Principal
from esgledger.web.templating import page

router = APIRouter(include_in_schema=False)


def _allowed(request: Request, v: Visitor, period: str) -> Principal:
    """Reports of any period for report readers; of published periods for everyone else."""
    ledger = web_state(request).ledger
    ledger.period(period)
    if v.principal.can(Action.VIEW_REPORT):
        return v.principal
    allow(v, Action.VIEW_PUBLISHED)
    if not cycle.period_locks(ledger).get(period):
        raise Forbidden(f"the report of {period} is not published yet")
    return v.principal


def _model(request: Request, period: str) -> ReportModel:
    state = web_state(request)
    return state.cached(("report", period), lambda: build_report_model(state.ledger, period))


def _html(request: Request, period: str) -> str:
    state = web_state(request)
    return state.cached(("report-html", period), lambda: _rendered(request, period))


def _rendered(request: Request, period: str) -> str:
    try:
        return render_html(_model(request, period))
    except ValueError as exc:  # e.g. a chart of a period with no figures yet
        raise WorkflowError(
            f"the report of {period} cannot be rendered yet ({exc}); enter and approve figures"
        ) from exc


def report_period(request: Request, asked: str | None) -> str:
    """The period asked for, else the newest period that has figures."""
    ledger = web_state(request).ledger
    if asked:
        return ledger.period(asked).code
    with_figures = [p.code for p in ledger.periods() if cycle.has_figures(ledger, p.code)]
    return with_figures[-1] if with_figures else cycle.current_period(ledger)


@router.get("/report")
def report_page(request: Request, period: str | None = None, v: Visitor = Depends(visitor)):
    """Preview, downloads, content index and checks of a period's report."""
    principal = allow(v, Action.VIEW_REPORT)
    state = web_state(request)
    chosen = report_period(request, period)
    model = _model(request, chosen)
    problems = state.cached(("checks", chosen), lambda: check_period(state.ledger, chosen))
    return page(
        request,
        "report.html",
        principal=principal,
        csrf_token=v.csrf_token,
        period=chosen,
        periods=cycle.period_locks(state.ledger),
        report=model,
        gaps=[r for r in model.content_index if not r.locations],
        errors=[p for p in problems if p.severity is Severity.ERROR],
        warnings=[p for p in problems if p.severity is not Severity.ERROR],
    )


@router.get("/report/{period}/report.html")
def report_html(
    request: Request, period: str, download: bool = False, v: Visitor = Depends(visitor)
) -> Response:
    """The self-contained HTML report (framed by the preview, or downloaded)."""
    _allowed(request, v, period)
    headers = {}
    if download:
        headers["content-disposition"] = f'attachment; filename="esg-report-{period}.html"'
    return HTMLResponse(_html(request, period), headers=headers)


@router.get("/report/{period}/report.pdf")
def report_pdf(request: Request, period: str, v: Visitor = Depends(visitor)) -> Response:
    """The report as PDF (laid out on A4 pages)."""
    _allowed(request, v, period)
    html = _html(request, period)

    def render() -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "report.pdf"
            write_pdf(html, path, base_url=folder)
            return path.read_bytes()

    data = web_state(request).cached(("report-pdf", period), render)
    return Response(
        data,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="esg-report-{period}.pdf"'},
    )


@router.get("/report/{period}/kpis.csv")
def kpis_csv(request: Request, period: str, v: Visitor = Depends(visitor)) -> Response:
    """The report's KPI tables as CSV."""
    _allowed(request, v, period)
    return Response(
        kpi_csv(_model(request, period)),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="kpis-{period}.csv"'},
    )


@router.get("/report/{period}/kpis.xlsx")
def kpis_xlsx(request: Request, period: str, v: Visitor = Depends(visitor)) -> Response:
    """The report's KPI tables as an Excel workbook."""
    _allowed(request, v, period)
    return Response(
        kpi_xlsx(_model(request, period)),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": f'attachment; filename="kpis-{period}.xlsx"'},
    )


@router.get("/published")
def published(request: Request, period: str | None = None, v: Visitor = Depends(visitor)):
    """The published (locked) periods and the KPI tables of one of them."""
    principal = allow(v, Action.VIEW_PUBLISHED)
    ledger = web_state(request).ledger
    locks = cycle.period_locks(ledger)
    done = [code for code, locked in locks.items() if locked]
    chosen = period if period in done else (done[-1] if done else None)
    if period and period not in done:
        raise Forbidden(f"the figures of {period} are not published")
    model = _model(request, chosen) if chosen else None
    return page(
        request,
        "published.html",
        principal=principal,
        csrf_token=v.csrf_token,
        published=done,
        period=chosen,
        report=model,
    )
