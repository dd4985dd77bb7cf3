"""Calibration over the API: sessions, the board, moves, explanations, states and rules."""

from __future__ import annotations

import json

import pytest

from lineofsight.reviews.calibration import rules
from lineofsight.reviews.models import CalibrationSession, RatingChange

from ..calibration import build_calibration
from ..reviews import build_review_cycle

pytestmark = pytest.mark.django_db


def test_hr_creates_a_session_and_bad_references_name_the_field(cast, as_person):
    setup = build_review_cycle(cast)
    hana = as_person("hana")
    body = {
        "review_cycle": setup.cycle.pk,
        "name": "Sales calibration",
        "facilitator": cast.sam.pk,
        "participants": [cast.eli.pk],
        "population_teams": [cast.sales.pk],
    }
    bad = hana.post("/calibration-sessions", {**body, "population_teams": [999999]})
    assert bad.status_code == 422
    assert bad.json()["errors"] == {
        "population_teams.0": ["No team with id 999999 that you can see."]
    }
    made = hana.post("/calibration-sessions", body)
    assert made.status_code == 201, made.json()
    data = made.json()
    assert data["state"] == "draft" and data["size"] == 3
    assert [p["name"] for p in data["people"]] == ["Ava Adams", "Pia Park", "Sam Sato"]
    assert data["distribution"]["hidden"] is True and data["distribution"]["mean"] is None
    again = hana.post("/calibration-sessions", body)
    assert again.status_code == 422 and "name" in again.json()["errors"]
    assert as_person("sam").post("/calibration-sessions", body).status_code == 403
    assert CalibrationSession.objects.count() == 1


def test_the_board_shows_flags_and_hides_the_callers_own_review(cast, as_person):
    c = build_calibration(cast)
    board = as_person("sam").get(f"/calibration-sessions/{c.session.pk}").json()
    assert [p["name"] for p in board["people"]] == ["Ava Adams", "Pia Park"]
    ava = board["people"][0]
    assert ava["flags"] == [
        {
            "rule": "high_rating_low_attainment",
            "title": "High rating, low OKR attainment",
            "reason": "Rated 4 (Exceeds), in the top 2 levels of the scale, with OKR attainment "
            "30 % (below 40 %).",
            "requires_explanation": True,
            "explanation": None,
        }
    ]
    assert ava["formula"] is None
    assert board["missing_explanations"] == [c.review("ava").pk]
    assert board["nine_box"]["cells"][0][0] == [{"review": c.review("ava").pk, "name": "Ava Adams"}]
    assert all(d["hidden"] for d in board["by_manager"])
    for who in ("cora", "otto", "ava"):
        assert as_person(who).get(f"/calibration-sessions/{c.session.pk}").status_code == 404
    listed = as_person("eli").get("/calibration-sessions").json()
    assert [s["id"] for s in listed["items"]] == [c.session.pk] and listed["items"][0]["size"] == 3
    assert as_person("otto").get("/calibration-sessions").json()["count"] == 0


