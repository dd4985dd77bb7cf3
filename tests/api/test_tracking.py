"""Pace, forecasts, risk and abandoning over the API: the same numbers as the pure functions,
the filters, and the abandon operations with their errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lineofsight.goals import actions, tracking
from lineofsight.goals.models import KeyResult, Objective
from lineofsight.goals.scoring import grade

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 15, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def history(cast, cascade):
    for month, day, value in [(10, 6, 2), (10, 13, 3), (10, 20, 4), (11, 3, 5), (11, 10, 6)]:
        actions.record_check_in(
            acting_user=cast.ava,
            key_result=cascade.ava_opps,
            value=value,
            confidence="at_risk",
            at=at(month, day),
        )
    actions.record_check_in(
        acting_user=cast.ava,
        key_result=cascade.ava_legal,
        value=6,
        confidence="on_track",
        at=at(10, 14),
    )
    return cascade


def pure(kr) -> tracking.KeyResultTracking:
    fresh = KeyResult.objects.select_related("cycle", "objective").get(pk=kr.pk)
    return tracking.key_result_tracking([fresh])[kr.pk]


def test_key_results_carry_pace_and_forecast_equal_to_the_pure_functions(cast, history, as_person):
    body = as_person("pia").get(f"/key-results/{history.ava_opps.pk}").json()
    t = pure(history.ava_opps)
    assert t.forecast is not None
    assert body["pace"] == {
        "status": t.pace.status.value,
        "label": t.pace.label,
        "expected": t.pace.expected,
        "actual": t.pace.actual,
        "ratio": t.pace.ratio,
        "stale": t.pace.stale,
        "due_by": t.pace.due_by.isoformat() if t.pace.due_by else None,
        "cadence": "weekly",
        "explanation": t.pace.explanation,
    }
    assert body["pace"]["status"] == "off_track"  # 6 of 25: 0.48 of the expected 0.5
    assert body["confidence"] == "at_risk"  # kept beside the pace
    assert body["forecast"] == {
        "value": t.forecast.value,
        "low": t.forecast.low,
        "high": t.forecast.high,
        "progress": t.forecast.progress,
        "progress_low": t.forecast.progress_low,
        "progress_high": t.forecast.progress_high,
        "grade": grade(t.forecast.progress),
        "miss_risk": t.forecast.miss_risk.value,
        "likely_to_miss": t.forecast.likely_to_miss,
        "success": 0.7,
        "method": "linear",
        "explanation": t.forecast.explanation,
    }
    assert body["forecast"]["likely_to_miss"] is True
    stale = as_person("pia").get(f"/key-results/{history.ava_legal.pk}").json()
    assert stale["pace"]["status"] == "stale" and stale["pace"]["stale"] is True
    assert stale["confidence"] == "on_track"


def test_lists_and_objective_detail_carry_the_same_figures(cast, history, as_person):
    ava = as_person("ava")
    listed = ava.get("/key-results", objective=history.ava_obj.pk).json()["items"]
    by_id = {item["id"]: item for item in listed}
    single = ava.get(f"/key-results/{history.ava_opps.pk}").json()
    assert by_id[history.ava_opps.pk]["pace"] == single["pace"]
    assert by_id[history.ava_opps.pk]["forecast"] == single["forecast"]

    detail = ava.get(f"/objectives/{history.ava_obj.pk}").json()
    objective = Objective.objects.get(pk=history.ava_obj.pk)
    rollup = tracking.objective_tracking([objective])[objective.pk]
    assert rollup.forecast is not None
    assert detail["risk"] == {
        "total": rollup.risk.total,
        "counts": rollup.risk.counts,
        "worst": rollup.worst.value if rollup.worst else None,
        "attention": rollup.attention,
        "likely_to_miss": rollup.likely_to_miss,
    }
    assert detail["risk"]["worst"] == "off_track"
    assert detail["forecast"] == {
        "progress": rollup.forecast.progress,
        "progress_low": rollup.forecast.progress_low,
        "progress_high": rollup.forecast.progress_high,
        "grade": grade(rollup.forecast.progress),
        "miss_risk": rollup.forecast.miss_risk.value,
        "likely_to_miss": rollup.forecast.miss_risk.value == "likely",
        "success": 0.7,
        "explanation": rollup.forecast.explanation,
    }
    nested = {kr["id"]: kr for kr in detail["key_results"]}
    assert nested[history.ava_opps.pk]["pace"] == single["pace"]
    listed_objectives = ava.get("/objectives", owner_person=cast.ava.pk).json()["items"]
    assert next(o for o in listed_objectives if o["id"] == objective.pk)["risk"] == detail["risk"]
    children = ava.get(f"/objectives/{history.sales.pk}/children").json()
    child = next(c for c in children if c["objective"]["id"] == objective.pk)
    assert child["objective"]["forecast"] == detail["forecast"]


def test_filters_by_pace_status_and_likely_to_miss(cast, history, as_person):
    ava = as_person("ava")
    stale = ava.get("/key-results", owner=cast.ava.pk, pace_status="stale").json()
    assert {kr["id"] for kr in stale["items"]} == {history.ava_legal.pk, history.ava_closes.pk}
    assert stale["count"] == 2
    off = ava.get("/key-results", objective=history.ava_obj.pk, pace_status="off_track").json()
    assert [kr["id"] for kr in off["items"]] == [history.ava_opps.pk]
    missing = ava.get("/key-results", owner=cast.ava.pk, likely_to_miss="true").json()
    assert history.ava_opps.pk in {kr["id"] for kr in missing["items"]}
    assert all(kr["forecast"]["likely_to_miss"] for kr in missing["items"])
    others = ava.get("/key-results", owner=cast.ava.pk, likely_to_miss="false").json()
    assert not {kr["id"] for kr in others["items"]} & {kr["id"] for kr in missing["items"]}
    paged = ava.get("/key-results", owner=cast.ava.pk, pace_status="stale", limit=1, offset=1)
    assert paged.json()["count"] == 2 and len(paged.json()["items"]) == 1
    unbounded = ava.get("/key-results", pace_status="stale")
    assert unbounded.status_code == 422
    assert list(unbounded.json()["errors"]) == ["pace_status"]
    assert ava.get("/key-results", owner=cast.ava.pk, pace_status="green").status_code == 422
    # Otto sees none of Ava's private key results through the filter either.
    hidden = actions.create_objective(
        acting_user=cast.ava,
        title="Private",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
        at=at(10, 1),
    )
    actions.create_key_result(
        acting_user=cast.ava,
        objective=hidden,
        title="Hidden",
        kind="increase",
        start_value=0,
        target_value=3,
        owner=cast.ava,
        at=at(10, 1),
    )
    seen = as_person("otto").get("/key-results", owner=cast.ava.pk, pace_status="stale").json()
    assert seen["count"] == 2
    assert (
        as_person("ava").get("/key-results", owner=cast.ava.pk, pace_status="stale").json()["count"]
        == 3
    )


def test_abandoning_over_the_api(cast, history, as_person):
    ava = as_person("ava")
    refused = ava.post(f"/key-results/{history.ava_legal.pk}/abandon", {"reason": ""})
    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["reason"]
    missing = ava.post(f"/key-results/{history.ava_legal.pk}/abandon", {})
    assert missing.status_code == 422 and list(missing.json()["errors"]) == ["reason"]
    done = ava.post(f"/key-results/{history.ava_legal.pk}/abandon", {"reason": "Not ours"})
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["state"] == "abandoned" and body["pace"] is None and body["forecast"] is None
    revisions = ava.get(f"/key-results/{history.ava_legal.pk}/revisions").json()
    assert (revisions[-1]["state"], revisions[-1]["reason"]) == ("abandoned", "Not ours")
    again = ava.post(f"/key-results/{history.ava_legal.pk}/abandon", {"reason": "Twice"})
    assert again.status_code == 422 and "state" in again.json()["errors"]
    why = ava.get(f"/objectives/{history.ava_obj.pk}/explanation").json()
    term = next(
        t for t in why["terms"] if t["kind"] == "key_result" and t["id"] == history.ava_legal.pk
    )
    assert term["counted"] is False
    assert term["note"] == "abandoned on 2026-11-15: Not ours, not counted"
    check_in = ava.post(
        "/check-ins", {"key_result": history.ava_legal.pk, "value": 8, "confidence": "on_track"}
    )
    assert check_in.status_code == 422

    assert (
        as_person("pia")
        .post(f"/objectives/{history.ava_obj.pk}/abandon", {"reason": "Mine"})
        .status_code
        == 403
    )
    gone = as_person("sam").post(
        f"/objectives/{history.ava_obj.pk}/abandon", {"reason": "Moved to SMB"}
    )
    assert gone.status_code == 200
    assert gone.json()["state"] == "abandoned"
    assert gone.json()["risk"]["total"] == 0 and gone.json()["forecast"] is None
    assert all(kr["pace"] is None for kr in gone.json()["key_results"])
    parent = ava.get(f"/objectives/{history.sales.pk}/explanation").json()
    child = next(
        t for t in parent["terms"] if t["kind"] == "objective" and t["id"] == history.ava_obj.pk
    )
    assert child["note"] == "abandoned on 2026-11-15: Moved to SMB, not counted"
    extra = ava.post(f"/objectives/{history.ava_obj.pk}/abandon", {"reason": "x", "why": 1})
    assert extra.status_code == 422


def test_revising_with_check_ins_needs_a_reason_over_the_api(cast, history, as_person):
    ava = as_person("ava")
    refused = ava.patch(f"/objectives/{history.ava_obj.pk}", {"commitment": "committed"})
    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["reason"]
    accepted = ava.patch(
        f"/objectives/{history.ava_obj.pk}",
        {"commitment": "committed", "reason": "Quota is fixed"},
    )
    assert accepted.status_code == 200
    assert accepted.json()["forecast"]["success"] == 1.0
    refused = ava.patch(f"/key-results/{history.ava_opps.pk}", {"weight": 2})
    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["reason"]
    as_of = ava.get(f"/key-results/{history.ava_opps.pk}/explanation", as_of="2026-11-15").json()
    assert any(n.startswith("Definition then: revision 1 of") for n in as_of["notes"])


def test_a_key_result_added_or_carried_over_today_is_not_overdue(cast, cascade, as_person):
    """Due dates count from when a key result began: added in the seventh week of the
    quarter, its first check-in is due a week later, not "since 7 Oct"."""
    ava = as_person("ava")
    added = ava.post(
        "/key-results",
        {
            "objective": cascade.ava_obj.pk,
            "title": "Two case studies",
            "kind": "increase",
            "start_value": 0,
            "target_value": 2,
        },
    ).json()
    # A key result of the closed Q3, carried over into Q4 today.
    q3 = actions.create_objective(
        acting_user=cast.hana,
        title="Win back lapsed accounts",
        level="individual",
        cycle=cast.q3,
        owner_person=cast.ava,
        amendment_reason="Recording Q3 late",
        at=at(7, 1),
    )
    lapsed = actions.create_key_result(
        acting_user=cast.hana,
        objective=q3,
        title="Eight lapsed accounts back",
        kind="increase",
        start_value=0,
        target_value=8,
        owner=cast.ava,
        amendment_reason="Recording Q3 late",
        at=at(7, 1),
    )
    carried = actions.carry_over_key_result(acting_user=cast.ava, key_result=lapsed)
    assert carried.cycle == cast.q4
    for kr_id in (added["id"], carried.pk):
        body = ava.get(f"/key-results/{kr_id}").json()
        assert body["pace"]["due_by"] == "2026-11-21", body["pace"]
        assert body["pace"]["status"] != "stale" and body["pace"]["stale"] is False
        assert "since it began on 2026-11-15" in body["pace"]["explanation"]
    overdue = ava.get("/key-results", owner=cast.ava.pk, pace_status="stale").json()
    assert {added["id"], carried.pk}.isdisjoint({kr["id"] for kr in overdue["items"]})
