"""Reads of the review conversation, each through the access policy (``ReviewViewer``).

* ``get_review_for_user`` / ``get_feedback_for_user``: one row, or ``NotFound`` (missing and
  forbidden look the same).
* ``feedback_sheet``: a feedback's questions by section with its answers, for its form or for
  reading.
* ``visible_feedback``: the feedback on a review that the viewer may read one by one (named
  feedback only; anonymous feedback is read in ``anonymous_aggregates``).
* ``anonymous_aggregates``: anonymous peer and upward answers, in aggregate, released
  together when the review's feedback phase closes, from three answers up.
* ``rating_view``: the rating as one viewer may see it (the submitted one, or the author's
  own draft, marked).
* ``peer_requests``: who was asked for feedback on a review (for the person and managers),
  never who answered anonymously.
* ``history``: rating changes and amendments.

The page-level reads (the inbox and the review page) are in ``reviews.conversation.pages``.
"""

from __future__ import annotations

import hmac
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q

from lineofsight.core.errors import NotFound
from lineofsight.people.models import Person
from lineofsight.reviews.access import ANONYMITY_MINIMUM, ReviewViewer, anonymous_released
from lineofsight.reviews.conversation import aggregate as agg
from lineofsight.reviews.conversation.questions import (
    SectionGroup,
    by_section,
    questions_for,
    scale_pairs,
)
from lineofsight.reviews.cycles.scales import scale_label
from lineofsight.reviews.models import (
    Amendment,
    Answer,
    CycleQuestion,
    Feedback,
    RatingChange,
    Review,
)

REVIEW_RELATED = ("review_cycle__goal_cycle__parent", "subject", "manager", "shared_by")
FEEDBACK_RELATED = (
    "author",
    "requested_by",
    "approved_by",
    "review__review_cycle",
    "review__subject",
    "review__manager",
)


def reviews_for_user(user: Person) -> Any:
    return Review.objects.filter(ReviewViewer.of(user).review_filter())


def get_review_for_user(user: Person, pk: int) -> Review:
    found = reviews_for_user(user).select_related(*REVIEW_RELATED).filter(pk=pk).first()
    if found is None:
        raise NotFound("No such review.")
    return found


def feedback_for_user(user: Person) -> Any:
    return Feedback.objects.filter(ReviewViewer.of(user).feedback_filter())


def get_feedback_for_user(user: Person, pk: int) -> Feedback:
    found = feedback_for_user(user).select_related(*FEEDBACK_RELATED).filter(pk=pk).first()
    if found is None:
        raise NotFound("No such feedback.")
    return found


def _any_review(pk: int) -> Review | None:
    return Review.objects.select_related(*REVIEW_RELATED).filter(pk=pk).first()


def get_review_for_requests(user: Person, pk: int) -> Review:
    """A review whose peer requests the viewer may see and make: the person (before their
    review is shared too) and their managers and HR."""
    review = _any_review(pk)
    if review is None or not ReviewViewer.of(user).sees_peer_requests(review):
        raise NotFound("No such review.")
    return review


def get_review_for_upward(user: Person, pk: int) -> Review:
    """A manager's review, for one of their reports to give upward feedback on (or for those
    who may see it, who are then refused the write)."""
    review = _any_review(pk)
    viewer = ReviewViewer.of(user)
    if review is None or not (
        viewer.gives_upward_feedback_on(review) or viewer.sees_review(review)
    ):
        raise NotFound("No such review.")
    return review


def get_peer_request_for_user(user: Person, pk: int) -> Feedback:
    """A peer request (named or anonymous), for those who see the review's requests."""
    found = (
        Feedback.objects.filter(pk=pk, kind=Feedback.Kind.PEER)
        .select_related(*FEEDBACK_RELATED)
        .first()
    )
    if found is None or not ReviewViewer.of(user).sees_peer_requests(found.review):
        raise NotFound("No such request.")
    return found


def peer_suggestions(review: Review, limit: int = 30) -> list[tuple[int, str]]:
    """Colleagues to suggest for peer feedback: people sharing a team with the person and the
    manager's other reports, minus the person, the manager and those asked already (two
    queries)."""
    from lineofsight.people.models import Membership

    teams = Membership.objects.filter(person_id=review.subject_id).values("team_id")
    asked = Feedback.objects.filter(review=review, kind=Feedback.Kind.PEER).values("author_id")
    near = Q(memberships__team_id__in=teams)
    if review.manager_id:
        near |= Q(manager_id=review.manager_id)
    rows = (
        Person.objects.filter(near, is_active=True)
        .exclude(pk__in=[review.subject_id, review.manager_id or 0])
        .exclude(pk__in=asked)
        .distinct()
        .order_by("display_name", "username")
        .values_list("pk", "display_name", "username")[:limit]
    )
    return [(pk, name or username) for pk, name, username in rows]


