"""Writing OKRs together, through the outbox: the approver is told of a draft proposed to
them, the author of the answer (approved, or changes asked with the reason), and the people a
draft is shared with that they may comment on it. Each message goes only to people who may
see the draft (``goals.audiences.people_who_see``), once the action has committed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from lineofsight.goals.audiences import people_who_see
from lineofsight.goals.models import ApprovalEvent, DraftReader, Objective
from lineofsight.integrations import actions as outbox
from lineofsight.integrations.compose import Message
from lineofsight.integrations.models import Notification
from lineofsight.people.models import Person


def _message(event: ApprovalEvent, objective: Objective, name: str, url: str) -> Message:
    by = event.actor.name if event.actor else "Someone"
    title = f"\u201c{objective.title}\u201d"
    kind = event.kind
    if kind == ApprovalEvent.Kind.PROPOSED:
        subject = f"{by} proposes {title} for your approval"
        lines = [f"{by} proposes the draft objective {title} and asks you to approve it."]
        if event.note:
            lines.append(f"Their note: {event.note}")
        lines.append(f"Approve it, or ask for changes with a reason: {url}")
    elif kind == ApprovalEvent.Kind.APPROVED:
        subject = f"{by} approved {title}"
        lines = [f"{by} approved {title}: it is active and counts from now on.", url]
    elif kind == ApprovalEvent.Kind.CHANGES:
        subject = f"{by} asks for changes to {title}"
        lines = [f"{by} asks for changes before approving {title}:", event.note, "",
                 f"Change the draft and propose it again: {url}"]  # fmt: skip
    else:
        subject = f"{by} shared the draft {title} with you"
        lines = [f"{by} shared the draft objective {title} with you for comment.",
                 f"Read it and say what you think in its discussion: {url}"]  # fmt: skip
    return Message(subject, "\n".join([f"Hello {name},", "", *lines]))


def _recipients(event: ApprovalEvent, objective: Objective) -> list[int]:
    if event.kind == ApprovalEvent.Kind.PROPOSED:
        return [event.approver_id] if event.approver_id else []
    if event.kind in (ApprovalEvent.Kind.APPROVED, ApprovalEvent.Kind.CHANGES):
        proposal = (
            ApprovalEvent.objects.filter(objective=objective, kind=ApprovalEvent.Kind.PROPOSED)
            .order_by("-at", "-pk")
            .first()
        )
        author = proposal.actor_id if proposal is not None else objective.created_by_id
        return [author] if author else []
    if event.kind == ApprovalEvent.Kind.SHARED and objective.draft_sharing == "people":
        return list(
            DraftReader.objects.filter(objective=objective).values_list("person_id", flat=True)
        )
    return []


def approval_event(sender: Any, objective: Objective, event: ApprovalEvent, **kwargs: Any) -> None:
    objective_id, event_id = objective.pk, event.pk

    def run() -> None:
        fresh = Objective.objects.get(pk=objective_id)
        happened = ApprovalEvent.objects.select_related("actor").get(pk=event_id)
        wanted = [pk for pk in _recipients(happened, fresh) if pk != happened.actor_id]
        if not wanted:
            return
        path = reverse("objective", args=[fresh.pk])
        people = Person.objects.filter(pk__in=wanted, is_active=True).order_by("pk")
        batch = []
        for person in people_who_see(fresh.pk, people):
            key = (
                f"draft:{fresh.pk}:shared:{person.pk}"
                if happened.kind == ApprovalEvent.Kind.SHARED
                else f"draft:{fresh.pk}:{happened.kind}:{happened.pk}"
            )
            message = _message(happened, fresh, person.name, settings.SITE_URL + path)
            batch.append(outbox.email(person, Notification.Kind.APPROVAL, key, message, path))
        if batch:
            outbox.queue_notifications(acting_user=None, messages=batch, run="approval")

    transaction.on_commit(run, robust=True)
