"""Peer requests and their approval, upward feedback, anonymity, sharing, acknowledgement,
amendments and the notifications they send, through the actions."""

from __future__ import annotations

import pytest
import time_machine
from django.core import mail

from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound
from lineofsight.integrations.delivery import deliver_due
from lineofsight.integrations.models import Notification
from lineofsight.people import actions as people_actions
from lineofsight.people.models import Person
from lineofsight.reviews.conversation import actions, selectors
from lineofsight.reviews.models import Amendment, Answer, Feedback, RatingChange, Review

from ..review_conversation import (
    ask_peers,
    complete_answers,
    feedback_of,
    share,
    shared_review,
    submit_manager,
    submit_self,
    write_peer,
)
from ..reviews import AFTER_FEEDBACK, DEADLINES_AHEAD, build_review_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(cast):
    return build_review_cycle(cast)


@pytest.fixture
def anonymous(cast):
    return build_review_cycle(cast, anonymous_peer_feedback=True, **DEADLINES_AHEAD)


def _extra_peers(n: int) -> list[Person]:
    sam = Person.objects.get(username="sam")
    return [
        people_actions.create_person(
            acting_user=None,
            username=f"peer{i}",
            display_name=f"Peer {i}",
            email=f"peer{i}@acme.test",
            password="correct-horse-battery",
            manager=sam,
            check_password=False,
        )
        for i in range(n)
    ]


# -- requests --------------------------------------------------------------------------------


def test_the_persons_request_waits_for_the_managers_approval(
    cast, setup, django_capture_on_commit_callbacks
):
    review = setup["ava"]
    with django_capture_on_commit_callbacks(execute=True):
        (fb,) = ask_peers(review, cast.ava, cast.pia)
    assert (fb.state, fb.requested_by, fb.approved_by) == ("requested", cast.ava, None)
    # Sam is told a request waits; Pia is not told yet and cannot write.
    note = Notification.objects.get(recipient=cast.sam, kind="review")
    assert "asked for peer feedback" in note.subject and "Pia Park" in note.body
    assert not Notification.objects.filter(recipient=cast.pia).exists()
    with pytest.raises(InvalidInput) as exc:
        actions.save_feedback(acting_user=cast.pia, feedback=fb, answers={})
    assert "waits for the manager's approval" in exc.value.summary()
    # Ava cannot approve her own request; Pia and Otto neither.
    for who in (cast.ava, cast.pia, cast.otto):
        with pytest.raises(NotAllowed):
            actions.approve_feedback_request(acting_user=who, feedback=fb)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_feedback_request(acting_user=cast.sam, feedback=fb)
    fb.refresh_from_db()
    assert (fb.state, fb.approved_by) == ("open", cast.sam)
    told = Notification.objects.get(recipient=cast.pia, kind="review")
    assert told.state == "pending" and "Feedback requested: Ava Adams" in told.subject
    assert not mail.outbox  # queued; the next delivery run sends it
    deliver_due()
    assert sorted(m.to[0] for m in mail.outbox) == ["pia@acme.test", "sam@acme.test"]
    to_pia = next(m for m in mail.outbox if m.to == ["pia@acme.test"])
    assert "Your name is shown with your answers" in to_pia.body
    write_peer(review, cast.pia)
    with pytest.raises(InvalidInput):  # decided already
        actions.approve_feedback_request(acting_user=cast.sam, feedback=fb)


def test_a_managers_request_opens_at_once(cast, setup):
    (fb,) = ask_peers(setup["ava"], cast.sam, cast.dev)
    assert (fb.state, fb.approved_by) == ("open", cast.sam)
    (hr,) = ask_peers(setup["ava"], cast.hana, cast.otto)
    assert hr.state == "open"


def test_declining_needs_a_reason(cast, setup):
    (fb,) = ask_peers(setup["ava"], cast.ava, cast.dev)
    with pytest.raises(InvalidInput) as exc:
        actions.decline_feedback_request(acting_user=cast.sam, feedback=fb, reason="  ")
    assert exc.value.errors == {"reason": ["This field is required."]}
    fb.refresh_from_db()
    assert fb.state == "requested"
    actions.decline_feedback_request(
        acting_user=cast.sam, feedback=fb, reason="Dev has not worked with Ava this quarter."
    )
    fb.refresh_from_db()
    assert fb.state == "declined"
    assert fb.decline_reason == "Dev has not worked with Ava this quarter."
    lines = selectors.peer_requests(cast.ava, setup["ava"])
    assert [line.status for line in lines] == [
        "Declined: Dev has not worked with Ava this quarter."
    ]


