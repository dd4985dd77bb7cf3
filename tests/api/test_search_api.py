"""GET /api/search: the navigation's search over HTTP, under the same access policy."""

from __future__ import annotations

import pytest

from ..search_world import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return build(cast)


def test_search_groups_by_kind_with_context(cast, world, as_person):
    response = as_person("pia").get("/search", q="onbo")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["q"] == "onbo" and body["terms"] == ["onbo"]
    kinds = [g["kind"] for g in body["groups"]]
    assert kinds == ["objective", "key_result"]
    first = body["groups"][0]["results"][0]
    assert first == {
        "kind": "objective",
        "id": world.public.pk,
        "title": "Onboarding that customers finish",
        "url": f"/objectives/{world.public.pk}/",
        "context": "Q4 2026 · Ava Adams",
        "state": "",
    }


def test_private_titles_never_appear(cast, world, as_person):
    for word in ("zephyrine", "quetzal", "xylograph"):
        assert as_person("pia").get("/search", q=word).json()["groups"] == []
        assert as_person("sam").get("/search", q=word).json()["groups"] != []


def test_kinds_and_limit(cast, world, as_person):
    api = as_person("ava")
    body = api.get("/search", q="onboarding", kinds="key_result,team").json()
    assert [g["kind"] for g in body["groups"]] == ["key_result"]
    body = api.get("/search", q="onboarding", kinds="objective", limit=1).json()
    assert len(body["groups"][0]["results"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "x", "kinds": "objective,goal"}, "kinds"),
        ({"q": "x" * 201}, "q"),
        ({"q": "x", "limit": 0}, "limit"),
        ({"q": "x", "limit": 21}, "limit"),
    ],
)
def test_bad_input_names_the_field(cast, as_person, params, field):
    response = as_person("ava").get("/search", **params)
    assert response.status_code == 422, response.content
    assert field in str(response.json()["errors"])


@pytest.mark.parametrize("q", ['"', "onbo*", "NOT AND", "a:b", "(", "é" * 200, ""])
def test_odd_text_is_searched_as_words(cast, world, as_person, q):
    response = as_person("ava").get("/search", q=q)
    assert response.status_code == 200, response.content


def test_signed_out_is_refused(client):
    assert client.get("/api/search", {"q": "x"}).status_code == 401
