"""Performance reviews grounded in OKRs: policy, templates, review cycles, reviews, feedback,
calibration and recognition.

The rating is the manager's judgement of performance; OKR attainment is evidence beside it,
never the rating (unless HR states an explicit weighted formula for a cycle, and then a part
that is missing is left out, never counted as zero). Nothing here computes pay.

Who may read what is decided in ``reviews/access.py`` only: reviews, ratings, feedback and
calibration are private to the person (once shared), their manager chain and HR; calibrators
see only their session's population; a peer sees only what they wrote.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

PERSON = settings.AUTH_USER_MODEL


def default_rating_scale() -> list[dict[str, object]]:
    return [
        {
            "value": 1,
            "label": "Below expectations",
            "description": "Did not meet the expectations.",
        },
        {"value": 2, "label": "Partly meets", "description": "Met some expectations."},
        {"value": 3, "label": "Meets", "description": "Fully met the role's expectations."},
        {"value": 4, "label": "Exceeds", "description": "Often went beyond them."},
        {"value": 5, "label": "Outstanding", "description": "Consistently far beyond the role."},
    ]


def default_potential_scale() -> list[dict[str, object]]:
    return [
        {"value": 1, "label": "Growing in role", "description": ""},
        {"value": 2, "label": "Ready for more", "description": ""},
        {"value": 3, "label": "Ready for a bigger role", "description": ""},
    ]


class PolicyMode(models.TextChoices):
    CONTEXT = "context", "Context, not formula"
    FORMULA = "formula", "Explicit weighted formula"


class ReviewPolicy(models.Model):
    """The organisation's published OKR-to-review policy, readable by every employee.

    Append-only: each edit adds a row with its reason; the newest row is the policy in force
    and the older ones are its history."""

    mode = models.CharField(max_length=10, choices=PolicyMode.choices, default=PolicyMode.CONTEXT)
    statement = models.TextField(
        help_text="The published text: how OKRs are used in reviews.",
    )
    stretch_penalty = models.BooleanField(
        default=False, help_text="Whether missing a stretch goal counts against anyone."
    )
    contribution = models.TextField(
        blank=True, help_text="How team and individual contributions are assessed."
    )
    compensation = models.TextField(
        blank=True, help_text="How pay relates to reviews (never a formula of OKR attainment)."
    )
    reason = models.TextField(blank=True)
    author = models.ForeignKey(PERSON, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "review policies"

    def __str__(self) -> str:
        return f"Review policy ({self.get_mode_display()}) of {self.created_at:%Y-%m-%d}"


class Section(models.TextChoices):
    OKRS = "okrs", "Objectives and key results"
    BASELINE = "baseline", "Baseline expectations of the role"
    CONTRIBUTION = "contribution", "Contribution to team and company"
    GROWTH = "growth", "Growth and next quarter"
    GENERAL = "general", "General"


class AnswerKind(models.TextChoices):
    TEXT = "text", "Written answer"
    RATING = "rating", "Rating"
    RATING_TEXT = "rating_text", "Rating with a written answer"


class ReviewTemplate(models.Model):
    """A reusable review form: its rating scale and questions (including the role's baseline
    expectations, rated separately from OKRs). A review cycle copies its template when it is
    created, so editing a template never changes a cycle under way."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    rating_scale = models.JSONField(default=default_rating_scale)
    rate_potential = models.BooleanField(
        default=False, help_text="Managers also rate potential (performance-by-potential grid)."
    )
    potential_scale = models.JSONField(default=default_potential_scale)
    archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(PERSON, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class QuestionFields(models.Model):
    """What a question is; shared by template questions and a cycle's copies."""

    position = models.PositiveIntegerField(default=0)
    section = models.CharField(max_length=12, choices=Section.choices, default=Section.GENERAL)
    kind = models.CharField(max_length=12, choices=AnswerKind.choices, default=AnswerKind.TEXT)
    text = models.CharField(max_length=500)
    help_text = models.TextField(blank=True)
    for_self = models.BooleanField(default=True)
    for_manager = models.BooleanField(default=True)
    for_peer = models.BooleanField(default=False)
    for_upward = models.BooleanField(default=False)
    required = models.BooleanField(default=False)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


# What a question says and who answers it: every field of ``QuestionFields`` but its place.
QUESTION_FIELDS = (
    "text",
    "help_text",
    "section",
    "kind",
    "for_self",
    "for_manager",
    "for_peer",
    "for_upward",
    "required",
)


def question_values(question: QuestionFields) -> dict[str, Any]:
    return {f: getattr(question, f) for f in QUESTION_FIELDS}


class TemplateQuestion(QuestionFields):
    template = models.ForeignKey(ReviewTemplate, on_delete=models.CASCADE, related_name="questions")

    class Meta(QuestionFields.Meta):
        pass


class ReviewCycle(models.Model):
    """A quarterly or annual round of reviews for a population, with a deadline per phase:
    self review > peer feedback > manager review > calibration > sharing."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", "Quarterly"
        ANNUAL = "annual", "Annual"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"  # being prepared by HR; nobody else sees it
        OPEN = "open", "Open"  # launched: reviews exist, phases run by their deadlines
        CLOSED = "closed", "Closed"  # finished; everything read-only

    class Population(models.TextChoices):
        ORGANISATION = "organisation", "The whole organisation"
        TEAMS = "teams", "Departments or teams (and the teams inside them)"
        PEOPLE = "people", "A list of people"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.QUARTER)
    goal_cycle = models.ForeignKey(
        "goals.Cycle",
        on_delete=models.PROTECT,
        related_name="review_cycles",
        help_text="The OKR cycle whose results are the evidence.",
    )
    next_goal_cycle = models.ForeignKey(
        "goals.Cycle",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The OKR cycle the forward-looking drafts go into.",
    )
    template = models.ForeignKey(
        ReviewTemplate, null=True, on_delete=models.SET_NULL, related_name="cycles"
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    population = models.CharField(
        max_length=12, choices=Population.choices, default=Population.ORGANISATION
    )
    population_teams = models.ManyToManyField("people.Team", blank=True, related_name="+")
    population_people = models.ManyToManyField("people.Person", blank=True, related_name="+")
    # Copied from the template when the cycle is created.
    rating_scale = models.JSONField(default=default_rating_scale)
    rate_potential = models.BooleanField(default=False)
    potential_scale = models.JSONField(default=default_potential_scale)
    # Phase deadlines (inclusive), in the organisation's time zone.
    self_review_due = models.DateField()
    peer_feedback_due = models.DateField()
    manager_review_due = models.DateField()
    calibration_due = models.DateField()
    sharing_due = models.DateField()
    anonymous_peer_feedback = models.BooleanField(
        default=False, help_text="Peer answers are shown only in aggregate, from three answers up."
    )
    anonymous_upward_feedback = models.BooleanField(
        default=True, help_text="Upward answers are shown only in aggregate, from three answers up."
    )
    # The OKR-to-review policy for this cycle: the organisation's (context) unless HR states
    # an explicit formula here, e.g. {"okr_attainment": 0.4, "baseline": 0.3, "manager": 0.3}.
    policy_mode = models.CharField(
        max_length=10, choices=PolicyMode.choices, default=PolicyMode.CONTEXT
    )
    formula_weights = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(PERSON, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    launched_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-self_review_due", "name"]

    def __str__(self) -> str:
        return self.name


class CycleQuestion(QuestionFields):
    """A review cycle's own copy of a template question: what its forms ask."""

    review_cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.CASCADE, related_name="questions"
    )

    class Meta(QuestionFields.Meta):
        pass


