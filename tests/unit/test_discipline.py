"""Check-in discipline (insights.discipline): periods due and kept, exactly as documented."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineofsight.insights import discipline
from lineofsight.insights.discipline import Discipline, Period

START = dt.date(2026, 10, 1)
END = dt.date(2026, 12, 31)


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


def run(days: list[dt.date], through: dt.date, cadence: int = 7, **kw: object) -> Discipline:
    return discipline.discipline(
        cycle_start=START,
        cycle_end=END,
        cadence_days=cadence,
        check_in_days=days,
        through=through,
        **kw,  # type: ignore[arg-type]
    )


def test_periods_follow_the_cadence_from_the_first_day_and_end_with_the_cycle() -> None:
    weekly = discipline.periods(START, END, 7)
    assert weekly[0] == Period(d(10, 1), d(10, 7))
    assert weekly[1] == Period(d(10, 8), d(10, 14))
    assert len(weekly) == 14 and weekly[-1] == Period(d(12, 31), d(12, 31))
    monthly = discipline.periods(START, END, 30)
    assert [p.last for p in monthly] == [d(10, 30), d(11, 29), d(12, 29), d(12, 31)]
    with pytest.raises(ValueError):
        discipline.periods(START, END, 0)


def test_a_period_is_due_once_it_has_ended_and_kept_with_one_check_in_in_it() -> None:
    # Check-ins on 5 Oct (period 1) and 20 Oct (period 3); period 2 was missed.
    days = [d(10, 5), d(10, 20)]
    assert run(days, through=d(10, 6)) == Discipline(0, 0)  # nothing has ended yet
    assert run(days, through=d(10, 7)) == Discipline(1, 1)
    assert run(days, through=d(10, 14)) == Discipline(2, 1)
    assert run(days, through=d(10, 21)) == Discipline(3, 2)
    assert run(days, through=d(10, 21)).share == pytest.approx(2 / 3)
    assert run(days, through=d(10, 21)).missed == 1
    assert Discipline(0, 0).share is None  # nothing due is no figure, not 100 %


def test_a_late_check_in_counts_for_its_own_period() -> None:
    # Two check-ins in period 2 do not make up for period 1.
    assert run([d(10, 8), d(10, 9)], through=d(10, 14)) == Discipline(2, 1)


def test_periods_before_the_key_result_was_added_are_not_due() -> None:
    days = [d(10, 16)]
    assert run(days, through=d(10, 21), added=d(10, 15)) == Discipline(1, 1)
    # Added on the last day of a period: that period counts (the owner had the day).
    assert run(days, through=d(10, 21), added=d(10, 14)) == Discipline(2, 1)


def test_a_window_keeps_the_periods_ending_inside_it() -> None:
    # An annual key result seen from a quarter: only periods ending in the quarter count.
    year_days = [dt.date(2026, m, 3) for m in range(1, 13)]
    q4 = (d(10, 1), d(12, 31))
    got = discipline.discipline(
        cycle_start=dt.date(2026, 1, 1),
        cycle_end=dt.date(2026, 12, 31),
        cadence_days=30,
        check_in_days=year_days,
        through=d(11, 30),
        window=q4,
    )
    # Monthly periods of the year ending 27 Oct and 26 Nov fall in the window so far.
    assert got == Discipline(2, 2)


def test_discipline_adds_up() -> None:
    assert Discipline(3, 2) + Discipline(4, 4) == Discipline(7, 6)
    assert discipline.NOTHING + Discipline(1, 0) == Discipline(1, 0)


def test_the_last_complete_day() -> None:
    tz = dt.UTC
    assert discipline.last_complete_day(dt.datetime(2026, 10, 21, 20, tzinfo=tz)) == d(10, 20)
    end = dt.datetime.combine(d(10, 21), dt.time.max, tzinfo=tz)
    assert discipline.last_complete_day(end) == d(10, 21)


@given(
    st.lists(st.integers(min_value=-10, max_value=100), max_size=40),
    st.integers(min_value=0, max_value=95),
    st.sampled_from([7, 14, 30]),
)
def test_kept_never_exceeds_due_and_due_counts_the_ended_periods(
    offsets: list[int], through: int, cadence: int
) -> None:
    days = [START + dt.timedelta(days=o) for o in offsets]
    upto = START + dt.timedelta(days=through)
    got = run(days, through=upto, cadence=cadence)
    ended = [p for p in discipline.periods(START, END, cadence) if p.last <= upto]
    assert got.due == len(ended)
    assert 0 <= got.kept <= got.due
    # Kept is exactly the periods holding a check-in.
    assert got.kept == sum(1 for p in ended if any(p.first <= x <= p.last for x in days))
    # The order and repetition of check-ins does not matter.
    assert run(list(reversed(days)) + days, through=upto, cadence=cadence) == got
