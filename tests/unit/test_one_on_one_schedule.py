"""When a one-on-one series meets (pure date arithmetic)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from lineofsight.oneonones import schedule

TZ = zoneinfo.ZoneInfo("Europe/Berlin")


def test_weekly_and_fortnightly_step_by_whole_weeks():
    day = dt.date(2026, 12, 1)  # a Tuesday
    assert schedule.following(day, "weekly") == dt.date(2026, 12, 8)
    assert schedule.following(day, "fortnightly") == dt.date(2026, 12, 15)


@pytest.mark.parametrize(
    ("day", "after"),
    [
        (dt.date(2026, 12, 8), dt.date(2027, 1, 12)),  # the second Tuesday, across the year
        (dt.date(2026, 9, 29), dt.date(2026, 10, 27)),  # a fifth Tuesday counts as the fourth
        (dt.date(2026, 1, 1), dt.date(2026, 2, 5)),  # the first Thursday
    ],
)
def test_monthly_keeps_the_week_of_the_month(day, after):
    assert schedule.following(day, "monthly") == after
    assert after.weekday() == day.weekday()


def test_the_first_slot_is_the_next_such_day_still_ahead():
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)  # Tuesday 09:00
    kwargs = {"cadence": "weekly", "weekday": 1, "tz": TZ, "now": now}
    assert schedule.next_slot_after(None, time=dt.time(10), **kwargs) == dt.datetime(
        2026, 12, 1, 10, 0, tzinfo=TZ
    )
    assert schedule.next_slot_after(None, time=dt.time(8), **kwargs) == dt.datetime(
        2026, 12, 8, 8, 0, tzinfo=TZ
    )


def test_a_series_long_unattended_skips_the_slots_already_past():
    now = dt.datetime(2026, 12, 10, 12, 0, tzinfo=TZ)
    slot = schedule.next_slot_after(
        dt.date(2026, 11, 3), cadence="weekly", weekday=1, time=dt.time(10), tz=TZ, now=now
    )
    assert slot == dt.datetime(2026, 12, 15, 10, 0, tzinfo=TZ)


def test_a_slot_keeps_its_local_time_across_a_change_of_clock():
    before = schedule.at(dt.date(2026, 10, 20), dt.time(10), TZ)
    after = schedule.at(dt.date(2026, 10, 27), dt.time(10), TZ)
    assert after.astimezone(dt.UTC) - before.astimezone(dt.UTC) == dt.timedelta(days=7, hours=1)
    assert after.time() == dt.time(10)
    assert schedule.describe("fortnightly", 1, dt.time(10, 30)) == (
        "Every two weeks on Tuesday at 10:30"
    )
