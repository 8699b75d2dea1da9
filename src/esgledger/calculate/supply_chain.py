"""The conflict-minerals campaign of a period: who was asked, who answered, what to follow up.

Suppliers in scope are those of the register marked for the conflict-minerals survey. Each
one's current declaration is its latest readable file (else its latest file). The response rate
is the share of suppliers in scope that returned a template, complete or not; incomplete and
unreadable files, missing answers and red flags go on the follow-up list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import NamedTuple

import yaml

from esgledger.calculate.smelters import CombinedSmelter
from esgledger.core.supply_chain import StoredDeclaration, Supplier


class RedFlag(NamedTuple):
    """A finding that needs due diligence: who (supplier, file or smelter), kind, message."""

    where: str
    kind: str
    message: str


@dataclass(frozen=True, kw_only=True)
class CampaignLine:
    """One supplier in scope and where its declaration stands.

    Attributes:
        supplier: supplier code.
        name: supplier name.
        status: ``complete``, ``incomplete``, ``unreadable`` or ``not answered``.
        file: the current declaration's file, if any.
        follow_up: reasons to contact the supplier again (empty when none).
    """

    supplier: str
    name: str
    status: str
    file: str = ""
    follow_up: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Campaign:
    """The state of a period's campaign.

    Attributes:
        lines: one line per supplier in scope.
        responded: suppliers in scope that returned a template (complete or not).
        complete: suppliers in scope whose template is complete.
        response_rate: responded / in scope, in percent (None when nobody is in scope).
        unmatched: declarations that match no supplier of the register.
    """

    lines: tuple[CampaignLine, ...]
    responded: int
    complete: int
    response_rate: Decimal | None
    unmatched: tuple[StoredDeclaration, ...]

    @property
    def in_scope(self) -> int:
        """Suppliers asked for a declaration."""
        return len(self.lines)


def percent(part: int, whole: int) -> Decimal | None:
    """``part / whole`` in percent to one decimal; None for an empty whole."""
    return None if whole == 0 else (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def current_declarations(declarations: Iterable[StoredDeclaration]) -> list[StoredDeclaration]:
    """Each supplier's (or unmatched company's) latest readable declaration."""
    latest: dict[str, StoredDeclaration] = {}
    for declaration in sorted(declarations, key=lambda d: (d.status != "unreadable", d.id)):
        who = declaration.supplier or declaration.company or declaration.file
        latest[who] = declaration
    return list(latest.values())


def campaign(register: Sequence[Supplier], declarations: Sequence[StoredDeclaration]) -> Campaign:
    """The campaign of a period from the register and the declarations imported for it."""
    current = {d.supplier: d for d in current_declarations(declarations) if d.supplier}
    lines = tuple(_line(s, current.get(s.code)) for s in register if s.conflict_minerals)
    responded = sum(line.status != "not answered" for line in lines)
    complete = sum(line.status == "complete" for line in lines)
    codes = {s.code for s in register}
    unmatched = tuple(d for d in current_declarations(declarations) if d.supplier not in codes)
    return Campaign(
        lines=lines,
        responded=responded,
        complete=complete,
        response_rate=percent(responded, len(lines)),
        unmatched=unmatched,
    )


def _line(supplier: Supplier, declaration: StoredDeclaration | None) -> CampaignLine:
    if declaration is None:
        return CampaignLine(
            supplier=supplier.code,
            name=supplier.name,
            status="not answered",
            follow_up=("no declaration received",),
        )
    reasons = [_first_error(declaration)] if declaration.status != "complete" else []
    reasons += [flag.message for flag in contradictions(declaration)]
    return CampaignLine(
        supplier=supplier.code,
        name=supplier.name,
        status=declaration.status,
        file=declaration.file,
        follow_up=tuple(reasons),
    )


def _first_error(declaration: StoredDeclaration) -> str:
    errors = [p for p in declaration.problems if p.get("severity") == "error"]
    if not errors:
        return declaration.status
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{errors[0]['location']}: {errors[0]['message']}{more}"


def contradictions(declaration: StoredDeclaration) -> list[RedFlag]:
    """Answers that contradict the declaration's own smelter list."""
    flags = []
    listed = {s.metal for s in declaration.smelters if s.identified}
    pending = {s.metal for s in declaration.smelters if not s.identified}
    for metal in declaration.metals:
        used = "No" not in (declaration.answer(metal, 1), declaration.answer(metal, 2))
        if not used and metal in listed:
            flags.append(
                RedFlag(
                    declaration.file,
                    "contradiction",
                    f"{metal} declared not used, yet smelters are listed for it",
                )
            )
        all_identified = declaration.answer(metal, 7 if declaration.template == "CMRT" else 6)
        if used and all_identified == "Yes" and metal not in listed:
            flags.append(
                RedFlag(
                    declaration.file,
                    "contradiction",
                    f"{metal}: all smelters said identified, but none is listed",
                )
            )
        if all_identified == "Yes" and metal in pending:
            flags.append(
                RedFlag(
                    declaration.file,
                    "contradiction",
                    f"{metal}: all smelters said identified, but a row says "
                    "'Smelter not yet identified'",
                )
            )
    return flags


@cache
def covered_countries() -> frozenset[str]:
    """The DRC and its neighbours (see ``data/supply_chain/covered_countries.yaml``)."""
    path = resources.files("esgledger") / "data" / "supply_chain" / "covered_countries.yaml"
    return frozenset(yaml.safe_load(path.read_text(encoding="utf-8"))["countries"])


def high_risk_smelters(
    combined: Iterable[CombinedSmelter], extra_countries: Iterable[str] = ()
) -> list[RedFlag]:
    """Smelters located in a covered country or in a further high-risk country given."""
    countries = covered_countries() | {c.strip().upper() for c in extra_countries}
    return [
        RedFlag(
            smelter.smelter_id or smelter.name,
            "high-risk area",
            f"{smelter.metal} smelter {smelter.name} is in {smelter.country} "
            f"(named by {', '.join(smelter.suppliers)})",
        )
        for smelter in combined
        if smelter.country.upper() in countries
    ]
