"""Writing feedback: saving a draft and submitting it (self, manager, peer and upward).

* Only the author writes a feedback row, and only while its phase is open
  (``feedback_closed_because``): the self review until the person submits it; the manager
  review, peer and upward feedback until the manager submits the review.
* A draft may be saved as often as wanted; the answers sent replace the stored ones, the
  others are kept. Answers must fit their question (a rating on the cycle's scale for a rated
  question, text for a written one). A draft is its author's alone until submitted.
* Every save that changes something moves the feedback's ``version`` on. A save or submit
  that says which version it was made from (the form always does, the API must) is refused
  with ``Conflict`` when another save came in between: nothing is lost silently.
* Submitting checks every required answer (the errors name the question) and, for the
  manager review, the overall rating, the potential when the cycle rates it, and the rating
  explanation. A submitted feedback is immutable; changes are amendments, with a reason.
* The manager review carries the rating. While it is a draft the rating, the potential and
  the explanation stay on the draft (``Feedback.draft_*``), its author's alone; submitting
  moves them onto the review and writes the ``RatingChange`` rows (from nothing to the
  rating). OKR attainment is never copied into it.
* Submitting moves the review on: the self review to *manager review*; the manager review to
  *submitted*. The manager may submit before the self review only once its deadline passed.
* Anonymous answers leave no row in the audit log: a row naming their writer, or saying
  when they wrote, would tell who answered.
* Before writing a manager review the manager opens the team's OKR summary for the cycle
  (team context first); until then the manager review refuses to save, saying where to look.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import Conflict, InvalidInput, NotAllowed
from lineofsight.people.models import Person
from lineofsight.people.selectors import organisation_time_zone
from lineofsight.reviews.access import ReviewViewer, feedback_closed_because
from lineofsight.reviews.conversation import team_context
from lineofsight.reviews.conversation.actions._common import (
    clean_text,
    locked_feedback,
    today,
    viewer_of,
)
from lineofsight.reviews.conversation.questions import named, questions_for, scale_values
from lineofsight.reviews.models import (
    Answer,
    AnswerKind,
    CycleQuestion,
    Feedback,
    RatingChange,
    Review,
)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@dataclass(frozen=True)
class AnswerIn:
    """One answer as sent: the text and/or the rating (on the cycle's rating scale)."""

    text: str = ""
    rating: int | None = None


def _writer(viewer: ReviewViewer, fb: Feedback) -> None:
    """The author only (others are refused); then the phase (bad input: nothing changes)."""
    if not viewer.writes_feedback(fb):
        raise NotAllowed("Only its author writes this feedback.")
    closed = feedback_closed_because(fb)
    if closed:
        raise InvalidInput.one("__all__", closed)
    if fb.kind == Feedback.Kind.MANAGER and not team_context.seen(viewer, fb.review):
        raise InvalidInput.one("__all__", team_context.first_message(fb.review, viewer))


def _check_version(fb: Feedback, version: int | None) -> None:
    """Refuse a write made from an older version than the stored one (``None``: unchecked,
    for the product's own callers)."""
    if version is None or version == fb.version:
        return
    saved = timezone.localtime(fb.updated_at, zoneinfo.ZoneInfo(organisation_time_zone()))
    raise Conflict.one(
        "version",
        f"This was saved elsewhere after you opened it (at {saved:%H:%M} on {saved.day} "
        f"{saved:%b}); nothing was saved from this attempt. The newer text is shown: add your "
        "changes to it and save again.",
    )


def _answer_errors(
    errors: dict[str, str],
    questions: dict[int, CycleQuestion],
    scale: list[int],
    answers: Mapping[int, AnswerIn],
) -> dict[int, AnswerIn]:
    cleaned: dict[int, AnswerIn] = {}
    for qid, answer in answers.items():
        key = f"answers.{qid}"
        question = questions.get(qid) if isinstance(qid, int) else None
        if question is None:
            errors[key] = f"Question {qid} is not part of this form."
            continue
        label = named(question.text)
        rating = answer.rating
        if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int)):
            errors[f"{key}.rating"] = f"{label}: give the rating as a whole number."
            continue
        if rating is not None and question.kind == AnswerKind.TEXT:
            errors[f"{key}.rating"] = f"{label} takes a written answer only."
            continue
        if rating is not None and rating not in scale:
            errors[f"{key}.rating"] = (
                f"{label}: choose a rating from {scale[0]} to {scale[-1]}."
                if scale
                else f"{label}: the cycle has no rating scale."
            )
            continue
        if not isinstance(answer.text, str):
            errors[f"{key}.text"] = f"{label}: give the answer as text."
            continue
        text = clean_text(errors, f"{key}.text", answer.text, required=False)
        if text and question.kind == AnswerKind.RATING:
            errors[f"{key}.text"] = f"{label} takes a rating only."
            continue
        cleaned[qid] = AnswerIn(text, rating)
    return cleaned


