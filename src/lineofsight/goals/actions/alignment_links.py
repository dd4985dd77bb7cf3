"""Alignment links: aligning an objective to a parent objective or key result, changing a
link's kind or weight, and removing it. Links are ended, never deleted, so past roll-ups stay
reproducible; a contributing link refreshes the parent it feeds.

The rules a link must obey (levels, loops, counting nothing twice) live in
``goals.alignment``; these actions check the access policy and the input, then apply them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.access import Viewer
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals import rollup, scoring
from lineofsight.goals.actions._common import (
    TEXT_MAX,
    _choice,
    _closed_cycle_guard,
    _number,
    _viewer,
)
from lineofsight.goals.alignment import check_link
from lineofsight.goals.models import AlignmentLink, KeyResult, Objective
from lineofsight.people.models import Person


def _parent_visible(
    viewer: Viewer, parent_objective: Objective | None, parent_key_result: KeyResult | None
) -> bool:
    target = parent_objective.pk if parent_objective else parent_key_result.objective_id  # type: ignore[union-attr]
    return Objective.objects.filter(viewer.objective_filter()).filter(pk=target).exists()


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
) -> AlignmentLink:
    link = AlignmentLink.objects.create(
        child=child,
        parent_objective=parent_objective,
        parent_key_result=parent_key_result,
        target_id=(
            parent_objective.pk if parent_objective else parent_key_result.objective_id  # type: ignore[union-attr]
        ),
        kind=kind,
        weight=weight,
        created_at=now,
        created_by=acting_user,
    )
    audit.record(
        actor=acting_user,
        action="alignment.create",
        subject=link,
        data={
            "child": child.pk,
            "parent_objective": parent_objective and parent_objective.pk,
            "parent_key_result": parent_key_result and parent_key_result.pk,
            "kind": kind,
            "weight": weight,
        },
        amendment_reason=amendment,
    )
    return link


def _end_link(
    *, acting_user: Person, link: AlignmentLink, reason: str, now: dt.datetime, amendment: str
) -> None:
    link.ended_at = now
    link.ended_by = acting_user
    link.end_reason = reason.strip()[:TEXT_MAX]
    link.save(update_fields=["ended_at", "ended_by", "end_reason"])
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
    )
    if kind == scoring.LinkKind.CONTRIBUTES:
        _refresh_parent(link, now)
    return link


def _can_change_link(viewer: Viewer, link: AlignmentLink) -> bool:
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
    _end_link(acting_user=acting_user, link=link, reason=reason, now=now, amendment=amendment)
    if link.kind == scoring.LinkKind.CONTRIBUTES:
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
    )
    _refresh_parent(new_link, now)
    return new_link
