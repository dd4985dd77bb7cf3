"""The search box in the navigation and the results page, through the test client."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lineofsight.people.selectors import forget_organisation_cache

from ..search_world import build
from .growth import add_branches

pytestmark = pytest.mark.django_db

POPUP = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "site-search-results"}
# The box's list: session, person, the policy's teams, organisation, the index, then one
# query per kind found (objectives, key results, initiatives, people, teams).
SEARCH_MAX = 10


@pytest.fixture
def world(cast):
    return build(cast)


def test_every_page_has_the_search_box_as_a_plain_form(cast, as_user):
    client = as_user(cast.ava)
    for url in ("/", "/tree/", "/people/", f"/teams/{cast.sales.pk}/"):
        html = client.get(url).content.decode()
        assert 'role="search"' in html and 'action="/search/"' in html, url
        assert 'name="q"' in html and 'hx-get="/search/"' in html, url
        assert 'for="site-search-q"' in html


def test_results_page_shows_groups_with_context(cast, world, as_user):
    response = as_user(cast.pia).get("/search/", {"q": "onboarding"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2" in html and "Objectives" in html and "Key results" in html
    assert "Onboarding that customers finish" in html
    assert f'href="/objectives/{world.public.pk}/"' in html
    assert "Q4 2026 · Ava Adams" in html
    assert "Abandoned" in html  # the abandoned objective is shown as such, last
    assert html.index("Onboarding that customers finish") < html.index("Onboarding webinars")
    assert 'value="onboarding"' in html  # the text stays in the box


def test_private_titles_are_absent_for_outsiders(cast, world, as_user):
    for word in ("zephyrine", "quetzal", "xylograph", "secret onboarding"):
        html = as_user(cast.pia).get("/search/", {"q": word}).content.decode()
        assert "Zephyrine" not in html and "Quetzal" not in html and "Xylograph" not in html
        assert "Nothing you can see matches" in html
        popup = as_user(cast.otto).get("/search/", {"q": word}, **POPUP).content.decode()
        assert "Zephyrine" not in popup and "Quetzal" not in popup
    html = as_user(cast.sam).get("/search/", {"q": "zephyrine"}).content.decode()
    assert "Zephyrine secret onboarding plan" in html


def test_the_box_answers_htmx_with_the_short_list(cast, world, as_user):
    response = as_user(cast.pia).get("/search/", {"q": "onbo"}, **POPUP)
    html = response.content.decode()
    assert "<html" not in html and "data-search-popup" in html
    assert "Onboarding that customers finish" in html
    assert 'href="/search/?q=onbo"' in html  # all results, on the page
    assert "data-search-result" in html
    empty = as_user(cast.pia).get("/search/", {"q": "zzzqqq"}, **POPUP).content.decode()
    assert "Nothing you can see matches “zzzqqq”" in empty
    assert as_user(cast.pia).get("/search/", {"q": ""}, **POPUP).content.decode().strip() == ""


def test_one_kind_shows_more(cast, as_user):
    from lineofsight.goals import actions

    for n in range(12):
        actions.create_objective(
            acting_user=cast.ava,
            title=f"Wombat plan {n}",
            level="individual",
            cycle=cast.q4,
            owner_person=cast.ava,
        )
    client = as_user(cast.pia)
    html = client.get("/search/", {"q": "wombat"}).content.decode()
    assert html.count("Wombat plan") == 10
    assert 'kind=objective">More objectives' in html
    html = client.get("/search/", {"q": "wombat", "kind": "objective"}).content.decode()
    assert html.count("Wombat plan") == 12
    assert "Show every kind" in html


@pytest.mark.parametrize(
    "q", ['"', "onbo*", "NOT", "a:b", "(x", "x" * 500, "é" * 300, "\x00", "%", "<script>"]
)
def test_odd_input_is_never_an_error(cast, world, as_user, q):
    response = as_user(cast.ava).get("/search/", {"q": q})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_empty_page_explains(cast, as_user):
    html = as_user(cast.ava).get("/search/").content.decode()
    assert "“onbo” finds “onboarding”" in html


def test_signed_out_goes_to_sign_in(client):
    response = client.get("/search/", {"q": "x"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def count(client, **params) -> int:
    forget_organisation_cache()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/search/", {"q": "company"}, **params).status_code == 200
    return len(ctx.captured_queries)


def test_search_runs_a_fixed_number_of_queries(cast, cascade, as_user):
    """Pinned, and the same with three times the data."""
    for viewer in (cast.ava, cast.hana):
        client = as_user(viewer)
        add_branches(cast, cascade.company, 1, start=10 * viewer.pk)
        before = (count(client, **POPUP), count(client))
        add_branches(cast, cascade.company, 3, start=10 * viewer.pk + 1)
        after = (count(client, **POPUP), count(client))
        assert before == after
        assert after[0] <= SEARCH_MAX