def test_moves_explanations_and_completion(cast, as_person):
    c = build_calibration(cast)
    sam = as_person("sam")
    path = f"/calibration-sessions/{c.session.pk}"
    refused = sam.post(f"{path}/moves", {"review": c.review("pia").pk, "value": 4, "reason": ""})
    assert refused.status_code == 422 and "reason" in refused.json()["errors"]
    own = sam.post(f"{path}/moves", {"review": c.review("sam").pk, "value": 4, "reason": "x"})
    assert own.status_code == 422
    assert own.json()["errors"] == {
        "review": [f"No review with id {c.review('sam').pk} that you can see."]
    }
    participant = as_person("eli").post(
        f"{path}/moves", {"review": c.review("pia").pk, "value": 4, "reason": "x"}
    )
    assert participant.status_code == 403
    moved = sam.post(
        f"{path}/moves", {"review": c.review("pia").pk, "value": 4, "reason": "Renewals."}
    )
    assert moved.status_code == 201
    assert {k: moved.json()[k] for k in ("field", "old_value", "new_value", "author_name")} == {
        "field": "rating",
        "old_value": 3,
        "new_value": 4,
        "author_name": "Sam Sato",
    }
    assert RatingChange.objects.count() == 1 and c.review("pia").rating == 4
    log = as_person("eli").get(f"{path}/changes").json()
    assert log["count"] == 1 and log["items"][0]["reason"] == "Renewals."
    hana = as_person("hana")
    blocked = hana.post(f"{path}/state", {"state": "complete"})
    assert blocked.status_code == 422
    assert "Ava Adams" in blocked.json()["errors"]["state"][0]
    wrong = sam.post(
        f"{path}/explanations",
        {"review": c.review("pia").pk, "rule": "high_rating_low_attainment", "text": "x"},
    )
    assert wrong.status_code == 422 and "rule" in wrong.json()["errors"]
    explained = sam.post(
        f"{path}/explanations",
        {
            "review": c.review("ava").pk,
            "rule": "high_rating_low_attainment",
            "text": "Regional deals.",
        },
    )
    assert explained.status_code == 201
    done = hana.post(f"{path}/state", {"state": "complete"})
    assert done.status_code == 200 and done.json()["state"] == "complete"
    late = sam.post(f"{path}/moves", {"review": c.review("pia").pk, "value": 3, "reason": "x"})
    assert late.status_code == 422 and "live" in late.json()["errors"]["state"][0]


def test_completing_tells_a_facilitator_nothing_about_their_own_review(cast, as_person):
    # Sam facilitates and is in the population; his own rating is flagged.
    c = build_calibration(cast, ratings={"sam": (5, 0.1), "ava": (3, 0.6), "pia": (3, 0.55)})
    path = f"/calibration-sessions/{c.session.pk}"
    refused = as_person("sam").post(f"{path}/state", {"state": "complete"})
    assert refused.status_code == 422
    said = json.dumps(refused.json())
    assert "Sam Sato" not in said and "high rating" not in said and "flag" in said
    assert "Your own review is in Sales calibration" in said
    board = as_person("sam").get(path).json()
    assert "high_rating_low_attainment" not in json.dumps(board)
    assert c.review("sam").pk not in {row["review"] for row in board["people"]}
    # HR, completing, is told about Sam's flag.
    hr = as_person("hana").post(f"{path}/state", {"state": "complete"})
    assert "Sam Sato (high rating, low okr attainment)" in hr.json()["errors"]["state"][0]


def test_hr_changes_a_draft_session(cast, as_person):
    c = build_calibration(cast, live=False)
    body = {
        "name": "Everyone",
        "facilitator": cast.hana.pk,
        "population_teams": [cast.acme.pk],
        "grid": "performance_potential",
    }
    assert as_person("sam").patch(f"/calibration-sessions/{c.session.pk}", body).status_code == 403
    changed = as_person("hana").patch(f"/calibration-sessions/{c.session.pk}", body)
    assert changed.status_code == 200
    assert changed.json()["size"] == 8 and changed.json()["nine_box"]["kind"] == (
        "performance_potential"
    )


def test_hr_reads_and_edits_the_rules(cast, as_person):
    hana = as_person("hana")
    listed = hana.get("/calibration-rules").json()
    assert [r["code"] for r in listed] == list(rules.CODES)
    assert listed[0]["params"] == {"top_levels": 2, "max_attainment": 0.4}
    bad = hana.put(
        "/calibration-rules/big_move",
        {"enabled": True, "requires_explanation": False, "params": {"levels": 0}},
    )
    assert bad.status_code == 422 and "params.levels" in bad.json()["errors"]
    good = hana.put(
        "/calibration-rules/big_move",
        {"enabled": False, "requires_explanation": False, "params": {"levels": 3}},
    )
    assert good.status_code == 200 and good.json()["enabled"] is False
    assert good.json()["params"] == {"levels": 3}
    assert (
        hana.put(
            "/calibration-rules/nope", {"enabled": True, "requires_explanation": True}
        ).status_code
        == 404
    )
    assert as_person("sam").get("/calibration-rules").status_code == 403
