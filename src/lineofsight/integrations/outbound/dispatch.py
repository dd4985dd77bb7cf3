"""From an event to signed deliveries: fan-out, attempts, retries, the sweep.

* ``event_happened`` is called by the signal receivers inside the action's transaction; once
  it commits, ``fan_out`` writes one delivery per active subscription that chose the event
  and whose owner may see its subject, with the body built as that owner would read it.
* Each delivery is handed to the task backend (``deliver_webhook``) when the backend runs
  tasks in a worker. A backend that runs tasks in the calling process (the immediate one)
  would make the page request wait for the receiver, so there the deliveries stay pending for
  the next ``deliver_pending`` sweep (every ``lineofsight remind`` run, or
  ``lineofsight webhooks deliver --loop``). Either way no request ever calls a receiver.
* ``deliver`` makes one attempt: checks again that the owner may see the subject and that
  the address is still allowed, posts, logs the attempt, and schedules the next one with
  exponential back-off and jitter (``integrations.retry``) or gives up after the last.
  Consecutive failures across a subscription's deliveries turn it off and tell its owner.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from lineofsight.integrations.outbound import addresses, payloads, sending
from lineofsight.integrations.outbound.events import BY_NAME, PING
from lineofsight.integrations.outbound.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from lineofsight.integrations.retry import MAX_ATTEMPTS, jittered, retry_delay

logger = logging.getLogger("lineofsight.webhooks")

LEASE = dt.timedelta(minutes=5)
QUEUE_GRACE = dt.timedelta(minutes=15)
SWEEP_LIMIT = 500

Active = WebhookSubscription.State.ACTIVE
Pending = WebhookDelivery.State.PENDING


def address_problem(url: str) -> str | None:
    return addresses.url_problem(
        url,
        allow_local=settings.OUTBOUND_WEBHOOKS_ALLOW_LOCAL,
        allow_private=settings.OUTBOUND_WEBHOOKS_ALLOW_PRIVATE,
    )


def body_of(delivery_id: uuid.UUID, event: str, subscription_id: int, data: Any) -> str:
    envelope = {
        "id": str(delivery_id),
        "event": event,
        "occurred_at": timezone.now().isoformat(timespec="seconds"),
        "subscription": subscription_id,
        "data": data,
    }
    return json.dumps(envelope, cls=DjangoJSONEncoder, separators=(",", ":"), sort_keys=True)


# -- from an event to deliveries -------------------------------------------------------------


def event_happened(event: str, subject_id: int) -> None:
    """An action did something subscribers may hear about: fan out once it commits."""
    transaction.on_commit(lambda: fan_out(event, subject_id), robust=True)


def anyone_listens() -> bool:
    """Whether any subscription is active: one plain statement, so that an action's fan-out
    (most organisations have no subscription, or few) costs a round trip and nothing more."""
    table = connection.ops.quote_name(WebhookSubscription._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE state = %s LIMIT 1", [Active])  # noqa: S608
        return cursor.fetchone() is not None


def fan_out(event: str, subject_id: int) -> list[WebhookDelivery]:
    """One delivery per active subscription to ``event`` whose owner may see the subject."""
    if not anyone_listens():
        return []
    kind = BY_NAME[event].subject
    # The database narrows the subscriptions down by the event's quoted name in their JSON
    # list (on SQLite and PostgreSQL alike); the exact check is ``wants``.
    candidates = WebhookSubscription.objects.filter(
        state=Active, owner__is_active=True, events__icontains=f'"{event}"'
    )
    subscriptions = [s for s in candidates.select_related("owner").order_by("pk") if s.wants(event)]
    made: list[WebhookDelivery] = []
    # What an owner may see is the same for each of their subscriptions: built once each.
    built: dict[int, Any] = {}
    for subscription in subscriptions:
        if subscription.owner_id not in built:
            built[subscription.owner_id] = payloads.build(subscription.owner, kind, subject_id)
        data = built[subscription.owner_id]
        if data is None:
            continue  # the owner may not see it: nothing is sent, not even that it happened
        pk = uuid.uuid4()
        made.append(
            WebhookDelivery(
                id=pk,
                subscription=subscription,
                event=event,
                subject_kind=kind,
                subject_id=subject_id,
                body=body_of(pk, event, subscription.pk, data),
            )
        )
    WebhookDelivery.objects.bulk_create(made)
    hand_over(made)
    return made


def ping(subscription: WebhookSubscription) -> WebhookDelivery:
    """A test delivery to one subscription (sent whatever events it chose)."""
    pk = uuid.uuid4()
    data = {"subscription": subscription.pk, "name": subscription.name, "ping": True}
    return WebhookDelivery.objects.create(
        id=pk,
        subscription=subscription,
        event=PING.name,
        subject_kind=PING.subject,
        subject_id=subscription.pk,
        body=body_of(pk, PING.name, subscription.pk, data),
    )


def runs_in_worker() -> bool:
    """Whether the task backend runs tasks elsewhere (and can wait): only then is a delivery
    enqueued as it is made; otherwise the sweep sends it."""
    return bool(deliver_webhook.get_backend().supports_defer)


def hand_over(deliveries: list[WebhookDelivery]) -> int:
    """Enqueue these new or replayed deliveries where a worker runs tasks; returns how many."""
    if not deliveries or not runs_in_worker():
        return 0
    now = timezone.now()
    WebhookDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        claimed_until=now + QUEUE_GRACE
    )
    for d in deliveries:
        deliver_webhook.enqueue(str(d.pk), d.attempts)
    return len(deliveries)


# -- one attempt -----------------------------------------------------------------------------


def _claim(delivery_id: str, attempt: int, now: dt.datetime) -> bool:
    return (
        WebhookDelivery.objects.filter(pk=delivery_id, state=Pending, attempts=attempt).update(
            attempts=F("attempts") + 1, claimed_until=now + LEASE
        )
        == 1
    )


def deliver(
    delivery_id: str, attempt: int, *, now: dt.datetime | None = None, rand: float | None = None
) -> str:
    """One attempt: "delivered", "retry", "failed", "cancelled", or "skipped" when the
    delivery is no longer pending at that attempt (someone else made it)."""
    now = now or timezone.now()
    if not _claim(delivery_id, attempt, now):
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("subscription__owner", "replay_by").get(
        pk=delivery_id
    )
    subscription = delivery.subscription
    number = delivery.attempts
    replay_by = delivery.replay_by
    # A replay and a test ping are one attempt each, asked for: sent even while paused.
    one_shot = replay_by is not None or delivery.event == PING.name
    if subscription.state != Active and not one_shot:
        return _cancel(delivery, f"The subscription is {subscription.get_state_display().lower()}.")
    if delivery.event != PING.name and (
        payloads.build(subscription.owner, delivery.subject_kind, delivery.subject_id) is None
    ):
        return _cancel(delivery, "Its owner may no longer see what it is about.")
    problem = address_problem(subscription.url)
    if problem:
        outcome = sending.Outcome(False, None, 0, error=f"Not sent: {problem}"[:300])
    else:
        outcome = sending.post(
            subscription.url,
            delivery.body.encode("utf-8"),
            secret=subscription.secret,
            event=delivery.event,
            delivery_id=str(delivery.pk),
            timeout=float(settings.OUTBOUND_WEBHOOK_TIMEOUT_SECONDS),
        )
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=number,
        started_at=now,
        duration_ms=outcome.duration_ms,
        status_code=outcome.status,
        ok=outcome.ok,
        response_excerpt=outcome.excerpt[:300],
        error=outcome.error[:500],
        replay_by=replay_by,
    )
    if outcome.ok:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=WebhookDelivery.State.DELIVERED,
            delivered_at=timezone.now(),
            last_status=outcome.status,
            last_error="",
            claimed_until=None,
            replay_by=None,
        )
        WebhookSubscription.objects.filter(pk=subscription.pk).update(consecutive_failures=0)
        return "delivered"
    permanent = problem is not None or one_shot
    return _failed(delivery, number, outcome, now, permanent, rand)


def _cancel(delivery: WebhookDelivery, reason: str) -> str:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=WebhookDelivery.State.CANCELLED, last_error=reason, claimed_until=None, replay_by=None
    )
    return "cancelled"


def _failed(
    delivery: WebhookDelivery,
    number: int,
    outcome: sending.Outcome,
    now: dt.datetime,
    permanent: bool,
    rand: float | None,
) -> str:
    error = (outcome.error or "Failed.")[:500]
    subscription = delivery.subscription
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    failures = (
        WebhookSubscription.objects.filter(pk=subscription.pk)
        .values_list("consecutive_failures", flat=True)
        .first()
        or 0
    )
    if failures >= settings.OUTBOUND_WEBHOOK_DISABLE_AFTER and subscription.state == Active:
        _turn_off(subscription, failures, error)
    delay = retry_delay(number, permanent=permanent)
    if delay is None or number > MAX_ATTEMPTS:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=WebhookDelivery.State.FAILED,
            last_status=outcome.status,
            last_error=error,
            claimed_until=None,
            replay_by=None,
        )
        logger.warning("Webhook delivery %s failed for good: %s", delivery.pk, error)
        return "failed"
    wait = jittered(delay, random.random() if rand is None else rand)  # noqa: S311 - jitter
    next_at = now + dt.timedelta(seconds=wait)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        last_status=outcome.status, last_error=error, next_attempt_at=next_at, claimed_until=None
    )
    if runs_in_worker():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(claimed_until=next_at + QUEUE_GRACE)
        deliver_webhook.using(run_after=next_at).enqueue(str(delivery.pk), number)
    return "retry"


def _turn_off(subscription: WebhookSubscription, failures: int, error: str) -> None:
    from lineofsight.integrations import actions
    from lineofsight.integrations.models import Notification

    reason = f"Turned off after {failures} failed attempts in a row; the last: {error}"[:300]
    changed = WebhookSubscription.objects.filter(pk=subscription.pk, state=Active).update(
        state=WebhookSubscription.State.DISABLED, disabled_reason=reason, updated_at=timezone.now()
    )
    if not changed:
        return
    owner = subscription.owner
    logger.warning("Webhook subscription %s turned off: %s", subscription.pk, reason)
    message = _Message(
        subject=f"Your webhook {subscription.name!r} was turned off",
        body=(
            f"Deliveries to {subscription.url} failed {failures} times in a row, so the "
            f"subscription was turned off.\n\nThe last error: {error}\n\nFix the receiver, "
            f"then turn the subscription back on and replay what it missed: "
            f"{settings.SITE_URL}/settings/webhooks/{subscription.pk}/"
        ),
    )
    key = f"webhook-off:{subscription.pk}:{timezone.now():%Y%m%d%H%M%S}"
    actions.queue_notifications(
        acting_user=None,
        messages=[actions.email(owner, Notification.Kind.WEBHOOK, key, message)],
        run="webhook-off",
    )


@dataclass(frozen=True)
class _Message:
    subject: str
    body: str


# -- the sweep -------------------------------------------------------------------------------


@dataclass
class SweepReport:
    outcomes: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        if not self.outcomes:
            return "no webhook deliveries due"
        return "webhooks: " + ", ".join(f"{n} {k}" for k, n in sorted(self.outcomes.items()))


def deliver_pending(*, now: dt.datetime | None = None, limit: int = SWEEP_LIMIT) -> SweepReport:
    """Attempt every pending delivery whose time has come (through the task backend)."""
    now = now or timezone.now()
    rows = list(
        WebhookDelivery.objects.filter(state=Pending, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "attempts")[:limit]
    )
    report = SweepReport()
    from django_tasks import TaskResultStatus

    for pk, attempts in rows:
        if runs_in_worker():
            WebhookDelivery.objects.filter(pk=pk).update(claimed_until=now + QUEUE_GRACE)
            deliver_webhook.enqueue(str(pk), attempts)
            outcome = "queued"
        else:
            result = deliver_webhook.enqueue(str(pk), attempts)
            outcome = (
                str(result.return_value)
                if result.status == TaskResultStatus.SUCCESSFUL
                else "task error"
            )
        report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
    return report


@task()
def deliver_webhook(delivery_id: str, attempt: int) -> str:
    """One attempt at one webhook delivery; see ``deliver``."""
    return deliver(delivery_id, attempt)
