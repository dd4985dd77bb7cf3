"""The Content-Security-Policy in a real browser: Chromium enforces it on the product's main
pages, the admin and the interactive API docs, as different roles, and reports no
violation (a violated policy would leave a page without its script or styling)."""

from __future__ import annotations

import pytest

from lineofsight.insights.actions import take_snapshots

from ..calibration import build_calibration
from ..dashboards import build_tracked, record_weeks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "hana": [
        "/",
        "/tree/",
        "/dashboards/",
        "/reviews/cycles/",
        "/reviews/calibration/",
        "/teams/",
        "/health/",
        "/admin/",
        "/admin/people/person/",
        "/admin/people/person/{ava}/change/",
        "/admin/people/team/add/",
        "/admin/core/apitoken/",
        "/api/docs",
    ],
    "sam": ["/", "/check-in/", "/reviews/", "/reviews/{review}/", "/reviews/{review}/packet/"],
    "ava": ["/", "/tree/", "/check-in/", "/reviews/", "/settings/tokens/"],
}


def test_the_main_pages_break_no_rule_of_the_policy(cast, sign_in, live_server):
    world = build_tracked(cast)
    record_weeks(world, range(4))
    take_snapshots(acting_user=None, cycles=[cast.q4])
    calibration = build_calibration(cast)
    ids = {"ava": cast.ava.pk, "review": calibration.review("ava").pk}
    refused: list[str] = []

    def note(message) -> None:  # type: ignore[no-untyped-def]
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    for who, urls in PAGES.items():
        web = sign_in(getattr(cast, who))
        if who == "hana":  # the same tab throughout: one listener
            web.on("console", note)
        for url in urls:
            response = web.goto(live_server.url + url.format(**ids))
            assert response is not None and response.status == 200, url
            assert "script-src 'self'" in response.headers.get("content-security-policy", ""), url
            web.wait_for_load_state("networkidle")
            assert refused == [], f"{who} on {url}"
        if who == "hana":  # the docs' own script ran: the operations are listed
            assert web.locator(".opblock").count() > 10
        web.context.clear_cookies()
