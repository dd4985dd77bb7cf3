"""Closing a cycle over the API: grades on objectives and key results, closing and
regrading, adjusted grades, retrospectives, carry-over and calibrated confidence."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lineofsight.goals import actions
from lineofsight.goals.models import Cycle, KeyResult, Objective, Retrospective
from lineofsight.people.selectors import forget_organisation_cache

from ..closing import ava_next_objective, close, fresh, next_quarter, record_quarter

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter(cast, cascade):
    record_quarter(cast, cascade)
    return cascade


@pytest.fixture
def closed(cast, quarter):
    close(cast, cast.q4)
    return quarter


def test_grades_are_part_of_objectives_and_key_results(cast, quarter, as_person):
    api = as_person("sam")
    body = api.get(f"/objectives/{quarter.ava_obj.pk}").json()
    assert (body["computed_grade"], body["adjusted_grade"], body["grade_reason"]) == (
        None,
        None,
        "",
    )
    close(cast, cast.q4)
    body = api.get(f"/objectives/{quarter.ava_obj.pk}").json()
    assert body["computed_grade"] == 0.84
    assert [kr["computed_grade"] for kr in body["key_results"]] == [0.88, 0.8, 0.83]
    listed = api.get("/key-results", objective=quarter.ava_obj.pk).json()["items"]
    assert [kr["computed_grade"] for kr in listed] == [0.88, 0.8, 0.83]
    rows = api.get("/objectives", cycle=cast.q4.pk).json()["items"]
    assert {r["title"]: r["computed_grade"] for r in rows}[quarter.sales.title] == 0.79


def test_hr_closes_a_cycle_and_gets_its_summary(cast, quarter, as_person):
    refused = as_person("sam").post(f"/cycles/{cast.q4.pk}/close")
    assert refused.status_code == 403
    assert fresh(cast.q4).state == "active"
    response = as_person("hana").post(f"/cycles/{cast.q4.pk}/close")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["cycle"]["state"] == "closed" and body["closed"] is True
    assert body["key_results_graded"] == 7
    assert body["summary"]["graded"] == 3
    assert body["summary"]["aspirational_successes"] == 2
    assert body["summary"]["lines"][0] == "Objectives graded: 3 (average grade 0.54)."
    again = as_person("hana").post(f"/cycles/{cast.q4.pk}/close")
    assert again.status_code == 422 and "state" in again.json()["errors"]


def test_cycle_grades_summarise_what_the_caller_can_see(cast, closed, as_person):
    private = actions.create_objective(
        acting_user=cast.hana,
        title="Private Q4 objective",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
        amendment_reason="Backfilled",
    )
    actions.regrade_cycle(acting_user=cast.hana, cycle=cast.q4)
    assert fresh(private).computed_grade == 0.0
    assert as_person("ava").get(f"/cycles/{cast.q4.pk}/grades").json()["summary"]["graded"] == 4
    assert as_person("pia").get(f"/cycles/{cast.q4.pk}/grades").json()["summary"]["graded"] == 3
    running = as_person("pia").get(f"/cycles/{cast.fy.pk}/grades").json()
    assert running["closed"] is False and running["summary"] is None


def test_an_owner_adjusts_grades_over_the_api(closed, as_person):
    api = as_person("ava")
    response = api.post(
        f"/objectives/{closed.ava_obj.pk}/grade",
        {"adjusted_grade": 0.9, "reason": "Brightwater signed two days late."},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["computed_grade"], body["adjusted_grade"]) == (0.84, 0.9)
    assert body["grade_reason"] == "Brightwater signed two days late."
    kr = api.post(
        f"/key-results/{closed.ava_closes.pk}/grade", {"adjusted_grade": 1, "reason": "Signed"}
    )
    assert kr.status_code == 200 and kr.json()["adjusted_grade"] == 1.0
    withdrawn = api.post(
        f"/key-results/{closed.ava_closes.pk}/grade", {"adjusted_grade": None, "reason": "No"}
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["adjusted_grade"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"adjusted_grade": 1.5, "reason": "x"}, "adjusted_grade"),
        ({"adjusted_grade": -0.5, "reason": "x"}, "adjusted_grade"),
        ({"adjusted_grade": "0.5", "reason": "x"}, "adjusted_grade"),
        ({"adjusted_grade": 0.5}, "reason"),
        ({"adjusted_grade": 0.5, "reason": ""}, "reason"),
        ({"reason": "x"}, "adjusted_grade"),
        ({"adjusted_grade": 0.5, "reason": "x", "extra": 1}, "extra"),
        ({"adjusted_grade": None, "reason": "nothing to withdraw"}, "adjusted_grade"),
    ],
)
def test_bad_grades_answer_422_naming_the_field(closed, as_person, body, field):
    response = as_person("ava").post(f"/objectives/{closed.ava_obj.pk}/grade", body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert fresh(closed.ava_obj).adjusted_grade is None


def test_grades_wait_for_the_close_and_peers_are_refused(cast, quarter, as_person):
    early = as_person("ava").post(
        f"/objectives/{quarter.ava_obj.pk}/grade", {"adjusted_grade": 0.5, "reason": "x"}
    )
    assert early.status_code == 422 and "__all__" in early.json()["errors"]
    close(cast, cast.q4)
    peer = as_person("pia").post(
        f"/objectives/{quarter.ava_obj.pk}/grade", {"adjusted_grade": 0.5, "reason": "x"}
    )
    assert peer.status_code == 403


def test_retrospectives_over_the_api(closed, as_person):
    url = f"/objectives/{closed.ava_obj.pk}/retrospective"
    empty = as_person("pia").get(url).json()
    assert empty == {"objective": closed.ava_obj.pk, "cycle_closed": True, "retrospective": None}
    body = {
        "what_happened": "22 of 25, 8 of 10, 5 of 6.",
        "in_control": "Outbound volume.",
        "learned": "Start security reviews in week one.",
        "decision": "change",
    }
    saved = as_person("ava").client.put(
        f"/api{url}", json.dumps(body), content_type="application/json"
    )
    assert saved.status_code == 200, saved.content
    retro = saved.json()["retrospective"]
    assert retro["decision"] == "change" and retro["author_name"] == "Ava Adams"
    assert as_person("pia").get(url).json()["retrospective"]["learned"] == body["learned"]
    bad = as_person("ava").client.put(
        f"/api{url}",
        json.dumps({**body, "decision": "maybe"}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "decision" in bad.json()["errors"]
    assert Retrospective.objects.get().decision == "change"


def test_carrying_a_key_result_over_the_api(cast, closed, as_person):
    nxt = next_quarter(cast)
    api = as_person("ava")
    response = api.post(f"/key-results/{closed.ava_legal.pk}/carry-over", {})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["carried_from"] == closed.ava_legal.pk
    assert (body["cycle"], body["start_value"], body["target_value"]) == (nxt.quarter.pk, 8, 10)
    copy = Objective.objects.get(pk=body["objective"])
    assert copy.cycle == nxt.quarter and copy.title == closed.ava_obj.title
    # Both key results know the link.
    links = api.get(f"/key-results/{closed.ava_legal.pk}/carry-over").json()
    assert links["carried_from"] is None
    assert links["carried_into"][0]["id"] == body["id"]
    assert links["carried_into"][0]["cycle_name"] == "Q1 2027"
    back = api.get(f"/key-results/{body['id']}/carry-over").json()
    assert back["carried_from"]["id"] == closed.ava_legal.pk
    assert back["carried_from"]["objective_title"] == closed.ava_obj.title
    # Into a chosen objective, with a new target.
    target = ava_next_objective(cast, nxt)
    chosen = api.post(
        f"/key-results/{closed.ava_opps.pk}/carry-over",
        {"objective": target.pk, "target_value": 30, "title": "30 qualified"},
    )
    assert chosen.status_code == 201
    assert (chosen.json()["objective"], chosen.json()["target_value"]) == (target.pk, 30)


def test_carry_over_refusals(cast, closed, as_person):
    nxt = next_quarter(cast)
    pia_objective = actions.create_objective(
        acting_user=cast.pia,
        title="Pia's private quarter",
        level="individual",
        cycle=nxt.quarter,
        owner_person=cast.pia,
        visibility="private",
    )
    before = KeyResult.objects.count()
    api = as_person("ava")
    hidden = api.post(
        f"/key-results/{closed.ava_legal.pk}/carry-over", {"objective": pia_objective.pk}
    )
    assert hidden.status_code == 422 and "objective" in hidden.json()["errors"]
    low = api.post(f"/key-results/{closed.ava_legal.pk}/carry-over", {"target_value": 5})
    assert low.status_code == 422 and "target_value" in low.json()["errors"]
    peer = as_person("pia").post(f"/key-results/{closed.ava_legal.pk}/carry-over", {})
    assert peer.status_code == 403
    assert KeyResult.objects.count() == before
    assert Objective.objects.filter(cycle=nxt.quarter).count() == 1  # no copy was kept


def test_hr_regrades_over_the_api(cast, closed, as_person):
    actions.record_check_in(
        acting_user=cast.hana,
        key_result=closed.ava_closes,
        value=6,
        confidence="on_track",
        amendment_reason="Signed on the last day",
    )
    assert as_person("ava").post(f"/cycles/{cast.q4.pk}/regrade").status_code == 403
    response = as_person("hana").post(f"/cycles/{cast.q4.pk}/regrade")
    assert response.status_code == 200
    assert response.json()["regraded"]["key_results_written"] == 1
    assert fresh(closed.ava_obj).computed_grade == 0.89
    running = as_person("hana").post(f"/cycles/{cast.fy.pk}/regrade")
    assert running.status_code == 422 and "state" in running.json()["errors"]


def test_calibration_is_for_the_person_their_managers_and_hr(cast, closed, as_person):
    url = f"/people/{cast.ava.pk}/confidence-calibration"
    for who in ("ava", "sam", "cora", "hana"):
        body = as_person(who).get(url).json()
        assert body["cycle"] == cast.q4.pk and body["person"] == cast.ava.pk
        # Aspirational: 0.88, 0.8 and 0.83 all succeeded.
        assert [kr["succeeded"] for kr in body["key_results"]] == [True, True, True]
        assert body["calls"] == 9
        assert body["mapping"] == {"on_track": 0.85, "at_risk": 0.5, "off_track": 0.15}
        assert body["brier"] == pytest.approx(
            ((0.15**2 * 2 + 0.5**2) + (0.15**2 + 0.5**2 * 2) + (0.15**2 * 2 + 0.85**2)) / 9
        )
        assert body["reading"] == "underconfident"
    for who in ("pia", "eli", "dev", "otto"):
        assert as_person(who).get(url).status_code == 404
    explicit = as_person("ava").get(url, cycle=cast.q3.pk).json()
    assert explicit["cycle"] == cast.q3.pk and explicit["reading"] == "no_calls"
    assert as_person("ava").get(url, cycle=cast.fy.pk).status_code == 422


def test_team_calibration_is_for_its_leads_and_hr(cast, closed, as_person):
    url = f"/teams/{cast.enterprise.pk}/confidence-calibration"
    for who in ("sam", "cora", "hana"):
        body = as_person(who).get(url).json()
        assert body["team"] == cast.enterprise.pk
        # Members of Enterprise Sales (Sam as lead, Ava, Pia): Ava's three, Sam's two.
        assert len(body["key_results"]) == 5
    for who in ("ava", "pia", "eli", "otto"):
        assert as_person(who).get(url).status_code == 404


def test_calibration_queries_do_not_grow_with_the_data(cast, closed, as_person):
    def more_key_results(cycle: Cycle, n: int) -> None:
        objective = actions.create_objective(
            acting_user=cast.ava,
            title=f"More in {cycle.name}",
            level="individual",
            cycle=cycle,
            owner_person=cast.ava,
        )
        for i in range(n):
            kr = actions.create_key_result(
                acting_user=cast.ava,
                objective=objective,
                title=f"KR {i}",
                kind="increase",
                start_value=0,
                target_value=10,
                owner=cast.ava,
            )
            for value in (2, 5, 9):
                actions.record_check_in(
                    acting_user=cast.ava, key_result=kr, value=value, confidence="at_risk"
                )

    nxt = next_quarter(cast)
    more_key_results(nxt.quarter, 6)
    close(cast, nxt.quarter)
    api = as_person("sam")
    urls = [
        f"/people/{cast.ava.pk}/confidence-calibration?cycle=%s",
        f"/teams/{cast.enterprise.pk}/confidence-calibration?cycle=%s",
        "/cycles/%s/grades",
    ]
    counts = {}
    api.get("/me")  # the token's first use is recorded once
    for cycle in (cast.q4, nxt.quarter):
        for url in urls:
            forget_organisation_cache()
            with CaptureQueriesContext(connection) as ctx:
                assert api.client.get("/api" + url % cycle.pk).status_code == 200
            counts[(url, cycle.pk)] = len(ctx.captured_queries)
    for url in urls:
        assert counts[(url, cast.q4.pk)] == counts[(url, nxt.quarter.pk)], url
        assert counts[(url, cast.q4.pk)] <= 8, url
