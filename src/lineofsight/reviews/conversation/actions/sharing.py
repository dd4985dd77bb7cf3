"""Sharing a review, its acknowledgement, and amendments after submission.

* **Share**: once the manager submitted the review, a manager of the person (the assigned
  reviewer, the chain above, or HR) releases it; the person is notified and can now read the
  review: the manager review with the rating, named peer and upward feedback, and anonymous
  feedback in aggregate.
* **Acknowledge**: the person confirms they read it, and may add a comment of their own;
  both are kept, once.
* **Amend**: what was submitted is never edited in place. HR may amend it at any time, and
  the review's managers may amend the manager review and the rating until the review is
  shared; each change needs a reason and is kept as an ``Amendment`` with the old and new
  value (a rating change is also a ``RatingChange``). Anonymous feedback is never amended.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.people.models import Person
from lineofsight.reviews import signals
from lineofsight.reviews.conversation.actions._common import (
    clean_text,
    locked_feedback,
    locked_review,
    viewer_of,
)
from lineofsight.reviews.conversation.actions.feedback import (
    UNSET,
    AnswerIn,
    _answer_errors,
    _rating_errors,
    record_rating_change,
)
from lineofsight.reviews.conversation.questions import questions_for, scale_values
from lineofsight.reviews.models import Amendment, Answer, Feedback, Review

SUBMITTED_STATES = (Review.State.SUBMITTED, Review.State.SHARED, Review.State.ACKNOWLEDGED)


@transaction.atomic
def share_review(*, acting_user: Person, review: Review) -> Review:
    """Release a submitted review to its person."""
    viewer = viewer_of(acting_user)
    review = locked_review(review)
    if not viewer.can_share(review) or review.subject_id == viewer.pk:
        raise NotAllowed("Only the person's managers and HR share a review.")
    if review.state != Review.State.SUBMITTED:
        message = (
            "This review is shared already."
            if review.is_shared
            else "The manager review is not submitted yet; share the review once it is."
        )
        raise InvalidInput.one("__all__", message)
    review.state = Review.State.SHARED
    review.shared_at = timezone.now()
    review.shared_by = acting_user
    review.save(update_fields=["state", "shared_at", "shared_by"])
    signals.review_shared.send(sender=Review, review=review, shared_by=acting_user)
    audit.record(actor=acting_user, action="review.share", subject=review, data={})
    return review


@transaction.atomic
def acknowledge_review(*, acting_user: Person, review: Review, comment: str = "") -> Review:
    """The person acknowledges their shared review, with an optional comment."""
    viewer = viewer_of(acting_user)
    review = locked_review(review)
    if not viewer.can_acknowledge(review):
        raise NotAllowed("Only the person reviewed acknowledges their review.")
    errors: dict[str, str] = {}
    comment = clean_text(errors, "comment", comment, required=False)
    if review.state == Review.State.ACKNOWLEDGED:
        errors["__all__"] = "You acknowledged this review already."
    if errors:
        raise InvalidInput(errors)
    review.state = Review.State.ACKNOWLEDGED
    review.acknowledged_at = timezone.now()
    review.employee_comment = comment
    review.save(update_fields=["state", "acknowledged_at", "employee_comment"])
    audit.record(
        actor=acting_user,
        action="review.acknowledge",
        subject=review,
        data={"commented": bool(comment)},
    )
    return review


def _value(value: Any) -> str:
    return "" if value is None else str(value)


@transaction.atomic
def amend_review(
    *,
    acting_user: Person,
    review: Review,
    reason: str,
    rating: Any = UNSET,
    potential: Any = UNSET,
    rating_explanation: Any = UNSET,
    feedback: Feedback | None = None,
    answers: Mapping[int, AnswerIn] | None = None,
) -> list[Amendment]:
    """Amend a submitted review: its rating, potential or explanation, and/or the answers of
    one submitted feedback on it. Every change is an Amendment with the reason; sending what
    is already there changes nothing (and an amendment that changes nothing is refused)."""
    viewer = viewer_of(acting_user)
    review = locked_review(review)
    fb = locked_feedback(feedback) if feedback is not None else None
    if fb is not None and fb.review_id != review.pk:
        raise InvalidInput.one("feedback", "That feedback belongs to another review.")
    touches_rating = any(v is not UNSET for v in (rating, potential, rating_explanation))
    may = viewer.can_amend(review, fb) and (not touches_rating or viewer.can_amend(review))
    if not may:
        raise NotAllowed(
            "Only HR amends a review after it is submitted (and the review's managers the "
            "manager review, until it is shared); anonymous feedback is never amended."
        )
    errors: dict[str, str] = {}
    reason = clean_text(errors, "reason", reason, required=True)
    if review.state not in SUBMITTED_STATES:
        errors["__all__"] = "The review is not submitted yet; change it in its form instead."
    if fb is not None and fb.state != Feedback.State.SUBMITTED:
        errors["feedback"] = "Only submitted feedback is amended; this one can still be edited."
    rating_fb = Feedback(kind=Feedback.Kind.MANAGER, review=review)
    values = _rating_errors(errors, rating_fb, rating, potential, rating_explanation)
    cleaned: dict[int, AnswerIn] = {}
    if answers:
        if fb is None:
            errors["feedback"] = "Say which feedback the answers belong to."
        else:
            questions = {q.pk: q for q in questions_for(review.review_cycle_id, fb.kind)}
            cleaned = _answer_errors(
                errors, questions, scale_values(review.review_cycle.rating_scale), answers
            )
    if errors:
        raise InvalidInput(errors)
    made: list[Amendment] = []

    def amend(field: str, old: Any, new: Any, on: Feedback | None = None) -> None:
        made.append(
            Amendment(
                review=review,
                feedback=on,
                field=field,
                old_value=_value(old),
                new_value=_value(new),
                reason=reason,
                author=acting_user,
            )
        )

    review_fields: list[str] = []
    for field in ("rating", "potential"):
        if field in values and values[field] != getattr(review, field):
            amend(field, getattr(review, field), values[field])
            record_rating_change(review, field, values[field], author=acting_user, reason=reason)
            review_fields.append(field)
    new_explanation = values.get("rating_explanation")
    if new_explanation is not None and new_explanation != review.rating_explanation:
        amend("rating_explanation", review.rating_explanation, new_explanation)
        review.rating_explanation = new_explanation
        review_fields.append("rating_explanation")
    if fb is not None and cleaned:
        stored = {a.question_id: a for a in Answer.objects.filter(feedback=fb)}
        for qid, answer in cleaned.items():
            row = stored.get(qid) or Answer(feedback=fb, question_id=qid)
            if row.text != answer.text:
                amend(f"answer:{qid}:text", row.text, answer.text, fb)
            if row.rating != answer.rating:
                amend(f"answer:{qid}:rating", row.rating, answer.rating, fb)
            if (row.text, row.rating) != (answer.text, answer.rating):
                row.text, row.rating = answer.text, answer.rating
                row.save()
    if not made:
        raise InvalidInput.one("__all__", "Nothing changed: the values are those already there.")
    if review_fields:
        review.save(update_fields=review_fields)
    Amendment.objects.bulk_create(made)
    audit.record(
        actor=acting_user,
        action="review.amend",
        subject=review,
        data={
            "fields": [a.field for a in made],
            "feedback": fb.pk if fb is not None else None,
        },
        amendment_reason=reason,
    )
    return made
