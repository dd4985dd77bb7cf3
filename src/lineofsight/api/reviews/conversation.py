"""The review conversation over the API: my reviews, one review with the sections the caller
may see, feedback (read, save a draft, submit), peer requests and their approval, upward
feedback, sharing, acknowledgement, amendments and anonymous aggregates.

The same selectors and actions as the pages, so the same access policy: a review is read by
its manager chain and HR, and by the person (its outcome once shared); others get 404;
feedback by its author (a draft by nobody else) and, when named and submitted, by those who
may read the review's outcome; anonymous feedback only in aggregate, released together when
the feedback phase closes, from three answers up. Writes of feedback carry the ``version``
they were made from: 409 when someone saved since.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from lineofsight.access.policy import Viewer
from lineofsight.api.auth import caller
from lineofsight.api.base import References
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS, body
from lineofsight.api.reviews.schemas import (
    AcknowledgeIn,
    AmendmentIn,
    AmendmentOut,
    DeclineIn,
    FeedbackAggregateOut,
    FeedbackAnswerIn,
    FeedbackConflictOut,
    FeedbackIn,
    FeedbackOut,
    MyReviewsOut,
    PeerRequestIn,
    PeerRequestOut,
    ReviewDetailOut,
)
from lineofsight.api.types import ParamId
from lineofsight.core.errors import Conflict, InvalidInput, NotAllowed
from lineofsight.people.selectors import people_visible_to
from lineofsight.reviews.access import feedback_closed_because
from lineofsight.reviews.conversation import actions, pages, selectors
from lineofsight.reviews.conversation import aggregate as agg
from lineofsight.reviews.models import Amendment, Feedback, Review

reviews = Router(tags=["reviews: conversation"])
feedback = Router(tags=["reviews: conversation"])
mine = Router(tags=["reviews: conversation"])

PERMISSIONS = ("share", "acknowledge", "amend", "request", "approve")

# ---------------------------------------------------------------------------------------
# Rows


def _task(task: pages.Task) -> dict[str, Any]:
    phase = task.phase
    return {
        "kind": task.kind,
        "title": task.title,
        "review_cycle": task.cycle.pk,
        "review_cycle_name": task.cycle.name,
        "phase": phase.key if phase else "",
        "phase_label": phase.label if phase else "",
        "due": task.due,
        "overdue": task.overdue,
        "review": task.review.pk if task.review else None,
        "feedback": task.feedback.pk if task.feedback else None,
        "note": task.note,
        "url": task.url,
    }


def _feedback_row(user: Any, sheet: selectors.Sheet) -> dict[str, Any]:
    fb = sheet.feedback
    review = fb.review
    row: dict[str, Any] = {
        "id": fb.pk,
        "review": fb.review_id,
        "kind": fb.kind,
        "state": fb.state,
        "anonymous": fb.anonymous,
        "author": fb.author_id,
        "author_name": fb.author.name,
        "submitted_at": fb.submitted_at,
        "updated_at": fb.updated_at,
        "version": fb.version,
        "writable": Viewer.of(user).can_write_feedback(fb),
        "closed_reason": feedback_closed_because(fb),
        "answers": [
            {
                "question": line.question.pk,
                "question_text": line.question.text,
                "section": line.question.section,
                "kind": line.question.kind,
                "required": line.question.required,
                "text": line.text,
                "rating": line.rating,
                "rating_label": line.rating_label,
            }
            for line in sheet.lines
        ],
    }
    if fb.kind == Feedback.Kind.MANAGER:
        seen = selectors.rating_view(Viewer.of(user), review, fb)
        if seen is not None:
            row.update(
                rating=seen.rating,
                potential=seen.potential,
                rating_explanation=seen.explanation,
                attainment=review.attainment,
            )
    return row


def _aggregate(kind: str, a: agg.Aggregate) -> dict[str, Any]:
    return {
        "kind": kind,
        "shown": a.shown,
        "minimum": a.minimum,
        "respondents": a.respondents,
        "message": a.message,
        "questions": [
            {
                "question": q.question.id,
                "question_text": q.question.text,
                "kind": q.question.kind,
                "answered": q.answered if a.shown else None,
                "shown": q.shown,
                "counts": [
                    {"value": c.value, "label": c.label, "count": c.count} for c in q.counts
                ],
                "average": q.average,
                "texts": list(q.texts),
                "message": q.message,
            }
            for q in a.questions
        ],
    }


def _history(line: selectors.HistoryLine) -> dict[str, Any]:
    return {
        "at": line.when,
        "who": line.who,
        "kind": line.kind,
        "what": line.what,
        "old": line.old,
        "new": line.new,
        "reason": line.reason,
    }


def _detail(user: Any, review: Review) -> dict[str, Any]:
    data = pages.review_page(user, review, with_evidence=False)  # see /reviews/{id}/evidence
    cycle = review.review_cycle
    seen = data.rating
    indication = data.extra.get("indication")
    return {
        "id": review.pk,
        "review_cycle": cycle.pk,
        "review_cycle_name": cycle.name,
        "subject": review.subject_id,
        "subject_name": review.subject.name,
        "manager": review.manager_id,
        "manager_name": review.manager.name if review.manager else "",
        "state": review.state,
        "state_label": review.get_state_display(),
        "phase": data.phase.key,
        "phase_label": data.phase.label,
        "rating": seen.rating if seen else None,
        "rating_label": data.rating_label,
        "rating_is_draft": bool(seen and seen.draft),
        "potential": seen.potential if seen else None,
        "potential_label": data.potential_label,
        "rating_explanation": seen.explanation if seen else "",
        "attainment": review.attainment if seen else None,
        "outcome_shown": data.sees_outcome,
        "policy": data.policy_line,
        "formula": {
            "value": indication.value,
            "nearest": indication.nearest,
            "lines": indication.lines(),
        }
        if indication is not None
        else None,
        "shared_at": review.shared_at,
        "acknowledged_at": review.acknowledged_at,
        "employee_comment": review.employee_comment,
        "feedback": [
            _feedback_row(user, sheet)
            for kind in ("self", "manager", "peer", "upward")
            for sheet in data.feedback.named.get(kind, [])
        ],
        "aggregates": [_aggregate(k, a) for k, a in data.feedback.aggregates.items()],
        "history": [_history(line) for line in data.history],
        "one_on_one_notes": [
            {
                "held_at": note.held_at,
                "text": note.text,
                "shared_by": note.shared_by_id,
                "shared_by_name": note.shared_by.name,
                "shared_at": note.shared_at,
            }
            for note in data.extra.get("one_on_one_notes", [])
        ],
        "can": {
            key: data.can[key] for key in ("share", "acknowledge", "amend", "request", "approve")
        },
    }


def _request_row(line: selectors.RequestLine) -> dict[str, Any]:
    fb = line.feedback
    return {
        "id": fb.pk,
        "review": fb.review_id,
        "peer": fb.author_id,
        "peer_name": fb.author.name,
        "state": line.state,
        "status": line.status,
        "requested_by": fb.requested_by_id,
        "approved_by": fb.approved_by_id,
        "decline_reason": fb.decline_reason,
    }


def _answers(items: list[FeedbackAnswerIn]) -> dict[int, actions.AnswerIn]:
    return {a.question: actions.AnswerIn(text=a.text, rating=a.rating) for a in items}


def _rating_args(payload: FeedbackIn | AmendmentIn) -> dict[str, Any]:
    sent = payload.model_fields_set
    return {
        name: getattr(payload, name)
        for name in ("rating", "potential", "rating_explanation")
        if name in sent
    }


# ---------------------------------------------------------------------------------------
# My reviews, one review


@mine.get("", response={200: MyReviewsOut, **READ_ERRORS})
def list_my_reviews(request: HttpRequest) -> Any:
    """What you must write or decide now (your self review, manager reviews of your reports,
    peer and upward feedback asked of you, requests to approve, reviews to share), with
    deadlines and phase; and your own reviews."""
    box = pages.inbox(caller(request))
    return {
        "tasks": [_task(t) for t in box.tasks],
        "reviews": [
            {
                "id": m.review.pk,
                "review_cycle": m.review.review_cycle_id,
                "review_cycle_name": m.review.review_cycle.name,
                "state": m.review.state,
                "state_label": m.review.get_state_display(),
                "phase": m.phase.key,
                "phase_label": m.phase.label,
                "manager": m.review.manager_id,
                "manager_name": m.review.manager.name if m.review.manager else "",
                "shared": m.review.is_shared,
            }
            for m in box.mine
        ],
    }


@reviews.get("/{id}", response={200: ReviewDetailOut, **READ_ERRORS})
def get_review(request: HttpRequest, id: ParamId) -> Any:
    """One review with the sections you may see: its managers and HR; the person from the
    start, with their own self review and no rating, manager review or feedback of others
    until it is shared (``outcome_shown``). A draft rating shows to its author alone
    (``rating_is_draft``)."""
    user = caller(request)
    return _detail(user, selectors.get_review_for_user(user, id))


@reviews.get("/{id}/aggregates", response={200: list[FeedbackAggregateOut], **READ_ERRORS})
def get_feedback_aggregates(request: HttpRequest, id: ParamId) -> Any:
    """Anonymous peer and upward feedback on the review, in aggregate only: counts per
    rating, averages and the written answers without names in random order; nothing (not
    even a count) until the answers are released together when the review's feedback phase
    closes, and then only from three answers up. For those who may read the review's
    outcome (the person once it is shared)."""
    user = caller(request)
    review = selectors.get_review_outcome_for_user(user, id)
    return [_aggregate(k, a) for k, a in selectors.anonymous_aggregates(review).items()]


@reviews.post("/{id}/share", response={200: ReviewDetailOut, **WRITE_ERRORS})
def share_review(request: HttpRequest, id: ParamId) -> Any:
    """Release a submitted review to its person (they are notified)."""
    user = caller(request)
    review = selectors.get_review_for_user(user, id)
    actions.share_review(acting_user=user, review=review)
    return _detail(user, selectors.get_review_for_user(user, id))


@reviews.post("/{id}/acknowledge", response={200: ReviewDetailOut, **WRITE_ERRORS})
def acknowledge_review(request: HttpRequest, id: ParamId, payload: AcknowledgeIn) -> Any:
    """The person acknowledges their shared review, with an optional comment (once)."""
    user = caller(request)
    review = selectors.get_review_for_user(user, id)
    actions.acknowledge_review(acting_user=user, review=review, comment=payload.comment)
    return _detail(user, selectors.get_review_for_user(user, id))


# ---------------------------------------------------------------------------------------
# Amendments


def _amendment(a: Amendment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "review": a.review_id,
        "feedback": a.feedback_id,
        "field": a.field,
        "old_value": a.old_value,
        "new_value": a.new_value,
        "reason": a.reason,
        "author": a.author_id,
        "created_at": a.created_at,
    }


@reviews.get("/{id}/amendments", response={200: list[AmendmentOut], **READ_ERRORS})
def list_amendments(request: HttpRequest, id: ParamId) -> Any:
    """Changes made after submission, oldest first, each with its reason (for those who may
    read the review's outcome)."""
    user = caller(request)
    review = selectors.get_review_outcome_for_user(user, id)
    return [_amendment(a) for a in Amendment.objects.filter(review=review).order_by("pk")]


@reviews.post("/{id}/amendments", response={201: list[AmendmentOut], **WRITE_ERRORS})
def amend_review(request: HttpRequest, id: ParamId, payload: AmendmentIn) -> Any:
    """Amend a submitted review with a reason: HR at any time; the review's managers the
    manager review and rating until it is shared. Anonymous feedback is never amended."""
    user = caller(request)
    review = selectors.get_review_for_user(user, id)
    refs = References()
    fb = refs.get(
        selectors.feedback_for_user(user).filter(review=review),
        payload.feedback,
        "feedback",
        "feedback on this review",
    )
    refs.check()
    made = actions.amend_review(
        acting_user=user,
        review=review,
        reason=payload.reason,
        feedback=fb,
        answers=_answers(payload.answers) if payload.answers else None,
        **_rating_args(payload),
    )
    return Status(201, [_amendment(a) for a in made])


# ---------------------------------------------------------------------------------------
# Peer requests, upward feedback


@reviews.get("/{id}/peer-requests", response={200: list[PeerRequestOut], **READ_ERRORS})
def list_peer_requests(request: HttpRequest, id: ParamId) -> Any:
    """Who was asked for feedback on the review (for the person and their managers). On
    anonymous feedback nobody is told who answered: an open or submitted request's state
    is ``asked``."""
    user = caller(request)
    review = selectors.get_review_for_requests(user, id)
    return [_request_row(line) for line in selectors.peer_requests(user, review)]


@reviews.post("/{id}/peer-requests", response={201: list[PeerRequestOut], **WRITE_ERRORS})
def request_peer_feedback(request: HttpRequest, id: ParamId, payload: PeerRequestIn) -> Any:
    """Ask colleagues for feedback: the person's requests wait for a manager's approval; a
    manager's open at once. Never the person, never the reviewing manager."""
    user = caller(request)
    review = selectors.get_review_for_requests(user, id)
    refs = References()
    people = [
        refs.get(people_visible_to(user), pk, "peers", "active person") for pk in payload.peers
    ]
    refs.check()
    made = actions.request_peer_feedback(
        acting_user=user, review=review, peers=[p for p in people if p is not None]
    )
    ids = {fb.pk for fb in made}
    lines = [line for line in selectors.peer_requests(user, review) if line.feedback.pk in ids]
    return Status(201, [_request_row(line) for line in lines])


def _decided(user: Any, fb: Feedback) -> dict[str, Any]:
    lines = selectors.peer_requests(user, fb.review)
    return _request_row(next(line for line in lines if line.feedback.pk == fb.pk))


@feedback.post("/{id}/approve", response={200: PeerRequestOut, **WRITE_ERRORS})
def approve_feedback_request(request: HttpRequest, id: ParamId) -> Any:
    """Approve a requested peer feedback: it opens for the colleague (who is notified)."""
    user = caller(request)
    fb = selectors.get_peer_request_for_user(user, id)
    actions.approve_feedback_request(acting_user=user, feedback=fb)
    return _decided(user, fb)


@feedback.post("/{id}/decline", response={200: PeerRequestOut, **WRITE_ERRORS})
def decline_feedback_request(request: HttpRequest, id: ParamId, payload: DeclineIn) -> Any:
    """Decline a requested peer feedback, with a reason the person reads."""
    user = caller(request)
    fb = selectors.get_peer_request_for_user(user, id)
    actions.decline_feedback_request(acting_user=user, feedback=fb, reason=payload.reason)
    return _decided(user, fb)


@reviews.post("/{id}/upward-feedback", response={201: FeedbackOut, **WRITE_ERRORS})
def start_upward_feedback(request: HttpRequest, id: ParamId) -> Any:
    """Start (or find) your upward feedback on your manager, attached to their review in the
    cycle. Then save and submit it at /api/feedback/{id}."""
    user = caller(request)
    review = selectors.get_review_for_upward(user, id)
    fb = actions.start_upward_feedback(acting_user=user, review=review)
    fb = selectors.get_feedback_for_user(user, fb.pk)
    return Status(201, _feedback_row(user, selectors.feedback_sheet(fb)))


# ---------------------------------------------------------------------------------------
# Feedback


@feedback.get("/{id}", response={200: FeedbackOut, **READ_ERRORS})
def get_feedback(request: HttpRequest, id: ParamId) -> Any:
    """A feedback with its questions and answers: for its author, and (named and submitted)
    for those who may read the review."""
    user = caller(request)
    fb = selectors.get_feedback_for_user(user, id)
    return _feedback_row(user, selectors.feedback_sheet(fb))


def _write(request: HttpRequest, id: int, payload: FeedbackIn, submit: bool) -> Any:
    user = caller(request)
    fb = selectors.get_feedback_for_user(user, id)
    if not Viewer.of(user).writes_feedback(fb):
        raise NotAllowed("Only its author writes this feedback.")
    if payload.version is None:
        raise InvalidInput.one(
            "version",
            "Send the version you read (GET /api/feedback/{id} gives it): a save made from an "
            "older version is refused instead of overwriting a newer one.",
        )
    call = actions.submit_feedback if submit else actions.save_feedback
    try:
        call(
            acting_user=user,
            feedback=fb,
            answers=_answers(payload.answers),
            version=payload.version,
            **_rating_args(payload),
        )
    except Conflict as exc:
        fresh = selectors.get_feedback_for_user(user, id)
        current = _feedback_row(user, selectors.feedback_sheet(fresh))
        return Status(409, {**body(exc.summary(), exc.errors), "current": current})
    fb = selectors.get_feedback_for_user(user, id)
    return _feedback_row(user, selectors.feedback_sheet(fb))


@feedback.put("/{id}", response={200: FeedbackOut, 409: FeedbackConflictOut, **WRITE_ERRORS})
def save_feedback(request: HttpRequest, id: ParamId, payload: FeedbackIn) -> Any:
    """Save a draft (its author, while open; nobody else reads it). Answers sent replace the
    stored ones for their questions; the manager review also takes the rating, potential and
    explanation, kept on the draft until it is submitted. ``version`` (required) is the
    version you read: if someone saved since, nothing is saved and 409 answers with the
    newer feedback in ``current``."""
    return _write(request, id, payload, submit=False)


@feedback.post(
    "/{id}/submit", response={200: FeedbackOut, 409: FeedbackConflictOut, **WRITE_ERRORS}
)
def submit_feedback(request: HttpRequest, id: ParamId, payload: FeedbackIn) -> Any:
    """Save what is sent and submit: every required answer must be there (errors name the
    question, as ``answers.<question id>.text`` or ``.rating``). Submitted feedback is
    immutable. ``version`` as for saving (409 when someone saved since)."""
    return _write(request, id, payload, submit=True)
