"""What the review conversation's actions share: who is acting, locking the rows they change,
the organisation's today, and the checks on text."""

from __future__ import annotations

import datetime as dt

from lineofsight.core.errors import NotAllowed
from lineofsight.goals.tracking.check_ins_due import organisation_today
from lineofsight.people.models import Person
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.models import Feedback, Review

TEXT_MAX = 10_000
PEERS_MAX = 15  # colleagues asked for feedback on one review, requests declined included


def viewer_of(acting_user: Person | None) -> ReviewViewer:
    if acting_user is None or not acting_user.is_authenticated or not acting_user.is_active:
        raise NotAllowed("Sign in first.")
    return ReviewViewer.of(acting_user)


def locked_review(review: Review) -> Review:
    """The review again, locked for this transaction, with what the rules read."""
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("review_cycle", "subject", "manager")
        .get(pk=review.pk)
    )


def locked_feedback(feedback: Feedback) -> Feedback:
    """The feedback again, locked with its review, with what the rules read."""
    return (
        Feedback.objects.select_for_update(of=("self", "review"))
        .select_related("review__review_cycle", "review__subject", "review__manager", "author")
        .get(pk=feedback.pk)
    )


def today() -> dt.date:
    return organisation_today()


def clean_text(errors: dict[str, str], field: str, value: str | None, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = "This field is required."
    elif len(value) > TEXT_MAX:
        errors[field] = f"Keep it under {TEXT_MAX} characters (it has {len(value)})."
    elif "\x00" in value:
        errors[field] = "Text cannot contain NUL characters."
    return value
