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
from lineofsight.integrations import inbox as inbox_rules
from lineofsight.integrations.access import IntegrationViewer
from lineofsight.integrations.chat.models import ChatAccount, ChatApp, ChatKind
from lineofsight.integrations.models import (
    InboxItem,
    Notification,
    NotificationPreference,
    TeamWebhook,
)
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
    channels: dict[str, list[str]] | None = None,
    email_mode: str | None = None,
) -> NotificationPreference:
    """Change one's own notification preferences: the digest, the channels per kind of
    message (``channels``: kind -> "inapp" and/or "email") and ``email_mode`` (each, or one
    daily summary). Nobody may change someone else's: reminders, escalations and review tasks
    are required by email, and the rest is each person's own choice."""
    viewer = _viewer(acting_user)
    if viewer.pk != person.pk:
        raise NotAllowed("People choose their own notification preferences.")
    errors: dict[str, str] = {}
    if digest is not None and digest not in NotificationPreference.Digest.values:
        errors["digest"] = f"Choose one of: {', '.join(NotificationPreference.Digest.values)}."
    digest_channels = NotificationPreference.DigestChannel.values
    if digest_channel is not None and digest_channel not in digest_channels:
        errors["digest_channel"] = f"Choose one of: {', '.join(digest_channels)}."
    if email_mode is not None and email_mode not in NotificationPreference.EmailMode.values:
        errors["email_mode"] = (
            f"Choose one of: {', '.join(NotificationPreference.EmailMode.values)}."
        )
    if channels is not None:
        for kind, chosen in channels.items():
            if kind not in inbox_rules.DEFAULT_CHANNELS:
                errors[f"channels.{kind}"] = (
                    f"Choose kinds among: {', '.join(inbox_rules.DEFAULT_CHANNELS)}."
                )
            elif any(c not in inbox_rules.CHANNEL_LABELS for c in chosen):
                errors[f"channels.{kind}"] = (
                    f"Choose channels among: {', '.join(inbox_rules.CHANNEL_LABELS)}."
                )
            elif inbox_rules.CHAT in chosen and not has_chat_channel(person):
                errors[f"channels.{kind}"] = NO_CHAT_CHANNEL
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
    if channels is not None:
        merged = dict(prefs.channels or {})
        for kind, chosen in channels.items():
            merged[kind] = [c for c in inbox_rules.CHANNEL_LABELS if c in chosen]
        prefs.channels = merged
    if email_mode is not None:
        prefs.email_mode = email_mode
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
            "channels": prefs.channels,
            "email_mode": prefs.email_mode,
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
    url: str = ""  # where an inbox copy leads, in the app
    # The key results a reminder offers a check-in on, in a direct message: (id, title,
    # milestone).
    key_results: tuple[tuple[int, str, bool], ...] = ()

    @property
    def identity(self) -> tuple[int, str, str]:
        return (self.recipient_id, self.channel, self.dedupe_key)


class Written(Protocol):
    @property
    def subject(self) -> str: ...
    @property
    def body(self) -> str: ...


