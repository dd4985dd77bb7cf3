"""Stored dashboard figures (insights.snapshots, insights.actions.take_snapshots) on the
database: what a run stores, that it agrees with goals.tracking, and that recomputing a
week from the history gives what a run at the time stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions, pace, tracking
from lineofsight.goals.models import Cycle
from lineofsight.insights import aggregate, snapshots
from lineofsight.insights.actions import take_snapshots
from lineofsight.insights.models import AtRiskKeyResult, WeeklyFigures

from ..dashboards import UTC, at, build_tracked, end_of, record_weeks

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
NOW = at(TODAY, 12)
FIGURES = (
    "progress",
    "objectives",
    "key_results",
    "on_track",
    "at_risk",
    "off_track",
    "stale",
    "pending",
    "not_started",
    "likely_to_miss",
    "could_miss",
    "periods_due",
    "periods_kept",
)


@pytest.fixture
def world(cast):  # type: ignore[no-untyped-def]
    return build_tracked(cast)


def stored(cycle: Cycle, week: dt.date) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    return {
        (r.scope, r.subject, r.team_id, r.objective_id): tuple(
            round(v, 9) if isinstance(v, float) else v for v in (getattr(r, f) for f in FIGURES)
        )
        for r in WeeklyFigures.objects.filter(cycle=cycle, week_ending=week)
    }


def tallied(week: snapshots.Week) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    out = {}
    for (scope, subject, pk), t in week.tallies.items():
        values = (
            t.progress,
            t.objectives,
            t.key_results,
            *(t.statuses[s] for s in ("on_track", "at_risk", "off_track", "stale", "pending")),
            t.statuses["not_started"],
            t.likely_to_miss,
            t.could_miss,
            t.periods_due,
            t.periods_kept,
        )
        key = (
            scope,
            subject,
            pk if subject == aggregate.TEAM else None,
            pk if subject == aggregate.OBJECTIVE else None,
        )
        out[key] = tuple(round(v, 9) if isinstance(v, float) else v for v in values)
    return out


def row(cycle: Cycle, week: dt.date, scope: str, team: Any = None) -> WeeklyFigures:
    subject = "team" if team is not None else "organisation"
    return WeeklyFigures.objects.get(
        cycle=cycle, week_ending=week, scope=scope, subject=subject, team=team
    )


def test_a_run_stores_the_week_in_progress_and_the_week_that_just_ended(cast, world):
    record_weeks(world, range(7))
    reports = take_snapshots(acting_user=None, cycles=[cast.q4], now=NOW)
    assert [(r.week_ending, r.in_progress) for r in reports] == [
        (dt.date(2026, 11, 18), False),
        (dt.date(2026, 11, 25), True),
    ]
    assert reports[-1].at_risk is not None and reports[0].at_risk is None
    week = dt.date(2026, 11, 25)
    everything, public = row(cast.q4, week, "all"), row(cast.q4, week, "public")
    assert everything.as_of == NOW
    assert (everything.key_results, public.key_results) == (7, 6)  # the private one left out
    # Weekly periods ended by Sunday 22 November: seven per key result. Ava missed one week of
    # opportunities and checks in on closes every other week.
    assert (everything.periods_due, everything.periods_kept) == (49, 45)
    assert (public.periods_due, public.periods_kept) == (42, 38)
    # The company's progress is the mean of its company objectives.
    world.company.refresh_from_db()
    assert everything.progress == pytest.approx(world.company.progress)


def test_teams_count_their_own_objectives_and_their_members(cast, world):
    record_weeks(world, range(7))
    take_snapshots(acting_user=None, cycles=[cast.q4], now=NOW)
    week = dt.date(2026, 11, 25)
    sales_all = row(cast.q4, week, "all", cast.sales)
    sales_public = row(cast.q4, week, "public", cast.sales)
    # The Sales objective's key result, and Ava's (a member of Enterprise Sales, inside Sales).
    assert (sales_all.key_results, sales_public.key_results) == (4, 3)
    world.sales.refresh_from_db()
    assert (sales_all.objectives, sales_all.progress) == (1, pytest.approx(world.sales.progress))
    assert row(cast.q4, week, "all", cast.enterprise).key_results == 3  # Ava's only
    assert row(cast.q4, week, "all", cast.engineering).key_results == 2  # Platform's two
    assert row(cast.q4, week, "all", cast.acme).key_results == 7
    legal = row(cast.q4, week, "all", cast.legal)
    assert (legal.key_results, legal.progress, legal.discipline) == (0, None, None)
    company = WeeklyFigures.objects.get(
        cycle=cast.q4, week_ending=week, subject="objective", objective=world.company
    )
    assert (company.scope, company.key_results) == ("all", 1)


def test_statuses_and_the_at_risk_list_agree_with_tracking(cast, world):
    record_weeks(world, range(7))
    take_snapshots(acting_user=None, cycles=[cast.q4], now=NOW)
    ctx = tracking.tracking_context(TODAY)
    krs = list(
        type(world.logos).objects.filter(pk__in=[k.pk for k in world.key_results]).select_related(
            "cycle", "objective"
        )
    )
    tracked = tracking.key_result_tracking(krs, context=ctx, forecast=True)
    everything = row(cast.q4, dt.date(2026, 11, 25), "all")
    summary = pace.summarise(t.status for t in tracked.values())
    for status, count in summary.counts.items():
        assert getattr(everything, status) == count, status
    likely = {pk for pk, t in tracked.items() if t.likely_to_miss}
    assert everything.likely_to_miss == len(likely)
    wanted = {
        pk
        for pk, t in tracked.items()
        if aggregate.needs_attention(t.status.value, t.forecast.miss_risk.value)  # type: ignore[union-attr]
    }
    listed = AtRiskKeyResult.objects.filter(cycle=cast.q4)
    assert {r.key_result_id for r in listed} == wanted
    for r in listed:
        t = tracked[r.key_result_id]
        assert r.status == t.status.value
        assert r.forecast_progress == pytest.approx(t.forecast.progress)  # type: ignore[union-attr]
        assert r.expected == pytest.approx(t.pace.expected)


@pytest.mark.parametrize("as_of", [NOW, end_of(dt.date(2026, 10, 21))])
def test_projections_are_the_ones_tracking_makes(cast, world, as_of):
    """The snapshot projects from check-ins it read once; goals.tracking reads them per
    call. The two must give the same projection, now and for a past week."""
    record_weeks(world, range(7))
    data = snapshots.load_cycle(cast.q4, UTC, NOW)
    live = as_of == NOW
    state = snapshots._state_now(data) if live else snapshots._state_as_of(data, as_of)
    ctx = tracking.tracking_context(as_of.date())
    full = tracking.key_result_tracking(state.key_results, context=ctx, forecast=True)
    assert len(full) == 7
    for kr in state.key_results:
        f = full[kr.pk].forecast
        assert f is not None
        mine = snapshots.project(kr, full[kr.pk], data.history.get(kr.pk, snapshots.NO_HISTORY),
                                 ctx.today)
        assert mine == (f.miss_risk.value, f.progress, f.progress_low, f.progress_high)


def test_the_history_reproduces_what_a_live_run_stored(cast, world):
    """A run in the middle of week three stores live figures; weeks later, with more check-ins
    and a revised target, recomputing that instant from the history gives the same figures."""
    record_weeks(world, range(3))
    then = dt.datetime(2026, 10, 20, 20, tzinfo=UTC)
    take_snapshots(acting_user=None, cycles=[cast.q4], now=then)
    week = dt.date(2026, 10, 21)
    at_the_time = stored(cast.q4, week)
    assert row(cast.q4, week, "all").as_of == then
    record_weeks(world, range(3, 7))
    actions.update_key_result(
        acting_user=cast.sam, key_result=world.opps, target_value=240, reason="Raised the bar"
    )
    data = snapshots.load_cycle(cast.q4, UTC, NOW)
    again = snapshots.compute_week(
        data, snapshots.load_organisation(), week_ending=week, as_of=then, live=False
    )
    assert tallied(again) == at_the_time


def test_backfill_rebuilds_every_week_from_the_history(cast, world):
    record_weeks(world, range(7))
    reports = take_snapshots(acting_user=None, cycles=[cast.q4], backfill=True, now=NOW)
    ended = [dt.date(2026, 10, 7) + dt.timedelta(days=7 * i) for i in range(7)]
    assert [r.week_ending for r in reports] == [*ended, dt.date(2026, 11, 25)]
    data = snapshots.load_cycle(cast.q4, UTC, NOW)
    org = snapshots.load_organisation()
    for week in ended:
        expected = snapshots.compute_week(
            data, org, week_ending=week, as_of=end_of(week), live=False
        )
        assert stored(cast.q4, week) == tallied(expected), week
        assert row(cast.q4, week, "all").as_of == end_of(week)
    # Progress climbs week by week as the check-ins came in.
    progress = [row(cast.q4, w, "all", cast.sales).progress for w in ended]
    assert progress == sorted(progress) and progress[0] < progress[-1]
    # Week one: one weekly period due per key result, all kept.
    first = row(cast.q4, ended[0], "all")
    assert (first.periods_due, first.periods_kept) == (7, 7)


def test_running_twice_stores_the_same_figures(cast, world):
    record_weeks(world, range(7))
    take_snapshots(acting_user=None, cycles=[cast.q4], now=NOW)
    first = {w: stored(cast.q4, w) for w in (dt.date(2026, 11, 18), dt.date(2026, 11, 25))}
    at_risk = sorted(AtRiskKeyResult.objects.values_list("key_result_id", "rank", "status"))
    count = WeeklyFigures.objects.count()
    reports = take_snapshots(acting_user=None, cycles=[cast.q4], now=NOW)
    # The second run only refreshes the week in progress: the ended week is final.
    assert [r.week_ending for r in reports] == [dt.date(2026, 11, 25)]
    assert {w: stored(cast.q4, w) for w in first} == first
    assert WeeklyFigures.objects.count() == count
    assert sorted(AtRiskKeyResult.objects.values_list("key_result_id", "rank", "status")) == (
        at_risk
    )
    assert AuditEvent.objects.filter(action="insights.snapshot").count() == 2


def test_a_week_stored_while_it_ran_is_finalised_after_it_ends(cast, world):
    record_weeks(world, range(3))
    then = dt.datetime(2026, 10, 20, 20, tzinfo=UTC)
    take_snapshots(acting_user=None, cycles=[cast.q4], now=then)
    # Without naming a cycle: the run picks the cycles under way and the unfinished weeks.
    reports = take_snapshots(acting_user=None, now=dt.datetime(2026, 10, 23, 8, tzinfo=UTC))
    done = {(r.cycle, r.week_ending, r.in_progress) for r in reports}
    assert ("Q4 2026", dt.date(2026, 10, 21), False) in done
    assert ("Q4 2026", dt.date(2026, 10, 28), True) in done
    assert row(cast.q4, dt.date(2026, 10, 21), "all").as_of == end_of(dt.date(2026, 10, 21))


def test_only_hr_and_operators_refresh_and_future_cycles_are_refused(cast, world):
    with pytest.raises(NotAllowed):
        take_snapshots(acting_user=cast.ava, cycles=[cast.q4], now=NOW)
    assert take_snapshots(acting_user=cast.hana, cycles=[cast.q4], now=NOW)
    event = AuditEvent.objects.get(action="insights.snapshot")
    assert event.actor_id == cast.hana.pk
    future = actions.create_cycle(
        acting_user=None,
        name="FY 2027",
        kind="annual",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 12, 31),
    )
    before = WeeklyFigures.objects.count()
    with pytest.raises(InvalidInput) as refused:
        take_snapshots(acting_user=None, cycles=[future], now=NOW)
    assert "cycle" in refused.value.errors
    assert WeeklyFigures.objects.count() == before
