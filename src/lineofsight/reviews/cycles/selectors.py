"""Reads about review cycles and templates, each through the access policy.

* Open and closed cycles' names, deadlines and phases are visible to every employee; drafts
  to HR only. The list shows a person the cycles that concern them (they are reviewed in it,
  write a review or feedback in it, or manage someone reviewed in it); HR sees all.
* Progress counts are taken over the whole cycle for HR, and otherwise over the reviews whose
  outcome the viewer may read (``ReviewViewer.outcome_filter``): their part of the organisation for
  a manager, never one's own review before it is shared (its counts would tell who answered).
* Ratings in the HR table show only where the viewer may read the outcome
  (``rating_visible``): not an HR admin's own review before it is shared.
* Templates are HR's.

Every function runs a fixed number of queries, whatever the size of the cycle.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from lineofsight.core.errors import NotFound
from lineofsight.people.models import Person
from lineofsight.people.selectors import organisation_time_zone
from lineofsight.reviews.access import ReviewViewer, anonymous_counted, released_in
from lineofsight.reviews.cycles.scales import PHASES, Phase, phase_on
from lineofsight.reviews.models import (
    CalibrationSession,
    Feedback,
    Review,
    ReviewCycle,
    ReviewTemplate,
)


def outcome_flag(viewer: ReviewViewer) -> Any:
    """An annotation over Review: whether the viewer may read its outcome (its rating)."""
    return Case(
        When(viewer.outcome_filter(), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def _viewer(user: Person) -> ReviewViewer | None:
    if not (user.is_authenticated and user.is_active):
        return None
    return ReviewViewer.of(user)


def review_cycles_visible_to(user: Person) -> QuerySet[ReviewCycle]:
    """Every cycle the person may open: all for HR, every open or closed one for the rest."""
    viewer = _viewer(user)
    if viewer is None:
        return ReviewCycle.objects.none()
    return ReviewCycle.objects.filter(viewer.review_cycle_filter())


def review_cycles_for_list(user: Person) -> QuerySet[ReviewCycle]:
    """The cycles list: all for HR; for everyone else the open and closed cycles that concern
    them (reviewed, reviewing, writing feedback, or managing someone reviewed)."""
    viewer = _viewer(user)
    if viewer is None:
        return ReviewCycle.objects.none()
    qs = review_cycles_visible_to(user).select_related("goal_cycle", "template")
    if viewer.can_manage_reviews():
        return qs
    mine = Review.objects.filter(review_cycle=OuterRef("pk")).filter(
        Q(subject_id=user.pk)
        | Q(manager_id=user.pk)
        | Q(subject__manager_path__contains=f"/{user.pk}/")
    )
    writing = Feedback.objects.filter(review__review_cycle=OuterRef("pk"), author_id=user.pk)
    return qs.filter(Exists(mine) | Exists(writing))


def get_review_cycle_for_user(user: Person, pk: int) -> ReviewCycle:
    """One cycle, or NotFound (missing and invisible look the same)."""
    found = (
        review_cycles_visible_to(user)
        .select_related("goal_cycle", "next_goal_cycle", "template", "created_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound("No such review cycle.")
    return found


def organisation_today() -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(organisation_time_zone())).date()


def deadlines_of(cycle: ReviewCycle) -> dict[str, dt.date]:
    return {field: getattr(cycle, field) for field, _, _ in PHASES}


def cycle_phase(cycle: ReviewCycle, today: dt.date | None = None) -> Phase | None:
    """The phase an open cycle is in today (organisation time zone); None unless open."""
    if cycle.state != ReviewCycle.State.OPEN:
        return None
    return phase_on(deadlines_of(cycle), today or organisation_today())


@dataclass(frozen=True)
class Progress:
    """How far a cycle has come, over the reviews the viewer may open."""

    reviews: int
    self_submitted: int
    manager_total: int
    manager_submitted: int
    peer_total: int  # peer feedback asked for and approved (open or submitted)
    peer_submitted: int
    peer_waiting_approval: int
    calibrated: int  # reviews in a completed calibration session
    shared: int  # shared or acknowledged
    acknowledged: int

    def lines(self) -> list[tuple[str, int, int]]:
        """(what, done, out of) per phase."""
        return [
            ("Self reviews submitted", self.self_submitted, self.reviews),
            ("Peer feedback submitted", self.peer_submitted, self.peer_total),
            ("Manager reviews submitted", self.manager_submitted, self.manager_total),
            ("Reviews calibrated", self.calibrated, self.reviews),
            ("Reviews shared", self.shared, self.reviews),
            ("Reviews acknowledged", self.acknowledged, self.reviews),
        ]


def cycle_progress(user: Person, cycle: ReviewCycle) -> Progress:
    """Progress counts per phase over the whole cycle for HR, else over the reviews whose
    outcome ``user`` may read (three queries)."""
    viewer = _viewer(user)
    visible = Review.objects.filter(review_cycle=cycle)
    if viewer is None:
        visible = visible.none()
    else:
        visible = visible.filter(
            viewer.review_filter() if viewer.is_hr else viewer.outcome_filter()
        )
    counts = visible.aggregate(
        total=Count("pk"),
        shared=Count("pk", filter=Q(state__in=[Review.State.SHARED, Review.State.ACKNOWLEDGED])),
        acknowledged=Count("pk", filter=Q(state=Review.State.ACKNOWLEDGED)),
    )
    by_kind: dict[tuple[str, str], int] = {}
    today = organisation_today()
    # Anonymous answers count per review (grouped by it, the rest not), once released and
    # from the anonymity minimum up -- as open requests until then -- so that no figure moves
    # with one answer or tells who answered.
    answer_of = Case(
        When(anonymous=True, state=Feedback.State.SUBMITTED, then=F("review_id")), default=None
    )
    for kind, state, review_state, anonymous_answers_of, n in (
        Feedback.objects.filter(review__in=visible.values("pk"))
        .order_by()
        .annotate(answer_of=answer_of)
        .values_list("kind", "state", "review__state", "answer_of")
        .annotate(n=Count("pk"))
    ):
        if anonymous_answers_of is None:
            by_kind[(kind, state)] = by_kind.get((kind, state), 0) + n
            continue
        counted = anonymous_counted(n, released_in(cycle, review_state, today))
        for as_state, m in (
            (Feedback.State.SUBMITTED, counted),
            (Feedback.State.OPEN, n - counted),
        ):
            by_kind[(kind, as_state)] = by_kind.get((kind, as_state), 0) + m

    def fb(kind: str, *states: str) -> int:
        return sum(by_kind.get((kind, s), 0) for s in states)

    submitted, opened = Feedback.State.SUBMITTED, Feedback.State.OPEN
    calibrated = (
        CalibrationSession.reviews.through.objects.filter(
            calibrationsession__review_cycle=cycle,
            calibrationsession__state=CalibrationSession.State.COMPLETE,
            review_id__in=visible.values("pk"),
        )
        .values("review_id")
        .distinct()
        .count()
    )
    return Progress(
        reviews=counts["total"],
        self_submitted=fb(Feedback.Kind.SELF, submitted),
        manager_total=fb(Feedback.Kind.MANAGER, submitted, opened),
        manager_submitted=fb(Feedback.Kind.MANAGER, submitted),
        peer_total=fb(Feedback.Kind.PEER, submitted, opened),
        peer_submitted=fb(Feedback.Kind.PEER, submitted),
        peer_waiting_approval=fb(Feedback.Kind.PEER, Feedback.State.REQUESTED),
        calibrated=calibrated,
        shared=counts["shared"],
        acknowledged=counts["acknowledged"],
    )


def cycle_reviews(user: Person, cycle: ReviewCycle, state: str = "") -> QuerySet[Review]:
    """The reviews of a cycle the viewer may open, for the HR table (page it), each with
    ``rating_visible``."""
    viewer = _viewer(user)
    if viewer is None:
        return Review.objects.none()
    qs = (
        Review.objects.filter(review_cycle=cycle)
        .filter(viewer.review_filter())
        .annotate(rating_visible=outcome_flag(viewer))
        .select_related("subject", "manager")
        .order_by("subject__display_name", "subject__username", "pk")
    )
    if state:
        qs = qs.filter(state=state)
    return qs


# ---------------------------------------------------------------------------------------
# Templates


def review_templates_for_user(
    user: Person, *, archived: bool | None = None
) -> QuerySet[ReviewTemplate]:
    """Templates, for HR (nobody else sees them), with their question and cycle counts."""
    viewer = _viewer(user)
    if viewer is None or not viewer.can_manage_reviews():
        return ReviewTemplate.objects.none()
    qs = ReviewTemplate.objects.annotate(
        question_count=Count("questions", distinct=True),
        cycle_count=Count("cycles", distinct=True),
    ).order_by("archived", "name")
    if archived is not None:
        qs = qs.filter(archived=archived)
    return qs


def get_review_template_for_user(user: Person, pk: int) -> ReviewTemplate:
    found = review_templates_for_user(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("No such template.")
    return found
