"""Asking for feedback: peer requests and their approval, and upward feedback on a manager.

* The person, or their manager (or HR), names colleagues to ask -- never the person
  themselves, never the manager who writes the review, nobody inactive, nobody asked before.
  A request made by the person waits for a manager's approval (approve, or decline with a
  reason); one made by a manager opens at once. An open request is the colleague's to write.
* Upward feedback: a manager's direct reports give feedback on them, attached to the
  manager's own review in the same cycle (there is none when the manager is not in it).
* Peer and upward feedback is anonymous when the review cycle says so: then it is shown only
  in aggregate, and only once three people answered.
* Requests are taken until the manager submits the review.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.people.models import Person
from lineofsight.reviews import signals
from lineofsight.reviews.access import anonymous_closed_message, anonymous_released
from lineofsight.reviews.conversation.actions._common import (
    PEERS_MAX,
    clean_text,
    locked_feedback,
    locked_review,
    viewer_of,
)
from lineofsight.reviews.models import Feedback, Review, ReviewCycle

OPEN_REVIEW_STATES = (Review.State.SELF_REVIEW, Review.State.MANAGER_REVIEW)


def requests_closed_because(review: Review, kind: str = Feedback.Kind.PEER) -> str:
    """Why the review takes no more feedback of this kind ("" when it does): once the
    manager submitted it, and for anonymous feedback once the answers are released."""
    cycle = review.review_cycle
    if cycle.state != ReviewCycle.State.OPEN:
        return f"{cycle.name} is {cycle.get_state_display().lower()}; nothing more is asked."
    if review.state not in OPEN_REVIEW_STATES:
        return "The manager review was submitted; feedback is closed."
    anonymous = (
        cycle.anonymous_upward_feedback
        if kind == Feedback.Kind.UPWARD
        else cycle.anonymous_peer_feedback
    )
    if anonymous and anonymous_released(review):
        return anonymous_closed_message(review)
    return ""


@transaction.atomic
def request_peer_feedback(
    *, acting_user: Person, review: Review, peers: Sequence[Person]
) -> list[Feedback]:
    """Ask colleagues for feedback on a review. By the person: the requests wait for their
    manager's approval; by a manager or HR: they open at once."""
    viewer = viewer_of(acting_user)
    review = locked_review(review)
    if not viewer.can_request_peer_feedback(review):
        raise NotAllowed("Only the person and their managers ask for feedback on a review.")
    closed = requests_closed_because(review)
    if closed:
        raise InvalidInput.one("__all__", closed)
    errors: list[str] = []
    chosen: list[Person] = []
    asked = dict(
        Feedback.objects.filter(review=review, kind=Feedback.Kind.PEER).values_list(
            "author_id", "state"
        )
    )
    for peer in peers:
        if peer.pk in {p.pk for p in chosen}:
            continue
        if peer.pk == review.subject_id:
            who = "yourself" if peer.pk == viewer.pk else f"{peer.name} about their own review"
            errors.append(f"You cannot ask {who}: choose colleagues.")
        elif peer.pk == review.manager_id:
            errors.append(f"{peer.name} writes the manager review; choose colleagues instead.")
        elif not peer.is_active:
            errors.append(f"{peer.name} is no longer active.")
        elif peer.pk in asked:
            errors.append(f"{peer.name} was asked already.")
        else:
            chosen.append(peer)
    if not peers:
        errors.append("Name at least one colleague.")
    elif len(asked) + len(chosen) > PEERS_MAX:
        errors.append(f"Ask at most {PEERS_MAX} colleagues for feedback on one review.")
    if errors:
        raise InvalidInput({"peers": errors})
    by_person = review.subject_id == viewer.pk
    now = timezone.now()
    made = Feedback.objects.bulk_create(
        [
            Feedback(
                review=review,
                kind=Feedback.Kind.PEER,
                author=peer,
                state=Feedback.State.REQUESTED if by_person else Feedback.State.OPEN,
                anonymous=review.review_cycle.anonymous_peer_feedback,
                requested_by=acting_user,
                approved_by=None if by_person else acting_user,
                created_at=now,
                updated_at=now,
            )
            for peer in chosen
        ]
    )
    made = list(
        Feedback.objects.filter(review=review, kind=Feedback.Kind.PEER, author__in=chosen)
        .select_related("author", "review__subject", "review__review_cycle", "review__manager")
        .order_by("pk")
    )
    if by_person:
        signals.approval_needed.send(sender=Review, review=review, requested=made)
    else:
        signals.feedback_opened.send(sender=Feedback, feedback=made)
    audit.record(
        actor=acting_user,
        action="feedback.request",
        subject=review,
        data={
            "peers": [fb.author_id for fb in made],
            "state": Feedback.State.REQUESTED if by_person else Feedback.State.OPEN,
            "anonymous": review.review_cycle.anonymous_peer_feedback,
        },
    )
    return made


