"""The dashboard: completion of the cycle, headline KPIs with year-on-year change, open
review items and failing checks, all limited to what the user may see."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import RedirectResponse, Response

from esgledger.check.run import check_period
from esgledger.collect.submissions import submissions
from esgledger.core.model import Status
from esgledger.core.problems import Severity
from esgledger.web import cycle
from esgledger.web.charts import Bar, comparison_bars, progress_ring
from esgledger.web.deps import Visitor, allow, visitor, web_state
from esgledger.web.permissions import Action
from esgledger.web.templating import page

router = APIRouter(include_in_schema=False)
#: seconds a dashboard aggregate may lag behind the newest change
DASHBOARD_AGE = 10.0
CHART_METRICS = ("energy.total", "ghg.scope1", "ghg.scope2_location", "water.withdrawal.total")


@router.get("/dashboard")
def dashboard(
    request: Request, period: str | None = None, v: Visitor = Depends(visitor)
) -> Response:
    """The cycle at a glance."""
    if not v.principal.can(Action.VIEW_DATA):
        return RedirectResponse("/published", 303)
    principal = allow(v, Action.VIEW_DATA)
    state = web_state(request)
    ledger, catalog = state.ledger, state.catalog
    locks = cycle.period_locks(ledger)  # periods in order and their locks: read once
    chosen = cycle.chosen_among(ledger, locks, period)
    visible = principal.visible(e.code for e in ledger.entities())
    by_entity, by_metric = state.cached(
        ("completion", chosen, tuple(visible)),
        lambda: cycle.completion(ledger, catalog, chosen, visible),
        max_age=DASHBOARD_AGE,
    )
    chosen_has_figures = cycle.has_figures(ledger, chosen)
    kpi_period = chosen if chosen_has_figures else cycle.prior_of(locks, chosen)
    show_kpis = kpi_period is not None and (
        principal.can(Action.VIEW_REPORT) or locks.get(kpi_period, False)
    )
    kpis = (
        state.cached(
            ("kpis", kpi_period),
            lambda: cycle.headlines(ledger, catalog, kpi_period),
            max_age=DASHBOARD_AGE,
        )
        if show_kpis and kpi_period
        else []
    )
    problems = []
    if principal.can(Action.VIEW_REPORT) and chosen_has_figures:
        problems = state.cached(
            ("checks", chosen), lambda: check_period(ledger, chosen), max_age=DASHBOARD_AGE
        )
    waiting = [
        s
        for s in state.cached(
            ("submissions", chosen), lambda: submissions(ledger, chosen), max_age=DASHBOARD_AGE
        )
        if s.entity in visible and s.counts.get(str(Status.SUBMITTED))
    ]
    owed = sum(c.owed for c in by_entity)
    approved = sum(c.approved for c in by_entity)
    prior = cycle.prior_of(locks, kpi_period)
    chart = (
        comparison_bars(
            [
                Bar(label=k.name, prior=k.prior, current=k.current)
                for k in kpis
                if k.metric in CHART_METRICS
            ],
            prior or "prior",
            kpi_period or "",
        )
        if kpis
        else None
    )
    return page(
        request,
        "dashboard.html",
        principal=principal,
        csrf_token=v.csrf_token,
        period=chosen,
        periods=locks,
        by_entity=by_entity,
        by_metric=by_metric,
        kpis=kpis,
        kpi_period=kpi_period,
        prior_period=prior,
        chart=chart,
        ring=progress_ring(round(100 * approved / owed) if owed else 100),
        owed=owed,
        entered=sum(c.entered for c in by_entity),
        approved=approved,
        waiting=waiting,
        errors=[p for p in problems if p.severity is Severity.ERROR],
        warnings=[p for p in problems if p.severity is not Severity.ERROR],
    )
