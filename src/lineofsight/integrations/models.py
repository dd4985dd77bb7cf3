"""The notification outbox, people's notification preferences and teams' chat webhooks.

The outbox is the record of every message the product decides to send: one row per
recipient, channel and period (its ``dedupe_key``), written before anything is sent, so a
second run of ``lineofsight remind`` finds the row and sends nothing twice. Delivery (a
Django task per row) moves a row from *pending* to *sent*, or after its last failed attempt
to *failed*; a failed row is kept with its error, never dropped.

Writes go through ``integrations.actions`` and ``integrations.delivery``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lineofsight.integrations.webhooks import mask_url


class Notification(models.Model):
    class Kind(models.TextChoices):
        REMINDER = "reminder", "Check-in reminder"
        DIGEST = "digest", "Weekly digest"
        ESCALATION = "escalation", "Escalation"
        REVIEW = "review", "Review"  # self review open, feedback requested, review shared
        ALIGNMENT = "alignment", "Alignment proposal"  # proposed, accepted or declined
        MENTION = "mention", "Mention"  # someone mentioned you in a comment
        REPLY = "reply", "Reply"  # a comment in a thread you took part in
        PARENT = "parent", "Parent objective changed"  # revised or abandoned under you
        DAILY = "daily", "Daily summary"  # the once-a-day email of unread inbox items
        BLOCKER = "blocker", "Blocker escalation"  # unresolved past the organisation's limit
        APPROVAL = "approval", "Objective approval"  # a draft proposed, approved or sent back
        TEAM_RETRO = "team_retro", "Team retrospective"  # your team published one
        ONE_ON_ONE = "one_on_one", "One-on-one"  # the other side's agenda item; one tomorrow
        ACTION_ITEM = "action_item", "Action item"  # given to you in a one-on-one
        WEBHOOK = "webhook", "Webhook turned off"  # your subscription kept failing
        SOURCE = "source", "Data source failing"  # a key result's data source failed

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"
        SLACK_DM = "slack_dm", "Slack direct message"
        TEAMS_DM = "teams_dm", "Microsoft Teams direct message"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    dedupe_key = models.CharField(
        max_length=120,
        help_text="What the message is about and for which period; unique per recipient and "
        "channel, so the same message is never queued twice.",
    )
    address = models.CharField(
        max_length=254, blank=True, help_text="The email address, for email messages."
    )
    webhook = models.ForeignKey(
        "TeamWebhook",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
        help_text="The team chat channel, for Slack and Microsoft Teams messages.",
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    data = models.JSONField(
        default=dict,
        blank=True,
        help_text="For direct messages: the key results a reminder offers a check-in on.",
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Set while a worker holds the row (a delivery in flight); a row whose claim has run out
    # is free again, so a crashed worker never strands it.
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "channel", "dedupe_key"], name="notification_dedupe"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["kind", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient_id} ({self.dedupe_key})"


class NotificationPreference(models.Model):
    """What a person chose: their weekly digest, where each kind of message reaches them (in
    the inbox, by email) and whether emails come one by one or as one summary a day.
    Reminders, escalations and review tasks always come by email: they are required, and
    nobody can turn anything off for someone else."""

    class EmailMode(models.TextChoices):
        EACH = "each", "One email per message"
        DAILY = "daily", "One summary a day of what is unread in my inbox"

    class Digest(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        OFF = "off", "Off"

    class DigestChannel(models.TextChoices):
        EMAIL = "email", "By email"
        CHAT = "chat", "In my team's chat channel"

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    digest = models.CharField(max_length=8, choices=Digest.choices, default=Digest.WEEKLY)
    digest_channel = models.CharField(
        max_length=8, choices=DigestChannel.choices, default=DigestChannel.EMAIL
    )
    digest_team = models.ForeignKey(
        "people.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Whose chat channel receives the digest (blank: the first team I lead "
        "that has one).",
    )
    channels = models.JSONField(
        default=dict,
        blank=True,
        help_text='Per kind of message, the channels chosen ({"mention": ["inapp", "email"]}); '
        "a kind left out keeps its default (integrations.inbox.DEFAULT_CHANNELS).",
    )
    email_mode = models.CharField(max_length=8, choices=EmailMode.choices, default=EmailMode.EACH)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Notification preferences of {self.person_id}"


class TeamWebhook(models.Model):
    """A team's incoming webhook in Slack or Microsoft Teams. The address is a secret: it is
    shown masked once saved, and only the team's lead and HR manage it."""

    class Kind(models.TextChoices):
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"

    team = models.ForeignKey("people.Team", on_delete=models.CASCADE, related_name="webhooks")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    url = models.CharField(max_length=1000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["team", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["team", "kind"], name="team_webhook_one_per_kind"),
            models.CheckConstraint(condition=~Q(url=""), name="team_webhook_url_set"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} webhook of team {self.team_id}"

    @property
    def masked_url(self) -> str:
        return mask_url(self.url)


class InboxItem(models.Model):
    """One message in a person's inbox in the app: written in the same step that queues its
    email (same kind and dedupe key), so a message is never in the inbox twice, and needs no
    delivery. Only its recipient ever reads it (HR included: the outbox is HR's, the inbox is
    not)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_items"
    )
    kind = models.CharField(max_length=12, choices=Notification.Kind.choices)
    dedupe_key = models.CharField(max_length=120)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    url = models.CharField(max_length=500, blank=True, help_text="Where it leads, in the app.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="inbox_item_once"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id} ({self.dedupe_key})"


# Outbound webhooks, calendar feeds and chat apps live beside the code that uses them.
from lineofsight.integrations.chat.models import ChatAccount, ChatApp, ChatInteraction  # noqa: E402
from lineofsight.integrations.outbound.models import (  # noqa: E402
    CalendarFeed,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from lineofsight.integrations.sources.models import DataSource, DataSourceReading  # noqa: E402

__all__ = [
    "CalendarFeed",
    "ChatAccount",
    "ChatApp",
    "ChatInteraction",
    "DataSource",
    "DataSourceReading",
    "InboxItem",
    "Notification",
    "NotificationPreference",
    "TeamWebhook",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
]
