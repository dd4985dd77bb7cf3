"""Live figures of key results for the team and person dashboards: each key result's
readings (the latest check-in of each day), its pace and forecast and its check-in
discipline, and the objectives they belong to."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from lineofsight.goals import tracking
from lineofsight.goals.models import Cycle, KeyResult, Objective
from lineofsight.insights import discipline
from lineofsight.insights.charts import figure
from lineofsight.insights.dashboards.common import org_tz
from lineofsight.insights.discipline import Discipline


@dataclass(frozen=True)
class Reading:
    """The latest check-in of one day."""

    day: dt.date
    value: float | None
    done: bool | None
    progress: float
    confidence: str


@dataclass
class KeyResultFigures:
    key_result: KeyResult
    tracking: tracking.KeyResultTracking
    cycle_start: dt.date
    cycle_end: dt.date
    readings: list[Reading] = field(default_factory=list)
    discipline: Discipline = discipline.NOTHING

    @property
    def pk(self) -> int:
        return int(self.key_result.pk)

    @property
    def progress(self) -> float:
        return figure(self.key_result.progress)

    @property
    def expected(self) -> float:
        return figure(self.tracking.pace.expected)

    @property
    def success(self) -> float:
        return figure(self.tracking.success)

    @property
    def forecast(self) -> tuple[float, float, float] | None:
        f = self.tracking.forecast
        if f is None:
            return None
        return figure(f.progress), figure(f.progress_low), figure(f.progress_high)

    @property
    def has_trend(self) -> bool:
        """Whether the forecast draws a projection (a fitted or held line, not a final or
        unknown figure)."""
        f = self.tracking.forecast
        return f is not None and f.method in ("linear", "hold") and bool(self.readings)

    @property
    def is_paced(self) -> bool:
        """Whether "even pace" means something: a key result moving from a start to a target."""
        return self.key_result.kind in ("increase", "decrease")


def _readings(rows: Iterable[tracking.CheckInRow]) -> list[Reading]:
    """The latest reading of each day, oldest first (the rows come oldest first)."""
    by_day: dict[dt.date, Reading] = {}
    for row in rows:
        by_day[row.day] = Reading(
            row.day,
            None if row.value is None else figure(row.value),
            row.done,
            figure(row.progress),
            row.confidence,
        )
    return list(by_day.values())


def key_result_figures(
    key_results: Sequence[KeyResult],
    tracked: dict[int, tracking.KeyResultTracking],
    *,
    window: Cycle,
    now: dt.datetime,
    check_ins: dict[int, list[tracking.CheckInRow]],
    readings_for: Collection[int] | None = None,
) -> dict[int, KeyResultFigures]:
    """Readings and discipline of tracked key results, from the check-ins tracking read for
    them (``track_objectives(detail=True)``, ``track_key_results``): no query.

    Readings are kept for the key results of ``readings_for`` only (all when None): those a
    page draws; discipline is worked out for all. The key results need their ``cycle``
    loaded."""
    tz = org_tz()
    krs = [kr for kr in key_results if kr.pk in tracked]
    if not krs:
        return {}
    # Tracking read from the earliest cycle's first day to the end of today.
    earliest = dt.datetime.combine(min(kr.cycle.start_date for kr in krs), dt.time.min, tzinfo=tz)
    through = min(discipline.last_complete_day(timezone.localtime(now, tz)), window.end_date)
    out: dict[int, KeyResultFigures] = {}
    for kr in krs:
        item = tracked[kr.pk]
        cycle = kr.cycle
        rows = [row for row in check_ins.get(kr.pk, ()) if earliest <= row.at <= now]
        mine: list[Reading] = []
        if readings_for is None or kr.pk in readings_for:
            mine = [
                r for r in _readings(rows) if cycle.start_date <= r.day <= cycle.end_date
            ]
        kept = discipline.NOTHING
        if kr.source == KeyResult.Source.CHECK_INS:
            kept = discipline.discipline(
                cycle_start=cycle.start_date,
                cycle_end=cycle.end_date,
                cadence_days=item.cadence.days,
                check_in_days=[row.day for row in rows],
                through=through,
                added=timezone.localtime(kr.created_at, tz).date(),
                window=(window.start_date, window.end_date),
            )
        out[kr.pk] = KeyResultFigures(kr, item, cycle.start_date, cycle.end_date, mine, kept)
    return out


def total_discipline(items: Iterable[KeyResultFigures]) -> Discipline:
    total = discipline.NOTHING
    for item in items:
        total = total + item.discipline
    return total


@dataclass(frozen=True)
class ObjectiveBlock:
    objective: Objective
    progress: float
    tracking: tracking.ObjectiveTracking | None
    key_results: list[KeyResultFigures]

    @property
    def forecast(self) -> tuple[float, float, float] | None:
        f = self.tracking.forecast if self.tracking else None
        if f is None:
            return None
        return figure(f.progress), figure(f.progress_low), figure(f.progress_high)


def objective_blocks(
    objectives: Sequence[Objective],
    tracked: dict[int, tracking.ObjectiveTracking],
    figures_by_kr: dict[int, KeyResultFigures],
) -> list[ObjectiveBlock]:
    by_objective: dict[int, list[KeyResultFigures]] = defaultdict(list)
    for item in sorted(
        figures_by_kr.values(), key=lambda f: (f.key_result.position, f.key_result.pk)
    ):
        by_objective[item.key_result.objective_id].append(item)
    return [
        ObjectiveBlock(o, figure(o.progress), tracked.get(o.pk), by_objective.get(o.pk, []))
        for o in objectives
    ]
