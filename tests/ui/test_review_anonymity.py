"""Anonymous feedback over time: nobody -- the person, the manager, the manager's manager,
HR -- can tie an answer to its author on any surface, however often they look.

Every surface is read before and after each new answer: nothing differs until the feedback
phase closes, when the answers are released together; after that the set never changes (a
late answer is refused). Who answered is never told (a request reads "asked"), no count
below the minimum is given, and anonymous answers leave no row in the audit log."""

from __future__ import annotations

import json
import re

import pytest
import time_machine
from django.test import Client

from lineofsight.core.errors import InvalidInput
from lineofsight.core.models import AuditEvent
from lineofsight.people.models import Person
from lineofsight.reviews.conversation import actions
from lineofsight.reviews.models import Feedback

from ..review_conversation import ask_peers, complete_answers, feedback_of
from ..reviews import AFTER_FEEDBACK, DEADLINES_AHEAD, build_review_cycle

pytestmark = pytest.mark.django_db

# The forms' one-time tokens, which differ on every page load.
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"')
ANSWERS = {
    "pia": "Answer-one: closes fast",
    "dev": "Answer-two: clear notes",
    "otto": "Answer-three: always on time",
    "eli": "Answer-four: kind in reviews",
}


@pytest.fixture
def anonymous(cast):
    setup = build_review_cycle(cast, anonymous_peer_feedback=True, **DEADLINES_AHEAD)
    review = setup["ava"]
    ask_peers(review, cast.sam, cast.pia, cast.dev, cast.otto, cast.eli, cast.cora)
    return review


def surfaces(review) -> list[str]:
    pk = review.pk
    return [
        f"/reviews/{pk}/",
        f"/reviews/{pk}/peers/",
        f"/reviews/{pk}/evidence/",
        f"/reviews/{pk}/packet/",
        f"/reviews/cycles/{review.review_cycle_id}/",
        f"/api/reviews/{pk}",
        f"/api/reviews/{pk}/aggregates",
        f"/api/reviews/{pk}/peer-requests",
        f"/api/reviews/{pk}/evidence",
    ]


def read_everything(review, viewers: list[Person]) -> dict[tuple[str, str], str]:
    """What each viewer gets from each surface (the forms' one-time tokens left out), and the
    audit log as HR can read it."""
    seen: dict[tuple[str, str], str] = {}
    for viewer in viewers:
        client = Client()
        client.force_login(viewer)
        for url in surfaces(review):
            response = client.get(url)
            text = CSRF.sub("", response.content.decode())
            seen[(viewer.username, url)] = f"{response.status_code} {text}"
    seen[("audit", "log")] = json.dumps(
        list(
            AuditEvent.objects.order_by("pk").values_list(
                "action", "actor_id", "subject_type", "subject_id", "data"
            )
        ),
        default=str,
    )
    return seen


def answer(review, person: Person) -> None:
    fb = feedback_of(review, Feedback.Kind.PEER, person)
    words = ANSWERS.get(person.username, "Answer-late: after the close")
    actions.submit_feedback(
        acting_user=person, feedback=fb, answers=complete_answers(fb, text=words, rating=4)
    )


def test_nothing_moves_before_the_release_and_nothing_after_it(cast, anonymous):
    review = anonymous
    viewers = [cast.ava, cast.sam, cast.cora, cast.hana]
    before = read_everything(review, viewers)
    for username in ANSWERS:
        answer(review, getattr(cast, username))
        after = read_everything(review, viewers)
        changed = sorted(key for key in before if before[key] != after[key])
        assert not changed, f"after {username}'s answer: {changed}"
        for text in before.values():
            assert not any(words in text for words in ANSWERS.values())
    with time_machine.travel(AFTER_FEEDBACK):
        released = read_everything(review, viewers)
        got = Client()
        got.force_login(cast.sam)
        (aggregate,) = got.get(f"/api/reviews/{review.pk}/aggregates").json()
        # A late answer, and a new request, are refused: the released set never changes.
        with pytest.raises(InvalidInput, match="released together"):
            answer(review, cast.cora)
        with pytest.raises(InvalidInput, match="released together"):
            ask_peers(review, cast.sam, cast.hana)
        assert read_everything(review, viewers) == released
    assert aggregate["shown"] and aggregate["respondents"] == 4
    texts = [t for q in aggregate["questions"] for t in q["texts"]]
    assert sorted({t for t in texts if t.startswith("Answer-")}) == sorted(ANSWERS.values())
    assert all(q["answered"] is None for q in aggregate["questions"] if not q["shown"])
    # Ava reads them only once her review is shared; never who wrote which.
    assert ANSWERS["pia"] not in released[("ava", f"/reviews/{review.pk}/")]
    page = released[("sam", f"/reviews/{review.pk}/")]
    assert ANSWERS["pia"] in page and "From Pia Park" not in page


