"""/api/data-sources: connecting a key result, syncing it (the push its owner calls with a
token), the provenance of its readings; secrets written only; bad input named."""

from __future__ import annotations

import pytest

from lineofsight.goals.models import CheckIn
from lineofsight.integrations.sources.models import DataSource

from .. import source_servers as s
from ..source_servers import SourceServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def server():
    with SourceServer() as running:
        yield running


def jira_body(kr, server, **extra):
    return {
        "key_result": kr.pk,
        "kind": "jira",
        "site": server.base,
        "email": s.JIRA_EMAIL,
        "jql": s.JIRA_JQL,
        "secret": s.JIRA_TOKEN,
        "schedule": "hourly",
        **extra,
    }


def test_connect_sync_and_read_the_provenance(cascade, as_person, server):
    ava = as_person("ava")
    kr = cascade.ava_legal
    made = ava.post("/data-sources", jira_body(kr, server))
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["settings"]["jql"] == s.JIRA_JQL and body["has_secret"] is True
    assert body["origin"] == f"From Jira: JQL {s.JIRA_JQL}"
    assert s.JIRA_TOKEN not in made.content.decode()

    synced = ava.post(f"/data-sources/{body['id']}/sync")
    assert synced.status_code == 200
    result = synced.json()
    assert (result["outcome"], result["value"]) == ("recorded", 17)
    assert result["source"]["last_value"] == 17

    readings = ava.get(f"/data-sources/{body['id']}/readings").json()
    assert readings["count"] == 1
    first = readings["items"][0]
    assert (first["check_in"], first["raw_value"], first["trigger"]) == (
        result["check_in"],
        "17",
        "api",
    )
    check_in = ava.get(f"/check-ins/{result['check_in']}").json()
    assert check_in["note"].startswith(f"From Jira: JQL {s.JIRA_JQL}.")

    again = ava.post(f"/data-sources/{body['id']}/sync").json()
    assert again["outcome"] == "unchanged"
    assert CheckIn.objects.filter(key_result=kr).count() == 1


def test_others_see_that_it_is_connected_but_not_its_settings(cascade, as_person, server):
    made = as_person("ava").post("/data-sources", jira_body(cascade.ava_legal, server)).json()
    seen = as_person("otto").get(f"/data-sources/{made['id']}")
    assert seen.status_code == 200
    answer = seen.json()
    assert answer["can_manage"] is False and answer["settings"] is None
    assert answer["has_secret"] is None and answer["last_error"] is None
    assert s.JIRA_TOKEN not in seen.content.decode()
    otto = as_person("otto")
    assert otto.post(f"/data-sources/{made['id']}/sync").status_code == 403
    assert otto.patch(f"/data-sources/{made['id']}", {"state": "paused"}).status_code == 403
    assert otto.delete(f"/data-sources/{made['id']}").status_code == 403
    listed = otto.get("/data-sources", key_result=cascade.ava_legal.pk).json()
    assert [i["id"] for i in listed["items"]] == [made["id"]]


def test_a_failed_sync_writes_nothing_and_says_why(cascade, as_person, server):
    ava = as_person("ava")
    made = ava.post("/data-sources", jira_body(cascade.ava_legal, server, jql="project = NOPE"))
    result = ava.post(f"/data-sources/{made.json()['id']}/sync").json()
    assert result["outcome"] == "failed" and "answered 400" in result["message"]
    assert result["source"]["consecutive_failures"] == 1
    assert not CheckIn.objects.filter(key_result=cascade.ava_legal).exists()


def test_change_keeps_the_secret_unless_given_and_pauses(cascade, as_person, server):
    ava = as_person("ava")
    made = ava.post("/data-sources", jira_body(cascade.ava_legal, server)).json()
    stored = DataSource.objects.get(pk=made["id"]).secret
    changed = ava.patch(f"/data-sources/{made['id']}", {"jql": "project = OPS", "state": "paused"})
    assert changed.status_code == 200
    assert changed.json()["settings"]["jql"] == "project = OPS"
    assert changed.json()["state"] == "paused"
    assert DataSource.objects.get(pk=made["id"]).secret == stored
    assert ava.delete(f"/data-sources/{made['id']}").status_code == 204
    assert ava.get(f"/data-sources/{made['id']}").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"site": "not a web address"}, "site"),
        ({"jql": ""}, "jql"),
        ({"secret": ""}, "secret"),
        ({"kind": "sql", "query": "DROP TABLE x", "secret": "sqlite:////srv/data/x.db"}, "query"),
        ({"kind": "http_json", "url": "https://example.invalid/x", "json_path": ""}, "json_path"),
        ({"key_result": 999999}, "key_result"),
        ({"schedule": "weekly"}, "schedule"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(cascade, as_person, server, change, field):
    answer = as_person("ava").post("/data-sources", jira_body(cascade.ava_legal, server) | change)
    assert answer.status_code == 422, answer.json()
    assert any(key.split(".")[-1] == field for key in answer.json()["errors"]), answer.json()
    assert not DataSource.objects.exists()
