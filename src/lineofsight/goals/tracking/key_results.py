"""Pace and forecast of key results: their inputs read for a batch with a fixed number of
queries (the key results' cycles and objectives, their owners' team cadences, their check-ins)
and the pure rules of ``goals.pace`` and ``goals.forecast`` applied to each."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from django.db import connection

from lineofsight.goals import forecast as fc
from lineofsight.goals import pace as pc
from lineofsight.goals import scoring
from lineofsight.goals.models import CheckIn, Cycle, KeyResult, Objective
from lineofsight.goals.tracking import stored as stored_forecasts
from lineofsight.goals.tracking.context import (
    CHUNK,
    TrackingContext,
    cadence_overrides,
    effective_cadence,
    tracking_context,
)
from lineofsight.people.cadence import Cadence

# What tracking reads of a key result (and of its cycle).
TRACKED_FIELDS = (
    "id",
    "objective_id",
    "cycle_id",
    "owner_id",
    "title",
    "kind",
    "unit",
    "start_value",
    "target_value",
    "weight",
    "source",
    "state",
    "position",
    "progress",
    "done",
    "confidence",
    "last_check_in_at",
    "created_at",
    "cycle__start_date",
    "cycle__end_date",
    "cycle__check_in_cadence",
    "forecast",
    "forecast_key",
)
# And what pages drawing them show besides (``detail``): its cycle's name and its owner's
# name.
DETAIL_FIELDS = (
    *TRACKED_FIELDS,
    "cycle__name",
    "owner__username",
    "owner__display_name",
    "owner__first_name",
    "owner__last_name",
)


@dataclass(frozen=True)
class KeyResultTracking:
    """A key result's pace and forecast on ``today``, with what they were computed from."""

    key_result_id: int
    objective_id: int
    cycle_id: int
    weight: float
    cadence: Cadence
    success: float  # the progress that counts as success (by the objective's commitment)
    confidence: str | None  # the owner's latest call, shown beside the pace, never replaced
    pace: pc.Pace
    forecast: fc.Forecast | None  # None when forecasts were not asked for
    aligned: bool = False  # rolls up from aligned objectives (takes no check-ins)

    @property
    def status(self) -> pc.PaceStatus:
        return self.pace.status

    @property
    def needs_attention(self) -> bool:
        return self.pace.status.needs_attention

    @property
    def likely_to_miss(self) -> bool:
        return self.forecast is not None and self.forecast.likely_to_miss


def _is_tracked(kr: KeyResult, objective_state: str) -> bool:
    return kr.state == KeyResult.State.ACTIVE and objective_state != Objective.State.ABANDONED


def load_cycles(krs: Sequence[KeyResult]) -> dict[int, Cycle]:
    cached = {kr.cycle_id: kr.cycle for kr in krs if KeyResult.cycle.is_cached(kr)}
    missing = {kr.cycle_id for kr in krs} - set(cached)
    if missing:
        cached.update(Cycle.objects.in_bulk(sorted(missing)))
    return cached


def _load_objective_facts(krs: Sequence[KeyResult]) -> dict[int, tuple[str, str]]:
    """(commitment, state) per objective of the batch."""
    facts = {
        kr.objective_id: (kr.objective.commitment, kr.objective.state)
        for kr in krs
        if KeyResult.objective.is_cached(kr)
    }
    missing = sorted({kr.objective_id for kr in krs} - set(facts))
    for start in range(0, len(missing), CHUNK):
        rows = Objective.objects.filter(pk__in=missing[start : start + CHUNK]).values_list(
            "pk", "commitment", "state"
        )
        facts.update({pk: (commitment, state) for pk, commitment, state in rows})
    return facts


def _forecast_inputs(krs: Sequence[KeyResult]) -> list[KeyResult]:
    """The key results a forecast fits a line to: numeric ones taking check-ins."""
    return [
        kr
        for kr in krs
        if kr.source == KeyResult.Source.CHECK_INS and kr.kind != scoring.KeyResultKind.MILESTONE
    ]