def test_who_may_be_asked(cast, setup):
    review = setup["ava"]
    cast.otto.is_active = False
    cast.otto.save()
    ask_peers(review, cast.ava, cast.pia)
    before = Feedback.objects.count()
    with pytest.raises(InvalidInput) as exc:
        ask_peers(review, cast.ava, cast.ava, cast.sam, cast.otto, cast.pia)
    assert exc.value.errors["peers"] == [
        "You cannot ask yourself: choose colleagues.",
        "Sam Sato writes the manager review; choose colleagues instead.",
        "Otto Olsen is no longer active.",
        "Pia Park was asked already.",
    ]
    with pytest.raises(InvalidInput) as exc:
        ask_peers(review, cast.ava)
    assert exc.value.errors["peers"] == ["Name at least one colleague."]
    assert Feedback.objects.count() == before
    with pytest.raises(NotAllowed):
        ask_peers(review, cast.dev, cast.eli)  # Dev is not Ava or her manager
    # Too many at once.
    with pytest.raises(InvalidInput) as exc:
        ask_peers(review, cast.sam, *_extra_peers(15))
    assert "at most 15" in exc.value.summary()
    assert Feedback.objects.count() == before


def test_no_requests_once_the_manager_submitted(cast, setup):
    review = setup["ava"]
    submit_manager(review)
    with pytest.raises(InvalidInput) as exc:
        ask_peers(review, cast.sam, cast.pia)
    assert "feedback is closed" in exc.value.summary()


def test_a_peer_sees_only_what_they_wrote(cast, setup):
    review = setup["ava"]
    ask_peers(review, cast.sam, cast.pia, cast.dev)
    write_peer(review, cast.pia, text="Pia's words")
    write_peer(review, cast.dev, text="Dev's words")
    readable = selectors.feedback_for_user(cast.pia).filter(review=review)
    assert [(fb.kind, fb.author_id) for fb in readable] == [("peer", cast.pia.pk)]
    assert not selectors.reviews_for_user(cast.pia).filter(pk=review.pk).exists()
    sam_reads = selectors.visible_feedback(cast.sam, review)
    assert sorted(s.feedback.author.username for s in sam_reads.named["peer"]) == ["dev", "pia"]


# -- anonymity -------------------------------------------------------------------------------


def test_anonymous_answers_are_shown_only_in_aggregate_from_three(cast, anonymous):
    review = anonymous["ava"]
    ask_peers(review, cast.sam, cast.pia, cast.dev, cast.otto)
    write_peer(review, cast.pia, text="Closes fast", rating=5)
    write_peer(review, cast.dev, text="Clear notes", rating=3)
    write_peer(review, cast.otto, text="Always on time", rating=4)
    # Before the feedback phase closes nothing shows, even with three answers in.
    seen = selectors.visible_feedback(cast.sam, review)
    assert "peer" not in seen.named  # never one by one, even to the manager
    assert seen.aggregates["peer"].shown is False
    assert seen.aggregates["peer"].respondents is None  # not even how many
    hr = selectors.visible_feedback(cast.hana, review)
    assert "peer" not in hr.named and hr.aggregates["peer"].shown is False
    with time_machine.travel(AFTER_FEEDBACK):
        agg = selectors.visible_feedback(cast.sam, review).aggregates["peer"]
    assert agg.shown and agg.respondents == 3
    written = [q for q in agg.questions if q.shown]
    assert written and all(q.question.kind == "text" for q in written)  # the standard peer form
    assert sorted(written[0].texts) == ["Always on time", "Clear notes", "Closes fast"]
    names = {"Pia", "Dev", "Otto"}
    assert not any(name in text for q in agg.questions for text in q.texts for name in names)
    # Each author still reads their own, and nobody else's.
    assert [fb.author_id for fb in selectors.feedback_for_user(cast.dev).filter(review=review)] == [
        cast.dev.pk
    ]
    for who in (cast.sam, cast.cora, cast.hana):
        assert not selectors.feedback_for_user(who).filter(review=review, anonymous=True).exists()


def test_released_with_fewer_than_three_answers_nothing_shows(cast, anonymous):
    review = anonymous["ava"]
    ask_peers(review, cast.sam, cast.pia, cast.dev, cast.otto)
    write_peer(review, cast.pia)
    write_peer(review, cast.dev)
    with time_machine.travel(AFTER_FEEDBACK):
        agg = selectors.visible_feedback(cast.sam, review).aggregates["peer"]
    assert (agg.shown, agg.respondents, agg.questions) == (False, None, ())
    assert agg.message == "Not enough answers to show without revealing who wrote them."


