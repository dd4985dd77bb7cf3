"""Connecting a data source in a real browser: choosing a kind shows only its settings (a
stylesheet rule), and the objective page loads the list of its key results' sources."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..okrs import build_cascade
from ..source_servers import SourceServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choosing_a_kind_shows_its_settings_and_the_objective_lists_the_source(
    cast, sign_in, live_server
):
    cascade = build_cascade(cast)
    web = sign_in(cast.ava)
    web.goto(f"{live_server.url}/objectives/{cascade.ava_obj.pk}/")
    web.locator(f"#kr-{cascade.ava_legal.pk}").get_by_role("link", name="Data source").click()
    web.get_by_label("Kind of source").select_option("sql")
    expect(web.get_by_label("Query")).to_be_visible()
    expect(web.get_by_label("JSONPath to the number")).to_be_hidden()
    web.get_by_label("Kind of source").select_option("http_json")
    expect(web.get_by_label("Query")).to_be_hidden()
    with SourceServer() as server:
        web.get_by_label("Address", exact=True).fill(server.url("/open.json"))
        web.get_by_label("JSONPath to the number").fill("$.data.signups.total")
        web.get_by_role("button", name="Connect").click()
        web.get_by_role("button", name="Sync now").click()
    expect(web.locator(".messages[role=status]")).to_contain_text("Read 1234: recorded.")
    web.goto(f"{live_server.url}/objectives/{cascade.ava_obj.pk}/")
    listed = web.locator("#data-sources")
    expect(listed).to_contain_text("From JSON at 127.0.0.1/open.json: $.data.signups.total")
    expect(listed).to_contain_text("1234")
