"""Who may do what: roles, the actions they grant, and the entities a user may touch.

Every route asks :meth:`Principal.can` (through :func:`esgledger.web.deps.require`) with the
entity the request is about, read from the URL or body and checked on the server: nothing a
browser sends (a hidden field, a query string) widens a user's scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """The roles of the reporting cycle."""

    ADMIN = "admin"  # everything, including users, entities and periods
    LEAD = "lead"  # the ESG lead: reviews and approves, sees every entity and the report
    OWNER = "owner"  # a data owner: enters and submits the data of named entities only
    AUDITOR = "auditor"  # reads everything (data, history, report), changes nothing
    VIEWER = "viewer"  # sees published (locked) figures only


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.LEAD: "ESG lead (reviewer)",
    Role.OWNER: "Data owner",
    Role.AUDITOR: "Auditor (read-only)",
    Role.VIEWER: "Viewer (published figures)",
}


class Action(StrEnum):
    """What a request wants to do."""

    VIEW_PUBLISHED = "view_published"  # published figures and reports of locked periods
    VIEW_DATA = "view_data"  # figures in any status, their history and the dashboard
    ENTER_DATA = "enter_data"  # enter, correct, explain, attach evidence, upload, submit
    REVIEW = "review"  # approve, reject, request explanations
    VIEW_REPORT = "view_report"  # draft reports, downloads, checks, content index
    ADMINISTER = "administer"  # users, entities, periods, locking


GRANTS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.LEAD: frozenset(Action) - {Action.ADMINISTER},
    Role.OWNER: frozenset({Action.VIEW_PUBLISHED, Action.VIEW_DATA, Action.ENTER_DATA}),
    Role.AUDITOR: frozenset({Action.VIEW_PUBLISHED, Action.VIEW_DATA, Action.VIEW_REPORT}),
    Role.VIEWER: frozenset({Action.VIEW_PUBLISHED}),
}

#: actions limited to the user's entities when the role is scoped
SCOPED_ACTIONS = frozenset({Action.VIEW_DATA, Action.ENTER_DATA})


@dataclass(frozen=True, kw_only=True)
class Principal:
    """The signed-in user as the permission checks see it.

    Attributes:
        user_id: primary key of the user.
        login: the login name (recorded as the actor of every change).
        display_name: the name shown in pages.
        role: the user's role.
        entities: entity codes the user may touch (their named entities and every entity
            below them); ``None`` when the role is not scoped (all entities).
        must_change_password: True until a one-time password has been replaced.
    """

    user_id: int
    login: str
    display_name: str
    role: Role
    entities: frozenset[str] | None
    must_change_password: bool = False

    def can(self, action: Action, entity: str | None = None) -> bool:
        """Whether the user may do ``action`` (on ``entity``, when the action is about one)."""
        if action not in GRANTS[self.role]:
            return False
        if entity is None or self.entities is None or action not in SCOPED_ACTIONS:
            return True
        return entity in self.entities

    def visible(self, codes: Iterable[str]) -> list[str]:
        """The entity codes among ``codes`` whose data the user may see."""
        return [code for code in codes if self.can(Action.VIEW_DATA, code)]

    @property
    def scoped(self) -> bool:
        """True when the user sees only some entities."""
        return self.entities is not None


def scope_of(
    role: Role, named: Iterable[str], tree: dict[str, str | None]
) -> frozenset[str] | None:
    """The entities a user of ``role`` named for ``named`` may touch (descendants included).

    ``tree`` maps each entity code to its parent. Only data owners are scoped; an owner with
    no named entity may touch none.
    """
    if role is not Role.OWNER:
        return None
    found = set(named) & set(tree)
    changed = True
    while changed:
        below = {code for code, parent in tree.items() if parent in found} - found
        changed = bool(below)
        found |= below
    return frozenset(found)