def test_a_question_fewer_than_three_answered_stays_hidden(cast, anonymous):
    review = anonymous["ava"]
    ask_peers(review, cast.sam, cast.pia, cast.dev, cast.otto)
    optional = next(q for q in review.review_cycle.questions.filter(for_peer=True, required=False))
    for peer in (cast.pia, cast.dev, cast.otto):
        fb = feedback_of(review, "peer", peer)
        answers = complete_answers(fb)
        if peer != cast.pia:
            answers[optional.pk] = actions.AnswerIn(text="")
        actions.submit_feedback(acting_user=peer, feedback=fb, answers=answers)
    with time_machine.travel(AFTER_FEEDBACK):
        agg = selectors.visible_feedback(cast.sam, review).aggregates["peer"]
    assert agg.shown
    hidden = next(q for q in agg.questions if q.question.id == optional.pk)
    # Hidden, and without saying how many answered it (one, here).
    assert (hidden.shown, hidden.answered, hidden.texts) == (False, None, ())


# -- upward ----------------------------------------------------------------------------------


def test_reports_give_upward_feedback_on_their_manager(cast):
    sams = build_review_cycle(cast, **DEADLINES_AHEAD)["sam"]
    fb = actions.start_upward_feedback(acting_user=cast.ava, review=sams)
    assert (fb.kind, fb.author, fb.anonymous, fb.state) == ("upward", cast.ava, True, "open")
    assert actions.start_upward_feedback(acting_user=cast.ava, review=sams).pk == fb.pk
    for who in (cast.otto, cast.sam, cast.dev, cast.cora):
        with pytest.raises(NotAllowed):
            actions.start_upward_feedback(acting_user=who, review=sams)
    actions.submit_feedback(acting_user=cast.ava, feedback=fb, answers=complete_answers(fb))
    pia = actions.start_upward_feedback(acting_user=cast.pia, review=sams)
    actions.submit_feedback(acting_user=cast.pia, feedback=pia, answers=complete_answers(pia))
    # Two reports: never enough to show anonymous answers, to anyone, even once released.
    with time_machine.travel(AFTER_FEEDBACK):
        for who in (cast.cora, cast.hana):
            seen = selectors.visible_feedback(who, sams)
            assert "upward" not in seen.named
            assert seen.aggregates["upward"].shown is False


# -- sharing and acknowledgement -------------------------------------------------------------


def test_sharing_and_acknowledging(cast, setup, django_capture_on_commit_callbacks):
    review = setup["ava"]
    with pytest.raises(InvalidInput) as exc:
        share(review, cast.sam)
    assert "not submitted yet" in exc.value.summary()
    submit_self(review)
    submit_manager(review)
    for who in (cast.ava, cast.pia, cast.otto):
        with pytest.raises(NotAllowed):
            share(review, who)
    # Ava opens her review from the start, but reads its outcome only once it is shared.
    assert selectors.reviews_for_user(cast.ava).filter(pk=review.pk).exists()
    with pytest.raises(NotFound):
        selectors.get_review_outcome_for_user(cast.ava, review.pk)
    with django_capture_on_commit_callbacks(execute=True):
        share(review, cast.sam)
    deliver_due()
    review.refresh_from_db()
    assert (review.state, review.shared_by) == (Review.State.SHARED, cast.sam)
    assert selectors.get_review_outcome_for_user(cast.ava, review.pk) == review
    subjects = [m.subject for m in mail.outbox]
    assert subjects == ["Your review for Q3 2026 reviews is shared with you"]
    with pytest.raises(InvalidInput):
        share(review, cast.sam)
    with pytest.raises(NotAllowed):
        actions.acknowledge_review(acting_user=cast.sam, review=review, comment="x")
    actions.acknowledge_review(acting_user=cast.ava, review=review, comment="Fair; Q4 will tell.")
    review.refresh_from_db()
    assert review.state == Review.State.ACKNOWLEDGED and review.acknowledged_at
    assert review.employee_comment == "Fair; Q4 will tell."
    with pytest.raises(InvalidInput):
        actions.acknowledge_review(acting_user=cast.ava, review=review, comment="Changed my mind")
    review.refresh_from_db()
    assert review.employee_comment == "Fair; Q4 will tell."


def test_once_shared_the_person_reads_the_manager_review_and_named_feedback(cast, setup):
    review = shared_review(setup, cast)
    seen = selectors.visible_feedback(cast.ava, review)
    assert set(seen.named) == {"self", "manager", "peer"}
    assert seen.named["peer"][0].feedback.author == cast.pia


# -- amendments ------------------------------------------------------------------------------


