"""The template's own completeness rules (its Checker sheet), applied in Python.

The Checker sheet of a CMRT/EMRT counts the required fields still missing, but only Excel
recalculates it; a file saved by another program carries no result. These rules restate it:
company block fields marked (*), question 1 for every metal, questions 2 onwards for metals the
supplier uses (a ``No`` to question 1 or 2 makes the rest optional), the company questions
unless no metal is used, the product list for a product-level scope, and for each smelter row
a metal, a look-up name, and a name and country for ``Smelter not listed``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from esgledger.collect.cmrt_layout import NOT_LISTED, SCOPES
from esgledger.collect.rmi_workbook import IMPORTER
from esgledger.core.problems import Problem, Severity

if TYPE_CHECKING:
    from esgledger.collect.cmrt import Declaration
    from esgledger.collect.rmi_workbook import Workbook

FIELD_LABELS = {
    "company": "company name",
    "scope": "declaration scope",
    "scope_description": "description of scope",
    "contact_name": "contact name",
    "contact_email": "contact e-mail",
    "contact_phone": "contact phone",
    "authorizer": "authorizer",
    "authorizer_email": "authorizer e-mail",
    "effective_date": "effective date",
}
GATING = ("No", "Not declaring")


def completeness_problems(book: Workbook, declaration: Declaration) -> list[Problem]:
    """Every required field left empty (or filled wrongly), at its cell."""
    problems = _company_block(book, declaration)
    problems += _questions(book, declaration)
    problems += _company_questions(book, declaration)
    problems += _products(book, declaration)
    problems += _smelter_rows(book, declaration)
    if declaration.checker_missing and not problems:
        message = (
            f"the template's Checker counts {declaration.checker_missing} missing fields "
            "(Checker!D2); open the file in Excel to see them"
        )
        problems.append(_problem(book.where("Checker", "D2"), message, Severity.WARNING))
    return problems


def _problem(where: str, message: str, severity: Severity = Severity.ERROR) -> Problem:
    return Problem(location=where, message=message, severity=severity, check=IMPORTER)


def _company_block(book: Workbook, declaration: Declaration) -> list[Problem]:
    layout, sheet = book.layout, book.sheets["Declaration"]
    problems = []
    for field in layout.required_company:
        cell = layout.company_cells[field]
        if sheet.value(cell) is None or not str(sheet.value(cell)).strip():
            label = FIELD_LABELS[field]
            problems.append(_problem(book.where("Declaration", cell), f"{label} is required"))
    for field in ("contact_email", "authorizer_email"):
        value = declaration.details.get(field, "")
        if value and "@" not in value:
            cell = book.where("Declaration", layout.company_cells[field])
            problems.append(_problem(cell, f"{FIELD_LABELS[field]} {value!r} has no @"))
    scope_cell = book.where("Declaration", layout.company_cells["scope"])
    if declaration.scope and declaration.scope not in SCOPES:
        problems.append(
            _problem(scope_cell, f"scope {declaration.scope!r} is not one of: " + ", ".join(SCOPES))
        )
    if declaration.scope.startswith("C.") and not declaration.details.get("scope_description"):
        cell = book.where("Declaration", layout.company_cells["scope_description"])
        problems.append(_problem(cell, "description of scope is required for scope C"))
    return problems


def _questions(book: Workbook, declaration: Declaration) -> list[Problem]:
    problems = []
    for offset, metal in enumerate(declaration.metals):
        for question in book.layout.questions:
            if question.number > 1 and not _required(declaration, metal, question.number):
                continue
            if declaration.answer(metal, question.number) is None:
                cell = book.where("Declaration", f"D{question.row + offset}")
                message = f"question {question.number} for {metal} is required"
                problems.append(_problem(cell, message))
    return problems


def _required(declaration: Declaration, metal: str, number: int) -> bool:
    """Questions after 1 (after 2) are required unless question 1 (2) says No."""
    gates = [q for q in (1, 2) if q < number]
    return not any(declaration.answer(metal, q) in GATING for q in gates)


def _company_questions(book: Workbook, declaration: Declaration) -> list[Problem]:
    used = [m for m in declaration.metals if _required(declaration, m, 3)]
    if not used:
        return []
    problems = []
    for question in book.layout.company_questions:
        if question.per_metal:
            rows = [
                (f"{question.letter} {m}", question.row + declaration.metals.index(m)) for m in used
            ]
        else:
            rows = [(question.letter, question.row)]
        for key, row in rows:
            if key not in declaration.policy:
                where = book.where("Declaration", f"D{row}")
                problems.append(_problem(where, f"company question {key} is required"))
    url_row = book.layout.company_questions[1].row
    if declaration.policy.get("B") == "Yes" and not declaration.policy_url:
        where = book.where("Declaration", f"G{url_row}")
        message = "question B is Yes: give the policy's web address in the comment"
        problems.append(_problem(where, message, Severity.WARNING))
    return problems


def _products(book: Workbook, declaration: Declaration) -> list[Problem]:
    if not declaration.scope.startswith("B.") or declaration.products:
        return []
    where = book.where("Product List", f"B{book.layout.product_rows[0]}")
    return [_problem(where, "scope B (products) needs at least one product on the Product List")]


def _smelter_rows(book: Workbook, declaration: Declaration) -> list[Problem]:
    problems = []
    for entry in declaration.smelters:

        def at(column: str, row: int = entry.row) -> str:
            return book.where("Smelter List", f"{column}{row}")

        if book.sheets["Smelter List"].at(entry.row, 2) is None:
            problems.append(_problem(at("B"), "metal is required"))
        if not entry.lookup_name and not entry.smelter_id:
            problems.append(_problem(at("C"), "smelter look-up name is required"))
        if entry.lookup_name == NOT_LISTED and not entry.name:
            problems.append(_problem(at("D"), "smelter name is required for a smelter not listed"))
        if entry.lookup_name == NOT_LISTED and not entry.country:
            problems.append(_problem(at("E"), "country is required for a smelter not listed"))
    return problems
