"""Moving reviews through the conversation with the actions, as the people would.

On top of ``tests.reviews.build_review_cycle`` (one review per member of the cast):

* ``complete_answers(fb)``: an answer to every question of the feedback's form;
* ``see_team_context(manager, review)``: the manager opens the person's team summary first;
* ``submit_self`` / ``submit_manager`` / ``share`` / ``ask_peers`` / ``write_peer``: one step;
* ``shared_review(setup, "ava")``: Ava's review taken to *shared* -- self review, Pia's named
  peer feedback (requested by Ava, approved by Sam), Sam's manager review with rating 4.
"""

from __future__ import annotations

from lineofsight.people.models import Person, Team
from lineofsight.reviews.conversation import actions
from lineofsight.reviews.conversation.questions import questions_for
from lineofsight.reviews.evidence.actions import record_team_context_visit
from lineofsight.reviews.models import AnswerKind, CycleQuestion, Feedback, Review

from .conftest import Cast
from .reviews import ReviewSetup


def feedback_of(review: Review, kind: str, author: Person | None = None) -> Feedback:
    qs = Feedback.objects.filter(review=review, kind=kind)
    if author is not None:
        qs = qs.filter(author=author)
    return qs.select_related("review__review_cycle", "review__subject", "author").get()


def own_self_review(cast: Cast) -> tuple[Feedback, CycleQuestion]:
    """Ava's self review, open in a fresh review cycle, and its first written question."""
    from .reviews import build_review_cycle

    setup = build_review_cycle(cast)
    fb = feedback_of(setup["ava"], Feedback.Kind.SELF)
    question = next(q for q in questions_for(setup.cycle, "self") if q.kind == "text")
    return fb, question


def complete_answers(
    fb: Feedback, *, text: str = "Facts first: 22 of 25 qualified.", rating: int = 4
) -> dict[int, actions.AnswerIn]:
    out = {}
    for q in questions_for(fb.review.review_cycle_id, fb.kind):
        out[q.pk] = actions.AnswerIn(
            text=text if q.kind != AnswerKind.RATING else "",
            rating=rating if q.kind != AnswerKind.TEXT else None,
        )
    return out


def see_team_context(manager: Person, review: Review) -> None:
    """The manager opens the team summary of the person's first team (by name)."""
    team = (
        Team.objects.filter(memberships__person_id=review.subject_id).order_by("name", "pk").first()
    )
    if team is not None:
        record_team_context_visit(acting_user=manager, review_cycle=review.review_cycle, team=team)


def submit_self(review: Review, *, text: str = "Facts first: 22 of 25 qualified.") -> Feedback:
    fb = feedback_of(review, Feedback.Kind.SELF)
    return actions.submit_feedback(
        acting_user=fb.author, feedback=fb, answers=complete_answers(fb, text=text)
    )


def submit_manager(
    review: Review, *, rating: int = 4, explanation: str = "Strong quarter."
) -> Feedback:
    fb = feedback_of(review, Feedback.Kind.MANAGER)
    see_team_context(fb.author, review)
    return actions.submit_feedback(
        acting_user=fb.author,
        feedback=fb,
        answers=complete_answers(fb),
        rating=rating,
        potential=2 if review.review_cycle.rate_potential else actions.UNSET,
        rating_explanation=explanation,
    )


def ask_peers(review: Review, by: Person, *peers: Person) -> list[Feedback]:
    return actions.request_peer_feedback(acting_user=by, review=review, peers=list(peers))


def write_peer(
    review: Review, peer: Person, *, text: str = "Helped me close Brightwater.", rating: int = 4
) -> Feedback:
    fb = feedback_of(review, Feedback.Kind.PEER, peer)
    return actions.submit_feedback(
        acting_user=peer, feedback=fb, answers=complete_answers(fb, text=text, rating=rating)
    )


def share(review: Review, by: Person) -> Review:
    return actions.share_review(acting_user=by, review=review)


def shared_review(setup: ReviewSetup, cast: Cast) -> Review:
    """Ava's review, shared: her self review, Pia's named peer feedback (asked by Ava,
    approved by Sam), Sam's manager review rated 4 ("Exceeds")."""
    review = setup["ava"]
    submit_self(review)
    (request,) = ask_peers(review, cast.ava, cast.pia)
    actions.approve_feedback_request(acting_user=cast.sam, feedback=request)
    write_peer(review, cast.pia)
    submit_manager(review)
    share(review, cast.sam)
    review.refresh_from_db()
    return review
