"""Problems found in users' data, returned as values next to results.

A problem names *where* (``file!Sheet!C7``, ``data.csv:12``, ``hikvision/2019/energy.total``),
*what* went wrong, and how bad it is. Commands print them as ``location: message``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How bad a problem is: errors make commands exit non-zero; warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One problem found in the data.

    Attributes:
        location: where the problem is, as a user would look for it (file:line, file!Sheet!B7,
            or entity/period/metric for ledger data).
        message: what is wrong, in one sentence.
        severity: error or warning.
        check: the name of the check or importer that found it.
        record: the offending record, as a small dict, when there is one.
    """

    location: str
    message: str
    severity: Severity = Severity.ERROR
    check: str = ""
    record: dict[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


def has_errors(problems: list[Problem]) -> bool:
    """True when at least one problem is an error."""
    return any(p.severity is Severity.ERROR for p in problems)
