"""The organisation's chat apps and the people they reach.

``ChatApp``: one Slack app and one Microsoft Teams bot at most; their secrets (Slack's bot
token and signing secret, the bot's password) are kept encrypted and never shown again.
``ChatAccount``: which chat user a person is (Slack: matched by email; Teams: learnt when
they first talk to the bot), and for Teams the one-to-one conversation once created.
``ChatInteraction``: an interaction (a modal submission, a card's submit) already acted on,
so a replay records nothing twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ChatKind(models.TextChoices):
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"


class ChatApp(models.Model):
    kind = models.CharField(max_length=8, choices=ChatKind.choices, unique=True)
    app_id = models.CharField(
        max_length=200, blank=True, help_text="Microsoft Teams: the bot's app id."
    )
    tenant_id = models.CharField(
        max_length=200, blank=True, help_text="Microsoft Teams: the organisation's tenant id."
    )
    # Encrypted (people.sso.secrets): Slack's bot token and Teams' app password ...
    secret = models.TextField()
    # ... and Slack's signing secret.
    signing_secret = models.TextField(blank=True)
    hint = models.CharField(max_length=20, blank=True, help_text="The secret's last characters.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} app"


class ChatAccount(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_accounts"
    )
    kind = models.CharField(max_length=8, choices=ChatKind.choices)
    user_id = models.CharField(max_length=200, help_text="The person's id in the chat service.")
    conversation_id = models.CharField(
        max_length=300, blank=True, help_text="Microsoft Teams: the one-to-one conversation."
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="chat_account_one_per_kind"),
            models.UniqueConstraint(fields=["kind", "user_id"], name="chat_account_user_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} account of {self.person_id}"


class ChatInteraction(models.Model):
    kind = models.CharField(max_length=8, choices=ChatKind.choices)
    key = models.CharField(max_length=300, help_text="The platform's id of the interaction.")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    check_in = models.ForeignKey(
        "goals.CheckIn", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="chat_interaction_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} interaction {self.key}"
