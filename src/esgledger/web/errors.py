"""Errors of the web layer, in the one esgledger exception hierarchy."""

from __future__ import annotations

from esgledger.errors import EsgLedgerError


class NotAuthenticated(PermissionError, EsgLedgerError):
    """No valid session or API token: sign in (HTTP 401, or the login page)."""


class Forbidden(PermissionError, EsgLedgerError):
    """The user is signed in but may not do this (HTTP 403)."""


class BadRequest(ValueError, EsgLedgerError):
    """The request itself is malformed: a missing CSRF token, a wrong field (HTTP 400)."""


class TooLarge(ValueError, EsgLedgerError):
    """An upload or request body exceeds the size limit (HTTP 413)."""


class Throttled(PermissionError, EsgLedgerError):
    """Too many failed sign-ins (HTTP 429)."""
