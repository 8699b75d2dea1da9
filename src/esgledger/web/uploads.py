"""Uploaded files: size limits, type checks by content (not by the name the browser sends),
safe file names, and evidence attachments kept in the ledger."""

from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from starlette.datastructures import UploadFile

from esgledger.core.model import utcnow
from esgledger.errors import NotFound
from esgledger.store import tables_web as tw
from esgledger.store.ledger import Ledger
from esgledger.web.errors import BadRequest, TooLarge

#: extension -> (media type, the bytes the file must start with)
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".csv": ("text/csv", ()),
}
XLSX_MAGIC = b"PK\x03\x04"


def safe_name(name: str | None, default: str = "upload") -> str:
    """The base name of an uploaded file, reduced to harmless characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .")[:120]
    return cleaned or default


def read_limited(upload: UploadFile, limit: int) -> bytes:
    """The upload's bytes; :class:`TooLarge` beyond ``limit``, :class:`BadRequest` if empty."""
    upload.file.seek(0)
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"{safe_name(upload.filename)}: larger than the limit of {limit:,} bytes")
    if not data:
        raise BadRequest(f"{safe_name(upload.filename)}: the file is empty")
    return data


def saved_workbook(upload: UploadFile, limit: int) -> Path:
    """An uploaded XLSX saved under its (safe) name in a new temporary folder."""
    name = safe_name(upload.filename, "template.xlsx")
    data = read_limited(upload, limit)
    if not name.lower().endswith(".xlsx") or not data.startswith(XLSX_MAGIC):
        raise BadRequest(f"{name}: not an XLSX workbook; upload the template as .xlsx")
    path = Path(tempfile.mkdtemp(prefix="esgledger-upload-")) / name
    path.write_bytes(data)
    return path


def media_type_of(name: str, data: bytes) -> str:
    """The media type of an evidence file, checked against its first bytes."""
    suffix = Path(name).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        allowed = ", ".join(sorted(EVIDENCE_TYPES))
        raise BadRequest(f"{name}: evidence must be one of {allowed}")
    media, magics = EVIDENCE_TYPES[suffix]
    if magics and not data.startswith(magics):
        raise BadRequest(f"{name}: the content is not a {suffix[1:].upper()} file")
    if not magics and b"\x00" in data[:4096]:
        raise BadRequest(f"{name}: the content is not text")
    return media


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """An evidence file attached to a figure.

    Attributes:
        id: primary key.
        entity, period, metric: the figure it supports.
        file_name: the (sanitised) file name.
        media_type: checked media type.
        size: bytes.
        sha256: content digest.
        actor: who attached it.
    """

    id: int
    entity: str
    period: str
    metric: str
    file_name: str
    media_type: str
    size: int
    sha256: str
    actor: str


def attach_evidence(
    ledger: Ledger, key: tuple[str, str, str], upload: UploadFile, limit: int, actor: str
) -> Evidence:
    """Store an evidence file for a figure after checking its size and type."""
    entity, period, metric = key
    name = safe_name(upload.filename, "evidence")
    data = read_limited(upload, limit)
    media = media_type_of(name, data)
    row: dict[str, Any] = {"entity": entity, "period": period, "metric": metric, "file_name": name}
    row |= {"media_type": media, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    row |= {"content": data, "actor": actor, "created": utcnow()}
    with ledger.transaction() as conn:
        result = conn.execute(sa.insert(tw.web_evidence).values(**row))
    return evidence(ledger, int(result.inserted_primary_key[0]))[0]  # type: ignore[index]


def evidence(ledger: Ledger, evidence_id: int) -> tuple[Evidence, bytes]:
    """One evidence file and its content; :class:`NotFound` when absent."""
    e = tw.web_evidence
    with ledger.engine.connect() as conn:
        row = conn.execute(sa.select(e).where(e.c.id == evidence_id)).first()
    if row is None:
        raise NotFound(f"no evidence #{evidence_id}")
    return _evidence(row), bytes(row.content)


def evidence_of(ledger: Ledger, entity: str, period: str, metric: str) -> list[Evidence]:
    """The evidence files of a figure."""
    e = tw.web_evidence
    query = sa.select(e).where(e.c.entity == entity, e.c.period == period, e.c.metric == metric)
    with ledger.engine.connect() as conn:
        return [_evidence(r) for r in conn.execute(query.order_by(e.c.id))]


def _evidence(row: sa.Row) -> Evidence:
    return Evidence(
        id=row.id,
        entity=row.entity,
        period=row.period,
        metric=row.metric,
        file_name=row.file_name,
        media_type=row.media_type,
        size=row.size,
        sha256=row.sha256,
        actor=row.actor,
    )
