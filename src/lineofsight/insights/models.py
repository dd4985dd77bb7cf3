"""Stored dashboard figures, kept by ``lineofsight snapshot`` (``insights.snapshots``).

The leadership dashboard answers from these rows instead of scanning every key result and
check-in of the organisation on each request:

* ``WeeklyFigures``: one row per cycle, week, scope and subject (the organisation, a team,
  a company objective): progress, key results per pace status, likely misses and check-in
  discipline, as of the end of that week (or as of the last run, for the week in progress).
* ``AtRiskKeyResult``: the key results that need attention in a cycle (at risk, off track or
  stale by pace, or likely to miss by forecast), with the figures that put them there,
  as of the last run. Rows are read through the access policy like the key results.

Both are derived data: the snapshot command rewrites them from the check-in history and the
stored roll-ups, and ``--backfill`` rebuilds a cycle's weekly history from scratch.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from lineofsight.insights import aggregate
from lineofsight.insights.access import InsightViewer


class Scope(models.TextChoices):
    ALL = aggregate.ALL, "Every objective"
    PUBLIC = aggregate.PUBLIC, "Public objectives only"


class Subject(models.TextChoices):
    ORGANISATION = aggregate.ORGANISATION, "The organisation"
    TEAM = aggregate.TEAM, "A team"
    OBJECTIVE = aggregate.OBJECTIVE, "A company objective"


class WeeklyFigures(models.Model):
    """One week's figures for one subject, in one scope, in one cycle."""

    cycle = models.ForeignKey("goals.Cycle", on_delete=models.CASCADE, related_name="+")
    week_ending = models.DateField(
        help_text="Last day of the week (the cycle's 7th, 14th... day, or its last day)."
    )
    scope = models.CharField(max_length=8, choices=Scope.choices)
    subject = models.CharField(max_length=12, choices=Subject.choices)
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    objective = models.ForeignKey(
        "goals.Objective", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    progress = models.FloatField(
        null=True, blank=True, help_text="Mean progress of the counted objectives (0.0-1.0)."
    )
    objectives = models.PositiveIntegerField(default=0)
    key_results = models.PositiveIntegerField(default=0)
    on_track = models.PositiveIntegerField(default=0)
    at_risk = models.PositiveIntegerField(default=0)
    off_track = models.PositiveIntegerField(default=0)
    stale = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0)
    not_started = models.PositiveIntegerField(default=0)
    likely_to_miss = models.PositiveIntegerField(default=0)
    could_miss = models.PositiveIntegerField(default=0)
    periods_due = models.PositiveIntegerField(default=0)
    periods_kept = models.PositiveIntegerField(default=0)
    as_of = models.DateTimeField(help_text="The instant the figures describe.")
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = "weekly figures"
        verbose_name_plural = "weekly figures"
        ordering = ["cycle", "week_ending", "scope", "subject", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "week_ending", "scope"],
                condition=Q(subject="organisation"),
                name="weekly_organisation_unique",
            ),
            models.UniqueConstraint(
                fields=["cycle", "week_ending", "scope", "team"],
                condition=Q(subject="team"),
                name="weekly_team_unique",
            ),
            models.UniqueConstraint(
                fields=["cycle", "week_ending", "scope", "objective"],
                condition=Q(subject="objective"),
                name="weekly_objective_unique",
            ),
            models.CheckConstraint(
                condition=(
                    Q(subject="organisation", team__isnull=True, objective__isnull=True)
                    | Q(subject="team", team__isnull=False, objective__isnull=True)
                    | Q(subject="objective", team__isnull=True, objective__isnull=False)
                ),
                name="weekly_subject_matches",
            ),
            models.CheckConstraint(
                condition=Q(periods_kept__lte=models.F("periods_due")),
                name="weekly_kept_within_due",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "scope", "subject", "week_ending"]),
            models.Index(fields=["team", "cycle", "scope"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.team_id or self.objective_id or ''} {self.week_ending}"

    @property
    def discipline(self) -> float | None:
        return self.periods_kept / self.periods_due if self.periods_due else None

    @property
    def attention(self) -> int:
        return self.at_risk + self.off_track + self.stale


class AtRiskKeyResultQuerySet(models.QuerySet):
    def visible_to(self, person: object) -> AtRiskKeyResultQuerySet:
        return self.filter(InsightViewer.of(person).objective_filter("key_result__objective__"))  # type: ignore[arg-type]


class AtRiskKeyResult(models.Model):
    """A key result that needs attention in a cycle's dashboard, as of the last run."""

    cycle = models.ForeignKey("goals.Cycle", on_delete=models.CASCADE, related_name="+")
    key_result = models.ForeignKey(
        "goals.KeyResult", on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=12, help_text="Pace status (goals.pace).")
    confidence = models.CharField(max_length=10, blank=True)
    progress = models.FloatField()
    expected = models.FloatField()
    miss_risk = models.CharField(max_length=10, blank=True)
    forecast_progress = models.FloatField()
    forecast_low = models.FloatField()
    forecast_high = models.FloatField()
    success = models.FloatField()
    rank = models.IntegerField(help_text="Higher is more urgent (insights.aggregate).")
    as_of = models.DateTimeField()

    objects = AtRiskKeyResultQuerySet.as_manager()

    class Meta:
        verbose_name = "key result at risk"
        verbose_name_plural = "key results at risk"
        ordering = ["cycle", "-rank", "key_result"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "key_result"], name="at_risk_unique"),
        ]
        indexes = [models.Index(fields=["cycle", "-rank", "key_result"])]

    def __str__(self) -> str:
        return f"{self.key_result_id} ({self.status})"
