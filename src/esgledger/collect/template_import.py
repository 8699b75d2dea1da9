"""Importing returned templates: each workbook entirely, or nothing of it.

On top of the workbook checks of :mod:`esgledger.collect.template_read`, a template must have
been issued by this ledger (its layout checksum is on record) for a known entity and period,
match the period (and entity) the import expects, and not be a second submission of the same
entity, period and department within one import. A value that replaces one already
submitted, approved or locked needs a reason; replacing a published prior-period value is a
restatement (a restatement note is added, see :mod:`esgledger.store.restatements`).

A file whose content was imported before is recognised by its SHA-256; its import (or
``--dry-run``) shows what would change. Each import is one transaction: batch record,
datapoints, their audit events and an ``import.template`` event.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from esgledger.collect.datapoints import preview, sha256_of
from esgledger.collect.template_read import TemplateData, read_template
from esgledger.collect.templates import issued_checksums
from esgledger.core.catalog import Catalog
from esgledger.core.model import Status
from esgledger.store import audit
from esgledger.store.ledger import Ledger, RecordResult


@dataclass
class TemplateOutcome:
    """What importing (or checking) one returned template did.

    Attributes:
        data: the workbook's contents and problems (nothing was written when there are any).
        sha256: hex digest of the file.
        earlier: earlier imports of the very same file (``import_batch`` rows).
        result: what was (or, in a dry run, would be) added, revised and unchanged.
    """

    data: TemplateData
    sha256: str = ""
    earlier: list[dict[str, Any]] = field(default_factory=list)
    result: RecordResult = field(default_factory=RecordResult)

    @property
    def ok(self) -> bool:
        """True when the file had no problem."""
        return not self.data.problems


@dataclass(frozen=True, kw_only=True)
class ImportOptions:
    """How to import.

    Attributes:
        user: who imports (recorded with every value and event).
        reason: why values already submitted or approved change (required for those).
        period: the period being collected; a template of another period is refused.
        entity: when given, a template of another entity is refused.
        dry_run: validate and show what would change; write nothing.
    """

    user: str
    reason: str | None = None
    period: str | None = None
    entity: str | None = None
    dry_run: bool = False


def import_templates(
    ledger: Ledger, paths: list[Path], catalog: Catalog, options: ImportOptions
) -> list[TemplateOutcome]:
    """Validate and import each file on its own (all of it or nothing of it)."""
    outcomes = []
    seen: dict[tuple[str, str, str | None], str] = {}
    known_entities = {e.code for e in ledger.entities()}
    known_periods = {p.code for p in ledger.periods()}
    for path in paths:
        data = read_template(path, catalog, user=options.user)
        outcome = TemplateOutcome(data=data)
        if data.layout is not None and not data.problems:
            _check_identity(ledger, data, options, known_entities, known_periods, seen)
        if not data.problems:
            outcome.sha256 = sha256_of(path)
            outcome.earlier = ledger.batches_with_hash(outcome.sha256)
            _record(ledger, outcome, options)
        outcomes.append(outcome)
    return outcomes


def _check_identity(
    ledger: Ledger,
    data: TemplateData,
    options: ImportOptions,
    entities: set[str],
    periods: set[str],
    seen: dict[tuple[str, str, str | None], str],
) -> None:
    layout = data.layout
    assert layout is not None
    if layout.entity not in entities or layout.period not in periods:
        data.fail(f"template of {layout.entity}/{layout.period}, which this ledger does not hold")
        return
    if options.period and layout.period != options.period:
        data.fail(
            f"this is the template of period {layout.period}; the import is for {options.period}"
        )
    if options.entity and layout.entity != options.entity:
        data.fail(f"this is the template of entity {layout.entity!r}, not {options.entity!r}")
    if layout.checksum not in issued_checksums(ledger, layout.entity, layout.period):
        data.fail("this template was not issued by this ledger (or its layout was changed)")
    key = (layout.entity, layout.period, layout.department)
    if key in seen:
        data.fail(
            f"a second submission for {layout.entity}/{layout.period}"
            + (f"/{layout.department}" if layout.department else "")
            + f" in this import (first: {seen[key]}); import one of them"
        )
    seen.setdefault(key, data.file)


def _record(ledger: Ledger, outcome: TemplateOutcome, options: ImportOptions) -> None:
    data = outcome.data
    datapoints = [replace(dp, reason=options.reason) for dp in data.datapoints]
    changes = ledger.pending_changes(datapoints)
    for old, new in changes:
        if old.status is not Status.DRAFT and not options.reason:
            data.fail(
                f"{'/'.join(new.key)} would change from {old.quantity} ({old.status}) to "
                f"{new.quantity}; give a reason (--reason) for the revision",
                new.provenance.sheet,
                new.provenance.cell,
            )
    if data.problems:
        return
    if options.dry_run:
        outcome.result = preview(ledger, datapoints, changes)
        return
    with ledger.transaction() as conn:
        batch = ledger.add_batch(data.file, outcome.sha256, len(datapoints), options.user, conn)
        outcome.result = ledger.record(datapoints, conn=conn, batch_id=batch)
        audit.append_event(conn, _import_event(outcome, options, batch))


def _import_event(outcome: TemplateOutcome, options: ImportOptions, batch: int) -> audit.NewEvent:
    layout = outcome.data.layout
    assert layout is not None
    r = outcome.result
    return audit.NewEvent(
        name="import.template",
        actor=options.user,
        entity=layout.entity,
        period=layout.period,
        new={
            "file": outcome.data.file,
            "sha256": outcome.sha256,
            "batch": batch,
            "added": r.added,
            "revised": r.revised,
            "unchanged": r.unchanged,
            "repeated": bool(outcome.earlier),
        },
        reason=options.reason,
        source=outcome.data.file,
    )
