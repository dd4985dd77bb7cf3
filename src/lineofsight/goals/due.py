"""What is due: when a key result's next check-in is due, how many periods were missed, and
the periods reminders, escalations and digests are counted in.

Pure: plain values in, plain values out; no Django, no database, no clock (``today`` is an
argument). The day arithmetic itself lives in ``goals.pace`` (``next_due``,
``missed_periods``, ``is_stale``); this module adds the rules built on it:

* **Effective cadence.** A key result follows its cycle's cadence unless a team its owner
  belongs to sets one; when several of the owner's teams do, the most frequent wins (weekly
  before every two weeks before monthly), so nobody is asked less often than one of their
  teams expects.
* **Due.** Inside the cycle, a key result is *due* from its next-due day on: *due today* on
  that day, *overdue* once the day has passed (one missed period or more). Periods count
  from the day the key result began: the cycle's first day, or the day it was created or
  carried over when that is later (``pace.began_on``); a key result added today is never
  overdue. Before then and after the cycle ends nothing is due.
* **Reminder period.** A person is reminded at most once per period, a calendar window of
  the most frequent cadence among their due key results: the week (Monday to Sunday), the
  fortnight (two such weeks) or the month. The first run in a window that finds something
  due sends one reminder listing everything due; a key result still due in the next window
  is reminded again then, whatever the number of runs in between.
* **Streak.** An overdue key result's streak of missed check-ins is identified by the day its
  check-in was first due; it ends with the next check-in. A person's streak is identified by
  the earliest such day among their key results at the escalation count or beyond.
* **Digest week.** Each digest week starts on the organisation's digest weekday and lasts
  seven days. A person gets one digest per digest week: the first run on or after the
  weekday sends it, so a week whose weekday had no run still gets its digest at the next run
  (a catch-up). Weeks never overlap for a person: when the weekday changes, a digest sent
  less than seven days before the new week's first day (or after it) stands for that week.
  "What moved" compares each key result with where it stood seven days before the run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from lineofsight.core.words import WEEKDAYS
from lineofsight.goals.pace import began_on, missed_periods, next_due
from lineofsight.people.cadence import Cadence

# Most frequent first: the order in which team overrides win.
CADENCE_PRIORITY: tuple[Cadence, ...] = (Cadence.WEEKLY, Cadence.BIWEEKLY, Cadence.MONTHLY)
DIGEST_WINDOW_DAYS = 7


def most_frequent(cadences: Iterable[str]) -> Cadence | None:
    """The most frequent of some cadences (blank values ignored), or None when there is none."""
    found = {Cadence(c) for c in cadences if c}
    for cadence in CADENCE_PRIORITY:
        if cadence in found:
            return cadence
    return None


def effective_cadence(cycle_cadence: str, team_cadences: Iterable[str] = ()) -> Cadence:
    """The cadence a key result follows: the most frequent override among its owner's teams,
    else its cycle's."""
    return most_frequent(team_cadences) or Cadence(cycle_cadence)


class DueState(StrEnum):
    NOT_STARTED = "not_started"
    UPCOMING = "upcoming"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return {
            "not_started": "Cycle not started",
            "upcoming": "Not due yet",
            "due_today": "Due today",
            "overdue": "Overdue",
            "ended": "Cycle ended",
        }[self.value]

    @property
    def is_due(self) -> bool:
        return self in (DueState.DUE_TODAY, DueState.OVERDUE)


@dataclass(frozen=True)
class Due:
    """Where one key result stands against its check-in cadence on ``today``."""

    state: DueState
    cadence: Cadence
    next_due: dt.date | None  # the day the next check-in is (or was) due; None outside the cycle
    missed: int  # cadence periods ended without a check-in
    streak_start: dt.date | None  # the first missed due day, while it is overdue

    @property
    def is_due(self) -> bool:
        return self.state.is_due

    def describe(self, today: dt.date) -> str:
        """A short phrase for lists: "due today", "overdue: 2 check-ins missed"..."""
        if self.state is DueState.OVERDUE:
            missed = f"{self.missed} check-in{'' if self.missed == 1 else 's'} missed"
            return f"Overdue since {fmt_day(self.next_due)}: {missed}"
        if self.state is DueState.DUE_TODAY:
            return "Due today"
        if self.state is DueState.UPCOMING:
            assert self.next_due is not None
            days = (self.next_due - today).days
            if days <= 0:
                return "Checked in for the cycle's last period"
            return f"Due {fmt_day(self.next_due)} (in {days} day{'' if days == 1 else 's'})"
        return self.state.label


