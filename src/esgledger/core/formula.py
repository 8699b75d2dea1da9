"""Formulas of derived metrics: parsed once, unit-checked once, evaluated on Decimals.

A formula is a Python-style expression over metric ids (``energy.gasoline``), numbers,
``+ - * /``, parentheses and three functions:

* ``factor('key')`` - a conversion or emission factor, looked up by key for the entity's country,
  region and the period's year (see :mod:`esgledger.core.factors`);
* ``gwp('CH4')`` - the global warming potential of a gas in the chosen GWP set;
* ``total(a, b, ...)`` - the sum of those operands that have values (missing ones are skipped
  and recorded), missing only when all are missing.

Compilation walks the expression with pint units: adding MWh to tonnes, or a result whose unit
cannot become the metric's declared unit, is a :class:`FormulaError` when the catalog loads,
not when a report is printed. Evaluation then only multiplies Decimals by constant factors.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import pint

from esgledger.core.units import parse_unit, unit_factor, ureg
from esgledger.errors import FormulaError, UnitError


class EvaluationContext(Protocol):
    """What a formula needs while it is evaluated for one entity and period."""

    def value(self, metric: str) -> Decimal | None:
        """The metric's value in its catalog unit, or None when missing."""

    def factor(self, key: str) -> Decimal:
        """A factor's value in the unit the factor key declares."""

    def gwp(self, gas: str) -> Decimal:
        """Global warming potential of a gas (dimensionless)."""


Evaluator = Callable[[EvaluationContext], Decimal | None]


@dataclass(frozen=True)
class CompiledFormula:
    """A formula ready to evaluate.

    Attributes:
        text: the formula as written in the catalog.
        inputs: metric ids the formula reads, in order of first use.
        factors: factor keys the formula reads.
        evaluate: function of an :class:`EvaluationContext` returning the value in the metric's
            declared unit, or None when a required input is missing.
    """

    text: str
    inputs: tuple[str, ...]
    factors: tuple[str, ...]
    evaluate: Evaluator


@dataclass(frozen=True)
class _Node:
    unit: pint.Unit
    fn: Evaluator


