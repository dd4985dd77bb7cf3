"""Mentioning someone in a real browser: Ava types a comment with @sam on her objective
(picking Sam from the suggestions), Sam sees the unread count, finds the message in his
inbox, opens it and it is marked read."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lineofsight.integrations.models import InboxItem

from ..discussion_world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_mention_reaches_the_inbox_and_opening_it_marks_it_read(cast, sign_in, live_server):
    world = build_world(cast)
    web = sign_in(cast.ava)
    web.goto(f"{live_server.url}/objectives/{world.private.pk}/")
    thread = web.locator("section.discussion")
    expect(thread.get_by_role("heading", name="Discussion")).to_be_visible()
    box = thread.get_by_label("Comment")
    box.click()
    box.press_sequentially("@sa")
    suggestion = thread.locator('[data-username="sam"]')
    expect(suggestion).to_be_visible()
    expect(thread.locator('[data-username="pia"]')).to_have_count(0)  # cannot see it
    suggestion.click()
    expect(box).to_have_value("@sam ")
    box.press_sequentially("can you join the legal call on Thursday?")
    thread.get_by_role("button", name="Comment").click()
    posted = thread.locator(".comment-body", has_text="can you join the legal call")
    expect(posted).to_be_visible()
    expect(posted.get_by_role("link", name="@sam")).to_have_attribute(
        "href", f"/people/{cast.sam.pk}/"
    )

    web.get_by_role("button", name="Sign out").click()
    web = sign_in(cast.sam)
    inbox_link = web.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox")
    expect(inbox_link.locator(".count-badge")).to_have_text("1 unread")
    inbox_link.click()
    item = web.locator(".inbox-item", has_text="Ava Adams mentioned you on")
    expect(item).to_be_visible()
    expect(item).to_contain_text("Unread")
    item.get_by_role("button", name="Open").click()
    web.wait_for_url(f"**/objectives/{world.private.pk}/#comments")
    expect(web.locator(".comment-body", has_text="legal call on Thursday")).to_be_visible()
    expect(
        web.get_by_role("navigation", name="Main").locator("#nav-inbox-count .count-badge")
    ).to_have_count(0)
    assert InboxItem.objects.get(recipient=cast.sam).read_at is not None
