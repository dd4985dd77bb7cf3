"""Writing OKRs together over the API: one POST with nested key results, drafts shared,
proposed, sent back and approved, copies to the next cycle, and the template library."""

from __future__ import annotations

import datetime as dt

import pytest

from lineofsight.goals import actions
from lineofsight.goals.models import Objective
from lineofsight.people import actions as people_actions

pytestmark = pytest.mark.django_db


def payload(cast, **extra):
    return {
        "title": "Open the healthcare market",
        "level": "individual",
        "cycle": cast.q4.pk,
        "owner_person": cast.ava.pk,
        "state": "draft",
        "key_results": [
            {"title": "Signed pilots", "start_value": 0, "target_value": 3, "unit": "pilots"},
            {"title": "Discovery calls", "start_value": 0, "target_value": 20},
        ],
        **extra,
    }


def test_one_post_creates_the_objective_with_its_key_results(cast, as_person):
    made = as_person("ava").post("/objectives", payload(cast))
    assert made.status_code == 201, made.content
    body = made.json()
    assert [kr["title"] for kr in body["key_results"]] == ["Signed pilots", "Discovery calls"]
    assert body["state"] == "draft" and body["draft_sharing"] == "nobody"


def test_a_bad_row_is_named_and_nothing_is_saved(cast, as_person):
    bad = payload(cast)
    bad["key_results"][1].pop("target_value")
    response = as_person("ava").post("/objectives", bad)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["key_results.1.target_value"][0].startswith("Key result 2: target:")
    assert not Objective.objects.filter(title="Open the healthcare market").exists()


def test_draft_is_hidden_until_shared_then_proposed_and_approved(cast, as_person):
    people_actions.set_okr_approval(acting_user=cast.hana, on=True)
    ava = as_person("ava")
    pk = ava.post("/objectives", payload(cast)).json()["id"]
    dev = as_person("dev")
    assert dev.get(f"/objectives/{pk}").status_code == 404
    titles = [o["title"] for o in dev.get("/objectives", limit=500).json()["items"]]
    assert "Open the healthcare market" not in titles
    shared = ava.post(f"/objectives/{pk}/share", {"sharing": "people", "people": [cast.dev.pk]})
    assert shared.status_code == 200 and shared.json()["draft_sharing"] == "people"
    assert dev.get(f"/objectives/{pk}").status_code == 200
    assert ava.post(f"/objectives/{pk}/activate").status_code == 422
    assert ava.post(f"/objectives/{pk}/propose", {}).json()["approval_state"] == "proposed"
    sam = as_person("sam")
    assert sam.post(f"/objectives/{pk}/request-changes", {"comment": ""}).status_code == 422
    back = sam.post(f"/objectives/{pk}/request-changes", {"comment": "Name the accounts."})
    assert back.json()["approval_state"] == "changes"
    ava.post(f"/objectives/{pk}/propose", {})
    assert as_person("pia").post(f"/objectives/{pk}/approve", {}).status_code == 404
    approved = sam.post(f"/objectives/{pk}/approve", {})
    assert approved.json()["state"] == "active"


def test_copy_to_the_next_cycle(cast, as_person):
    fy = actions.create_cycle(
        acting_user=None,
        name="FY 2027",
        kind="annual",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 12, 31),
    )
    q1 = actions.create_cycle(
        acting_user=None,
        name="Q1 2027",
        kind="quarter",
        parent=fy,
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )
    ava = as_person("ava")
    pk = ava.post("/objectives", payload(cast, state="active")).json()["id"]
    copy = ava.post(f"/objectives/{pk}/copy", {"cycle": q1.pk})
    assert copy.status_code == 201
    assert (copy.json()["cycle"], copy.json()["copied_from"]) == (q1.pk, pk)
    again = ava.post(f"/objectives/{pk}/copy", {"cycle": q1.pk})
    assert again.status_code == 422 and "cycle" in again.json()["errors"]
    assert as_person("pia").post(f"/objectives/{pk}/copy", {"cycle": q1.pk}).status_code == 403


def test_template_library(cast, as_person):
    found = as_person("pia").get("/okr-templates", q="runway").json()
    assert [t["id"] for t in found] == ["finance-cash"]
    assert found[0]["key_results"][0]["title"] == "Days sales outstanding"
    sales = as_person("pia").get("/okr-templates", function="sales").json()
    assert len(sales) >= 4 and {t["function"] for t in sales} == {"sales"}
