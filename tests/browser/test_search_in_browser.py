"""The search box in a real browser: results as you type, chosen with the keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from ..search_world import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_shows_results_and_the_keyboard_chooses_one(cast, sign_in, live_server):
    world = build(cast)
    web = sign_in(cast.pia)
    box = web.get_by_role("combobox", name=re.compile("Search objectives"))
    box.click()
    box.press_sequentially("onbo", delay=40)
    popup = web.locator("#site-search-results [data-search-popup]")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text("Onboarding that customers finish")
    expect(popup).to_contain_text("Q4 2026 · Ava Adams")
    expect(popup).not_to_contain_text("Zephyrine")  # Ava's private objective
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    first = popup.locator("[data-search-result]").first
    expect(first).to_be_focused()
    expect(first).to_contain_text("Onboarding that customers finish")
    web.keyboard.press("Enter")
    web.wait_for_url(f"{live_server.url}/objectives/{world.public.pk}/")
    expect(web.get_by_role("heading", name="Onboarding that customers finish")).to_be_visible()


def test_escape_closes_and_enter_opens_the_results_page(cast, sign_in, live_server):
    build(cast)
    web = sign_in(cast.pia)
    box = web.get_by_role("combobox", name=re.compile("Search objectives"))
    box.fill("renewal")
    popup = web.locator("#site-search-results [data-search-popup]")
    expect(popup).to_contain_text("Renewal playbook for the team")
    box.press("ArrowDown")
    web.keyboard.press("Escape")
    expect(popup).to_have_count(0)
    expect(box).to_be_focused()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("Enter")  # the plain form: the results page
    web.wait_for_url(re.compile(r"/search/\?q=renewal"))
    expect(web.get_by_role("heading", name="Objectives")).to_be_visible()
    expect(web.get_by_role("link", name="Renewal playbook for the team")).to_be_visible()
