"""A one-on-one end to end in a real browser: Sam (the manager) adds a topic to the next
meeting; Ava (his report) sees it, adds her own, ticks his and writes a private note; Sam
sees her topic and the tick, never her note."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lineofsight.oneonones.models import AgendaItem, PrivateNote

from ..oneonones_world import build_one_on_one

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_both_sides_build_the_agenda_and_a_private_note_stays_private(cast, sign_in, live_server):
    world = build_one_on_one(cast)
    url = f"{live_server.url}/one-on-ones/{world.next.pk}/"

    web = sign_in(cast.sam)
    web.get_by_role("navigation", name="Main").get_by_role("link", name="One-on-ones").click()
    web.get_by_role("link", name="Next:").click()
    web.wait_for_url(url)
    agenda = web.locator("#agenda")
    agenda.get_by_label("Add a topic").fill("Plan the December offsite")
    agenda.get_by_role("button", name="Add").click()
    expect(agenda.locator("li", has_text="Plan the December offsite")).to_contain_text("Sam Sato")

    web.get_by_role("button", name="Sign out").click()
    web = sign_in(cast.ava)
    web.goto(url)
    agenda = web.locator("#agenda")
    sams = agenda.locator("li", has_text="Plan the December offsite")
    expect(sams).to_be_visible()
    agenda.get_by_label("Add a topic").fill("Feedback on my first quarter")
    agenda.get_by_role("button", name="Add").click()
    expect(agenda.locator("li", has_text="Feedback on my first quarter")).to_contain_text(
        "Ava Adams"
    )
    sams = web.locator("#agenda li", has_text="Plan the December offsite")
    sams.get_by_role("button", name="Tick").click()
    expect(
        web.locator("#agenda li.agenda-done", has_text="Plan the December offsite")
    ).to_be_visible()
    private = web.locator("#private")
    private.get_by_label("My private note").fill("Ask whether the team lead role is open")
    private.get_by_role("button", name="Save my note").click()
    expect(web.locator("#private textarea")).to_have_value("Ask whether the team lead role is open")

    web.get_by_role("button", name="Sign out").click()
    web = sign_in(cast.sam)
    web.goto(url)
    expect(web.locator("#agenda li", has_text="Feedback on my first quarter")).to_be_visible()
    expect(
        web.locator("#agenda li.agenda-done", has_text="Plan the December offsite")
    ).to_be_visible()
    expect(web.locator("body")).not_to_contain_text("team lead role")
    expect(web.locator("#private textarea")).to_have_value("")
    assert AgendaItem.objects.get(text="Plan the December offsite").done
    assert PrivateNote.objects.get(meeting=world.next).author == cast.ava
