"""Cycles, objectives, key results, initiatives, alignment links and check-ins.

Definitions keep their history: every change to an objective or key result writes a new
revision row, alignment links are ended rather than deleted, and check-ins are append-only.
The ``progress`` columns are stored roll-ups maintained by ``goals.rollup``; they can always
be recomputed from the history (``lineofsight rollup --verify``).

Writes go through ``goals.actions``; reads through ``goals.selectors`` and the access policy.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lineofsight.goals import scoring
from lineofsight.goals.querysets import (
    AlignmentLinkQuerySet,
    BlockerQuerySet,
    CheckInQuerySet,
    InitiativeQuerySet,
    KeyResultQuerySet,
    ObjectiveQuerySet,
    TeamRetrospectiveQuerySet,
)
from lineofsight.people.cadence import Cadence


def _choices(name: str, members: Any) -> Any:
    """Django choices built from one of the scoring module's enums (its single source)."""
    return models.TextChoices(name, [(m.name, (m.value, m.label)) for m in members])  # type: ignore[call-overload]


CheckInCadence = _choices("CheckInCadence", Cadence)


class Cycle(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", "Annual"
        QUARTER = "quarter", "Quarter"

    class State(models.TextChoices):
        PLANNING = "planning", "Planning"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    start_date = models.DateField(help_text="First day, in the organisation's time zone.")
    end_date = models.DateField(help_text="Last day (inclusive), in the organisation's time zone.")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The year a quarter belongs to.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PLANNING)
    check_in_cadence = models.CharField(
        max_length=10,
        choices=CheckInCadence.choices,
        default=Cadence.WEEKLY,
        help_text="How often key-result owners check in; a team may set its own.",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the row last changed (any write, roll-ups included): what ``updated_since`` reads.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start_date", "-end_date"]
        indexes = [models.Index(fields=["updated_at", "id"], name="cycle_updated")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="cycle_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    def encloses(self, other: Cycle) -> bool:
        """True when ``other`` is this cycle or lies inside it (a quarter of this year)."""
        return self.pk == other.pk or other.parent_id == self.pk

    def bounds(self, tz_name: str) -> tuple[dt.datetime, dt.datetime]:
        """Aware start (inclusive) and end (exclusive) instants in the given time zone."""
        tz = zoneinfo.ZoneInfo(tz_name)
        start = dt.datetime.combine(self.start_date, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.end_date + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end


class DraftSharing(models.TextChoices):
    NOBODY = "nobody", "Nobody yet (its author and editors)"
    PEOPLE = "people", "Chosen people"
    AUDIENCE = "audience", "Its usual audience"


class ApprovalState(models.TextChoices):
    NONE = "", "Not proposed"
    PROPOSED = "proposed", "Awaiting approval"
    CHANGES = "changes", "Changes asked"
    APPROVED = "approved", "Approved"


class Objective(models.Model):
    class Level(models.TextChoices):
        COMPANY = "company", "Company"
        TEAM = "team", "Team"
        INDIVIDUAL = "individual", "Individual"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Everyone in the organisation"
        TEAM = "team", "The team, its managers and HR"
        PRIVATE = "private", "The owner, their managers and HR"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"
        ABANDONED = "abandoned", "Abandoned"

    class Commitment(models.TextChoices):
        COMMITTED = "committed", "Committed"
        ASPIRATIONAL = "aspirational", "Aspirational"

    ProgressMode = _choices("ProgressMode", scoring.ProgressMode)

    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    level = models.CharField(max_length=12, choices=Level.choices)
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objectives",
    )
    owner_team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="objectives"
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="objectives")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    commitment = models.CharField(
        max_length=12, choices=Commitment.choices, default=Commitment.ASPIRATIONAL
    )
    rationale = models.TextField(
        "alignment rationale",
        blank=True,
        help_text="If we hit this, the parent becomes more likely because...",
    )
    progress_mode = models.CharField(
        max_length=12, choices=ProgressMode.choices, default=scoring.ProgressMode.KEY_RESULTS
    )
    is_development = models.BooleanField(
        "development goal",
        default=False,
        help_text="An individual objective about growth or skills: tracked with check-ins, "
        "left out of OKR attainment, review formulas and the company roll-up, and shown in "
        "the review's growth section.",
    )
    # Stored roll-up (0.0-1.0), maintained by goals.rollup.
    progress = models.FloatField(default=0.0)
    progress_updated_at = models.DateTimeField(null=True, blank=True)
    # End-of-cycle grade (0.0-1.0): computed when the cycle closes, and the owner's adjusted
    # grade with its reason. Both are kept; views show the adjusted one beside the computed.
    computed_grade = models.FloatField(null=True, blank=True)
    adjusted_grade = models.FloatField(null=True, blank=True)
    grade_reason = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the row last changed (any write, roll-ups included): what ``updated_since`` reads.
    updated_at = models.DateTimeField(auto_now=True)
    # Writing OKRs together (``goals.actions.drafting``): who else reads a draft, where it
    # stands in the organisation's approval, and the objective it was copied from.
    draft_sharing = models.CharField(
        "draft shared with",
        max_length=10,
        choices=DraftSharing.choices,
        default=DraftSharing.NOBODY,
        help_text="Who reads a draft besides its author and editors (only while a draft).",
    )
    approval_state = models.CharField(
        max_length=10, choices=ApprovalState.choices, default=ApprovalState.NONE, blank=True
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objectives_to_approve",
    )
    approval_note = models.TextField(
        blank=True, help_text="The approver's reason when asking for changes."
    )
    copied_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text="The objective of an earlier cycle this one was copied from.",
    )

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["cycle__start_date", "level", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_person__isnull=False) & Q(owner_team__isnull=True))
                | (Q(owner_person__isnull=True) & Q(owner_team__isnull=False)),
                name="objective_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0.0) & Q(progress__lte=1.0),
                name="objective_progress_range",
            ),
            models.CheckConstraint(
                condition=Q(is_development=False) | Q(level="individual"),
                name="objective_development_individual",
            ),
            models.CheckConstraint(
                condition=Q(computed_grade__isnull=True)
                | (Q(computed_grade__gte=0.0) & Q(computed_grade__lte=1.0)),
                name="objective_computed_grade_range",
            ),
            models.CheckConstraint(
                condition=Q(adjusted_grade__isnull=True)
                | (Q(adjusted_grade__gte=0.0) & Q(adjusted_grade__lte=1.0)),
                name="objective_adjusted_grade_range",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "level"]),
            models.Index(fields=["owner_person", "cycle"]),
            models.Index(fields=["owner_team", "cycle"]),
            models.Index(fields=["updated_at", "id"], name="objective_updated"),
            # What the alignment tree's "not aligned" section reads first: a cycle's
            # objectives by id with their level and state, without their rows (PostgreSQL
            # reads the index alone; other databases index the cycle and id).
            models.Index(fields=["cycle", "id"], include=["level", "state"],
                         name="objective_cycle_cover"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_name(self) -> str:
        if self.owner_team_id:
            return self.owner_team.name  # type: ignore[union-attr]
        return self.owner_person.name  # type: ignore[union-attr]


class ObjectiveRevision(models.Model):
    """One version of an objective's definition, valid from ``valid_from``."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=Objective.State.choices)
    commitment = models.CharField(max_length=12, choices=Objective.Commitment.choices)
    visibility = models.CharField(max_length=10, choices=Objective.Visibility.choices)
    progress_mode = models.CharField(max_length=12, choices=Objective.ProgressMode.choices)
    rationale = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    valid_from = models.DateTimeField()

    class Meta:
        ordering = ["objective", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "number"], name="objective_revision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (revision {self.number})"


class KeyResult(models.Model):
    Kind = _choices("Kind", scoring.KeyResultKind)

    class Signal(models.TextChoices):
        LEADING = "leading", "Leading (drives an outcome)"
        LAGGING = "lagging", "Lagging (the outcome itself)"

    class Source(models.TextChoices):
        CHECK_INS = "check_ins", "Measured by check-ins"
        ALIGNED = "aligned", "Rolled up from aligned objectives"

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        ABANDONED = "abandoned", "Abandoned"

    Confidence = _choices("Confidence", scoring.Confidence)

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    cycle = models.ForeignKey(
        Cycle,
        on_delete=models.PROTECT,
        related_name="key_results",
        help_text="The objective's cycle, or a quarter inside it for rolling annual objectives.",
    )
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    unit = models.CharField(max_length=40, blank=True)
    start_value = models.FloatField(null=True, blank=True)
    target_value = models.FloatField(null=True, blank=True)
    signal = models.CharField(max_length=8, choices=Signal.choices, default=Signal.LAGGING)
    weight = models.FloatField(default=1.0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="key_results"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CHECK_INS)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    position = models.PositiveIntegerField(default=0)
    # Latest reading and stored roll-up, maintained by goals.rollup.
    current_value = models.FloatField(null=True, blank=True)
    done = models.BooleanField(default=False)
    progress = models.FloatField(default=0.0)
    confidence = models.CharField(max_length=10, choices=Confidence.choices, blank=True)
    last_check_in_at = models.DateTimeField(null=True, blank=True)
    # End-of-cycle grade (0.0-1.0): computed when the cycle closes, and the owner's adjusted
    # grade with its reason. Both are kept; views show the adjusted one beside the computed.
    computed_grade = models.FloatField(null=True, blank=True)
    adjusted_grade = models.FloatField(null=True, blank=True)
    grade_reason = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    carried_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_into",
        help_text="The unfinished key result of an earlier cycle this one continues.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the row last changed (any write, roll-ups included): what ``updated_since`` reads.
    updated_at = models.DateTimeField(auto_now=True)
    # The stored forecast (``goals.tracking.stored``): the end-of-cycle projection as last
    # computed, and the key of the inputs it was computed from. It is used only while the key
    # still matches the row, so a stale one is never shown; writing it leaves ``updated_at``.
    forecast = models.JSONField(null=True, blank=True, editable=False)
    forecast_key = models.CharField(max_length=40, blank=True, editable=False)

    objects = KeyResultQuerySet.as_manager()

    class Meta:
        ordering = ["objective", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="key_result_weight_positive"),
            models.CheckConstraint(
                condition=Q(progress__gte=0.0) & Q(progress__lte=1.0),
                name="key_result_progress_range",
            ),
            models.CheckConstraint(
                condition=Q(computed_grade__isnull=True)
                | (Q(computed_grade__gte=0.0) & Q(computed_grade__lte=1.0)),
                name="key_result_computed_grade_range",
            ),
            models.CheckConstraint(
                condition=Q(adjusted_grade__isnull=True)
                | (Q(adjusted_grade__gte=0.0) & Q(adjusted_grade__lte=1.0)),
                name="key_result_adjusted_grade_range",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "cycle"]),
            models.Index(fields=["updated_at", "id"], name="key_result_updated"),
        ]

    def __str__(self) -> str:
        return self.title

    def spec(self) -> scoring.KeyResultSpec:
        return scoring.KeyResultSpec(
            kind=scoring.KeyResultKind(self.kind),
            start=self.start_value,
            target=self.target_value,
            unit=self.unit,
        )


class KeyResultRevision(models.Model):
    """One version of a key result's definition, valid from ``valid_from``."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=KeyResult.Kind.choices)
    unit = models.CharField(max_length=40, blank=True)
    start_value = models.FloatField(null=True, blank=True)
    target_value = models.FloatField(null=True, blank=True)
    signal = models.CharField(max_length=8, choices=KeyResult.Signal.choices)
    weight = models.FloatField()
    source = models.CharField(max_length=10, choices=KeyResult.Source.choices)
    state = models.CharField(max_length=10, choices=KeyResult.State.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    valid_from = models.DateTimeField()

    class Meta:
        ordering = ["key_result", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_result", "number"], name="key_result_revision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (revision {self.number})"


class CheckIn(models.Model):
    """An append-only reading of a key result. Never updated, never deleted."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="check_ins")
    value = models.FloatField(null=True, blank=True)
    done = models.BooleanField(null=True, blank=True)
    confidence = models.CharField(max_length=10, choices=KeyResult.Confidence.choices)
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="check_ins"
    )
    recorded_at = models.DateTimeField()
    # The key result's progress right after this reading, under the definition then in force.
    progress = models.FloatField()
    amendment_reason = models.TextField(
        blank=True, help_text="Set when HR records a reading in a closed cycle."
    )
    # When the row was written (``recorded_at`` may lie in the past): what ``updated_since``
    # reads.
    updated_at = models.DateTimeField(auto_now=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["key_result", "recorded_at", "pk"]
        indexes = [
            models.Index(fields=["key_result", "recorded_at"]),
            models.Index(fields=["updated_at", "id"], name="check_in_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.key_result} @ {self.recorded_at:%Y-%m-%d}"


class Blocker(models.Model):
    """Something in the way of a key result, raised in a check-in and owned by an assignee
    until it is resolved. It is seen by whoever may see the key result's objective; its
    changes of state and assignee are kept as ``BlockerEvent`` rows."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        HANDLING = "handling", "Being handled"
        RESOLVED = "resolved", "Resolved"

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="blockers")
    check_in = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.SET_NULL, related_name="raised_blockers"
    )
    text = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="blockers_raised"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="blockers_assigned",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    raised_at = models.DateTimeField(default=timezone.now)
    # When it was raised or last reopened: the escalation clock starts here.
    open_since = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = BlockerQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [
            models.Index(fields=["assignee", "state"]),
            models.Index(fields=["key_result", "state"]),
            models.Index(fields=["state", "open_since"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="blocker_text_set"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_open(self) -> bool:
        return self.state != self.State.RESOLVED


class BlockerEvent(models.Model):
    """One change to a blocker: raised, assigned, a change of state (with its note) or an
    escalation to someone in the manager chain. Append-only."""

    class Kind(models.TextChoices):
        RAISED = "raised", "Raised"
        ASSIGNED = "assigned", "Assigned"
        STATE = "state", "State changed"
        ESCALATED = "escalated", "Escalated"

    blocker = models.ForeignKey(Blocker, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The new assignee, or whom an escalation went to.",
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["blocker", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.blocker_id} {self.kind} @ {self.at:%Y-%m-%d}"


class Initiative(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="initiatives")
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="initiatives"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.PLANNED)
    link = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When the row last changed (any write, roll-ups included): what ``updated_since`` reads.
    updated_at = models.DateTimeField(auto_now=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["key_result", "pk"]
        indexes = [models.Index(fields=["updated_at", "id"], name="initiative_updated")]

    def __str__(self) -> str:
        return self.title


class AlignmentLink(models.Model):
    """A child objective aligned to a parent objective or key result.

    Links are never deleted: removing or re-weighting a link ends it (``ended_at``) and, for
    a re-weight, starts a new one, so any past roll-up can be recomputed.

    A contribution into an objective the person aligning cannot edit is a *proposal*
    (``state`` pending) until one of that objective's editors accepts it (setting or keeping
    its weight) or declines it with a reason; only accepted links count, from the moment
    they were accepted (``decided_at``).
    """

    Kind = _choices("Kind", scoring.LinkKind)

    class State(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        PENDING = "pending", "Proposed, awaiting the parent's owners"
        DECLINED = "declined", "Declined"

    child = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="parent_links")
    parent_objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="child_links"
    )
    parent_key_result = models.ForeignKey(
        KeyResult, null=True, blank=True, on_delete=models.CASCADE, related_name="child_links"
    )
    # The objective the link points into: the parent objective itself, or the objective
    # owning the parent key result. Fixed for the life of the link; it lets "what aligns to
    # this objective" use one index instead of an OR across a join.
    target = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="incoming_links", editable=False
    )
    kind = models.CharField(
        max_length=12, choices=Kind.choices, default=scoring.LinkKind.CONTRIBUTES
    )
    weight = models.FloatField(default=1.0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACCEPTED)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When and by whom a proposal was accepted or declined (for a link accepted at once: its
    # creation). An accepted link counts from ``decided_at``.
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_reason = models.TextField(blank=True)
    # When the row last changed (any write, roll-ups included): what ``updated_since`` reads.
    updated_at = models.DateTimeField(auto_now=True)

    objects = AlignmentLinkQuerySet.as_manager()

    class Meta:
        ordering = ["child", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(parent_objective__isnull=False) & Q(parent_key_result__isnull=True))
                | (Q(parent_objective__isnull=True) & Q(parent_key_result__isnull=False)),
                name="link_one_parent",
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="link_weight_positive"),
            models.UniqueConstraint(
                fields=["child", "parent_objective"],
                condition=Q(ended_at__isnull=True, parent_objective__isnull=False),
                name="link_unique_live_objective_parent",
            ),
            models.UniqueConstraint(
                fields=["child", "parent_key_result"],
                condition=Q(ended_at__isnull=True, parent_key_result__isnull=False),
                name="link_unique_live_key_result_parent",
            ),
        ]
        indexes = [
            models.Index(fields=["parent_objective", "ended_at"]),
            models.Index(fields=["parent_key_result", "ended_at"]),
            models.Index(fields=["child", "ended_at"]),
            models.Index(fields=["target", "ended_at"]),
            models.Index(fields=["updated_at", "id"], name="link_updated"),
            # The children of links in force: whether an objective aligns to anything.
            models.Index(fields=["child"], condition=Q(ended_at__isnull=True),
                         name="link_live_child"),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} -> {self.parent_objective_id or self.parent_key_result_id}"

    @property
    def is_live(self) -> bool:
        return self.ended_at is None

    @property
    def counts(self) -> bool:
        """Whether it counts in its parent's progress now: an accepted, live contribution."""
        return (
            self.kind == scoring.LinkKind.CONTRIBUTES
            and self.state == self.State.ACCEPTED
            and self.ended_at is None
        )

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING and self.ended_at is None


class Retrospective(models.Model):
    """The owner's short look back at an objective when its cycle closes."""

    class Decision(models.TextChoices):
        KEEP = "keep", "Keep: carry on as it is"
        CHANGE = "change", "Change: carry on, differently"
        DROP = "drop", "Drop: stop pursuing it"

    objective = models.OneToOneField(
        Objective, on_delete=models.CASCADE, related_name="retrospective"
    )
    what_happened = models.TextField(blank=True)
    in_control = models.TextField(
        "what was in the owner's control",
        blank=True,
        help_text="What the owner could and could not influence.",
    )
    learned = models.TextField("what was learned", blank=True)
    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Retrospective: {self.objective}"


class DraftReader(models.Model):
    """A person a draft objective is shared with for comment (reads it and its thread)."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="readers")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["objective", "person"], name="draft_reader_unique")
        ]
        indexes = [models.Index(fields=["person", "objective"])]

    def __str__(self) -> str:
        return f"{self.person_id} reads {self.objective_id}"


class ApprovalEvent(models.Model):
    """One step of a draft's way to active: shared, proposed, changes asked, approved or
    activated. Append-only: the objective page shows them as its approval history."""

    class Kind(models.TextChoices):
        SHARED = "shared", "Shared for comment"
        PROPOSED = "proposed", "Proposed"
        CHANGES = "changes", "Changes asked"
        APPROVED = "approved", "Approved"
        ACTIVATED = "activated", "Activated"

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="approval_events"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["objective", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.objective_id} {self.kind}"


class OkrTemplate(models.Model):
    """An organisation's own OKR template (the built-in library is ``goals.templates_library``).
    Retired templates stay for the record but are no longer offered."""

    class Function(models.TextChoices):
        SALES = "sales", "Sales"
        MARKETING = "marketing", "Marketing"
        ENGINEERING = "engineering", "Engineering"
        PRODUCT = "product", "Product"
        SUPPORT = "support", "Customer Support"
        PEOPLE = "people", "HR/People"
        FINANCE = "finance", "Finance"
        OPERATIONS = "operations", "Operations"

    function = models.CharField(max_length=12, choices=Function.choices)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    # [{"title", "kind", "unit", "start_value", "target_value"}, ...]
    key_results = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["function", "title", "pk"]

    def __str__(self) -> str:
        return self.title


class TeamRetrospective(models.Model):
    """A team's one look back at a cycle, written together by its lead and members: what
    moved, what did not, what was learned, what will change. A draft is the team's alone;
    published, it follows the audience of the team's objectives of that cycle."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    team = models.ForeignKey("people.Team", on_delete=models.CASCADE, related_name="retrospectives")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="team_retrospectives")
    what_moved = models.TextField(blank=True)
    what_did_not_move = models.TextField("what did not move", blank=True)
    learned = models.TextField("what we learned", blank=True)
    will_change = models.TextField("what we will change", blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every save; a save based on an older one is refused."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TeamRetrospectiveQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "cycle"], name="team_retrospective_once"),
        ]

    def __str__(self) -> str:
        return f"Retrospective of {self.team} for {self.cycle}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class TeamRetrospectiveSection(models.TextChoices):
    MOVED = "moved", "What moved"
    NOT_MOVED = "not_moved", "What didn't move"
    LEARNED = "learned", "What we learned"
    CHANGE = "change", "What we will change"


class TeamRetrospectiveLink(models.Model):
    """One of the team's objectives of the cycle, named by a section of its retrospective."""

    retrospective = models.ForeignKey(
        TeamRetrospective, on_delete=models.CASCADE, related_name="links"
    )
    section = models.CharField(max_length=10, choices=TeamRetrospectiveSection.choices)
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["retrospective", "section", "objective"],
                name="team_retrospective_link_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_section_display()}: objective {self.objective_id}"


class TeamRetrospectiveVersion(models.Model):
    """What a team retrospective said after one save: its history, never edited."""

    retrospective = models.ForeignKey(
        TeamRetrospective, on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField()
    what_moved = models.TextField(blank=True)
    what_did_not_move = models.TextField(blank=True)
    learned = models.TextField(blank=True)
    will_change = models.TextField(blank=True)
    links = models.JSONField(default=dict, help_text="Section -> ids of the objectives named.")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["retrospective", "version"], name="team_retrospective_version_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.version}"


class ExchangeInstall(models.Model):
    """This installation's identity in the OKR graph's exports (a single row): the
    ``source`` an export names, so another installation importing it knows where its ids
    come from."""

    key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key


class ExchangeMapping(models.Model):
    """Which local row an id of an imported OKR graph became: (source, kind, source id) ->
    local id, so importing the same file again updates those rows instead of adding more."""

    source = models.CharField(max_length=200)
    kind = models.CharField(max_length=30)
    source_id = models.CharField(max_length=200)
    local_id = models.BigIntegerField()
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="exchange_mapping_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.source_id} -> {self.local_id}"
