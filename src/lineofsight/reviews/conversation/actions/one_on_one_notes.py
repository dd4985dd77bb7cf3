"""A one-on-one's notes shared into the report's review (the one-on-ones app calls this once
it has checked that the writer held the meeting)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.people.models import Person
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.models import OneOnOneNote, Review

NOTE_MAX = 20000


def review_for_one_on_one(report_id: int, manager_id: int) -> Review | None:
    """The report's review being written by this manager (not shared yet), latest first."""
    return (
        Review.objects.filter(subject_id=report_id, manager_id=manager_id)
        .exclude(state__in=(Review.State.SHARED, Review.State.ACKNOWLEDGED))
        .select_related("subject")
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def add_one_on_one_note(
    *, acting_user: Person, review: Review, text: str, held_at: dt.datetime
) -> OneOnOneNote:
    """Put a copy of a one-on-one's notes into the review, marked as shared from it. Only its
    subject or its writer shares one; the audit row names the review, not the text."""
    viewer = ReviewViewer.of(acting_user)
    if not viewer.is_active or acting_user.pk not in (review.subject_id, review.manager_id):
        raise NotAllowed("Only the person and the manager writing the review share into it.")
    body = (text or "").strip()
    if not body:
        raise InvalidInput.one("text", "The notes are empty: write them before sharing.")
    if len(body) > NOTE_MAX:
        raise InvalidInput.one("text", f"Keep the notes under {NOTE_MAX} characters.")
    note = OneOnOneNote.objects.create(
        review=review, held_at=held_at, text=body, shared_by=acting_user
    )
    audit.record(
        actor=acting_user,
        action="review.one_on_one_note_shared",
        subject=review,
        data={"note": note.pk},
    )
    return note
