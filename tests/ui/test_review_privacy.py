"""Drafts, ratings and the person's own review, on every surface a person reaches: the pages,
the print packet and its PDF, the API, the ratings exports and calibration.

* A draft (a self review, a peer answer, a manager review and its rating) is its author's
  alone until submitted: nobody else -- not the manager chain, not HR -- reads a word of it.
* Only submitted ratings count anywhere; a draft rating is marked as such to its author.
* The person opens their own review and evidence pack while writing the self review, and
  re-reads their submitted self review -- never seeing the manager's draft or rating.

Every check looks for the words that must not appear, not only at the status code."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from lineofsight.core.errors import InvalidInput
from lineofsight.people.models import Person
from lineofsight.reviews.calibration import actions as calibration
from lineofsight.reviews.conversation import actions
from lineofsight.reviews.models import Feedback, Review

from ..calibration import rate
from ..review_conversation import (
    ask_peers,
    complete_answers,
    feedback_of,
    see_team_context,
    submit_self,
)
from ..reviews import build_review_cycle

pytestmark = pytest.mark.django_db

SELF_DRAFT = "Self-draft-marker: my numbers are not final"
PEER_DRAFT = "Peer-draft-marker: still thinking about it"
MANAGER_DRAFT = "Manager-draft-marker: first thoughts on Ava"
WHY_DRAFT = "Why-draft-marker: leaning towards a two"
SELF_SUBMITTED = "Self-submitted-marker: 22 of 25 qualified"


def body(response) -> str:
    """What a person receives: the page, the JSON, or the PDF's text."""
    if response.get("Content-Type", "").startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(response.content))
        return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    return response.content.decode()


def get(person: Person, url: str):
    client = Client()
    client.force_login(person)
    return client.get(url)


@pytest.fixture
def drafts(cast):
    """Ava's review with every draft there is: her self review, Pia's peer answer (asked by
    Sam) and Sam's manager review with its rating 2 and explanation."""
    setup = build_review_cycle(cast)
    review = setup["ava"]
    own = feedback_of(review, Feedback.Kind.SELF)
    actions.save_feedback(
        acting_user=cast.ava, feedback=own, answers=complete_answers(own, text=SELF_DRAFT)
    )
    (peer,) = ask_peers(review, cast.sam, cast.pia)
    actions.save_feedback(
        acting_user=cast.pia, feedback=peer, answers=complete_answers(peer, text=PEER_DRAFT)
    )
    manager = feedback_of(review, Feedback.Kind.MANAGER)
    see_team_context(cast.sam, review)
    actions.save_feedback(
        acting_user=cast.sam,
        feedback=manager,
        answers=complete_answers(manager, text=MANAGER_DRAFT),
        rating=2,
        potential=2,
        rating_explanation=WHY_DRAFT,
    )
    return setup, review, {"self": own, "peer": peer, "manager": manager}


def surfaces(review: Review) -> list[str]:
    pk = review.pk
    return [
        f"/reviews/{pk}/",
        f"/reviews/{pk}/evidence/",
        f"/reviews/{pk}/packet/",
        f"/reviews/{pk}/packet.pdf",
        f"/api/reviews/{pk}",
        f"/api/reviews/{pk}/evidence",
        f"/api/reviews/{pk}/packet.pdf",
    ]


# -- item: drafts are their author's alone -----------------------------------------------------


def test_a_draft_is_read_by_nobody_but_its_author_over_the_api_and_the_pages(cast, drafts):
    _, review, rows = drafts
    written = {"self": SELF_DRAFT, "peer": PEER_DRAFT, "manager": MANAGER_DRAFT}
    authors = {"self": cast.ava, "peer": cast.pia, "manager": cast.sam}
    for kind, fb in rows.items():
        for who in (cast.sam, cast.cora, cast.hana, cast.ava, cast.pia):
            for url in (f"/api/feedback/{fb.pk}", f"/reviews/feedback/{fb.pk}/"):
                got = get(who, url)
                if who == authors[kind]:
                    assert got.status_code == 200 and written[kind] in body(got), (kind, url)
                else:
                    assert got.status_code == 404, (kind, who.username, url)
                    assert written[kind] not in body(got)


def test_no_draft_text_or_draft_rating_on_any_page_packet_pdf_or_api(cast, drafts):
    _, review, _ = drafts
    for who in (cast.cora, cast.hana):
        for url in surfaces(review):
            got = get(who, url)
            assert got.status_code == 200, (who.username, url)
            seen = body(got)
            for marker in (SELF_DRAFT, PEER_DRAFT, MANAGER_DRAFT, WHY_DRAFT):
                assert marker not in seen, (who.username, url, marker)
            assert "Partly meets" not in seen, (who.username, url)  # the draft rating, 2
    detail = get(cast.hana, f"/api/reviews/{review.pk}").json()
    assert (detail["rating"], detail["rating_explanation"]) == (None, "")


def test_the_author_sees_their_draft_rating_marked_as_a_draft(cast, drafts):
    _, review, _ = drafts
    page = body(get(cast.sam, f"/reviews/{review.pk}/"))
    assert "Draft rating" in page and "2 · Partly meets" in page and WHY_DRAFT in page
    assert "only you see this rating" in page
    packet = body(get(cast.sam, f"/reviews/{review.pk}/packet/"))
    assert "Draft rating" in packet and "draft: only you see it" in packet
    pdf = body(get(cast.sam, f"/reviews/{review.pk}/packet.pdf"))
    assert "Draft rating: 2 - Partly meets" in pdf
    detail = get(cast.sam, f"/api/reviews/{review.pk}").json()
    assert (detail["rating"], detail["rating_is_draft"]) == (2, True)


