"""Checks of the materiality assessment: is it complete and validated, and does the report
contain the disclosures that the material topics require?

Each material topic (see :mod:`esgledger.calculate.materiality_run`) requires the disclosures of
its GRI topic standards and the management approach (GRI 103 in the 2016 set, 3-3 in 2021).
A disclosure is covered by data (a catalog metric carrying its code has a value in the period),
by narrative (a section of the report layout lists it under ``disclosures:``) or by an omission
note naming it. Under GRI 2016 the core option asks, for each material topic, for at least one
topic-specific disclosure (GRI 101: Foundation 2016, section 3): a standard with none covered is
an error, other uncovered disclosures are warnings; under GRI 2021 each uncovered disclosure is
an error (GRI 1: Foundation 2021, section 3: topic disclosures of every material topic, or
reasons for omission).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from esgledger.calculate.materiality_run import Assessment, MaterialTopic, assess
from esgledger.core.frameworks import load_framework
from esgledger.core.model import NoteKind
from esgledger.core.problems import Problem, Severity
from esgledger.errors import CatalogError

if TYPE_CHECKING:
    from esgledger.check.checks import CheckContext

MANAGEMENT_APPROACH = {"gri-2016": ("103-1", "103-2", "103-3"), "gri-2021": ("3-3",)}


def narrative_codes(layout: Any) -> set[str]:
    """Disclosure codes that sections of a report layout answer in narrative form."""
    codes: set[str] = set()

    def walk(entries: Iterable[Any]) -> None:
        for entry in entries or ():
            if isinstance(entry, dict):
                codes.update(str(c) for c in entry.get("disclosures") or ())
                walk(entry.get("sections") or ())

    if isinstance(layout, dict):
        walk(layout.get("chapters") or ())
    return codes


def covered_codes(ctx: CheckContext) -> set[str]:
    """Disclosures covered by data, report narrative or an omission note."""
    covered = {
        code
        for metric in ctx.catalog
        if ctx.current.get(metric.id) is not None
        for code in metric.disclosure_codes(ctx.framework)
    }
    if ctx.ledger is not None:
        covered |= narrative_codes(ctx.ledger.setting("report"))
    for note in ctx.notes:
        if note.kind is NoteKind.OMISSION and note.period == ctx.period:
            covered |= {m.removeprefix("GRI ").split(":")[-1] for m in note.metrics}
    return covered


def _topic_problems(ctx: CheckContext, topic: MaterialTopic, covered: set[str]) -> list[Problem]:
    framework = load_framework(ctx.framework)
    issue = topic.result.issue
    why = f"material topic {issue.number} {issue.name!r} ({'; '.join(topic.reasons)})"
    strict = ctx.framework != "gri-2016"
    problems = []
    for standard in issue.gri_topics:
        try:
            codes = [d.code for d in framework.resolve(standard)]
        except CatalogError:
            codes = []
        missing = [c for c in codes if c not in covered]
        none_covered = len(missing) == len(codes) and bool(codes)
        for code in missing:
            severity = Severity.ERROR if strict or none_covered else Severity.WARNING
            problems.append(
                Problem(
                    location=f"{ctx.root}/{ctx.period}/GRI {code}",
                    check="materiality",
                    severity=severity,
                    message=f"required by {why}: no data, no report narrative and no "
                    "omission note"
                    + (f"; no disclosure of GRI {standard} is covered" if none_covered else ""),
                )
            )
    return problems


def _process_problems(ctx: CheckContext, assessment: Assessment) -> list[Problem]:
    where = f"{ctx.root}/{ctx.period}/materiality"
    found = []
    if assessment.validation is None:
        found.append("the assessment has not been validated by management")
    elif not assessment.validation_current:
        found.append(
            f"scores or thresholds changed after the validation of "
            f"{assessment.validation.validated_on}; validate again"
        )
    unscored = [r.issue.number for r in assessment.issues if r.zone is None]
    if unscored:
        found.append(
            "issues without stakeholder or management scores: " + ", ".join(map(str, unscored))
        )
    return [
        Problem(location=where, check="materiality", severity=Severity.WARNING, message=m)
        for m in found
    ]


def check_material_topics(ctx: CheckContext) -> list[Problem]:
    """Required disclosures of material topics without data or narrative; an assessment that
    is not validated or not complete."""
    if ctx.ledger is None:
        return []
    assessment = assess(ctx.ledger, ctx.period)
    if not assessment.waves and not assessment.iros:
        return []
    covered = covered_codes(ctx)
    problems = _process_problems(ctx, assessment)
    approach = MANAGEMENT_APPROACH.get(ctx.framework, ())
    if assessment.topics and approach and not set(approach) & covered:
        problems.append(
            Problem(
                location=f"{ctx.root}/{ctx.period}/GRI {approach[0]}",
                check="materiality",
                message="the management approach of the material topics is not reported",
            )
        )
    for topic in assessment.topics:
        problems.extend(_topic_problems(ctx, topic, covered))
    return problems
