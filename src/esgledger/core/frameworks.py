"""Reporting frameworks as data: which disclosures exist, what they are called, how they map.

A framework is a YAML file ``esgledger/data/frameworks/<id>.yaml`` (``gri-2016``,
``gri-2021``) holding the framework's header (``framework``, ``title``, ``publisher``,
``year_published``) and its ``standards``. Each standard has a ``code`` (``GRI 302``), a
``title`` naming its version (``Energy 2016``), a ``series`` (one of :data:`SERIES`), a
``topic`` (required for the economic, environmental and social series) and its
``disclosures`` (``{code: "302-1", title: ...}``; the part before the dash is the standard's
number).

A crosswalk is a YAML file ``<source>-to-<suffix>.yaml`` in the same folder with ``source``,
``target`` and ``mappings`` (``{from: "102-48", to: ["2-4"]}``, optionally ``note`` and
``confidence: inferred``). :func:`map_disclosure` uses it for the codes it lists and carries
any other code over unchanged when the same version of its standard is in both frameworks.

Everything returned is immutable and loaded once per process.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from esgledger.errors import CatalogError

SERIES: tuple[str, ...] = ("general", "management-approach", "economic", "environmental", "social")
"""Allowed values of a standard's ``series``."""

_TOPIC_SERIES = frozenset({"economic", "environmental", "social"})
_STANDARD_CODE = re.compile(r"^GRI (\d+)$")
_DISCLOSURE_CODE = re.compile(r"^(\d+)-(\d+)$")
_STANDARD_NUMBER = re.compile(r"^\d+$")
_PREFIX = re.compile(r"^gri\s*", re.IGNORECASE)
_CROSSWALK_MARK = "-to-"


@dataclass(frozen=True, kw_only=True)
class Disclosure:
    """One numbered disclosure of a framework.

    Attributes:
        code: the disclosure code as reports print it, without the ``GRI`` prefix (``302-1``).
        title: the official short title (``Energy consumption within the organization``).
        standard_code: the code of the standard it belongs to (``GRI 302``).
        standard_title: that standard's title, including its version year (``Energy 2016``).
        topic: the topic of a topic standard (``Energy``); None for universal standards.
        series: the standard's series, one of :data:`SERIES`.
    """

    code: str
    title: str
    standard_code: str
    standard_title: str
    topic: str | None
    series: str

    @property
    def standard_number(self) -> str:
        """The number of the standard (``302`` for ``302-1``)."""
        return self.code.split("-", 1)[0]


@dataclass(frozen=True, kw_only=True)
class Standard:
    """A standard of a framework, as grouped by :meth:`Framework.standards`.

    Attributes:
        code: the standard's code (``GRI 302``).
        title: its title with version year (``Energy 2016``).
        topic: the topic of a topic standard; None for universal standards.
        series: one of :data:`SERIES`.
        disclosures: its disclosures, in file order.
    """

    code: str
    title: str
    topic: str | None
    series: str
    disclosures: tuple[Disclosure, ...]

    @property
    def number(self) -> str:
        """The standard's number without the ``GRI`` prefix (``302``)."""
        return self.code.split(" ", 1)[1]


