"""Writes to notifications: people's digest preferences, teams' chat webhooks, HR retrying
failed notifications, and queueing the messages a reminder run decided on.

Each action takes keyword-only arguments and ``acting_user`` (``None`` only for the system,
as the ``remind`` command runs), checks the access policy before anything else, runs in one
transaction and writes an audit row. Bad input raises ``InvalidInput`` naming the field;
refusal raises ``NotAllowed``. Either way nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.integrations.access import IntegrationViewer
from lineofsight.integrations.models import Notification, NotificationPreference, TeamWebhook
from lineofsight.integrations.webhooks import url_problem
from lineofsight.people.models import Membership, Person, Team

UNCHANGED = object()
BULK_BATCH = 500


def _viewer(acting_user: Person | None) -> IntegrationViewer:
    if acting_user is None or not acting_user.is_authenticated or not acting_user.is_active:
        raise NotAllowed("Sign in first.")
    return IntegrationViewer.of(acting_user)


def preferences_of(person: Person) -> NotificationPreference:
    """A person's preferences, or the defaults (weekly digest by email) when never set."""
    found = NotificationPreference.objects.filter(person=person).select_related("digest_team")
    return found.first() or NotificationPreference(person=person)


@transaction.atomic
def set_notification_preferences(
    *,
    acting_user: Person,
    person: Person,
    digest: str | None = None,
    digest_channel: str | None = None,
    digest_team: Team | None | object = UNCHANGED,
) -> NotificationPreference:
    """Change one's own digest preferences. Nobody may change someone else's: reminders and
    escalations are required, and the digest is each person's own choice."""
    viewer = _viewer(acting_user)
    if viewer.pk != person.pk:
        raise NotAllowed("People choose their own notification preferences.")
    errors: dict[str, str] = {}
    if digest is not None and digest not in NotificationPreference.Digest.values:
        errors["digest"] = f"Choose one of: {', '.join(NotificationPreference.Digest.values)}."
    channels = NotificationPreference.DigestChannel.values
    if digest_channel is not None and digest_channel not in channels:
        errors["digest_channel"] = f"Choose one of: {', '.join(channels)}."
    if isinstance(digest_team, Team):
        mine = Membership.objects.filter(person=person, team=digest_team).exists()
        if not (mine or digest_team.lead_id == person.pk):
            errors["digest_team"] = "Choose a team you lead or belong to."
    if errors:
        raise InvalidInput(errors)
    prefs = NotificationPreference.objects.select_for_update().filter(
        person=person
    ).first() or NotificationPreference(person=person)
    if digest is not None:
        prefs.digest = digest
    if digest_channel is not None:
        prefs.digest_channel = digest_channel
    if digest_team is not UNCHANGED:
        prefs.digest_team = digest_team if isinstance(digest_team, Team) else None
    prefs.updated_at = timezone.now()
    prefs.save()
    audit.record(
        actor=acting_user,
        action="notifications.preferences",
        subject=prefs,
        data={
            "digest": prefs.digest,
            "digest_channel": prefs.digest_channel,
            "digest_team": prefs.digest_team_id,
        },
    )
    return prefs


# -- team webhooks ---------------------------------------------------------------------------


def webhook_url_problem(url: str, kind: str) -> str | None:
    return url_problem(
        url,
        kind,
        extra_hosts=settings.WEBHOOK_EXTRA_HOSTS,
        allow_http=settings.WEBHOOK_ALLOW_HTTP,
    )


@transaction.atomic
def set_team_webhook(*, acting_user: Person | None, team: Team, kind: str, url: str) -> TeamWebhook:
    """Connect a team's Slack or Microsoft Teams channel (replacing the team's current
    webhook of that kind). Only the team's lead and HR may."""
    if acting_user is not None and not _viewer(acting_user).can_manage_team_channels(team):
        raise NotAllowed("Only the team's lead and HR manage its chat channels.")
    errors: dict[str, str] = {}
    if kind not in TeamWebhook.Kind.values:
        errors["kind"] = f"Choose one of: {', '.join(TeamWebhook.Kind.values)}."
    else:
        problem = webhook_url_problem(url, kind)
        if problem:
            errors["url"] = problem
    if errors:
        raise InvalidInput(errors)
    url = url.strip()
    replaced = TeamWebhook.objects.select_for_update().filter(team=team, kind=kind).first()
    if replaced is not None:
        replaced.url = url
        replaced.created_by = acting_user
        replaced.created_at = timezone.now()
        replaced.save(update_fields=["url", "created_by", "created_at"])
        webhook = replaced
    else:
        webhook = TeamWebhook.objects.create(team=team, kind=kind, url=url, created_by=acting_user)
    audit.record(
        actor=acting_user,
        action="team.webhook.set",
        subject=webhook,
        data={"team": team.pk, "kind": kind, "url": webhook.masked_url, "replaced": bool(replaced)},
    )
    return webhook


