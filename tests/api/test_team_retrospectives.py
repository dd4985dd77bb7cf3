"""Team retrospectives over the API: read, write with the version read, publish; a draft
reads as none for anyone outside the team; bad input names the field."""

from __future__ import annotations

import pytest

from lineofsight.goals.models import TeamRetrospective

from ..team_retros import closed_q3

pytestmark = pytest.mark.django_db


@pytest.fixture
def q3(cast):
    return closed_q3(cast)


def path(cast, suffix=""):
    return f"/teams/{cast.enterprise.pk}/retrospectives/{cast.q3.pk}{suffix}"


def test_write_read_and_publish(cast, q3, as_person):
    ava = as_person("ava")
    empty = ava.get(path(cast)).json()
    assert empty["retrospective"] is None and empty["open"] is True
    assert [o["id"] for o in empty["objectives"]] == [q3.public.pk]
    grade = empty["objectives"][0]["grade"]
    assert (grade["computed"], grade["adjusted"]) == (0.6, 0.7)
    assert grade["verdict"] == "Aspirational: 0.7 counts as success; landed 0.60: missed"
    saved = ava.put(
        path(cast), {"what_moved": "Healthcare doubled", "links": {"moved": [q3.public.pk]}}
    )
    assert saved.status_code == 200, saved.json()
    body = saved.json()["retrospective"]
    assert body["state"] == "draft" and body["version"] == 1
    moved = body["sections"][0]
    assert moved == {
        "section": "moved",
        "label": "What moved",
        "text": "Healthcare doubled",
        "objectives": [q3.public.pk],
    }
    # Outside the team a draft reads as none.
    assert as_person("otto").get(path(cast)).json()["retrospective"] is None
    assert as_person("hana").get(path(cast)).json()["retrospective"] is None
    assert as_person("ava").post(path(cast, "/publish")).status_code == 403
    published = as_person("sam").post(path(cast, "/publish"))
    assert published.status_code == 200
    assert published.json()["retrospective"]["state"] == "published"
    read = as_person("otto").get(path(cast)).json()["retrospective"]
    assert read["sections"][0]["text"] == "Healthcare doubled"


def test_a_save_from_an_older_version_answers_409_with_the_current_one(cast, q3, as_person):
    as_person("ava").put(path(cast), {"what_moved": "First"})
    as_person("pia").put(path(cast), {"what_moved": "Second", "version": 1})
    stale = as_person("sam").put(path(cast), {"what_moved": "Third", "version": 1})
    assert stale.status_code == 409
    body = stale.json()
    assert "Pia Park saved this retrospective" in body["errors"]["version"][0]
    assert body["current"]["retrospective"]["version"] == 2
    assert body["current"]["retrospective"]["sections"][0]["text"] == "Second"
    assert TeamRetrospective.objects.get().what_moved == "Second"


def test_bad_input_names_the_field_and_saves_nothing(cast, q3, as_person):
    ava = as_person("ava")
    for payload, field in (
        ({"what_moved": ""}, "what_moved"),
        ({"what_moved": "x", "links": {"moved": [q3.private.pk]}}, "links"),
        ({"what_moved": "x", "links": {"nowhere": [q3.public.pk]}}, "links.nowhere.[key]"),
        ({"what_moved": "x", "colour": "red"}, "colour"),
    ):
        response = ava.put(path(cast), payload)
        assert response.status_code == 422, payload
        assert field in response.json()["errors"], response.json()
    assert not TeamRetrospective.objects.exists()
    assert as_person("otto").put(path(cast), {"what_moved": "x"}).status_code == 403
