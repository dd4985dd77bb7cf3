"""The dashboard pages through Django's test client: who sees which figures, what stays
private, and that each chart, its table and the API carry exactly the same numbers."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lineofsight.insights.actions import take_snapshots
from lineofsight.people import actions as people_actions
from lineofsight.people.selectors import forget_organisation_cache

from ..dashboards import Tracked, build_tracked, record_weeks
from .growth import add_branches
from .html_values import elements_in, values_in

pytestmark = pytest.mark.django_db

# The world's check-ins run weekly to Monday 16 November: its figures (discipline above all)
# are those of that week, so the clock is set to it, whatever the day the suite runs.
DURING_THE_LAST_WEEK = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)

PRIVATE = ("Move to the healthcare territory", "8 healthcare discovery calls")
# The most queries each may run: the session, the person, their teams for the access policy,
# the organisation's settings, the cycles; then the page's own reads (stored figures, the
# objectives and key results shown with their pace, forecast and check-ins), and the inbox's
# unread count in the navigation.
FORECAST_WRITES = 4  # their check-ins read, then one update inside its own savepoint

BOUNDS = {
    "leadership": 18,
    "team": 19,
    "department": 19,
    "person": 14,
    "api leadership": 15,
    "api team": 17,
    "api person": 12,
}


@pytest.fixture(autouse=True)
def _during_the_last_week():  # type: ignore[no-untyped-def]
    with time_machine.travel(DURING_THE_LAST_WEEK, tick=True):
        yield


@pytest.fixture
def world(cast) -> Tracked:  # type: ignore[no-untyped-def]
    tracked = build_tracked(cast)
    record_weeks(tracked, range(7))
    take_snapshots(acting_user=None, cycles=[cast.q4])
    return tracked


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def api(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json()


def urls(cast) -> dict[str, str]:  # type: ignore[no-untyped-def]
    q = cast.q4.pk
    return {
        "leadership": f"/dashboards/?cycle={q}&department={cast.sales.pk}",
        "team": f"/dashboards/teams/{cast.enterprise.pk}/?cycle={q}",
        "department": f"/dashboards/teams/{cast.sales.pk}/?cycle={q}",
        "person": f"/dashboards/people/{cast.ava.pk}/?cycle={q}",
        "api leadership": f"/api/dashboards/leadership?cycle={q}&department={cast.sales.pk}",
        "api team": f"/api/dashboards/teams/{cast.enterprise.pk}?cycle={q}",
        "api person": f"/api/dashboards/people/{cast.ava.pk}?cycle={q}",
    }


def test_every_member_opens_every_dashboard(cast, world, client):
    for person in cast.everyone().values():
        client.force_login(person)
        for name, url in urls(cast).items():
            assert client.get(url).status_code == 200, (person.username, name)
    nav = page(client, "/")
    assert 'href="/dashboards/"' in nav and ">Dashboards</a>" in nav


@pytest.mark.parametrize(
    ("who", "scope", "key_results"),
    [("hana", "all", 7), ("cora", "all", 7), ("sam", "public", 6), ("ava", "public", 6)],
)
def test_stored_figures_count_every_objective_only_for_hr_and_executives(
    cast, world, as_user, who, scope, key_results
):
    client = as_user(getattr(cast, who))
    html = page(client, f"/dashboards/?cycle={cast.q4.pk}")
    assert f'data-scope="{scope}"' in html
    data = api(client, f"/api/dashboards/leadership?cycle={cast.q4.pk}")
    assert data["scope"] == scope
    assert data["organisation"]["key_results"] == key_results
    sales = next(d for d in data["departments"] if d["team"] == cast.sales.pk)
    assert sales["key_results"] == key_results - 3  # the company's and Platform's are elsewhere


@pytest.mark.parametrize("who", ["otto", "dev", "pia", "eli"])
def test_private_objectives_never_show_to_those_who_may_not_see_them(cast, world, as_user, who):
    client = as_user(getattr(cast, who))
    for name, url in urls(cast).items():
        body = client.get(url).content.decode()
        if name.startswith("api"):
            body = json.dumps(json.loads(body))
        for title in PRIVATE:
            assert title not in body, (who, name)


@pytest.mark.parametrize("who", ["ava", "sam", "hana"])
def test_those_who_may_see_a_private_key_result_find_it_on_the_dashboards(
    cast, world, as_user, who
):
    client = as_user(getattr(cast, who))
    person = page(client, urls(cast)["person"])
    assert PRIVATE[1] in person
    ids = {k["id"] for k in api(client, urls(cast)["api person"])["key_results"]}
    assert world.secret_kr.pk in ids


def test_a_department_opens_on_its_teams(cast, world, as_user):
    client = as_user(cast.cora)
    html = page(client, f"/dashboards/?cycle={cast.q4.pk}&department={cast.sales.pk}")
    assert 'id="teams-table"' in html and "Teams in Sales" in html
    # One team inside Sales: one bar of six segments, one row of the table.
    assert len([e for e in elements_in(html, "teams-status") if e.get("data-segment")]) == 6
    table = html[html.index('id="teams-table"') :]
    table = table[: table.index("</table>")]
    assert table.count("<tr data-row=") == 1
    assert f'<tr data-row="team-{cast.enterprise.pk}">' in table
    # Each department links to its own dashboard and to its teams.
    assert f'href="/dashboards/teams/{cast.sales.pk}/?cycle={cast.q4.pk}"' in html
    assert f"department={cast.engineering.pk}#teams" in html


@pytest.mark.parametrize(
    "url",
    [
        "/dashboards/teams/999999/",
        "/dashboards/people/999999/",
        "/dashboards/?cycle=999999",
        "/dashboards/?department=999999",
        "/dashboards/?cycle=abc",
        "/api/dashboards/teams/999999",
        "/api/dashboards/people/999999",
        "/api/dashboards/leadership?cycle=999999",
        "/api/dashboards/leadership?department=999999",
    ],
)
def test_what_does_not_exist_answers_not_found(cast, as_user, url):
    assert as_user(cast.ava).get(url).status_code == 404


def test_without_any_cycle_the_pages_say_what_comes_next(db, client):
    person = people_actions.create_person(
        acting_user=None, username="solo", display_name="Solo", check_password=False
    )
    client.force_login(person)
    assert "No cycles yet" in page(client, "/dashboards/")
    assert "No cycles yet" in page(client, f"/dashboards/people/{person.pk}/")
    assert client.get("/api/dashboards/leadership").status_code == 404


def test_before_the_first_run_the_leadership_page_says_figures_are_coming(cast, as_user):
    html = page(as_user(cast.hana), f"/dashboards/?cycle={cast.q4.pk}")
    assert "No stored figures yet" in html and "lineofsight snapshot" in html


# -- the same numbers everywhere -------------------------------------------------------------


def _numbers(values: list[Any]) -> list[float]:
    return [float(v) for v in values if v is not None]


def test_leadership_charts_tables_and_api_agree(cast, world, as_user):
    client = as_user(cast.hana)
    html = page(client, f"/dashboards/?cycle={cast.q4.pk}")
    data = api(client, f"/api/dashboards/leadership?cycle={cast.q4.pk}")
    departments = data["departments"]
    assert [d["name"] for d in departments] == ["Engineering", "Legal", "People Ops", "Sales"]

    # Progress by department: bars, the table's column, the API.
    progress = _numbers([d["progress"] for d in departments])
    assert values_in(html, "departments-progress", tag="rect") == progress
    assert _numbers(values_in(html, "departments-table", data_field="progress")) == progress
    assert values_in(html, "departments-progress", data_series="reference") == [data["expected"]]

    # Key results per status: each segment, its column, the API.
    for status in ("off_track", "stale", "at_risk", "pending", "not_started", "on_track"):
        wanted = [float(d["statuses"][status]) for d in departments]
        assert values_in(html, "departments-status", data_segment=status) == wanted, status
        assert values_in(html, "departments-table", data_segment=status) == wanted, status
    discipline = [d["discipline"] for d in departments]
    shown = [
        float(e["data-value"]) if e["data-value"] else None
        for e in elements_in(html, "departments-table")
        if e.get("data-field") == "discipline"
    ]
    assert shown == discipline

    # The organisation week by week: the chart's three lines, the table, the API.
    weeks = data["organisation"]["weeks"]
    assert len(weeks) >= 1
    for series, field in [
        ("progress", "progress"),
        ("discipline", "discipline"),
        ("attention", "attention_share"),
    ]:
        wanted = _numbers([w[field] for w in weeks])
        assert values_in(html, "organisation-trend", data_series=series) == wanted, series
        assert values_in(html, "organisation-trend-table", data_field=series) == wanted, series

    # Company objectives: progress and forecast in the table, their weekly lines.
    company = data["company_objectives"]
    assert [c["id"] for c in company] == [world.company.pk]
    assert values_in(html, "company-table", data_field="progress") == [company[0]["progress"]]
    forecast = company[0]["forecast"]
    assert values_in(html, "company-table", data_field="forecast") == [forecast["progress"]]
    assert values_in(html, "company-table", data_field="forecast-low") == [forecast["progress_low"]]
    trend = _numbers([w["progress"] for w in company[0]["weeks"]])
    key = f"objective-{world.company.pk}"
    assert values_in(html, "company-trend", data_series=key) == trend
    assert values_in(html, "company-trend-table", data_series=key) == trend

    # The headline tiles: progress from the live roll-ups (equal to the stored figure just
    # after a snapshot), the rest the organisation's stored figures.
    org = data["organisation"]
    headline = {e["data-figure"]: e["data-value"] for e in elements_in(html, "headline")}
    assert float(headline["progress"]) == org["progress"]
    assert float(headline["discipline"]) == org["discipline"]
    assert int(headline["attention"]) == org["attention"]
    assert float(headline["expected"]) == data["expected"]

    # The at-risk list: the same key results, in the same order, with the same figures.
    listed = [
        int(e["data-key-result"])
        for e in elements_in(html, "at-risk-table")
        if "data-key-result" in e
    ]
    assert listed == []  # rows carry no number themselves
    rows = [r["key_result"] for r in data["at_risk"]]
    assert rows and all(f'data-key-result="{pk}"' in html for pk in rows)
    assert values_in(html, "at-risk-table", data_field="progress") == [
        r["progress"] for r in data["at_risk"]
    ]
    assert values_in(html, "at-risk-table", data_field="expected") == [
        r["expected"] for r in data["at_risk"]
    ]


def _check_burn_up(html: str, kr: dict[str, Any], chart: str, table: str) -> None:
    readings = [r["progress"] for r in kr["readings"]]
    assert readings, kr["title"]
    assert values_in(html, chart, data_series="readings") == readings
    assert values_in(html, table, data_field="reading") == readings
    assert values_in(html, chart, data_series="target") == [1.0, 1.0]
    assert values_in(html, table, data_field="target") == [kr["target"]]
    if kr["even_pace"]:
        assert values_in(html, chart, data_series="even-pace") == [0.0, 1.0]
        assert values_in(html, table, data_field="even-pace") == [0.0, 1.0]
    else:
        assert values_in(html, chart, data_series="even-pace") == []
    if kr["success"] < 1:
        assert values_in(html, chart, data_series="success") == [kr["success"]] * 2
        assert values_in(html, table, data_field="success") == [kr["success"]]
    f = kr["forecast"]
    assert values_in(html, table, data_field="forecast") == [f["progress"]]
    if f["method"] == "linear":
        # The projection runs from the last reading to the forecast on the last day.
        assert values_in(html, chart, data_series="forecast") == [readings[-1], f["progress"]]
        band = [e for e in elements_in(html, chart) if e["tag"] == "polygon"]
        assert band == []  # the band carries data-low and data-high, not one value
        assert f'data-low="{_dv(f["progress_low"])}" data-high="{_dv(f["progress_high"])}"' in (
            html
        )
        assert values_in(html, table, data_field="forecast-low") == [f["progress_low"]]
        assert values_in(html, table, data_field="forecast-high") == [f["progress_high"]]


def _dv(value: float) -> str:
    from lineofsight.insights.charts import data_value

    return data_value(value)


def test_a_teams_burn_ups_match_their_tables_and_the_api(cast, world, as_user):
    client = as_user(cast.sam)
    html = page(client, f"/dashboards/teams/{cast.platform.pk}/?cycle={cast.q4.pk}")
    data = api(client, f"/api/dashboards/teams/{cast.platform.pk}?cycle={cast.q4.pk}")
    krs = [kr for o in data["objectives"] for kr in o["key_results"]]
    assert {kr["id"] for kr in krs} == {world.launch.pk, world.latency.pk}
    for kr in krs:
        _check_burn_up(html, kr, f"burnup-{kr['id']}", f"burnup-table-{kr['id']}")
    latency = next(kr for kr in krs if kr["id"] == world.latency.pk)
    assert latency["forecast"]["method"] == "linear" and latency["even_pace"]
    headline = {e["data-figure"]: e["data-value"] for e in elements_in(html, "headline")}
    assert int(headline["key-results"]) == data["risk"]["total"] == 2
    assert float(headline["discipline"]) == data["discipline"]["share"] == 1.0


def test_a_department_shows_its_teams_stored_figures(cast, world, as_user):
    client = as_user(cast.cora)
    html = page(client, f"/dashboards/teams/{cast.sales.pk}/?cycle={cast.q4.pk}")
    data = api(client, f"/api/dashboards/teams/{cast.sales.pk}?cycle={cast.q4.pk}")
    assert [t["team"] for t in data["sub_teams"]] == [cast.enterprise.pk]
    assert values_in(html, "sub-teams-table", data_field="progress") == _numbers(
        [t["progress"] for t in data["sub_teams"]]
    )
    whole = data["whole"]
    assert whole["key_results"] == 4
    assert values_in(html, "team-trend", data_series="progress") == _numbers(
        [w["progress"] for w in whole["weeks"]]
    )
    # Sales's own objective and its burn-up; Ava's key results count for the whole team.
    assert [o["id"] for o in data["objectives"]] == [world.sales.pk]
    kr = data["objectives"][0]["key_results"][0]
    _check_burn_up(html, kr, f"burnup-{kr['id']}", f"burnup-table-{kr['id']}")


def test_a_persons_small_burn_ups_match_the_api(cast, world, as_user):
    client = as_user(cast.ava)
    html = page(client, f"/dashboards/people/{cast.ava.pk}/?cycle={cast.q4.pk}")
    data = api(client, f"/api/dashboards/people/{cast.ava.pk}?cycle={cast.q4.pk}")
    ids = [kr["id"] for kr in data["key_results"]]
    assert set(ids) == {world.ava_opps.pk, world.ava_closes.pk, world.secret_kr.pk}
    for kr in data["key_results"]:
        _check_burn_up(html, kr, f"burnup-small-{kr['id']}", f"burnup-small-table-{kr['id']}")
    # Ava missed one week of opportunities; closes are checked in every other week.
    by_id = {kr["id"]: kr for kr in data["key_results"]}
    assert by_id[world.ava_opps.pk]["discipline"]["kept"] == (
        by_id[world.ava_opps.pk]["discipline"]["due"] - 1
    )
    assert data["discipline"]["due"] == sum(kr["discipline"]["due"] for kr in by_id.values())


# -- bounded queries -------------------------------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    forget_organisation_cache()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("viewer", ["hana", "ava", "otto"])
def test_dashboard_queries_do_not_grow_with_the_organisation(cast, world, as_user, viewer):
    client = as_user(getattr(cast, viewer))
    add_branches(cast, world.company, 2)
    take_snapshots(acting_user=None, cycles=[cast.q4])
    # The first read after new key results appear stores their forecasts (a bounded number
    # of writes, whatever their count); the reads after it are what must not grow.
    first = {name: count_queries(client, url) for name, url in urls(cast).items()}
    before = {name: count_queries(client, url) for name, url in urls(cast).items()}
    add_branches(cast, world.company, 4, start=2)
    take_snapshots(acting_user=None, cycles=[cast.q4])
    after_first = {name: count_queries(client, url) for name, url in urls(cast).items()}
    after = {name: count_queries(client, url) for name, url in urls(cast).items()}
    assert after == before
    for name in before:
        assert first[name] <= before[name] + FORECAST_WRITES, (name, first[name])
        assert after_first[name] <= before[name] + FORECAST_WRITES, (name, after_first[name])
    for name, count in before.items():
        assert count <= BOUNDS[name], (name, count)


# -- fresh after a check-in ------------------------------------------------------------------


def test_a_check_in_shows_at_once_and_stored_figures_say_how_old_they_are(cast, world, as_user):
    """The snapshot was taken; then Sam checks in 36 logos. The headline progress is the
    live one at once, on the page and in the API; the stored figures say when they were
    taken and how long ago."""
    from lineofsight.goals import actions as goal_actions
    from lineofsight.insights.charts import figure

    client = as_user(cast.hana)
    before = client.get(f"/api/dashboards/leadership?cycle={cast.q4.pk}").json()
    goal_actions.record_check_in(
        acting_user=cast.sam, key_result=world.logos, value=36, confidence="on_track"
    )
    after = client.get(f"/api/dashboards/leadership?cycle={cast.q4.pk}").json()
    assert after["progress_now"] > before["progress_now"]
    world.company.refresh_from_db()
    assert after["progress_now"] == figure(world.company.progress)  # the only company objective
    assert after["organisation"]["progress"] == before["organisation"]["progress"]  # stored
    assert after["as_of"] == before["as_of"]

    html = page(client, f"/dashboards/?cycle={cast.q4.pk}")
    headline = {e["data-figure"]: e["data-value"] for e in elements_in(html, "headline")}
    assert float(headline["progress"]) == after["progress_now"]
    assert "mean progress, live" in html
    assert "Check-ins on time, need attention and likely to miss: stored figures as of" in html
    assert "(just now)." in html  # the snapshot was taken moments ago
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2, minutes=5)
    with time_machine.travel(later, tick=False):
        assert "(2\xa0hours, 5\xa0minutes ago)." in page(client, f"/dashboards/?cycle={cast.q4.pk}")

    take_snapshots(acting_user=None, cycles=[cast.q4])
    refreshed = client.get(f"/api/dashboards/leadership?cycle={cast.q4.pk}").json()
    assert refreshed["organisation"]["progress"] == after["progress_now"]
    assert refreshed["as_of"] > before["as_of"]