def _rating_value(
    errors: dict[str, str], field: str, value: Any, allowed: list[int], what: str
) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        low, high = (allowed[0], allowed[-1]) if allowed else (0, 0)
        errors[field] = f"Choose a {what} from {low} to {high}."
        return None
    return value


def _rating_errors(
    errors: dict[str, str], fb: Feedback, rating: Any, potential: Any, explanation: Any
) -> dict[str, Any]:
    """The manager review's rating fields, cleaned (only those sent)."""
    out: dict[str, Any] = {}
    sent = {
        name
        for name, value in (
            ("rating", rating),
            ("potential", potential),
            ("rating_explanation", explanation),
        )
        if value is not UNSET
    }
    if fb.kind != Feedback.Kind.MANAGER:
        for name in sent:
            errors[name] = "Only the manager review carries the rating."
        return out
    cycle = fb.review.review_cycle
    if rating is not UNSET:
        out["rating"] = _rating_value(
            errors, "rating", rating, scale_values(cycle.rating_scale), "rating"
        )
    if potential is not UNSET:
        if not cycle.rate_potential and potential is not None:
            errors["potential"] = f"{cycle.name} does not rate potential."
        else:
            out["potential"] = _rating_value(
                errors, "potential", potential, scale_values(cycle.potential_scale), "potential"
            )
    if explanation is not UNSET:
        if explanation is not None and not isinstance(explanation, str):
            errors["rating_explanation"] = "Give the explanation as text."
        else:
            out["rating_explanation"] = clean_text(
                errors, "rating_explanation", explanation, required=False
            )
    return out


def _store_answers(fb: Feedback, cleaned: dict[int, AnswerIn]) -> int:
    """Upsert the answers sent; returns how many changed."""
    if not cleaned:
        return 0
    stored = {a.question_id: a for a in Answer.objects.filter(feedback=fb, question__in=cleaned)}
    new: list[Answer] = []
    changed: list[Answer] = []
    for qid, answer in cleaned.items():
        row = stored.get(qid)
        if row is None:
            if answer.text or answer.rating is not None:
                new.append(
                    Answer(feedback=fb, question_id=qid, text=answer.text, rating=answer.rating)
                )
        elif (row.text, row.rating) != (answer.text, answer.rating):
            row.text, row.rating = answer.text, answer.rating
            changed.append(row)
    Answer.objects.bulk_create(new)
    if changed:
        Answer.objects.bulk_update(changed, ["text", "rating"])
    return len(new) + len(changed)


def record_rating_change(
    review: Review,
    field: str,
    new: int | None,
    *,
    author: Person,
    reason: str,
) -> bool:
    """Set the review's rating or potential, logging the change (no row when unchanged).
    The caller saves the review."""
    old = getattr(review, field)
    if old == new:
        return False
    RatingChange.objects.create(
        review=review, field=field, old_value=old, new_value=new, reason=reason, author=author
    )
    setattr(review, field, new)
    return True


DRAFT_FIELDS = {
    "rating": "draft_rating",
    "potential": "draft_potential",
    "rating_explanation": "draft_rating_explanation",
}


def _store_draft_rating(fb: Feedback, values: dict[str, Any]) -> list[str]:
    """Keep the manager review's rating fields on its draft; returns the fields changed."""
    fields: list[str] = []
    for name, column in DRAFT_FIELDS.items():
        if name in values and values[name] != getattr(fb, column):
            setattr(fb, column, values[name])
            fields.append(column)
    return fields


def _save(
    viewer: ReviewViewer,
    fb: Feedback,
    answers: Mapping[int, AnswerIn],
    rating: Any,
    potential: Any,
    explanation: Any,
    version: int | None,
) -> tuple[int, list[str]]:
    _writer(viewer, fb)
    _check_version(fb, version)
    errors: dict[str, str] = {}
    questions = {q.pk: q for q in questions_for(fb.review.review_cycle_id, fb.kind)}
    cleaned = _answer_errors(
        errors, questions, scale_values(fb.review.review_cycle.rating_scale), answers
    )
    rating_values = _rating_errors(errors, fb, rating, potential, explanation)
    if errors:
        raise InvalidInput(errors)
    changed = _store_answers(fb, cleaned)
    draft_fields = _store_draft_rating(fb, rating_values)
    if changed or draft_fields:
        fb.updated_at = timezone.now()
        fb.version += 1
        fb.save(update_fields=["updated_at", "version", *draft_fields])
    return changed, draft_fields


def _record(acting_user: Person, action: str, fb: Feedback, data: dict[str, Any]) -> None:
    """The audit row of a feedback write; none for an anonymous answer."""
    if not fb.anonymous:
        audit.record(actor=acting_user, action=action, subject=fb, data=data)