def _pending_request(acting_user: Person, feedback: Feedback) -> Feedback:
    viewer = viewer_of(acting_user)
    fb = locked_feedback(feedback)
    if fb.kind != Feedback.Kind.PEER or not viewer.can_approve_feedback_requests(fb.review):
        raise NotAllowed("Only the person's managers and HR approve feedback requests.")
    closed = requests_closed_because(fb.review)
    if closed:
        raise InvalidInput.one("__all__", closed)
    if fb.state != Feedback.State.REQUESTED:
        raise InvalidInput.one(
            "__all__", f"This request is {fb.get_state_display().lower()}; nothing to decide."
        )
    return fb


@transaction.atomic
def approve_feedback_request(*, acting_user: Person, feedback: Feedback) -> Feedback:
    """Approve a colleague's request: it opens for them to write (and they are told)."""
    fb = _pending_request(acting_user, feedback)
    fb.state = Feedback.State.OPEN
    fb.approved_by = acting_user
    fb.updated_at = timezone.now()
    fb.save(update_fields=["state", "approved_by", "updated_at"])
    signals.feedback_opened.send(sender=Feedback, feedback=[fb])
    audit.record(
        actor=acting_user,
        action="feedback.approve",
        subject=fb,
        data={"review": fb.review_id, "peer": fb.author_id},
    )
    return fb


@transaction.atomic
def decline_feedback_request(*, acting_user: Person, feedback: Feedback, reason: str) -> Feedback:
    """Decline a request, with a reason the person reads."""
    fb = _pending_request(acting_user, feedback)
    errors: dict[str, str] = {}
    reason = clean_text(errors, "reason", reason, required=True)
    if errors:
        raise InvalidInput(errors)
    fb.state = Feedback.State.DECLINED
    fb.decline_reason = reason
    fb.approved_by = acting_user
    fb.updated_at = timezone.now()
    fb.save(update_fields=["state", "decline_reason", "approved_by", "updated_at"])
    audit.record(
        actor=acting_user,
        action="feedback.decline",
        subject=fb,
        data={"review": fb.review_id, "peer": fb.author_id, "reason": reason},
    )
    return fb


@transaction.atomic
def start_upward_feedback(*, acting_user: Person, review: Review) -> Feedback:
    """Open (or find) one's upward feedback on one's manager, attached to the manager's
    review in the cycle."""
    viewer = viewer_of(acting_user)
    review = locked_review(review)
    if not viewer.gives_upward_feedback_on(review):
        raise NotAllowed("Upward feedback on a manager is given by their reports.")
    existing = Feedback.objects.filter(
        review=review, kind=Feedback.Kind.UPWARD, author=acting_user
    ).first()
    if existing is not None:
        return existing
    closed = requests_closed_because(review, Feedback.Kind.UPWARD)
    if closed:
        raise InvalidInput.one("__all__", closed)
    now = timezone.now()
    fb = Feedback.objects.create(
        review=review,
        kind=Feedback.Kind.UPWARD,
        author=acting_user,
        state=Feedback.State.OPEN,
        anonymous=review.review_cycle.anonymous_upward_feedback,
        created_at=now,
        updated_at=now,
    )
    if not fb.anonymous:  # anonymous answers leave no trace of who answered
        audit.record(
            actor=acting_user,
            action="feedback.upward.start",
            subject=fb,
            data={"review": review.pk, "anonymous": fb.anonymous},
        )
    return fb
