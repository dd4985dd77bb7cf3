"""Closing a cycle in a real browser: HR closes the quarter after a confirmation step; the
owner adjusts a grade with a reason and writes a retrospective without a page reload, then
sees both grades on the objective page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lineofsight.goals.models import Cycle, Objective, Retrospective

from ..closing import record_quarter
from ..okrs import build_cascade

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_closes_the_quarter_and_the_owner_closes_out(cast, sign_in, live_server):
    cascade = build_cascade(cast)
    record_quarter(cast, cascade)

    # HR: the cycles page, the confirmation step, the close.
    web = sign_in(cast.hana)
    web.get_by_role("link", name="Cycles").click()
    row = web.locator(f"tr[data-cycle='{cast.q4.pk}']")
    row.get_by_role("link", name="Close cycle").click()
    expect(web.get_by_role("heading", name="Close Q4 2026?")).to_be_visible()
    preview = web.locator("[data-closing-preview]")
    expect(preview).to_contain_text("Grades 3 objectives and 7 key results")
    expect(preview).to_contain_text("never had a check-in")
    assert Cycle.objects.get(pk=cast.q4.pk).state == "active"  # nothing happens yet
    web.get_by_role("button", name="Close Q4 2026 and grade it").click()
    expect(web.get_by_role("status")).to_contain_text("Q4 2026 is closed and graded.")
    expect(web.locator(".grade-summary").first).to_contain_text("Objectives graded: 3")
    assert Objective.objects.get(pk=cascade.ava_obj.pk).computed_grade == 0.84
    web.get_by_role("button", name="Sign out").click()

    # The owner: the close-out page, an adjusted grade and a retrospective, no reloads.
    web = sign_in(cast.ava)
    web.goto(f"{live_server.url}/cycles/{cast.q4.pk}/close-out/")
    web.evaluate("window.__stillHere = 'yes'")
    section = web.locator(f"#close-out-{cascade.ava_obj.pk}")
    block = section.locator(f"#grade-objective-{cascade.ava_obj.pk}")
    expect(block.locator("[data-computed-grade]")).to_have_text("0.84")
    expect(block).to_contain_text("Aspirational: 0.7 counts as success; landed 0.84: success")
    block.get_by_role("button", name="Adjust grade").click()
    form = block.locator("form.grade-form")
    expect(form).to_be_visible()
    form.get_by_label("Adjusted grade").fill("1.5")
    form.get_by_label("Reason").fill("Brightwater signed two days after the quarter ended.")
    form.get_by_role("button", name="Save grade").click()
    expect(block.locator("[data-field='adjusted_grade'] .errorlist")).to_contain_text(
        "A grade is from 0.0 to 1.0."
    )
    block.locator("form.grade-form").get_by_label("Adjusted grade").fill("0.9")
    block.locator("form.grade-form").get_by_role("button", name="Save grade").click()
    expect(block.locator("form.grade-form")).to_have_count(0)
    expect(block.locator("[data-adjusted-grade]")).to_have_text("0.90")
    expect(block).to_contain_text("Brightwater signed two days after the quarter ended.")

    retro = section.locator(f"#retro-{cascade.ava_obj.pk}")
    retro.get_by_role("button", name="Write the retrospective").click()
    retro_form = retro.locator("form.retro-form")
    retro_form.get_by_label("What happened").fill("22 of 25 qualified, 8 past legal, 5 closes.")
    retro_form.get_by_label("What was in the owner's control").fill("Outbound volume.")
    retro_form.get_by_label("What was learned").fill("Start security reviews in week one.")
    retro_form.get_by_label("Change: carry on, differently").check()
    retro_form.get_by_role("button", name="Save retrospective").click()
    expect(retro.locator("form.retro-form")).to_have_count(0)
    expect(retro).to_contain_text("Start security reviews in week one.")
    assert web.evaluate("window.__stillHere") == "yes"
    assert Retrospective.objects.get(objective=cascade.ava_obj).decision == "change"

    # Both grades, the wording and the retrospective on the objective page.
    web.goto(f"{live_server.url}/objectives/{cascade.ava_obj.pk}/")
    card = web.locator(".close-out-card")
    expect(card.locator("[data-computed-grade]")).to_have_text("0.84")
    expect(card.locator("[data-adjusted-grade]")).to_have_text("0.90")
    expect(card).to_contain_text("landed 0.84: success")
    expect(card).to_contain_text("adjusted to 0.90: success")
    expect(card).to_contain_text("22 of 25 qualified, 8 past legal, 5 closes.")
    objective = Objective.objects.get(pk=cascade.ava_obj.pk)
    assert (objective.computed_grade, objective.adjusted_grade) == (0.84, 0.9)

    # Her calibrated confidence on her page, switching cycles in place.
    web.goto(f"{live_server.url}/people/{cast.ava.pk}/")
    web.evaluate("window.__stillHere = 'yes'")
    calibration = web.locator("[data-calibration]")
    reading = calibration.locator("[data-reading]")
    expect(reading).to_contain_text("Underconfident")
    expect(reading.locator("svg")).to_have_count(1)  # its arrow, drawn as an icon
    expect(calibration).to_contain_text("Brier score 0.176 over 3 key results (9 check-ins)")
    calibration.get_by_label("Closed cycle").select_option(label="Q3 2026")
    expect(web.locator("[data-calibration]")).to_contain_text("No confidence calls")
    assert web.evaluate("window.__stillHere") == "yes"