def people_by_handle(handles: Sequence[str]) -> tuple[list[Person], list[str]]:
    """Active people named by username or email address (case-insensitive), and the handles
    that name nobody (one query)."""
    if not handles:
        return [], []
    wanted = Q(pk__in=[])
    for handle in handles:
        wanted |= Q(username__iexact=handle) | Q(email__iexact=handle)
    people = list(Person.objects.filter(wanted, is_active=True))
    found: list[Person] = []
    unknown: list[str] = []
    for handle in handles:
        match = next(
            (
                p
                for p in people
                if p.username.casefold() == handle.casefold()
                or (p.email and p.email.casefold() == handle.casefold())
            ),
            None,
        )
        if match is None:
            unknown.append(handle)
        elif match not in found:
            found.append(match)
    return found, unknown


# ---------------------------------------------------------------------------------------
# One feedback's questions and answers


@dataclass(frozen=True)
class AnswerLine:
    question: CycleQuestion
    text: str = ""
    rating: int | None = None
    rating_label: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.text) or self.rating is not None


@dataclass
class Sheet:
    """A feedback with its questions by section (the baseline expectations apart)."""

    feedback: Feedback
    groups: list[SectionGroup]
    scale: list[tuple[int, str]]

    @property
    def lines(self) -> list[AnswerLine]:
        return [line for group in self.groups for line in group.questions]


def _sheet(fb: Feedback, questions: Sequence[CycleQuestion], answers: Iterable[Answer]) -> Sheet:
    levels = fb.review.review_cycle.rating_scale
    by_question = {a.question_id: a for a in answers}
    lines = []
    for q in questions:
        a = by_question.get(q.pk)
        rating = a.rating if a else None
        lines.append(AnswerLine(q, a.text if a else "", rating, scale_label(levels, rating)))
    return Sheet(fb, by_section(lines, lambda line: line.question), scale_pairs(levels))


def feedback_sheet(fb: Feedback) -> Sheet:
    """A feedback's questions and its answers (two queries)."""
    questions = questions_for(fb.review.review_cycle_id, fb.kind)
    return _sheet(fb, questions, Answer.objects.filter(feedback=fb))


# ---------------------------------------------------------------------------------------
# The feedback on a review


def _cycle_questions(review: Review) -> dict[str, list[CycleQuestion]]:
    """The cycle's questions per kind of feedback (one query)."""
    out: dict[str, list[CycleQuestion]] = defaultdict(list)
    rows = CycleQuestion.objects.filter(review_cycle_id=review.review_cycle_id).order_by(
        "position", "pk"
    )
    for q in rows:
        for kind, flag in (
            (Feedback.Kind.SELF, q.for_self),
            (Feedback.Kind.MANAGER, q.for_manager),
            (Feedback.Kind.PEER, q.for_peer),
            (Feedback.Kind.UPWARD, q.for_upward),
        ):
            if flag:
                out[kind].append(q)
    return out


@dataclass
class FeedbackOnReview:
    """What a viewer may read of the feedback on one review."""

    named: dict[str, list[Sheet]] = field(default_factory=dict)  # submitted, by kind
    mine: dict[str, Feedback] = field(default_factory=dict)  # the viewer's own rows, by kind
    aggregates: dict[str, agg.Aggregate] = field(default_factory=dict)  # anonymous, by kind

    def one(self, kind: str) -> Sheet | None:
        sheets = self.named.get(kind) or []
        return sheets[0] if sheets else None


def visible_feedback(user: Person, review: Review) -> FeedbackOnReview:
    """The submitted named feedback the viewer may read on a review, their own rows, and the
    anonymous feedback in aggregate when they may read the review's outcome (five queries
    whatever the number of answers)."""
    viewer = ReviewViewer.of(user)
    questions = _cycle_questions(review)
    rows = list(
        Feedback.objects.filter(viewer.feedback_filter(), review=review)
        .select_related("author")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by()))
        .order_by("kind", "submitted_at", "pk")
    )
    out = FeedbackOnReview()
    for fb in rows:
        fb.review = review
        if fb.author_id == viewer.pk:
            out.mine[fb.kind] = fb
        if fb.state != Feedback.State.SUBMITTED or fb.anonymous:
            continue
        sheet = _sheet(fb, questions.get(fb.kind, []), fb.answers.all())
        out.named.setdefault(fb.kind, []).append(sheet)
    if viewer.sees_outcome(review):
        out.aggregates = anonymous_aggregates(review, questions)
    return out


