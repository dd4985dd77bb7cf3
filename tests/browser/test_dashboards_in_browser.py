"""The dashboards in a real browser: the charts draw, their numbers are the tables' numbers,
and the at-risk list leads to the key result's objective."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lineofsight.goals.models import KeyResult
from lineofsight.insights.actions import take_snapshots

from ..dashboards import build_tracked, record_weeks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(cast):  # type: ignore[no-untyped-def]
    tracked = build_tracked(cast)
    record_weeks(tracked, range(7))
    take_snapshots(acting_user=None, cycles=[cast.q4])
    return tracked


def numbers(locator) -> list[float]:  # type: ignore[no-untyped-def]
    script = "els => els.map(e => e.getAttribute('data-value')).filter(v => v)"
    return [float(v) for v in locator.evaluate_all(script)]


def test_the_leadership_dashboard_draws_its_charts_and_leads_to_the_objectives(
    cast, world, sign_in, live_server
):
    web = sign_in(cast.hana)
    web.get_by_role("link", name="Dashboards").click()
    web.wait_for_url(re.compile(r"/dashboards/"))
    web.get_by_label("Cycle").select_option(label="Q4 2026 (active)")
    expect(web.get_by_role("heading", name=re.compile("Leadership dashboard"))).to_be_visible()
    expect(web.locator("#headline")).to_contain_text("Check-ins on time")

    # The progress chart is drawn (a real box on the page) with the table's numbers.
    chart = web.locator("svg#departments-progress")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 30
    bars = numbers(chart.locator("rect[data-value]"))
    table = numbers(web.locator("#departments-table td[data-field='progress']"))
    assert bars == table and bars
    assert chart.get_attribute("aria-label").startswith("Progress by department.")  # type: ignore[union-attr]

    # The stacked bars: every segment is the count in the table's matching column.
    for status in ("off_track", "at_risk", "on_track"):
        drawn = numbers(web.locator(f"svg#departments-status rect[data-segment='{status}']"))
        shown = numbers(web.locator(f"#departments-table td[data-segment='{status}']"))
        assert drawn == shown, status

    # The weekly trend: its points are the numbers behind "Show the numbers".
    trend = web.locator("svg#organisation-trend")
    expect(trend).to_be_visible()
    points = numbers(trend.locator("[data-series='progress'][data-value]"))
    details = web.locator("#trends details.numbers").first
    details.locator("summary").click()
    expect(web.locator("#organisation-trend-table")).to_be_visible()
    assert points == numbers(web.locator("#organisation-trend-table td[data-field='progress']"))

    # The at-risk list leads to the key result, on its objective's page.
    first = web.locator("#at-risk-table tbody tr").first
    kr_id = int(first.get_attribute("data-key-result") or 0)
    kr = KeyResult.objects.select_related("objective").get(pk=kr_id)
    link = first.get_by_role("link", name=kr.title)
    link.click()
    web.wait_for_url(re.compile(rf"/objectives/{kr.objective_id}/"))
    expect(web.get_by_role("heading", name=kr.objective.title, level=1)).to_be_visible()
    expect(web.locator(f"#kr-{kr.pk}")).to_be_visible()


def test_a_team_dashboard_draws_a_burn_up_per_key_result(cast, world, sign_in, live_server):
    web = sign_in(cast.eli)
    web.goto(f"{live_server.url}/dashboards/teams/{cast.platform.pk}/?cycle={cast.q4.pk}")
    expect(web.get_by_role("heading", name=re.compile("Platform"), level=1)).to_be_visible()
    for kr in (world.latency, world.launch):
        chart = web.locator(f"svg#burnup-{kr.pk}")
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 200
        block = web.locator(f"#burnup-block-{kr.pk}")
        block.locator("summary").click()
        table = block.locator(f"#burnup-table-{kr.pk}")
        expect(table).to_be_visible()
        readings = numbers(chart.locator("[data-series='readings'][data-value]"))
        assert len(readings) == 7
        assert readings == numbers(table.locator("td[data-field='reading']"))
    # The latency burn-up has its target, even pace and forecast band drawn.
    latency = web.locator(f"svg#burnup-{world.latency.pk}")
    expect(latency.locator("polygon.chart-band")).to_have_count(1)
    assert numbers(latency.locator("[data-series='even-pace'][data-value]")) == [0.0, 1.0]
    assert numbers(latency.locator("[data-series='target'][data-value]")) == [1.0, 1.0]
    # A milestone has no even pace to keep.
    launch = web.locator(f"svg#burnup-{world.launch.pk}")
    assert numbers(launch.locator("[data-series='even-pace'][data-value]")) == []
