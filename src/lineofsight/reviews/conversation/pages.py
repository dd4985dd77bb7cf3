"""What the review pages show: the "my reviews" inbox and one review, each read in a fixed
number of queries through the access policy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from lineofsight.goals.tracking.check_ins_due import organisation_today
from lineofsight.people.models import Person
from lineofsight.reviews import formula
from lineofsight.reviews.access import ReviewViewer, feedback_closed_because
from lineofsight.reviews.conversation import selectors
from lineofsight.reviews.conversation.actions.requests import OPEN_REVIEW_STATES
from lineofsight.reviews.cycles.scales import DEADLINE_FIELDS, Phase, phase_on
from lineofsight.reviews.evidence.selectors import evidence_pack
from lineofsight.reviews.models import Feedback, PolicyMode, Review, ReviewCycle

SHARED_STATES = (Review.State.SHARED, Review.State.ACKNOWLEDGED)
POLICY_LINE = (
    "OKR attainment is evidence beside the rating: context, not a formula. Missing a "
    "stretch goal carries no penalty."
)
FORMULA_LINE = (
    "This cycle states an explicit weighted formula; the rating is still the manager's "
    "judgement, and a part that is missing is left out of the formula, never counted as zero."
)


def phase_of(cycle: ReviewCycle, today: dt.date | None = None) -> Phase:
    return phase_on({f: getattr(cycle, f) for f in DEADLINE_FIELDS}, today or organisation_today())


def policy_line(cycle: ReviewCycle) -> str:
    return FORMULA_LINE if cycle.policy_mode == PolicyMode.FORMULA else POLICY_LINE


# ---------------------------------------------------------------------------------------
# The inbox


@dataclass(frozen=True)
class Task:
    """Something to write or decide, with its deadline."""

    kind: str  # self, manager, peer, upward, upward-offer, approve, share, acknowledge
    title: str
    cycle: ReviewCycle
    due: dt.date | None
    url: str
    review: Review | None = None
    feedback: Feedback | None = None
    note: str = ""
    action: str = ""  # the button's words
    phase: Phase | None = None  # the review cycle's phase today

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < organisation_today()


@dataclass(frozen=True)
class MyReview:
    review: Review
    phase: Phase

    @property
    def asks_peers(self) -> bool:
        """Whether the person may still ask colleagues for feedback on it."""
        return (
            self.review.review_cycle.state == ReviewCycle.State.OPEN
            and self.review.state in OPEN_REVIEW_STATES
        )


@dataclass
class Inbox:
    tasks: list[Task] = field(default_factory=list)
    mine: list[MyReview] = field(default_factory=list)  # my own reviews, newest cycle first


def _feedback_task(fb: Feedback) -> Task | None:
    review, cycle = fb.review, fb.review.review_cycle
    url = reverse("review-feedback", args=[fb.pk])
    subject = review.subject.name
    if fb.kind == Feedback.Kind.SELF:
        return Task(
            "self",
            "Your self review",
            cycle,
            cycle.self_review_due,
            url,
            review,
            fb,
            action="Write",
        )
    if fb.kind == Feedback.Kind.MANAGER:
        note = (
            "Self review submitted"
            if review.state == Review.State.MANAGER_REVIEW
            else "Self review not submitted yet"
        )
        return Task(
            "manager",
            f"Manager review of {subject}",
            cycle,
            cycle.manager_review_due,
            url,
            review,
            fb,
            note,
            "Write",
        )
    what = "Peer feedback on" if fb.kind == Feedback.Kind.PEER else "Upward feedback on"
    note = "Anonymous: shown only in aggregate" if fb.anonymous else "Your name is shown"
    return Task(
        fb.kind, f"{what} {subject}", cycle, cycle.peer_feedback_due, url, review, fb, note, "Write"
    )


def inbox(user: Person) -> Inbox:
    """What I must write or decide now, and my own reviews (seven queries)."""
    me = user.pk
    out = Inbox()
    open_cycle = Q(review__review_cycle__state=ReviewCycle.State.OPEN)
    related = ("review__review_cycle", "review__subject", "author")
    for fb in (
        Feedback.objects.filter(open_cycle, author_id=me, state=Feedback.State.OPEN)
        .select_related(*related)
        .order_by("pk")
    ):
        if feedback_closed_because(fb):
            continue
        task = _feedback_task(fb)
        if task is not None:
            out.tasks.append(task)

    # Upward feedback I may give: my managers' reviews in the cycles I am in.
    mine = list(
        Review.objects.filter(subject_id=me)
        .select_related("review_cycle", "manager")
        .order_by("-review_cycle__self_review_due", "-pk")
    )
    managers = Q(subject_id=user.manager_id) if user.manager_id else Q(pk__in=[])
    for r in mine:
        if r.manager_id and r.review_cycle.state == ReviewCycle.State.OPEN:
            managers |= Q(review_cycle_id=r.review_cycle_id, subject_id=r.manager_id)
    given = Feedback.objects.filter(review=OuterRef("pk"), kind=Feedback.Kind.UPWARD, author_id=me)
    for r in (
        Review.objects.filter(managers, review_cycle__state=ReviewCycle.State.OPEN)
        .filter(state__in=OPEN_REVIEW_STATES)
        .exclude(subject_id=me)
        .filter(~Exists(given))
        .select_related("review_cycle", "subject")
        .order_by("pk")
    ):
        out.tasks.append(
            Task(
                "upward-offer",
                f"Upward feedback on {r.subject.name}",
                r.review_cycle,
                r.review_cycle.peer_feedback_due,
                reverse("review-upward", args=[r.pk]),
                r,
                note=(
                    "Anonymous: shown only in aggregate"
                    if r.review_cycle.anonymous_upward_feedback
                    else "Your name is shown"
                ),
                action="Start",
            )
        )

    # As a manager: requests to approve and reviews to share.
    for fb in (
        Feedback.objects.filter(open_cycle, kind=Feedback.Kind.PEER, state=Feedback.State.REQUESTED)
        .filter(review__manager_id=me, review__state__in=OPEN_REVIEW_STATES)
        .select_related(*related)
        .order_by("pk")
    ):
        cycle = fb.review.review_cycle
        out.tasks.append(
            Task(
                "approve",
                f"{fb.review.subject.name} asks {fb.author.name} for feedback",
                cycle,
                cycle.peer_feedback_due,
                reverse("review-peers", args=[fb.review_id]),
                fb.review,
                fb,
                "Approve or decline",
                "Decide",
            )
        )
    for r in (
        Review.objects.filter(
            manager_id=me, state=Review.State.SUBMITTED, review_cycle__state=ReviewCycle.State.OPEN
        )
        .select_related("review_cycle", "subject")
        .order_by("pk")
    ):
        out.tasks.append(
            Task(
                "share",
                f"Share {r.subject.name}'s review",
                r.review_cycle,
                r.review_cycle.sharing_due,
                reverse("review", args=[r.pk]),
                r,
                note="Submitted; share it once calibrated",
                action="Open",
            )
        )
    for r in mine:
        if r.state == Review.State.SHARED:
            out.tasks.append(
                Task(
                    "acknowledge",
                    "Acknowledge your review",
                    r.review_cycle,
                    None,
                    reverse("review", args=[r.pk]),
                    r,
                    note="Shared with you",
                    action="Read",
                )
            )
    today = organisation_today()
    out.tasks = sorted(
        (replace(t, phase=phase_of(t.cycle, today)) for t in out.tasks),
        key=lambda t: (t.due or dt.date.max, t.title),
    )
    out.mine = [MyReview(r, phase_of(r.review_cycle, today)) for r in mine]
    return out


# ---------------------------------------------------------------------------------------
# One review


@dataclass
class ReviewPage:
    review: Review
    phase: Phase
    feedback: selectors.FeedbackOnReview
    requests: list[selectors.RequestLine]
    history: list[selectors.HistoryLine]
    can: dict[str, bool]
    rating: selectors.RatingView | None  # None: not the viewer's to see (yet)
    sees_outcome: bool  # the manager review, others' feedback, the history
    is_subject: bool
    policy_line: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rating_label(self) -> str:
        return self.rating.rating_label if self.rating else ""

    @property
    def potential_label(self) -> str:
        return self.rating.potential_label if self.rating else ""

    @property
    def self_review(self) -> selectors.Sheet | None:
        return self.feedback.one(Feedback.Kind.SELF)

    @property
    def manager_review(self) -> selectors.Sheet | None:
        return self.feedback.one(Feedback.Kind.MANAGER)

    @property
    def peer(self) -> list[selectors.Sheet]:
        return self.feedback.named.get(Feedback.Kind.PEER, [])

    @property
    def upward(self) -> list[selectors.Sheet]:
        return self.feedback.named.get(Feedback.Kind.UPWARD, [])

    @property
    def peer_aggregate(self) -> Any:
        return self.feedback.aggregates.get(Feedback.Kind.PEER)

    @property
    def upward_aggregate(self) -> Any:
        return self.feedback.aggregates.get(Feedback.Kind.UPWARD)

    @property
    def pending(self) -> list[selectors.RequestLine]:
        return [line for line in self.requests if line.feedback.state == "requested"]

    @property
    def my_draft(self) -> Feedback | None:
        """The viewer's own self or manager review on this review, while a draft."""
        for kind in (Feedback.Kind.SELF, Feedback.Kind.MANAGER):
            fb = self.feedback.mine.get(kind)
            if fb is not None and fb.state == Feedback.State.OPEN:
                return fb
        return None


