"""The check-in screen in a real browser: two key results checked in with the keyboard alone,
the objective's progress and the due count moving without a page reload."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lineofsight.goals import actions
from lineofsight.goals.models import CheckIn, KeyResult, Objective
from lineofsight.goals.tracking.check_ins_due import organisation_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build(cast) -> tuple[Objective, KeyResult, KeyResult]:
    """A cycle around today with an objective of Ava's and two key results, both overdue (set
    up when the cycle began)."""
    today = organisation_today()
    set_up = timezone.now() - dt.timedelta(days=30)
    cycle = actions.create_cycle(
        acting_user=None,
        name="Current period",
        kind="annual",
        start_date=today - dt.timedelta(days=30),
        end_date=today + dt.timedelta(days=60),
        state="active",
    )
    objective = actions.create_objective(
        acting_user=cast.ava,
        title="Open the healthcare territory",
        level="individual",
        cycle=cycle,
        owner_person=cast.ava,
        at=set_up,
    )
    calls = actions.create_key_result(
        acting_user=cast.ava,
        objective=objective,
        title="20 discovery calls",
        kind="increase",
        start_value=0,
        target_value=20,
        unit="calls",
        owner=cast.ava,
        at=set_up,
    )
    references = actions.create_key_result(
        acting_user=cast.ava,
        objective=objective,
        title="10 customer references",
        kind="increase",
        start_value=0,
        target_value=10,
        owner=cast.ava,
        at=set_up,
    )
    return objective, calls, references


def test_checking_in_on_two_key_results_with_the_keyboard(cast, sign_in, live_server):
    objective, calls, references = build(cast)
    web = sign_in(cast.ava)
    web.goto(f"{live_server.url}/check-in/")
    web.evaluate("window.__stillHere = 'yes'")
    summary = web.locator(f"#objective-summary-{objective.pk}")
    expect(summary.locator(".pct")).to_have_text("0 %")
    expect(web.locator("#nav-due-count")).to_contain_text("2 due")

    # First row: type the value, change the confidence with the arrow keys, tab to the note,
    # and press Enter to save that row.
    first = web.get_by_label("Current value (calls)")
    first.focus()
    web.keyboard.press("Control+A")
    web.keyboard.type("10")
    web.keyboard.press("Tab")
    expect(web.locator(f"#id_kr-{calls.pk}-confidence")).to_be_focused()
    web.keyboard.press("ArrowDown")  # On track -> At risk
    web.keyboard.press("Tab")
    expect(web.locator(f"#id_kr-{calls.pk}-blockers")).to_be_focused()
    web.keyboard.press("Tab")
    web.keyboard.type("Two calls booked with clinics")
    web.keyboard.press("Enter")

    row = web.locator(f"#checkin-row-{calls.pk}")
    expect(row).to_have_attribute("data-saved", "true")
    expect(row.locator(".row-status")).to_contain_text("Saved")
    expect(row.locator(".kr-current")).to_contain_text("10 of 20 calls")
    expect(summary.locator(".pct")).to_have_text("25 %")  # (50 % + 0 %) / 2
    expect(web.locator("#nav-due-count")).to_contain_text("1 due")
    # The focus moved on to the next row's value, ready to type.
    expect(web.locator(f"#id_kr-{references.pk}-value")).to_be_focused()

    web.keyboard.type("6")
    web.keyboard.press("Enter")
    second = web.locator(f"#checkin-row-{references.pk}")
    expect(second).to_have_attribute("data-saved", "true")
    expect(second.locator(".pct")).to_have_text("60 %")
    expect(summary.locator(".pct")).to_have_text("55 %")  # (50 % + 60 %) / 2
    expect(web.locator("#nav-due-count")).not_to_contain_text("due")
    expect(web.locator("#checkin-summary")).to_contain_text("Nothing due")

    assert web.evaluate("window.__stillHere") == "yes"  # no reload happened
    first_reading = CheckIn.objects.get(key_result=calls)
    assert (first_reading.value, first_reading.confidence, first_reading.note) == (
        10,
        "at_risk",
        "Two calls booked with clinics",
    )
    assert CheckIn.objects.get(key_result=references).value == 6
    assert Objective.objects.get(pk=objective.pk).progress == pytest.approx(0.55)
    assert first_reading.recorded_at <= timezone.now()


def test_a_bad_row_keeps_the_focus_and_says_why(cast, sign_in, live_server):
    objective, calls, references = build(cast)
    web = sign_in(cast.ava)
    web.goto(f"{live_server.url}/check-in/")
    web.evaluate("window.__stillHere = 'yes'")
    field = web.get_by_label("Current value (calls)")
    field.focus()
    web.keyboard.press("Tab")
    web.keyboard.press("Tab")
    web.keyboard.type("Waiting on the clinic's lawyers")  # blockers, but no value
    web.keyboard.press("Enter")
    row = web.locator(f"#checkin-row-{calls.pk}")
    expect(row.locator(".errorlist")).to_contain_text("Enter the current value.")
    expect(web.locator(f"#id_kr-{calls.pk}-value")).to_be_focused()
    assert not CheckIn.objects.filter(key_result=calls).exists()
    # Save all: one good row and this bad one: nothing is saved, both stay as typed.
    web.locator(f"#id_kr-{references.pk}-value").fill("3")
    web.get_by_role("button", name="Save all").first.click()
    expect(web.locator(".checkin-notice")).to_contain_text("Nothing was saved")
    expect(web.locator(f"#id_kr-{references.pk}-value")).to_have_value("3")
    assert not CheckIn.objects.exists()
    # Fixing the bad row and saving all records both.
    web.locator(f"#id_kr-{calls.pk}-value").fill("4")
    web.get_by_role("button", name="Save all").first.click()
    expect(web.locator(".checkin-notice")).to_contain_text("Saved 2 check-ins.")
    expect(web.locator(f"#objective-summary-{objective.pk} .pct")).to_have_text("25 %")
    assert web.evaluate("window.__stillHere") == "yes"
    assert CheckIn.objects.count() == 2
