"""A key result's data source and the readings it turned into check-ins.

Imported by ``integrations.models`` so Django finds them. Writes go through
``integrations.sources.actions``; reads through ``integrations.sources.selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class DataSource(models.Model):
    """Where one key result's value comes from. Its secret (a header value, an API token, a
    database address) is kept encrypted and never shown back; ``config`` holds the rest."""

    class Kind(models.TextChoices):
        HTTP_JSON = "http_json", "JSON at an address"
        SQL = "sql", "SQL query"
        CSV = "csv", "CSV at an address"
        JIRA = "jira", "Jira issue count"
        SALESFORCE = "salesforce", "Salesforce report"
        HUBSPOT = "hubspot", "HubSpot CRM search"

    class Schedule(models.TextChoices):
        HOURLY = "hourly", "Every hour"
        DAILY = "daily", "Every day"
        MANUAL = "manual", "Only when synced (by hand or through the API)"

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"

    key_result = models.OneToOneField(
        "goals.KeyResult", on_delete=models.CASCADE, related_name="data_source"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="data_sources",
        help_text="Who the check-ins are recorded as, and who hears when the source fails.",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    config = models.JSONField(default=dict, help_text="The kind's settings (no secrets).")
    secret = models.TextField(blank=True, help_text="Encrypted; never shown back.")
    schedule = models.CharField(max_length=8, choices=Schedule.choices, default=Schedule.DAILY)
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACTIVE)
    paused_reason = models.CharField(max_length=300, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_value = models.FloatField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key_result", "pk"]
        indexes = [models.Index(fields=["state", "schedule", "next_run_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for key result {self.key_result_id}"


class DataSourceReading(models.Model):
    """A reading a source turned into a check-in: the provenance shown beside it."""

    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="readings")
    check_in = models.OneToOneField(
        "goals.CheckIn", on_delete=models.CASCADE, related_name="source_reading"
    )
    read_at = models.DateTimeField(default=timezone.now)
    raw_value = models.CharField(max_length=200, help_text="What the source answered.")
    value = models.FloatField()
    origin = models.CharField(max_length=300, help_text="Which query or address it came from.")
    trigger = models.CharField(
        max_length=10, help_text="What started the reading: schedule, sync (by hand), api, cli."
    )

    class Meta:
        ordering = ["-read_at", "-pk"]
        indexes = [models.Index(fields=["source", "-read_at"])]

    def __str__(self) -> str:
        return f"Reading {self.value} of source {self.source_id}"
