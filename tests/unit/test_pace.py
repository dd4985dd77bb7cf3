"""Status from pace (goals.pace): pure rules, good and bad examples, invariants."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineofsight.goals import pace
from lineofsight.goals.pace import PaceStatus, PaceThresholds
from lineofsight.people.cadence import Cadence

START = dt.date(2026, 10, 1)
END = dt.date(2026, 12, 31)  # 92 days


def kr(progress: float, today: dt.date, last: dt.date | None, **kw: object) -> pace.Pace:
    args: dict[str, object] = {
        "kind": "increase",
        "progress": progress,
        "cycle_start": START,
        "cycle_end": END,
        "today": today,
        "last_check_in": last,
    }
    args.update(kw)
    return pace.key_result_pace(**args)  # type: ignore[arg-type]


def test_expected_progress_is_the_elapsed_share_of_the_cycle() -> None:
    assert pace.expected_progress(START, END, START - dt.timedelta(days=1)) == 0.0
    assert pace.expected_progress(START, END, START) == pytest.approx(1 / 92)
    assert pace.expected_progress(START, END, dt.date(2026, 11, 15)) == pytest.approx(46 / 92)
    assert pace.expected_progress(START, END, END) == 1.0
    assert pace.expected_progress(START, END, END + dt.timedelta(days=30)) == 1.0


@pytest.mark.parametrize(
    ("progress", "status"),
    [
        (0.50, "on_track"),
        (0.35, "on_track"),
        (0.34, "at_risk"),
        (0.25, "at_risk"),
        (0.24, "off_track"),
        (0.0, "off_track"),
        (1.0, "on_track"),
    ],
)
def test_status_compares_actual_with_expected(progress: float, status: str) -> None:
    today = dt.date(2026, 11, 15)  # expected 0.5
    result = kr(progress, today, today)
    assert result.status == status
    assert result.expected == pytest.approx(0.5)


def test_thresholds_are_the_organisations() -> None:
    today = dt.date(2026, 11, 15)
    strict = PaceThresholds(on_track=0.9, off_track=0.8)
    assert kr(0.42, today, today, thresholds=strict).status == "at_risk"
    assert kr(0.39, today, today, thresholds=strict).status == "off_track"
    with pytest.raises(ValueError):
        PaceThresholds(on_track=0.4, off_track=0.6)


def test_the_explanation_gives_expected_actual_and_ratio() -> None:
    result = kr(0.3, dt.date(2026, 11, 15), dt.date(2026, 11, 14))
    assert "Expected 50 %" in result.explanation
    assert "actual 30 %" in result.explanation
    assert "0.60 of expected" in result.explanation
    assert result.status.label == "At risk"


def test_an_overdue_check_in_is_stale_never_green() -> None:
    today = dt.date(2026, 11, 15)
    result = kr(1.0, today, today - dt.timedelta(days=8))
    assert result.status == PaceStatus.STALE and result.stale
    assert "overdue" in result.explanation
    # Seven days after the last one is the day it is due: not yet stale.
    assert kr(1.0, today, today - dt.timedelta(days=7)).status == "on_track"


def test_cadence_sets_when_a_check_in_is_overdue() -> None:
    today = dt.date(2026, 11, 15)
    last = today - dt.timedelta(days=10)
    assert kr(0.5, today, last, cadence=Cadence.WEEKLY).status == "stale"
    assert kr(0.5, today, last, cadence=Cadence.BIWEEKLY).status == "on_track"
    assert kr(0.5, today, today - dt.timedelta(days=31), cadence="monthly").status == "stale"


def test_no_check_in_yet_is_due_by_the_end_of_the_first_period() -> None:
    assert kr(0.0, START + dt.timedelta(days=6), None).status != "stale"
    assert kr(0.0, START + dt.timedelta(days=7), None).status == "stale"
    # A check-in from an earlier cycle does not count for this one.
    assert kr(0.0, START + dt.timedelta(days=7), START - dt.timedelta(days=2)).status == "stale"


def test_missed_periods_and_next_due() -> None:
    last = dt.date(2026, 10, 5)
    assert pace.next_due(
        cycle_start=START, cycle_end=END, last_check_in=last, cadence=Cadence.WEEKLY
    ) == dt.date(2026, 10, 12)
    assert pace.next_due(
        cycle_start=START, cycle_end=END, last_check_in=None, cadence=Cadence.WEEKLY
    ) == dt.date(2026, 10, 7)
    assert (
        pace.next_due(
            cycle_start=START,
            cycle_end=END,
            last_check_in=dt.date(2026, 12, 28),
            cadence=Cadence.MONTHLY,
        )
        == END
    )
    counts = [
        pace.missed_periods(
            cycle_start=START,
            last_check_in=last,
            cadence=Cadence.WEEKLY,
            today=last + dt.timedelta(days=d),
        )
        for d in (0, 7, 8, 14, 15)
    ]
    assert counts == [0, 0, 1, 1, 2]


def test_nothing_is_stale_outside_the_cycle() -> None:
    assert kr(0.2, START - dt.timedelta(days=3), None).status == "not_started"
    after = kr(0.2, END + dt.timedelta(days=3), dt.date(2026, 11, 1))
    assert after.status == "off_track" and not after.stale and after.due_by is None


def test_threshold_key_results_keep_or_break_the_line() -> None:
    today = dt.date(2026, 10, 20)
    assert kr(1.0, today, today, kind="stay_above").status == "on_track"
    assert kr(0.0, today, today, kind="stay_below").status == "off_track"


def test_milestones_are_pending_until_done_or_the_cycle_ends() -> None:
    today = dt.date(2026, 11, 15)
    assert kr(0.0, today, today, kind="milestone").status == "pending"
    assert kr(1.0, today, today, kind="milestone", done=True).status == "on_track"
    assert kr(0.0, END + dt.timedelta(days=1), END, kind="milestone").status == "off_track"


def test_summarise_counts_and_finds_the_worst() -> None:
    summary = pace.summarise(["on_track", "at_risk", "stale", "on_track", "pending"])
    assert summary.total == 5
    assert summary.counts["on_track"] == 2
    assert summary.worst == PaceStatus.STALE
    assert summary.attention == 2
    assert summary.attention_share == pytest.approx(0.4)
    assert pace.summarise([]).worst is None


@given(
    progress=st.floats(min_value=0, max_value=1),
    offset=st.integers(min_value=-10, max_value=120),
    since=st.integers(min_value=0, max_value=60),
)
def test_status_is_total_and_consistent(progress: float, offset: int, since: int) -> None:
    today = START + dt.timedelta(days=offset)
    last = today - dt.timedelta(days=since)
    result = kr(progress, today, last)
    assert 0.0 <= result.expected <= 1.0
    assert result.stale == (result.status == PaceStatus.STALE)
    if result.ratio is not None and not result.stale:
        assert result.ratio == pytest.approx(result.actual / result.expected)
    if result.due_by is not None:
        assert START <= result.due_by <= END
    # More progress never makes the status worse, all else equal.
    better = kr(min(1.0, progress + 0.2), today, last)
    assert better.status.severity <= result.status.severity or better.stale


# -- counting from the day a key result began -------------------------------------------------


def test_a_key_result_added_late_is_judged_from_the_day_it_began() -> None:
    # Added (or carried over) on 23 November, in the eighth week: not "overdue since 7 Oct".
    added = dt.date(2026, 11, 23)
    fresh = kr(0.0, added, None, began=added)
    assert fresh.status is not PaceStatus.STALE
    assert fresh.due_by == dt.date(2026, 11, 29)
    assert fresh.expected == pytest.approx(1 / 39)
    assert "since it began on 2026-11-23" in fresh.explanation
    # A week later with no check-in it is stale, counted from that day.
    later = kr(0.0, dt.date(2026, 11, 30), None, began=added)
    assert later.status is PaceStatus.STALE
    assert "there has been none since it began" in later.explanation
    assert (
        pace.missed_periods(
            cycle_start=START, last_check_in=None, cadence=Cadence.WEEKLY, today=added, began=added
        )
        == 0
    )
    # Before it began there is nothing to judge; created before the cycle, the cycle counts.
    assert kr(0.0, dt.date(2026, 11, 1), None, began=added).status is PaceStatus.NOT_STARTED
    early = kr(0.0, START, None, began=dt.date(2026, 9, 15))
    assert early.due_by == dt.date(2026, 10, 7)


@given(
    began=st.integers(min_value=-30, max_value=91),
    age=st.integers(min_value=0, max_value=120),
    cadence=st.sampled_from(list(Cadence)),
    progress=st.floats(min_value=0, max_value=1),
)
def test_nothing_is_due_before_a_full_period_has_passed_since_it_began(
    began: int, age: int, cadence: Cadence, progress: float
) -> None:
    began_day = START + dt.timedelta(days=began)
    today = max(START, began_day) + dt.timedelta(days=age)
    result = kr(progress, today, None, began=began_day, cadence=cadence)
    start = max(START, began_day)
    if result.due_by is not None:
        assert result.due_by >= start  # never due before it existed
    if (today - start).days < cadence.days:
        assert result.status is not PaceStatus.STALE
        assert not pace.is_stale(
            cycle_start=START,
            cycle_end=END,
            last_check_in=None,
            cadence=cadence,
            today=today,
            began=began_day,
        )
