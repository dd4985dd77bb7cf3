"""Webhook subscriptions, their deliveries and each attempt at one; and calendar feeds.

Imported by ``integrations.models`` so Django finds them. Writes go through
``integrations.outbound.actions``, ``integrations.outbound.dispatch`` and
``integrations.calendar``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class WebhookSubscription(models.Model):
    """A receiver's address subscribed to some events by a person (HR, or someone with an
    API token). Deliveries carry only what that person may see. The secret signs every
    delivery; it is shown once, when created or rotated."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        DISABLED = "disabled", "Turned off after repeated failures"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    name = models.CharField(max_length=100)
    url = models.CharField(max_length=1000)
    events = models.JSONField(default=list, help_text="The event names chosen.")
    secret = models.CharField(
        max_length=100, help_text="Signs each delivery (HMAC-SHA256); shown once."
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACTIVE)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(url=""), name="webhook_subscription_url_set"),
        ]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"Webhook {self.name!r} of {self.owner_id}"

    def wants(self, event: str) -> bool:
        return event in (self.events or [])


class WebhookDelivery(models.Model):
    """One event for one subscription. Its id is the idempotency key a receiver sees in
    ``X-LineOfSight-Delivery``: retries and replays send the same id and body."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Not sent"  # the owner may no longer see the subject

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    subject_kind = models.CharField(max_length=20)
    subject_id = models.PositiveBigIntegerField()
    body = models.TextField(help_text="The JSON sent, exactly as signed.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    replay_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who asked for the next attempt by replaying it (cleared once made).",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["subscription", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} to subscription {self.subscription_id} ({self.pk})"


class WebhookAttempt(models.Model):
    """One try at a delivery: when, how long, what the receiver answered."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    response_excerpt = models.CharField(max_length=300, blank=True)
    error = models.CharField(max_length=500, blank=True)
    replay_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who asked for this attempt by replaying the delivery.",
    )

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_once"),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} of {self.delivery_id}"


class CalendarFeed(models.Model):
    """A person's secret calendar address. Only a fingerprint of its token is kept; making a
    new one replaces it, and the old address stops answering at once."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.person_id}"
