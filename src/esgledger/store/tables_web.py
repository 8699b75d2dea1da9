"""Tables of the web application (issue 5): users, their entity scopes, sessions, API tokens,
login throttling and evidence attachments.

Secrets are never stored in clear: passwords as argon2 hashes, session ids and API tokens as
SHA-256 digests of random values (a stolen database cannot be replayed as a login).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from esgledger.store.schema import metadata

web_user = Table(
    "web_user",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("login", String(120), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("must_change_password", Boolean, nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
)

web_user_entity = Table(
    "web_user_entity",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("web_user.id"), nullable=False),
    Column("entity", String(80), nullable=False),
    UniqueConstraint("user_id", "entity", name="uq_web_user_entity"),
)

web_session = Table(
    "web_session",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("web_user.id"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("expires", DateTime(timezone=True), nullable=False),
)

web_api_token = Table(
    "web_api_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("user_id", Integer, ForeignKey("web_user.id"), nullable=False),
    Column("name", String(120), nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("last_used", DateTime(timezone=True), nullable=True),
    Column("revoked", Boolean, nullable=False),
)

web_login_attempt = Table(
    "web_login_attempt",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("first_failure", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True), nullable=True),
)

web_evidence = Table(
    "web_evidence",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entity", String(80), nullable=False),
    Column("period", String(40), nullable=False),
    Column("metric", String(120), nullable=False),
    Column("file_name", String(200), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("note", Text, nullable=True),
    Column("actor", String(120), nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
)
