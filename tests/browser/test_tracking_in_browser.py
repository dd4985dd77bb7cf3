"""Pace and forecast in a real browser: a check-in turns a stale key result's pace badge in
place, the "how was this projected?" disclosure opens, and a key result is abandoned with a
reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lineofsight.goals import actions
from lineofsight.goals.models import KeyResult

from ..okrs import build_cascade

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = dt.datetime(2026, 11, 15, 12, tzinfo=dt.UTC)  # half of Q4 2026 has passed


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    """The server runs in this process: hold its clock in the middle of the quarter."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def test_pace_forecast_and_abandoning(cast, sign_in, live_server):
    cascade = build_cascade(cast)
    for day, value in [(6, 3), (13, 6), (20, 9)]:
        actions.record_check_in(
            acting_user=cast.ava,
            key_result=cascade.ava_opps,
            value=value,
            confidence="on_track",
            at=dt.datetime(2026, 10, day, 12, tzinfo=dt.UTC),
        )
    web = sign_in(cast.ava)
    web.goto(f"{live_server.url}/objectives/{cascade.ava_obj.pk}/")
    web.evaluate("window.__stillHere = 'yes'")
    row = web.locator(f"#kr-{cascade.ava_opps.pk}")
    badge = row.locator(".kr-side [data-pace]")
    expect(badge).to_have_attribute("data-pace", "stale")
    expect(badge).to_contain_text("Stale: check-in overdue")
    # One status beside the progress; the owner's confidence is kept, on demand.
    expect(row.locator(".kr-side .pace, .kr-side .status, .kr-side .miss")).to_have_count(1)
    confidence = row.locator(".tracking-more [data-status]")
    expect(confidence).to_be_hidden()

    # Confidence, expected vs actual and the projection open together, by keyboard too.
    summary = row.get_by_text("Confidence, forecast and pace")
    summary.focus()
    web.keyboard.press("Enter")
    expect(confidence).to_have_text("On track")
    expect(row.locator("[data-expected]")).to_have_text("50 %")
    expect(row.locator(".tracking-why").last).to_contain_text(
        "A straight line through 3 readings"
    )

    # A check-in today makes the figures current: the badge changes without a reload.
    row.get_by_role("button", name="Check in").click()
    form = row.locator("form.checkin-form")
    form.get_by_label("Current value").fill("12")
    form.get_by_label("On track").check()
    form.get_by_role("button", name="Save check-in").click()
    expect(row.locator(".kr-side [data-pace]")).to_have_attribute("data-pace", "on_track")
    assert web.evaluate("window.__stillHere") == "yes"

    # Abandoning the legal-review key result, with a reason.
    legal = web.locator(f"#kr-{cascade.ava_legal.pk}")
    legal.get_by_role("link", name=f"Abandon {cascade.ava_legal.title}").click()
    web.get_by_role("button", name="Abandon key result").click()
    expect(web.locator("[data-field='reason'] .errorlist")).to_be_visible()
    web.get_by_label("Why is it abandoned?").fill("Legal review moved to the deal desk")
    web.get_by_role("button", name="Abandon key result").click()
    legal = web.locator(f"#kr-{cascade.ava_legal.pk}")
    expect(legal).to_contain_text(
        "Abandoned on 15 Nov 2026: Legal review moved to the deal desk."
    )
    expect(legal.get_by_role("button", name="Check in")).to_have_count(0)
    assert KeyResult.objects.get(pk=cascade.ava_legal.pk).state == "abandoned"
