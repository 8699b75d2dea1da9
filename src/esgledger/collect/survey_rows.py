"""Recognising what survey exports contain: column names, issues, groups and scores."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from esgledger.core.materiality import Scale
from esgledger.store.ledger import MaterialIssue, StakeholderGroup

RESPONDENT_ALIASES = ("respondent", "respondent id", "respondent_id", "response id", "id")
GROUP_ALIASES = ("group", "stakeholder group", "stakeholder_group", "stakeholder")
# Columns that survey tools add and that hold no score.
IGNORED_COLUMNS = frozenset(
    {
        "timestamp",
        "submitted",
        "submitted at",
        "start date",
        "end date",
        "duration",
        "email",
        "ip address",
        "language",
        "comment",
        "comments",
        "name",
        "organisation",
        "organization",
    }
)
_NUMBERED = re.compile(r"^(?:q|#|no\.?|issue)?\s*(\d+)\s*[.:)\]-]?\s*(.*)$", re.IGNORECASE)


def _key(text: str) -> str:
    return " ".join(re.sub(r"[_\-–—]", " ", text).lower().split())


def find_column(headers: Iterable[str], aliases: Iterable[str]) -> str | None:
    """The first header that is one of the aliases (case and spacing ignored)."""
    wanted = {_key(a) for a in aliases}
    return next((h for h in headers if _key(h) in wanted), None)


def is_ignored(header: str) -> bool:
    """True for metadata columns of survey tools, and for blank headers."""
    return not header.strip() or _key(header) in IGNORED_COLUMNS


def group_index(groups: Iterable[StakeholderGroup]) -> dict[str, str]:
    """Normalised name -> register name of every stakeholder group."""
    return {_key(g.name): g.name for g in groups}


class IssueIndex:
    """Finds a catalog issue from a column header or cell: by number, name, or both."""

    def __init__(self, issues: Iterable[MaterialIssue]) -> None:
        self.by_number = {i.number: i for i in issues}
        self.by_name = {_key(i.name): i for i in self.by_number.values()}

    def resolve(self, text: str) -> int | str:
        """The issue number, or why ``text`` names no issue of the catalog."""
        if not text.strip():
            return "issue missing"
        named = self.by_name.get(_key(text))
        if named is not None:
            return named.number
        match = _NUMBERED.match(text.strip())
        if match is None:
            return f"unknown issue {text!r} (not a number or name of the issue catalog)"
        number, name = int(match.group(1)), match.group(2)
        issue = self.by_number.get(number)
        if issue is None:
            last = max(self.by_number, default=0)
            return f"unknown issue {text!r}: the catalog has issues 1 to {last}"
        if name and _key(name) != _key(issue.name):
            return f"{text!r} names issue {number}, but issue {number} is {issue.name!r}"
        return number


def parse_score(text: str, scale: Scale) -> Decimal | str:
    """A score on the scale, from a number or an answer label; or why it is not one."""
    labels = {_key(label): scale.low + i for i, label in enumerate(scale.labels)}
    if _key(text) in labels:
        return Decimal(labels[_key(text)])
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        hint = f" or one of the answers {', '.join(scale.labels)}" if scale.labels else ""
        return f"{text!r} is not a score (a whole number from {scale.low} to {scale.high}{hint})"
    if value != value.to_integral_value():
        return f"score {text} is not a whole number of the scale {scale}"
    if not scale.low <= value <= scale.high:
        return f"score {text} is outside the scale {scale}"
    return Decimal(int(value))