class Review(models.Model):
    """One person's review in a review cycle."""

    class State(models.TextChoices):
        SELF_REVIEW = "self_review", "Self review"
        MANAGER_REVIEW = "manager_review", "Manager review"
        SUBMITTED = "submitted", "Submitted by the manager"  # rating in; calibration may move it
        SHARED = "shared", "Shared with the person"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"

    review_cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="reviews")
    subject = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="reviews")
    # The reviewing manager when the cycle was launched (a later change of manager moves it).
    manager = models.ForeignKey(
        PERSON, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews_to_write"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.SELF_REVIEW)
    # The rating in force (the manager's once the manager review is submitted, as moved in
    # calibration); its history is the RatingChange log. Values are those of the cycle's
    # rating scale. Empty while the manager review is a draft (see Feedback.draft_rating).
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    potential = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_explanation = models.TextField(blank=True)
    # OKR attainment for the period (0.0-1.0, mean of the person's objective grades), kept
    # as evidence beside the rating; null when the person had no graded objectives.
    attainment = models.FloatField(null=True, blank=True)
    self_submitted_at = models.DateTimeField(null=True, blank=True)
    manager_submitted_at = models.DateTimeField(null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    shared_by = models.ForeignKey(
        PERSON, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    employee_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["review_cycle", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["review_cycle", "subject"], name="one_review_per_cycle"
            ),
        ]
        indexes = [models.Index(fields=["review_cycle", "manager"])]

    def __str__(self) -> str:
        return f"{self.review_cycle}: {self.subject}"

    @property
    def is_shared(self) -> bool:
        return self.state in (self.State.SHARED, self.State.ACKNOWLEDGED)


class Feedback(models.Model):
    """One person's written input into a review: the self review, the manager review, a
    peer's feedback or a report's upward feedback on their manager."""

    class Kind(models.TextChoices):
        SELF = "self", "Self review"
        MANAGER = "manager", "Manager review"
        PEER = "peer", "Peer feedback"
        UPWARD = "upward", "Upward feedback"

    class State(models.TextChoices):
        REQUESTED = "requested", "Requested, waiting for the manager's approval"
        DECLINED = "declined", "Declined"
        OPEN = "open", "Open"  # to be written
        SUBMITTED = "submitted", "Submitted"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="feedback")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    author = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="feedback_written")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    anonymous = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        PERSON, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        PERSON, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.TextField(blank=True)
    # The manager review's rating while it is a draft, its author's alone: submitting the
    # manager review moves it onto the review, so a draft rating never counts anywhere.
    draft_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    draft_potential = models.PositiveSmallIntegerField(null=True, blank=True)
    draft_rating_explanation = models.TextField(blank=True)
    # Moves on with every save that changes something: a save made from an older version
    # is refused, so two open copies of a draft never overwrite each other silently.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "kind", "author"], name="one_feedback_per_author_and_kind"
            ),
        ]
        indexes = [models.Index(fields=["author", "state"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author} on {self.review}"


class Answer(models.Model):
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(CycleQuestion, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["question__position", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["feedback", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to question {self.question_id} in feedback {self.feedback_id}"


class Amendment(models.Model):
    """A change to something already submitted: kept with its reason, never silent."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="amendments")
    feedback = models.ForeignKey(
        Feedback, null=True, blank=True, on_delete=models.CASCADE, related_name="amendments"
    )
    field = models.CharField(max_length=100)  # e.g. "rating", "answer:<question id>"
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.TextField()
    author = models.ForeignKey(PERSON, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Amendment of {self.field} on review {self.review_id}"


class CalibrationSession(models.Model):
    """Managers compare ratings across teams for one population, with OKR progress as the
    primary evidence. Draft > live > complete."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"
        COMPLETE = "complete", "Complete"

    class Grid(models.TextChoices):
        RATING_ATTAINMENT = "rating_attainment", "Rating by OKR attainment"
        PERFORMANCE_POTENTIAL = "performance_potential", "Performance by potential"

    review_cycle = models.ForeignKey(
        ReviewCycle, on_delete=models.CASCADE, related_name="calibration_sessions"
    )
    name = models.CharField(max_length=200)
    facilitator = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    # Managers taking part: they see the session's population, nothing more.
    participants = models.ManyToManyField(
        "people.Person", blank=True, related_name="calibration_sessions"
    )
    population_teams = models.ManyToManyField("people.Team", blank=True, related_name="+")
    reviews = models.ManyToManyField(Review, blank=True, related_name="calibration_sessions")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    grid = models.CharField(max_length=24, choices=Grid.choices, default=Grid.RATING_ATTAINMENT)
    created_by = models.ForeignKey(PERSON, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        PERSON, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["review_cycle", "name"]
        constraints = [
            models.UniqueConstraint(fields=["review_cycle", "name"], name="unique_session_name"),
        ]

    def __str__(self) -> str:
        return self.name


class RatingChange(models.Model):
    """Every change of a rating or potential, by the manager or in calibration: who, when,
    old and new value, and why."""

    class Field(models.TextChoices):
        RATING = "rating", "Rating"
        POTENTIAL = "potential", "Potential"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="rating_changes")
    session = models.ForeignKey(
        CalibrationSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rating_changes",
    )
    field = models.CharField(max_length=10, choices=Field.choices, default=Field.RATING)
    old_value = models.PositiveSmallIntegerField(null=True, blank=True)
    new_value = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    author = models.ForeignKey(PERSON, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.field} {self.old_value} -> {self.new_value} on review {self.review_id}"


class CalibrationRule(models.Model):
    """An open, HR-editable rule that flags a rating needing a word in calibration."""

    class Code(models.TextChoices):
        HIGH_RATING_LOW_ATTAINMENT = "high_rating_low_attainment", "High rating, low OKR attainment"
        BIG_MOVE = "big_move", "Rating moved two or more levels since the last cycle"
        LOW_RATING_HIGH_RECOGNITION = (
            "low_rating_high_recognition",
            "Low rating despite strong peer recognition",
        )
        MANAGER_SKEW = "manager_skew", "A manager's ratings run systematically high or low"

    code = models.CharField(max_length=40, choices=Code.choices, unique=True)
    enabled = models.BooleanField(default=True)
    requires_explanation = models.BooleanField(
        default=False, help_text="The session cannot complete until each flag has an explanation."
    )
    params = models.JSONField(default=dict, blank=True)
    description = models.TextField(blank=True)
    updated_by = models.ForeignKey(PERSON, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.get_code_display()


class FlagExplanation(models.Model):
    """The word a flagged rating needed, given in its calibration session."""

    session = models.ForeignKey(
        CalibrationSession, on_delete=models.CASCADE, related_name="explanations"
    )
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="flag_explanations")
    rule = models.CharField(max_length=40, choices=CalibrationRule.Code.choices)
    text = models.TextField()
    author = models.ForeignKey(PERSON, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Explanation of {self.rule} on review {self.review_id}"


class Kudos(models.Model):
    """Public recognition of a contribution, tied to a key result where there is one."""

    author = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="kudos_given")
    recipient = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="kudos_received")
    key_result = models.ForeignKey(
        "goals.KeyResult", null=True, blank=True, on_delete=models.SET_NULL, related_name="kudos"
    )
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "kudos"
        constraints = [
            models.CheckConstraint(
                condition=~Q(author=models.F("recipient")), name="kudos_not_to_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"Kudos from {self.author_id} to {self.recipient_id}"


class SpotBonusNomination(models.Model):
    """A nomination for a spot bonus: visible only to the nominee's manager chain, HR and the
    nominator. A decision, never a formula: nothing computes pay from OKRs."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    nominator = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    nominee = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="spot_nominations")
    key_result = models.ForeignKey(
        "goals.KeyResult", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    decided_by = models.ForeignKey(
        PERSON, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Spot-bonus nomination of {self.nominee_id} ({self.state})"


# The evidence pack's own models (figures as of a cycle's end, team-context visits, forward
# drafts) live beside the code that uses them.
from lineofsight.reviews.evidence.models import (  # noqa: E402, F401
    CycleEndFigure,
    CycleEndFigures,
    ForwardDraft,
    TeamContextVisit,
)


class OneOnOneNote(models.Model):
    """A one-on-one's shared notes, shared into the report's review by one of the two who
    held it: a copy, read through the review's rules (its writer, the manager chain and HR;
    the person once the review is shared). Until a note is shared, nothing of a one-on-one
    reaches a review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="one_on_one_notes")
    held_at = models.DateTimeField(help_text="When the one-on-one was held.")
    text = models.TextField()
    shared_by = models.ForeignKey(PERSON, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["review", "held_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="one_on_one_note_text_set"),
        ]

    def __str__(self) -> str:
        return f"One-on-one note {self.pk} in review {self.review_id}"
