"""Cross-cutting records: the audit log and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "los_"  # noqa: S105 - a marker, not a secret


class AuditEvent(models.Model):
    """One write, who made it and what changed. Written by every named action."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=80)
    subject_type = models.CharField(max_length=60)
    subject_id = models.BigIntegerField(null=True)
    at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, blank=True)
    amendment_reason = models.TextField(
        blank=True, help_text="Why HR changed something in a closed cycle."
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            # The audit log: newest first, by itself or for one person or one kind of action.
            models.Index(fields=["-at", "-id"], name="audit_at"),
            models.Index(fields=["actor", "-at", "-id"], name="audit_actor_at"),
            models.Index(fields=["action", "-at", "-id"], name="audit_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.subject_type}#{self.subject_id}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class TokenOwnerFixed(Exception):
    """A token's person cannot change: it would let someone act as another person."""


class ApiTokenQuerySet(models.QuerySet):
    def live(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def update(self, **kwargs: object) -> int:
        if {"person", "person_id"} & kwargs.keys():
            raise TokenOwnerFixed("A token belongs to the person who made it, for good.")
        return super().update(**kwargs)


class ApiToken(models.Model):
    """A personal token for scripts. Only its SHA-256 is stored; the token is shown once."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, help_text="First characters, to recognise it.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()
    _owner_id: int | None = None  # the person it was loaded with

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The last guard behind the actions: no code path may hand a token to someone else.
        owner = getattr(self, "_owner_id", None)
        if owner is not None and self.person_id != owner:
            raise TokenOwnerFixed("A token belongs to the person who made it, for good.")
        super().save(*args, **kwargs)
        self._owner_id = self.person_id

    @classmethod
    def from_db(cls, *args: Any, **kwargs: Any) -> ApiToken:
        token = super().from_db(*args, **kwargs)
        token._owner_id = token.__dict__.get("person_id")
        return token

    @staticmethod
    def new_secret() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)


class Tombstone(models.Model):
    """Something that ended or was deleted, kept so that integrations mirroring the data see
    it go (``GET /api/tombstones``). Only ids and kinds: never a title or a name.

    ``kind`` names what ended (``objective``, ``key_result``, ``alignment_link``, ``person``,
    ``team``), ``event`` how (``abandoned``, ``ended``, ``deactivated``, ``deleted``).
    ``objective_id`` is the objective whose audience may see the tombstone (for what lives
    under an objective); empty for what the whole organisation sees (people, teams)."""

    kind = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    event = models.CharField(max_length=20)
    objective_id = models.BigIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["at", "id"], name="tombstone_at"),
            models.Index(fields=["kind", "object_id"], name="tombstone_object"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id} {self.event}"


class ScheduledRun(models.Model):
    """One run of a recurring job, for one slot of its interval (the slot is the number of
    whole intervals since the epoch). The unique pair is the scheduler's lock: of several
    schedulers reaching the same slot, the one whose row is written enqueues the run."""

    job = models.CharField(max_length=60)
    slot = models.BigIntegerField()
    due_at = models.DateTimeField(help_text="The start of the slot.")
    enqueued_at = models.DateTimeField(default=timezone.now)
    task_id = models.CharField(max_length=64, blank=True)
    scheduler = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once_per_slot")
        ]
        indexes = [models.Index(fields=["enqueued_at"], name="scheduled_run_enqueued")]

    def __str__(self) -> str:
        return f"{self.job} #{self.slot}"


class WorkerHeartbeat(models.Model):
    """A worker's sign of life. A task whose worker has not been seen for a while is given
    to another worker (core.queue.requeue_stale)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.IntegerField(null=True)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.worker_id
