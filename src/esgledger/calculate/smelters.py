"""The combined smelter list of all suppliers, matched against RMI's lists.

Each supplier's Smelter List names smelters by RMI id, by look-up name, or by a name typed for a
smelter not listed. The combined list has one line per smelter and metal, the suppliers that
named it, and its status: **conformant** or **active** in RMI's assurance process (the
conformant list), **not conformant** (a known RMI smelter not on that list) or **unknown** (no
RMI id matches; the closest names of the reference list are offered as candidates).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from rapidfuzz import fuzz, process

from esgledger.core.supply_chain import RmiSmelter, SmelterEntry, StoredDeclaration

CANDIDATE_SCORE = (
    75.0  # rapidfuzz token-sort ratio from which a reference name is offered as candidate
)


class SmelterStatus(StrEnum):
    """Where a smelter stands in RMI's assurance process."""

    CONFORMANT = "conformant"
    ACTIVE = "active"
    NOT_CONFORMANT = "not conformant"
    UNKNOWN = "unknown"


class Candidate(NamedTuple):
    """A reference smelter an unknown name may stand for: id, standard name, score 0-100."""

    smelter_id: str
    name: str
    score: float


@dataclass(frozen=True, kw_only=True)
class CombinedSmelter:
    """One smelter of the combined list.

    Attributes:
        metal: RMI metal name.
        smelter_id: RMI id (matched by id or by name), None when unknown.
        name: RMI standard name when known, else the name as declared.
        country: country (RMI's when known, else as declared).
        status: conformant, active, not conformant or unknown.
        suppliers: the suppliers (codes, else company names) that named it.
        declared_names: the names suppliers used for it.
        candidates: for unknown smelters, the closest reference smelters.
        note: why the match is doubtful (an id of another metal, a name-only match...).
    """

    metal: str
    smelter_id: str | None
    name: str
    country: str
    status: SmelterStatus
    suppliers: tuple[str, ...]
    declared_names: tuple[str, ...]
    candidates: tuple[Candidate, ...] = ()
    note: str = ""


class SmelterBook:
    """RMI's reference and conformant lists, indexed for matching."""

    def __init__(self, reference: Sequence[RmiSmelter], conformant: Sequence[RmiSmelter]):
        self.by_id = {(s.metal, s.smelter_id): s for s in (*reference, *conformant)}
        for s in reference:  # prefer the reference list's standard names
            self.by_id[(s.metal, s.smelter_id)] = s
        self.by_name = {(s.metal, _key(s.name)): s.smelter_id for s in reference}
        self.by_name.update({(s.metal, _key(s.standard_name)): s.smelter_id for s in reference})
        self.metals_of = defaultdict(set)
        for metal, smelter_id in self.by_id:
            self.metals_of[smelter_id].add(metal)
        self.status = {(s.metal, s.smelter_id): s.status for s in conformant}
        self.names: dict[str, dict[str, str]] = defaultdict(dict)
        for (metal, name_key), smelter_id in self.by_name.items():
            self.names[metal][f"{name_key}|{smelter_id}"] = name_key

    def resolve(self, entry: SmelterEntry) -> tuple[str | None, str]:
        """(RMI id, note) of a declared entry: by id, else by look-up or typed name."""
        if entry.smelter_id and (entry.metal, entry.smelter_id) in self.by_id:
            return entry.smelter_id, ""
        note = ""
        if entry.smelter_id:
            other = sorted(self.metals_of.get(entry.smelter_id, ()))
            note = (
                f"{entry.smelter_id} is a {'/'.join(other)} smelter, not {entry.metal}"
                if other
                else f"{entry.smelter_id} is not on the RMI reference list"
            )
        for name in (entry.lookup_name, entry.name):
            smelter_id = self.by_name.get((entry.metal, _key(name)))
            if smelter_id:
                return smelter_id, note
        return None, note

    def classify(self, metal: str, smelter_id: str | None) -> SmelterStatus:
        """The status of a resolved smelter."""
        if smelter_id is None:
            return SmelterStatus.UNKNOWN
        status = self.status.get((metal, smelter_id), "").casefold()
        if status.startswith("conformant"):
            return SmelterStatus.CONFORMANT
        if status.startswith("active"):
            return SmelterStatus.ACTIVE
        return SmelterStatus.NOT_CONFORMANT

    def candidates(self, metal: str, name: str, limit: int = 3) -> tuple[Candidate, ...]:
        """The reference smelters of the metal whose names are closest to ``name``."""
        choices = self.names.get(metal, {})
        found = process.extract(
            _key(name),
            choices,
            scorer=fuzz.token_sort_ratio,
            limit=limit * 3,
            score_cutoff=CANDIDATE_SCORE,
        )
        result: dict[str, Candidate] = {}
        for _name, score, key in found:
            smelter_id = key.rsplit("|", 1)[1]
            if smelter_id not in result:
                standard = self.by_id[(metal, smelter_id)].standard_name
                result[smelter_id] = Candidate(smelter_id, standard, round(score, 1))
        return tuple(list(result.values())[:limit])


def combine(declarations: Iterable[StoredDeclaration], book: SmelterBook) -> list[CombinedSmelter]:
    """The combined smelter list of the given declarations (see the module docstring)."""
    groups: dict[tuple[str, str], list[tuple[str, SmelterEntry, str | None, str]]] = {}
    for declaration in declarations:
        who = declaration.supplier or declaration.company or declaration.file
        for entry in declaration.smelters:
            if not entry.metal or not entry.identified:
                continue
            smelter_id, note = book.resolve(entry)
            key = (entry.metal, smelter_id or _key(entry.name))
            groups.setdefault(key, []).append((who, entry, smelter_id, note))
    combined = [_combined(metal, members, book) for (metal, _), members in groups.items()]
    return sorted(combined, key=lambda s: (s.metal, s.status != SmelterStatus.UNKNOWN, s.name))


def _combined(
    metal: str, members: list[tuple[str, SmelterEntry, str | None, str]], book: SmelterBook
) -> CombinedSmelter:
    _who, first, smelter_id, _note = members[0]
    known = book.by_id.get((metal, smelter_id)) if smelter_id else None
    status = book.classify(metal, smelter_id)
    notes = sorted({note for *_, note in members if note})
    return CombinedSmelter(
        metal=metal,
        smelter_id=smelter_id,
        name=known.standard_name if known else first.name,
        country=(known.country if known and known.country else first.country),
        status=status,
        suppliers=tuple(sorted({who for who, *_ in members})),
        declared_names=tuple(sorted({m[1].name for m in members if m[1].name})),
        candidates=book.candidates(metal, first.name) if known is None else (),
        note="; ".join(notes),
    )


def _key(name: str) -> str:
    return " ".join(name.casefold().split())