def test_hr_amends_with_a_reason_and_everything_is_kept(cast, setup):
    review = shared_review(setup, cast)
    with pytest.raises(InvalidInput) as exc:
        actions.amend_review(acting_user=cast.hana, review=review, reason="", rating=3)
    assert exc.value.errors == {"reason": ["This field is required."]}
    assert review.rating == 4 and not Amendment.objects.exists()
    made = actions.amend_review(
        acting_user=cast.hana, review=review, reason="Calibration agreed 3.", rating=3
    )
    assert [(a.field, a.old_value, a.new_value) for a in made] == [("rating", "4", "3")]
    review.refresh_from_db()
    assert review.rating == 3
    change = RatingChange.objects.filter(review=review).last()
    assert (change.old_value, change.new_value, change.reason) == (4, 3, "Calibration agreed 3.")
    # The self review's answers: recorded one field at a time, old and new.
    fb = feedback_of(review, "self")
    q = next(a.question for a in Answer.objects.filter(feedback=fb, question__kind="text"))
    made = actions.amend_review(
        acting_user=cast.hana,
        review=review,
        reason="Removed a client's name.",
        feedback=fb,
        answers={q.pk: actions.AnswerIn(text="Facts first: 22 of 25 qualified (client removed).")},
    )
    assert [(a.field, a.feedback_id) for a in made] == [(f"answer:{q.pk}:text", fb.pk)]
    assert made[0].old_value == "Facts first: 22 of 25 qualified."
    # Changing nothing is refused.
    with pytest.raises(InvalidInput) as exc:
        actions.amend_review(acting_user=cast.hana, review=review, reason="Again", rating=3)
    assert "Nothing changed" in exc.value.summary()
    history = selectors.history(review)
    assert sorted(line.kind for line in history[-3:]) == ["amendment", "amendment", "rating"]
    assert history[-1].what.startswith("Written answer to \u201c")


def test_managers_amend_only_their_review_and_only_until_it_is_shared(cast, setup):
    review = setup["ava"]
    submit_self(review)
    submit_manager(review)
    review.refresh_from_db()
    actions.amend_review(
        acting_user=cast.sam, review=review, reason="Second thoughts", rating_explanation="Better"
    )
    review.refresh_from_db()
    assert review.rating_explanation == "Better"
    with pytest.raises(NotAllowed):
        actions.amend_review(
            acting_user=cast.sam,
            review=review,
            reason="No",
            feedback=feedback_of(review, "self"),
            answers={},
        )
    with pytest.raises(NotAllowed):
        actions.amend_review(acting_user=cast.ava, review=review, reason="Mine", rating=5)
    share(review, cast.sam)
    with pytest.raises(NotAllowed):
        actions.amend_review(acting_user=cast.sam, review=review, reason="Late", rating=2)
    review.refresh_from_db()
    assert review.rating == 4


def test_anonymous_feedback_is_never_amended(cast, anonymous):
    review = anonymous["ava"]
    ask_peers(review, cast.sam, cast.pia)
    fb = write_peer(review, cast.pia)
    submit_self(review)
    submit_manager(review)
    with pytest.raises(NotAllowed):
        actions.amend_review(
            acting_user=cast.hana, review=review, reason="x", feedback=fb, answers={}
        )


def test_a_draft_is_not_amended(cast, setup):
    review = setup["ava"]
    with pytest.raises(InvalidInput) as exc:
        actions.amend_review(acting_user=cast.hana, review=review, reason="x", rating=2)
    assert "not submitted yet" in exc.value.summary()


# -- notifications ---------------------------------------------------------------------------


def test_launching_tells_everyone_their_self_review_is_open(
    cast, django_capture_on_commit_callbacks
):
    from lineofsight.integrations.delivery import deliver_due

    with django_capture_on_commit_callbacks(execute=True):
        setup = build_review_cycle(cast)
    notes = Notification.objects.filter(kind="review").order_by("recipient__username")
    assert notes.count() == len(cast.everyone())
    assert {n.state for n in notes} == {"pending"}  # left for the delivery run
    ava = notes.get(recipient=cast.ava)
    fb = feedback_of(setup["ava"], "self")
    assert ava.subject == "Your self review for Q3 2026 reviews is open"
    assert f"/reviews/feedback/{fb.pk}/" in ava.body and ava.address == "ava@acme.test"
    assert not mail.outbox
    deliver_due()
    assert len(mail.outbox) == len(cast.everyone())
    # Queued once: a second call sends nothing again.
    from lineofsight.integrations.reviews import notify

    with django_capture_on_commit_callbacks(execute=True):
        notify.self_reviews_opened(setup.cycle.pk)
    assert Notification.objects.filter(kind="review").count() == len(cast.everyone())


def test_a_message_may_be_handed_to_delivery_at_once(cast, django_capture_on_commit_callbacks):
    from lineofsight.integrations.actions import Outgoing
    from lineofsight.integrations.reviews import notify

    message = Outgoing(cast.ava.pk, "review", "email", "review:test:1", "Now", "Body", "a@b.test")
    with django_capture_on_commit_callbacks(execute=True):
        notify.on_commit([message], deliver=True)
    assert Notification.objects.get(dedupe_key="review:test:1").state == "sent"
    assert [m.subject for m in mail.outbox] == ["Now"]
