"""The review policy, templates and review cycles over the API."""

from __future__ import annotations

import csv
import io
import json

import pytest

from lineofsight.reviews.cycles.default_template import default_questions
from lineofsight.reviews.models import Review, ReviewCycle, ReviewPolicy, ReviewTemplate

from ..reviews import DEADLINES, build_review_cycle, default_template

pytestmark = pytest.mark.django_db


def put(api, path: str, data) -> object:
    return api.client.put(f"/api{path}", json.dumps(data), content_type="application/json")


# -- policy ------------------------------------------------------------------------------


def test_everyone_reads_the_policy_and_hr_publishes_with_a_reason(cast, as_person):
    body = as_person("otto").get("/review-policy").json()
    assert body["mode"] == "context" and body["published"] is False
    assert "context, not as a formula" in body["statement"]
    assert "never a formula of OKR attainment" in body["compensation"]
    assert body["history"] == []

    hana = as_person("hana")
    response = put(hana, "/review-policy", {"statement": "OKRs are context.", "reason": "Shorter"})
    assert response.status_code == 200
    body = response.json()
    assert body["published"] is True and body["statement"] == "OKRs are context."
    assert body["history"][0]["reason"] == "Shorter"
    assert body["history"][0]["author"] == cast.hana.pk


def test_publishing_the_policy_needs_hr_and_a_reason(cast, as_person):
    response = put(as_person("sam"), "/review-policy", {"statement": "Mine", "reason": "Mine"})
    assert response.status_code == 403
    response = put(as_person("hana"), "/review-policy", {"statement": "Context.", "reason": ""})
    assert response.status_code == 422 and "reason" in response.json()["errors"]
    response = put(as_person("hana"), "/review-policy", {"statement": "x", "reason": "y", "z": 1})
    assert response.status_code == 422 and "z" in response.json()["errors"]
    assert not ReviewPolicy.objects.exists()


# -- templates ---------------------------------------------------------------------------

TEMPLATE = {
    "name": "Engineering review",
    "rating_scale": [
        {"value": 1, "label": "Not yet"},
        {"value": 2, "label": "Solid"},
        {"value": 3, "label": "Strong"},
    ],
    "questions": [
        {"text": "What landed?", "section": "okrs"},
        {"text": "Reliability", "section": "baseline", "kind": "rating_text", "required": True},
        {"text": "What helped?", "for_self": False, "for_manager": False, "for_peer": True},
    ],
}


def test_hr_creates_reads_updates_duplicates_and_archives_templates(cast, as_person):
    hana = as_person("hana")
    created = hana.post("/review-templates", TEMPLATE)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert [q["text"] for q in body["questions"]] == ["What landed?", "Reliability", "What helped?"]
    assert body["rating_scale"][0] == {"value": 1, "label": "Not yet", "description": ""}
    pk = body["id"]
    assert hana.get(f"/review-templates/{pk}").json()["name"] == "Engineering review"

    changed = {**TEMPLATE, "questions": TEMPLATE["questions"][:2][::-1], "name": "Eng"}
    response = put(hana, f"/review-templates/{pk}", changed)
    assert response.status_code == 200
    assert [q["text"] for q in response.json()["questions"]] == ["Reliability", "What landed?"]

    copy = hana.post(f"/review-templates/{pk}/duplicate", {})
    assert copy.status_code == 201 and copy.json()["name"] == "Copy of Eng"
    archived = hana.post(f"/review-templates/{pk}/archive", {"archived": True})
    assert archived.json()["archived"] is True
    listing = hana.get("/review-templates").json()
    assert [(t["name"], t["archived"]) for t in listing] == [
        ("Copy of Eng", False),
        ("Eng", True),
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        (
            {"rating_scale": [{"value": 1, "label": "A"}, {"value": 3, "label": "C"}]},
            "rating_scale",
        ),
        (
            {"rating_scale": [{"value": 1, "label": "A"}, {"value": 2, "label": "a"}]},
            "rating_scale.1",
        ),
        (
            {
                "questions": [
                    {"text": "Peers", "for_self": False, "for_manager": False, "for_peer": True}
                ]
            },
            "questions",
        ),
        ({"questions": [{"text": ""}]}, "questions.0.text"),
        ({"questions": [{"text": "A", "section": "vibes"}]}, "questions.0.section"),
        ({"rate_potential": True, "potential_scale": []}, "potential_scale"),
        ({"rate_potential": "yes"}, "rate_potential"),
    ],
)
def test_bad_templates_name_the_field(cast, as_person, change, field):
    response = as_person("hana").post("/review-templates", {**TEMPLATE, **change})
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()
    assert not ReviewTemplate.objects.exists()


def test_templates_are_hrs(cast, as_person):
    template = default_template()
    sam = as_person("sam")
    assert sam.get("/review-templates").status_code == 403
    assert sam.post("/review-templates", TEMPLATE).status_code == 403
    assert sam.get(f"/review-templates/{template.pk}").status_code == 404
    assert put(sam, f"/review-templates/{template.pk}", TEMPLATE).status_code == 404
    assert ReviewTemplate.objects.count() == 1


