"""/api/blockers: list with filters, raise from a check-in, change state and assignee; the
check-in endpoint raises them too. Errors name the field and change nothing."""

from __future__ import annotations

import pytest

from lineofsight.goals import actions
from lineofsight.goals.models import Blocker

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db


def test_a_check_in_raises_blockers_as_a_list(cast, as_person):
    c = build_cascade(cast)
    ava = as_person("ava")
    response = ava.post(
        "/check-ins",
        {
            "key_result": c.ava_opps.pk,
            "value": 12,
            "confidence": "at_risk",
            "blockers": [
                {"text": "Legal review queue", "assignee": cast.otto.pk},
                {"text": "No MSA template"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    check_in = response.json()["check_in"]
    assert check_in["blockers"] == "Legal review queue\nNo MSA template"
    assert len(check_in["blocker_ids"]) == 2
    first = ava.get(f"/blockers/{check_in['blocker_ids'][0]}").json()
    assert first["assignee"] == cast.otto.pk and first["assignee_name"] == cast.otto.name
    assert first["state"] == "open" and first["events"][0]["kind"] == "raised"


def test_a_bad_blocker_in_a_check_in_is_a_422_naming_it(cast, as_person):
    build_cascade(cast)
    objective = actions.create_objective(
        acting_user=cast.ava,
        title="Private",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    kr = actions.create_key_result(
        acting_user=cast.ava,
        objective=objective,
        title="Calls",
        kind="increase",
        start_value=0,
        target_value=4,
        owner=cast.ava,
    )
    response = as_person("ava").post(
        "/check-ins",
        {
            "key_result": kr.pk,
            "value": 1,
            "confidence": "at_risk",
            "blockers": [{"text": "Needs Pia", "assignee": cast.pia.pk}],
        },
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["blockers.0.assignee"]
    assert not kr.check_ins.exists() and not Blocker.objects.exists()


def test_list_filters_raise_and_patch(cast, as_person):
    c = build_cascade(cast)
    check_in = actions.record_check_in(
        acting_user=cast.ava, key_result=c.ava_opps, value=2, confidence="at_risk"
    )
    ava = as_person("ava")
    made = ava.post(
        "/blockers",
        {"check_in": check_in.pk, "blockers": [{"text": "CRM export", "assignee": cast.pia.pk}]},
    )
    assert made.status_code == 201, made.content
    blocker_id = made.json()[0]["id"]
    assert made.json()[0]["check_in"] == check_in.pk
    sam = as_person("sam")
    assert [b["id"] for b in sam.get("/blockers", assignee=cast.pia.pk).json()["items"]] == [
        blocker_id
    ]
    assert sam.get("/blockers", state="resolved").json()["items"] == []
    assert sam.get("/blockers", team=cast.enterprise.pk).json()["count"] == 1
    assert sam.get("/blockers", team=cast.platform.pk).json()["count"] == 0
    # Resolving without a note: 422 naming it, nothing changed (the assignee neither).
    pia = as_person("pia")
    refused = sam.patch(f"/blockers/{blocker_id}", {"state": "resolved", "assignee": cast.ava.pk})
    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["note"]
    assert Blocker.objects.get(pk=blocker_id).assignee == cast.pia
    done = pia.patch(f"/blockers/{blocker_id}", {"state": "resolved", "note": "Export fixed."})
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["state"] == "resolved" and body["resolution_note"] == "Export fixed."
    assert [e["kind"] for e in body["events"]] == ["raised", "state"]
    # The assignee does not reassign; an outsider does not even see it... once private.
    assert pia.patch(f"/blockers/{blocker_id}", {"assignee": None}).status_code == 403
    assert sam.patch(f"/blockers/{blocker_id}", {"assignee": None}).json()["assignee"] is None
    assert ava.patch(f"/blockers/{blocker_id}", {}).status_code == 422
    assert ava.patch(f"/blockers/{blocker_id}", {"state": "paused"}).status_code == 422


def test_a_private_objectives_blockers_stay_hidden(cast, as_person):
    c = build_cascade(cast)
    actions.update_objective(
        acting_user=cast.ava, objective=c.ava_obj, visibility="private", reason="Private"
    )
    check_in = actions.record_check_in(
        acting_user=cast.ava,
        key_result=c.ava_opps,
        value=2,
        confidence="at_risk",
        blockers="Secret blocker",
    )
    blocker = check_in.raised_blockers.get()
    pia = as_person("pia")
    assert pia.get(f"/blockers/{blocker.pk}").status_code == 404
    assert pia.get("/blockers").json()["count"] == 0
    assert pia.patch(f"/blockers/{blocker.pk}", {"state": "handling"}).status_code == 404
    assert (
        pia.post("/blockers", {"check_in": check_in.pk, "blockers": [{"text": "x"}]}).status_code
        == 422
    )
    assert as_person("sam").get(f"/blockers/{blocker.pk}").json()["text"] == "Secret blocker"
