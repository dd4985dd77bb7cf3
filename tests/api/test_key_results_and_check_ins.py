"""/api/key-results and /api/check-ins: definitions with history, and append-only readings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lineofsight.goals import actions
from lineofsight.goals.models import CheckIn, KeyResult, KeyResultRevision, Objective

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_list_key_results_with_filters(cast, as_person):
    c = build_cascade(cast)
    ava = as_person("ava")
    assert ava.get("/key-results").json()["count"] == 7
    assert ids(ava.get("/key-results", objective=c.ava_obj.pk)) == {
        c.ava_opps.pk,
        c.ava_legal.pk,
        c.ava_closes.pk,
    }
    assert ids(ava.get("/key-results", owner=cast.sam.pk)) == {c.logos.pk, c.sales_opps.pk}
    assert ids(ava.get("/key-results", cycle=cast.fy.pk)) == set()
    assert len(ids(ava.get("/key-results", kind="milestone"))) == 1
    assert ids(ava.get("/key-results", state="abandoned")) == set()
    assert ava.get("/key-results", kind="guess").status_code == 422


def test_create_read_and_patch_a_key_result(cast, as_person):
    c = build_cascade(cast)
    ava = as_person("ava")
    created = ava.post(
        "/key-results",
        {
            "objective": c.ava_obj.pk,
            "title": "Churn under 5 %",
            "kind": "stay_below",
            "target_value": 5,
            "unit": "%",
            "weight": 0.5,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owner"] == cast.ava.pk and body["cycle"] == cast.q4.pk
    assert body["objective_title"] == c.ava_obj.title
    assert body["can_edit"] is True
    assert (body["start_value"], body["target_value"], body["weight"]) == (None, 5.0, 0.5)
    # Below the threshold before any reading? No value yet, so 0 %.
    assert body["confidence"] is None and body["last_check_in_at"] is None

    got = ava.get(f"/key-results/{body['id']}").json()
    assert got == body

    patched = ava.patch(f"/key-results/{body['id']}", {"title": "Churn at most 5 %"})
    assert patched.status_code == 200
    assert patched.json()["title"] == "Churn at most 5 %"
    revisions = ava.get(f"/key-results/{body['id']}/revisions").json()
    assert [r["number"] for r in revisions] == [1, 2]


def test_start_equal_to_target_is_refused_and_never_scores_for_free(cast, as_person):
    c = build_cascade(cast)
    ava = as_person("ava")
    refused = ava.post(
        "/key-results",
        {
            "objective": c.ava_obj.pk,
            "title": "Zero to zero",
            "kind": "increase",
            "start_value": 0,
            "target_value": 0,
        },
    )
    assert refused.status_code == 422
    [message] = refused.json()["errors"]["target_value"]
    assert message.startswith("The target equals the start, so there is nothing to increase.")
    assert "Stay at or above a threshold" in message
    assert not KeyResult.objects.filter(title="Zero to zero").exists()
    # A row stored before the rule: no progress and no forecast until a check-in reaches it.
    old = KeyResult.objects.create(
        objective=c.ava_obj,
        cycle=cast.q4,
        title="Zero to zero",
        kind="increase",
        start_value=0,
        target_value=0,
        owner=cast.ava,
    )
    from lineofsight.goals import rollup

    rollup.rebuild()
    got = ava.get(f"/key-results/{old.pk}").json()
    assert got["progress"] == 0.0
    assert got["forecast"]["progress"] == 0.0
    explained = ava.get(f"/key-results/{old.pk}/explanation").json()
    assert explained["result"] == 0.0
    ava.post("/check-ins", {"key_result": old.pk, "value": 0, "confidence": "on_track"})
    assert ava.get(f"/key-results/{old.pk}").json()["progress"] == 1.0


def test_changing_the_target_after_check_ins_needs_a_reason(cast, as_person):
    c = build_cascade(cast)
    ava = as_person("ava")
    ava.post("/check-ins", {"key_result": c.ava_legal.pk, "value": 4, "confidence": "on_track"})
    before = KeyResultRevision.objects.count()
    refused = ava.patch(f"/key-results/{c.ava_legal.pk}", {"target_value": 8})
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["reason"]
    assert KeyResult.objects.get(pk=c.ava_legal.pk).target_value == 10
    assert KeyResultRevision.objects.count() == before

    accepted = ava.patch(
        f"/key-results/{c.ava_legal.pk}", {"target_value": 8, "reason": "Legal is short-staffed"}
    )
    assert accepted.status_code == 200
    assert accepted.json()["progress"] == pytest.approx(0.5)
    revisions = ava.get(f"/key-results/{c.ava_legal.pk}/revisions").json()
    assert [(r["target_value"], r["reason"]) for r in revisions] == [
        (10.0, "Created"),
        (8.0, "Legal is short-staffed"),
    ]


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        (
            {"title": "T", "kind": "increase", "start_value": 10, "target_value": 5},
            {"target_value"},
        ),
        ({"title": "T", "kind": "increase", "target_value": 5}, {"start_value"}),
        (
            {"title": "T", "kind": "increase", "start_value": 0, "target_value": 1e16},
            {"target_value"},
        ),
        (
            {"title": "T", "kind": "increase", "start_value": "0", "target_value": 5},
            {"start_value"},
        ),
        ({"title": "T", "kind": "stay_above"}, {"target_value"}),
        ({"title": "T", "kind": "milestone", "weight": -1}, {"weight"}),
        ({"title": "T", "kind": "milestone", "owner": 9999}, {"owner"}),
        ({"title": "T", "kind": "milestone", "cycle": 9999}, {"cycle"}),
        ({"title": "T", "kind": "milestone", "unit": "u" * 41}, {"unit"}),
        ({"title": "", "kind": "sideways"}, {"title", "kind"}),
    ],
)
def test_key_result_errors_name_the_fields(cast, as_person, payload, fields):
    c = build_cascade(cast)
    ava = as_person("ava")
    before = KeyResult.objects.count()
    response = ava.post("/key-results", {"objective": c.ava_obj.pk, **payload})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == fields
    assert KeyResult.objects.count() == before


def test_key_result_references_and_permissions(cast, as_person):
    c = build_cascade(cast)
    hidden = actions.create_objective(
        acting_user=cast.ava,
        title="Private",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    hidden_kr = actions.create_key_result(
        acting_user=cast.ava, objective=hidden, title="Quiet", kind="milestone", owner=cast.ava
    )
    otto = as_person("otto")
    pia = as_person("pia")
    before = KeyResult.objects.count()
    response = otto.post(
        "/key-results", {"objective": hidden.pk, "title": "Sneaky", "kind": "milestone"}
    )
    assert response.status_code == 422 and list(response.json()["errors"]) == ["objective"]
    assert otto.get(f"/key-results/{hidden_kr.pk}").status_code == 404
    assert hidden_kr.pk not in ids(otto.get("/key-results"))
    assert otto.get(f"/key-results/{hidden_kr.pk}/revisions").status_code == 404
    assert otto.patch(f"/key-results/{hidden_kr.pk}", {"title": "x"}).status_code == 404
    # Visible but not hers to change.
    response = pia.post(
        "/key-results", {"objective": c.ava_obj.pk, "title": "Pia's", "kind": "milestone"}
    )
    assert response.status_code == 403
    assert pia.patch(f"/key-results/{c.ava_opps.pk}", {"title": "x"}).status_code == 403
    assert pia.get(f"/key-results/{c.ava_opps.pk}").json()["can_edit"] is False
    assert KeyResult.objects.count() == before


def test_check_in_moves_the_objective_and_its_parent(cast, as_person):
    c = build_cascade(cast)
    ava = as_person("ava")
    sales_before = ava.get(f"/objectives/{c.sales.pk}").json()["progress"]
    response = ava.post(
        "/check-ins",
        {
            "key_result": c.ava_opps.pk,
            "value": 22,
            "confidence": "at_risk",
            "blockers": "Legal review queue",
            "note": "Three more in the pipeline",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["check_in"]["value"] == 22.0
    assert body["check_in"]["author"] == cast.ava.pk
    assert body["check_in"]["author_name"] == "Ava Adams"
    assert body["check_in"]["confidence"] == "at_risk"
    assert body["check_in"]["blockers"] == "Legal review queue"
    assert body["key_result"] == {"id": c.ava_opps.pk, "progress": 0.88, "percent": 88}
    assert body["objective"]["id"] == c.ava_obj.pk
    assert body["objective"]["progress"] == pytest.approx(0.88 / 3)
    # Stored roll-ups moved: Ava's objective and the Sales objective it contributes to.
    assert Objective.objects.get(pk=c.ava_obj.pk).progress == pytest.approx(0.88 / 3)
    sales_after = ava.get(f"/objectives/{c.sales.pk}").json()
    assert sales_after["progress"] > sales_before
    assert sales_after["status"] is None  # Sales' own key results have no readings yet

    got = ava.get(f"/check-ins/{body['check_in']['id']}")
    assert got.status_code == 200 and got.json() == body["check_in"]


def test_milestone_check_in(cast, as_person):
    c = build_cascade(cast)
    milestone = KeyResult.objects.get(objective=c.platform)
    dev = as_person("dev")
    response = dev.post(
        "/check-ins", {"key_result": milestone.pk, "done": True, "confidence": "on_track"}
    )
    assert response.status_code == 201
    assert response.json()["key_result"]["percent"] == 100
    assert response.json()["check_in"]["done"] is True
    # The platform objective contributes to the verticals key result of the company.
    verticals = dev.get(f"/key-results/{c.verticals.pk}").json()
    assert verticals["progress"] == 1.0


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"confidence": "on_track"}, {"value"}),
        ({"value": 3, "confidence": "great"}, {"confidence"}),
        ({"value": 3}, {"confidence"}),
        ({"value": 1e16, "confidence": "on_track"}, {"value"}),
        ({"value": 3, "confidence": "on_track", "note": "n" * 10_001}, {"note"}),
        ({"value": 3, "confidence": "on_track", "note": "a\u0000b"}, {"note"}),
        ({"value": 3, "confidence": "on_track", "when": "now"}, {"when"}),
    ],
)
def test_check_in_errors_name_the_fields(cast, as_person, payload, fields):
    c = build_cascade(cast)
    ava = as_person("ava")
    response = ava.post("/check-ins", {"key_result": c.ava_opps.pk, **payload})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == fields
    assert CheckIn.objects.count() == 0
    assert KeyResult.objects.get(pk=c.ava_opps.pk).last_check_in_at is None


def test_check_in_refusals(cast, as_person):
    c = build_cascade(cast)
    hidden = actions.create_objective(
        acting_user=cast.ava,
        title="Private",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    hidden_kr = actions.create_key_result(
        acting_user=cast.ava, objective=hidden, title="Quiet", kind="milestone", owner=cast.ava
    )
    closed_objective = actions.create_objective(
        acting_user=cast.hana,
        title="Q3 pipeline",
        level="individual",
        cycle=cast.q3,
        owner_person=cast.ava,
        amendment_reason="Back-filling Q3",
    )
    closed_kr = actions.create_key_result(
        acting_user=cast.hana,
        objective=closed_objective,
        title="Deals",
        kind="increase",
        start_value=0,
        target_value=5,
        owner=cast.ava,
        amendment_reason="Back-filling Q3",
    )
    otto, pia, ava, hana = (as_person(n) for n in ("otto", "pia", "ava", "hana"))
    reading = {"value": 1, "confidence": "on_track"}

    invisible = otto.post(
        "/check-ins", {"key_result": hidden_kr.pk, "done": True, "confidence": "on_track"}
    )
    assert invisible.status_code == 422
    assert list(invisible.json()["errors"]) == ["key_result"]
    assert pia.post("/check-ins", {"key_result": c.ava_opps.pk, **reading}).status_code == 403
    # A key result rolled up from aligned objectives takes no readings.
    rolled = as_person("eli").post("/check-ins", {"key_result": c.verticals.pk, **reading})
    assert rolled.status_code == 422
    assert list(rolled.json()["errors"]) == ["key_result"]
    # A closed cycle: only HR, and only with a reason.
    assert ava.post("/check-ins", {"key_result": closed_kr.pk, **reading}).status_code == 403
    no_reason = hana.post("/check-ins", {"key_result": closed_kr.pk, **reading})
    assert no_reason.status_code == 422
    assert list(no_reason.json()["errors"]) == ["amendment_reason"]
    assert CheckIn.objects.count() == 0
    amended = hana.post(
        "/check-ins",
        {"key_result": closed_kr.pk, **reading, "amendment_reason": "Missed in Q3 review"},
    )
    assert amended.status_code == 201
    assert amended.json()["check_in"]["amendment_reason"] == "Missed in Q3 review"


def test_list_check_ins_with_filters(cast, as_person):
    c = build_cascade(cast)
    now = timezone.now()
    for days, value in ((30, 5), (20, 10), (10, 15)):
        actions.record_check_in(
            acting_user=cast.ava,
            key_result=c.ava_opps,
            value=value,
            confidence="on_track",
            at=now - dt.timedelta(days=days),
        )
    actions.record_check_in(
        acting_user=cast.sam,
        key_result=c.sales_opps,
        value=50,
        confidence="at_risk",
        at=now - dt.timedelta(days=1),
    )
    otto = as_person("otto")
    everything = otto.get("/check-ins").json()
    assert everything["count"] == 4
    assert [i["value"] for i in everything["items"]] == [50, 15, 10, 5]  # newest first
    mine = otto.get("/check-ins", key_result=c.ava_opps.pk).json()["items"]
    assert [i["value"] for i in mine] == [15, 10, 5]
    assert otto.get("/check-ins", author=cast.sam.pk).json()["count"] == 1
    since = (now - dt.timedelta(days=25)).date().isoformat()
    until = (now - dt.timedelta(days=15)).date().isoformat()
    window = otto.get("/check-ins", since=since, until=until).json()["items"]
    assert [i["value"] for i in window] == [10]
    bad = otto.get("/check-ins", since="last week")
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["since"]
    # Readings of objectives Otto cannot see are not listed.
    hidden = actions.create_objective(
        acting_user=cast.ava,
        title="Private",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    hidden_kr = actions.create_key_result(
        acting_user=cast.ava, objective=hidden, title="Quiet", kind="milestone", owner=cast.ava
    )
    secret = actions.record_check_in(
        acting_user=cast.ava, key_result=hidden_kr, done=True, confidence="on_track"
    )
    assert otto.get("/check-ins").json()["count"] == 4
    assert otto.get(f"/check-ins/{secret.pk}").status_code == 404
    assert as_person("sam").get(f"/check-ins/{secret.pk}").status_code == 200