def test_who_answered_is_never_told(cast, anonymous):
    review = anonymous
    answer(review, cast.pia)
    answer(review, cast.dev)
    for viewer in ("ava", "sam", "hana"):
        client = Client()
        client.force_login(getattr(cast, viewer))
        listed = client.get(f"/api/reviews/{review.pk}/peer-requests").json()
        assert {row["peer_name"]: row["state"] for row in listed} == {
            "Pia Park": "asked",
            "Dev Diaz": "asked",
            "Otto Olsen": "asked",
            "Eli Evans": "asked",
            "Cora Chen": "asked",
        }, viewer
        assert "submitted" not in json.dumps(listed).lower()
        page = client.get(f"/reviews/{review.pk}/peers/").content.decode()
        assert "Submitted" not in page and "not submitted yet" not in page


def test_anonymous_answers_leave_no_row_in_the_audit_log(cast, anonymous):
    review = anonymous
    peers = [cast.pia, cast.dev]
    rows = [feedback_of(review, Feedback.Kind.PEER, p).pk for p in peers]
    for person in peers:
        fb = feedback_of(review, Feedback.Kind.PEER, person)
        actions.save_feedback(acting_user=person, feedback=fb, answers=complete_answers(fb))
        answer(review, person)
    assert not AuditEvent.objects.filter(actor__in=peers).exists()
    assert not AuditEvent.objects.filter(subject_type="reviews.feedback", subject_id__in=rows)
    hana = Client()
    hana.force_login(cast.hana)
    log = hana.get("/admin/core/auditevent/")  # where HR reads the audit log
    assert log.status_code == 200
    assert "Pia Park" not in log.content.decode() and "Dev Diaz" not in log.content.decode()


def test_no_count_includes_fewer_anonymous_answers_than_the_minimum(cast):
    """Two of three colleagues answer on Ava's review, three of three on Pia's; once the
    answers are released, Pia's three are counted, Ava's two nowhere: "2 of 3" would tell
    which colleagues answered as soon as anyone knows who did not."""
    setup = build_review_cycle(cast, anonymous_peer_feedback=True, **DEADLINES_AHEAD)
    ava, pia = setup["ava"], setup["pia"]
    ask_peers(ava, cast.sam, cast.pia, cast.dev, cast.otto)
    ask_peers(pia, cast.sam, cast.ava, cast.dev, cast.otto)
    for review, people in ((ava, (cast.pia, cast.dev)), (pia, (cast.ava, cast.dev, cast.otto))):
        for person in people:
            answer(review, person)
    client = Client()
    client.force_login(cast.hana)
    with time_machine.travel(AFTER_FEEDBACK):
        page = client.get(f"/reviews/{ava.pk}/evidence/").content.decode()
        assert "0 of 3 requested submitted." in page and "anonymous." not in page
        assert "counted and shown only in aggregate, from 3 answers up" in page
        page = client.get(f"/reviews/{pia.pk}/evidence/").content.decode()
        assert "3 of 3 requested submitted; 3 anonymous." in page
        feedback = client.get(f"/api/reviews/{ava.pk}/evidence").json()["contribution"]
        assert feedback["feedback"]["submitted"] == feedback["feedback"]["anonymous_submitted"] == 0
        cycle = setup.cycle.pk
        page = client.get(f"/reviews/cycles/{cycle}/").content.decode()
        assert 'Peer feedback submitted</th><td class="count">3 of 6</td>' in page
        progress = client.get(f"/api/review-cycles/{cycle}").json()["progress"]
        assert (progress["peer_submitted"], progress["peer_total"]) == (3, 6)
