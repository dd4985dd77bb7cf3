"""When a series' meetings fall: pure date arithmetic, no Django, no database.

A series meets on one weekday at one time of day, in the organisation's time zone: every
week, every two weeks, or once a month (the same weekday in the same week of the month as
its first meeting: "the second Tuesday"; a fifth week counts as the fourth, so no month is
skipped).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

WEEKLY = "weekly"
FORTNIGHTLY = "fortnightly"
MONTHLY = "monthly"
CADENCES = (WEEKLY, FORTNIGHTLY, MONTHLY)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# How far back "since last time" reaches for a first meeting.
FIRST_LOOKBACK = {WEEKLY: 7, FORTNIGHTLY: 14, MONTHLY: 31}


def first_on_or_after(day: dt.date, weekday: int) -> dt.date:
    """The first date on or after ``day`` that falls on ``weekday`` (0 = Monday)."""
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _week_of_month(day: dt.date) -> int:
    return min((day.day - 1) // 7, 3)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = first_on_or_after(dt.date(year, month, 1), weekday)
    return first + dt.timedelta(days=7 * n)


def following(day: dt.date, cadence: str) -> dt.date:
    """The date of the meeting after the one on ``day``."""
    if cadence == WEEKLY:
        return day + dt.timedelta(days=7)
    if cadence == FORTNIGHTLY:
        return day + dt.timedelta(days=14)
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return _nth_weekday(year, month, day.weekday(), _week_of_month(day))


def at(day: dt.date, time: dt.time, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """The instant of ``time`` on ``day`` in the organisation's time zone."""
    return dt.datetime.combine(day, time, tzinfo=tz)


def next_slot_after(
    previous: dt.date | None,
    *,
    cadence: str,
    weekday: int,
    time: dt.time,
    tz: zoneinfo.ZoneInfo,
    now: dt.datetime,
) -> dt.datetime:
    """The next planned meeting: the slot after ``previous`` (the last one planned), or the
    first slot still ahead of ``now`` when there is none or it lies far behind."""
    today = now.astimezone(tz).date()
    if previous is not None:
        day = following(previous, cadence)
        while at(day, time, tz) <= now:
            day = following(day, cadence)
        return at(day, time, tz)
    day = first_on_or_after(today, weekday)
    if at(day, time, tz) <= now:
        day = first_on_or_after(today + dt.timedelta(days=1), weekday)
    return at(day, time, tz)


def describe(cadence: str, weekday: int, time: dt.time) -> str:
    """ "Weekly on Tuesday at 10:00"."""
    word = {WEEKLY: "Weekly", FORTNIGHTLY: "Every two weeks", MONTHLY: "Monthly"}[cadence]
    return f"{word} on {WEEKDAYS[weekday]} at {time:%H:%M}"
