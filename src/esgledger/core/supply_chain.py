"""Records of the responsible supply chain: suppliers, declared smelters, RMI smelter lists.

Conflict minerals follow the OECD Due Diligence Guidance for Responsible Supply Chains of
Minerals from Conflict-Affected and High-Risk Areas; suppliers declare their smelters on the
Responsible Minerals Initiative's reporting templates (CMRT for tin, tantalum, tungsten and
gold; EMRT for cobalt, copper, graphite, lithium, mica and nickel).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

NOT_IDENTIFIED = "Smelter not yet identified"


@dataclass(frozen=True, kw_only=True)
class Supplier:
    """One supplier of the register, as exported from the ERP.

    Attributes:
        code: the ERP's supplier code (unique).
        name: legal name.
        category: purchasing category (``electronic components``, ``packaging``...).
        country: country of the supplier.
        spend: purchases in the period, in ``currency``.
        currency: ISO 4217 code of ``spend``.
        onboarded: date the supplier was admitted.
        active: whether the supplier is currently used.
        conflict_minerals: whether the supplier is in scope of the conflict-minerals survey.
        screening: criteria -> passed (``environmental``, ``social``); a criterion missing
            means the supplier was not screened on it.
        agreements: agreement -> signed (``integrity``, ``csr``, ``nda``).
        last_audit: date of the last on-site audit.
        rating: the latest supplier rating (``A``, ``B``... as the ERP keeps it).
        contact_email: where the survey goes.
        line: the register file's line (row) the supplier was read from.
    """

    code: str
    name: str
    category: str = ""
    country: str = ""
    spend: Decimal | None = None
    currency: str = ""
    onboarded: dt.date | None = None
    active: bool = True
    conflict_minerals: bool = False
    screening: Mapping[str, bool] = field(default_factory=dict)
    agreements: Mapping[str, bool] = field(default_factory=dict)
    last_audit: dt.date | None = None
    rating: str = ""
    contact_email: str = ""
    line: int = 0


@dataclass(frozen=True, kw_only=True)
class SmelterEntry:
    """One smelter named on a supplier's Smelter List.

    Attributes:
        row: the row on the Smelter List sheet.
        metal: RMI metal name (``Tin``); empty when the supplier's entry could not be mapped.
        smelter_id: RMI smelter id (``CID002763``), or None when none (valid) was given.
        name: the smelter's name as declared (the look-up name, else the typed name).
        lookup_name: the value chosen in the look-up column (may be ``Smelter not listed``).
        country: the smelter's country as declared (RMI spelling, upper case).
        recycled: answer to "100 % recycled or scrap?" (``Yes``/``No``/``Unknown``/``""``).
    """

    row: int
    metal: str
    smelter_id: str | None
    name: str
    lookup_name: str = ""
    country: str = ""
    recycled: str = ""

    @property
    def identified(self) -> bool:
        """False for ``Smelter not yet identified`` rows."""
        return self.lookup_name.casefold() != NOT_IDENTIFIED.casefold()


@dataclass(frozen=True, kw_only=True)
class RmiSmelter:
    """A smelter of an RMI list (the reference look-up list or the conformant list).

    Attributes:
        metal: RMI metal name.
        smelter_id: RMI smelter id (``CID002763``).
        name: the name or alias as listed (several aliases share one id).
        standard_name: RMI's standard smelter name.
        country: the smelter's country (RMI spelling).
        status: RMI assessment status (``Conformant``, ``Active``...); empty on the reference list.
    """

    metal: str
    smelter_id: str
    name: str
    standard_name: str
    country: str = ""
    status: str = ""


@dataclass(frozen=True, kw_only=True)
class StoredDeclaration:
    """A supplier declaration as kept in the ledger.

    Attributes:
        id: ledger id.
        period: reporting period of the campaign.
        supplier: supplier code it was matched to, if any.
        file: file name.
        status: ``complete``, ``incomplete`` or ``unreadable``.
        company: declaring company.
        template: ``CMRT`` / ``EMRT`` (empty when unreadable).
        revision: template revision.
        content: the declaration (scope, metals, answers, policy, details) as plain data.
        problems: problems found on import, as dicts (location, message, severity).
        smelters: its Smelter List entries.
    """

    id: int
    period: str
    supplier: str | None
    file: str
    status: str
    company: str
    template: str
    revision: str
    content: Mapping[str, Any]
    problems: tuple[Mapping[str, Any], ...]
    smelters: tuple[SmelterEntry, ...] = ()

    def answer(self, metal: str, question: int) -> str | None:
        """The supplier's answer for one metal and question, or None."""
        answers = self.content.get("answers", {})
        return answers.get(metal, {}).get(str(question))

    @property
    def metals(self) -> tuple[str, ...]:
        """Metals the declaration's questions cover."""
        return tuple(self.content.get("metals", ()))
