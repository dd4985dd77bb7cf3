"""A blocker's life in a real browser: raised in a check-in for a colleague, listed on the
key result and on the colleague's home, resolved there with a note."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lineofsight.goals.models import Blocker

from ..okrs import build_cascade

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_blocker_is_raised_in_a_check_in_and_resolved_by_its_assignee(cast, sign_in, live_server):
    cascade = build_cascade(cast)
    web = sign_in(cast.ava)
    web.goto(f"{live_server.url}/objectives/{cascade.ava_obj.pk}/")
    row = web.locator(f"#kr-{cascade.ava_opps.pk}")
    row.get_by_role("button", name="Check in").click()
    form = row.locator("form.checkin-form")
    expect(form).to_be_visible()
    form.get_by_label("Current value").fill("12")
    form.get_by_label("At risk").check()
    form.get_by_label("Blocker", exact=True).fill("Legal review queue is three weeks long")
    form.locator("select[name=blocker_1_assignee]").select_option(str(cast.pia.pk))
    form.get_by_role("button", name="Save check-in").click()
    expect(row.locator(".checkin-form")).to_have_count(0)
    blockers = row.locator(".kr-blockers")
    expect(blockers).to_contain_text("Legal review queue is three weeks long")
    expect(blockers).to_contain_text(f"for {cast.pia.name}")
    expect(blockers.locator(".badge")).to_have_text("Open")

    web.context.clear_cookies()
    web = sign_in(cast.pia)
    mine = web.locator(".assigned-blockers")
    expect(mine).to_contain_text("Blockers assigned to you")
    mine.get_by_role("link", name="Legal review queue is three weeks long").click()
    web.get_by_role("radio", name="Resolved").check()
    web.get_by_role("button", name="Save state").click()
    expect(web.locator(".errorlist")).to_contain_text("Say in a few words how it was resolved.")
    web.get_by_role("radio", name="Resolved").check()
    web.get_by_label("How it was resolved").fill("Legal added a second reviewer.")
    web.get_by_role("button", name="Save state").click()
    expect(web.locator("h1 .badge")).to_have_text("Resolved")
    expect(web.locator(".blocker-history")).to_contain_text("Legal added a second reviewer.")
    blocker = Blocker.objects.get()
    assert blocker.state == "resolved" and blocker.resolution_note.startswith("Legal added")
    web.goto(f"{live_server.url}/")
    expect(web.locator(".assigned-blockers")).to_have_count(0)
