"""Reads for writing OKRs together: a draft's panel on the objective page, the objectives
awaiting someone's approval, and the "Plan next cycle" page (the current cycle's objectives
beside the next cycle's drafts).

The planning page also shows the last team retrospective before the cycle being planned
(``goals.team_retros.selectors.last_team_retrospective``): the team's, or on a person's own
plan, those of the teams they belong to or lead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lineofsight.goals import selectors
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.actions.approval import approval_on, approver_of
from lineofsight.goals.actions.closing import next_cycle
from lineofsight.goals.actions.cycles import following_cycle_dates
from lineofsight.goals.models import (
    ApprovalEvent,
    ApprovalState,
    Cycle,
    DraftReader,
    DraftSharing,
    Objective,
)
from lineofsight.people.models import Person, Team
from lineofsight.people.selectors import people_visible_to


@dataclass
class DraftPanel:
    objective: Objective
    can_share: bool
    can_propose: bool
    can_activate: bool
    can_decide: bool
    approver: Person | None  # who it would go to (or went to)
    readers: list[Person]
    events: list[ApprovalEvent]
    approval_on: bool


def draft_panel(user: Person, objective: Objective, can_edit: bool) -> DraftPanel | None:
    """The draft's panel (None for an objective that is not a draft and never went through
    approval): sharing, proposing, deciding and the approval history (three queries)."""
    if objective.state != Objective.State.DRAFT and not objective.approval_state:
        return None
    viewer = GoalViewer.of(user)
    events = list(
        ApprovalEvent.objects.filter(objective=objective)
        .select_related("actor", "approver")
        .order_by("at", "pk")
    )
    is_draft = objective.state == Objective.State.DRAFT and not objective.cycle.is_closed
    readers = [
        r.person
        for r in DraftReader.objects.filter(objective=objective)
        .select_related("person")
        .order_by("person__display_name", "person__username")
    ]
    on = approval_on()
    approver = objective.approver if objective.approval_state else None
    if is_draft and on and approver is None:
        approver = approver_of(objective, user)
    proposed = objective.approval_state == ApprovalState.PROPOSED
    needs_approval = (
        on and approver is not None and approver.pk != user.pk and not viewer.is_hr
    )
    return DraftPanel(
        objective=objective,
        can_share=is_draft and can_edit,
        can_propose=is_draft and can_edit and needs_approval and not proposed,
        can_activate=is_draft and can_edit and not needs_approval and not proposed,
        can_decide=is_draft and proposed and viewer.can_decide_approval(objective),
        approver=approver,
        readers=readers,
        events=events,
        approval_on=on,
    )


def share_people_choices(user: Person, limit: int = 500) -> list[tuple[str, str]]:
    """Whom a draft may be shared with: the people the user sees, but themselves."""
    people = (
        people_visible_to(user).exclude(pk=user.pk).order_by("display_name", "username")[:limit]
    )
    return [(str(p.pk), p.name) for p in people]


def sharing_label(objective: Objective, readers: list[Person]) -> str:
    if objective.draft_sharing == DraftSharing.PEOPLE and readers:
        return "Shared for comment with " + ", ".join(p.name for p in readers) + "."
    if objective.draft_sharing == DraftSharing.AUDIENCE:
        return (
            "Shared for comment with its usual audience ("
            + objective.get_visibility_display().lower()
            + ")."
        )
    return "Not shared: only its author and editors see it."


def awaiting_approval(user: Person) -> list[Objective]:
    """Drafts proposed to me (HR: to anyone), oldest first."""
    viewer = GoalViewer.of(user)
    qs = Objective.objects.visible_to(user).filter(
        state=Objective.State.DRAFT, approval_state=ApprovalState.PROPOSED
    )
    if not viewer.is_hr:
        qs = qs.filter(approver=user)
    return list(
        qs.select_related("owner_person", "owner_team", "cycle", "approver").order_by(
            "updated_at", "pk"
        )[:100]
    )


# ---------------------------------------------------------------------------------------
# Plan next cycle


@dataclass
class Plan:
    person: Person | None
    team: Team | None
    current: Cycle | None
    upcoming: Cycle | None
    current_objectives: list[Objective] = field(default_factory=list)
    upcoming_objectives: list[Objective] = field(default_factory=list)
    can_plan: bool = False  # may write the owner's objectives

    @property
    def owner_value(self) -> str:
        if self.team is not None:
            return f"team-{self.team.pk}"
        return f"person-{self.person.pk}" if self.person is not None else ""

    @property
    def owner_name(self) -> str:
        if self.team is not None:
            return self.team.name
        return self.person.name if self.person is not None else ""


def _owned(user: Person, cycle: Cycle, person: Person | None, team: Team | None) -> list[Objective]:
    scope = [cycle.pk]
    if cycle.parent_id:
        scope.append(cycle.parent_id)
    qs = Objective.objects.visible_to(user).filter(cycle_id__in=scope).live()
    qs = qs.filter(owner_team=team) if team is not None else qs.filter(owner_person=person)
    return list(
        qs.select_related("cycle", "approver", "copied_from").order_by("state", "title", "pk")
    )


def plan_for(user: Person, *, person: Person | None = None, team: Team | None = None) -> Plan:
    """The current cycle's objectives of a person (or team) beside the next cycle's."""
    current = selectors.current_cycle()
    upcoming = next_cycle(current) if current is not None else None
    viewer = GoalViewer.of(user)
    owner = person if team is None else None
    plan = Plan(
        person=owner,
        team=team,
        current=current,
        upcoming=upcoming,
        can_plan=viewer.edits_objectives_of(person=owner, team=team)
        if (owner or team)
        else False,
    )
    if current is not None:
        plan.current_objectives = _owned(user, current, owner, team)
    if upcoming is not None:
        plan.upcoming_objectives = _owned(user, upcoming, owner, team)
        copied_ids = {o.copied_from_id for o in plan.upcoming_objectives if o.copied_from_id}
        for objective in plan.current_objectives:
            objective.copied_to_next = objective.pk in copied_ids  # type: ignore[attr-defined]
    return plan


def suggested_next_cycle(current: Cycle) -> dict[str, Any]:
    """Name and dates of the cycle after ``current`` (``actions.following_cycle_dates``)."""
    name, start, end = following_cycle_dates(current)
    return {"name": name, "start_date": start, "end_date": end, "kind": current.kind}