def email(person: Person, kind: str, key: str, message: Written, url: str = "") -> Outgoing:
    """An email of ``kind`` to one person, kept once per ``key`` (with a copy in their
    inbox when the kind lands there, leading to ``url``)."""
    return Outgoing(
        recipient_id=person.pk,
        kind=kind,
        channel=Notification.Channel.EMAIL,
        dedupe_key=key,
        subject=message.subject,
        body=message.body,
        address=person.email,
        url=url,
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
    messages = _to_inboxes(messages)
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
                data={"key_results": [list(row) for row in m.key_results]} if m.key_results else {},
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


NO_CHAT_CHANNEL = (
    "None of your teams has a chat channel connected, so chat cannot be chosen: ask your "
    "team's lead to connect one under Notifications."
)


def has_chat_channel(person: Person) -> bool:
    """Whether chat can reach the person: by direct message (the organisation's Slack app;
    its Microsoft Teams bot once they talked to it), or in a chat channel of a team they
    lead or belong to."""
    kinds = set(ChatApp.objects.values_list("kind", flat=True))
    if ChatKind.SLACK in kinds:
        return True
    if ChatKind.TEAMS in kinds and person.chat_accounts.filter(kind=ChatKind.TEAMS).exists():
        return True
    return (
        Team.objects.filter(Q(lead=person) | Q(memberships__person=person))
        .filter(webhooks__isnull=False)
        .exists()
    )


def direct_chat_for(person: Person) -> str:
    """The service a person's chat copies reach them on as direct messages ("" for none:
    their team's channel, if any)."""
    channel = _direct_channels({person.pk}).get(person.pk)
    return str(Notification.Channel(channel).label) if channel else ""


def _direct_channels(people: set[int]) -> dict[int, str]:
    """Per person, the direct-message channel their chat copies take: Slack's when the
    organisation connected a Slack app; else Microsoft Teams' for those who talked to its
    bot (two queries). The others keep their team's channel."""
    kinds = set(ChatApp.objects.values_list("kind", flat=True))
    if ChatKind.SLACK in kinds:
        return dict.fromkeys(people, Notification.Channel.SLACK_DM)
    if ChatKind.TEAMS in kinds:
        linked = ChatAccount.objects.filter(kind=ChatKind.TEAMS, person_id__in=people)
        return dict.fromkeys(
            linked.values_list("person_id", flat=True), Notification.Channel.TEAMS_DM
        )
    return {}


def _chat_hooks(
    prefs: dict[int, NotificationPreference], people: set[int]
) -> dict[int, TeamWebhook]:
    """Per person, the chat channel their messages go to: their digest's team if it has one,
    else the first (by name) of the teams they lead or belong to that has one (three
    queries)."""
    teams: dict[int, list[tuple[str, int]]] = {pk: [] for pk in people}
    for person_id, team_id, name in Membership.objects.filter(
        person_id__in=people, team__webhooks__isnull=False
    ).values_list("person_id", "team_id", "team__name"):
        teams[person_id].append((name, team_id))
    for lead_id, team_id, name in Team.objects.filter(
        lead_id__in=people, webhooks__isnull=False
    ).values_list("lead_id", "pk", "name"):
        teams[lead_id].append((name, team_id))
    hooks: dict[int, TeamWebhook] = {}
    wanted = {team_id for rows in teams.values() for _, team_id in rows}
    for hook in TeamWebhook.objects.filter(team_id__in=wanted).order_by("-kind", "pk"):
        hooks[hook.team_id] = hook  # Slack before Microsoft Teams, as the digest does
    out: dict[int, TeamWebhook] = {}
    for person_id, rows in teams.items():
        ids = [team_id for _, team_id in sorted(rows)]
        pref = prefs.get(person_id)
        if pref is not None and pref.digest_team_id in ids:
            ids.insert(0, pref.digest_team_id)
        chosen = next((hooks[t] for t in ids if t in hooks), None)
        if chosen is not None:
            out[person_id] = chosen
    return out


def _chat_copies(
    messages: Sequence[Outgoing], prefs: dict[int, NotificationPreference]
) -> list[Outgoing]:
    """The chat copies of these messages, for their recipients who chose chat for the kind
    and have a channel; each keeps its message's key, so it is sent once."""
    if not messages:
        return []
    direct = _direct_channels({m.recipient_id for m in messages})
    out = [
        # A direct message is the person's own: it carries the whole message.
        Outgoing(
            m.recipient_id,
            m.kind,
            direct[m.recipient_id],
            m.dedupe_key,
            m.subject,
            m.body,
            key_results=m.key_results,
        )
        for m in messages
        if m.recipient_id in direct
    ]
    messages = [m for m in messages if m.recipient_id not in direct]
    hooks = _chat_hooks(prefs, {m.recipient_id for m in messages})
    people = Person.objects.in_bulk(list(hooks))
    site = settings.SITE_URL.rstrip("/")
    for m in messages:
        hook = hooks.get(m.recipient_id)
        if hook is None:
            continue
        path = m.url or _link_in(m.body)
        subject, body = inbox_rules.chat_message(
            name=people[m.recipient_id].name if m.recipient_id in people else "Someone",
            kind=m.kind,
            url=site + (path or "/inbox/"),
        )
        out.append(
            Outgoing(
                m.recipient_id, m.kind, hook.kind, m.dedupe_key, subject, body, webhook_id=hook.pk
            )
        )
    return out


def _link_in(body: str) -> str:
    """The last link into the app a message's text gives (its call to action), as a path."""
    site = settings.SITE_URL.rstrip("/")
    found = ""
    for word in body.split():
        if word.startswith(site + "/"):
            found = word.removeprefix(site).rstrip(").,")
    return found


def _to_inboxes(messages: Sequence[Outgoing]) -> list[Outgoing]:
    """Write the inbox copies of these messages (each once per recipient and key) and return
    the messages still to email, as each recipient chose per kind (two queries)."""
    routed = [m for m in messages if m.kind in inbox_rules.DEFAULT_CHANNELS]
    if not routed:
        return list(messages)
    prefs = {
        p.person_id: p
        for p in NotificationPreference.objects.filter(
            person_id__in={m.recipient_id for m in routed}
        )
    }
    now = timezone.now()
    items = []
    keep = []
    chat: list[Outgoing] = []
    for m in messages:
        if m.kind not in inbox_rules.DEFAULT_CHANNELS:
            keep.append(m)
            continue
        mine = prefs.get(m.recipient_id)
        if inbox_rules.INAPP in inbox_rules.channels_for(mine, m.kind):
            items.append(
                InboxItem(
                    recipient_id=m.recipient_id,
                    kind=m.kind,
                    dedupe_key=m.dedupe_key,
                    subject=m.subject[:300],
                    body=m.body,
                    url=(m.url or _link_in(m.body))[:500],
                    created_at=now,
                )
            )
        if m.channel != Notification.Channel.EMAIL or inbox_rules.wants_email_now(mine, m.kind):
            keep.append(m)
        if m.channel == Notification.Channel.EMAIL and inbox_rules.CHAT in inbox_rules.channels_for(
            mine, m.kind
        ):
            chat.append(m)
    InboxItem.objects.bulk_create(items, batch_size=BULK_BATCH, ignore_conflicts=True)
    return keep + _chat_copies(chat, prefs)


@transaction.atomic
def mark_read(*, acting_user: Person, items: Iterable[InboxItem]) -> int:
    """Mark one's own inbox items read; returns how many changed (no audit row: reading
    one's inbox changes nothing anyone else sees)."""
    viewer = _viewer(acting_user)
    ids = [i.pk for i in items]
    return InboxItem.objects.filter(pk__in=ids, recipient_id=viewer.pk, read_at=None).update(
        read_at=timezone.now()
    )


@transaction.atomic
def mark_all_read(*, acting_user: Person) -> int:
    viewer = _viewer(acting_user)
    return InboxItem.objects.filter(recipient_id=viewer.pk, read_at=None).update(
        read_at=timezone.now()
    )


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
