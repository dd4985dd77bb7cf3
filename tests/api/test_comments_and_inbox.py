"""``/api/comments`` and ``/api/inbox``: threads under the access policy of their subject,
mentions refused for people who cannot see it, edits with versions, removal, reactions; the
inbox only ever the caller's."""

from __future__ import annotations

import pytest

from ..discussion_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return build_world(cast)


def test_a_thread_over_the_api(cast, world, as_person, django_capture_on_commit_callbacks):
    ava = as_person("ava")
    with django_capture_on_commit_callbacks(execute=True):
        created = ava.post(
            "/comments", {"objective": world.private.pk, "body": "@sam the deal slipped"}
        )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["subject"] == "objective" and body["author_name"] == "Ava Adams"
    assert body["mentions"] == [{"id": cast.sam.pk, "username": "sam", "name": "Sam Sato"}]
    sam = as_person("sam")
    thread = sam.get("/comments", objective=world.private.pk).json()
    assert [c["body"] for c in thread] == ["@sam the deal slipped"]
    assert sam.get("/inbox/unread-count").json() == {"unread": 1}
    [item] = sam.get("/inbox", unread="true").json()["items"]
    assert item["kind"] == "mention" and item["unread"]
    assert sam.post(f"/inbox/{item['id']}/read").json()["unread"] is False
    assert sam.get("/inbox/unread-count").json() == {"unread": 0}
    assert sam.get("/inbox", unread="true").json()["items"] == []


def test_outsiders_get_404_and_never_a_mention(cast, world, as_person):
    ava = as_person("ava")
    cid = ava.post("/comments", {"check_in": world.private_check_in.pk, "body": "note"}).json()[
        "id"
    ]
    pia = as_person("pia")
    assert pia.get("/comments", objective=world.private.pk).status_code == 404
    assert pia.get("/comments", check_in=world.private_check_in.pk).status_code == 404
    assert pia.get(f"/comments/{cid}").status_code == 404
    assert pia.get(f"/comments/{cid}/versions").status_code == 404
    assert pia.post(f"/comments/{cid}/reactions", {"emoji": "eyes"}).status_code == 404
    assert pia.patch(f"/comments/{cid}", {"body": "x"}).status_code == 404
    assert pia.delete(f"/comments/{cid}").status_code == 404
    posted = pia.post("/comments", {"key_result": world.private_kr.pk, "body": "hi"})
    assert posted.status_code == 404
    refused = ava.post("/comments", {"objective": world.private.pk, "body": "@pia see this"})
    assert refused.status_code == 422
    assert "Pia Park (@pia) cannot see this objective" in refused.json()["errors"]["body"][0]
    assert as_person("pia").get("/inbox/unread-count").json() == {"unread": 0}


def test_bad_input_names_the_field(cast, world, as_person):
    sam = as_person("sam")
    assert (
        "body"
        in sam.post("/comments", {"objective": world.public.pk, "body": " "}).json()["errors"]
    )
    both = sam.post(
        "/comments", {"objective": world.public.pk, "key_result": world.public_kr.pk, "body": "x"}
    )
    assert both.status_code == 422 and "objective" in both.json()["errors"]
    assert "objective" in sam.get("/comments").json()["errors"]
    cid = sam.post("/comments", {"objective": world.public.pk, "body": "ok"}).json()["id"]
    bad = sam.post(f"/comments/{cid}/reactions", {"emoji": "heart"})
    assert bad.status_code == 422 and "emoji" in bad.json()["errors"]


def test_edit_versions_remove_and_react(cast, world, as_person):
    sam = as_person("sam")
    cid = sam.post("/comments", {"key_result": world.public_kr.pk, "body": "v1"}).json()["id"]
    assert as_person("ava").patch(f"/comments/{cid}", {"body": "mine"}).status_code == 403
    edited = sam.patch(f"/comments/{cid}", {"body": "v2"}).json()
    assert edited["body"] == "v2" and edited["versions"] == 1 and edited["edited_at"]
    assert [v["body"] for v in as_person("pia").get(f"/comments/{cid}/versions").json()] == ["v1"]
    on = as_person("pia").post(f"/comments/{cid}/reactions", {"emoji": "thumbs_up"}).json()
    assert on["on"] is True
    assert on["comment"]["reactions"][0]["people"] == ["Pia Park"]
    off = as_person("pia").post(f"/comments/{cid}/reactions", {"emoji": "thumbs_up"}).json()
    assert off["on"] is False and off["comment"]["reactions"] == []
    assert sam.delete(f"/comments/{cid}").status_code == 204
    [gone] = as_person("pia").get("/comments", key_result=world.public_kr.pk).json()
    assert gone["removed"] and gone["body"] == "" and gone["versions"] == 0


def test_the_inbox_is_only_ever_mine(cast, world, as_person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        as_person("ava").post("/comments", {"objective": world.public.pk, "body": "@sam @pia"})
    item = as_person("sam").get("/inbox").json()["items"][0]
    assert as_person("hana").get(f"/inbox/{item['id']}").status_code == 404
    assert as_person("pia").post(f"/inbox/{item['id']}/read").status_code == 404
    marked = as_person("sam").post("/inbox/read-all").json()
    assert marked == {"marked": 1, "unread": 0}
    assert as_person("pia").get("/inbox/unread-count").json() == {"unread": 1}