def _indication(review: Review, feedback: selectors.FeedbackOnReview) -> Any:
    """What the cycle's explicit formula indicates (None in context mode, the default)."""
    cycle = review.review_cycle
    if cycle.policy_mode != PolicyMode.FORMULA:
        return None
    sheet = feedback.one(Feedback.Kind.MANAGER)
    baseline = formula.mean(
        line.rating
        for line in (sheet.lines if sheet else [])
        if line.question.section == "baseline"
    )
    return formula.indicate(
        cycle.policy_mode,
        cycle.formula_weights,
        scale=[int(level["value"]) for level in cycle.rating_scale],
        attainment=review.attainment,
        baseline=baseline,
        manager=review.rating,
    )


def review_page(user: Person, review: Review, *, with_evidence: bool = True) -> ReviewPage:
    """Everything the review page shows to this viewer (the review was read through the
    policy by the caller): the evidence pack, the feedback it may read, the rating with the
    attainment beside it (and the formula's figure in a formula cycle), the history. The
    person sees their own review from the start, but its outcome only once it is shared; a
    draft shows to its author alone, marked as one."""
    viewer = ReviewViewer.of(user)
    cycle = review.review_cycle
    manages = viewer.manages_review(review)
    outcome = viewer.sees_outcome(review)
    submitted = review.state not in OPEN_REVIEW_STATES
    feedback = selectors.visible_feedback(user, review)
    amendable = {
        sheet.feedback.pk
        for sheets in feedback.named.values()
        for sheet in sheets
        if submitted and viewer.can_amend(review, sheet.feedback)
    }
    can = {
        "share": manages and viewer.can_share(review) and review.state == Review.State.SUBMITTED,
        "acknowledge": viewer.can_acknowledge(review) and review.state == Review.State.SHARED,
        "amend": submitted and viewer.can_amend(review),
        "request": viewer.can_request_peer_feedback(review)
        and cycle.state == ReviewCycle.State.OPEN
        and review.state in OPEN_REVIEW_STATES,
        "approve": manages and viewer.can_approve_feedback_requests(review),
        "manage": manages,
    }
    extra: dict[str, Any] = {"amendable": amendable}
    if with_evidence and viewer.sees_evidence(review):
        extra["evidence"] = evidence_pack(user, review)
    if outcome:  # notes shared from one-on-ones: read as the review's outcome is
        extra["one_on_one_notes"] = list(
            review.one_on_one_notes.select_related("shared_by").order_by("held_at", "pk")
        )
    indication = _indication(review, feedback) if outcome else None
    if indication is not None:
        extra["indication"] = indication
        extra["formula_text"] = formula.describe(cycle.formula_weights)
    return ReviewPage(
        review=review,
        phase=phase_of(cycle),
        feedback=feedback,
        requests=selectors.peer_requests(user, review) if manages else [],
        history=selectors.history(review) if outcome else [],
        can=can,
        rating=selectors.rating_view(viewer, review, feedback.mine.get(Feedback.Kind.MANAGER)),
        sees_outcome=outcome,
        is_subject=review.subject_id == viewer.pk,
        policy_line=policy_line(cycle),
        extra=extra,
    )
