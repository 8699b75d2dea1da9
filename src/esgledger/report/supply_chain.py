"""The ``supply_chain`` report block: the conflict-minerals campaign and smelter conformance.

With supplier declarations loaded for the period, the block states the campaign (suppliers in
scope, responses, complete declarations), tabulates the combined smelter list by metal and RMI
status with a chart, and lists red flags. Without declarations it says so and quotes the
figures the company reported, so a report never shows numbers the ledger does not hold.
"""

from __future__ import annotations

from collections import Counter

from markupsafe import Markup, escape

from esgledger.calculate.smelters import SmelterStatus
from esgledger.calculate.supply_chain import percent
from esgledger.calculate.supply_chain_state import SupplyChainState, supply_chain_state
from esgledger.core.model import Kind
from esgledger.report.charts import render_chart
from esgledger.report.extensions import register_block
from esgledger.report.model import ChartSpec, Series
from esgledger.store.ledger import Ledger

STATUSES = tuple(SmelterStatus)
REPORTED = ("conflict_minerals.cmrt_response_rate", "conflict_minerals.conformant_smelter_share")
MAX_FLAGS = 10


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


@register_block("supply_chain")
def supply_chain(ledger: Ledger, period: str) -> str:
    """The campaign and conformance by metal, or a statement that no declarations are loaded."""
    state = supply_chain_state(ledger, period)
    if not state.declarations:
        return _without_declarations(ledger, period)
    parts = [_campaign_text(state), _conformance_table(state)]
    if state.combined:
        parts.append(_chart(state))
    parts.append(_red_flags(state))
    return "".join(parts)


def _without_declarations(ledger: Ledger, period: str) -> str:
    figures = []
    for metric in REPORTED:
        points = ledger.datapoints(period=period, metric=metric, kind=Kind.REPORTED)
        if points:
            figures.append(f"{points[0].quantity.value.normalize():f} %")
    text = (
        f"No supplier declarations (RMI CMRT/EMRT) are loaded in the ledger for {period}, so "
        "the smelter list is not shown"
    )
    if len(figures) == len(REPORTED):
        text += (
            f"; the response rate ({figures[0]}) and the share of conformant smelters "
            f"({figures[1]}) above are the company's reported figures"
        )
    return _p(text + ".")


def _campaign_text(state: SupplyChainState) -> str:
    c = state.campaign
    rate = (
        "no supplier register is loaded"
        if c.response_rate is None
        else (
            f"{c.responded} of the {c.in_scope} suppliers in scope returned a declaration "
            f"({c.response_rate} %), {c.complete} of them complete"
        )
    )
    identified = [s for s in state.combined if s.status is not SmelterStatus.UNKNOWN]
    return _p(
        f"Conflict-minerals declarations for {state.period}: {rate}. Their smelter lists name "
        f"{len(state.combined)} distinct smelters, {len(identified)} of them identified by an "
        "RMI smelter id."
    )


def _conformance_table(state: SupplyChainState) -> str:
    counts = Counter((s.metal, s.status) for s in state.combined)
    metals = sorted({s.metal for s in state.combined})
    head = "".join(f'<th class="num">{escape(str(s).capitalize())}</th>' for s in STATUSES)
    rows = []
    for metal in metals:
        cells = "".join(f'<td class="num">{counts[(metal, s)]}</td>' for s in STATUSES)
        known = sum(counts[(metal, s)] for s in STATUSES if s is not SmelterStatus.UNKNOWN)
        share = percent(counts[(metal, SmelterStatus.CONFORMANT)], known)
        rows.append(
            f"<tr><td>{escape(metal)}</td>{cells}"
            f'<td class="num">{"—" if share is None else share}</td></tr>'
        )
    return Markup(
        '<div class="kpi-block"><p class="table-title">Smelters by metal and RMI status</p>'
        f'<table class="kpi"><thead><tr><th>Metal</th>{head}<th class="num">% conformant'
        f"</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _chart(state: SupplyChainState) -> str:
    counts = Counter((s.metal, s.status) for s in state.combined)
    metals = tuple(sorted({s.metal for s in state.combined}))
    spec = ChartSpec(
        id="supply-chain-smelters",
        kind="stacked",
        title="Smelters named by suppliers, by RMI status",
        unit="smelters",
        categories=metals,
        series=tuple(
            Series(label=str(s).capitalize(), values=tuple(float(counts[(m, s)]) for m in metals))
            for s in STATUSES
        ),
    )
    return (
        f'<figure class="chart" id="{spec.id}"><figcaption>{escape(spec.title)}'
        f"</figcaption>{render_chart(spec)}</figure>"
    )


def _red_flags(state: SupplyChainState) -> str:
    if not state.red_flags:
        return _p(
            "No red flags: no smelter in a covered country and no declaration that "
            "contradicts its own smelter list."
        )
    items = "".join(f"<li>{escape(f.message)}</li>" for f in state.red_flags[:MAX_FLAGS])
    more = len(state.red_flags) - MAX_FLAGS
    tail = _p(f"… and {more} more (see `esgledger cmrt campaign`).") if more > 0 else ""
    return _p(f"Red flags for due diligence ({len(state.red_flags)}):") + f"<ul>{items}</ul>{tail}"
