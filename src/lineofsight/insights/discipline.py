"""Check-in discipline: were check-ins made on time?

Pure: dates in, counts out; no Django, no database, no clock.

The definition, for one key result measured by check-ins:

* Its cycle is cut into **periods** of its cadence (7, 14 or 30 days), counted from the
  cycle's first day: period k runs from ``start + k x days`` to the day before the next one;
  the last period ends with the cycle.
* A period is **due** once it has ended (its last day is over), provided it ended on or
  after the day the key result was added, and inside the window being looked at (a quarter's
  dashboard looks only at periods that end inside the quarter, also for a key result set
  for the whole year).
* A due period was **kept** when at least one check-in was recorded on one of its days (in
  the organisation's time zone). A late check-in counts for the period it falls in, not for
  the one it made up for.
* **Discipline** is kept / due: the share of check-ins made on time. With nothing due yet
  there is no figure (not 100 %).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class Discipline:
    due: int
    kept: int

    @property
    def missed(self) -> int:
        return self.due - self.kept

    @property
    def share(self) -> float | None:
        """Kept / due, or None when nothing was due yet."""
        return self.kept / self.due if self.due else None

    def __add__(self, other: Discipline) -> Discipline:
        return Discipline(self.due + other.due, self.kept + other.kept)


NOTHING = Discipline(0, 0)


def periods(cycle_start: dt.date, cycle_end: dt.date, days: int) -> tuple[Period, ...]:
    """The cadence periods of a cycle, in order; the last one ends with the cycle."""
    if days <= 0:
        raise ValueError("A cadence period lasts at least one day.")
    return _periods(cycle_start, cycle_end, days)


@lru_cache(maxsize=256)
def _periods(cycle_start: dt.date, cycle_end: dt.date, days: int) -> tuple[Period, ...]:
    out = []
    first = cycle_start
    while first <= cycle_end:
        last = min(first + dt.timedelta(days=days - 1), cycle_end)
        out.append(Period(first, last))
        first = last + dt.timedelta(days=1)
    return tuple(out)


def discipline(
    *,
    cycle_start: dt.date,
    cycle_end: dt.date,
    cadence_days: int,
    check_in_days: Iterable[dt.date],
    through: dt.date,
    added: dt.date | None = None,
    window: tuple[dt.date, dt.date] | None = None,
) -> Discipline:
    """Periods due and kept by the end of ``through`` (the last day that is over).

    ``check_in_days`` may repeat days and come in any order. ``added`` is the day the key
    result was created (periods that ended before it are not due); ``window`` limits the
    periods to those ending inside it (a dashboard's cycle).
    """
    days = sorted(check_in_days)
    due = kept = 0
    for period in periods(cycle_start, cycle_end, cadence_days):
        if period.last > through:
            break
        if added is not None and period.last < added:
            continue
        if window is not None and not window[0] <= period.last <= window[1]:
            continue
        due += 1
        i = bisect_left(days, period.first)
        if i < len(days) and days[i] <= period.last:
            kept += 1
    return Discipline(due, kept)


def last_complete_day(local_instant: dt.datetime) -> dt.date:
    """The last day that is over at ``local_instant`` (a datetime in the organisation's time
    zone): its own day when it is the day's final microsecond, else the day before."""
    end_of_day = local_instant.time() == dt.time.max
    return local_instant.date() if end_of_day else local_instant.date() - dt.timedelta(days=1)
