"""goals.tracking on the database: the pure pace and forecast rules fed from the stored
key results, check-ins, cadences and thresholds, with a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lineofsight.goals import actions, tracking
from lineofsight.goals import forecast as fc
from lineofsight.goals import pace as pc
from lineofsight.goals.models import KeyResult
from lineofsight.people.cadence import Cadence
from lineofsight.people.models import Organisation, Team
from lineofsight.people.selectors import forget_organisation_cache

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 15)  # day 46 of Q4's 92: half the quarter expected
UTC = dt.UTC


def at(day: int, month: int = 10, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=UTC)


def check_in(cast, kr, value, when, confidence="on_track", who=None):
    return actions.record_check_in(
        acting_user=who or cast.ava, key_result=kr, value=value, confidence=confidence, at=when
    )


def fresh(kr):
    return KeyResult.objects.select_related("cycle", "objective").get(pk=kr.pk)


@pytest.fixture
def cascade(cast):
    return build_cascade(cast)


def test_pace_and_forecast_are_the_pure_functions_on_the_stored_data(cast, cascade):
    kr = cascade.ava_opps  # 0 -> 25, aspirational objective
    for day, value in [(6, 3), (13, 5), (20, 8), (27, 9)]:
        check_in(cast, kr, value, at(day))
    check_in(cast, kr, 11, at(10, 11))
    result = tracking.key_result_tracking([fresh(kr)], today=TODAY)[kr.pk]
    stored = fresh(kr)
    assert stored.progress == pytest.approx(11 / 25)
    expected_pace = pc.key_result_pace(
        kind="increase",
        progress=stored.progress,
        cycle_start=cast.q4.start_date,
        cycle_end=cast.q4.end_date,
        today=TODAY,
        last_check_in=dt.date(2026, 11, 10),
        cadence=Cadence.WEEKLY,
        thresholds=pc.PaceThresholds(0.7, 0.5),
    )
    assert result.pace == expected_pace
    assert result.status == pc.PaceStatus.ON_TRACK  # 0.44 of an expected 0.5
    expected_forecast = fc.forecast_key_result(
        spec=stored.spec(),
        points=[
            fc.Point(dt.date(2026, 10, d), v) for d, v in [(6, 3), (13, 5), (20, 8), (27, 9)]
        ]
        + [fc.Point(dt.date(2026, 11, 10), 11)],
        cycle_start=cast.q4.start_date,
        cycle_end=cast.q4.end_date,
        today=TODAY,
        current_progress=stored.progress,
        success=0.7,
    )
    assert result.forecast == expected_forecast
    assert result.forecast.method == "linear"
    assert result.success == 0.7
    assert result.confidence == "on_track"
    assert result.cadence is Cadence.WEEKLY


def test_an_overdue_check_in_is_stale_never_green(cast, cascade):
    kr = cascade.ava_opps
    check_in(cast, kr, 25, at(20))  # at target, but four weeks ago
    result = tracking.key_result_tracking([fresh(kr)], today=TODAY)[kr.pk]
    assert result.status == pc.PaceStatus.STALE
    assert result.pace.stale
    assert "overdue" in result.pace.explanation
    assert result.needs_attention


def test_check_in_days_are_read_in_the_organisations_time_zone(cast, cascade):
    Organisation.objects.filter(pk=1).update(time_zone="Pacific/Auckland")
    forget_organisation_cache()
    kr = cascade.ava_opps
    # 12:30 UTC on 7 November is already 8 November in Auckland: seven days before TODAY,
    # so the weekly check-in is not yet overdue there (it would be, read in UTC).
    check_in(cast, kr, 12, dt.datetime(2026, 11, 7, 12, 30, tzinfo=UTC))
    result = tracking.key_result_tracking([fresh(kr)], today=TODAY)[kr.pk]
    assert result.pace.due_by == dt.date(2026, 11, 15)
    assert result.status != pc.PaceStatus.STALE


def test_today_defaults_to_the_date_in_the_organisations_time_zone(cast):
    Organisation.objects.filter(pk=1).update(time_zone="Pacific/Kiritimati")  # UTC+14
    forget_organisation_cache()
    ctx = tracking.tracking_context()
    from django.utils import timezone

    assert ctx.today == (timezone.now() + dt.timedelta(hours=14)).date()


def test_the_organisations_thresholds_apply(cast, cascade):
    kr = cascade.ava_opps
    check_in(cast, kr, 8, at(14, 11))  # 0.32 of an expected 0.5: ratio 0.64
    assert tracking.key_result_tracking([fresh(kr)], today=TODAY)[kr.pk].status == "at_risk"
    Organisation.objects.filter(pk=1).update(pace_on_track=0.6, pace_off_track=0.4)
    forget_organisation_cache()
    assert tracking.key_result_tracking([fresh(kr)], today=TODAY)[kr.pk].status == "on_track"
    Organisation.objects.filter(pk=1).update(pace_on_track=0.9, pace_off_track=0.8)
    forget_organisation_cache()
    assert tracking.key_result_tracking([fresh(kr)], today=TODAY)[kr.pk].status == "off_track"


def test_a_team_cadence_overrides_the_cycles_and_the_most_frequent_wins(cast, cascade):
    kr = cascade.ava_opps
    check_in(cast, kr, 10, at(31))  # 15 days before TODAY
    Team.objects.filter(pk=cast.enterprise.pk).update(check_in_cadence="monthly")
    result = tracking.key_result_tracking([fresh(kr)], today=TODAY)[kr.pk]
    assert result.cadence is Cadence.MONTHLY
    assert result.status != pc.PaceStatus.STALE
    assert result.pace.due_by == dt.date(2026, 11, 30)
    # Ava also joins a team that checks in every two weeks: that is more frequent.
    from lineofsight.people import actions as people_actions

    squad = people_actions.create_team(acting_user=None, name="Deal desk", parent=cast.sales)
    Team.objects.filter(pk=squad.pk).update(check_in_cadence="biweekly")
    people_actions.add_member(acting_user=None, team=squad, person=cast.ava)
    result = tracking.key_result_tracking([fresh(kr)], today=TODAY)[kr.pk]
    assert result.cadence is Cadence.BIWEEKLY
    assert result.status == pc.PaceStatus.STALE  # due by 14 November: overdue
    assert tracking.cadence_overrides([cast.ava.pk, cast.dev.pk]) == {
        cast.ava.pk: Cadence.BIWEEKLY
    }


def test_the_cycles_cadence_applies_without_an_override(cast, cascade):
    from lineofsight.goals.models import Cycle

    Cycle.objects.filter(pk=cast.q4.pk).update(check_in_cadence="biweekly")
    kr = cascade.ava_opps
    check_in(cast, kr, 10, at(5, 11))
    result = tracking.key_result_tracking([fresh(kr)], today=TODAY)[kr.pk]
    assert result.cadence is Cadence.BIWEEKLY
    assert result.pace.due_by == dt.date(2026, 11, 19)


def test_most_frequent_cadence():
    assert tracking.most_frequent([]) is None
    assert tracking.most_frequent(["monthly", "", "weekly", "biweekly"]) is Cadence.WEEKLY
    assert tracking.effective_cadence("monthly", None) is Cadence.MONTHLY
    assert tracking.effective_cadence("monthly", Cadence.BIWEEKLY) is Cadence.BIWEEKLY


def test_success_follows_the_objectives_commitment(cast, cascade):
    kr = cascade.logos  # of the committed company objective
    check_in(cast, kr, 10, at(12, 11), who=cast.sam)
    result = tracking.key_result_tracking([fresh(kr)], today=TODAY)[kr.pk]
    assert result.success == 1.0
    assert result.forecast is not None and result.forecast.success == 1.0


def test_abandoned_key_results_and_objectives_are_not_tracked(cast, cascade):
    actions.update_key_result(
        acting_user=cast.ava, key_result=cascade.ava_legal, state="abandoned", reason="Moved"
    )
    ids = [cascade.ava_opps.pk, cascade.ava_legal.pk, cascade.ava_closes.pk]
    krs = KeyResult.objects.filter(pk__in=ids)
    assert set(tracking.key_result_tracking(krs, today=TODAY)) == {
        cascade.ava_opps.pk,
        cascade.ava_closes.pk,
    }
    actions.update_objective(
        acting_user=cast.ava, objective=cascade.ava_obj, state="abandoned", reason="Re-planned"
    )
    assert tracking.key_result_tracking(KeyResult.objects.filter(pk__in=ids), today=TODAY) == {}
    objective = type(cascade.ava_obj).objects.get(pk=cascade.ava_obj.pk)
    summary = tracking.objective_tracking([objective], today=TODAY)[objective.pk]
    assert summary.risk.total == 0
    assert summary.forecast is None
    assert "Abandoned" in summary.note


def test_key_results_rolled_up_from_aligned_objectives_are_never_stale(cast, cascade):
    kr = cascade.verticals
    result = tracking.key_result_tracking([fresh(kr)], today=TODAY)[kr.pk]
    assert result.aligned
    assert result.status != pc.PaceStatus.STALE
    assert result.pace.due_by is None
    assert "aligned" in result.pace.explanation
    assert result.forecast is not None
    assert result.forecast.method == "aligned"
    assert result.forecast.miss_risk is fc.MissRisk.UNKNOWN


def test_milestones_take_the_done_flag(cast, cascade):
    milestone = KeyResult.objects.get(objective=cascade.platform)
    actions.record_check_in(
        acting_user=cast.dev, key_result=milestone, done=True, confidence="on_track", at=at(12, 11)
    )
    result = tracking.key_result_tracking([fresh(milestone)], today=TODAY)[milestone.pk]
    assert result.status == pc.PaceStatus.ON_TRACK
    assert result.forecast is not None and result.forecast.progress == 1.0


def test_objective_roll_up_is_summarise_and_combine(cast, cascade):
    check_in(cast, cascade.ava_opps, 12, at(12, 11))  # 0.48 of 0.5: on track
    check_in(cast, cascade.ava_legal, 1, at(12, 11))  # 0.1: off track
    check_in(cast, cascade.ava_closes, 2, at(20))  # stale
    check_in(cast, cascade.ava_closes, 2, at(1, 11))  # still stale on the 15th
    actions.update_key_result(
        acting_user=cast.ava, key_result=cascade.ava_opps, weight=2, reason="Matters most"
    )
    result = tracking.objective_tracking([cascade.ava_obj], today=TODAY)[cascade.ava_obj.pk]
    per_kr = tracking.key_result_tracking(
        KeyResult.objects.filter(objective=cascade.ava_obj), today=TODAY
    )
    assert result.risk == pc.summarise(t.status for t in per_kr.values())
    assert result.worst == pc.PaceStatus.OFF_TRACK
    assert result.attention == 2
    assert result.forecast == fc.combine(
        [(t.weight, t.forecast) for t in per_kr.values() if t.forecast is not None], success=0.7
    )
    assert result.likely_to_miss == sum(1 for t in per_kr.values() if t.likely_to_miss)
    assert not result.committed


def test_a_rolling_objective_counts_its_latest_quarter_only(cast, cascade):
    company = cascade.company  # FY 2026, key results set for Q4
    q3_kr = actions.create_key_result(
        acting_user=cast.hana,
        objective=company,
        title="Q3 logos",
        kind="increase",
        start_value=0,
        target_value=10,
        owner=cast.sam,
        cycle=cast.q3,
        amendment_reason="Back-filled",
    )
    result = tracking.objective_tracking([company], today=TODAY)[company.pk]
    counted = {t.key_result_id for t in result.key_results}
    assert q3_kr.pk not in counted
    assert counted == {cascade.logos.pk, cascade.verticals.pk}
    assert result.success == 1.0


def test_objectives_in_children_mode_are_not_projected_from_their_key_results(cast, cascade):
    actions.update_objective(
        acting_user=cast.sam, objective=cascade.sales, progress_mode="children"
    )
    sales = type(cascade.sales).objects.get(pk=cascade.sales.pk)
    result = tracking.objective_tracking([sales], today=TODAY)[sales.pk]
    assert result.forecast is not None
    assert result.forecast.miss_risk is fc.MissRisk.UNKNOWN
    assert "aligned to it" in result.note
    assert result.risk.total == 1  # its own key result is still shown with its pace


def test_team_risk_covers_the_team_and_its_members_as_the_viewer_may_see(cast, cascade):
    private = actions.create_objective(
        acting_user=cast.ava,
        title="Private plan",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.ava,
        visibility="private",
    )
    secret = actions.create_key_result(
        acting_user=cast.ava,
        objective=private,
        title="Secret",
        kind="increase",
        start_value=0,
        target_value=4,
        owner=cast.ava,
    )
    mine = tracking.team_risk(cast.enterprise, cast.q4, cast.ava, today=TODAY)
    ids = {t.key_result_id for t in mine.key_results}
    assert {cascade.ava_opps.pk, cascade.ava_legal.pk, cascade.ava_closes.pk, secret.pk} <= ids
    outsider = tracking.team_risk(cast.enterprise, cast.q4, cast.otto, today=TODAY)
    assert secret.pk not in {t.key_result_id for t in outsider.key_results}
    assert outsider.risk.total == mine.risk.total - 1
    # Worst first.
    severities = [t.status.severity for t in mine.key_results]
    assert severities == sorted(severities, reverse=True)
    # Sales (the department) holds the Sales objective; with its sub-teams, Ava's too.
    sales = tracking.team_risk(cast.sales, cast.q4, cast.sam, today=TODAY)
    assert {t.key_result_id for t in sales.key_results} == {cascade.sales_opps.pk}
    wide = tracking.team_risk(cast.sales, cast.q4, cast.sam, today=TODAY, include_sub_teams=True)
    assert {cascade.sales_opps.pk, cascade.ava_opps.pk} <= {
        t.key_result_id for t in wide.key_results
    }
    assert wide.forecast is not None
    assert wide.forecast == fc.combine(
        [(t.weight, t.forecast) for t in wide.key_results if t.forecast is not None],
        success=0.7,
    )


def test_team_risk_in_a_quarter_counts_the_years_own_key_results(cast, cascade):
    acme = tracking.team_risk(cast.acme, cast.q4, cast.cora, today=TODAY)
    assert {cascade.logos.pk, cascade.verticals.pk} <= {t.key_result_id for t in acme.key_results}
    q3 = tracking.team_risk(cast.acme, cast.q3, cast.cora, today=TODAY)
    assert q3.key_results == ()
    assert q3.forecast is not None and q3.forecast.miss_risk is fc.MissRisk.UNKNOWN


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_batch(cast, cascade):
    def batch():
        return list(
            KeyResult.objects.filter(owner=cast.ava).select_related("cycle", "objective")
        )

    def objectives():
        return list(type(cascade.ava_obj).objects.filter(owner_person=cast.ava))

    check_in(cast, cascade.ava_opps, 3, at(6))
    tracking.tracking_context()  # the organisation's settings, cached for the process
    small_kr = _queries(lambda: tracking.key_result_tracking(batch(), today=TODAY))
    small_obj = _queries(lambda: tracking.objective_tracking(objectives(), today=TODAY))
    small_team = _queries(lambda: tracking.team_risk(cast.enterprise, cast.q4, cast.ava))
    for i in range(6):
        objective = actions.create_objective(
            acting_user=cast.ava,
            title=f"More {i}",
            level="individual",
            cycle=cast.q4,
            owner_person=cast.ava,
        )
        for j in range(3):
            kr = actions.create_key_result(
                acting_user=cast.ava,
                objective=objective,
                title=f"KR {i}.{j}",
                kind="increase",
                start_value=0,
                target_value=10,
                owner=cast.ava,
            )
            for day in (6, 13, 20):
                check_in(cast, kr, day / 4, at(day))
    assert _queries(lambda: tracking.key_result_tracking(batch(), today=TODAY)) == small_kr
    assert _queries(lambda: tracking.objective_tracking(objectives(), today=TODAY)) == small_obj
    assert _queries(lambda: tracking.team_risk(cast.enterprise, cast.q4, cast.ava)) == small_team
    # Loaded with their cycles and objectives, a batch takes two queries (team cadences and
    # check-ins); objectives two (their key results with their owners' cadences, and the
    # check-ins); a team two more: its members' ids, then its objectives. Plus one to read
    # the batch here. On today (the team's figures), the forecasts computed are stored in
    # one statement (in a savepoint of its own); the next read finds them and reads no
    # check-ins at all.
    assert small_kr == 1 + 2
    assert small_obj == 1 + 2
    assert small_team == 4 + 3
    with CaptureQueriesContext(connection) as again:
        tracking.team_risk(cast.enterprise, cast.q4, cast.ava)
    assert len(again) == 3
    assert not any("goals_checkin" in q["sql"] for q in again.captured_queries)


def test_without_forecasts_no_check_ins_are_read(cast, cascade):
    krs = list(KeyResult.objects.filter(owner=cast.ava).select_related("cycle", "objective"))
    with CaptureQueriesContext(connection) as ctx:
        result = tracking.key_result_tracking(krs, today=TODAY, forecast=False)
    assert all(t.forecast is None for t in result.values())
    assert not any("goals_checkin" in q["sql"] for q in ctx.captured_queries)
