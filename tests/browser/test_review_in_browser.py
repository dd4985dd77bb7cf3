"""One person's review, the whole way, in a real browser, across the people involved.

HR has launched the quarter's review cycle (the fixture does, through the action). Ava writes
her self review -- a draft saved without a reload first -- and asks Pia for feedback; Sam,
her manager, approves the request; Pia writes her feedback; Sam opens the team's OKR summary
(team context first), writes the manager review with a rating and submits it; in the live
calibration session Hana, facilitating, moves the rating with a reason; Sam shares the
review; Ava reads it and acknowledges it with a comment."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lineofsight.reviews.calibration import actions as calibration
from lineofsight.reviews.models import Feedback, RatingChange, Review

from ..okrs import build_cascade
from ..reviews import build_review_cycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer_every_question(form, *, words: str, rating: str = "4") -> None:
    """Write in every text box and choose a rating for every rated question of the form."""
    questions = form.locator(".question")
    for i in range(questions.count()):
        q = questions.nth(i)
        radio = q.locator(f"input[type=radio][value='{rating}']")
        if radio.count():
            radio.check()
        box = q.locator("textarea")
        if box.count():
            box.fill(f"{words} ({i + 1})")


def to_reviews(web: Page) -> None:
    web.get_by_role("navigation", name="Main").get_by_role("link", name="Reviews").click()


def sign_out(web: Page) -> None:
    web.get_by_role("button", name="Sign out").click()


def test_one_review_from_self_review_to_acknowledgement(cast, sign_in, live_server):
    build_cascade(cast)
    setup = build_review_cycle(cast)
    review = setup["ava"]

    # Ava: her self review, a draft first (no reload), then peers, then submit.
    web = sign_in(cast.ava)
    to_reviews(web)
    row = web.locator("tr[data-task='self']")
    expect(row).to_contain_text("Your self review")
    row.get_by_role("link", name="Write").click()
    expect(web.get_by_role("heading", name="Your self review")).to_be_visible()
    web.wait_for_load_state("networkidle")  # its scripts listening, as when a person types
    web.evaluate("window.__stillHere = 'yes'")
    form = web.locator("form#feedback-form")
    form.locator(".question").first.locator("textarea").fill("22 of 25 qualified, 8 of 10 legal.")
    form.get_by_role("button", name="Save draft").click()
    expect(web.locator("#draft-status")).to_contain_text("Draft saved at")
    assert web.evaluate("window.__stillHere") == "yes"
    # Submitting half a review names what is missing and keeps the page.
    form.get_by_role("button", name="Submit").click()
    expect(web.locator(".errorlist").first).to_contain_text("needs an answer")
    assert Feedback.objects.get(review=review, kind="self").state == "open"
    web.get_by_role("link", name="Ask colleagues for feedback").click()
    web.get_by_label("Pia Park").check()
    web.get_by_role("button", name="Ask for feedback").click()
    expect(web.get_by_role("status")).to_contain_text("wait for your manager's approval")
    to_reviews(web)
    web.locator("tr[data-task='self']").get_by_role("link", name="Write").click()
    form = web.locator("form#feedback-form")
    answer_every_question(form, words="Facts first")
    form.get_by_role("button", name="Submit").click()
    expect(web.get_by_role("status")).to_contain_text("Submitted: self review.")
    assert Review.objects.get(pk=review.pk).state == "manager_review"
    sign_out(web)

    # Sam approves Ava's request.
    web = sign_in(cast.sam)
    to_reviews(web)
    approve = web.locator("tr[data-task='approve']")
    expect(approve).to_contain_text("Ava Adams asks Pia Park for feedback")
    approve.get_by_role("link", name="Decide").click()
    web.get_by_role("button", name="Approve the request to Pia Park").click()
    expect(web.get_by_role("status")).to_contain_text("Pia Park can now write their feedback")
    sign_out(web)

    # Pia writes her feedback.
    web = sign_in(cast.pia)
    to_reviews(web)
    peer = web.locator("tr[data-task='peer']")
    expect(peer).to_contain_text("Peer feedback on Ava Adams")
    peer.get_by_role("link", name="Write").click()
    expect(web.locator(".privacy-note")).to_contain_text("Your name is shown")
    form = web.locator("form#feedback-form")
    answer_every_question(form, words="Ava unblocked the Brightwater legal review")
    form.get_by_role("button", name="Submit").click()
    expect(web.get_by_role("status")).to_contain_text("Submitted: peer feedback.")
    sign_out(web)

    # Sam: team context first, then the manager review with a rating.
    web = sign_in(cast.sam)
    to_reviews(web)
    web.locator(f"tr[data-task='manager'][data-review='{review.pk}']").get_by_role(
        "link", name="Write"
    ).click()
    expect(web.get_by_role("status")).to_contain_text("Team context first")
    expect(web.locator("main")).to_contain_text("Enterprise Sales")
    to_reviews(web)
    web.locator(f"tr[data-task='manager'][data-review='{review.pk}']").get_by_role(
        "link", name="Write"
    ).click()
    expect(web.get_by_role("heading", name="Manager review of Ava Adams")).to_be_visible()
    expect(web.locator(".evidence-aside")).to_contain_text("context, not a formula")
    form = web.locator("form#feedback-form")
    answer_every_question(form, words="Closed 5 of 6")
    rating = form.locator("[data-section='rating']")
    rating.get_by_label("4 · Exceeds — Often went beyond them.").check()
    rating.get_by_label("2 · Ready for more").check()
    rating.get_by_label("Rating explanation").fill("Carried the pipeline in a hard quarter.")
    form.get_by_role("button", name="Submit").click()
    expect(web.locator("[data-review-state]")).to_have_text("Submitted by the manager")
    expect(web.locator("#manager-review")).to_contain_text("4 · Exceeds")
    expect(web.locator("#peer-feedback")).to_contain_text("From Pia Park")
    sign_out(web)

    # Calibration: Hana facilitates the live session over Sales and moves the rating.
    session = calibration.create_session(
        acting_user=cast.hana,
        review_cycle=setup.cycle,
        name="Sales calibration",
        facilitator=cast.hana,
        participants=[cast.sam],
        population_teams=[cast.sales],
    )
    calibration.set_session_state(acting_user=cast.hana, session=session, state="live")
    web = sign_in(cast.hana)
    web.goto(f"{live_server.url}/reviews/calibration/{session.pk}/")
    web.locator(f"tr[data-review='{review.pk}']").get_by_role("link", name="Move rating").click()
    web.get_by_label("New rating").select_option(value="3")
    web.get_by_label("Reason").fill("Against the other account executives, a solid Meets.")
    web.get_by_role("button", name="Move").click()
    expect(web.get_by_role("status")).to_contain_text("Ava Adams: rating")
    assert Review.objects.get(pk=review.pk).rating == 3
    sign_out(web)

    # Sam shares the review.
    web = sign_in(cast.sam)
    web.goto(f"{live_server.url}/reviews/{review.pk}/")
    expect(web.locator("#history")).to_contain_text("Against the other account executives")
    web.get_by_role("button", name="Share with Ava Adams").click()
    expect(web.get_by_role("status")).to_contain_text("Shared with Ava Adams")
    sign_out(web)

    # Ava reads her review and acknowledges it with a comment.
    web = sign_in(cast.ava)
    to_reviews(web)
    web.locator("tr[data-task='acknowledge']").get_by_role("link", name="Read").click()
    expect(web.locator("#manager-review")).to_contain_text("3 · Meets")
    expect(web.locator("#peer-feedback")).to_contain_text("Ava unblocked the Brightwater")
    expect(web.locator("#evidence")).to_be_visible()
    web.get_by_label("Your comment (optional)").fill(
        "Fair. I will start legal reviews in week one."
    )
    web.get_by_role("button", name="Acknowledge").click()
    expect(web.locator("[data-acknowledged]")).to_contain_text("Ava Adams acknowledged the review")
    expect(web.locator(".employee-comment")).to_contain_text("legal reviews in week one")
    done = Review.objects.get(pk=review.pk)
    assert done.state == "acknowledged" and done.rating == 3
    assert list(
        RatingChange.objects.filter(review=done, field="rating").values_list(
            "old_value", "new_value"
        )
    ) == [(None, 4), (4, 3)]
