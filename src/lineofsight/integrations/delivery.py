"""Delivering the outbox: one Django task per notification, retried with back-off.

* ``deliver_due`` finds the pending notifications whose time has come and enqueues one task
  (``deliver_notification``, at the end) for each. With the default *immediate* task
  backend the task runs at once in the same process; with a worker backend a worker runs it.
* ``deliver`` (the task's body) claims the row for one attempt, sends it by email, to the
  team's chat webhook or as a direct message in Slack or Microsoft Teams
  (``integrations.chat.sending``), and records the outcome on the row: *sent*; or the
  error, kept in ``last_error`` and logged, with the next attempt scheduled
  (``integrations.retry``); or, after the last attempt (or a failure that waiting cannot
  fix), *failed*. Failed rows stay
  in the outbox for HR, who can retry them from the admin.

A claim is conditional on the row still being pending at the expected attempt number, so a
notification enqueued twice (two runs, or a worker retrying a task) is still sent once.

A worker that dies in the middle of an attempt leaves the row claimed; the task queue gives
the task to another worker (``core.queue.requeue_stale``), whose run *takes over* the claim
(the row is still pending, one attempt further) instead of waiting for the claim to lapse.
Every message carries its **idempotency key** (``idempotency_key``: one per notification,
the same on every attempt) as its email ``Message-ID`` and as the ``Idempotency-Key`` header
of a chat post, so should a worker die in the instant between the server's acceptance and
the row's update, the receiver recognises the repeat.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskContext, task

from lineofsight.integrations.chat.http import ChatError
from lineofsight.integrations.chat.sending import DM_CHANNELS, send_direct
from lineofsight.integrations.models import Notification, TeamWebhook
from lineofsight.integrations.retry import retry_delay
from lineofsight.integrations.webhooks import WebhookError, payload_for, post_json

logger = logging.getLogger("lineofsight.notifications")

LEASE = dt.timedelta(minutes=5)  # how long one attempt may hold a row
QUEUE_GRACE = dt.timedelta(minutes=15)  # how long an enqueued row waits for a worker
SWEEP_BATCH = 100  # messages whose writes commit together (PostgreSQL)
SQLITE_BATCH = 500  # messages marked as held for the worker at once (SQLite)
MAX_ERROR = 1000


class PermanentFailure(Exception):
    """A failure that waiting cannot fix (no address, the channel was removed)."""


@dataclass(frozen=True)
class Outbound:
    """One notification as an attempt needs it."""

    pk: int
    kind: str
    channel: str
    address: str
    subject: str
    body: str
    attempts: int
    webhook_url: str | None
    recipient_id: int = 0
    data: Any = None


# A delivery attempt runs the same three statements for every notification: written out once
# here instead of being built by the ORM each time (a run may send tens of thousands).
_TABLE = Notification._meta.db_table
_HOOKS = TeamWebhook._meta.db_table


def _sql(statement: str) -> str:
    quote = connection.ops.quote_name
    return statement.format(n=quote(_TABLE), w=quote(_HOOKS))


_CLAIM = (
    "UPDATE {n} SET attempts = attempts + 1, last_attempt_at = %s, claimed_until = %s "
    "WHERE id = %s AND state = %s AND attempts = %s"
)
# A re-run after a lost worker: the attempt it was given, or the one the lost worker took.
_TAKE_OVER = (
    "UPDATE {n} SET attempts = attempts + 1, last_attempt_at = %s, claimed_until = %s "
    "WHERE id = %s AND state = %s AND attempts IN (%s, %s)"
)
_FIELDS = "kind, channel, address, subject, body, attempts, webhook_id, recipient_id, data"
_LOAD = "SELECT " + _FIELDS + " FROM {n} WHERE id = %s"  # noqa: S608 - fixed names
_HOOK = "SELECT url FROM {w} WHERE id = %s"
_SENT = (
    "UPDATE {n} SET state = %s, sent_at = %s, claimed_until = NULL, last_error = '' WHERE id = %s"
)


def _when(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _returns_updated_rows() -> bool:
    """Whether the database returns the rows an UPDATE changed (``RETURNING``)."""
    return bool(connection.features.can_return_columns_from_insert)


def idempotency_key(notification_id: int) -> str:
    """The key every attempt at this notification carries (Message-ID, Idempotency-Key)."""
    return f"lineofsight-notification-{notification_id}"


def _message_id(notification_id: int) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("<> ") or "lineofsight"
    return f"<{idempotency_key(notification_id)}@{domain}>"


def _claim(
    notification_id: int, attempt: int, now: dt.datetime, *, take_over: bool = False
) -> Outbound | None:
    """Take the notification for one attempt, if it is still pending at that attempt (or,
    ``take_over``, at the next one, left claimed by a worker that died): one statement where
    the database can return the updated row (PostgreSQL, SQLite 3.35+)."""
    pending = Notification.State.PENDING
    params = [_when(now), _when(now + LEASE), notification_id, pending, attempt]
    statement = _CLAIM
    if take_over:
        statement = _TAKE_OVER
        params.append(attempt + 1)
    returning = _returns_updated_rows()
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(_sql(statement + " RETURNING " + _FIELDS), params)  # noqa: S608
            row = cursor.fetchone()
        else:
            cursor.execute(_sql(statement), params)  # noqa: S608 - names from the models
            row = None
            if cursor.rowcount == 1:
                cursor.execute(_sql(_LOAD), [notification_id])  # noqa: S608 - as above
                row = cursor.fetchone()
        if row is None:
            return None
        kind, channel, address, subject, body, attempts, webhook_id, recipient_id, data = row
        url = None
        if webhook_id is not None:
            cursor.execute(_sql(_HOOK), [webhook_id])  # noqa: S608 - as above
            found = cursor.fetchone()
            url = found[0] if found else None
    if isinstance(data, str | bytes):
        data = json.loads(data or "{}")
    return Outbound(
        notification_id, kind, channel, address, subject, body, attempts, url, recipient_id, data
    )


# -- sending ---------------------------------------------------------------------------------

_local = threading.local()


def _mail_connection() -> tuple[BaseEmailBackend, bool]:
    """This thread's connection to the mail server, opened on first use and, during a
    ``deliver_due`` sweep, kept for the next messages (one connection per run, not per
    message); True when freshly opened."""
    existing = getattr(_local, "mail", None)
    if existing is not None:
        return existing, False
    fresh = get_connection()
    fresh.open()
    _local.mail = fresh
    return fresh, True


def close_mail_connection() -> None:
    existing = getattr(_local, "mail", None)
    _local.mail = None
    if existing is not None:
        with contextlib.suppress(Exception):  # closing a broken connection may fail too
            existing.close()


def _send_email(message: Outbound) -> None:
    try:
        _send_email_on_kept_connection(message)
    finally:
        if not getattr(_local, "sweeping", False):
            close_mail_connection()


def _send_email_on_kept_connection(message: Outbound) -> None:
    for _ in range(2):
        mail, fresh = _mail_connection()
        try:
            EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.address],
                headers={"Message-ID": _message_id(message.pk)},
                connection=mail,
            ).send()
            return
        except Exception:
            close_mail_connection()
            if fresh:
                raise
            # A kept connection may have been closed by the server meanwhile: once more,
            # on a new one, before it counts as a failure.


def send(message: Outbound) -> None:
    """Send one notification by its channel; raise on any failure."""
    if message.channel == Notification.Channel.EMAIL:
        if not message.address:
            raise PermanentFailure("The recipient has no email address.")
        _send_email(message)
        return
    if message.channel in DM_CHANNELS:
        send_direct(
            message.channel, message.recipient_id, message.subject, message.body, message.data
        )
        return
    if message.webhook_url is None:
        raise PermanentFailure("The team's chat channel was disconnected.")
    post_json(
        message.webhook_url,
        payload_for(message.channel, message.subject, message.body),
        timeout=float(settings.WEBHOOK_TIMEOUT_SECONDS),
        idempotency_key=idempotency_key(message.pk),
    )


def deliver(
    notification_id: int, attempt: int, *, now: dt.datetime | None = None, take_over: bool = False
) -> str:
    """One attempt at one notification: "sent", "retry", "failed", or "skipped" when the row
    is no longer pending at that attempt (someone else delivered it). ``take_over``: this is
    the run of a task whose worker died, which may have claimed the row already."""
    now = now or timezone.now()
    message = _claim(notification_id, attempt, now, take_over=take_over)
    if message is None:
        return "skipped"
    try:
        send(message)
    except Exception as exc:  # every failure is recorded on the row, never lost
        return _failed(message, exc, now)
    with connection.cursor() as cursor:
        cursor.execute(  # noqa: S608 - table names from the models, values as parameters
            _sql(_SENT), [Notification.State.SENT, _when(timezone.now()), notification_id]
        )
    return "sent"


def _error_text(exc: Exception) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    if not isinstance(exc, PermanentFailure | WebhookError | ChatError):
        text = f"{exc.__class__.__name__}: {text}"
    return text[:MAX_ERROR]


def _failed(notification: Outbound, exc: Exception, now: dt.datetime) -> str:
    error = _error_text(exc)
    attempts = notification.attempts
    permanent = isinstance(exc, PermanentFailure) or (isinstance(exc, ChatError) and exc.permanent)
    delay = retry_delay(attempts, permanent=permanent)
    kind = Notification.Kind(notification.kind).label
    where = f"{kind} #{notification.pk} by {notification.channel}"
    if delay is None:
        Notification.objects.filter(pk=notification.pk).update(
            state=Notification.State.FAILED, last_error=error, claimed_until=None
        )
        logger.error("%s failed for good after %d attempt(s): %s", where, attempts, error)
        return "failed"
    next_at = now + dt.timedelta(seconds=delay)
    Notification.objects.filter(pk=notification.pk).update(
        last_error=error, next_attempt_at=next_at, claimed_until=None
    )
    logger.warning(
        "%s failed on attempt %d (next attempt at %s): %s",
        where,
        attempts,
        next_at.isoformat(timespec="seconds"),
        error,
    )
    _schedule_retry(notification.pk, attempts, next_at)
    return "retry"


def _schedule_retry(notification_id: int, attempts: int, at: dt.datetime) -> None:
    """Hand the next attempt to a worker that can wait; otherwise the next ``deliver_due``
    (every ``lineofsight remind`` run) picks the row up once its time has come."""
    if not deliver_notification.get_backend().supports_defer:
        return
    Notification.objects.filter(pk=notification_id).update(claimed_until=at + QUEUE_GRACE)
    deliver_notification.using(run_after=at).enqueue(notification_id, attempts)


@dataclass
class DeliveryReport:
    enqueued: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def describe(self) -> str:
        if not self.enqueued:
            return "nothing to deliver"
        done = ", ".join(f"{n} {what}" for what, n in sorted(self.outcomes.items()))
        return f"{self.enqueued} handed to the task backend ({done or 'queued for a worker'})"


def due_for_delivery(now: dt.datetime) -> Q:
    return Q(state=Notification.State.PENDING, next_attempt_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def deliver_due(*, now: dt.datetime | None = None, limit: int | None = None) -> DeliveryReport:
    """Enqueue a delivery task for every pending notification whose time has come."""

    now = now or timezone.now()
    qs = (
        Notification.objects.filter(due_for_delivery(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "attempts")
    )
    rows = list(qs[:limit] if limit else qs)
    report = DeliveryReport()
    _local.sweeping = True
    try:
        _enqueue(rows, now, report)
    finally:
        _local.sweeping = False
        close_mail_connection()
    return report


def deliver_now(notification_ids: list[int], *, now: dt.datetime | None = None) -> DeliveryReport:
    """Hand these pending notifications to delivery at once (a nudge is sent as it is asked
    for, not at the next run); the rest of the outbox waits for the run."""
    now = now or timezone.now()
    rows = list(
        Notification.objects.filter(due_for_delivery(now), pk__in=notification_ids)
        .order_by("pk")
        .values_list("pk", "attempts")
    )
    report = DeliveryReport()
    _enqueue(rows, now, report)
    return report


def _enqueue(rows: list[tuple[int, int]], now: dt.datetime, report: DeliveryReport) -> None:
    from django_tasks import TaskResultStatus

    # Where a transaction locks only the rows it writes (PostgreSQL), a batch's writes are
    # committed together, sparing a commit per message; should the process die in the
    # middle of a batch, its messages are sent again by the next run (never lost, at most a
    # batch sent twice). SQLite locks the whole database for a transaction, so there each
    # write commits at once and page requests never wait for a batch.
    batch = SQLITE_BATCH if connection.vendor == "sqlite" else SWEEP_BATCH
    grouped = connection.vendor != "sqlite"
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        with transaction.atomic() if grouped else contextlib.nullcontext():
            # Held for the worker: the next sweep leaves these alone until the grace runs out.
            Notification.objects.filter(pk__in=[pk for pk, _ in chunk]).update(
                claimed_until=now + QUEUE_GRACE
            )
            for pk, attempts in chunk:
                result = deliver_notification.enqueue(pk, attempts)
                report.enqueued += 1
                if result.status == TaskResultStatus.SUCCESSFUL:
                    report.add(str(result.return_value))
                elif result.status == TaskResultStatus.FAILED:
                    report.add("task error")


# -- the task -----------------------------------------------------------------------------
#
# Background work goes through the Django Tasks API: one task per notification. With the
# default immediate backend a task runs as soon as it is enqueued; set ``LOS_TASKS_BACKEND``
# to a worker backend (the database or Redis) to run deliveries in a worker instead. Either
# way the outcome of each attempt is kept on the notification's row.


@task(takes_context=True)
def deliver_notification(context: TaskContext, notification_id: int, attempt: int) -> str:
    """Try to send one notification (its ``attempt``-th try); see ``deliver``. A task run
    by a second worker (the first one died mid-task) takes over the first one's claim."""
    rerun = len(context.task_result.worker_ids) > 1
    return deliver(notification_id, attempt, take_over=rerun)
