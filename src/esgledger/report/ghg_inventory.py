"""Report block ``ghg_inventory``: the inventory computed from activity records.

Scopes (scope 2 both ways), scope 1 by source and gas, scope 3 by category, each with the
prior period and the year-on-year change; intensity recomputed from the consolidated total
and revenue; then the method: rows computed and rejected, GWP set, engine, and every factor
used with its source and the fallback level that answered. Add it to a layout section as
``blocks: [ghg_inventory]`` once the ledger holds activity data.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

from esgledger.calculate.ghg_metrics import metric_specs
from esgledger.core.catalog import default_catalog
from esgledger.core.model import Kind
from esgledger.report.extensions import register_block
from esgledger.store import ghg as ghg_store
from esgledger.store.ledger import Ledger

ROWS = (
    "scope1", "scope1.stationary", "scope1.mobile", "scope1.fugitive",
    "scope2_location", "scope2_market", "scope3", "scope3.cat1", "scope3.cat4",
    "scope3.cat6", "scope3.cat7", "scope3.cat9", "scope1.gas.co2", "scope1.gas.ch4",
    "scope1.gas.n2o", "scope1.gas.hfcs", "scope1.gas.pfcs", "scope1.gas.sf6",
    "scope1.gas.nf3", "scope1.gas.not_split", "total_location", "total_market",
)  # fmt: skip


def _values(ledger: Ledger, period: str | None, root: str) -> dict[str, Decimal]:
    if period is None:
        return {}
    found = ledger.datapoints(period=period, entity=root, kind=Kind.COMPUTED)
    return {d.metric: d.quantity.value for d in found if d.metric in metric_specs()}


def _revenue(ledger: Ledger, period: str | None, root: str) -> Decimal | None:
    if period is None:
        return None
    found = ledger.datapoints(period=period, entity=root, metric="revenue")
    return found[0].quantity.value if found else None


def _row(name: str, now: Decimal | None, before: Decimal | None, unit: str) -> str:
    change = f"{(now - before) / abs(before) * 100:+.1f}%" if now and before else "—"
    cells = [name, f"{now:,.2f}" if now is not None else "—",
             f"{before:,.2f}" if before is not None else "—", change, unit]  # fmt: skip
    return "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>"


@register_block("ghg_inventory")
def render_ghg_inventory(ledger: Ledger, period: str) -> str:
    """The GHG inventory table and method notes for ``period`` (empty without a run)."""
    run = ghg_store.latest_run(ledger, period)
    if run is None:
        return ""
    root = next(e.code for e in ledger.entities() if e.parent is None)
    prior = ledger.prior_period(period)
    now, before = (
        _values(ledger, period, root),
        _values(ledger, prior.code if prior else None, root),
    )
    catalog = default_catalog()
    rows = [
        _row(catalog.get(f"ghg.inventory.{m}").name, now.get(f"ghg.inventory.{m}"),
             before.get(f"ghg.inventory.{m}"), "tCO2e")
        for m in ROWS
        if f"ghg.inventory.{m}" in now or f"ghg.inventory.{m}" in before
    ]  # fmt: skip
    total = now.get("ghg.inventory.total_location")
    revenue = _revenue(ledger, period, root)
    if total is not None and revenue:
        before_total = before.get("ghg.inventory.total_location")
        prior_revenue = _revenue(ledger, prior.code if prior else None, root)
        previous = before_total / prior_revenue if before_total and prior_revenue else None
        rows.append(_row("Intensity, scopes 1 and 2 (location-based)", total / revenue,
                         previous, "tCO2e / RMB million"))  # fmt: skip
    sources = sorted(
        {f"{f['key']}: {f['value']} {f['unit']} ({f['set']}, level {f['level']}) - {f['citation']}"
         for c in ghg_store.contributions(ledger, run["id"]) for f in c["factors"]}
    )  # fmt: skip
    method = (
        f"Computed from {run['rows_computed']:,} activity rows ({run['rows_rejected']:,} rejected "
        f"of {run['rows_in']:,}) on {run['engine']}; GWP set {run['gwp_set']}; factor sets in "
        f"priority order: {', '.join(run['factor_sets'])}."
    )
    head = "<tr><th>Figure</th><th>" + escape(period) + "</th><th>"
    head += escape(prior.code if prior else "prior") + "</th><th>Change</th><th>Unit</th></tr>"
    html = f'<table class="ghg-inventory">{head}{"".join(rows)}</table>'
    html += f"<p>{escape(method)}</p><ul>" + "".join(f"<li>{escape(s)}</li>" for s in sources)
    return str(Markup(html + "</ul>"))