def get_review_outcome_for_user(user: Person, pk: int) -> Review:
    """A review whose outcome (rating, feedback, history) the viewer may read, or
    ``NotFound``: the person's own only once shared."""
    review = get_review_for_user(user, pk)
    if not ReviewViewer.of(user).sees_outcome(review):
        raise NotFound("No such review.")
    return review


def anonymous_aggregates(
    review: Review, questions: dict[str, list[CycleQuestion]] | None = None
) -> dict[str, agg.Aggregate]:
    """The anonymous peer and upward feedback on a review, in aggregate only: nothing at all
    (not even a count) until the answers are released together when the review's feedback
    phase closes (``anonymous_released``), then only from ``ANONYMITY_MINIMUM`` answers up;
    the set never changes after. The caller has checked the viewer may read the review's
    outcome. Kinds nobody was asked for anonymously are absent (one or two queries)."""
    questions = questions if questions is not None else _cycle_questions(review)
    answers: dict[int, list[agg.AnswerRow]] = defaultdict(list)
    present: set[str] = set()  # kinds with anonymous feedback asked or written
    submitted: dict[int, str] = {}
    for fb_id, kind, state in Feedback.objects.filter(
        review=review,
        anonymous=True,
        kind__in=[Feedback.Kind.PEER, Feedback.Kind.UPWARD],
        state__in=[Feedback.State.OPEN, Feedback.State.SUBMITTED],
    ).values_list("pk", "kind", "state"):
        present.add(kind)
        if state == Feedback.State.SUBMITTED:
            submitted[fb_id] = kind
    cycle = review.review_cycle
    if not anonymous_released(review):
        held = agg.held_back(cycle.peer_feedback_due, ANONYMITY_MINIMUM)
        return {kind: held for kind in sorted(present)}
    if submitted:
        for fb_id, qid, text, rating in Answer.objects.filter(
            feedback_id__in=list(submitted)
        ).values_list("feedback_id", "question_id", "text", "rating"):
            answers[fb_id].append(agg.AnswerRow(qid, text, rating))
    scale = scale_pairs(cycle.rating_scale)
    out: dict[str, agg.Aggregate] = {}
    for kind in (Feedback.Kind.PEER, Feedback.Kind.UPWARD):
        if kind not in present:
            continue
        ids = [fb_id for fb_id, k in submitted.items() if k == kind]
        specs = [agg.QuestionSpec(q.pk, q.text, q.kind, q.section) for q in questions.get(kind, [])]
        out[kind] = agg.aggregate(
            specs,
            [answers[i] for i in ids],
            scale,
            minimum=ANONYMITY_MINIMUM,
            shuffle=_keyed_order(f"{review.pk}:{kind}"),
        )
    return out


def _keyed_order(salt: str) -> Callable[[list[str]], None]:
    """Put written answers in an order fixed by a keyed hash of each text: the same on every
    read, and unrelated to who wrote which or when."""
    key = settings.SECRET_KEY.encode()

    def order(texts: list[str]) -> None:
        texts.sort(key=lambda t: hmac.new(key, f"{salt}\0{t}".encode(), "sha256").digest())

    return order


# ---------------------------------------------------------------------------------------
# The rating as a viewer may see it


@dataclass(frozen=True)
class RatingView:
    """The rating, potential and explanation as one viewer may see them: the review's (the
    submitted rating, as calibrated) for those who may read its outcome; the manager
    review's draft to its author alone, marked as a draft."""

    rating: int | None
    potential: int | None
    explanation: str
    rating_label: str
    potential_label: str
    draft: bool


def rating_view(viewer: ReviewViewer, review: Review, mine: Feedback | None) -> RatingView | None:
    """``mine``: the viewer's own manager review on the review, if any (its draft fields
    loaded). None when the viewer may see no rating here."""
    cycle = review.review_cycle
    drafting = review.state in (Review.State.SELF_REVIEW, Review.State.MANAGER_REVIEW)
    if drafting and mine is not None and mine.kind == Feedback.Kind.MANAGER:
        rating, potential, explanation = (
            mine.draft_rating,
            mine.draft_potential,
            mine.draft_rating_explanation,
        )
        draft = True
    elif viewer.sees_outcome(review):
        rating, potential, explanation = review.rating, review.potential, review.rating_explanation
        draft = False
    else:
        return None
    return RatingView(
        rating,
        potential,
        explanation,
        scale_label(cycle.rating_scale, rating),
        scale_label(cycle.potential_scale, potential),
        draft,
    )


