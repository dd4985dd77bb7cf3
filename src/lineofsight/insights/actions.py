"""Writes of the insights app: refreshing the stored dashboard figures.

``take_snapshots`` is what ``lineofsight snapshot`` (and the demo loader) runs. It decides
which weeks of which cycles to compute, computes them outside any transaction (reading only),
then replaces their rows in one short transaction, with an audit row. Running it twice
stores the same figures; two runs at once serialise on the cycle rows and the later one
wins with figures that are just as current.
"""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lineofsight.core import audit
from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.goals.models import Cycle
from lineofsight.insights import aggregate
from lineofsight.insights.access import InsightViewer
from lineofsight.insights.models import AtRiskKeyResult, WeeklyFigures
from lineofsight.insights.snapshots import (
    Week,
    compute_week,
    end_of_day,
    load_cycle,
    load_organisation,
)
from lineofsight.people.models import Person
from lineofsight.people.selectors import organisation_time_zone


@dataclass(frozen=True)
class Planned:
    cycle: Cycle
    week_ending: dt.date
    as_of: dt.datetime
    live: bool  # the week is still running: figures as of now, from the stored roll-ups


@dataclass(frozen=True)
class WeekReport:
    cycle: str
    week_ending: dt.date
    as_of: dt.datetime
    in_progress: bool
    key_results: int
    rows: int
    at_risk: int | None  # rows of the at-risk list written with this week (None: untouched)
    seconds: float


def _stored_as_of(cycle: Cycle) -> dict[dt.date, dt.datetime]:
    rows = (
        WeeklyFigures.objects.filter(cycle=cycle, subject=aggregate.ORGANISATION)
        .values("week_ending")
        .annotate(latest=Max("as_of"))
        .values_list("week_ending", "latest")
    )
    return dict(rows)


def plan_weeks(
    cycle: Cycle, *, now: dt.datetime, tz: zoneinfo.ZoneInfo, backfill: bool
) -> list[Planned]:
    """The weeks of ``cycle`` a run computes, oldest first.

    Always the week in progress (as of now). Of the weeks that are over: with ``backfill``,
    every one; otherwise those stored before they ended (to finalise them) and the most
    recent one when it is missing, so a run at least once a week keeps a complete history.
    """
    weeks = aggregate.week_endings(cycle.start_date, cycle.end_date)
    today = timezone.localtime(now, tz).date()
    ended = [w for w in weeks if end_of_day(w, tz) <= now]
    stored = {} if backfill else _stored_as_of(cycle)
    planned: list[Planned] = []
    for w in ended:
        end = end_of_day(w, tz)
        if backfill or (w in stored and stored[w] < end) or (w == ended[-1] and w not in stored):
            planned.append(Planned(cycle, w, end, False))
    if cycle.start_date <= today <= cycle.end_date:
        # Today's week has not ended (its last day is not over), so it is never in ``ended``.
        current = aggregate.week_ending_for(cycle.start_date, cycle.end_date, today)
        planned.append(Planned(cycle, current, now, True))
    return planned


def _default_cycles(now: dt.datetime, tz: zoneinfo.ZoneInfo) -> list[Cycle]:
    """Cycles under way today, and cycles with weeks stored before they ended."""
    today = timezone.localtime(now, tz).date()
    running = set(
        Cycle.objects.filter(start_date__lte=today, end_date__gte=today).values_list(
            "pk", flat=True
        )
    )
    unfinished = {
        cycle_id
        for cycle_id, week, as_of in WeeklyFigures.objects.filter(
            subject=aggregate.ORGANISATION, week_ending__lt=today
        )
        .values_list("cycle_id", "week_ending", "as_of")
        .distinct()
        if as_of < end_of_day(week, tz)
    }
    return list(Cycle.objects.filter(pk__in=running | unfinished).order_by("start_date", "pk"))


def _figure_rows(week: Week, computed_at: dt.datetime) -> list[WeeklyFigures]:
    rows = []
    for (scope, subject, pk), t in week.tallies.items():
        rows.append(
            WeeklyFigures(
                cycle=week.cycle,
                week_ending=week.week_ending,
                scope=scope,
                subject=subject,
                team_id=pk if subject == aggregate.TEAM else None,
                objective_id=pk if subject == aggregate.OBJECTIVE else None,
                progress=t.progress,
                objectives=t.objectives,
                key_results=t.key_results,
                on_track=t.statuses["on_track"],
                at_risk=t.statuses["at_risk"],
                off_track=t.statuses["off_track"],
                stale=t.statuses["stale"],
                pending=t.statuses["pending"],
                not_started=t.statuses["not_started"],
                likely_to_miss=t.likely_to_miss,
                could_miss=t.could_miss,
                periods_due=t.periods_due,
                periods_kept=t.periods_kept,
                as_of=week.as_of,
                computed_at=computed_at,
            )
        )
    return rows


