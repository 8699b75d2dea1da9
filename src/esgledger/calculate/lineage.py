"""Lineage records: how each figure was obtained, down to inputs and cited factors.

They are ``NamedTuple``s: immutable like the other domain records, and cheap enough to build
for every one of the hundreds of thousands of figures a large group computes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

ONE = Decimal(1)


class InputRef(NamedTuple):
    """A figure a calculation read.

    Attributes:
        metric: metric id.
        entity: entity code the value belongs to.
        value: the value, in the metric's catalog unit.
        unit: the catalog unit.
        kind: ``reported`` or ``computed``.
        source: where a reported value came from (``file:line``, ``file!Sheet!C7``, ``demo``).
        reference: citation of the published document, if any.
        share: the weight applied when consolidating (1 unless equity share or excluded).
    """

    metric: str
    entity: str
    value: Decimal
    unit: str
    kind: str
    source: str = ""
    reference: str = ""
    share: Decimal = ONE


class FactorUse(NamedTuple):
    """A factor a calculation used, with its citation and the fallback level that answered."""

    key: str
    set_id: str
    value: Decimal
    unit: str
    region: str
    level: str
    citation: str
    note: str = ""


class Lineage(NamedTuple):
    """How a figure was obtained.

    Attributes:
        method: ``reported`` (as entered), ``formula`` (catalog formula at this entity) or
            ``consolidation`` (sum of the children's figures).
        formula: the formula text for ``formula``.
        inputs: the figures read (for consolidation: one per child). While calculating these
            are the input :class:`~esgledger.calculate.engine.Figure` objects themselves, so a
            lineage can be followed down to the reported datapoints; read back from the store
            they are :class:`InputRef` records.
        shares: consolidation weights, parallel to ``inputs`` (empty: all 1).
        factors: factors used, with citations.
        missing: inputs the formula asked for but the ledger does not hold.
        gwp_set: the GWP set in force when ``gwp()`` was used.
        datapoint: for ``reported`` figures, the datapoint as entered (value, unit, provenance).
    """

    method: str
    formula: str | None = None
    inputs: tuple[Any, ...] = ()
    shares: tuple[Decimal, ...] = ()
    factors: tuple[FactorUse, ...] = ()
    missing: tuple[str, ...] = ()
    gwp_set: str | None = None
    datapoint: Any = None

    def refs(self) -> list[InputRef]:
        """The inputs as :class:`InputRef` records (with sources and shares)."""
        shares = self.shares or (ONE,) * len(self.inputs)
        return [input_ref(item, share) for item, share in zip(self.inputs, shares, strict=True)]

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (decimals as strings)."""
        data: dict[str, Any] = {
            "method": self.method,
            "formula": self.formula,
            "inputs": [_jsonable(ref) for ref in self.refs()],
            "factors": [_jsonable(f) for f in self.factors],
            "missing": list(self.missing),
            "gwp_set": self.gwp_set,
        }
        if self.datapoint is not None:
            dp = self.datapoint
            data["reported"] = {
                "value": str(dp.quantity.value),
                "unit": dp.quantity.unit,
                "source": dp.provenance.location(),
                "reference": dp.provenance.reference or "",
                "revision": dp.revision,
                "user": dp.provenance.user,
            }
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Lineage:
        """Rebuild a lineage stored with :meth:`as_json` (inputs become InputRefs)."""
        inputs = tuple(
            InputRef(**{**i, "value": Decimal(i["value"]), "share": Decimal(i["share"])})
            for i in data.get("inputs", ())
        )
        return cls(
            method=data["method"],
            formula=data.get("formula"),
            inputs=inputs,
            shares=tuple(i.share for i in inputs),
            factors=tuple(
                FactorUse(**{**f, "value": Decimal(f["value"])}) for f in data.get("factors", ())
            ),
            missing=tuple(data.get("missing", ())),
            gwp_set=data.get("gwp_set"),
        )


def input_ref(item: Any, share: Decimal = ONE) -> InputRef:
    """An :class:`InputRef` for a figure (or the ref itself)."""
    if isinstance(item, InputRef):
        return item
    dp = item.lineage.datapoint
    return InputRef(
        metric=item.metric,
        entity=item.entity,
        value=item.value,
        unit=item.unit,
        kind=str(item.kind),
        source=dp.provenance.location() if dp is not None else "",
        reference=(dp.provenance.reference or "") if dp is not None else "",
        share=share,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "_asdict"):
        return _jsonable(value._asdict())
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
