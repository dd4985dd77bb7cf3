"""One-on-ones: a recurring series between a manager and one report, the meetings it
produces, and what the two keep in each meeting.

A series (``Series``) names its manager and report, a cadence, a weekday and a time of day in
the organisation's time zone. Its meetings (``Meeting``) are stored: the next one is created
ahead, past ones are kept. Each meeting copies its two participants, so a meeting stays
visible to the two who held it after the report moves to another manager. In a meeting:
agenda items (``AgendaItem``) both add, order and tick; shared notes (on the meeting, with
their earlier versions kept as ``SharedNoteVersion``); action items (``ActionItem``) with an
owner and a due date (open ones carry to the next meeting); and one private note per side
(``PrivateNote``), which only its author ever reads.

Only the two participants read any of it (``oneonones.access``). Writes go through
``oneonones.actions``; the audit log records ids, never the text.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

PERSON = settings.AUTH_USER_MODEL
TEXT_MAX = 500
NOTES_MAX = 20000


class Series(models.Model):
    class Cadence(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY = "monthly", "Monthly"

    manager = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    cadence = models.CharField(max_length=12, choices=Cadence.choices, default=Cadence.WEEKLY)
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday ... 6 = Sunday.")
    time = models.TimeField(help_text="Time of day, in the organisation's time zone.")
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    created_by = models.ForeignKey(PERSON, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        PERSON, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "series"
        ordering = ["manager", "report", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["manager", "report"],
                condition=Q(ended_at__isnull=True),
                name="one_on_one_series_one_running",
            ),
            models.CheckConstraint(
                condition=~Q(manager=models.F("report")), name="one_on_one_two_people"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="one_on_one_weekday"),
        ]

    def __str__(self) -> str:
        return f"One-on-one series {self.pk}"


class Meeting(models.Model):
    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SKIPPED = "skipped", "Skipped"

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="meetings")
    manager = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    # The slot the cadence planned, and when it happens (moved, or the same).
    planned_at = models.DateTimeField()
    starts_at = models.DateTimeField(db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SCHEDULED)
    shared_notes = models.TextField(blank=True)
    notes_version = models.PositiveIntegerField(
        default=0, help_text="Raised on every save of the shared notes (last-writer check)."
    )
    notes_edited_by = models.ForeignKey(
        PERSON, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes_edited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["series", "planned_at"]
        constraints = [
            models.UniqueConstraint(fields=["series", "planned_at"], name="one_on_one_slot_once"),
        ]
        indexes = [
            models.Index(fields=["manager", "starts_at"]),
            models.Index(fields=["report", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"One-on-one {self.pk}"

    @property
    def skipped(self) -> bool:
        return self.state == self.State.SKIPPED

    def other(self, person_id: int) -> int:
        return int(self.report_id if person_id == self.manager_id else self.manager_id)


class SharedNoteVersion(models.Model):
    """The shared notes as they were before a save: nobody's words are ever lost."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="note_versions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    written_by = models.ForeignKey(PERSON, null=True, on_delete=models.SET_NULL, related_name="+")
    written_at = models.DateTimeField(null=True)
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="one_on_one_note_version"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of the notes of one-on-one {self.meeting_id}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    text = models.CharField(max_length=TEXT_MAX)
    added_by = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)
    done = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return f"Agenda item {self.pk}"


class ActionItem(models.Model):
    """Something one of the two will do: raised in a meeting, shown in every later meeting of
    the series until it is done."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="action_items")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(max_length=TEXT_MAX)
    owner = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    due = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Action item {self.pk}"

    @property
    def done(self) -> bool:
        return self.done_at is not None


class PrivateNote(models.Model):
    """One side's own note on a meeting: only its author ever reads it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="one_on_one_private_once"),
        ]

    def __str__(self) -> str:
        return f"Private note {self.pk}"
