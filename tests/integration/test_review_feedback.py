"""Writing feedback through the actions: drafts, submission, required answers, the rating,
team context first, immutability, and bad input changing nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import AuditEvent
from lineofsight.reviews.conversation import actions
from lineofsight.reviews.conversation.questions import questions_for
from lineofsight.reviews.cycles.actions import close_review_cycle
from lineofsight.reviews.models import Answer, AnswerKind, Feedback, RatingChange, Review

from ..review_conversation import (
    complete_answers,
    feedback_of,
    see_team_context,
    submit_manager,
    submit_self,
)
from ..reviews import build_review_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(cast):
    return build_review_cycle(cast)


def _counts() -> tuple[int, int, int, int]:
    return (
        Answer.objects.count(),
        RatingChange.objects.count(),
        AuditEvent.objects.count(),
        Feedback.objects.filter(state=Feedback.State.SUBMITTED).count(),
    )


def test_a_draft_is_saved_and_the_submission_moves_the_review_on(cast, setup):
    review = setup["ava"]
    fb = feedback_of(review, Feedback.Kind.SELF)
    first = questions_for(review.review_cycle, Feedback.Kind.SELF)[0]
    actions.save_feedback(
        acting_user=cast.ava,
        feedback=fb,
        answers={first.pk: actions.AnswerIn(text="Half written")},
    )
    assert Answer.objects.get(feedback=fb, question=first).text == "Half written"
    fb.refresh_from_db()
    assert fb.state == Feedback.State.OPEN
    # A later draft replaces what it sends and keeps the rest.
    second = questions_for(review.review_cycle, Feedback.Kind.SELF)[1]
    actions.save_feedback(
        acting_user=cast.ava, feedback=fb, answers={second.pk: actions.AnswerIn(text="More")}
    )
    assert Answer.objects.filter(feedback=fb).count() == 2

    submit_self(review)
    fb.refresh_from_db()
    review.refresh_from_db()
    assert fb.state == Feedback.State.SUBMITTED and fb.submitted_at is not None
    assert review.state == Review.State.MANAGER_REVIEW
    assert review.self_submitted_at is not None
    assert AuditEvent.objects.filter(action="feedback.submit", subject_id=fb.pk).exists()


def test_submitted_feedback_is_immutable(cast, setup):
    review = setup["ava"]
    fb = submit_self(review, text="As submitted")
    before = list(Answer.objects.filter(feedback=fb).values_list("text", "rating"))
    q = questions_for(review.review_cycle, Feedback.Kind.SELF)[0]
    for call in (actions.save_feedback, actions.submit_feedback):
        with pytest.raises(InvalidInput) as exc:
            call(acting_user=cast.ava, feedback=fb, answers={q.pk: actions.AnswerIn("Rewritten")})
        assert "cannot change" in exc.value.summary()
    assert list(Answer.objects.filter(feedback=fb).values_list("text", "rating")) == before


def test_required_answers_are_named_and_nothing_is_saved(cast, setup):
    review = setup["ava"]
    fb = feedback_of(review, Feedback.Kind.SELF)
    questions = questions_for(review.review_cycle, Feedback.Kind.SELF)
    required_text = next(q for q in questions if q.required and q.kind == AnswerKind.TEXT)
    required_rating = next(q for q in questions if q.required and q.kind == AnswerKind.RATING_TEXT)
    answers = complete_answers(fb)
    answers[required_text.pk] = actions.AnswerIn(text="   ")
    answers[required_rating.pk] = actions.AnswerIn(text="Reliable", rating=None)
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        actions.submit_feedback(acting_user=cast.ava, feedback=fb, answers=answers)
    errors = exc.value.errors
    # The whole question, however long: never cut in the middle of a word.
    assert errors[f"answers.{required_text.pk}.text"] == [
        f"\u201c{required_text.text}\u201d needs an answer."
    ]
    assert errors[f"answers.{required_rating.pk}.rating"] == [
        f"\u201c{required_rating.text}\u201d needs a rating."
    ]
    assert _counts() == before
    fb.refresh_from_db()
    assert fb.state == Feedback.State.OPEN


@pytest.mark.parametrize(
    ("answer", "field", "message"),
    [
        (actions.AnswerIn(text="x", rating=6), "rating", "choose a rating from 1 to 5"),
        (actions.AnswerIn(text="x", rating=0), "rating", "choose a rating from 1 to 5"),
        (actions.AnswerIn(text="x" * 10_001, rating=3), "text", "Keep it under 10000 characters"),
        (actions.AnswerIn(text="nul\x00", rating=3), "text", "NUL"),
    ],
)
def test_bad_answers_name_the_question_and_change_nothing(cast, setup, answer, field, message):
    review = setup["ava"]
    fb = feedback_of(review, Feedback.Kind.SELF)
    rated = next(
        q for q in questions_for(review.review_cycle, "self") if q.kind == AnswerKind.RATING_TEXT
    )
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        actions.save_feedback(acting_user=cast.ava, feedback=fb, answers={rated.pk: answer})
    assert message in exc.value.errors[f"answers.{rated.pk}.{field}"][0]
    assert _counts() == before


def test_answers_must_fit_the_form(cast, setup):
    review = setup["ava"]
    fb = feedback_of(review, Feedback.Kind.SELF)
    text_q = next(q for q in questions_for(review.review_cycle, "self") if q.kind == "text")
    peer_q = next(q for q in questions_for(review.review_cycle, "peer"))
    with pytest.raises(InvalidInput) as exc:
        actions.save_feedback(
            acting_user=cast.ava,
            feedback=fb,
            answers={
                text_q.pk: actions.AnswerIn(text="ok", rating=3),
                peer_q.pk: actions.AnswerIn(text="not mine to answer"),
                999_999: actions.AnswerIn(text="no such question"),
            },
        )
    errors = exc.value.errors
    assert "written answer only" in errors[f"answers.{text_q.pk}.rating"][0]
    assert errors[f"answers.{peer_q.pk}"] == [f"Question {peer_q.pk} is not part of this form."]
    assert "answers.999999" in errors
    with pytest.raises(InvalidInput) as exc:
        actions.save_feedback(acting_user=cast.ava, feedback=fb, answers={}, rating=4)
    assert exc.value.errors == {"rating": ["Only the manager review carries the rating."]}
    assert not Answer.objects.filter(feedback=fb).exists()


def test_only_the_author_writes(cast, setup):
    fb = feedback_of(setup["ava"], Feedback.Kind.SELF)
    for who in (cast.sam, cast.hana, cast.pia):
        with pytest.raises(NotAllowed):
            actions.save_feedback(acting_user=who, feedback=fb, answers={})
    manager_fb = feedback_of(setup["ava"], Feedback.Kind.MANAGER)
    with pytest.raises(NotAllowed):
        actions.save_feedback(acting_user=cast.cora, feedback=manager_fb, answers={}, rating=3)


def test_the_manager_review_waits_for_the_team_context(cast, setup):
    review = setup["ava"]
    fb = feedback_of(review, Feedback.Kind.MANAGER)
    with pytest.raises(InvalidInput) as exc:
        actions.save_feedback(acting_user=cast.sam, feedback=fb, answers={}, rating=3)
    assert "Team context first" in exc.value.summary()
    assert f"/reviews/cycles/{review.review_cycle_id}/teams/{cast.enterprise.pk}/" in (
        exc.value.summary()
    )
    review.refresh_from_db()
    assert review.rating is None and not RatingChange.objects.exists()
    see_team_context(cast.sam, review)
    actions.save_feedback(acting_user=cast.sam, feedback=fb, answers={}, rating=3)
    fb.refresh_from_db()
    assert fb.draft_rating == 3


def test_a_draft_rating_stays_on_the_draft_and_counts_from_submission(cast, setup):
    review = setup["ava"]
    assert review.rating is None  # never pre-filled, whatever the attainment
    fb = feedback_of(review, Feedback.Kind.MANAGER)
    see_team_context(cast.sam, review)
    actions.save_feedback(acting_user=cast.sam, feedback=fb, answers={}, rating=3)
    actions.save_feedback(acting_user=cast.sam, feedback=fb, answers={}, rating=3)  # unchanged
    actions.save_feedback(
        acting_user=cast.sam, feedback=fb, answers={}, rating=4, rating_explanation="Why"
    )
    fb.refresh_from_db()
    review.refresh_from_db()
    # The draft is Sam's alone: nothing on the review, no history yet.
    assert (fb.draft_rating, fb.draft_rating_explanation) == (4, "Why")
    assert (review.rating, review.rating_explanation) == (None, "")
    assert not RatingChange.objects.exists()
    with pytest.raises(InvalidInput) as exc:
        actions.save_feedback(acting_user=cast.sam, feedback=fb, answers={}, rating=9)
    assert exc.value.errors == {"rating": ["Choose a rating from 1 to 5."]}
    assert review.review_cycle.rate_potential  # the standard template rates potential
    with pytest.raises(InvalidInput) as exc:
        actions.save_feedback(acting_user=cast.sam, feedback=fb, answers={}, potential=7)
    assert exc.value.errors == {"potential": ["Choose a potential from 1 to 3."]}
    actions.save_feedback(acting_user=cast.sam, feedback=fb, answers={}, potential=2)
    submit_self(review)
    actions.submit_feedback(acting_user=cast.sam, feedback=fb, answers=complete_answers(fb))
    review.refresh_from_db()
    fb.refresh_from_db()
    assert (review.rating, review.potential, review.rating_explanation) == (4, 2, "Why")
    assert (fb.draft_rating, fb.draft_potential, fb.draft_rating_explanation) == (None, None, "")
    changes = list(
        RatingChange.objects.filter(review=review).values_list("field", "old_value", "new_value")
    )
    assert changes == [("rating", None, 4), ("potential", None, 2)]
    assert set(RatingChange.objects.values_list("author", flat=True)) == {cast.sam.pk}


def test_submitting_the_manager_review_needs_the_rating_and_its_explanation(cast, setup):
    review = setup["ava"]
    submit_self(review)
    fb = feedback_of(review, Feedback.Kind.MANAGER)
    see_team_context(cast.sam, review)
    with pytest.raises(InvalidInput) as exc:
        actions.submit_feedback(acting_user=cast.sam, feedback=fb, answers=complete_answers(fb))
    assert exc.value.errors["rating"] == ["Give the overall rating."]
    assert exc.value.errors["rating_explanation"] == ["Explain the rating in a few sentences."]
    assert not Answer.objects.filter(feedback=fb).exists()  # nothing kept from the attempt
    submit_manager(review, rating=5, explanation="Carried the quarter.")
    review.refresh_from_db()
    assert review.state == Review.State.SUBMITTED and review.manager_submitted_at
    assert review.rating == 5
    # The manager review is now immutable too, and the rating cannot move through it.
    with pytest.raises(InvalidInput):
        actions.save_feedback(acting_user=cast.sam, feedback=fb, answers={}, rating=2)
    review.refresh_from_db()
    assert review.rating == 5


def test_the_manager_submits_before_the_self_review_only_after_its_deadline(cast):
    later = {
        "self_review_due": dt.date(2030, 1, 9),
        "peer_feedback_due": dt.date(2030, 1, 16),
        "manager_review_due": dt.date(2030, 1, 23),
        "calibration_due": dt.date(2030, 1, 30),
        "sharing_due": dt.date(2030, 2, 6),
    }
    setup = build_review_cycle(cast, name="Future reviews", **later)
    review = setup["ava"]
    with pytest.raises(InvalidInput) as exc:
        submit_manager(review)
    assert "self review is not submitted yet" in exc.value.summary()
    review.refresh_from_db()
    assert review.state == Review.State.SELF_REVIEW and review.rating is None
    submit_self(review)
    submit_manager(review)
    review.refresh_from_db()
    assert review.state == Review.State.SUBMITTED


def test_past_its_deadline_the_manager_submits_without_the_self_review(cast, setup):
    review = setup["ava"]  # the standard deadlines are in the past
    submit_manager(review)
    review.refresh_from_db()
    assert review.state == Review.State.SUBMITTED
    with pytest.raises(InvalidInput) as exc:
        submit_self(review)
    assert "self review phase" in exc.value.summary()


def test_nothing_is_written_in_a_closed_cycle(cast, setup):
    review = setup["ava"]
    close_review_cycle(review_cycle=review.review_cycle, acting_user=cast.hana)
    fb = feedback_of(review, Feedback.Kind.SELF)
    with pytest.raises(InvalidInput) as exc:
        actions.save_feedback(acting_user=cast.ava, feedback=fb, answers=complete_answers(fb))
    assert "closed" in exc.value.summary()
    assert not Answer.objects.filter(feedback=fb).exists()


def test_a_manager_with_no_team_context_to_open_is_not_held_up(cast):
    from lineofsight.people import actions as people_actions

    # Ray reports to Eli but works in Enterprise Sales, whose summary Eli may not read.
    ray = people_actions.create_person(
        acting_user=None, username="ray", display_name="Ray Reyes", manager=cast.eli
    )
    people_actions.add_member(acting_user=None, team=cast.enterprise, person=ray)
    setup = build_review_cycle(cast)
    fb = feedback_of(setup["ray"], Feedback.Kind.MANAGER)
    actions.save_feedback(acting_user=cast.eli, feedback=fb, answers={}, rating=3)
    assert Feedback.objects.get(pk=fb.pk).draft_rating == 3