def _at_risk_rows(week: Week) -> list[AtRiskKeyResult]:
    return [
        AtRiskKeyResult(
            cycle=week.cycle,
            key_result_id=item.key_result_id,
            status=item.status,
            confidence=item.confidence,
            progress=item.progress,
            expected=item.expected,
            miss_risk=item.miss_risk,
            forecast_progress=item.forecast_progress,
            forecast_low=item.forecast_low,
            forecast_high=item.forecast_high,
            success=item.success,
            rank=item.rank,
            as_of=week.as_of,
        )
        for item in week.at_risk
    ]


def take_snapshots(
    *,
    acting_user: Person | None,
    cycles: Iterable[Cycle] | None = None,
    backfill: bool = False,
    now: dt.datetime | None = None,
) -> list[WeekReport]:
    """Refresh the stored dashboard figures.

    ``cycles`` defaults to the cycles under way today (and any with a week stored before it
    ended); ``backfill`` recomputes every week that is over from the history. ``acting_user``
    is None for the operator (the command line); a person must be HR.
    """
    if acting_user is not None and not InsightViewer.of(acting_user).can_refresh_dashboards():
        raise NotAllowed("Only HR can refresh the dashboards' stored figures.")
    now = now or timezone.now()
    tz = zoneinfo.ZoneInfo(organisation_time_zone())
    today = timezone.localtime(now, tz).date()
    chosen = _default_cycles(now, tz) if cycles is None else list(cycles)
    for cycle in chosen:
        if cycle.start_date > today:
            raise InvalidInput.one(
                "cycle",
                f"{cycle.name} starts on {cycle.start_date.isoformat()}: it has no figures yet.",
            )
    plans = [p for cycle in chosen for p in plan_weeks(cycle, now=now, tz=tz, backfill=backfill)]
    if not plans:
        return []
    org = load_organisation()
    weeks: list[tuple[Week, float]] = []
    for cycle in chosen:
        mine = [p for p in plans if p.cycle.pk == cycle.pk]
        if not mine:
            continue
        data = load_cycle(cycle, tz, until=max(p.as_of for p in mine))
        for p in mine:
            started = time.perf_counter()
            week = compute_week(data, org, week_ending=p.week_ending, as_of=p.as_of, live=p.live)
            weeks.append((week, time.perf_counter() - started))
    latest: dict[int, Week] = {}
    for week, _ in weeks:
        if week.cycle.pk not in latest or week.week_ending > latest[week.cycle.pk].week_ending:
            latest[week.cycle.pk] = week
    reports: list[WeekReport] = []
    computed_at = timezone.now()
    with transaction.atomic():
        # Serialise concurrent runs on the cycles they write.
        list(Cycle.objects.select_for_update().filter(pk__in=list(latest)).values_list("pk"))
        for week, seconds in weeks:
            WeeklyFigures.objects.filter(cycle=week.cycle, week_ending=week.week_ending).delete()
            rows = WeeklyFigures.objects.bulk_create(
                _figure_rows(week, computed_at), batch_size=500
            )
            at_risk: int | None = None
            if latest[week.cycle.pk] is week:
                AtRiskKeyResult.objects.filter(cycle=week.cycle).delete()
                at_risk = len(
                    AtRiskKeyResult.objects.bulk_create(_at_risk_rows(week), batch_size=500)
                )
            reports.append(
                WeekReport(
                    week.cycle.name,
                    week.week_ending,
                    week.as_of,
                    week.as_of < end_of_day(week.week_ending, tz),
                    week.key_results,
                    len(rows),
                    at_risk,
                    seconds,
                )
            )
        audit.record(
            actor=acting_user,
            action="insights.snapshot",
            data={
                "backfill": backfill,
                "weeks": [
                    {"cycle": r.cycle, "week_ending": r.week_ending.isoformat()} for r in reports
                ],
            },
        )
    return reports


def backfill_started_cycles(*, now: dt.datetime | None = None) -> list[WeekReport]:
    """Every cycle that has started, its weekly history rebuilt (for a freshly loaded
    organisation, such as the demo)."""
    now = now or timezone.now()
    today = timezone.localtime(now, zoneinfo.ZoneInfo(organisation_time_zone())).date()
    cycles = Cycle.objects.filter(start_date__lte=today).order_by("start_date", "pk")
    return take_snapshots(acting_user=None, cycles=list(cycles), backfill=True, now=now)