@dataclass(frozen=True, kw_only=True)
class Framework:
    """A reporting framework: its identity and every disclosure it defines.

    Attributes:
        id: the framework id, also the file name (``gri-2016``).
        title: human-readable title (``GRI Standards (2016)``).
        publisher: the body that issues the framework.
        year_published: year of the framework's base version.
        disclosures: all disclosures, in file order (standard by standard).
    """

    id: str
    title: str
    publisher: str
    year_published: int
    disclosures: tuple[Disclosure, ...]
    _index: Mapping[str, Disclosure] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        index: dict[str, Disclosure] = {}
        for disclosure in self.disclosures:
            if disclosure.code in index:
                message = f"framework {self.id}: disclosure {disclosure.code} is listed twice"
                raise CatalogError(message)
            index[disclosure.code] = disclosure
        object.__setattr__(self, "_index", MappingProxyType(index))

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and _normalize(code) in self._index

    def __iter__(self) -> Iterator[Disclosure]:
        return iter(self.disclosures)

    def __len__(self) -> int:
        return len(self.disclosures)

    def get(self, code: str) -> Disclosure:
        """The disclosure ``302-1`` (or ``GRI 302-1``); CatalogError names near misses."""
        try:
            return self._index[_normalize(code)]
        except KeyError:
            raise CatalogError(self._unknown(code, "disclosure", list(self._index))) from None

    def standards(self) -> tuple[Standard, ...]:
        """The standards of the framework, in file order."""
        groups: dict[str, list[Disclosure]] = {}
        for disclosure in self.disclosures:
            groups.setdefault(disclosure.standard_code, []).append(disclosure)
        return tuple(_standard_of(tuple(members)) for members in groups.values())

    def resolve(self, code: str) -> tuple[Disclosure, ...]:
        """Disclosures a report index entry refers to.

        A disclosure code (``307-1``) gives that disclosure; a standard code (``307`` or
        ``GRI 307``), as indexes print for whole standards, gives all of its disclosures.
        """
        normalized = _normalize(code)
        if not _STANDARD_NUMBER.match(normalized):
            return (self.get(code),)
        found = tuple(d for d in self.disclosures if d.standard_number == normalized)
        if not found:
            numbers = [standard.number for standard in self.standards()]
            raise CatalogError(self._unknown(code, "standard", numbers))
        return found

    def _unknown(self, code: str, kind: str, known: list[str]) -> str:
        close = difflib.get_close_matches(_normalize(code), known, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        return f"{self.id} has no {kind} {code!r}{hint}"


@dataclass(frozen=True, kw_only=True)
class CrosswalkEntry:
    """Where one source disclosure is reported in the target framework.

    Attributes:
        source_code: the disclosure code in the source framework (``102-48``).
        target_codes: its counterparts in the target framework; empty when none exists.
        note: why the mapping is what it is (may be empty).
        inferred: True when the mapping is our reading rather than the publisher's.
    """

    source_code: str
    target_codes: tuple[str, ...]
    note: str = ""
    inferred: bool = False


@dataclass(frozen=True, kw_only=True)
class Crosswalk:
    """A mapping from the disclosures of one framework to those of another.

    Attributes:
        source: id of the framework mapped from.
        target: id of the framework mapped to.
        entries: the listed mappings, in file order.
    """

    source: str
    target: str
    entries: tuple[CrosswalkEntry, ...]

    def entry(self, code: str) -> CrosswalkEntry | None:
        """The entry for a source code, or None when the code is not listed."""
        for entry in self.entries:
            if entry.source_code == code:
                return entry
        return None


def _normalize(code: str) -> str:
    """``GRI 302-1`` -> ``302-1``; surrounding blanks removed."""
    return _PREFIX.sub("", code.strip())


def _standard_of(members: tuple[Disclosure, ...]) -> Standard:
    first = members[0]
    return Standard(
        code=first.standard_code,
        title=first.standard_title,
        topic=first.topic,
        series=first.series,
        disclosures=members,
    )


def frameworks_dir() -> Path:
    """The folder of the framework files shipped in the package."""
    return Path(str(resources.files("esgledger") / "data" / "frameworks"))


def available_frameworks() -> list[str]:
    """Ids of the frameworks shipped with esgledger, sorted."""
    return sorted(
        path.stem for path in frameworks_dir().glob("*.yaml") if _CROSSWALK_MARK not in path.stem
    )


def _load_document(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict):
        raise CatalogError(f"{path.name}: expected a mapping at the top level")
    return document


def _check_fields(entry: Any, known: set[str], required: tuple[str, ...], where: str) -> None:
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: expected a mapping, got {type(entry).__name__}")
    unknown = set(entry) - known
    if unknown:
        raise CatalogError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    for name in required:
        if entry.get(name) in (None, "", []):
            raise CatalogError(f"{where}: missing {name}")


def _disclosure_from(entry: Any, standard: dict[str, Any], number: str, where: str) -> Disclosure:
    _check_fields(entry, {"code", "title"}, ("code", "title"), where)
    code = str(entry["code"]).strip()
    match = _DISCLOSURE_CODE.match(code)
    if not match:
        raise CatalogError(f"{where}: code {code!r} is not of the form <standard>-<number>")
    if match.group(1) != number:
        raise CatalogError(f"{where}: code {code} does not belong to standard GRI {number}")
    return Disclosure(
        code=code,
        title=str(entry["title"]).strip(),
        standard_code=f"GRI {number}",
        standard_title=str(standard["title"]).strip(),
        topic=str(standard["topic"]).strip() if standard.get("topic") else None,
        series=str(standard["series"]),
    )


def _standard_disclosures(entry: Any, where: str) -> list[Disclosure]:
    known = {"code", "title", "topic", "series", "disclosures"}
    _check_fields(entry, known, ("code", "title", "series", "disclosures"), where)
    match = _STANDARD_CODE.match(str(entry["code"]).strip())
    if not match:
        raise CatalogError(f"{where}: standard code {entry['code']!r} is not of the form 'GRI <n>'")
    where = f"{where} ({entry['code']})"
    series = str(entry["series"])
    if series not in SERIES:
        raise CatalogError(f"{where}: series {series!r} is not one of {', '.join(SERIES)}")
    if series in _TOPIC_SERIES and not entry.get("topic"):
        raise CatalogError(f"{where}: a {series} topic standard needs a topic")
    if not isinstance(entry["disclosures"], list):
        raise CatalogError(f"{where}: disclosures must be a list")
    return [
        _disclosure_from(item, entry, match.group(1), f"{where}, disclosure #{i + 1}")
        for i, item in enumerate(entry["disclosures"])
    ]


def _framework_disclosures(standards: Any, name: str) -> tuple[Disclosure, ...]:
    if not isinstance(standards, list):
        raise CatalogError(f"{name}: standards must be a list")
    disclosures: list[Disclosure] = []
    seen: set[str] = set()
    for i, entry in enumerate(standards):
        where = f"{name}, standard #{i + 1}"
        for disclosure in _standard_disclosures(entry, where):
            if disclosure.code in seen:
                raise CatalogError(f"{where}: disclosure {disclosure.code} is listed twice")
            seen.add(disclosure.code)
            disclosures.append(disclosure)
    return tuple(disclosures)


def read_framework(path: Path) -> Framework:
    """Read and check one framework file."""
    document = _load_document(path)
    known = {"framework", "title", "publisher", "year_published", "standards"}
    _check_fields(document, known, tuple(sorted(known)), path.name)
    if str(document["framework"]) != path.stem:
        framework_id = document["framework"]
        raise CatalogError(f"{path.name}: framework id {framework_id!r} differs from file name")
    year = document["year_published"]
    if not isinstance(year, int):
        raise CatalogError(f"{path.name}: year_published must be a year, got {year!r}")
    return Framework(
        id=path.stem,
        title=str(document["title"]),
        publisher=str(document["publisher"]),
        year_published=year,
        disclosures=_framework_disclosures(document["standards"], path.name),
    )


@cache
def load_framework(framework_id: str) -> Framework:
    """The shipped framework with this id (``gri-2016``); CatalogError names near misses."""
    available = available_frameworks()
    if framework_id not in available:
        close = difflib.get_close_matches(framework_id, available, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise CatalogError(f"unknown framework {framework_id!r}{hint}")
    return read_framework(frameworks_dir() / f"{framework_id}.yaml")


def _entry_from(item: Any, source: Framework, target: Framework, where: str) -> CrosswalkEntry:
    known = {"from", "to", "note", "confidence"}
    _check_fields(item, known, ("from",), where)
    code, targets = str(item["from"]), item.get("to")
    if code not in source:
        raise CatalogError(f"{where}: {code!r} is not a disclosure of {source.id}")
    if not isinstance(targets, list):
        raise CatalogError(f"{where}: 'to' must be a list of {target.id} codes")
    for target_code in map(str, targets):
        if target_code not in target:
            raise CatalogError(f"{where}: {target_code!r} is not a disclosure of {target.id}")
    confidence = item.get("confidence", "published")
    if confidence not in ("published", "inferred"):
        raise CatalogError(f"{where}: confidence must be 'published' or 'inferred'")
    return CrosswalkEntry(
        source_code=code,
        target_codes=tuple(str(t) for t in targets),
        note=str(item.get("note", "")),
        inferred=confidence == "inferred",
    )


def read_crosswalk(path: Path) -> Crosswalk:
    """Read and check one crosswalk file against the two frameworks it names."""
    document = _load_document(path)
    _check_fields(document, {"source", "target", "mappings"}, ("source", "target"), path.name)
    source = load_framework(str(document["source"]))
    target = load_framework(str(document["target"]))
    items = document.get("mappings") or []
    if not isinstance(items, list):
        raise CatalogError(f"{path.name}: mappings must be a list")
    entries = [
        _entry_from(item, source, target, f"{path.name}, mapping #{i + 1}")
        for i, item in enumerate(items)
    ]
    codes = [entry.source_code for entry in entries]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise CatalogError(f"{path.name}: {', '.join(duplicates)} mapped more than once")
    return Crosswalk(source=source.id, target=target.id, entries=tuple(entries))


@cache
def _crosswalk_paths() -> Mapping[tuple[str, str], Path]:
    paths: dict[tuple[str, str], Path] = {}
    for path in sorted(frameworks_dir().glob(f"*{_CROSSWALK_MARK}*.yaml")):
        document = _load_document(path)
        paths[(str(document.get("source")), str(document.get("target")))] = path
    return MappingProxyType(paths)


@cache
def load_crosswalk(source: str, target: str) -> Crosswalk:
    """The shipped crosswalk from ``source`` to ``target``; CatalogError when there is none."""
    path = _crosswalk_paths().get((source, target))
    if path is None:
        raise CatalogError(f"no crosswalk from {source!r} to {target!r}")
    return read_crosswalk(path)


def map_disclosure(
    code: str, source: str = "gri-2016", target: str = "gri-2021"
) -> tuple[str, ...]:
    """Codes in ``target`` that carry the content of disclosure ``code`` of ``source``.

    Listed codes follow the crosswalk (possibly to nothing, e.g. ``102-55``); other codes map to
    themselves when their standard has the same version in both frameworks. Anything else
    (e.g. ``306-2`` of Effluents and Waste 2016 against Waste 2020) raises CatalogError.
    """
    crosswalk = load_crosswalk(source, target)
    disclosure = load_framework(source).get(code)
    entry = crosswalk.entry(disclosure.code)
    if entry is not None:
        return entry.target_codes
    counterpart = _same_version_counterpart(disclosure, load_framework(target))
    if counterpart is None:
        raise CatalogError(
            f"{source} {disclosure.code} ({disclosure.standard_code}: "
            f"{disclosure.standard_title}) has no mapping to {target}"
        )
    return (counterpart.code,)


def _same_version_counterpart(disclosure: Disclosure, target: Framework) -> Disclosure | None:
    if disclosure.code not in target:
        return None
    candidate = target.get(disclosure.code)
    return candidate if candidate.standard_title == disclosure.standard_title else None
