"""Every page is sent with a strict Content-Security-Policy, and the product's own markup
keeps to it: no inline script, no style attribute, no inline event handler (a violated
policy would break the page). The pages are found by following links as each role would."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.test import Client

from lineofsight.insights.actions import take_snapshots

from ..calibration import build_calibration
from ..dashboards import build_tracked, record_weeks

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.I)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)=["']?\s*javascript:""", re.I)
LINK = re.compile(r"""href="(/[^"#?]*)""")
SKIP = ("/static/", "/api/", "/logout/", "/favicon.ico")


def policy(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def test_pages_are_sent_with_a_strict_policy(cast):
    client = Client()
    client.force_login(cast.ava)
    for url in ("/", "/login/", "/admin/login/", "/api/docs"):
        directives = policy(client.get(url, follow=True))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert "unsafe" not in " ".join(directives.values())


def crawl(client: Client, start: list[str], limit: int = 120) -> dict[str, str]:
    """GET pages reachable by links from ``start`` (same site, no API or static files)."""
    seen: dict[str, str] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            seen[url] = ""
            continue
        html = response.content.decode()
        seen[url] = html
        for link in LINK.findall(html):
            path = urlsplit(link).path
            if path not in seen and not path.startswith(SKIP):
                queue.append(path)
    return seen


@pytest.mark.parametrize("who", ["hana", "sam", "ava"])
def test_the_pages_each_role_reaches_keep_to_the_policy(cast, who):
    world = build_tracked(cast)
    record_weeks(world, range(4))
    take_snapshots(acting_user=None, cycles=[cast.q4])
    calibration = build_calibration(cast)
    client = Client()
    client.force_login(getattr(cast, who))
    start = ["/", f"/reviews/cycles/{calibration.setup.cycle.pk}/", "/dashboards/"]
    if who == "hana":
        start += ["/admin/", f"/admin/people/person/{cast.ava.pk}/change/"]
    pages = {url: html for url, html in crawl(client, start).items() if html}
    assert len(pages) > 20, sorted(pages)
    problems = [
        f"{url}: {name} {match.group(0)[:80]!r}"
        for url, html in pages.items()
        for name, pattern in (
            ("inline script", INLINE_SCRIPT),
            ("style attribute", STYLE_ATTRIBUTE),
            ("style element", STYLE_ELEMENT),
            ("event handler", EVENT_HANDLER),
            ("javascript: URL", JAVASCRIPT_URL),
        )
        for match in [pattern.search(html)]
        if match and not url.startswith("/admin/")
    ]
    assert problems == []