@transaction.atomic
def remove_team_webhook(*, acting_user: Person | None, webhook: TeamWebhook) -> None:
    """Disconnect a team's chat channel. Messages already queued for it fail (and are kept)."""
    team = webhook.team
    if acting_user is not None and not _viewer(acting_user).can_manage_team_channels(team):
        raise NotAllowed("Only the team's lead and HR manage its chat channels.")
    audit.record(
        actor=acting_user,
        action="team.webhook.remove",
        subject=webhook,
        data={"team": team.pk, "kind": webhook.kind, "url": webhook.masked_url},
    )
    webhook.delete()


# -- the outbox --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """A message a run decided to send; becomes one outbox row unless it was queued before."""

    recipient_id: int
    kind: str
    channel: str
    dedupe_key: str
    subject: str
    body: str
    address: str = ""
    webhook_id: int | None = None

    @property
    def identity(self) -> tuple[int, str, str]:
        return (self.recipient_id, self.channel, self.dedupe_key)


class Written(Protocol):
    @property
    def subject(self) -> str: ...
    @property
    def body(self) -> str: ...


def email(person: Person, kind: str, key: str, message: Written) -> Outgoing:
    """An email of ``kind`` to one person, kept once per ``key``."""
    return Outgoing(
        recipient_id=person.pk,
        kind=kind,
        channel=Notification.Channel.EMAIL,
        dedupe_key=key,
        subject=message.subject,
        body=message.body,
        address=person.email,
    )


def already_queued(messages: Sequence[Outgoing]) -> set[tuple[int, str, str]]:
    """The (recipient, channel, dedupe key) of these messages that are in the outbox already
    (a few queries: one per 500 distinct keys)."""
    keys = sorted({m.dedupe_key for m in messages})
    found: set[tuple[int, str, str]] = set()
    for start in range(0, len(keys), BULK_BATCH):
        found.update(
            Notification.objects.filter(dedupe_key__in=keys[start : start + BULK_BATCH])
            .order_by()
            .values_list("recipient_id", "channel", "dedupe_key")
        )
    return found


@transaction.atomic
def queue_notifications(
    *, acting_user: Person | None, messages: Sequence[Outgoing], run: str = ""
) -> list[Outgoing]:
    """Write the messages not queued before to the outbox, in batches; returns those written.

    Only the system (``acting_user=None``) and HR queue messages. A message whose recipient,
    channel and dedupe key are in the outbox already is left out, so running a reminder twice
    sends nothing twice (two runs at the same instant are kept apart by the unique index).
    """
    if acting_user is not None and not _viewer(acting_user).is_hr:
        raise NotAllowed("Only HR and the system queue notifications.")
    seen = already_queued(messages)
    fresh: list[Outgoing] = []
    for message in messages:
        if message.identity in seen:
            continue
        seen.add(message.identity)
        fresh.append(message)
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=m.recipient_id,
                kind=m.kind,
                channel=m.channel,
                dedupe_key=m.dedupe_key,
                subject=m.subject[:300],
                body=m.body,
                address=m.address[:254],
                webhook_id=m.webhook_id,
                created_at=now,
                next_attempt_at=now,
            )
            for m in fresh
        ],
        batch_size=BULK_BATCH,
        ignore_conflicts=True,
    )
    counts: dict[str, int] = {}
    for m in fresh:
        counts[m.kind] = counts.get(m.kind, 0) + 1
    audit.record(
        actor=acting_user,
        action="notifications.queue",
        data={"run": run, "queued": counts, "skipped": len(messages) - len(fresh)},
    )
    return fresh


@transaction.atomic
def retry_notifications(
    *, acting_user: Person | None, notifications: Iterable[Notification]
) -> int:
    """HR sends failed notifications again: they become pending with a fresh set of
    attempts; their last error stays until the next attempt. Returns how many."""
    if acting_user is not None and not _viewer(acting_user).can_read_outbox():
        raise NotAllowed("Only HR retries notifications.")
    ids = [n.pk for n in notifications]
    now = timezone.now()
    changed = Notification.objects.filter(
        Q(pk__in=ids) & Q(state=Notification.State.FAILED)
    ).update(state=Notification.State.PENDING, attempts=0, next_attempt_at=now, claimed_until=None)
    audit.record(
        actor=acting_user, action="notifications.retry", data={"ids": ids, "retried": changed}
    )
    return changed
