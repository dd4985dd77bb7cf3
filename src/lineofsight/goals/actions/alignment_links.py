"""Alignment links: aligning an objective to a parent objective or key result, changing a
link's kind or weight, removing it, and deciding on proposals. Links are ended, never deleted,
so past roll-ups stay reproducible; a contributing link refreshes the parent it feeds.

Nobody moves an objective they cannot edit: a contribution into a parent the person aligning
cannot edit (the parent objective, or the objective owning the parent key result) is a
*proposal*. It is shown on both sides but counts nowhere until one of the parent's editors
accepts it (keeping or setting its weight); they may decline it with a reason instead. The
parent's deciders (``goals.access.objective_deciders``) are told of a proposal and the
proposer of the answer (``goals.signals``, delivered through the outbox). A proposal's child
must be visible to those deciders, so proposing never shows them an objective the policy
hides from them. Links made by someone who can edit the parent, and "supports" links, which
count nowhere, are accepted at once.

The rules a link must obey (levels, loops, counting nothing twice) live in
``goals.alignment``; these actions check the access policy and the input, then apply them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit, tombstones
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals import rollup, scoring
from lineofsight.goals.access import GoalViewer, objective_deciders
from lineofsight.goals.actions._common import (
    TEXT_MAX,
    _choice,
    _closed_cycle_guard,
    _number,
    _viewer,
)
from lineofsight.goals.alignment import check_link
from lineofsight.goals.models import AlignmentLink, KeyResult, Objective
from lineofsight.goals.signals import alignment_decided, alignment_proposed
from lineofsight.people.models import Person

ACCEPTED = AlignmentLink.State.ACCEPTED
PENDING = AlignmentLink.State.PENDING
DECLINED = AlignmentLink.State.DECLINED


def _parent_visible(
    viewer: GoalViewer, parent_objective: Objective | None, parent_key_result: KeyResult | None
) -> bool:
    target = parent_objective.pk if parent_objective else parent_key_result.objective_id  # type: ignore[union-attr]
    return Objective.objects.filter(viewer.objective_filter()).filter(pk=target).exists()


def _parent_of(
    parent_objective: Objective | None, parent_key_result: KeyResult | None
) -> Objective:
    """The objective a link points into (the parent, or the parent key result's objective)."""
    if parent_objective is not None:
        return parent_objective
    assert parent_key_result is not None
    return Objective.objects.select_related("owner_person", "owner_team__lead").get(
        pk=parent_key_result.objective_id
    )


def _state_for(viewer: GoalViewer, kind: str, parent: Objective) -> str:
    """A contribution by someone who cannot edit the parent is a proposal; the rest count
    (or, supporting, are shown) at once."""
    if kind == scoring.LinkKind.CONTRIBUTES and not viewer.can_edit_objective(parent):
        return PENDING
    return ACCEPTED


def _proposal_problem(child: Objective, parent: Objective) -> str | None:
    """Why the parent's deciders cannot be asked: one of them may not see the child."""
    deciders = objective_deciders(parent)
    if not deciders:
        return f"{parent.title!r} has nobody to decide on proposals (its team has no lead)."
    for person in Person.objects.filter(pk__in=deciders, is_active=True):
        visible = Objective.objects.filter(GoalViewer.of(person).objective_filter(), pk=child.pk)
        if not visible.exists():
            return (
                f"{person.name}, who decides what counts towards {parent.title!r}, may not "
                f"see {child.title!r}. Make it visible to them (for example to everyone) "
                "before proposing it, or align it as 'supports'."
            )
    return None


def _create_link(
    *,
    acting_user: Person,
    child: Objective,
    parent_objective: Objective | None,
    parent_key_result: KeyResult | None,
    kind: str,
    weight: float,
    now: dt.datetime,
    amendment: str,
    state: str = ACCEPTED,
) -> AlignmentLink:
    accepted = state == ACCEPTED
    link = AlignmentLink.objects.create(
        child=child,
        parent_objective=parent_objective,
        parent_key_result=parent_key_result,
        target_id=(
            parent_objective.pk if parent_objective else parent_key_result.objective_id  # type: ignore[union-attr]
        ),
        kind=kind,
        weight=weight,
        state=state,
        created_at=now,
        created_by=acting_user,
        decided_at=now if accepted else None,
        decided_by=acting_user if accepted else None,
    )
    audit.record(
        actor=acting_user,
        action="alignment.create" if accepted else "alignment.propose",
        subject=link,
        data={
            "child": child.pk,
            "parent_objective": parent_objective and parent_objective.pk,
            "parent_key_result": parent_key_result and parent_key_result.pk,
            "kind": kind,
            "weight": weight,
            "state": state,
        },
        amendment_reason=amendment,
    )
    if not accepted:
        alignment_proposed.send(sender=AlignmentLink, link=link)
    return link


def _end_link(
    *, acting_user: Person, link: AlignmentLink, reason: str, now: dt.datetime, amendment: str
) -> None:
    link.ended_at = now
    link.ended_by = acting_user
    link.end_reason = reason.strip()[:TEXT_MAX]
    link.save(update_fields=["ended_at", "ended_by", "end_reason", "updated_at"])
    tombstones.record(
        kind=tombstones.ALIGNMENT_LINK,
        object_id=link.pk,
        event=tombstones.ENDED,
        objective_id=link.child_id,
    )
    audit.record(
        actor=acting_user,
        action="alignment.end",
        subject=link,
        data={"reason": link.end_reason},
        amendment_reason=amendment,
    )


def _refresh_parent(link: AlignmentLink, now: dt.datetime) -> None:
    """Recompute the parent a contributing link feeds (after it started or ended)."""
    if link.parent_key_result_id:
        rollup.propagate([("key_result", link.parent_key_result_id)], now=now)
    elif link.parent_objective_id:
        rollup.propagate([("objective", link.parent_objective_id)], now=now)


@transaction.atomic
def align_objective(
    *,
    acting_user: Person,
    child: Objective,
    parent_objective: Objective | None = None,
    parent_key_result: KeyResult | None = None,
    kind: str = scoring.LinkKind.CONTRIBUTES,
    weight: Any = 1.0,
    amendment_reason: str = "",
    at: dt.datetime | None = None,
) -> AlignmentLink:
    """Align ``child`` to a parent objective or key result at its level or above."""
    viewer = _viewer(acting_user)
    child = (
        Objective.objects.select_for_update(of=("self",)).select_related("cycle").get(pk=child.pk)
    )
    if not viewer.can_edit_objective(child):
        raise NotAllowed("You cannot change this objective's alignment.")
    amendment = _closed_cycle_guard(viewer, child.cycle, amendment_reason)
    errors: dict[str, str] = {}
    _choice(errors, "kind", kind, AlignmentLink.Kind.values)
    w = _number(errors, "weight", weight, positive=True)
    if "weight" not in errors and w is None:
        errors["weight"] = "Enter a weight greater than zero."
    if parent_objective is None and parent_key_result is None:
        errors["parent"] = "Choose the objective or key result this aligns to."
    elif not _parent_visible(viewer, parent_objective, parent_key_result):
        field = "parent_objective" if parent_objective else "parent_key_result"
        errors[field] = "No such objective or key result."
    if errors:
        raise InvalidInput(errors)
    errors = check_link(
        child=child,
        parent_objective=parent_objective,
        parent_key_result=parent_key_result,
        kind=kind,
    )
    if errors:
        raise InvalidInput(errors)
    assert w is not None
    parent = _parent_of(parent_objective, parent_key_result)
    state = _state_for(viewer, kind, parent)
    if state == PENDING:
        problem = _proposal_problem(child, parent)
        if problem:
            field = "parent_objective" if parent_objective else "parent_key_result"
            raise InvalidInput.one(field, problem)
    now = at or timezone.now()
    link = _create_link(
        acting_user=acting_user,
        child=child,
        parent_objective=parent_objective,
        parent_key_result=parent_key_result,
        kind=kind,
        weight=w,
        now=now,
        amendment=amendment,
        state=state,
    )
    if link.counts:
        _refresh_parent(link, now)
    return link


def _can_change_link(viewer: GoalViewer, link: AlignmentLink) -> bool:
    if viewer.can_edit_objective(link.child):
        return True
    parent = link.parent_objective or link.parent_key_result.objective  # type: ignore[union-attr]
    return viewer.can_edit_objective(parent)


@transaction.atomic
def end_alignment(
    *, acting_user: Person, link: AlignmentLink, reason: str = "", amendment_reason: str = ""
) -> AlignmentLink:
    """Remove a link. It is ended, not deleted, so past roll-ups stay reproducible."""
    viewer = _viewer(acting_user)
    link = (
        AlignmentLink.objects.select_for_update(of=("self",))
        .select_related("child__cycle")
        .get(pk=link.pk)
    )
    if not _can_change_link(viewer, link):
        raise NotAllowed("You cannot change this alignment.")
    if link.ended_at is not None:
        raise InvalidInput.one("link", "This alignment was already removed.")
    amendment = _closed_cycle_guard(viewer, link.child.cycle, amendment_reason)
    now = timezone.now()
    counted = link.counts
    _end_link(acting_user=acting_user, link=link, reason=reason, now=now, amendment=amendment)
    if counted:
        _refresh_parent(link, now)
    return link


@transaction.atomic
def change_alignment(
    *,
    acting_user: Person,
    link: AlignmentLink,
    kind: str | None = None,
    weight: Any = None,
    reason: str = "",
    amendment_reason: str = "",
) -> AlignmentLink:
    """Change a link's kind or weight: the old link ends and a new one starts at once."""
    viewer = _viewer(acting_user)
    link = (
        AlignmentLink.objects.select_for_update(of=("self",))
        .select_related("child__cycle", "parent_objective", "parent_key_result__objective")
        .get(pk=link.pk)
    )
    if not _can_change_link(viewer, link):
        raise NotAllowed("You cannot change this alignment.")
    if link.ended_at is not None:
        raise InvalidInput.one("link", "This alignment was removed; create a new one.")
    amendment = _closed_cycle_guard(viewer, link.child.cycle, amendment_reason)
    new_kind = kind or link.kind
    errors: dict[str, str] = {}
    _choice(errors, "kind", new_kind, AlignmentLink.Kind.values)
    new_weight = (
        link.weight if weight in (None, "") else _number(errors, "weight", weight, positive=True)
    )
    if errors:
        raise InvalidInput(errors)
    assert new_weight is not None
    if new_kind == link.kind and new_weight == link.weight:
        return link
    parent = _parent_of(link.parent_objective, link.parent_key_result)
    state = _state_for(viewer, new_kind, parent)
    if state == PENDING:
        problem = _proposal_problem(link.child, parent)
        if problem:
            raise InvalidInput.one("kind", problem)
    errors = check_link(
        child=link.child,
        parent_objective=link.parent_objective,
        parent_key_result=link.parent_key_result,
        kind=new_kind,
        ignore_link_id=link.pk,
    )
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    _end_link(
        acting_user=acting_user,
        link=link,
        reason=reason or "Changed kind or weight",
        now=now,
        amendment=amendment,
    )
    new_link = _create_link(
        acting_user=acting_user,
        child=link.child,
        parent_objective=link.parent_objective,
        parent_key_result=link.parent_key_result,
        kind=new_kind,
        weight=new_weight,
        now=now,
        amendment=amendment,
        state=state,
    )
    _refresh_parent(new_link, now)
    return new_link


def _pending_for_decision(viewer: GoalViewer, link: AlignmentLink) -> AlignmentLink:
    link = (
        AlignmentLink.objects.select_for_update(of=("self",))
        .select_related(
            "child__cycle",
            "created_by",
            "parent_objective__owner_person",
            "parent_objective__owner_team__lead",
            "parent_key_result",
        )
        .get(pk=link.pk)
    )
    parent = _parent_of(link.parent_objective, link.parent_key_result)
    if not viewer.can_edit_objective(parent):
        raise NotAllowed("Only those who may edit the parent objective decide on a proposal.")
    if link.ended_at is not None or link.state != PENDING:
        raise InvalidInput.one("link", "This proposal was already decided or withdrawn.")
    return link


@transaction.atomic
def accept_alignment(
    *,
    acting_user: Person,
    link: AlignmentLink,
    weight: Any = None,
    amendment_reason: str = "",
    at: dt.datetime | None = None,
) -> AlignmentLink:
    """Accept a proposed contribution, keeping its weight or setting another: from now on (or
    ``at``) it counts in the parent's progress. Its proposer is told."""
    viewer = _viewer(acting_user)
    link = _pending_for_decision(viewer, link)
    amendment = _closed_cycle_guard(viewer, link.child.cycle, amendment_reason)
    errors: dict[str, str] = {}
    new_weight = (
        link.weight if weight in (None, "") else _number(errors, "weight", weight, positive=True)
    )
    if errors:
        raise InvalidInput(errors)
    assert new_weight is not None
    # The cascade may have changed since it was proposed: the rules apply again now.
    errors = check_link(
        child=link.child,
        parent_objective=link.parent_objective,
        parent_key_result=link.parent_key_result,
        kind=link.kind,
        ignore_link_id=link.pk,
    )
    if errors:
        raise InvalidInput(errors)
    now = at or timezone.now()
    proposed = link.weight
    link.state = ACCEPTED
    link.weight = new_weight
    link.decided_at = now
    link.decided_by = acting_user
    link.save(update_fields=["state", "weight", "decided_at", "decided_by", "updated_at"])
    audit.record(
        actor=acting_user,
        action="alignment.accept",
        subject=link,
        data={"proposed_weight": proposed, "weight": new_weight},
        amendment_reason=amendment,
    )
    alignment_decided.send(sender=AlignmentLink, link=link)
    _refresh_parent(link, now)
    return link


@transaction.atomic
def decline_alignment(
    *, acting_user: Person, link: AlignmentLink, reason: str, amendment_reason: str = ""
) -> AlignmentLink:
    """Decline a proposed contribution, saying why: it ends and never counted. Its proposer
    is told, with the reason."""
    viewer = _viewer(acting_user)
    link = _pending_for_decision(viewer, link)
    amendment = _closed_cycle_guard(viewer, link.child.cycle, amendment_reason)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.one("reason", "Say why it does not count towards this objective.")
    if len(reason) > TEXT_MAX:
        raise InvalidInput.one("reason", f"Keep it under {TEXT_MAX} characters.")
    now = timezone.now()
    link.state = DECLINED
    link.decided_at = now
    link.decided_by = acting_user
    link.decision_reason = reason
    link.ended_at = now
    link.ended_by = acting_user
    link.end_reason = reason
    link.save(
        update_fields=[
            "state",
            "decided_at",
            "decided_by",
            "decision_reason",
            "ended_at",
            "ended_by",
            "end_reason",
            "updated_at",
        ]
    )
    tombstones.record(
        kind=tombstones.ALIGNMENT_LINK,
        object_id=link.pk,
        event=tombstones.ENDED,
        objective_id=link.child_id,
    )
    audit.record(
        actor=acting_user,
        action="alignment.decline",
        subject=link,
        data={"reason": reason},
        amendment_reason=amendment,
    )
    alignment_decided.send(sender=AlignmentLink, link=link)
    return link
