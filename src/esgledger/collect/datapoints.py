"""Importing datapoints from YAML and CSV files, atomically.

Every row is validated before anything is written: unknown metrics, entities, periods and
units, values that are not numbers, units of the wrong dimension and duplicated rows are
problems naming file, line and field. If there is any, nothing is imported
(:class:`~esgledger.errors.ImportFailed`). Changing a value already in the ledger needs a
reason; the change becomes a new revision.

CSV columns: ``entity, period, metric, value, unit`` and optionally ``comment, reference``.
YAML: a ``datapoints:`` list of ``{metric, entity, unit, values: {period: value}}`` (or
``period:`` and ``value:`` for a single figure), plus optional ``notes:``.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from esgledger.collect.yamlfile import LINE, load_with_lines
from esgledger.core.catalog import Catalog
from esgledger.core.model import (
    Datapoint,
    Kind,
    Note,
    NoteKind,
    Provenance,
    Quantity,
    Status,
    new_provenance,
)
from esgledger.core.problems import Problem
from esgledger.core.units import is_known_unit, same_dimension
from esgledger.errors import ImportFailed
from esgledger.store.ledger import Ledger, RecordResult

REQUIRED_COLUMNS = ("entity", "period", "metric", "value", "unit")
OPTIONAL_COLUMNS = ("comment", "reference")


@dataclass
class Parsed:
    """What a file holds, once validated: datapoints, notes and the problems found."""

    datapoints: list[Datapoint] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0


@dataclass(frozen=True)
class Known:
    """What the ledger knows, against which rows are validated."""

    catalog: Catalog
    entities: frozenset[str]
    periods: frozenset[str]

    @classmethod
    def of(cls, ledger: Ledger, catalog: Catalog) -> Known:
        """The entities and periods of a ledger, with a catalog."""
        return cls(
            catalog,
            frozenset(e.code for e in ledger.entities()),
            frozenset(p.code for p in ledger.periods()),
        )


@dataclass(frozen=True, kw_only=True)
class RowContext:
    """Where a row came from and who imports it."""

    file: str
    line: int
    user: str
    source: str = "file"
    status: Status = Status.SUBMITTED


def parse_value(text: Any) -> Decimal:
    """A number as written in a file; rejects thousands separators and decimal commas."""
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a number")
    if isinstance(text, int | Decimal):
        return Decimal(text)
    if isinstance(text, float):  # YAML numbers; .nan and .inf are refused below
        text = repr(text)
    cleaned = str(text).strip()
    if "," in cleaned:
        raise ValueError(
            f"{cleaned!r} has a comma; write numbers without thousands separators, with '.' "
            "as the decimal point"
        )
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{cleaned!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{cleaned!r} is not a finite number")
    return value


def validate_row(row: dict[str, Any], known: Known, ctx: RowContext) -> Datapoint | list[Problem]:
    """A datapoint from one row, or the problems that prevent it."""
    where = f"{ctx.file}:{ctx.line}"
    problems: list[Problem] = []

    def fail(column: str, message: str) -> None:
        problems.append(
            Problem(
                location=where,
                message=f"{column}: {message}",
                check="import",
                record={k: str(v) for k, v in row.items() if k != LINE},
            )
        )

    for column in REQUIRED_COLUMNS:
        if row.get(column) in (None, ""):
            fail(column, "missing")
    if problems:
        return problems
    metric_id, entity, period = (
        str(row["metric"]).strip(),
        str(row["entity"]).strip(),
        str(row["period"]).strip(),
    )
    unit = str(row["unit"]).strip()
    if metric_id not in known.catalog:
        fail("metric", known.catalog.unknown_message(metric_id))
    if entity not in known.entities:
        fail("entity", f"unknown entity {entity!r}")
    if period not in known.periods:
        fail("period", f"unknown period {period!r}")
    value: Decimal | None = None
    try:
        value = parse_value(row["value"])
    except ValueError as exc:
        fail("value", str(exc))
    if not is_known_unit(unit):
        fail("unit", f"unknown unit {unit!r}")
    elif metric_id in known.catalog:
        metric = known.catalog.get(metric_id)
        if not same_dimension(unit, metric.unit):
            fail(
                "unit",
                f"{entity}/{period}/{metric_id} is measured in {metric.unit} "
                f"({metric.dimension}); {unit!r} has another dimension",
            )
    if problems or value is None:
        return problems
    return Datapoint(
        entity=entity,
        period=period,
        metric=metric_id,
        quantity=Quantity(value=value, unit=unit),
        kind=Kind.REPORTED,
        status=ctx.status,
        comment=_optional(row.get("comment")),
        provenance=_provenance(ctx, row),
    )


def _optional(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _provenance(ctx: RowContext, row: dict[str, Any]) -> Provenance:
    return new_provenance(
        ctx.source,
        file=ctx.file,
        line=ctx.line,
        field="value",
        user=ctx.user,
        reference=_optional(row.get("reference")),
    )


def _duplicates(parsed: Parsed) -> None:
    seen: dict[tuple[str, str, str], Datapoint] = {}
    for dp in parsed.datapoints:
        first = seen.setdefault(dp.key, dp)
        if first is not dp:
            parsed.problems.append(
                Problem(
                    location=dp.provenance.location(),
                    message=f"{'/'.join(dp.key)} is given twice (first at "
                    f"{first.provenance.location()})",
                    check="import",
                )
            )


def parse_csv(path: Path, known: Known, user: str, status: Status = Status.SUBMITTED) -> Parsed:
    """Validate a CSV file of datapoints."""
    parsed = Parsed()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
        if missing or unknown:
            message = "; ".join(
                part
                for part in (
                    f"missing column(s) {', '.join(missing)}" if missing else "",
                    f"unknown column(s) {', '.join(unknown)}" if unknown else "",
                )
                if part
            )
            parsed.problems.append(
                Problem(location=f"{path.name}:1", message=message, check="import")
            )
            return parsed
        for row in reader:
            parsed.rows += 1
            clean = {(k or "").strip(): v for k, v in row.items()}
            if None in row:
                parsed.problems.append(
                    Problem(
                        location=f"{path.name}:{reader.line_num}",
                        message="more cells than columns",
                        check="import",
                    )
                )
                continue
            ctx = RowContext(file=path.name, line=reader.line_num, user=user, status=status)
            _add(parsed, validate_row(clean, known, ctx))
    _duplicates(parsed)
    return parsed


def _add(parsed: Parsed, outcome: Datapoint | list[Problem]) -> None:
    if isinstance(outcome, Datapoint):
        parsed.datapoints.append(outcome)
    else:
        parsed.problems.extend(outcome)


def parse_yaml_datapoints(
    entries: Iterable[dict[str, Any]],
    file: str,
    known: Known,
    user: str,
    *,
    source: str = "file",
    status: Status = Status.SUBMITTED,
) -> Parsed:
    """Validate the ``datapoints:`` list of a YAML document."""
    parsed = Parsed()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            parsed.problems.append(
                Problem(
                    location=f"{file}",
                    check="import",
                    message=f"datapoints: entry {number} is {entry!r}, expected a mapping with "
                    "metric, entity, unit and values",
                )
            )
            continue
        line = entry.get(LINE, 0)
        values = entry.get("values")
        if values is None:
            values = {entry.get("period"): entry.get("value")}
        if not isinstance(values, dict):
            parsed.problems.append(
                Problem(
                    location=f"{file}:{line}",
                    message="values: expected a mapping period -> value",
                    check="import",
                )
            )
            continue
        for period, value in values.items():
            if period == LINE:
                continue
            parsed.rows += 1
            row = {**entry, "period": str(period) if period is not None else "", "value": value}
            ctx = RowContext(file=file, line=line, user=user, source=source, status=status)
            _add(parsed, validate_row(row, known, ctx))
    _duplicates(parsed)
    return parsed


def parse_notes(entries: Iterable[dict[str, Any]], file: str, known: Known) -> Parsed:
    """Validate the ``notes:`` list of a YAML document."""
    parsed = Parsed()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            parsed.problems.append(
                Problem(
                    location=file, check="import", message=f"notes: entry {number} is not a mapping"
                )
            )
            continue
        where = f"{file}:{entry.get(LINE, 0)}"
        try:
            kind = NoteKind(entry.get("kind"))
        except ValueError:
            parsed.problems.append(
                Problem(
                    location=where,
                    check="import",
                    message=f"kind: expected one of {', '.join(k.value for k in NoteKind)}",
                )
            )
            continue
        period = str(entry.get("period", ""))
        if period not in known.periods:
            parsed.problems.append(
                Problem(
                    location=where, message=f"period: unknown period {period!r}", check="import"
                )
            )
            continue
        metrics = entry.get("metrics") or []
        if not metrics or not entry.get("text"):
            parsed.problems.append(
                Problem(location=where, message="a note needs metrics and text", check="import")
            )
            continue
        parsed.notes.append(
            Note(
                kind=kind,
                period=period,
                metrics=tuple(map(str, metrics)),
                text=str(entry["text"]).strip(),
                entity=entry.get("entity"),
            )
        )
    return parsed


def parse_yaml(path: Path, known: Known, user: str, status: Status = Status.SUBMITTED) -> Parsed:
    """Validate a YAML file of datapoints (and notes)."""
    document = load_with_lines(path) or {}
    if not isinstance(document, dict) or "datapoints" not in document:
        return Parsed(
            problems=[
                Problem(
                    location=f"{path.name}:1",
                    check="import",
                    message="expected a mapping with a 'datapoints:' list",
                )
            ]
        )
    for section in ("datapoints", "notes"):
        if not isinstance(document.get(section) or [], list):
            return Parsed(
                problems=[
                    Problem(
                        location=f"{path.name}:1",
                        check="import",
                        message=f"{section}: expected a list of mappings",
                    )
                ]
            )
    parsed = parse_yaml_datapoints(
        document["datapoints"] or [], path.name, known, user, status=status
    )
    notes = parse_notes(document.get("notes") or [], path.name, known)
    parsed.notes, parsed.problems = notes.notes, parsed.problems + notes.problems
    return parsed


def parse_file(path: Path, known: Known, user: str, status: Status = Status.SUBMITTED) -> Parsed:
    """Validate a CSV or YAML file; other formats are a problem, not a guess."""
    if not path.exists():
        return Parsed(
            problems=[Problem(location=str(path), message="no such file", check="import")]
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return parse_csv(path, known, user, status)
    if suffix in (".yaml", ".yml"):
        try:
            return parse_yaml(path, known, user, status)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path.name}:{mark.line + 1}" if mark is not None else path.name
            return Parsed(
                problems=[Problem(location=where, check="import", message=f"not valid YAML: {exc}")]
            )
        except Exception as exc:  # yaml.YAMLError and friends: report, do not crash
            return Parsed(
                problems=[
                    Problem(location=path.name, check="import", message=f"not valid YAML: {exc}")
                ]
            )
    return Parsed(
        problems=[
            Problem(
                location=path.name,
                check="import",
                message=f"unsupported file type {suffix or '(none)'}; use .csv or .yaml",
            )
        ]
    )


@dataclass
class ImportOutcome:
    """The result of importing one file."""

    file: str
    rows: int
    result: RecordResult
    notes: int
    repeated: bool  # the same file content was imported before


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read a MiB at a time (activity exports can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_file(
    ledger: Ledger,
    path: Path,
    catalog: Catalog,
    *,
    user: str,
    reason: str | None = None,
    status: Status = Status.SUBMITTED,
    dry_run: bool = False,
) -> ImportOutcome:
    """Validate and import one file in one transaction; raise ImportFailed on any problem."""
    parsed = parse_file(path, Known.of(ledger, catalog), user, status)
    if parsed.problems:
        raise ImportFailed(parsed.problems)
    datapoints = [_with_reason(dp, reason) for dp in parsed.datapoints]
    changes = ledger.pending_changes(datapoints)
    if changes and not reason:
        raise ImportFailed(
            [
                Problem(
                    location=new.provenance.location(),
                    check="import",
                    message=f"{'/'.join(new.key)} would change from {old.quantity} to "
                    f"{new.quantity}; give a reason (--reason) for the revision",
                )
                for old, new in changes
            ]
        )
    digest = sha256_of(path)
    repeated = bool(ledger.batches_with_hash(digest))
    if dry_run:
        return ImportOutcome(
            path.name,
            parsed.rows,
            preview(ledger, datapoints, changes),
            len(parsed.notes),
            repeated,
        )
    with ledger.transaction() as conn:
        batch = ledger.add_batch(path.name, digest, parsed.rows, user, conn)
        result = ledger.record(datapoints, conn=conn, batch_id=batch)
        ledger.add_notes(parsed.notes, user=user, conn=conn)
    return ImportOutcome(path.name, parsed.rows, result, len(parsed.notes), repeated)


def _with_reason(dp: Datapoint, reason: str | None) -> Datapoint:
    return dp if reason is None else replace(dp, reason=reason)


def preview(
    ledger: Ledger, datapoints: list[Datapoint], changes: list[tuple[Datapoint, Datapoint]]
) -> RecordResult:
    """What recording ``datapoints`` would do (a dry run), given their pending ``changes``."""
    keys = {dp.key for dp in datapoints}
    entities = {dp.entity for dp in datapoints}
    current = {
        dp.key for entity in entities for dp in ledger.datapoints(entity=entity) if dp.key in keys
    }
    added = sum(1 for dp in datapoints if dp.key not in current)
    return RecordResult(
        added=added,
        revised=len(changes),
        unchanged=len(datapoints) - added - len(changes),
        revisions=changes,
    )
