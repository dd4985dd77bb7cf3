"""``lineofsight snapshot``: refreshing the dashboards' stored figures from the shell."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management.base import CommandError

from lineofsight.goals import actions
from lineofsight.insights.models import AtRiskKeyResult, WeeklyFigures
from tests.dashboards import build_tracked, record_weeks


@pytest.fixture
def world(cast):  # type: ignore[no-untyped-def]
    tracked = build_tracked(cast)
    record_weeks(tracked, range(7))
    return tracked


def figures() -> list[tuple[object, ...]]:
    return sorted(
        WeeklyFigures.objects.values_list(
            "cycle_id", "week_ending", "scope", "subject", "team_id", "objective_id", "progress",
            "key_results", "on_track", "at_risk", "off_track", "stale", "likely_to_miss",
            "periods_due", "periods_kept", "as_of",
        ),
        key=str,
    )


def test_a_run_reports_what_it_stored_and_a_second_run_changes_nothing(world, run):
    out = run("snapshot", "--cycle", "q4 2026")
    lines = out.splitlines()
    assert lines[0].split() == [
        "CYCLE", "WEEK", "ENDING", "FIGURES", "KEY", "RESULTS", "ROWS", "AT", "RISK", "TIME"
    ]
    assert any(line.startswith("Q4 2026") for line in lines)
    assert re.fullmatch(r"Stored \d+ weeks? in \d+\.\d\d s\.", lines[-1])
    stored, at_risk = figures(), sorted(AtRiskKeyResult.objects.values_list("key_result_id"))
    assert WeeklyFigures.objects.filter(subject="organisation", scope="all").count() >= 1
    run("snapshot", "--cycle", "Q4 2026")
    # The same figures again; only the instant of the week in progress moves on.
    assert [f[:-1] for f in figures()] == [f[:-1] for f in stored]
    assert sorted(AtRiskKeyResult.objects.values_list("key_result_id")) == at_risk


def test_backfill_stores_every_week_that_is_over(world, run, cast):
    out = run("snapshot", "--cycle", "Q4 2026", "--backfill")
    weeks = sorted(
        set(
            WeeklyFigures.objects.filter(cycle=cast.q4, subject="organisation").values_list(
                "week_ending", flat=True
            )
        )
    )
    assert weeks[0] == dt.date(2026, 10, 7)
    assert all(b - a == dt.timedelta(days=7) for a, b in zip(weeks, weeks[1:-1], strict=False))
    assert out.count("final") >= len(weeks) - 1


def test_quiet_runs_print_nothing(world, run):
    assert run("snapshot", "--cycle", "Q4 2026", "--quiet") == ""
    assert WeeklyFigures.objects.exists()


def test_a_bad_cycle_changes_nothing(world, run, cast):
    with pytest.raises(CommandError, match="--cycle: no cycle is called 'Q9 2026'"):
        run("snapshot", "--cycle", "Q9 2026")
    actions.create_cycle(
        acting_user=None,
        name="FY 2099",
        kind="annual",
        start_date=dt.date(2099, 1, 1),
        end_date=dt.date(2099, 12, 31),
    )
    with pytest.raises(CommandError, match="--cycle: FY 2099 starts on 2099-01-01"):
        run("snapshot", "--cycle", "Q4 2026", "--cycle", "FY 2099")
    assert not WeeklyFigures.objects.exists()


def test_the_loop_refreshes_the_figures_after_a_check_in(world, run):
    from lineofsight.core.models import AuditEvent
    from lineofsight.insights.models import WeeklyFigures as Stored

    run("snapshot", "--cycle", "q4 2026", "--quiet")
    organisation = Stored.objects.filter(subject="organisation", scope="all")
    before = organisation.order_by("-week_ending").values_list("progress", flat=True).first()
    actions.record_check_in(
        acting_user=world.cast.sam, key_result=world.logos, value=36, confidence="on_track"
    )
    out = run("snapshot", "--loop", "--interval", "1", "--runs", "2")
    assert len(re.findall(r"^Stored \d+ weeks? in", out, re.M)) == 2, out
    after = organisation.order_by("-week_ending").values_list("progress", flat=True).first()
    assert after > before
    assert AuditEvent.objects.filter(action="insights.snapshot").count() >= 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--runs", "2"), "--runs: give a number of runs of 1 or more, with --loop."),
        (("--loop", "--interval", "0"), "--interval: give at least 1 second."),
        (("--loop", "--backfill"), "--backfill: a backfill is a single run; leave --loop out."),
    ],
)
def test_the_loop_refuses_arguments_it_cannot_follow(cast, run, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run("snapshot", *args)
