"""Who approves a draft objective, when the organisation asks for approval (HR's setting,
``Organisation.okr_approval``, off by default).

* An individual objective: the owner's manager.
* A team objective: the team's lead, or the lead's manager when the lead wrote it.
* Company objectives are set by executives and HR and need nobody's approval; nor does an
  objective whose owner has nobody above them.

The approver (and HR) may activate a draft directly; everyone else proposes it.
"""

from __future__ import annotations

from lineofsight.goals.access import GoalViewer
from lineofsight.goals.models import Objective
from lineofsight.people.models import Organisation, Person, Team


def approval_on() -> bool:
    return bool(Organisation.current().okr_approval)


def approver_for(
    *,
    level: str,
    owner_person: Person | None,
    owner_team: Team | None,
    author: Person | None,
) -> Person | None:
    """Who approves a draft with this owner, written by ``author`` (None: nobody needs to)."""
    if level == Objective.Level.COMPANY:
        return None
    if owner_person is not None:
        manager = owner_person.manager
    else:
        lead = owner_team.lead if owner_team is not None else None
        if lead is None:
            return None
        manager = lead.manager if author is not None and author.pk == lead.pk else lead
    return manager if manager is not None and manager.is_active else None


def approver_of(objective: Objective, author: Person | None) -> Person | None:
    return approver_for(
        level=objective.level,
        owner_person=objective.owner_person,
        owner_team=objective.owner_team,
        author=author,
    )


def approval_problem(
    viewer: GoalViewer,
    *,
    level: str,
    owner_person: Person | None,
    owner_team: Team | None,
    author: Person,
    designated: int | None = None,
) -> str | None:
    """Why ``author`` may not make such an objective active themselves (None: they may).
    ``designated``: the approver a proposed draft was sent to, who may."""
    if viewer.is_hr or author.pk == designated or not approval_on():
        return None
    approver = approver_for(
        level=level, owner_person=owner_person, owner_team=owner_team, author=author
    )
    if approver is None or approver.pk == author.pk:
        return None
    return (
        f"Objectives here are approved before they become active: keep it a draft and "
        f"propose it to {approver.name}."
    )
