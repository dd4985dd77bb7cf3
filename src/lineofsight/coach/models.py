"""What the coach keeps: the findings people acknowledged as deliberate exceptions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class FindingSubject(models.TextChoices):
    """What a coaching finding is about (``coach.rules.findings.Subject``)."""

    OBJECTIVE = "objective", "An objective"
    KEY_RESULT = "key_result", "A key result"
    PERSON = "person", "A person"
    TEAM = "team", "A team"
    CYCLE = "cycle", "A cycle"
    REVIEW_CYCLE = "review_cycle", "A review cycle"


class FindingAcknowledgementQuerySet(models.QuerySet):
    def live(self) -> FindingAcknowledgementQuerySet:
        """Acknowledgements in force: not reopened since."""
        return self.filter(reopened_at__isnull=True)


class FindingAcknowledgement(models.Model):
    """Someone who may change the subject of a coaching finding says it is a deliberate
    exception, with a reason: the finding stops nagging (it is shown collapsed, with the
    reason) but still counts on the health page. Rows are never deleted: reopening sets
    ``reopened_at`` and acknowledging again writes a new row, so the history stays."""

    cycle = models.ForeignKey("goals.Cycle", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=100, help_text="The rule, e.g. focus.person_objectives.")
    subject_kind = models.CharField(max_length=20, choices=FindingSubject.choices)
    subject_id = models.PositiveBigIntegerField()
    reason = models.TextField()
    acknowledged_by = models.ForeignKey(
        "people.Person", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField()
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopen_reason = models.TextField(blank=True)

    objects = FindingAcknowledgementQuerySet.as_manager()

    class Meta:
        db_table = "insights_findingacknowledgement"  # made before the coach had its own app
        verbose_name = "acknowledged finding"
        verbose_name_plural = "acknowledged findings"
        ordering = ["cycle", "-acknowledged_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "code", "subject_kind", "subject_id"],
                condition=Q(reopened_at__isnull=True),
                name="finding_acknowledgement_one_live",
            ),
        ]
        indexes = [models.Index(fields=["cycle", "subject_kind", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.code} {self.subject_kind} {self.subject_id} ({self.cycle_id})"

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.code, self.subject_kind, int(self.subject_id))
