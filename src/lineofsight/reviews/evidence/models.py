"""What the evidence pack keeps: figures as of an OKR cycle's end, managers' visits to a
team's context, and the forward-looking draft objectives proposed in a review.

Imported by ``reviews.models`` so they belong to the reviews app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

PERSON = settings.AUTH_USER_MODEL


class CycleEndFigures(models.Model):
    """Marks that the figures of an OKR cycle as of its end are stored
    (``CycleEndFigure`` rows). They are recomputed from the history once the cycle has ended
    and can never change afterwards: check-ins recorded after the end do not count, and
    definitions in force at the end are history."""

    cycle = models.OneToOneField(
        "goals.Cycle", on_delete=models.CASCADE, related_name="end_figures"
    )
    as_of = models.DateTimeField(help_text="The instant the figures describe (the cycle's end).")
    objectives = models.PositiveIntegerField(default=0)
    key_results = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0.0)

    class Meta:
        verbose_name_plural = "cycle end figures"

    def __str__(self) -> str:
        return f"Figures of cycle {self.cycle_id} as of {self.as_of:%Y-%m-%d}"


class CycleEndFigure(models.Model):
    """The progress of one objective (or one key result that rolls up from aligned
    objectives) as of the end of an OKR cycle, with its state then. Annual objectives are
    scored with that quarter as their latest quarter."""

    cycle = models.ForeignKey("goals.Cycle", on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(
        "goals.Objective", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key_result = models.ForeignKey(
        "goals.KeyResult", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    progress = models.FloatField()
    live = models.BooleanField(default=True, help_text="Counted then (not abandoned or a draft).")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(objective__isnull=False) & Q(key_result__isnull=True))
                | (Q(objective__isnull=True) & Q(key_result__isnull=False)),
                name="end_figure_one_subject",
            ),
            models.UniqueConstraint(
                fields=["cycle", "objective"],
                condition=Q(objective__isnull=False),
                name="end_figure_unique_objective",
            ),
            models.UniqueConstraint(
                fields=["cycle", "key_result"],
                condition=Q(key_result__isnull=False),
                name="end_figure_unique_key_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objective_id or self.key_result_id} at the end of {self.cycle_id}"


class TeamContextVisit(models.Model):
    """A manager (or HR) opened a team's OKR summary for a review cycle: reviews of that
    team are written with the team's results in mind first."""

    review_cycle = models.ForeignKey(
        "reviews.ReviewCycle", on_delete=models.CASCADE, related_name="team_context_visits"
    )
    team = models.ForeignKey("people.Team", on_delete=models.CASCADE, related_name="+")
    visitor = models.ForeignKey(PERSON, on_delete=models.CASCADE, related_name="+")
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review_cycle", "team", "visitor"], name="one_team_context_visit"
            ),
        ]
        indexes = [models.Index(fields=["review_cycle", "visitor"])]

    def __str__(self) -> str:
        return f"{self.visitor_id} saw team {self.team_id} in review cycle {self.review_cycle_id}"


class ForwardDraft(models.Model):
    """A draft of next quarter's individual objective, proposed in a review and aligned to
    one of next quarter's team objectives. The objective itself is an ordinary draft
    objective of the person; publishing activates it and aligns it."""

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.CASCADE, related_name="forward_drafts"
    )
    objective = models.OneToOneField(
        "goals.Objective", on_delete=models.CASCADE, related_name="forward_draft"
    )
    parent_objective = models.ForeignKey(
        "goals.Objective",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Next quarter's team objective the draft will align to.",
    )
    source_objective = models.ForeignKey(
        "goals.Objective",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The team objective the person's work fed this quarter (why it was proposed).",
    )
    created_by = models.ForeignKey(PERSON, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        PERSON, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["review", "pk"]

    def __str__(self) -> str:
        return f"Draft {self.objective_id} in review {self.review_id}"