# ---------------------------------------------------------------------------------------
# Requests, history


@dataclass(frozen=True)
class RequestLine:
    feedback: Feedback
    status: str  # what the viewer is told

    @property
    def state(self) -> str:
        """The request's state as the viewer may know it: "asked" for an open or submitted
        anonymous request (who answered is never told)."""
        fb = self.feedback
        if fb.anonymous and fb.state in (Feedback.State.OPEN, Feedback.State.SUBMITTED):
            return "asked"
        return str(fb.state)


ASKED_ANONYMOUSLY = "Asked (answers are anonymous: nobody is told who answered)"


def peer_requests(user: Person, review: Review) -> list[RequestLine]:
    """Who was asked for peer feedback on a review, with the request's state. On anonymous
    feedback nobody -- the person, the manager, HR -- is told who answered: an open and a
    submitted request read the same."""
    viewer = ReviewViewer.of(user)
    if not viewer.sees_peer_requests(review):
        return []
    lines = []
    rows = (
        Feedback.objects.filter(review=review, kind=Feedback.Kind.PEER)
        .select_related("author", "requested_by", "approved_by")
        .order_by("created_at", "pk")
    )
    for fb in rows:
        fb.review = review
        if fb.state == Feedback.State.REQUESTED:
            status = "Waiting for the manager's approval"
        elif fb.state == Feedback.State.DECLINED:
            status = f"Declined: {fb.decline_reason}"
        elif fb.anonymous:
            status = ASKED_ANONYMOUSLY
        elif fb.state == Feedback.State.SUBMITTED:
            status = "Submitted"
        else:
            status = "Asked, not submitted yet"
        lines.append(RequestLine(fb, status))
    return lines


@dataclass(frozen=True)
class HistoryLine:
    when: Any
    who: str
    what: str
    old: str
    new: str
    reason: str
    kind: str  # "rating" or "amendment"


def history(review: Review) -> list[HistoryLine]:
    """Rating changes and amendments, oldest first (two queries). The caller has checked the
    viewer may see the review."""
    cycle = review.review_cycle
    lines: list[HistoryLine] = []
    for change in RatingChange.objects.filter(review=review).select_related("author", "session"):
        levels = cycle.rating_scale if change.field == "rating" else cycle.potential_scale
        where = f" in {change.session.name}" if change.session_id and change.session else ""
        lines.append(
            HistoryLine(
                change.created_at,
                change.author.name if change.author else "",
                f"{change.get_field_display()}{where}",
                _level(levels, change.old_value),
                _level(levels, change.new_value),
                change.reason,
                "rating",
            )
        )
    amendments = list(Amendment.objects.filter(review=review).select_related("author"))
    ids = {qid for a in amendments if (qid := _question_id(a.field)) is not None}
    texts = dict(CycleQuestion.objects.filter(pk__in=ids).values_list("pk", "text")) if ids else {}
    for amendment in amendments:
        lines.append(
            HistoryLine(
                amendment.created_at,
                amendment.author.name if amendment.author else "",
                _amended_field(amendment.field, texts),
                amendment.old_value,
                amendment.new_value,
                amendment.reason,
                "amendment",
            )
        )
    lines.sort(key=lambda line: line.when)
    return lines


def _level(levels: Sequence[dict[str, Any]], value: int | None) -> str:
    if value is None:
        return "\u2013"
    label = scale_label(levels, value)
    return f"{value} \u00b7 {label}" if label else str(value)


def _question_id(name: str) -> int | None:
    """``answer:<question id>:<text|rating>`` -> the question id."""
    parts = name.split(":")
    if len(parts) == 3 and parts[0] == "answer" and parts[1].isdigit():
        return int(parts[1])
    return None


def _amended_field(name: str, texts: dict[int, str]) -> str:
    qid = _question_id(name)
    if qid is not None:
        part = "rating" if name.endswith(":rating") else "written answer"
        return f"{part.capitalize()} to \u201c{texts.get(qid, 'a question')}\u201d"
    return {
        "rating": "Rating",
        "potential": "Potential",
        "rating_explanation": "Rating explanation",
    }.get(name, name)
