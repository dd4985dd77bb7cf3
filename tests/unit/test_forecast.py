"""Forecasts (goals.forecast): projection, band, miss risk and their wording."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineofsight.goals import forecast
from lineofsight.goals.forecast import MissRisk, Point
from lineofsight.goals.scoring import KeyResultKind, KeyResultSpec

START = dt.date(2026, 10, 1)
END = dt.date(2026, 12, 31)
LOGOS = KeyResultSpec(KeyResultKind.INCREASE, 0, 25, "logos")


def weekly(values: list[float]) -> list[Point]:
    return [Point(START + dt.timedelta(days=7 * (i + 1)), v) for i, v in enumerate(values)]


def run(points: list[Point], today: dt.date, spec: KeyResultSpec = LOGOS, **kw: object):  # type: ignore[no-untyped-def]
    return forecast.forecast_key_result(
        spec=spec, points=points, cycle_start=START, cycle_end=END, today=today, **kw  # type: ignore[arg-type]
    )


def test_a_steady_line_projects_to_the_end_of_the_cycle() -> None:
    # Two logos a week from zero: 91 days after the start the line reads 26.
    points = weekly([2, 4, 6, 8])
    result = run(points, dt.date(2026, 10, 29))
    assert result.method == "linear"
    assert result.value == pytest.approx(26.0)
    assert result.progress == 1.0 and result.grade == 1.0
    assert result.miss_risk is MissRisk.UNLIKELY
    assert "4 readings and the start value" in result.explanation
    assert "2 logos a week" in result.explanation


def test_a_slow_line_is_likely_to_miss_and_says_why() -> None:
    points = weekly([1, 1.5, 2.5, 3])
    result = run(points, dt.date(2026, 10, 29))
    assert result.progress < 0.7
    assert result.likely_to_miss
    assert "likely to miss" in result.explanation


def test_success_is_stricter_for_committed_objectives() -> None:
    points = weekly([1.7, 3.4, 5.1, 6.8])  # reaches about 22 of 25: 88 %
    aspirational = run(points, dt.date(2026, 10, 29))
    committed = run(points, dt.date(2026, 10, 29), success=forecast.success_threshold("committed"))
    assert aspirational.miss_risk is MissRisk.UNLIKELY
    assert committed.miss_risk is MissRisk.LIKELY
    assert forecast.success_threshold("aspirational") == 0.7


def test_the_band_widens_with_scatter() -> None:
    steady = run(weekly([2, 4, 6, 8, 10]), dt.date(2026, 11, 5))
    noisy = run(weekly([1, 6, 3, 9, 9]), dt.date(2026, 11, 5))
    assert steady.low is not None and steady.high is not None
    assert noisy.low is not None and noisy.high is not None
    assert noisy.high - noisy.low > steady.high - steady.low
    assert "80 % prediction interval" in noisy.explanation
    assert noisy.progress_low <= noisy.progress <= noisy.progress_high


def test_two_points_use_half_the_change_to_come() -> None:
    result = run(weekly([7]), dt.date(2026, 10, 9))  # the start value and one reading
    assert result.points_used == 2
    assert result.value == pytest.approx(91.0)
    assert result.high is not None and result.low is not None
    assert result.high - result.value == pytest.approx(0.5 * (91 - 7))
    assert "two points show no scatter" in result.explanation


def test_decreasing_key_results_project_downwards() -> None:
    churn = KeyResultSpec(KeyResultKind.DECREASE, 10, 5, "%")
    result = run(weekly([9.5, 9, 8.5]), dt.date(2026, 10, 22), spec=churn)
    assert result.value is not None and result.value < 5.0
    assert result.progress == 1.0


def test_no_readings_no_trend() -> None:
    result = run([], dt.date(2026, 10, 20), current_progress=0.0)
    assert result.miss_risk is MissRisk.UNKNOWN and result.method == "none"
    threshold = KeyResultSpec(KeyResultKind.STAY_ABOVE, None, 95, "%")
    one = run([Point(dt.date(2026, 10, 5), 97)], dt.date(2026, 10, 20), spec=threshold)
    assert one.method == "hold" and one.progress == 1.0 and one.miss_risk is MissRisk.UNKNOWN


def test_readings_outside_the_cycle_and_same_day_repeats() -> None:
    points = [Point(START - dt.timedelta(days=3), 50), *weekly([2, 4]),
              Point(START + dt.timedelta(days=14), 5), Point(dt.date(2026, 12, 1), 99)]
    result = run(points, dt.date(2026, 10, 20))
    assert result.points_used == 3  # start value, day 7, day 14 (the later 5 wins)


def test_milestones() -> None:
    ms = KeyResultSpec(KeyResultKind.MILESTONE)
    assert run([], dt.date(2026, 11, 1), spec=ms, done=True).progress == 1.0
    pending = run([], dt.date(2026, 11, 1), spec=ms)
    assert pending.miss_risk is MissRisk.UNKNOWN and pending.progress_high == 1.0
    assert run([], END, spec=ms).miss_risk is MissRisk.LIKELY


def test_after_the_cycle_the_forecast_is_where_it_landed() -> None:
    result = run(weekly([5, 10, 15, 22]), END + dt.timedelta(days=3))
    assert result.method == "final"
    assert result.value == 22 and result.progress == pytest.approx(0.88)


def test_combine_weights_projections() -> None:
    a = run(weekly([2, 4, 6, 8]), dt.date(2026, 10, 29))
    b = run(weekly([1, 1.5, 2.5, 3]), dt.date(2026, 10, 29))
    combined = forecast.combine([(3.0, a), (1.0, b)])
    assert combined.progress == pytest.approx((3 * a.progress + b.progress) / 4)
    assert combined.progress_low <= combined.progress <= combined.progress_high
    assert forecast.combine([]).miss_risk is MissRisk.UNKNOWN


def test_fit_line_needs_two_distinct_days() -> None:
    assert forecast.fit_line([3.0], [1.0]) is None
    assert forecast.fit_line([3.0, 3.0], [1.0, 2.0]) is None
    line = forecast.fit_line([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    assert line is not None and line.slope == pytest.approx(2.0)
    assert line.residual_sd == pytest.approx(0.0)


@given(
    values=st.lists(st.floats(min_value=-50, max_value=80), min_size=1, max_size=13),
    week=st.integers(min_value=1, max_value=14),
)
def test_projection_is_bounded_and_banded(values: list[float], week: int) -> None:
    today = START + dt.timedelta(days=7 * week)
    result = run(weekly(values), today)
    assert 0.0 <= result.progress_low <= result.progress <= result.progress_high <= 1.0
    if result.low is not None and result.high is not None and result.value is not None:
        assert result.low <= result.value <= result.high
    assert result.explanation
