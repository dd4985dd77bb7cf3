"""Recognition notifications through the outbox, queued once the action has committed (the
same path as the review notifications): the next delivery run (``lineofsight remind``
delivers whatever is pending) sends them, so an action never waits for a mail server."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from lineofsight.integrations import actions as outbox
from lineofsight.integrations.compose import Message
from lineofsight.integrations.models import Notification
from lineofsight.integrations.recognition import messages
from lineofsight.integrations.reviews.notify import on_commit
from lineofsight.people.models import Person
from lineofsight.reviews.models import Kudos, SpotBonusNomination


def _url(name: str, *args: object) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _outgoing(person: Person, key: str, message: Message) -> outbox.Outgoing:
    return outbox.email(person, Notification.Kind.REVIEW, key, message)


def kudos_given(kudos_id: int) -> None:
    """To the person who received the kudos."""
    kudos = Kudos.objects.select_related("author", "recipient").get(pk=kudos_id)
    message = messages.kudos_received(
        name=kudos.recipient.name,
        author=kudos.author.name,
        message=kudos.message,
        url=_url("person-kudos", kudos.recipient_id),
    )
    on_commit([_outgoing(kudos.recipient, f"kudos:{kudos.pk}", message)])


def nomination_decided(nomination_id: int) -> None:
    """To the nominator (never to the nominee)."""
    nomination = SpotBonusNomination.objects.select_related(
        "nominator", "nominee", "decided_by"
    ).get(pk=nomination_id)
    message = messages.nomination_decided(
        name=nomination.nominator.name,
        nominee=nomination.nominee.name,
        decision=nomination.get_state_display().lower(),
        decided_by=nomination.decided_by.name if nomination.decided_by else "HR",
        note=nomination.decision_note,
        url=_url("spot-bonus-nomination", nomination.pk),
    )
    on_commit([_outgoing(nomination.nominator, f"spot-bonus:{nomination.pk}:decided", message)])