# -- item: only submitted ratings count ----------------------------------------------------------


def test_a_draft_rating_counts_nowhere_until_submitted(cast, drafts):
    setup, review, rows = drafts
    for username, rating in (("sam", 3), ("pia", 3)):
        rate(setup[username], rating, attainment=0.6)
    session = calibration.create_session(
        acting_user=cast.hana,
        review_cycle=setup.cycle,
        name="Sales calibration",
        facilitator=cast.hana,
        participants=[cast.eli],
        population_teams=[cast.sales],
    )
    calibration.set_session_state(acting_user=cast.hana, session=session, state="live")
    board = get(cast.hana, f"/api/calibration-sessions/{session.pk}").json()
    ava = next(p for p in board["people"] if p["review"] == review.pk)
    assert ava["rating"] is None
    assert WHY_DRAFT not in str(board)
    page = body(get(cast.hana, f"/reviews/calibration/{session.pk}/"))
    assert "Partly meets" not in page and WHY_DRAFT not in page
    for url in (
        f"/reviews/cycles/{setup.cycle.pk}/ratings.csv",
        f"/api/review-cycles/{setup.cycle.pk}/ratings.csv",
    ):
        got = get(cast.hana, url)
        line = next(row for row in body_lines(got) if row.startswith("Ava Adams,"))
        assert "Partly meets" not in line and ",2," not in line, line
    cycle_page = body(get(cast.hana, f"/reviews/cycles/{setup.cycle.pk}/"))
    assert "Partly meets" not in cycle_page
    with pytest.raises(InvalidInput, match="not submitted yet"):
        calibration.move_rating(
            acting_user=cast.hana, session=session, review=review, value=3, reason="Moved"
        )
    # Submitted, it counts: in calibration and in the export.
    submit_self(review)
    manager = rows["manager"]
    actions.submit_feedback(acting_user=cast.sam, feedback=manager)
    board = get(cast.hana, f"/api/calibration-sessions/{session.pk}").json()
    assert next(p for p in board["people"] if p["review"] == review.pk)["rating"] == 2
    got = get(cast.hana, f"/reviews/cycles/{setup.cycle.pk}/ratings.csv")
    line = next(row for row in body_lines(got) if row.startswith("Ava Adams,"))
    assert ",2,Partly meets," in line


def body_lines(response) -> list[str]:
    return b"".join(response.streaming_content).decode().splitlines()


# -- item: the person reads their own review, facts first ---------------------------------------


def test_the_person_opens_their_review_and_evidence_while_writing_the_self_review(cast, drafts):
    _, review, rows = drafts
    page = get(cast.ava, f"/reviews/{review.pk}/")
    assert page.status_code == 200
    seen = body(page)
    assert "Your self review" in seen and "Evidence pack" in seen
    assert "Continue writing it" in seen  # her own draft, to her
    for marker in (MANAGER_DRAFT, WHY_DRAFT, PEER_DRAFT):
        assert marker not in seen
    assert "Draft rating" not in seen and "Partly meets" not in seen
    evidence = get(cast.ava, f"/reviews/{review.pk}/evidence/")
    assert evidence.status_code == 200
    assert "1. Context" in body(evidence) and WHY_DRAFT not in body(evidence)
    form = body(get(cast.ava, f"/reviews/feedback/{rows['self'].pk}/"))
    assert f"/reviews/{review.pk}/evidence/" in form  # facts first: the pack, from the form


def test_the_person_re_reads_their_submitted_self_review_and_nothing_unshared(cast, drafts):
    _, review, _ = drafts
    submit_self(review, text=SELF_SUBMITTED)
    for url in (f"/reviews/{review.pk}/", f"/reviews/{review.pk}/packet/"):
        seen = body(get(cast.ava, url))
        assert SELF_SUBMITTED in seen, url
        for marker in (MANAGER_DRAFT, WHY_DRAFT, PEER_DRAFT):
            assert marker not in seen, (url, marker)
    detail = get(cast.ava, f"/api/reviews/{review.pk}").json()
    assert detail["outcome_shown"] is False and detail["rating"] is None
    assert [f["kind"] for f in detail["feedback"]] == ["self"]
    assert SELF_SUBMITTED in str(detail) and MANAGER_DRAFT not in str(detail)
    for url in (f"/api/reviews/{review.pk}/aggregates", f"/api/reviews/{review.pk}/amendments"):
        assert get(cast.ava, url).status_code == 404, url
    # Submitted, Sam's review and rating are still not hers to read before sharing.
    actions.submit_feedback(acting_user=cast.sam, feedback=feedback_of(review, "manager"))
    seen = body(get(cast.ava, f"/reviews/{review.pk}/"))
    assert MANAGER_DRAFT not in seen and WHY_DRAFT not in seen and "Partly meets" not in seen
    pdf = body(get(cast.ava, f"/reviews/{review.pk}/packet.pdf"))
    assert WHY_DRAFT not in pdf and "Partly meets" not in pdf


# -- copy: each reader sees the right possessive ---------------------------------------------


def test_the_self_review_reads_as_yours_only_to_its_author(cast, drafts):
    _, review, rows = drafts
    submit_self(review, text=SELF_SUBMITTED)
    sams = body(get(cast.sam, f"/reviews/feedback/{rows['self'].pk}/"))
    assert "Your self review" not in sams and "Ava Adams's self review" in sams
    assert "Your self review" not in body(get(cast.sam, f"/reviews/{review.pk}/"))
    assert "Your self review" in body(get(cast.ava, f"/reviews/feedback/{rows['self'].pk}/"))
