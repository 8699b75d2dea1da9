"""Reading a supplier's conflict-minerals declaration from an RMI CMRT 6.x or EMRT 2.x workbook.

:func:`read_declaration` returns the declaration (company, scope, answers per metal, smelter
list, product list) and the problems found, each at ``file!Sheet!cell``. It never raises for bad
input: a file that cannot be read gives ``None`` and the reason, so a batch goes on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from esgledger.collect.cmrt_layout import normal_metal
from esgledger.collect.cmrt_rules import completeness_problems
from esgledger.collect.cmrt_smelters import SmelterEntry, read_smelter_list
from esgledger.collect.rmi_workbook import IMPORTER, Workbook, open_workbook
from esgledger.core.problems import Problem, Severity, has_errors


@dataclass(frozen=True, kw_only=True)
class Product:
    """A line of the Product List: the responder's product number, name and comment."""

    row: int
    number: str
    name: str = ""
    comment: str = ""


@dataclass(frozen=True, kw_only=True)
class Declaration:
    """What a supplier declared on one CMRT or EMRT.

    Attributes:
        file: the workbook's file name.
        template: ``CMRT`` or ``EMRT``.
        revision: template revision (``6.5``).
        language: the display language selected in the file (``English``, ``中文 Chinese``...).
        company: the declaring company's name.
        scope: declaration scope (``A. Company``, ``B. Product (or List of Products)``, ...).
        details: the other company-block fields (contact, authorizer, unique id...).
        effective_date: the authorization date, when it could be read as a date.
        metals: metals covered by the questions (CMRT: 3TG; EMRT: minerals in scope).
        answers: metal -> question number (``"1"``...) -> answer constant.
        policy: company question letter (``"A"``; EMRT ``"C Cobalt"``) -> answer.
        policy_url: the comment of question B (where the sourcing policy is published).
        smelters: the Smelter List rows, normalised.
        products: the Product List rows.
        checker_missing: the template's own count of missing required fields (``Checker!D2``)
            when the file carries it (files saved by Excel); None otherwise.
    """

    file: str
    template: str
    revision: str
    language: str
    company: str
    scope: str
    details: Mapping[str, str]
    effective_date: dt.date | None
    metals: tuple[str, ...]
    answers: Mapping[str, Mapping[str, str]]
    policy: Mapping[str, str]
    policy_url: str
    smelters: tuple[SmelterEntry, ...]
    products: tuple[Product, ...]
    checker_missing: int | None = None

    def answer(self, metal: str, question: int) -> str | None:
        """The answer of one metal to one question, or None when blank."""
        return self.answers.get(metal, {}).get(str(question))

    def uses(self, metal: str) -> bool:
        """Whether the supplier declares the metal in its products (Q1 and Q2 not ``No``)."""
        return "No" not in (self.answer(metal, 1), self.answer(metal, 2)) and metal in self.metals


class DeclarationRead(NamedTuple):
    """The outcome of reading one file: the declaration (None if unreadable) and problems."""

    file: Path
    declaration: Declaration | None
    problems: list[Problem]

    @property
    def status(self) -> str:
        """``unreadable``, ``incomplete`` (errors) or ``complete``."""
        if self.declaration is None:
            return "unreadable"
        return "incomplete" if has_errors(self.problems) else "complete"


def read_declarations(paths: Iterable[Path]) -> list[DeclarationRead]:
    """Read many files; a bad file gives its problems and never stops the others."""
    return [read_declaration(path) for path in paths]


def read_declaration(path: Path) -> DeclarationRead:
    """Read one supplier workbook (see the module docstring)."""
    try:
        workbook, problems = open_workbook(path)
        if workbook is None:
            return DeclarationRead(path, None, problems)
        declaration, more = _declaration(workbook)
    except Exception as exc:  # a broken file must not stop a batch: report it as a problem
        problem = Problem(location=path.name, message=f"cannot be read: {exc!r}", check=IMPORTER)
        return DeclarationRead(path, None, [problem])
    return DeclarationRead(path, declaration, problems + more)


def _declaration(book: Workbook) -> tuple[Declaration, list[Problem]]:
    layout = book.layout
    sheet = book.sheets["Declaration"]
    problems: list[Problem] = []
    fields = {f: text(sheet.value(c)) for f, c in layout.company_cells.items()}
    metals = _metals_in_scope(book, problems)
    answers = _answers(book, metals, problems)
    smelters = read_smelter_list(book, problems)
    declaration = Declaration(
        file=book.file,
        template=layout.template,
        revision=book.revision,
        language=text(sheet.value("D3")),
        company=fields.pop("company"),
        scope=fields.pop("scope"),
        details={k: v for k, v in fields.items() if v and k != "effective_date"},
        effective_date=_date(book, sheet.value(layout.company_cells["effective_date"]), problems),
        metals=metals,
        answers=answers,
        policy=_policy(book, metals, problems),
        policy_url=text(sheet.value(f"G{layout.company_questions[1].row}")),
        smelters=smelters,
        products=_products(book),
        checker_missing=_checker(book),
    )
    problems.extend(completeness_problems(book, declaration))
    return declaration, problems