def dotted_name(node: ast.expr) -> str | None:
    """``energy.gasoline.tce`` for a chain of attribute accesses on a name, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


class _Compiler:
    def __init__(
        self,
        text: str,
        metric_unit: Callable[[str], str],
        factor_unit: Callable[[str], str],
    ) -> None:
        self.text = text
        self.metric_unit = metric_unit
        self.factor_unit = factor_unit
        self.inputs: list[str] = []
        self.factors: list[str] = []

    def fail(self, message: str) -> FormulaError:
        return FormulaError(f"formula {self.text!r}: {message}")

    def compile(self, node: ast.expr) -> _Node:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            constant = Decimal(str(node.value))
            return _Node(ureg.dimensionless, lambda ctx: constant)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self.compile(node.operand)
            return _Node(inner.unit, _negate(inner.fn))
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        name = dotted_name(node)
        if name is not None:
            return self.metric(name)
        raise self.fail(f"unsupported expression {ast.unparse(node)!r}")

    def metric(self, name: str) -> _Node:
        try:
            unit = parse_unit(self.metric_unit(name))
        except KeyError as exc:
            raise self.fail(f"unknown metric {name!r}") from exc
        if name not in self.inputs:
            self.inputs.append(name)
        return _Node(unit, lambda ctx: ctx.value(name))

    def binary(self, node: ast.BinOp) -> _Node:
        left, right = self.compile(node.left), self.compile(node.right)
        if isinstance(node.op, ast.Add | ast.Sub):
            scale = self.scale(right.unit, left.unit)
            sign = Decimal(1) if isinstance(node.op, ast.Add) else Decimal(-1)
            return _Node(left.unit, _add(left.fn, right.fn, scale * sign))
        if isinstance(node.op, ast.Mult):
            return _Node(left.unit * right.unit, _mul(left.fn, right.fn))
        if isinstance(node.op, ast.Div):
            return _Node(left.unit / right.unit, _div(left.fn, right.fn))
        raise self.fail(f"unsupported operator {type(node.op).__name__}")

    def call(self, node: ast.Call) -> _Node:
        fname = node.func.id if isinstance(node.func, ast.Name) else None
        if fname in ("factor", "gwp"):
            arg = node.args[0] if len(node.args) == 1 else None
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                raise self.fail(f"{fname}() takes one quoted string")
            key: str = arg.value
            if fname == "gwp":
                return _Node(ureg.dimensionless, lambda ctx: ctx.gwp(key))
            try:
                unit = parse_unit(self.factor_unit(key))
            except KeyError as exc:
                raise self.fail(f"unknown factor {key!r}") from exc
            if key not in self.factors:
                self.factors.append(key)
            return _Node(unit, lambda ctx: ctx.factor(key))
        if fname == "total":
            parts = [self.compile(arg) for arg in node.args]
            if not parts:
                raise self.fail("total() needs at least one operand")
            scales = [self.scale(p.unit, parts[0].unit) for p in parts]
            return _Node(parts[0].unit, _total([p.fn for p in parts], scales))
        raise self.fail(f"unknown function {fname or ast.unparse(node.func)!r}")

    def scale(self, source: pint.Unit, target: pint.Unit) -> Decimal:
        try:
            return unit_factor(source, target)
        except UnitError as exc:
            raise self.fail(f"cannot add {source} to {target}") from exc


def _negate(fn: Evaluator) -> Evaluator:
    def run(ctx: EvaluationContext) -> Decimal | None:
        value = fn(ctx)
        return None if value is None else -value

    return run


# Binary operators evaluate the right operand only when the left one has a value, so a
# missing input never triggers a factor look-up it does not need.


def _add(left: Evaluator, right: Evaluator, scale: Decimal) -> Evaluator:
    def run(ctx: EvaluationContext) -> Decimal | None:
        a = left(ctx)
        b = None if a is None else right(ctx)
        return None if a is None or b is None else a + b * scale

    return run


def _mul(left: Evaluator, right: Evaluator) -> Evaluator:
    def run(ctx: EvaluationContext) -> Decimal | None:
        a = left(ctx)
        b = None if a is None else right(ctx)
        return None if a is None or b is None else a * b

    return run


def _div(left: Evaluator, right: Evaluator) -> Evaluator:
    def run(ctx: EvaluationContext) -> Decimal | None:
        a = left(ctx)
        b = None if a is None else right(ctx)
        if a is None or b is None or b == 0:
            return None
        return a / b

    return run


def _total(parts: list[Evaluator], scales: list[Decimal]) -> Evaluator:
    def run(ctx: EvaluationContext) -> Decimal | None:
        values = [(fn(ctx), scale) for fn, scale in zip(parts, scales, strict=True)]
        present = [v * s for v, s in values if v is not None]
        return sum(present, Decimal(0)) if present else None

    return run


def compile_formula(
    text: str,
    result_unit: str,
    metric_unit: Callable[[str], str],
    factor_unit: Callable[[str], str],
) -> CompiledFormula:
    """Parse ``text`` and check that it yields a value convertible to ``result_unit``.

    ``metric_unit`` and ``factor_unit`` return the declared unit of a metric id or factor key
    and raise ``KeyError`` for unknown ones.
    """
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"formula {text!r} is not a valid expression: {exc.msg}") from exc
    compiler = _Compiler(text, metric_unit, factor_unit)
    root = compiler.compile(tree.body)
    try:
        scale = unit_factor(root.unit, parse_unit(result_unit))
    except UnitError as exc:
        raise compiler.fail(
            f"yields {root.unit}, which is not convertible to {result_unit}"
        ) from exc
    inner = root.fn

    def evaluate(ctx: EvaluationContext) -> Decimal | None:
        value = inner(ctx)
        return None if value is None else value * scale

    return CompiledFormula(text, tuple(compiler.inputs), tuple(compiler.factors), evaluate)
