"""Calibration and kudos in a real browser: the facilitator (whose own review is not in the
session) finds the session from the review cycles, is refused completion while a flagged
rating is unexplained, explains it, moves a rating with a reason, sees the change log and
completes the session; a colleague gives kudos from a person's page, where the kudos load
after the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lineofsight.reviews.models import CalibrationSession, Kudos, RatingChange

from ..calibration import build_calibration
from ..okrs import build_cascade

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_facilitator_calibrates_and_completes(cast, sign_in, live_server):
    # Eli facilitates (his own review is not in the session, so he may complete it).
    c = build_calibration(cast, facilitator=cast.eli, participants=[cast.sam])
    web = sign_in(cast.eli)
    web.get_by_role("link", name="Reviews").click()
    web.get_by_role("link", name="Calibration").click()
    web.get_by_role("link", name="Sales calibration").click()
    expect(web.get_by_role("heading", name="Sales calibration")).to_be_visible()
    ava = web.locator(f"#review-{c.review('ava').pk}")
    expect(ava).to_contain_text("High rating, low OKR attainment")
    expect(ava).to_contain_text("OKR attainment 30 % (below 40 %)")
    expect(web.locator(f"#review-{c.review('sam').pk}")).to_contain_text("Sam Sato")

    web.get_by_role("button", name="Complete the session").click()
    expect(web.locator(".message-error")).to_contain_text(
        "Explain the flagged ratings first: Ava Adams"
    )
    ava = web.locator(f"#review-{c.review('ava').pk}")
    ava.get_by_role("link", name="Explain").click()
    web.get_by_label("Explanation").fill("Two regional deals the team's quota depended on.")
    web.get_by_role("button", name="Save the explanation").click()
    expect(web.locator(f"#review-{c.review('ava').pk}")).to_contain_text(
        "Explained: Two regional deals"
    )

    web.locator(f"#review-{c.review('pia').pk}").get_by_role("link", name="Move rating").click()
    web.get_by_label("New rating").select_option("4")
    web.get_by_label("Reason").fill("Carried the renewals while Ava was out.")
    web.get_by_role("button", name="Move the rating").click()
    expect(web.locator(".change-log")).to_contain_text(
        "Eli Evans moved Pia Park's rating from 3 (Meets) to 4 (Exceeds)."
    )
    assert RatingChange.objects.get(session=c.session).reason.startswith("Carried")

    web.get_by_role("button", name="Complete the session").click()
    expect(web.locator(".calibration-session")).to_have_attribute("data-state", "complete")
    assert CalibrationSession.objects.get(pk=c.session.pk).state == "complete"


def test_kudos_from_a_person_page(cast, sign_in):
    cascade = build_cascade(cast)
    web = sign_in(cast.pia)
    web.get_by_role("link", name="People").click()
    web.get_by_role("link", name="Ava Adams").first.click()
    form = web.locator(".kudos-form")
    expect(form).to_be_visible()  # loaded into the page after it
    form.get_by_label("Message").fill("Your discovery script got me two meetings.")
    form.get_by_label("For the key result").select_option(str(cascade.ava_opps.pk))
    form.get_by_role("button", name="Give kudos").click()
    expect(web.locator(".kudos-list")).to_contain_text("Your discovery script")
    assert Kudos.objects.get().key_result == cascade.ava_opps
