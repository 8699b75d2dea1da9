"""Reading one input cell of a template: a number, a unit, or the reason it is neither.

Numbers must be real spreadsheet numbers. Text is refused with a message saying what it
looks like: a number stored as text, a decimal comma, thousands separators, or plain text.
A formula is never stored as a value: plain arithmetic on numbers (``=1200+35.5``, the way
people add up meter readings) is evaluated exactly with ``Decimal``; anything else (cell
references, functions) is refused.
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
import re
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

Outcome = Decimal | None | str  # a number, a blank cell, or an error message

_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_ARITHMETIC = re.compile(r"^[0-9.\s+\-*/()]+$")


def read_number(value: Any) -> Outcome:
    """The number in a cell (None when blank) or an error message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return f"{str(value).upper()} is not a number"
    if isinstance(value, int | float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return number if number.is_finite() else f"{value!r} is not a finite number"
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return f"{value} is a date or time, not a number"
    text = str(getattr(value, "text", value)).strip()  # ArrayFormula keeps its text in .text
    if text.startswith("="):
        return evaluate_formula(text)
    return _text_problem(text)


def _text_problem(text: str) -> str:
    compact = text.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?", compact):
        return f"{text!r} is a number stored as text; enter it as a number"
    if re.fullmatch(r"[+-]?\d+,\d+", compact):
        return f"{text!r} has a comma; use '.' as the decimal point and no thousands separators"
    if re.fullmatch(r"[+-]?\d{1,3}([,.]\d{3})+([.,]\d+)?", compact):
        return f"{text!r} has thousands separators; enter the plain number"
    return f"{text!r} is not a number"


def evaluate_formula(text: str) -> Outcome:
    """The value of a formula made only of numbers and + - * / ( ), or an error message."""
    refused = (
        f"formula {text!r} is not accepted; type the number (only arithmetic on numbers, "
        "such as =1200+35.5, is evaluated)"
    )
    body = text[1:]
    if not _ARITHMETIC.fullmatch(body) or len(body) > 200:
        return refused
    try:
        return _evaluate(ast.parse(body, mode="eval").body)
    except (SyntaxError, ValueError, InvalidOperation):
        return refused
    except (ZeroDivisionError, DivisionByZero):
        return f"formula {text!r} divides by zero"


def _evaluate(node: ast.AST) -> Decimal:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return Decimal(repr(node.value)) if isinstance(node.value, float) else Decimal(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _evaluate(node.operand)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return Decimal(_OPERATORS[type(node.op)](_evaluate(node.left), _evaluate(node.right)))
    raise ValueError("not plain arithmetic")


def read_text(value: Any) -> str | None:
    """A text cell (unit, comment) stripped; None when blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None
