"""Objectives: creating one for a person or a team, and changing its definition. Every
definition is kept as a numbered revision, so the history shows what the objective said when.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals import rollup, scoring
from lineofsight.goals.access import GoalViewer
from lineofsight.goals.actions._common import (
    TEXT_MAX,
    TITLE_MAX,
    _choice,
    _closed_cycle_guard,
    _text,
    _viewer,
)
from lineofsight.goals.actions.approval import approval_problem
from lineofsight.goals.models import (
    AlignmentLink,
    ApprovalState,
    CheckIn,
    Cycle,
    Objective,
    ObjectiveRevision,
)
from lineofsight.goals.signals import objective_changed, objective_created
from lineofsight.people.models import Person, Team

OBJECTIVE_DEFINITION_FIELDS = (
    "title",
    "description",
    "state",
    "commitment",
    "visibility",
    "progress_mode",
    "rationale",
)
# Changing what the objective aims at or how it is scored, once its key results have
# check-ins, is a revision mid-cycle: it needs a reason, kept with the previous version.
REVISION_NEEDS_REASON = ("title", "description", "commitment", "progress_mode")
# Changes the owners of aligned objectives are told about (``goals.signals.objective_changed``).
PARENT_NEWS_FIELDS = frozenset({"title", "description", "commitment", "state"})


def _write_objective_revision(
    objective: Objective, *, author: Person | None, reason: str, at: dt.datetime
) -> ObjectiveRevision:
    number = (
        objective.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    return ObjectiveRevision.objects.create(
        objective=objective,
        number=number,
        author=author,
        reason=reason,
        valid_from=at,
        **{f: getattr(objective, f) for f in OBJECTIVE_DEFINITION_FIELDS},
    )


LEVEL_REFUSALS = {
    Objective.Level.COMPANY: "Company objectives are set by executives and HR.",
    Objective.Level.TEAM: "Team objectives are set by the people who lead a team, "
    "executives and HR.",
    Objective.Level.INDIVIDUAL: "You cannot set objectives.",
}


def level_problem(viewer: GoalViewer, level: str) -> str | None:
    """Why this person may not set an objective at ``level`` (``GoalViewer.objective_levels``),
    with the levels they may use; None when they may."""
    allowed = viewer.objective_levels()
    if level in allowed or level not in Objective.Level.values:
        return None
    if not allowed:
        return LEVEL_REFUSALS[Objective.Level.INDIVIDUAL]
    names = " or ".join(Objective.Level(lvl).label.lower() for lvl in allowed)
    return f"{LEVEL_REFUSALS[Objective.Level(level)]} Choose {names}."


def _validate_objective_fields(
    errors: dict[str, str],
    *,
    level: str,
    owner_person: Person | None,
    owner_team: Team | None,
    visibility: str,
    state: str,
    commitment: str,
    progress_mode: str,
) -> None:
    _choice(errors, "level", level, Objective.Level.values)
    _choice(errors, "visibility", visibility, Objective.Visibility.values)
    _choice(errors, "state", state, Objective.State.values)
    _choice(errors, "commitment", commitment, Objective.Commitment.values)
    _choice(errors, "progress_mode", progress_mode, Objective.ProgressMode.values)
    if (owner_person is None) == (owner_team is None):
        errors["owner"] = "Choose one owner: a person or a team."
    elif level == Objective.Level.INDIVIDUAL and owner_person is None:
        errors["owner"] = "An individual objective is owned by a person."
    elif owner_person is not None and not owner_person.is_active:
        errors["owner"] = f"{owner_person.name} is no longer active."


@transaction.atomic
def create_objective(
    *,
    acting_user: Person,
    title: str,
    level: str,
    cycle: Cycle,
    owner_person: Person | None = None,
    owner_team: Team | None = None,
    description: str = "",
    visibility: str = Objective.Visibility.PUBLIC,
    state: str = Objective.State.ACTIVE,
    commitment: str = Objective.Commitment.ASPIRATIONAL,
    rationale: str = "",
    progress_mode: str = scoring.ProgressMode.KEY_RESULTS,
    is_development: bool = False,
    amendment_reason: str = "",
    at: dt.datetime | None = None,
) -> Objective:
    viewer = _viewer(acting_user)
    errors: dict[str, str] = {}
    if is_development and level != Objective.Level.INDIVIDUAL:
        errors["is_development"] = DEVELOPMENT_INDIVIDUAL
    title = _text(errors, "title", title, required=True, limit=TITLE_MAX)
    description = _text(errors, "description", description, required=False, limit=TEXT_MAX)
    rationale = _text(errors, "rationale", rationale, required=False, limit=TEXT_MAX)
    _validate_objective_fields(
        errors,
        level=level,
        owner_person=owner_person,
        owner_team=owner_team,
        visibility=visibility,
        state=state,
        commitment=commitment,
        progress_mode=progress_mode,
    )
    if state in (Objective.State.CLOSED, Objective.State.ABANDONED):
        errors["state"] = "A new objective starts as a draft or active."
    problem = level_problem(viewer, level)
    if problem:
        errors["level"] = problem
    if errors:
        raise InvalidInput(errors)
    if not viewer.may_set_objective(level=level, owner_person=owner_person, owner_team=owner_team):
        raise NotAllowed("You cannot set objectives for that owner.")
    if state == Objective.State.ACTIVE:
        waiting = approval_problem(
            viewer,
            level=level,
            owner_person=owner_person,
            owner_team=owner_team,
            author=acting_user,
        )
        if waiting:
            raise InvalidInput.one("state", waiting)
    reason = _closed_cycle_guard(viewer, cycle, amendment_reason)
    now = at or timezone.now()
    objective = Objective.objects.create(
        title=title,
        description=description,
        level=level,
        cycle=cycle,
        owner_person=owner_person,
        owner_team=owner_team,
        visibility=visibility,
        state=state,
        commitment=commitment,
        rationale=rationale,
        progress_mode=progress_mode,
        is_development=bool(is_development),
        created_by=acting_user,
        created_at=now,
        updated_at=now,
        progress_updated_at=now,
    )
    _write_objective_revision(objective, author=acting_user, reason="Created", at=now)
    audit.record(
        actor=acting_user,
        action="objective.create",
        subject=objective,
        data={"title": title, "cycle": cycle.pk, "is_development": bool(is_development)},
        amendment_reason=reason,
    )
    objective_created.send(sender=Objective, objective=objective, by=acting_user)
    return objective


@transaction.atomic
def update_objective(
    *,
    acting_user: Person,
    objective: Objective,
    reason: str = "",
    amendment_reason: str = "",
    owner_person: Person | None = None,
    owner_team: Team | None = None,
    is_development: bool | None = None,
    **changes: Any,
) -> Objective:
    """Change an objective's definition, keeping the previous one as a revision.

    ``changes`` may hold any of: title, description, state, commitment, visibility,
    progress_mode, rationale. Passing an owner replaces the current owner; ``is_development``
    marks it as a development goal (or not).
    """
    viewer = _viewer(acting_user)
    unknown = set(changes) - set(OBJECTIVE_DEFINITION_FIELDS)
    if unknown:
        raise InvalidInput({f: "This field cannot be changed here." for f in sorted(unknown)})
    objective = Objective.objects.select_for_update(of=("self",)).get(pk=objective.pk)
    if not viewer.can_edit_objective(objective):
        raise NotAllowed("You cannot edit this objective.")
    amendment = _closed_cycle_guard(viewer, objective.cycle, amendment_reason)
    errors: dict[str, str] = {}
    if "title" in changes:
        changes["title"] = _text(errors, "title", changes["title"], required=True, limit=TITLE_MAX)
    for field in ("description", "rationale"):
        if field in changes:
            changes[field] = _text(errors, field, changes[field], required=False, limit=TEXT_MAX)
    new_person = owner_person if (owner_person or owner_team) else objective.owner_person
    new_team = owner_team if (owner_person or owner_team) else objective.owner_team
    _validate_objective_fields(
        errors,
        level=objective.level,
        owner_person=new_person,
        owner_team=new_team,
        visibility=changes.get("visibility", objective.visibility),
        state=changes.get("state", objective.state),
        commitment=changes.get("commitment", objective.commitment),
        progress_mode=changes.get("progress_mode", objective.progress_mode),
    )
    if is_development and not objective.is_development:
        errors.update(development_errors(objective))
    if changes.get("state") == Objective.State.ABANDONED and not reason.strip():
        errors["reason"] = "Say why the objective is abandoned; the reason stays in its history."
    elif (
        not reason.strip()
        and any(f in changes and changes[f] != getattr(objective, f) for f in REVISION_NEEDS_REASON)
        and CheckIn.objects.filter(key_result__objective=objective).exists()
    ):
        errors["reason"] = (
            "This objective has check-ins; say why its definition changes (the previous "
            "version stays in its history)."
        )
    if (
        objective.state == Objective.State.DRAFT
        and changes.get("state") == Objective.State.ACTIVE
        and "state" not in errors
    ):
        waiting = approval_problem(
            viewer,
            level=objective.level,
            owner_person=new_person,
            owner_team=new_team,
            author=acting_user,
            designated=objective.approver_id
            if objective.approval_state == ApprovalState.PROPOSED
            else None,
        )
        if waiting:
            errors["state"] = waiting
    if errors:
        raise InvalidInput(errors)
    if (owner_person or owner_team) and not viewer.may_set_objective(
        level=objective.level, owner_person=new_person, owner_team=new_team
    ):
        raise NotAllowed("You cannot hand this objective to that owner.")

    before = {f: getattr(objective, f) for f in OBJECTIVE_DEFINITION_FIELDS}
    for field, value in changes.items():
        setattr(objective, field, value)
    objective.owner_person = new_person
    objective.owner_team = new_team
    after = {f: getattr(objective, f) for f in OBJECTIVE_DEFINITION_FIELDS}
    diff = {f: [before[f], after[f]] for f in OBJECTIVE_DEFINITION_FIELDS if before[f] != after[f]}
    if is_development is not None and bool(is_development) != objective.is_development:
        diff["is_development"] = [objective.is_development, bool(is_development)]
        objective.is_development = bool(is_development)
    now = timezone.now()
    objective.updated_at = now
    objective.save()
    revision = None
    if diff or owner_person or owner_team:
        revision = _write_objective_revision(
            objective, author=acting_user, reason=reason.strip(), at=now
        )
    audit.record(
        actor=acting_user,
        action="objective.update",
        subject=objective,
        data={"changes": diff, "reason": reason.strip()},
        amendment_reason=amendment,
    )
    if {"progress_mode", "state"} & set(diff):
        rollup.propagate_from_objectives([objective.pk], now=now)
        # A state change also changes whether this objective counts in its parents.
        _propagate_parents_of(objective.pk, now)
    if revision is not None and set(diff) & PARENT_NEWS_FIELDS:
        objective_changed.send(
            sender=Objective,
            objective=objective,
            by=acting_user,
            reason=reason.strip(),
            abandoned=objective.state == Objective.State.ABANDONED,
            revision=revision.number,
        )
    return objective


DEVELOPMENT_INDIVIDUAL = "Only an individual objective can be a development goal."


def development_errors(objective: Objective) -> dict[str, str]:
    """Why this objective may not become a development goal (empty when it may)."""
    if objective.level != Objective.Level.INDIVIDUAL:
        return {"is_development": DEVELOPMENT_INDIVIDUAL}
    counted = (
        AlignmentLink.objects.live()
        .filter(child=objective, kind=AlignmentLink.Kind.CONTRIBUTES)
        .exists()
    )
    if counted:
        return {
            "is_development": "It counts towards another objective; align it as 'supports' "
            "(or end that alignment) before making it a development goal."
        }
    return {}


def _propagate_parents_of(objective_id: int, now: dt.datetime) -> None:
    rollup.propagate(rollup.parents_of(objective_id), now=now)
