"""The review conversation's pages through the test client: the inbox, the feedback forms
(drafts without a reload, submission, errors naming the question, team context first), the
review page, peer requests, upward feedback, sharing, acknowledgement and amendments."""

from __future__ import annotations

import html
import re

import pytest
import time_machine

from lineofsight.reviews.conversation.questions import questions_for
from lineofsight.reviews.models import (
    Amendment,
    Answer,
    AnswerKind,
    Feedback,
    RatingChange,
    Review,
)

from ..review_conversation import (
    ask_peers,
    complete_answers,
    feedback_of,
    see_team_context,
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


def text(response) -> str:
    """The page's words, without tags."""
    words = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(words))


def markup(response) -> str:
    return response.content.decode()


def form_data(fb: Feedback, action: str = "save", **extra) -> dict[str, str]:
    """The form as posted: its answers and the version it was loaded at (the latest)."""
    data = {"action": action, "version": str(Feedback.objects.get(pk=fb.pk).version)}
    for qid, answer in complete_answers(fb).items():
        if answer.text:
            data[f"q{qid}_text"] = answer.text
        if answer.rating is not None:
            data[f"q{qid}_rating"] = str(answer.rating)
    data.update(extra)
    return data


# -- the inbox ---------------------------------------------------------------------------------


def test_the_inbox_lists_what_to_write_with_deadlines(cast, setup, as_user):
    page = text(as_user(cast.ava).get("/reviews/"))
    assert "Your self review" in page
    assert "Upward feedback on Sam Sato" in page  # Ava reports to Sam, who is in the cycle
    assert "Fri 9 Oct" in page  # the self review deadline
    assert "Q3 2026 reviews" in page
    assert "Your manager's review and rating show once it is shared with you." in page
    sam = text(as_user(cast.sam).get("/reviews/"))
    assert "Manager review of Ava Adams" in sam and "Manager review of Pia Park" in sam
    assert "Manager review of Dev Diaz" not in sam


def test_the_inbox_shows_requests_to_approve_and_feedback_asked(cast, setup, as_user):
    (fb,) = ask_peers(setup["ava"], cast.ava, cast.pia)
    sam = text(as_user(cast.sam).get("/reviews/"))
    assert "Ava Adams asks Pia Park for feedback" in sam
    assert "Peer feedback on Ava Adams" not in text(as_user(cast.pia).get("/reviews/"))
    fb.state = Feedback.State.OPEN
    fb.save()
    assert "Peer feedback on Ava Adams" in text(as_user(cast.pia).get("/reviews/"))


# -- the self review form ---------------------------------------------------------------------


