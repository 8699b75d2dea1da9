"""`esgledger explain`: the lineage of a figure as a tree, down to inputs and factors."""

from __future__ import annotations

from rich.tree import Tree

from esgledger.calculate.engine import Figure, Results
from esgledger.calculate.lineage import InputRef
from esgledger.calculate.run import calculate_period
from esgledger.cli.output import console, dumps, number
from esgledger.core.catalog import default_catalog
from esgledger.errors import NotFound
from esgledger.store.ledger import Ledger


def _label(figure: Figure | InputRef, prefix: str = "") -> str:
    metric = default_catalog().get(figure.metric)
    value = number(figure.value, metric.precision + 2, figure.unit)
    return (
        f"{prefix}[bold]{figure.metric}[/bold] @ {figure.entity} = {value} "
        f"[dim]({figure.kind})[/dim] {metric.name}"
    )


def _add_lineage(node: Tree, figure: Figure, results: Results, depth: int) -> None:
    lineage = figure.lineage
    if lineage.method == "reported":
        dp = lineage.datapoint
        p = dp.provenance
        node.add(
            f"reported as {dp.quantity} from {p.location()} (revision {dp.revision}, "
            f"{dp.status}, by {p.user})" + (f"; {p.reference}" if p.reference else "")
        )
        return
    if lineage.method == "formula":
        node.add(f"formula: [cyan]{lineage.formula}[/cyan]")
    else:
        node.add("consolidation: sum of the children's figures")
    if lineage.gwp_set:
        node.add(f"GWP set: {lineage.gwp_set}")
    for factor in lineage.factors:
        node.add(
            f"factor [magenta]{factor.key}[/magenta] = {factor.value} {factor.unit} "
            f"(set {factor.set_id}, region {factor.region}, matched at level "
            f"{factor.level}) — {factor.citation}"
        )
    for missing in sorted(set(lineage.missing)):
        node.add(f"[yellow]missing input {missing} (left out of the total)[/yellow]")
    for ref in lineage.refs():
        share = f" × share {ref.share}" if ref.share != 1 else ""
        child = node.add(_label(ref) + share)
        input_figure = results.figures.get((ref.entity, ref.metric))
        if input_figure is not None and depth > 1:
            _add_lineage(child, input_figure, results, depth - 1)


def explain_figure(
    ledger: Ledger,
    metric: str,
    period: str,
    entity: str | None,
    *,
    depth: int = 6,
    as_json: bool = False,
) -> None:
    """Print the lineage of one figure (and of the esgledger recomputation, if reported)."""
    default_catalog().get(metric)  # unknown ids fail with a hint
    results = calculate_period(ledger, period)
    code = entity or results.root
    figure = results.get(metric, code)
    if figure is None:
        raise NotFound(f"no value for {metric} at {code} in {period}")
    recomputed = results.recomputed.get((code, metric))
    if as_json:
        data = {
            "metric": metric,
            "entity": code,
            "period": period,
            "value": figure.value,
            "unit": figure.unit,
            "kind": str(figure.kind),
            "lineage": figure.lineage.as_json(),
        }
        if recomputed is not None:
            data["recomputed"] = {
                "value": recomputed.value,
                "lineage": recomputed.lineage.as_json(),
            }
        print(dumps(data))
        return
    for shown in filter(None, (figure, recomputed)):
        tree = Tree(_label(shown))
        _add_lineage(tree, shown, results, depth)
        console.print(tree)
