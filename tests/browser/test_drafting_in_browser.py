"""Writing OKRs together in a browser: an objective and its key results written in one form,
proposed to the manager, sent back with a reason, proposed again and approved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lineofsight.goals.models import Objective
from lineofsight.people import actions as people_actions

from ..conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tab_of(chromium, live_server):
    """A signed-in tab of its own for each person (each in its own browser context)."""
    contexts = []

    def open_tab(person):
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        tab = context.new_page()
        tab.goto(f"{live_server.url}/login/")
        tab.get_by_label("Username").fill(person.username)
        tab.get_by_label("Password").fill(PASSWORD)
        tab.get_by_role("button", name="Sign in").click()
        tab.wait_for_url(f"{live_server.url}/")
        return tab

    yield open_tab
    for context in contexts:
        context.close()


def test_propose_ask_for_changes_propose_again_and_approve(cast, tab_of, live_server):
    people_actions.set_okr_approval(acting_user=cast.hana, on=True)
    web = tab_of(cast.ava)
    web.goto(f"{live_server.url}/objectives/new/")
    expect(web.get_by_text("Objectives here are approved before they count")).to_be_visible()
    web.get_by_label("Title").fill("Open the healthcare market")
    web.locator("#id_kr-0-title").fill("Signed healthcare pilots")
    web.locator("#id_kr-0-start_value").fill("0")
    web.locator("#id_kr-0-target_value").fill("3")
    web.get_by_role("button", name="Add another key result").click()
    expect(web.locator("#id_kr-3-title")).to_be_visible()
    expect(web.locator("#id_kr-0-title")).to_have_value("Signed healthcare pilots")
    web.get_by_role("button", name="Create objective").click()
    expect(web.get_by_role("heading", name="Open the healthcare market")).to_be_visible()
    objective = Objective.objects.get(title="Open the healthcare market")
    assert objective.state == "draft" and objective.key_results.count() == 1

    web.get_by_role("button", name="Propose to Sam Sato").click()
    expect(web.locator(".draft-panel")).to_contain_text("Awaiting approval by Sam Sato")

    web = tab_of(cast.sam)
    web.goto(f"{live_server.url}/objectives/{objective.pk}/")
    web.get_by_label("What should change?").fill("Name the three hospitals you start with.")
    web.get_by_role("button", name="Ask for changes").click()
    expect(web.locator(".draft-panel")).to_contain_text("Changes asked")

    web = tab_of(cast.ava)
    web.goto(f"{live_server.url}/objectives/{objective.pk}/")
    expect(web.locator(".changes-asked")).to_contain_text("Name the three hospitals")
    web.get_by_role("button", name="Propose again").click()
    expect(web.locator(".draft-panel")).to_contain_text("Awaiting approval by Sam Sato")

    web = tab_of(cast.sam)
    web.goto(f"{live_server.url}/plan/")
    web.get_by_role("link", name="Open the healthcare market").click()
    web.get_by_role("button", name="Approve").click()
    expect(web.locator(".objective-head .state-active")).to_be_visible()
    history = web.locator(".approval-history")
    expect(history).to_contain_text("Changes asked by Sam Sato: Name the three hospitals")
    expect(history).to_contain_text("Approved by Sam Sato")