@transaction.atomic
def save_feedback(
    *,
    acting_user: Person,
    feedback: Feedback,
    answers: Mapping[int, AnswerIn],
    rating: Any = UNSET,
    potential: Any = UNSET,
    rating_explanation: Any = UNSET,
    version: int | None = None,
) -> Feedback:
    """Save a draft of one's feedback (answers by question id; for the manager review also
    the rating, potential and explanation, kept on the draft). Nothing is checked for
    completeness yet. ``version``: the version the edit was made from (see ``Conflict``)."""
    viewer = viewer_of(acting_user)
    fb = locked_feedback(feedback)
    changed, draft_fields = _save(
        viewer, fb, answers, rating, potential, rating_explanation, version
    )
    _record(
        acting_user,
        "feedback.save",
        fb,
        {
            "kind": fb.kind,
            "review": fb.review_id,
            "answers_changed": changed,
            "rating_fields": [name for name, c in DRAFT_FIELDS.items() if c in draft_fields],
        },
    )
    return fb


def _missing(fb: Feedback) -> dict[str, str]:
    """Required answers (and, for the manager review, rating fields) still missing."""
    errors: dict[str, str] = {}
    answers = {a.question_id: a for a in Answer.objects.filter(feedback=fb)}
    for q in questions_for(fb.review.review_cycle_id, fb.kind):
        if not q.required:
            continue
        a = answers.get(q.pk)
        label = named(q.text)
        rated = q.kind in (AnswerKind.RATING, AnswerKind.RATING_TEXT)
        if rated and (a is None or a.rating is None):
            errors[f"answers.{q.pk}.rating"] = f"{label} needs a rating."
        if q.kind in (AnswerKind.TEXT, AnswerKind.RATING_TEXT) and (a is None or not a.text):
            errors[f"answers.{q.pk}.text"] = f"{label} needs an answer."
    if fb.kind == Feedback.Kind.MANAGER:
        if fb.draft_rating is None:
            errors["rating"] = "Give the overall rating."
        if fb.review.review_cycle.rate_potential and fb.draft_potential is None:
            errors["potential"] = "Rate the potential (this cycle rates it)."
        if not fb.draft_rating_explanation.strip():
            errors["rating_explanation"] = "Explain the rating in a few sentences."
    return errors


def _phase_errors(fb: Feedback) -> dict[str, str]:
    review = fb.review
    if fb.kind != Feedback.Kind.MANAGER or review.state != Review.State.SELF_REVIEW:
        return {}
    cycle = review.review_cycle
    if today() > cycle.self_review_due:
        return {}
    return {
        "__all__": (
            f"{review.subject.name}'s self review is not submitted yet; submit the manager "
            f"review once it is, or after its deadline ({cycle.self_review_due:%Y-%m-%d})."
        )
    }


@transaction.atomic
def submit_feedback(
    *,
    acting_user: Person,
    feedback: Feedback,
    answers: Mapping[int, AnswerIn] | None = None,
    rating: Any = UNSET,
    potential: Any = UNSET,
    rating_explanation: Any = UNSET,
    version: int | None = None,
) -> Feedback:
    """Save what is sent, check that every required answer is there and submit: from now on
    the feedback is immutable. If anything is missing nothing is saved. Submitting the
    manager review puts its rating on the review: from then on it counts."""
    viewer = viewer_of(acting_user)
    fb = locked_feedback(feedback)
    _save(viewer, fb, answers or {}, rating, potential, rating_explanation, version)
    errors = _phase_errors(fb) or _missing(fb)
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    review = fb.review
    fields = ["state", "submitted_at", "updated_at", "version"]
    if fb.kind == Feedback.Kind.MANAGER:
        _put_rating_on_review(fb, acting_user)
        fields += list(DRAFT_FIELDS.values())
    fb.state = Feedback.State.SUBMITTED
    fb.submitted_at = now
    fb.updated_at = now
    fb.version += 1
    fb.save(update_fields=fields)
    moved = ""
    if fb.kind == Feedback.Kind.SELF:
        review.state = Review.State.MANAGER_REVIEW
        review.self_submitted_at = now
        review.save(update_fields=["state", "self_submitted_at"])
        moved = review.state
    elif fb.kind == Feedback.Kind.MANAGER:
        review.state = Review.State.SUBMITTED
        review.manager_submitted_at = now
        review.save(
            update_fields=[
                "state",
                "manager_submitted_at",
                "rating",
                "potential",
                "rating_explanation",
            ]
        )
        moved = review.state
    _record(
        acting_user,
        "feedback.submit",
        fb,
        {
            "kind": fb.kind,
            "review": review.pk,
            "review_state": moved or review.state,
            "rating": review.rating if fb.kind == Feedback.Kind.MANAGER else None,
        },
    )
    return fb


def _put_rating_on_review(fb: Feedback, author: Person) -> None:
    """Move the manager review's draft rating fields onto the review (saved by the caller),
    logging the rating and potential as changes from nothing."""
    review = fb.review
    for field in ("rating", "potential"):
        record_rating_change(
            review,
            field,
            getattr(fb, DRAFT_FIELDS[field]),
            author=author,
            reason="Submitted in the manager review.",
        )
    review.rating_explanation = fb.draft_rating_explanation
    fb.draft_rating = fb.draft_potential = None
    fb.draft_rating_explanation = ""
