"""Importing a batch of supplier CMRT/EMRT files into the ledger for a campaign period.

Each file is read on its own (in worker processes when there are many), matched to a supplier
of the register (by the supplier code at the start of the file name, else by company name) and
stored with its problems - unreadable files too, so the campaign shows who must resend. A file
already imported for the period (same SHA-256) is skipped. One bad file never stops the batch.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from esgledger.collect.cmrt import DeclarationRead, read_declaration
from esgledger.collect.datapoints import sha256_of
from esgledger.core.problems import Problem, Severity
from esgledger.core.supply_chain import Supplier
from esgledger.store.ledger import Ledger
from esgledger.store.supply_chain import known_files, save_declaration, suppliers

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
NAME_MATCH = 90  # rapidfuzz token-sort ratio above which a company name is the supplier's


@dataclass(frozen=True, kw_only=True)
class FileOutcome:
    """What became of one file: its status, the supplier it was matched to, its problems."""

    file: Path
    status: str
    supplier: str | None
    company: str
    problems: list[Problem] = field(default_factory=list)


def workbook_files(targets: Iterable[Path]) -> list[Path]:
    """Files given directly, and the workbooks found (recursively) in folders given."""
    files: list[Path] = []
    for target in targets:
        if target.is_dir():
            files += sorted(
                p
                for p in target.rglob("*")
                if p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith("~$")
            )
        else:
            files.append(target)
    return files


def read_all(files: Sequence[Path], jobs: int | None = None) -> list[tuple[DeclarationRead, str]]:
    """Read (and hash) every file, in ``jobs`` processes (default: one per CPU) when many."""
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(files) < 8:
        return [_read_and_hash(f) for f in files]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_read_and_hash, files, chunksize=8))


def _read_and_hash(path: Path) -> tuple[DeclarationRead, str]:
    return read_declaration(path), _sha256(path)


def import_declarations(
    ledger: Ledger, files: Sequence[Path], *, period: str, user: str, jobs: int | None = None
) -> list[FileOutcome]:
    """Read and store a batch of supplier files for ``period`` (see the module docstring)."""
    ledger.period(period)  # NotFound for an unknown period, before any work
    register = suppliers(ledger)
    seen = known_files(ledger, period)
    outcomes: list[FileOutcome] = []
    reads = read_all(files, jobs)  # before the transaction: readers never hold the ledger
    with ledger.transaction() as conn:
        for read, sha in reads:
            supplier = match_supplier(read, register)
            company = read.declaration.company if read.declaration else ""
            if sha in seen:
                outcomes.append(
                    FileOutcome(
                        file=read.file,
                        status="already imported",
                        supplier=supplier,
                        company=company,
                    )
                )
                continue
            seen.add(sha)
            problems = list(read.problems)
            if supplier is None and register:
                problems.append(_unmatched(read, company))
            record = _record(read, sha, supplier, problems)
            smelters = read.declaration.smelters if read.declaration else ()
            save_declaration(conn, period=period, record=record, smelters=smelters, user=user)
            outcomes.append(
                FileOutcome(
                    file=read.file,
                    status=read.status,
                    supplier=supplier,
                    company=company,
                    problems=problems,
                )
            )
    return outcomes


def match_supplier(read: DeclarationRead, register: Sequence[Supplier]) -> str | None:
    """The supplier code a file belongs to: file name ``<code>_...``, else the company name."""
    stem = read.file.stem.casefold()
    for supplier in sorted(register, key=lambda s: -len(s.code)):
        code = supplier.code.casefold()
        if stem == code or (stem.startswith(code) and not stem[len(code)].isalnum()):
            return supplier.code
    if read.declaration is None or not read.declaration.company:
        return None
    names = {s.code: s.name for s in register}
    best = process.extractOne(
        read.declaration.company,
        names,
        scorer=fuzz.token_sort_ratio,
        processor=str.casefold,
        score_cutoff=NAME_MATCH,
    )
    return None if best is None else str(best[2])


def _unmatched(read: DeclarationRead, company: str) -> Problem:
    who = f"company {company!r}" if company else "this file"
    return Problem(
        location=read.file.name,
        message=f"no supplier of the register matches {who}; name the file <supplier code>_...",
        severity=Severity.WARNING,
        check="cmrt",
    )


def _record(
    read: DeclarationRead, sha: str, supplier: str | None, problems: list[Problem]
) -> dict[str, Any]:
    declaration = read.declaration
    content: dict[str, Any] = {}
    if declaration is not None:
        content = {
            "scope": declaration.scope,
            "language": declaration.language,
            "metals": list(declaration.metals),
            "answers": {m: dict(a) for m, a in declaration.answers.items()},
            "policy": dict(declaration.policy),
            "policy_url": declaration.policy_url,
            "details": dict(declaration.details),
            "products": [p.number for p in declaration.products],
        }
    return {
        "supplier": supplier,
        "file": read.file.name,
        "sha256": sha,
        "template": declaration.template if declaration else None,
        "revision": declaration.revision if declaration else None,
        "company": declaration.company if declaration else None,
        "status": read.status,
        "effective_date": declaration.effective_date if declaration else None,
        "content": content,
        "problems": [p.as_dict() for p in problems],
    }


def _sha256(path: Path) -> str:
    """The file's hash; for an unreadable file (its read already failed) one of its path."""
    try:
        return sha256_of(path)
    except OSError:
        return hashlib.sha256(str(path).encode()).hexdigest()
