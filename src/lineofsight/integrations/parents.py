"""A parent objective revised or abandoned: the owners of the objectives aligned to it (the
person, or the owning team's lead) are told, with the reason, in their inbox and by email as
they chose. Only those who may see the parent are told; each message is queued once (its key
names the objective and its revision)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from lineofsight.goals.audiences import people_who_see
from lineofsight.goals.models import AlignmentLink, Objective
from lineofsight.integrations import actions as outbox
from lineofsight.integrations import compose
from lineofsight.integrations.models import Notification
from lineofsight.people.models import Person


def _owners(parent: Objective) -> dict[int, list[str]]:
    """Per owner of an objective aligned to ``parent`` (accepted links), its titles."""
    links = (
        AlignmentLink.objects.filter(state=AlignmentLink.State.ACCEPTED)
        .filter(parent_objective=parent)
        .select_related("child__owner_team")
    ) | (
        AlignmentLink.objects.filter(state=AlignmentLink.State.ACCEPTED)
        .filter(parent_key_result__objective=parent)
        .select_related("child__owner_team")
    )
    out: dict[int, list[str]] = defaultdict(list)
    for link in links:
        child = link.child
        owner = child.owner_person_id or (child.owner_team.lead_id if child.owner_team else None)
        if owner is not None and child.title not in out[owner]:
            out[owner].append(child.title)
    return out


def _batch(objective_id: int, by_id: int | None, reason: str, abandoned: bool, key: str) -> list:
    parent = Objective.objects.get(pk=objective_id)
    owners = _owners(parent)
    by = Person.objects.filter(pk=by_id).first() if by_id else None
    path = reverse("objective", args=[parent.pk])
    batch = []
    told = Person.objects.filter(pk__in=owners, is_active=True)
    if by_id:
        told = told.exclude(pk=by_id)
    for person in people_who_see(parent.pk, told):
        message = compose.parent_changed(
            name=person.name,
            changed_by=by.name if by else "Someone",
            parent_title=parent.title,
            child_titles=owners[person.pk],
            abandoned=abandoned,
            reason=reason,
            url=settings.SITE_URL + path,
        )
        batch.append(outbox.email(person, Notification.Kind.PARENT, key, message, path))
    return batch


def changed(
    sender: Any,
    objective: Objective,
    by: Person | None,
    reason: str,
    abandoned: bool,
    revision: int,
    **kwargs: Any,
) -> None:
    key = f"parent:{objective.pk}:{revision}"
    objective_id, by_id = objective.pk, by.pk if by else None

    def run() -> None:
        batch = _batch(objective_id, by_id, reason, abandoned, key)
        if batch:
            outbox.queue_notifications(acting_user=None, messages=batch, run="parent")

    transaction.on_commit(run, robust=True)
