"""What is due (goals.due): cadence overrides, due states, reminder periods, streaks."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lineofsight.goals import due as rules
from lineofsight.goals import pace
from lineofsight.goals.due import DueState
from lineofsight.people.cadence import Cadence

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


def test_the_digest_week_starts_on_the_weekday_and_looks_back_a_week() -> None:
    monday = dt.date(2026, 10, 26)
    assert rules.digest_week(monday, 0) == monday
    # Every day up to the next Sunday belongs to the week of that Monday.
    for offset in range(7):
        assert rules.digest_week(monday + dt.timedelta(days=offset), 0) == monday
    assert rules.digest_week(monday + dt.timedelta(days=7), 0) == dt.date(2026, 11, 2)
    # A Friday digest: Monday belongs to the week that began the Friday before.
    assert rules.digest_week(monday, 4) == dt.date(2026, 10, 23)
    assert rules.digest_week(dt.date(2026, 10, 30), 4) == dt.date(2026, 10, 30)
    assert rules.digest_since(monday) == dt.date(2026, 10, 19)


def test_the_first_run_of_the_week_sends_the_digest_and_later_runs_none() -> None:
    week = dt.date(2026, 10, 26)
    # Nothing sent yet: due, whether the run is on the Monday or catches up on the Thursday.
    assert rules.digest_due(week, [])
    assert rules.digest_week(dt.date(2026, 10, 29), 0) == week
    # Sent for this week: not again.
    assert not rules.digest_due(week, [week])
    # Last week's digest does not stand for this one, nor next week's for this (a run with
    # an earlier --today).
    assert rules.digest_due(week, [dt.date(2026, 10, 19)])
    assert rules.digest_due(week, [dt.date(2026, 11, 2)])


def test_a_changed_weekday_never_makes_two_digests_in_one_week() -> None:
    # Sent on Monday 26 October; on Tuesday HR moves the digest to Wednesdays.
    sent = [dt.date(2026, 10, 26)]
    wednesday_week = rules.digest_week(dt.date(2026, 10, 28), 2)
    assert wednesday_week == dt.date(2026, 10, 28)
    assert not rules.digest_due(wednesday_week, sent)
    # The next Wednesday week is a week of its own.
    assert rules.digest_due(dt.date(2026, 11, 4), sent)
    # Moved the other way (Wednesday to Monday): the Wednesday digest stands for the week of
    # the Monday before it.
    assert not rules.digest_due(dt.date(2026, 11, 2), [dt.date(2026, 10, 28)])
    assert not rules.digest_due(dt.date(2026, 10, 26), [dt.date(2026, 10, 28)])
    near = rules.digest_weeks_near(wednesday_week)
    assert len(near) == 13
    assert (min(near), max(near)) == (dt.date(2026, 10, 22), dt.date(2026, 11, 3))


@given(
    weekday=st.integers(min_value=0, max_value=6),
    first=st.integers(min_value=0, max_value=400),
    runs=st.lists(st.integers(min_value=0, max_value=60), max_size=25),
)
def test_runs_send_one_digest_per_week_from_the_weekday_on(
    weekday: int, first: int, runs: list[int]
) -> None:
    """Whatever the days a run happens on (in order), each week with a run gets exactly one
    digest, sent by its first run, and no two digests share a week."""
    start = dt.date(2026, 1, 1) + dt.timedelta(days=first)
    sent: list[dt.date] = []
    sent_on: dict[dt.date, dt.date] = {}
    for day in sorted(start + dt.timedelta(days=d) for d in runs):
        week = rules.digest_week(day, weekday)
        assert week.weekday() == weekday and week <= day < week + dt.timedelta(days=7)
        if rules.digest_due(week, sent):
            sent.append(week)
            sent_on[week] = day
    weeks_with_runs = {rules.digest_week(start + dt.timedelta(days=d), weekday) for d in runs}
    assert sorted(sent) == sorted(weeks_with_runs)
    for week, day in sent_on.items():
        first_run = min(
            start + dt.timedelta(days=d)
            for d in runs
            if rules.digest_week(start + dt.timedelta(days=d), weekday) == week
        )
        assert day == first_run


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


# -- counting from the day a key result began -------------------------------------------------


def test_a_key_result_added_today_is_due_after_one_period_never_overdue() -> None:
    added = dt.date(2026, 11, 23)
    fresh = rules.due(
        cycle_start=START,
        cycle_end=END,
        last_check_in=None,
        cadence="weekly",
        today=added,
        began=added,
    )
    assert (fresh.state, fresh.next_due, fresh.missed) == (
        DueState.UPCOMING,
        dt.date(2026, 11, 29),
        0,
    )
    assert fresh.describe(added) == "Due Sun 29 Nov (in 6 days)"
    # Without the day it began, the same key result would be nine periods behind.
    assert state(added).describe(added) == "Overdue since Wed 7 Oct: 7 check-ins missed"
    # Nothing to escalate: no streak has started.
    assert rules.escalation_streak([fresh], after_misses=1) is None


@given(
    began=st.integers(min_value=0, max_value=91),
    age=st.integers(min_value=0, max_value=6),
    cadence=st.sampled_from(["weekly", "biweekly", "monthly"]),
)
def test_nothing_is_overdue_within_a_period_of_when_it_began(
    began: int, age: int, cadence: str
) -> None:
    began_day = START + dt.timedelta(days=began)
    today = min(END, began_day + dt.timedelta(days=age))
    found = rules.due(
        cycle_start=START,
        cycle_end=END,
        last_check_in=None,
        cadence=cadence,
        today=today,
        began=began_day,
    )
    assert found.state is not DueState.OVERDUE and found.missed == 0
    assert found.next_due is None or found.next_due >= began_day