# -- review cycles -----------------------------------------------------------------------


def _cycle_body(cast, **overrides):
    body = {
        "name": "Q3 2026 reviews",
        "goal_cycle": cast.q3.pk,
        "next_goal_cycle": cast.q4.pk,
        "template": default_template().pk,
        "population": "teams",
        "population_teams": [cast.sales.pk],
        **{k: v.isoformat() for k, v in DEADLINES.items()},
    }
    body.update(overrides)
    return body


def test_hr_creates_launches_and_closes_a_cycle(cast, as_person):
    hana = as_person("hana")
    created = hana.post("/review-cycles", _cycle_body(cast))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["state"] == "draft" and body["progress"] is None
    assert body["population_teams"] == [cast.sales.pk]
    assert body["question_count"] == len(default_questions())
    assert body["rating_scale"][2]["label"] == "Meets"
    pk = body["id"]
    launched = hana.post(f"/review-cycles/{pk}/launch")
    assert launched.status_code == 200
    assert launched.json()["state"] == "open"
    assert launched.json()["progress"]["reviews"] == 3
    again = hana.post(f"/review-cycles/{pk}/launch")
    assert again.status_code == 422 and "state" in again.json()["errors"]
    closed = hana.post(f"/review-cycles/{pk}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"goal_cycle": 999_999}, "goal_cycle"),
        ({"template": 999_999}, "template"),
        ({"population_teams": [999_999]}, "population_teams"),
        ({"population": "people", "population_people": [999_999]}, "population_people"),
        ({"population": "people", "population_people": []}, "population_people"),
        ({"self_review_due": "2026-01-01"}, "self_review_due"),
        ({"sharing_due": "2026-10-01"}, "sharing_due"),
        ({"sharing_due": "soon"}, "sharing_due"),
        ({"policy_mode": "formula"}, "formula_weights"),
        ({"policy_mode": "formula", "formula_weights": {"manager": -1}}, "formula_weights.manager"),
        ({"policy_mode": "formula", "formula_weights": {"luck": 1}}, "formula_weights.luck"),
        ({"kind": "monthly"}, "kind"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_cycles_name_the_field_and_create_nothing(cast, as_person, change, field):
    response = as_person("hana").post("/review-cycles", _cycle_body(cast, **change))
    assert response.status_code == 422
    assert any(key == field or key.startswith(field) for key in response.json()["errors"]), (
        response.json()
    )
    assert not ReviewCycle.objects.exists()


def test_cycles_list_and_detail_follow_the_policy(cast, as_person):
    setup = build_review_cycle(cast, population="teams", population_teams=[cast.sales])
    draft = build_review_cycle(cast, name="Draft", launch=False)
    hana = as_person("hana").get("/review-cycles").json()
    assert {c["name"] for c in hana["items"]} == {"Q3 2026 reviews", "Draft"}
    ava = as_person("ava").get("/review-cycles").json()
    assert [c["name"] for c in ava["items"]] == ["Q3 2026 reviews"]
    assert as_person("otto").get("/review-cycles").json()["count"] == 0
    otto = as_person("otto")
    detail = otto.get(f"/review-cycles/{setup.cycle.pk}").json()
    assert detail["progress"]["reviews"] == 0  # none of these reviews is his to see
    assert otto.get(f"/review-cycles/{draft.cycle.pk}").status_code == 404
    sam = as_person("sam").get(f"/review-cycles/{setup.cycle.pk}").json()
    assert sam["progress"]["reviews"] == 2 and sam["phase"]["key"] in {
        "self_review",
        "peer_feedback",
        "manager_review",
        "calibration",
        "sharing",
        "wrap_up",
    }


def test_only_hr_writes_cycles(cast, as_person):
    setup = build_review_cycle(cast)
    draft = build_review_cycle(cast, name="Draft", launch=False)
    sam = as_person("sam")
    assert sam.post("/review-cycles", _cycle_body(cast, name="Mine")).status_code == 403
    assert sam.post(f"/review-cycles/{draft.cycle.pk}/launch").status_code == 404
    assert sam.post(f"/review-cycles/{setup.cycle.pk}/close").status_code == 403
    assert sam.get(f"/review-cycles/{setup.cycle.pk}/ratings.csv").status_code == 403
    assert ReviewCycle.objects.count() == 2
    assert ReviewCycle.objects.get(pk=draft.cycle.pk).state == "draft"


def test_the_ratings_csv(cast, as_person):
    setup = build_review_cycle(cast)
    Review.objects.filter(pk=setup["dev"].pk).update(rating=3)
    response = as_person("hana").get(f"/review-cycles/{setup.cycle.pk}/ratings.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 8
    dev = next(r for r in rows if r["username"] == "dev")
    assert (dev["rating"], dev["rating_label"], dev["manager"]) == ("3", "Meets", "Eli Evans")
