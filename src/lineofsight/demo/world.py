"""What the parts of the demo share: the calendar it is laid out on, and the world the
loader builds (``DemoWorld``: its people, teams and calendar), which the reviews, feedback,
calibration and closing parts read without knowing the loader."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from lineofsight.goals.models import Cycle
    from lineofsight.people.models import Person, Team


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    next_start = (
        dt.date(day.year + 1, 1, 1) if first_month == 10 else dt.date(day.year, first_month + 3, 1)
    )
    return start, next_start - dt.timedelta(days=1)


def quarter_name(start: dt.date) -> str:
    return f"Q{(start.month - 1) // 3 + 1} {start.year}"


@dataclass
class Plan:
    """The calendar the demo is laid out on."""

    tz: zoneinfo.ZoneInfo
    now: dt.datetime
    quarters: dict[str, Cycle] = field(default_factory=dict)  # phase: quarter
    years: dict[int, Cycle] = field(default_factory=dict)  # calendar year: annual cycle

    def at(self, day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=self.tz)

    def year_of(self, quarter: Cycle) -> Cycle:
        return self.years[quarter.start_date.year]

    def week_time(self, quarter: Cycle, week: int, minutes: int) -> dt.datetime:
        """When week ``week`` (1-13) of a quarter gets its check-ins (a Thursday-ish slot)."""
        day = quarter.start_date + dt.timedelta(days=7 * week - 4)
        return self.at(day, 15) + dt.timedelta(minutes=minutes)

    def planning_time(self, quarter: Cycle) -> dt.datetime:
        """Quarter OKRs are written in the two days before the quarter starts."""
        return self.at(quarter.start_date - dt.timedelta(days=2), 9)


class DemoWorld(Protocol):
    """What the loader (``demo.loader.DemoLoader``) hands the other parts of the demo."""

    people: dict[str, Person]
    teams: dict[str, Team]
    plan: Plan
