"""Alignment proposals through the outbox: the people who decide what counts towards an
objective (``goals.access.objective_deciders``) are told of a proposed contribution, and the
proposer of the answer. Messages are queued once the action has committed and delivered by
the next ``lineofsight remind`` run, like every other notification; each is queued once (its
key names the link and the moment)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from lineofsight.goals.access import objective_deciders
from lineofsight.goals.models import AlignmentLink, Objective
from lineofsight.integrations import actions as outbox
from lineofsight.integrations import compose
from lineofsight.integrations.models import Notification
from lineofsight.people.models import Person


def _link(link: AlignmentLink) -> tuple[AlignmentLink, Objective]:
    fresh = AlignmentLink.objects.select_related(
        "child",
        "created_by",
        "decided_by",
        "parent_objective__owner_team",
        "parent_key_result__objective__owner_team",
    ).get(pk=link.pk)
    parent = fresh.parent_objective or fresh.parent_key_result.objective  # type: ignore[union-attr]
    return fresh, parent


def _outgoing(person: Person, key: str, message: compose.Message) -> outbox.Outgoing:
    return outbox.email(person, Notification.Kind.ALIGNMENT, key, message)


def _queue_after_commit(batch: list[outbox.Outgoing]) -> None:
    if batch:
        transaction.on_commit(
            lambda: outbox.queue_notifications(acting_user=None, messages=batch, run="alignment"),
            robust=True,
        )


def _url(objective: Objective, section: str) -> str:
    """The objective's page, at its "Aligns to" (parents-h) or "Aligned to this" (children-h)
    section."""
    return settings.SITE_URL + reverse("objective", args=[objective.pk]) + f"#{section}"


def proposed(sender: Any, link: AlignmentLink, **kwargs: Any) -> None:
    """To the parent's deciders (who may all see the child: the action checked)."""
    link, parent = _link(link)
    proposer = link.created_by.name if link.created_by else "Someone"
    batch = [
        _outgoing(
            person,
            f"alignment:{link.pk}:proposed",
            compose.alignment_proposed(
                name=person.name,
                proposer=proposer,
                child_title=link.child.title,
                parent_title=parent.title,
                weight=link.weight,
                url=_url(parent, "children-h"),
            ),
        )
        for person in Person.objects.filter(pk__in=objective_deciders(parent), is_active=True)
        if person.pk != link.created_by_id
    ]
    _queue_after_commit(batch)


def decided(sender: Any, link: AlignmentLink, **kwargs: Any) -> None:
    """To the proposer: accepted (with the weight) or declined (with the reason)."""
    link, parent = _link(link)
    proposer = link.created_by
    if proposer is None or not proposer.is_active or proposer.pk == link.decided_by_id:
        return
    message = compose.alignment_decided(
        name=proposer.name,
        decided_by=link.decided_by.name if link.decided_by else "An editor",
        child_title=link.child.title,
        parent_title=parent.title,
        accepted=link.state == AlignmentLink.State.ACCEPTED,
        weight=link.weight,
        reason=link.decision_reason,
        url=_url(link.child, "parents-h"),
    )
    _queue_after_commit([_outgoing(proposer, f"alignment:{link.pk}:{link.state}", message)])
