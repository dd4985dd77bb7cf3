"""/api/coach: findings, alignment health and acknowledgements, under the same access policy
as the pages."""

from __future__ import annotations

import pytest

from lineofsight.coach.models import FindingAcknowledgement
from lineofsight.goals import actions

pytestmark = pytest.mark.django_db


def acknowledge_body(cast, cascade, **extra):
    return {
        "cycle": cast.q4.pk,
        "code": "focus.too_few_key_results",
        "subject": "objective",
        "subject_id": cascade.sales.pk,
        "reason": "One big bet this quarter",
        **extra,
    }


def test_findings_for_the_organisation_a_team_and_a_person(cast, cascade, as_person):
    api = as_person("sam")
    everything = api.get("/coach/findings", cycle=cast.q4.pk, limit=500)
    assert everything.status_code == 200
    body = everything.json()
    assert body["count"] == len(body["items"]) > 0 and body["limit"] == 500
    first = body["items"][0]
    assert first["level"] == "error"  # errors first
    assert set(first) == {
        "check",
        "code",
        "level",
        "subject",
        "subject_id",
        "subject_label",
        "objective",
        "message",
        "suggestion",
        "acknowledgement",
    }
    codes = {(i["code"], i["subject_label"]) for i in body["items"]}
    assert ("focus.too_few_key_results", cascade.sales.title) in codes
    platform = api.get("/coach/findings", cycle=cast.q4.pk, team=cast.platform.pk).json()
    assert {i["subject_label"] for i in platform["items"]} <= {
        cascade.platform.title,
        "Platform",
        "Dev Diaz",
        "Healthcare edition generally available",
    }
    dev = api.get("/coach/findings", cycle=cast.q4.pk, person=cast.dev.pk).json()
    assert {i["code"] for i in dev["items"]} >= {"lagging_only.person"}
    paged = api.get("/coach/findings", cycle=cast.q4.pk, limit=1, offset=1).json()
    assert paged["count"] == body["count"] and paged["items"] == body["items"][1:2]


def test_findings_refuse_bad_filters_naming_them(cast, cascade, as_person):
    api = as_person("ava")
    both = api.get("/coach/findings", team=cast.sales.pk, person=cast.ava.pk)
    assert both.status_code == 422 and "person" in both.json()["errors"]
    assert api.get("/coach/findings", cycle=99999).status_code == 404
    assert api.get("/coach/findings", team=99999).status_code == 404
    bad = api.get("/coach/findings", limit=0)
    assert bad.status_code == 422 and "limit" in bad.json()["errors"]


def test_findings_leave_out_what_the_caller_may_not_see(cast, cascade, as_person):
    actions.create_objective(
        acting_user=cast.ava,
        title="Move to the healthcare territory",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    for who, sees in (("otto", False), ("ava", True), ("hana", True)):
        items = as_person(who).get("/coach/findings", cycle=cast.q4.pk, limit=500).json()["items"]
        labels = {i["subject_label"] for i in items}
        assert ("Move to the healthcare territory" in labels) is sees, who


def test_health_matches_the_page(cast, cascade, as_person):
    response = as_person("hana").get("/coach/health", cycle=cast.q4.pk)
    assert response.status_code == 200
    body = response.json()
    assert body["cycle"]["id"] == cast.q4.pk and body["department"] is None
    assert body["settings"]["max_objectives_person"] == 3
    assert body["total"]["objectives"] == 3 and body["total"]["aligned"] == 3
    assert body["total"]["aligned_share"] == 1.0
    assert {r["name"] for r in body["rows"]} == {"Engineering", "Legal", "People Ops", "Sales"}
    sales = next(r for r in body["rows"] if r["name"] == "Sales")
    assert sales["focus"] == 1 and sales["quality"]["score"] < 100
    assert sales["quality"]["reasons"][0].startswith("-")
    assert body["top"][0]["level"] == "error"
    assert body["open_findings"] >= len(body["top"]) and body["acknowledged_findings"] == 0
    department = (
        as_person("sam").get("/coach/health", cycle=cast.q4.pk, department=cast.sales.pk).json()
    )
    assert [r["name"] for r in department["rows"]] == ["Sales (its own)", "Enterprise Sales"]
    assert as_person("sam").get("/coach/health", department=99999).status_code == 404


def test_acknowledging_and_reopening_over_the_api(cast, cascade, as_person):
    api = as_person("sam")
    created = api.post("/coach/acknowledgements", acknowledge_body(cast, cascade))
    assert created.status_code == 201, created.json()
    ack = created.json()
    assert ack["acknowledged_by"] == cast.sam.pk and ack["acknowledged_by_name"] == "Sam Sato"
    assert ack["reopened_at"] is None
    listed = api.get("/coach/findings", cycle=cast.q4.pk, acknowledged="true").json()["items"]
    assert [i["acknowledgement"]["id"] for i in listed] == [ack["id"]]
    open_items = api.get("/coach/findings", cycle=cast.q4.pk, acknowledged="false").json()
    assert all(i["acknowledgement"] is None for i in open_items["items"])
    health = api.get("/coach/health", cycle=cast.q4.pk).json()
    assert health["acknowledged_findings"] == 1 and health["total"]["acknowledged"] == 1
    again = api.post("/coach/acknowledgements", acknowledge_body(cast, cascade))
    assert again.status_code == 422 and "code" in again.json()["errors"]
    reopened = api.post(f"/coach/acknowledgements/{ack['id']}/reopen", {"reason": "Add one"})
    assert reopened.status_code == 200
    assert reopened.json()["reopened_by"] == cast.sam.pk
    assert reopened.json()["reopen_reason"] == "Add one"
    twice = api.post(f"/coach/acknowledgements/{ack['id']}/reopen", {})
    assert twice.status_code == 422
    assert FindingAcknowledgement.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": 5}, "reason"),
        ({"code": ""}, "code"),
        ({"code": "orphan.unaligned"}, "code"),
        ({"subject": "planet"}, "subject"),
        ({"subject_id": 99999}, "subject_id"),
        ({"cycle": 99999}, "cycle"),
        ({"subject_id": "x"}, "subject_id"),
    ],
)
def test_bad_acknowledgements_name_the_field_and_change_nothing(
    cast, cascade, as_person, change, field
):
    response = as_person("sam").post(
        "/coach/acknowledgements", acknowledge_body(cast, cascade, **change)
    )
    assert response.status_code == 422, response.json()
    assert field in response.json()["errors"]
    assert not FindingAcknowledgement.objects.exists()


def test_only_editors_acknowledge(cast, cascade, as_person):
    refused = as_person("otto").post("/coach/acknowledgements", acknowledge_body(cast, cascade))
    assert refused.status_code == 403
    private = actions.create_objective(
        acting_user=cast.ava,
        title="Private plan",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    hidden = as_person("otto").post(
        "/coach/acknowledgements",
        acknowledge_body(cast, cascade, code="orphan.unaligned", subject_id=private.pk),
    )
    assert hidden.status_code == 422 and "subject_id" in hidden.json()["errors"]
    assert not FindingAcknowledgement.objects.exists()
