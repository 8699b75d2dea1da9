"""A register of stakeholder groups and numbered issues for benchmarks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from esgledger.core.model import Period
from esgledger.store.ledger import Ledger, MaterialIssue, StakeholderGroup


def register(ledger: Ledger, groups: Iterable[str], issues: int) -> Ledger:
    """Add period 2019, the groups and issues 1..``issues`` to an empty ledger."""
    ledger.add_periods([Period(code="2019", start=dt.date(2019, 1, 1), end=dt.date(2019, 12, 31))])
    ledger.add_stakeholder_groups(
        StakeholderGroup(name=g, issues=(), channels=(), frequency="annual") for g in groups
    )
    ledger.add_material_issues(
        MaterialIssue(number=n, category="C", name=f"Issue {n}") for n in range(1, issues + 1)
    )
    return ledger
