"""What is due (insights.due): cadence overrides, due states, reminder periods, streaks."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineofsight.goals.cadence import Cadence
from lineofsight.insights import due as rules
from lineofsight.insights import pace
from lineofsight.insights.due import DueState

START = dt.date(2026, 10, 1)  # a Thursday
END = dt.date(2026, 12, 31)


def state(today: dt.date, last: dt.date | None = None, cadence: str = "weekly") -> rules.Due:
    return rules.due(
        cycle_start=START, cycle_end=END, last_check_in=last, cadence=cadence, today=today
    )


# -- effective cadence ----------------------------------------------------------------------


def test_the_cycle_cadence_applies_unless_a_team_sets_one() -> None:
    assert rules.effective_cadence("monthly") is Cadence.MONTHLY
    assert rules.effective_cadence("monthly", [""]) is Cadence.MONTHLY
    assert rules.effective_cadence("monthly", ["biweekly"]) is Cadence.BIWEEKLY
    # A team may ask for less often than the cycle: its override still wins.
    assert rules.effective_cadence("weekly", ["monthly"]) is Cadence.MONTHLY


def test_among_several_team_overrides_the_most_frequent_wins() -> None:
    assert rules.effective_cadence("monthly", ["monthly", "weekly", "biweekly"]) is Cadence.WEEKLY
    assert rules.effective_cadence("weekly", ["monthly", "", "biweekly"]) is Cadence.BIWEEKLY
    assert rules.most_frequent([]) is None
    assert rules.most_frequent(["", ""]) is None


def test_an_unknown_cadence_is_refused() -> None:
    with pytest.raises(ValueError):
        rules.effective_cadence("daily")


# -- due states ------------------------------------------------------------------------------


def test_with_no_check_in_the_first_is_due_on_the_last_day_of_the_first_period() -> None:
    assert state(START).state is DueState.UPCOMING
    assert state(START).next_due == dt.date(2026, 10, 7)
    assert state(dt.date(2026, 10, 7)).state is DueState.DUE_TODAY
    overdue = state(dt.date(2026, 10, 8))
    assert (overdue.state, overdue.missed) == (DueState.OVERDUE, 1)
    assert overdue.streak_start == dt.date(2026, 10, 7)


def test_after_a_check_in_the_next_is_due_one_period_later() -> None:
    last = dt.date(2026, 10, 12)
    assert state(dt.date(2026, 10, 18), last).state is DueState.UPCOMING
    assert state(dt.date(2026, 10, 19), last).state is DueState.DUE_TODAY
    two = state(dt.date(2026, 10, 27), last)
    assert (two.state, two.missed, two.next_due) == (DueState.OVERDUE, 2, dt.date(2026, 10, 19))
    monthly = state(dt.date(2026, 11, 11), last, "monthly")
    assert (monthly.state, monthly.next_due) == (DueState.DUE_TODAY, dt.date(2026, 11, 11))


def test_the_last_check_in_is_due_on_the_cycles_last_day_at_the_latest() -> None:
    last = dt.date(2026, 12, 28)
    assert state(dt.date(2026, 12, 30), last).next_due == END
    assert state(END, last).state is DueState.DUE_TODAY
    done = state(END, END)
    assert (done.state, done.is_due) == (DueState.UPCOMING, False)
    assert done.describe(END) == "Checked in for the cycle's last period"


def test_nothing_is_due_before_the_cycle_or_after_it() -> None:
    before = state(START - dt.timedelta(days=1))
    after = state(END + dt.timedelta(days=1))
    assert (before.state, before.next_due, before.is_due) == (DueState.NOT_STARTED, None, False)
    assert (after.state, after.next_due, after.is_due) == (DueState.ENDED, None, False)


def test_a_check_in_from_an_earlier_cycle_does_not_count() -> None:
    assert state(dt.date(2026, 10, 8), dt.date(2026, 9, 30)) == state(dt.date(2026, 10, 8))


def test_describe_says_it_in_words() -> None:
    today = dt.date(2026, 10, 27)
    assert state(today, dt.date(2026, 10, 12)).describe(today) == (
        "Overdue since Mon 19 Oct: 2 check-ins missed"
    )
    assert state(dt.date(2026, 10, 19), dt.date(2026, 10, 12)).describe(today) == "Due today"
    assert state(START).describe(START) == "Due Wed 7 Oct (in 6 days)"
    assert state(END + dt.timedelta(days=3)).describe(END) == "Cycle ended"


# -- reminder periods, streaks, digests ----------------------------------------------------


def test_reminder_windows_are_calendar_weeks_fortnights_and_months() -> None:
    wednesday = dt.date(2026, 10, 21)
    assert rules.reminder_window(Cadence.WEEKLY, wednesday) == dt.date(2026, 10, 19)
    assert rules.reminder_window(Cadence.WEEKLY, dt.date(2026, 10, 25)) == dt.date(2026, 10, 19)
    assert rules.reminder_window(Cadence.WEEKLY, dt.date(2026, 10, 26)) == dt.date(2026, 10, 26)
    assert rules.reminder_window(Cadence.MONTHLY, wednesday) == dt.date(2026, 10, 1)
    fortnight = rules.reminder_window(Cadence.BIWEEKLY, wednesday)
    assert fortnight.weekday() == 0 and 0 <= (wednesday - fortnight).days < 14
    assert rules.reminder_window(Cadence.BIWEEKLY, fortnight + dt.timedelta(days=13)) == fortnight


def test_a_person_has_one_reminder_period_for_all_their_due_key_results() -> None:
    today = dt.date(2026, 10, 21)
    weekly = state(today, dt.date(2026, 10, 12))  # overdue
    monthly = state(today, None, "monthly")  # due since 30 Oct? not yet: upcoming
    biweekly = state(today, None, "biweekly")  # first due on 14 Oct: overdue
    assert rules.reminder_period([weekly, monthly, biweekly], today) == (
        Cadence.WEEKLY,
        dt.date(2026, 10, 19),
    )
    assert rules.reminder_period([biweekly], today) == (
        Cadence.BIWEEKLY,
        rules.reminder_window(Cadence.BIWEEKLY, today),
    )
    assert rules.reminder_period([monthly], today) is None
    # Within a window the period stays the same whichever key results fall due.
    later = dt.date(2026, 10, 24)
    assert rules.reminder_period([state(later, dt.date(2026, 10, 17))], later) == (
        Cadence.WEEKLY,
        dt.date(2026, 10, 19),
    )


def test_a_streak_is_escalated_from_the_count_on_and_named_by_its_first_missed_day() -> None:
    today = dt.date(2026, 10, 27)
    one = state(today, dt.date(2026, 10, 19))  # 1 missed
    two = state(today, dt.date(2026, 10, 12))  # 2 missed, first missed on the 19th
    assert rules.escalation_streak([one], after_misses=2) is None
    assert rules.escalation_streak([one, two], after_misses=2) == dt.date(2026, 10, 19)
    assert rules.escalation_streak([one, two], after_misses=1) == dt.date(2026, 10, 19)
    # The streak keeps its name while it lasts.
    later = state(dt.date(2026, 11, 10), dt.date(2026, 10, 12))
    assert rules.escalation_streak([later], after_misses=2) == dt.date(2026, 10, 19)


def test_the_digest_goes_out_on_the_weekday_and_looks_back_a_week() -> None:
    monday = dt.date(2026, 10, 26)
    assert rules.is_digest_day(monday, 0)
    assert not rules.is_digest_day(monday, 4)
    assert rules.digest_since(monday) == dt.date(2026, 10, 19)


# -- invariants --------------------------------------------------------------------------------

days = st.integers(min_value=-20, max_value=120)
cadences = st.sampled_from(list(Cadence))


@given(today_offset=days, last_offset=st.one_of(st.none(), days), cadence=cadences)
def test_due_agrees_with_the_pace_rules(
    today_offset: int, last_offset: int | None, cadence: Cadence
) -> None:
    today = START + dt.timedelta(days=today_offset)
    last = None if last_offset is None else START + dt.timedelta(days=last_offset)
    if last is not None and last > today:
        last = today
    d = rules.due(
        cycle_start=START, cycle_end=END, last_check_in=last, cadence=cadence, today=today
    )
    stale = pace.is_stale(
        cycle_start=START, cycle_end=END, last_check_in=last, cadence=cadence, today=today
    )
    # Overdue exactly when the pace rules call the key result stale.
    assert (d.state is DueState.OVERDUE) == stale
    if START <= today <= END:
        assert d.next_due == pace.next_due(
            cycle_start=START, cycle_end=END, last_check_in=last, cadence=cadence
        )
        final = last is not None and d.next_due is not None and last >= d.next_due
        assert d.is_due == (today >= d.next_due and not final)
        assert (d.missed > 0) == (d.state is DueState.OVERDUE)
    else:
        assert not d.is_due and d.next_due is None
    if d.is_due:
        window = rules.reminder_window(cadence, today)
        assert window <= today
        assert (today - window).days < cadence.days + 1
        assert rules.reminder_period([d], today) == (cadence, window)
    else:
        assert rules.reminder_period([d], today) is None
    assert (d.streak_start is not None) == (d.state is DueState.OVERDUE)


@given(offset=st.integers(min_value=0, max_value=91), cadence=cadences)
def test_a_check_in_today_is_never_due_today(offset: int, cadence: Cadence) -> None:
    today = START + dt.timedelta(days=offset)
    d = rules.due(
        cycle_start=START, cycle_end=END, last_check_in=today, cadence=cadence, today=today
    )
    assert not d.is_due


@given(
    overrides=st.lists(st.sampled_from(["", "weekly", "biweekly", "monthly"]), max_size=5),
    cycle=cadences,
)
def test_the_effective_cadence_is_never_less_frequent_than_every_override(
    overrides: list[str], cycle: Cadence
) -> None:
    chosen = rules.effective_cadence(cycle, overrides)
    set_ = [Cadence(o) for o in overrides if o]
    if set_:
        assert chosen in set_
        assert all(chosen.days <= o.days for o in set_)
    else:
        assert chosen is cycle