def test_the_self_review_form_groups_questions_with_baseline_apart(cast, setup, as_user):
    fb = feedback_of(setup["ava"], "self")
    response = as_user(cast.ava).get(f"/reviews/feedback/{fb.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert "Baseline expectations of the role" in page
    assert "Rated on their own, separately from the OKRs." in page
    assert 'data-section="baseline"' in markup(response)
    assert "3 · Meets" in page  # the scale's labels on the ratings
    assert "Overall rating" not in page  # only the manager rates


def test_saving_a_draft_answers_htmx_without_a_reload(cast, setup, as_user, htmx):
    fb = feedback_of(setup["ava"], "self")
    client = as_user(cast.ava)
    response = client.post(f"/reviews/feedback/{fb.pk}/", form_data(fb), **htmx)
    assert response.status_code == 200
    assert "Draft saved at" in text(response)
    assert "<html" not in markup(response)
    assert Answer.objects.filter(feedback=fb).count() == len(complete_answers(fb))
    fb.refresh_from_db()
    assert fb.state == "open"
    # Without htmx the form still works: it saves and comes back.
    response = client.post(f"/reviews/feedback/{fb.pk}/", form_data(fb))
    assert response.status_code == 302 and response.url == f"/reviews/feedback/{fb.pk}/"


def test_each_form_asks_its_own_questions_worded_for_its_writer(cast, setup, as_user):
    review = setup["ava"]
    see_team_context(cast.sam, review)
    own = text(as_user(cast.ava).get(f"/reviews/feedback/{feedback_of(review, 'self').pk}/"))
    manager = text(
        as_user(cast.sam).get(f"/reviews/feedback/{feedback_of(review, 'manager').pk}/")
    )
    assert "What was in your control, and what was not?" in own
    assert "What was in their control, and what was not?" in manager
    assert "What was in your control" not in manager
    assert "What did you learn" not in manager and "What will you grow" not in manager
    assert "What did they learn" in manager and "What should they grow" in manager
    assert "What was in their control" not in own


def test_required_questions_are_marked_and_announced(cast, setup, as_user):
    review = setup["ava"]
    fb = feedback_of(review, "self")
    response = as_user(cast.ava).get(f"/reviews/feedback/{fb.pk}/")
    page = markup(response)
    questions = questions_for(review.review_cycle, "self")
    required = next(q for q in questions if q.required and q.kind == AnswerKind.TEXT)
    optional = next(q for q in questions if not q.required and q.kind == AnswerKind.TEXT)
    rated = next(q for q in questions if q.required and q.kind == AnswerKind.RATING_TEXT)

    def block(q) -> str:
        start = page.index(f'data-question="{q.pk}"')
        return page[start : page.index("data-question=", start + 20)]

    assert '<span class="visually-hidden"> (required)</span>' in block(required)
    assert 'aria-required="true"' in block(required)
    assert "(required)" not in block(optional) and "aria-required" not in block(optional)
    legend = re.search(r"<legend>(.*?)</legend>", block(rated), re.S)
    assert legend is not None and "(required)" in legend.group(1)
    assert "Questions marked * required must be answered to submit." in text(response)


def test_an_error_names_the_whole_question(cast, setup, as_user):
    review = setup["ava"]
    fb = feedback_of(review, "self")
    long_required = next(
        q
        for q in questions_for(review.review_cycle, "self")
        if q.required and q.kind == AnswerKind.TEXT and len(q.text) > 60
    )
    data = form_data(fb, "submit")
    del data[f"q{long_required.pk}_text"]
    response = as_user(cast.ava).post(f"/reviews/feedback/{fb.pk}/", data)
    assert response.status_code == 422
    page = text(response)
    assert f"\u201c{long_required.text}\u201d needs an answer." in page
    assert "\u2026" not in page


def test_submitting_with_a_missing_answer_names_the_question(cast, setup, as_user):
    review = setup["ava"]
    fb = feedback_of(review, "self")
    required = next(
        q
        for q in questions_for(review.review_cycle, "self")
        if q.required and q.kind == AnswerKind.RATING_TEXT
    )
    data = form_data(fb, "submit")
    del data[f"q{required.pk}_rating"]
    response = as_user(cast.ava).post(f"/reviews/feedback/{fb.pk}/", data)
    assert response.status_code == 422
    page = text(response)
    assert f"\u201c{required.text}\u201d needs a rating." in page
    assert not Answer.objects.filter(feedback=fb).exists()
    fb.refresh_from_db()
    assert fb.state == "open"


def test_a_bad_rating_is_refused_by_the_form(cast, setup, as_user):
    fb = feedback_of(setup["ava"], "self")
    rated = next(q for q in questions_for(fb.review.review_cycle, "self") if q.kind != "text")
    data = form_data(fb, "save", **{f"q{rated.pk}_rating": "9"})
    response = as_user(cast.ava).post(f"/reviews/feedback/{fb.pk}/", data)
    assert response.status_code == 422
    assert "Select a valid choice" in text(response)
    assert not Answer.objects.filter(feedback=fb).exists()


def test_submitting_moves_on_and_the_form_turns_read_only(cast, setup, as_user):
    fb = feedback_of(setup["ava"], "self")
    client = as_user(cast.ava)
    response = client.post(f"/reviews/feedback/{fb.pk}/", form_data(fb, "submit"))
    assert response.status_code == 302 and response.url == "/reviews/"
    fb.refresh_from_db()
    assert fb.state == "submitted"
    assert Review.objects.get(pk=fb.review_id).state == "manager_review"
    response = client.get(f"/reviews/feedback/{fb.pk}/")
    assert "Submitted on" in text(response) and "<textarea" not in markup(response)
    # A later post changes nothing.
    response = client.post(
        f"/reviews/feedback/{fb.pk}/",
        form_data(
            fb,
            "save",
            **{f"q{questions_for(fb.review.review_cycle, 'self')[0].pk}_text": "Rewritten"},
        ),
    )
    assert response.status_code == 302
    assert not Answer.objects.filter(feedback=fb, text="Rewritten").exists()


def test_only_the_author_writes_and_others_may_only_read(cast, setup, as_user):
    review = setup["ava"]
    fb = feedback_of(review, "self")
    assert as_user(cast.otto).get(f"/reviews/feedback/{fb.pk}/").status_code == 404
    assert as_user(cast.pia).get(f"/reviews/feedback/{fb.pk}/").status_code == 404
    sam = as_user(cast.sam)
    # A draft is the author's alone: to her manager it does not exist yet.
    assert sam.get(f"/reviews/feedback/{fb.pk}/").status_code == 404
    assert sam.post(f"/reviews/feedback/{fb.pk}/", form_data(fb)).status_code == 404
    submit_self(review, text="Ava's own words")
    assert "Ava's own words" in text(sam.get(f"/reviews/feedback/{fb.pk}/"))


# -- the manager review -----------------------------------------------------------------------


def test_the_manager_review_opens_after_the_team_context(cast, setup, as_user):
    review = setup["ava"]
    fb = feedback_of(review, "manager")
    client = as_user(cast.sam)
    response = client.get(f"/reviews/feedback/{fb.pk}/")
    team_url = f"/reviews/cycles/{review.review_cycle_id}/teams/{cast.enterprise.pk}/"
    assert response.status_code == 302
    assert response.url == f"{team_url}?next=/reviews/feedback/{fb.pk}/"
    assert client.get(response.url).status_code == 200  # opening it records the visit
    response = client.get(f"/reviews/feedback/{fb.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert "Overall rating" in page and "4 · Exceeds — Often went beyond them." in page
    assert "context, not a formula" in page
    assert "OKR attainment in Q3 2026" in page
    assert "checked" not in markup(response).split('data-section="rating"')[1]  # not pre-filled


def test_the_manager_writes_rates_and_submits(cast, setup, as_user):
    review = setup["ava"]
    submit_self(review)
    fb = feedback_of(review, "manager")
    see_team_context(cast.sam, review)
    client = as_user(cast.sam)
    data = form_data(fb, "submit", rating="4", potential="2")
    response = client.post(f"/reviews/feedback/{fb.pk}/", data)
    assert response.status_code == 422
    assert "Explain the rating in a few sentences." in text(response)
    assert not RatingChange.objects.exists()
    data["rating_explanation"] = "Closed 5 of 6 in a hard quarter."
    response = client.post(f"/reviews/feedback/{fb.pk}/", data)
    assert response.status_code == 302 and response.url == f"/reviews/{review.pk}/"
    review.refresh_from_db()
    assert (review.state, review.rating, review.potential) == ("submitted", 4, 2)
    page = text(client.get(f"/reviews/{review.pk}/"))
    assert "4 · Exceeds" in page and "Closed 5 of 6 in a hard quarter." in page
    assert "Submitted in the manager review." in page  # the rating change in the history
    assert "Share with Ava Adams" in page


# -- the review page --------------------------------------------------------------------------


def test_the_review_page_follows_the_access_policy(cast, setup, as_user):
    review = setup["ava"]
    for who in (cast.pia, cast.dev, cast.eli, cast.otto):
        assert as_user(who).get(f"/reviews/{review.pk}/").status_code == 404, who
    for who in (cast.ava, cast.sam, cast.cora, cast.hana):
        assert as_user(who).get(f"/reviews/{review.pk}/").status_code == 200, who
    assert as_user(cast.sam).get("/reviews/999999/").status_code == 404


def test_the_shared_review_reads_whole_for_the_person(cast, setup, as_user):
    review = shared_review(setup, cast)
    page = text(as_user(cast.ava).get(f"/reviews/{review.pk}/"))
    for part in (
        "Ava Adams",
        "Evidence pack",
        "Your self review",
        "From Pia Park",
        "Helped me close Brightwater.",
        "4 · Exceeds",
        "Strong quarter.",
        "Rating changes and amendments",
        "Acknowledge",
    ):
        assert part in page, part
    assert "Share with" not in page and "Amend" not in page.replace("amendments", "")


def test_anonymous_feedback_reads_in_aggregate_only(cast, as_user):
    setup = build_review_cycle(cast, anonymous_peer_feedback=True, **DEADLINES_AHEAD)
    review = setup["ava"]
    ask_peers(review, cast.sam, cast.pia, cast.dev, cast.otto)
    write_peer(review, cast.pia, text="Pia wrote this")
    write_peer(review, cast.dev, text="Dev wrote this")
    write_peer(review, cast.otto, text="Otto wrote this")
    page = text(as_user(cast.sam).get(f"/reviews/{review.pk}/"))
    assert "shown together, in aggregate, once the feedback phase closes (4 Dec 2026)" in page
    assert "wrote this" not in page and "From Pia Park" not in page
    with time_machine.travel(AFTER_FEEDBACK):
        page = text(as_user(cast.hana).get(f"/reviews/{review.pk}/"))
    assert "3 people answered" in page
    assert all(f"{n} wrote this" in page for n in ("Pia", "Dev", "Otto"))
    assert "From Pia Park" not in page and "From Otto Olsen" not in page


# -- peer requests ----------------------------------------------------------------------------


def test_the_person_asks_and_the_manager_approves_or_declines(cast, setup, as_user):
    review = setup["ava"]
    ava = as_user(cast.ava)
    page = text(ava.get(f"/reviews/{review.pk}/peers/"))
    assert "Pia Park" in page  # suggested: she shares a team with Ava
    response = ava.post(
        f"/reviews/{review.pk}/peers/", {"suggested": [str(cast.pia.pk)], "others": "dev"}
    )
    assert response.status_code == 302
    rows = Feedback.objects.filter(review=review, kind="peer").order_by("author__username")
    assert [(f.author.username, f.state) for f in rows] == [
        ("dev", "requested"),
        ("pia", "requested"),
    ]
    # Bad input is named and changes nothing.
    response = ava.post(f"/reviews/{review.pk}/peers/", {"others": "nobody-here, sam"})
    assert response.status_code == 422
    assert "Nobody active with this username or email address: nobody-here." in text(response)
    response = ava.post(f"/reviews/{review.pk}/peers/", {"others": "sam"})
    assert "Sam Sato writes the manager review" in text(response)
    assert Feedback.objects.filter(review=review, kind="peer").count() == 2

    sam = as_user(cast.sam)
    pia_fb, dev_fb = rows.get(author=cast.pia), rows.get(author=cast.dev)
    assert "Waiting for the manager's approval" in text(sam.get(f"/reviews/{review.pk}/peers/"))
    assert sam.post(f"/reviews/feedback/{pia_fb.pk}/approve/").status_code == 302
    pia_fb.refresh_from_db()
    assert pia_fb.state == "open"
    response = sam.post(f"/reviews/feedback/{dev_fb.pk}/decline/", {"reason": ""})
    assert response.status_code == 422 and "This field is required." in text(response)
    response = sam.post(f"/reviews/feedback/{dev_fb.pk}/decline/", {"reason": "Other team."})
    assert response.status_code == 302
    dev_fb.refresh_from_db()
    assert (dev_fb.state, dev_fb.decline_reason) == ("declined", "Other team.")
    # Ava may not decide her own requests.
    assert as_user(cast.ava).post(f"/reviews/feedback/{pia_fb.pk}/approve/").status_code == 403
    assert as_user(cast.otto).get(f"/reviews/{review.pk}/peers/").status_code == 404


def test_upward_feedback_starts_from_the_inbox(cast, as_user):
    sams = build_review_cycle(cast, **DEADLINES_AHEAD)["sam"]
    client = as_user(cast.ava)
    response = client.post(f"/reviews/{sams.pk}/upward/")
    fb = Feedback.objects.get(review=sams, kind="upward", author=cast.ava)
    assert response.status_code == 302 and response.url == f"/reviews/feedback/{fb.pk}/"
    page = text(client.get(response.url))
    assert "Upward feedback on Sam Sato" in page and "Anonymous:" in page
    assert as_user(cast.otto).post(f"/reviews/{sams.pk}/upward/").status_code == 404
    assert as_user(cast.cora).post(f"/reviews/{sams.pk}/upward/").status_code == 403


# -- sharing, acknowledgement, amendments -----------------------------------------------------


def test_sharing_then_acknowledging_with_a_comment(cast, setup, as_user):
    review = setup["ava"]
    submit_self(review)
    submit_manager(review)
    assert as_user(cast.ava).post(f"/reviews/{review.pk}/share/").status_code == 403
    assert as_user(cast.pia).post(f"/reviews/{review.pk}/share/").status_code == 404
    response = as_user(cast.sam).post(f"/reviews/{review.pk}/share/")
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == "shared"
    ava = as_user(cast.ava)
    assert "Acknowledge your review" in text(ava.get("/reviews/"))
    response = ava.post(f"/reviews/{review.pk}/acknowledge/", {"comment": "x" * 10_001})
    assert response.status_code == 422
    response = ava.post(f"/reviews/{review.pk}/acknowledge/", {"comment": "Fair."})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.state, review.employee_comment) == ("acknowledged", "Fair.")
    page = text(ava.get(f"/reviews/{review.pk}/"))
    assert "Ava Adams acknowledged the review on" in page and "Fair." in page
    assert as_user(cast.sam).post(f"/reviews/{review.pk}/acknowledge/").status_code == 403


def test_hr_amends_with_a_reason_shown_on_the_page(cast, setup, as_user):
    review = shared_review(setup, cast)
    hana = as_user(cast.hana)
    assert hana.get(f"/reviews/{review.pk}/amend/").status_code == 200
    response = hana.post(
        f"/reviews/{review.pk}/amend/",
        {"rating": "3", "potential": "2", "rating_explanation": "Strong quarter.", "reason": ""},
    )
    assert response.status_code == 422 and "This field is required." in text(response)
    assert not Amendment.objects.exists()
    response = hana.post(
        f"/reviews/{review.pk}/amend/",
        {
            "rating": "3",
            "potential": "2",
            "rating_explanation": "Strong quarter.",
            "reason": "Agreed in calibration.",
        },
    )
    assert response.status_code == 302
    page = text(hana.get(f"/reviews/{review.pk}/"))
    assert "Agreed in calibration." in page and "3 · Meets" in page
    assert as_user(cast.sam).get(f"/reviews/{review.pk}/amend/").status_code == 403
    assert as_user(cast.otto).get(f"/reviews/{review.pk}/amend/").status_code == 404
    # Answers of one feedback.
    fb = feedback_of(review, "self")
    hana = as_user(cast.hana)
    response = hana.get(f"/reviews/{review.pk}/amend/?feedback={fb.pk}")
    assert response.status_code == 200 and "Facts first: 22 of 25 qualified." in text(response)
    assert hana.get(f"/reviews/{review.pk}/amend/?feedback=abc").status_code == 404


def test_the_manager_cannot_share_a_draft(cast, setup, as_user):
    review = setup["ava"]
    response = as_user(cast.sam).post(f"/reviews/{review.pk}/share/", follow=True)
    assert "not submitted yet" in text(response)
    review.refresh_from_db()
    assert review.state == "self_review"
