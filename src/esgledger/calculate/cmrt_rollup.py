"""The company's own CMRT, rolled up from its suppliers' declarations.

Per metal: the metal is used (questions 1, 2) when any supplier says so or lists smelters for
it; sourcing from covered countries or CAHRAs (3, 4) is ``Yes`` when any supplier says so,
``Unknown`` when any is unknown or silent, else ``No``; 100 % recycled (5) only when all say
so; the share of suppliers that responded (6) is the campaign's response rate in RMI's bands;
all smelters identified (7) and all information received (8) only when every supplier using the
metal says so and no smelter of the metal is unknown. Smelters are the combined list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from esgledger.calculate.smelters import CombinedSmelter, SmelterStatus
from esgledger.collect.cmrt import Declaration
from esgledger.collect.cmrt_layout import CMRT, NOT_LISTED
from esgledger.core.supply_chain import SmelterEntry, StoredDeclaration


def response_band(rate: Decimal | None) -> str:
    """Question 6's band for a response rate in percent."""
    if rate is None or rate == 0:
        return "None"
    for floor, band in (
        (100, "100%"),
        (90, "Greater than 90%"),
        (75, "Greater than 75%"),
        (50, "Greater than 50%"),
    ):
        if rate >= floor if floor == 100 else rate > floor:
            return band
    return "50% or less"


def company_declaration(
    *,
    company: str,
    details: Mapping[str, str],
    policy: Mapping[str, str],
    declarations: Sequence[StoredDeclaration],
    combined: Sequence[CombinedSmelter],
    response_rate: Decimal | None,
    effective_date: dt.date,
) -> Declaration:
    """The company-level CMRT (scope ``A. Company``) from its suppliers' declarations."""
    answers = {
        metal: _metal_answers(metal, declarations, combined, response_rate) for metal in CMRT.metals
    }
    smelters = [s for s in combined if s.metal in CMRT.metals]
    return Declaration(
        file="",
        template="CMRT",
        revision=CMRT.current,
        language="English",
        company=company,
        scope="A. Company",
        details=dict(details),
        effective_date=effective_date,
        metals=CMRT.metals,
        answers=answers,
        policy={k: v for k, v in policy.items() if k != "B_url"},
        policy_url=policy.get("B_url", ""),
        smelters=tuple(_entry(i, s) for i, s in enumerate(smelters, start=5)),
        products=(),
    )


def _metal_answers(
    metal: str,
    declarations: Sequence[StoredDeclaration],
    combined: Sequence[CombinedSmelter],
    rate: Decimal | None,
) -> dict[str, str]:
    mine = [d for d in declarations if metal in d.metals]
    listed = any(s.metal == metal for s in combined)
    used = listed or any(d.answer(metal, 1) == "Yes" for d in mine)
    if not used:
        return {"1": "No"}
    users = [d for d in mine if "No" not in (d.answer(metal, 1), d.answer(metal, 2))]
    unknown = any(s.metal == metal and s.status is SmelterStatus.UNKNOWN for s in combined)

    def every(question: int) -> str:
        ok = users and all(d.answer(metal, question) == "Yes" for d in users)
        return "Yes" if ok and not unknown else "No"

    return {
        "1": "Yes",
        "2": "Yes",
        "3": _any_yes(users, metal, 3),
        "4": _any_yes(users, metal, 4),
        "5": "Yes"
        if users and all(d.answer(metal, 5) == "Yes" for d in users)
        else ("Unknown" if any(d.answer(metal, 5) != "No" for d in users) else "No"),
        "6": response_band(rate),
        "7": every(7),
        "8": every(8),
    }


def _any_yes(users: Sequence[StoredDeclaration], metal: str, question: int) -> str:
    answers = [d.answer(metal, question) for d in users]
    if "Yes" in answers:
        return "Yes"
    return "Unknown" if not answers or any(a != "No" for a in answers) else "No"


def _entry(row: int, smelter: CombinedSmelter) -> SmelterEntry:
    listed = smelter.smelter_id is not None
    return SmelterEntry(
        row=row,
        metal=smelter.metal,
        smelter_id=smelter.smelter_id,
        name=smelter.name,
        lookup_name=smelter.name if listed else NOT_LISTED,
        country=smelter.country,
    )
