"""A report must not claim "no restatements" while the ledger holds one (GRI 102-48 / 2-4).

The claim is found in the ledger's data: the setting ``claims_no_restatements: true`` (set by
``esgledger collect claim-no-restatements``), or a narrative of the report layout (setting
``report``) saying so, e.g. "No information given in previous reports has been restated" or
"there were no restatements". The restatements are the restatement notes of the period or the
prior one, and the revised figures of earlier periods.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from esgledger.core.model import NoteKind
from esgledger.core.problems import Problem

if TYPE_CHECKING:
    from esgledger.check.checks import CheckContext

CLAIM_SETTING = "claims_no_restatements"
CLAIM = re.compile(
    r"\bno\s+restatements?\b"
    r"|\bno\s+(?:information|figures?|data)\b[^.]{0,80}?\b(?:has|have)\s+been\s+restated\b"
    r"|\b(?:has|have)\s+not\s+been\s+restated\b"
    r"|\bwithout\s+(?:any\s+)?restatements?\b",
    re.IGNORECASE,
)


def _narratives(node: Any, where: str = "report") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        here = f"{where}/{node['id']}" if "id" in node else where
        for key, value in node.items():
            if key == "narrative" and isinstance(value, str):
                yield here, value
            else:
                yield from _narratives(value, here)
    elif isinstance(node, list):
        for item in node:
            yield from _narratives(item, where)


def restatement_claim(ledger: Any) -> str | None:
    """Where the report claims there are no restatements, or None."""
    if ledger.setting(CLAIM_SETTING) is True:
        return f"setting {CLAIM_SETTING}"
    for where, text in _narratives(ledger.setting("report")):
        match = CLAIM.search(" ".join(text.split()))
        if match:
            return f"{where} narrative ({match.group(0)!r})"
    return None


def restatements_held(ctx: CheckContext) -> list[str]:
    """Descriptions of the restatements relevant to the period's report."""
    prior = ctx.prior.period if ctx.prior is not None else None
    found = [
        f"note on {', '.join(n.metrics)} ({n.period})"
        for n in ctx.notes
        if n.kind is NoteKind.RESTATEMENT and n.period in (ctx.period, prior)
    ]
    found += [
        f"{'/'.join(key)} revised"
        for key, revisions in sorted(ctx.revised.items())
        if key[1] == prior and revisions > 1
    ]
    return found


def check_restatement_claims(ctx: CheckContext) -> list[Problem]:
    """The report says nothing was restated, but the ledger holds restatements."""
    if ctx.ledger is None:
        return []
    claim = restatement_claim(ctx.ledger)
    held = restatements_held(ctx) if claim else []
    if not held:
        return []
    return [
        Problem(
            location=claim or ctx.period,
            check="restatement-claim",
            message=f"the report claims there were no restatements, but the ledger holds "
            f"{len(held)}: {'; '.join(held[:5])}" + (" ..." if len(held) > 5 else ""),
        )
    ]