class CheckInRow(NamedTuple):
    """One check-in as tracking reads it: its instant (aware) and day in the organisation's
    time zone, its reading and the owner's call."""

    at: dt.datetime
    day: dt.date
    value: float | None
    done: bool | None
    progress: float
    confidence: str


# Run for every page that shows forecasts, so written once as plain SQL: compiling the ORM
# query and converting each instant through it costs more than running it. Only the table
# name (from the model) is interpolated; every value is a query parameter.
_POINTS_SQL = (
    f"SELECT key_result_id, recorded_at, value FROM {CheckIn._meta.db_table} "  # noqa: S608
    "WHERE ({windows}) AND recorded_at < %s AND value IS NOT NULL "
    "ORDER BY key_result_id, recorded_at, id"
)
_HISTORY_SQL = (
    "SELECT key_result_id, recorded_at, value, done, progress, confidence "  # noqa: S608
    f"FROM {CheckIn._meta.db_table} WHERE ({{windows}}) AND recorded_at < %s "
    "ORDER BY key_result_id, recorded_at, id"
)
_WINDOW = "(key_result_id IN ({ids}) AND recorded_at >= %s)"


def _read_check_ins(
    sql: str, krs: Sequence[KeyResult], cycles: dict[int, Cycle], ctx: TrackingContext
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sql`` for the batch's check-ins, each key result's from its own cycle's
    first day (a quarter's key results do not read the year's) up to the end of today: one
    query per ``CHUNK`` key results, oldest first per key result."""
    adapt = connection.ops.adapt_datetimefield_value
    until = adapt(ctx.day_start(ctx.today + dt.timedelta(days=1)))
    starts = {kr.pk: cycles[kr.cycle_id].start_date for kr in krs}
    ids = sorted(starts)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            by_start: dict[dt.date, list[int]] = defaultdict(list)
            for kr_id in ids[start : start + CHUNK]:
                by_start[starts[kr_id]].append(kr_id)
            windows, params = [], []
            for first_day, chunk in sorted(by_start.items()):
                windows.append(_WINDOW.format(ids=", ".join(["%s"] * len(chunk))))
                params += [*chunk, adapt(ctx.day_start(first_day))]
            cursor.execute(sql.format(windows=" OR ".join(windows)), [*params, until])
            yield from cursor.fetchall()


def _load_points(
    krs: Sequence[KeyResult], cycles: dict[int, Cycle], ctx: TrackingContext
) -> dict[int, list[fc.Point]]:
    """The readings of the batch's numeric key results in their cycles, up to today, oldest
    first (so the latest of a day comes last)."""
    wanted = _forecast_inputs(krs)
    points: dict[int, list[fc.Point]] = defaultdict(list)
    if not wanted:
        return points
    tz = ctx.tz
    for kr_id, at, value in _read_check_ins(_POINTS_SQL, wanted, cycles, ctx):
        points[kr_id].append(fc.Point(_instant(at).astimezone(tz).date(), value))
    return points


def _load_history(
    krs: Sequence[KeyResult], cycles: dict[int, Cycle], ctx: TrackingContext
) -> dict[int, list[CheckInRow]]:
    """Every check-in of the batch in their cycles up to the end of today, oldest first: what
    forecasts fit and dashboards draw, read in one pass instead of two."""
    history: dict[int, list[CheckInRow]] = defaultdict(list)
    if not krs:
        return history
    tz = ctx.tz
    utc = dt.UTC
    rows = _read_check_ins(_HISTORY_SQL, krs, cycles, ctx)
    for kr_id, raw, value, done, progress, confidence in rows:
        # As ``_instant``, written out: this runs for every check-in a dashboard reads.
        at = raw if isinstance(raw, dt.datetime) else dt.datetime.fromisoformat(raw)
        if at.tzinfo is None:
            at = at.replace(tzinfo=utc)
        flag = None if done is None else bool(done)
        history[kr_id].append(
            CheckInRow(at, at.astimezone(tz).date(), value, flag, progress, confidence)
        )
    return history


def _points_from(
    history: dict[int, list[CheckInRow]], krs: Sequence[KeyResult]
) -> dict[int, list[fc.Point]]:
    """What ``_load_points`` reads, taken from check-ins already read."""
    return {
        kr.pk: [
            fc.Point(row.day, row.value) for row in history.get(kr.pk, ()) if row.value is not None
        ]
        for kr in _forecast_inputs(krs)
    }


def _instant(raw: dt.datetime | str) -> dt.datetime:
    """A stored instant as an aware datetime (SQLite hands back text, in UTC)."""
    value = raw if isinstance(raw, dt.datetime) else dt.datetime.fromisoformat(raw)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _aligned_pace(pace: pc.Pace) -> pc.Pace:
    return replace(
        pace,
        due_by=None,
        explanation="Rolls up from the objectives aligned to it, which carry their own "
        "check-ins, so it is never stale on its own. " + pace.explanation,
    )


def _aligned_forecast(progress: float, success: float) -> fc.Forecast:
    return fc.Forecast(
        None,
        None,
        None,
        progress,
        progress,
        progress,
        success,
        fc.MissRisk.UNKNOWN,
        "aligned",
        "Rolls up from the objectives aligned to it: their forecasts are on their own pages. "
        f"Counted here at its current progress ({scoring.percent(progress)} %).",
        0,
    )


def key_result_tracking(
    key_results: Iterable[KeyResult],
    *,
    today: dt.date | None = None,
    forecast: bool = True,
    context: TrackingContext | None = None,
) -> dict[int, KeyResultTracking]:
    """Pace (and forecast) of each tracked key result of the batch, by id.

    The key results must already have been read through the access policy. Abandoned key
    results, and those of abandoned objectives, are left out. Loading them with
    ``select_related("cycle", "objective")`` saves two queries.
    """
    krs = list(key_results)
    if not krs:
        return {}
    ctx = context or tracking_context(today)
    return track_batch(krs, ctx, None if forecast else set())[0]


def track_key_results(
    key_results: Iterable[KeyResult],
    *,
    today: dt.date | None = None,
    context: TrackingContext | None = None,
) -> Tracked:
    """``key_result_tracking`` with forecasts, plus the key results by id and every check-in
    of the tracked ones in their cycles up to today, read in the same single query (for
    pages that draw them)."""
    krs = list(key_results)
    if not krs:
        return Tracked({}, {})
    ctx = context or tracking_context(today)
    tracked, check_ins = track_batch(krs, ctx, None, history=True)
    return Tracked({}, tracked, {kr.pk: kr for kr in krs}, check_ins or {})


def track_batch(
    krs: Sequence[KeyResult],
    ctx: TrackingContext,
    forecast_objectives: Collection[int] | None,
    history: bool = False,
) -> tuple[dict[int, KeyResultTracking], dict[int, list[CheckInRow]] | None]:
    """``key_result_tracking``, forecasting only the key results of ``forecast_objectives``
    (all of them when None); with ``history``, also every check-in of the tracked key
    results (read in the same single query as the forecasts' readings)."""
    cycles = load_cycles(krs)
    objectives = _load_objective_facts(krs)
    tracked = [kr for kr in krs if _is_tracked(kr, objectives[kr.objective_id][1])]
    overrides = cadence_overrides((kr.owner_id for kr in tracked), ctx)
    projected = [
        kr
        for kr in tracked
        if forecast_objectives is None or kr.objective_id in forecast_objectives
    ]
    check_ins: dict[int, list[CheckInRow]] | None = None
    # Stored forecasts whose inputs have not changed (``stored``): only the others read
    # their check-ins. Not for a day in the past (the readings since would count) nor for
    # rows read without them.
    keys: dict[int, str] = {}
    reused: dict[int, fc.Forecast] = {}
    if ctx.current and projected and not _deferred(projected[0]):
        for kr in projected:
            if kr.source == KeyResult.Source.ALIGNED:
                continue
            success = fc.success_threshold(objectives[kr.objective_id][0])
            key = stored_forecasts.forecast_key(
                kr, cycles[kr.cycle_id], success, ctx.today, ctx.time_zone
            )
            keys[kr.pk] = key
            found = stored_forecasts.stored(kr, key)
            if found is not None:
                reused[kr.pk] = found
    if history:
        check_ins = _load_history(tracked, cycles, ctx)
        points = _points_from(check_ins, projected)
    else:
        missing = [kr for kr in projected if kr.pk not in reused]
        points = _load_points(missing, cycles, ctx) if missing else {}
    wanted = {kr.pk for kr in projected}
    fresh: list[tuple[int, str, fc.Forecast]] = []
    out: dict[int, KeyResultTracking] = {}
    for kr in tracked:
        forecast = kr.pk in wanted
        cycle = cycles[kr.cycle_id]
        commitment, _ = objectives[kr.objective_id]
        success = fc.success_threshold(commitment)
        cadence = effective_cadence(cycle.check_in_cadence, overrides.get(kr.owner_id))
        aligned = kr.source == KeyResult.Source.ALIGNED
        pace = pc.key_result_pace(
            kind=kr.kind,
            progress=kr.progress,
            cycle_start=cycle.start_date,
            cycle_end=cycle.end_date,
            today=ctx.today,
            last_check_in=ctx.today if aligned else ctx.local_date(kr.last_check_in_at),
            cadence=cadence,
            thresholds=ctx.thresholds,
            done=kr.done,
            began=ctx.local_date(kr.created_at),
        )
        projection: fc.Forecast | None = None
        if aligned:
            pace = _aligned_pace(pace)
            if forecast:
                projection = _aligned_forecast(kr.progress, success)
        elif forecast:
            projection = reused.get(kr.pk)
            if projection is None:
                projection = fc.forecast_key_result(
                    spec=kr.spec(),
                    points=points.get(kr.pk, []),
                    cycle_start=cycle.start_date,
                    cycle_end=cycle.end_date,
                    today=ctx.today,
                    done=kr.done,
                    current_progress=kr.progress,
                    success=success,
                )
                if kr.pk in keys:
                    fresh.append((kr.pk, keys[kr.pk], projection))
        out[kr.pk] = KeyResultTracking(
            key_result_id=kr.pk,
            objective_id=kr.objective_id,
            cycle_id=kr.cycle_id,
            weight=kr.weight,
            cadence=cadence,
            success=success,
            confidence=kr.confidence or None,
            pace=pace,
            forecast=projection,
            aligned=aligned,
        )
    stored_forecasts.save(fresh)
    return out, check_ins


def _deferred(kr: KeyResult) -> bool:
    return bool({"forecast", "forecast_key"} & kr.get_deferred_fields())


@dataclass(frozen=True)
class Tracked:
    """Objectives' roll-ups and every tracked key result of theirs (including those a
    rolling objective does not count this quarter). With ``detail``: the key results
    themselves (with their cycle and owner) and their check-ins."""

    objectives: dict[int, ObjectiveTracking]
    key_results: dict[int, KeyResultTracking]
    rows: dict[int, KeyResult] = field(default_factory=dict)
    check_ins: dict[int, list[CheckInRow]] = field(default_factory=dict)


def annotate_key_results(
    key_results: Sequence[KeyResult],
    *,
    forecast: bool = True,
    context: TrackingContext | None = None,
    today: dt.date | None = None,
) -> dict[int, KeyResultTracking]:
    """Set ``tracking`` on each key result (None for those not tracked) and return them."""
    tracked = key_result_tracking(key_results, forecast=forecast, context=context, today=today)
    for kr in key_results:
        kr.tracking = tracked.get(kr.pk)  # type: ignore[attr-defined]
    return tracked


@dataclass(frozen=True)
class ObjectiveTracking:
    """An objective's key results rolled up: how many are in each pace status, the worst,
    and where they are projected to land together."""

    objective_id: int
    commitment: str
    success: float
    risk: pc.RiskSummary
    forecast: fc.CombinedForecast | None  # None when forecasts were not asked for
    key_results: tuple[KeyResultTracking, ...] = ()
    likely_to_miss: int = 0  # key results projected to fall short of success
    note: str = ""  # why some or all key results are not counted, when that is the case

    @property
    def worst(self) -> pc.PaceStatus | None:
        return self.risk.worst

    @property
    def attention(self) -> int:
        return self.risk.attention

    @property
    def committed(self) -> bool:
        return self.commitment == Objective.Commitment.COMMITTED