def fmt_day(day: dt.date | None) -> str:
    """Dates like "Thu 5 Nov", for lists and messages."""
    if day is None:
        return "\u2013"
    return f"{WEEKDAYS[day.weekday()][:3]} {day.day} {day.strftime('%b')}"


def due(
    *,
    cycle_start: dt.date,
    cycle_end: dt.date,
    last_check_in: dt.date | None,
    cadence: Cadence | str,
    today: dt.date,
    began: dt.date | None = None,
) -> Due:
    """The due state of one key result on ``today`` (see the module's rules); ``began`` is
    the day it was created or carried over."""
    cadence = Cadence(cadence)
    if today < began_on(cycle_start, began):
        return Due(DueState.NOT_STARTED, cadence, None, 0, None)
    if today > cycle_end:
        return Due(DueState.ENDED, cadence, None, 0, None)
    due_day = next_due(
        cycle_start=cycle_start,
        cycle_end=cycle_end,
        last_check_in=last_check_in,
        cadence=cadence,
        began=began,
    )
    assert due_day is not None
    missed = missed_periods(
        cycle_start=cycle_start,
        last_check_in=last_check_in,
        cadence=cadence,
        today=today,
        began=began,
    )
    if today < due_day or (last_check_in is not None and last_check_in >= due_day):
        # Not due yet; or checked in on the cycle's last day, which is as late as it gets.
        return Due(DueState.UPCOMING, cadence, due_day, 0, None)
    if missed == 0:
        return Due(DueState.DUE_TODAY, cadence, due_day, 0, None)
    return Due(DueState.OVERDUE, cadence, due_day, missed, due_day)


# Fortnights are counted from a Monday, so they always run Monday to Sunday.
FORTNIGHT_EPOCH = dt.date(2001, 1, 1)


def reminder_window(cadence: Cadence, today: dt.date) -> dt.date:
    """The first day of the calendar window ``today`` falls in for a cadence: its week
    (Monday to Sunday), its fortnight (two such weeks) or its month."""
    if cadence is Cadence.MONTHLY:
        return today.replace(day=1)
    monday = today - dt.timedelta(days=today.weekday())
    if cadence is Cadence.BIWEEKLY:
        weeks = (monday - FORTNIGHT_EPOCH).days // 7
        return monday - dt.timedelta(weeks=weeks % 2)
    return monday


def reminder_period(dues: Iterable[Due], today: dt.date) -> tuple[Cadence, dt.date] | None:
    """The reminder period of a person with these key results on ``today``: the calendar
    window of the most frequent cadence among those due (a week, a fortnight or a month), or
    None when nothing is due. A person gets at most one reminder per period: the first run
    that finds something due sends it, listing everything due."""
    due_now = [d for d in dues if d.is_due]
    cadence = most_frequent(d.cadence for d in due_now)
    if cadence is None:
        return None
    return cadence, reminder_window(cadence, today)


def escalation_streak(dues: Iterable[Due], after_misses: int) -> dt.date | None:
    """The streak to escalate: the earliest first-missed day among key results that have
    missed ``after_misses`` check-ins or more in a row, or None when none has."""
    starts = [
        d.streak_start
        for d in dues
        if d.streak_start is not None and d.missed >= max(1, after_misses)
    ]
    return min(starts) if starts else None


def digest_week(today: dt.date, digest_weekday: int) -> dt.date:
    """The first day of the digest week ``today`` falls in: the latest digest weekday on or
    before it."""
    return today - dt.timedelta(days=(today.weekday() - digest_weekday) % 7)


def digest_weeks_near(week: dt.date) -> tuple[dt.date, ...]:
    """Every first day of a digest week that would overlap the week starting on ``week``
    (whatever the weekday was when it was sent): the thirteen days around it."""
    return tuple(
        week + dt.timedelta(days=d) for d in range(-DIGEST_WINDOW_DAYS + 1, DIGEST_WINDOW_DAYS)
    )


def digest_due(week: dt.date, sent_weeks: Iterable[dt.date]) -> bool:
    """Whether a person's digest for the digest week starting on ``week`` is still to send:
    no digest of theirs went out for that week or for one overlapping it (one starting less
    than seven days before or after, sent before the weekday changed)."""
    return all(abs((sent - week).days) >= DIGEST_WINDOW_DAYS for sent in sent_weeks)


def digest_since(today: dt.date) -> dt.date:
    """The first day of the week a digest looks back over (seven days, today excluded)."""
    return today - dt.timedelta(days=DIGEST_WINDOW_DAYS)