def text(value: Any) -> str:
    """A cell value as trimmed text (whole floats without ``.0``); ``""`` when empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _metals_in_scope(book: Workbook, problems: list[Problem]) -> tuple[str, ...]:
    layout = book.layout
    if not layout.scope_minerals:
        return layout.metals
    sheet = book.sheets["Declaration"]
    chosen = {normal_metal(sheet.value(cell)) for cell in layout.scope_minerals}
    metals = tuple(sorted(m for m in chosen if m))
    if not metals:
        where = book.where("Declaration", layout.scope_minerals[0])
        problems.append(Problem(location=where, message="no mineral in scope", check=IMPORTER))
    return metals


def _answers(
    book: Workbook, metals: tuple[str, ...], problems: list[Problem]
) -> dict[str, dict[str, str]]:
    sheet = book.sheets["Declaration"]
    answers: dict[str, dict[str, str]] = {metal: {} for metal in metals}
    for question in book.layout.questions:
        for offset, metal in enumerate(metals):
            row = question.row + offset
            label = normal_metal(sheet.value(f"B{row}"))
            if label and label != metal:
                where = book.where("Declaration", f"B{row}")
                message = f"row {row} is labelled {label}, expected {metal}; read as {label}"
                problems.append(_warning(where, message))
                metal = label
            cell = f"D{row}"
            value = choice(sheet.value(cell), question.choices, book.where("Declaration", cell))
            if isinstance(value, Problem):
                problems.append(value)
            elif value:
                answers.setdefault(metal, {})[str(question.number)] = value
    return answers


def _policy(book: Workbook, metals: tuple[str, ...], problems: list[Problem]) -> dict[str, str]:
    sheet = book.sheets["Declaration"]
    policy: dict[str, str] = {}
    for question in book.layout.company_questions:
        keys = [(f"{question.letter} {m}", question.row + i) for i, m in enumerate(metals)]
        for key, row in keys if question.per_metal else [(question.letter, question.row)]:
            cell = f"D{row}"
            value = choice(sheet.value(cell), question.choices, book.where("Declaration", cell))
            if isinstance(value, Problem):
                problems.append(value)
            elif value:
                policy[key] = value
    return policy


def choice(value: Any, choices: tuple[str, ...], where: str) -> str | Problem:
    """The drop-down constant a typed answer stands for (``yes`` -> ``Yes``), or a problem."""
    if value is None:
        return ""
    if isinstance(value, float) and value == 1.0 and "100%" in choices:
        return "100%"  # "100%" typed into a cell becomes the number 1 in percent format
    typed = text(value)
    wanted = "".join(typed.split()).casefold()
    for constant in choices:
        if "".join(constant.split()).casefold() == wanted:
            return constant
    allowed = ", ".join(choices)
    return Problem(
        location=where, message=f"answer {typed!r} is not one of: {allowed}", check=IMPORTER
    )


_DATE_FORMATS = ("%Y-%m-%d", "%d-%b-%Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d")


def _date(book: Workbook, value: Any, problems: list[Problem]) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    typed = text(value)
    for pattern in (*_DATE_FORMATS, "%d/%m/%Y", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(typed, pattern).date()
        except ValueError:
            continue
    where = book.where("Declaration", book.layout.company_cells["effective_date"])
    problems.append(
        Problem(
            location=where,
            message=f"effective date {typed!r} is not a date (write it as 2025-03-31)",
            check=IMPORTER,
        )
    )
    return None


def _products(book: Workbook) -> tuple[Product, ...]:
    sheet = book.sheets.get("Product List")
    if sheet is None:
        return ()
    first, last = book.layout.product_rows
    products = []
    for row in range(first, min(last, len(sheet.rows)) + 1):
        number, name, comment = (text(sheet.at(row, c)) for c in (2, 3, 4))
        if number or name:
            products.append(Product(row=row, number=number, name=name, comment=comment))
    return tuple(products)


def _checker(book: Workbook) -> int | None:
    sheet = book.sheets.get("Checker")
    value = sheet.value("D2") if sheet else None
    try:
        return int(float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None


def _warning(location: str, message: str) -> Problem:
    return Problem(location=location, message=message, severity=Severity.WARNING, check=IMPORTER)
