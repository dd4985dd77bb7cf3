"""Review notifications through the integrations outbox, queued once the action has
committed.

Each message becomes an outbox row (kind "review") under a key naming what it is about, so it
is never queued twice. Like check-in reminders, the rows are delivered by ``lineofsight
remind`` (every few minutes under cron or ``--loop``), which sends whatever is pending in the
outbox and retries failures: an action never waits for a mail server, and launching a cycle
of thousands queues its messages in a few batched writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from lineofsight.integrations import actions as outbox
from lineofsight.integrations.compose import Message
from lineofsight.integrations.models import Notification
from lineofsight.integrations.reviews import messages
from lineofsight.people.models import Person
from lineofsight.reviews.models import Feedback, Review

KIND = Notification.Kind.REVIEW


def _url(name: str, *args: object) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _outgoing(person: Person, key: str, message: Message) -> outbox.Outgoing:
    return outbox.email(person, KIND, key, message)


def _send(batch: Sequence[outbox.Outgoing], *, deliver: bool) -> None:
    fresh = outbox.queue_notifications(acting_user=None, messages=batch, run="reviews")
    if not deliver or not fresh:
        return
    from lineofsight.integrations.delivery import deliver_notification

    wanted = Q(pk__in=[])
    for m in fresh:
        wanted |= Q(recipient_id=m.recipient_id, channel=m.channel, dedupe_key=m.dedupe_key)
    for pk, attempts in Notification.objects.filter(wanted).values_list("pk", "attempts"):
        deliver_notification.enqueue(pk, attempts)


def on_commit(batch: Iterable[outbox.Outgoing], *, deliver: bool = False) -> None:
    """Queue the messages once the caller's transaction commits (``deliver``: and hand them
    to the delivery task at once instead of waiting for the next run). A failure there is
    logged; it never undoes what the action did."""
    items = list(batch)
    if items:
        transaction.on_commit(lambda: _send(items, deliver=deliver), robust=True)


# -- the three moments ---------------------------------------------------------------------


def self_reviews_opened(review_cycle_id: int) -> None:
    """After launch: "your self review is open" to everyone in the review cycle."""
    rows = (
        Feedback.objects.filter(review__review_cycle_id=review_cycle_id, kind=Feedback.Kind.SELF)
        .select_related("author", "review__review_cycle")
        .order_by("pk")
    )
    batch = []
    for fb in rows:
        cycle = fb.review.review_cycle
        message = messages.self_review_open(
            name=fb.author.name,
            cycle=cycle.name,
            due=cycle.self_review_due,
            url=_url("review-feedback", fb.pk),
        )
        batch.append(_outgoing(fb.author, f"review:self-open:{fb.review_id}", message))
    on_commit(batch)


def feedback_opened(feedback: Sequence[Feedback]) -> None:
    """To each colleague whose feedback request is open for them to write."""
    batch = []
    for fb in feedback:
        review = fb.review
        cycle = review.review_cycle
        message = messages.feedback_requested(
            name=fb.author.name,
            about=review.subject.name,
            cycle=cycle.name,
            due=cycle.peer_feedback_due,
            url=_url("review-feedback", fb.pk),
            anonymous=fb.anonymous,
        )
        batch.append(_outgoing(fb.author, f"review:feedback-open:{fb.pk}", message))
    on_commit(batch)


def approval_needed(review: Review, requested: Sequence[Feedback]) -> None:
    """To the review's manager: their report asked colleagues, and the requests wait."""
    manager = review.manager
    if manager is None or not requested:
        return
    message = messages.approval_needed(
        name=manager.name,
        about=review.subject.name,
        peers=[fb.author.name for fb in requested],
        url=_url("review-peers", review.pk),
    )
    key = f"review:approval:{review.pk}:{min(fb.pk for fb in requested)}"
    on_commit([_outgoing(manager, key, message)])


def review_shared(review: Review, shared_by: Person) -> None:
    message = messages.review_shared(
        name=review.subject.name,
        cycle=review.review_cycle.name,
        shared_by=shared_by.name,
        url=_url("review", review.pk),
    )
    on_commit([_outgoing(review.subject, f"review:shared:{review.pk}", message)])
