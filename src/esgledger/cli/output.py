"""Printing for the CLI: problems as ``location: message``, numbers with units, JSON."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, is_dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from esgledger.core.problems import Problem, Severity

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def say(text: str) -> None:
    """Print a line with rich markup (``[bold]…[/bold]``), unwrapped; escape users' text."""
    console.print(text, soft_wrap=True)


def plain(text: str) -> None:
    """Print a line as it is, unwrapped: paths and ids stay whole, tests can match them, and
    brackets such as ``[reported/submitted]`` or ``data[2019].csv`` are not read as markup."""
    console.print(text, markup=False, soft_wrap=True)


def number(value: Decimal | None, precision: int = 1, unit: str = "") -> str:
    """``1,234.5 t`` - thousands separators, fixed decimals, unit attached."""
    if value is None:
        return "—"
    text = f"{value:,.{precision}f}"
    return f"{text} {unit}".strip()


def change(current: Decimal | None, prior: Decimal | None) -> str:
    """Year-on-year change as a signed percentage, or ``—``."""
    if current is None or prior is None or prior == 0:
        return "—"
    return f"{(current - prior) / abs(prior) * 100:+.1f}%"


def print_problems(problems: list[Problem], *, as_json: bool = False) -> None:
    """Problems as ``location: message`` (errors in red, warnings in yellow), or JSON."""
    if as_json:
        print(json.dumps([p.as_dict() for p in problems], indent=2, ensure_ascii=False))
        return
    for problem in problems:
        style = "red" if problem.severity is Severity.ERROR else "yellow"
        errors.print(
            f"[{style}]{problem.severity}[/{style}] "
            f"{escape(problem.location)}: {escape(problem.message)}",
            markup=True,
            soft_wrap=True,
        )


def dumps(data: Any) -> str:
    """JSON with decimals as numbers, dates as ISO text, records as objects, paths as text."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):  # JSON numbers; readers parse them as floats anyway
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
