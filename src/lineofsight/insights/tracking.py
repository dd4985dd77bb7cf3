"""Pace and forecast for key results, objectives and teams, read from the database.

The rules live in the pure modules ``insights.pace`` (status from pace) and
``insights.forecast`` (end-of-cycle projection); this module gathers their inputs for a batch
of key results with a fixed number of queries and rolls the results up. Pages, the API,
dashboards and digests all call it, so a status or a projection is the same everywhere.

Public surface:

* ``tracking_context(today=None)``: the organisation's pace thresholds, its time zone and
  "today" in it (one query). Pass it to the functions below when calling several of them.
* ``key_result_tracking(key_results, ...) -> dict[int, KeyResultTracking]``: each tracked key
  result's ``Pace`` and ``Forecast`` (forecasts are optional: without them no check-in is
  read).
* ``objective_tracking(objectives, ...) -> dict[int, ObjectiveTracking]``: per objective,
  the risk summary of its key results (``pace.summarise``) and their combined forecast
  (``forecast.combine``, weighted by key-result weights).
* ``team_risk(team, cycle, viewer, ...) -> TeamRisk``: the same over every key result of the
  objectives a team and its members own in a cycle, as the viewer may see them.
* ``cadence_overrides(person_ids)`` and ``effective_cadence(...)``: the check-in cadence
  that applies to a key result.

The rules this module adds (everything else is the pure modules'):

* **Which key results are tracked.** Active key results of objectives that are not
  abandoned. Abandoned ones are left out (they are not counted anywhere).
* **Cadence.** A key result follows its cycle's cadence unless a team its owner belongs to
  sets one. When the owner is in several teams that set one, the most frequent wins
  (weekly before every two weeks before monthly): nobody is asked to check in less often
  than one of their teams expects.
* **Today** is the current date in the organisation's time zone; check-in days are read in
  the same time zone.
* **Success** is 1.0 for key results of committed objectives and 0.7 for aspirational ones
  (``forecast.success_threshold``).
* **Key results that roll up from aligned objectives** take no check-ins: they are never
  stale on their own and have no trend of their own; their pace compares their rolled-up
  progress with the expected progress, and their forecast holds their current progress.
* **Objectives** summarise the key results they count (for a rolling annual objective: the
  year's own and its latest quarter's, as in its progress). Their combined forecast uses
  the key results that count in their progress: none when progress comes from aligned
  objectives only.

Queries: ``key_result_tracking`` runs at most four (team cadences, check-ins, and the key
results' cycles and objectives when the caller did not load them; the organisation's
settings come from its per-process cache); ``objective_tracking`` two (the key results, with
their owners' team cadences, and the check-ins); ``team_risk`` one more for the team's
objectives. None grows with the size of the organisation; very large batches read in chunks
of ``CHUNK`` key results.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from lineofsight.goals import scoring
from lineofsight.goals.cadence import Cadence
from lineofsight.goals.models import CheckIn, Cycle, KeyResult, Objective
from lineofsight.goals.selectors import ObjectiveCard, cycle_scope, objectives_for_user
from lineofsight.insights import forecast as fc
from lineofsight.insights import pace as pc
from lineofsight.insights.due import most_frequent
from lineofsight.people.models import Membership, Person, Team
from lineofsight.people.selectors import organisation_pace_thresholds, organisation_time_zone

CHUNK = 2000
# What tracking reads of a key result (and of its cycle).
_TRACKED_FIELDS = (
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
    "cycle__start_date",
    "cycle__end_date",
    "cycle__check_in_cadence",
)
# Objectives a team's roll-up counts: not drafts, not abandoned ones.
_LIVE_OBJECTIVE_STATES = (Objective.State.ACTIVE, Objective.State.CLOSED)

__all__ = [
    "CHUNK",
    "KeyResultTracking",
    "ObjectiveTracking",
    "TeamRisk",
    "Tracked",
    "TrackingContext",
    "annotate_cards",
    "annotate_key_results",
    "cadence_overrides",
    "effective_cadence",
    "key_result_tracking",
    "most_frequent",
    "objective_tracking",
    "team_risk",
    "track_objectives",
    "tracking_context",
]


# ---------------------------------------------------------------------------------------
# Context: thresholds, time zone, today


@dataclass(frozen=True)
class TrackingContext:
    today: dt.date
    time_zone: str
    thresholds: pc.PaceThresholds
    # Team cadence overrides already read, by person (None: their teams set none).
    cadences: dict[int, Cadence | None] = field(default_factory=dict, compare=False)

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_date(self, instant: dt.datetime | None) -> dt.date | None:
        if instant is None:
            return None
        return instant.astimezone(self.tz).date()

    def day_start(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=self.tz)


def tracking_context(today: dt.date | None = None) -> TrackingContext:
    """The organisation's thresholds and time zone, and today's date there (read with the
    organisation's other settings, which each process keeps for a few seconds)."""
    on_track, off_track = organisation_pace_thresholds()
    tz_name = organisation_time_zone()
    if today is None:
        today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(tz_name)).date()
    return TrackingContext(today, tz_name, pc.PaceThresholds(on_track, off_track))


# ---------------------------------------------------------------------------------------
# Cadence


def cadence_overrides(
    person_ids: Iterable[int], context: TrackingContext | None = None
) -> dict[int, Cadence]:
    """Per person, the cadence their teams set (the most frequent when several do); people
    whose teams set none are absent. One query; none for people ``context`` already knows."""
    wanted = set(person_ids)
    memo: dict[int, Cadence | None] = context.cadences if context is not None else {}
    missing = sorted(wanted - set(memo))
    found: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(missing), CHUNK):
        rows = (
            Membership.objects.filter(person_id__in=missing[start : start + CHUNK])
            .exclude(team__check_in_cadence="")
            .order_by()
            .values_list("person_id", "team__check_in_cadence")
        )
        for person_id, value in rows:
            found[person_id].append(value)
    for person_id in missing:
        memo[person_id] = most_frequent(found.get(person_id, []))
    return {pid: chosen for pid in wanted if (chosen := memo.get(pid)) is not None}


def _team_cadence_subquery() -> Subquery:
    """The most frequent cadence the key result's owner's teams set (for annotating key
    results, so that their owners' overrides need no query of their own)."""
    rank = Case(
        *[When(team__check_in_cadence=c.value, then=Value(c.days)) for c in Cadence],
        output_field=IntegerField(),
    )
    overriding = (
        Membership.objects.filter(person_id=OuterRef("owner_id"))
        .exclude(team__check_in_cadence="")
        .annotate(rank=rank)
        .order_by("rank")
        .values("team__check_in_cadence")[:1]
    )
    return Subquery(overriding)


def effective_cadence(cycle_cadence: str, override: Cadence | str | None = None) -> Cadence:
    """The team's override when there is one, else the cycle's cadence."""
    return Cadence(override or cycle_cadence)


# ---------------------------------------------------------------------------------------
# Key results


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


def _load_cycles(krs: Sequence[KeyResult]) -> dict[int, Cycle]:
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


def _load_points(
    krs: Sequence[KeyResult], cycles: dict[int, Cycle], ctx: TrackingContext
) -> dict[int, list[fc.Point]]:
    """The readings of the batch's numeric key results in their cycles, up to today: one
    query per ``CHUNK`` key results, oldest first (so the latest of a day comes last)."""
    wanted = [
        kr
        for kr in krs
        if kr.source == KeyResult.Source.CHECK_INS and kr.kind != scoring.KeyResultKind.MILESTONE
    ]
    points: dict[int, list[fc.Point]] = defaultdict(list)
    if not wanted:
        return points
    since = ctx.day_start(min(cycles[kr.cycle_id].start_date for kr in wanted))
    until = ctx.day_start(ctx.today + dt.timedelta(days=1))
    ids = sorted(kr.pk for kr in wanted)
    adapt = connection.ops.adapt_datetimefield_value
    tz = ctx.tz
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            cursor.execute(
                _POINTS_SQL.format(ids=", ".join(["%s"] * len(chunk))),
                [*chunk, adapt(since), adapt(until)],
            )
            for kr_id, at, value in cursor.fetchall():
                points[kr_id].append(fc.Point(_instant(at).astimezone(tz).date(), value))
    return points


# Run for every page that shows forecasts, so written once as plain SQL: compiling the ORM
# query and converting each instant through it costs more than running it. Only the table
# name (from the model) is interpolated; every value is a query parameter.
_POINTS_SQL = (
    f"SELECT key_result_id, recorded_at, value FROM {CheckIn._meta.db_table} "  # noqa: S608
    "WHERE key_result_id IN ({ids}) AND recorded_at >= %s AND recorded_at < %s "
    "AND value IS NOT NULL ORDER BY key_result_id, recorded_at, id"
)


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
    return _track_key_results(krs, ctx, None if forecast else set())


def _track_key_results(
    krs: Sequence[KeyResult], ctx: TrackingContext, forecast_objectives: Collection[int] | None
) -> dict[int, KeyResultTracking]:
    """``key_result_tracking``, forecasting only the key results of ``forecast_objectives``
    (all of them when None)."""
    cycles = _load_cycles(krs)
    objectives = _load_objective_facts(krs)
    tracked = [kr for kr in krs if _is_tracked(kr, objectives[kr.objective_id][1])]
    overrides = cadence_overrides((kr.owner_id for kr in tracked), ctx)
    projected = [
        kr
        for kr in tracked
        if forecast_objectives is None or kr.objective_id in forecast_objectives
    ]
    points = _load_points(projected, cycles, ctx) if projected else {}
    wanted = {kr.pk for kr in projected}
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
        )
        projection: fc.Forecast | None = None
        if aligned:
            pace = _aligned_pace(pace)
            if forecast:
                projection = _aligned_forecast(kr.progress, success)
        elif forecast:
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
    return out


# ---------------------------------------------------------------------------------------
# Objectives


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


def _contribution(kr: KeyResult, cycles: dict[int, Cycle]) -> scoring.Contribution:
    return scoring.Contribution(
        "key_result",
        kr.pk,
        kr.title,
        kr.progress,
        kr.weight,
        kr.cycle_id,
        cycles[kr.cycle_id].start_date,
        kr.state == KeyResult.State.ACTIVE,
    )


def _objective_rollup(
    objective: Objective,
    krs: Sequence[KeyResult],
    cycles: dict[int, Cycle],
    tracked: dict[int, KeyResultTracking],
    forecast: bool,
) -> ObjectiveTracking:
    success = fc.success_threshold(objective.commitment)
    if objective.state == Objective.State.ABANDONED:
        return ObjectiveTracking(
            objective.pk,
            objective.commitment,
            success,
            pc.summarise([]),
            None,
            note="Abandoned: its key results are not tracked or counted.",
        )
    kept, _dropped = scoring.in_scope(objective.cycle_id, [_contribution(kr, cycles) for kr in krs])
    items = [tracked[c.ref] for c in kept if c.ref in tracked]
    risk = pc.summarise(item.status for item in items)
    likely = sum(1 for item in items if item.likely_to_miss)
    combined: fc.CombinedForecast | None = None
    note = ""
    if forecast:
        mode = scoring.ProgressMode(objective.progress_mode)
        if mode is scoring.ProgressMode.CHILDREN:
            note = (
                "Its progress comes from the objectives aligned to it, so it is projected on "
                "their pages; its own key results are shown but not counted."
            )
            combined = fc.CombinedForecast(
                objective.progress,
                objective.progress,
                objective.progress,
                success,
                fc.MissRisk.UNKNOWN,
                note,
            )
        else:
            weighted = [
                (item.weight, item.forecast) for item in items if item.forecast is not None
            ]
            combined = fc.combine(weighted, success=success)
            if mode is scoring.ProgressMode.BOTH:
                note = (
                    "Projected from its key results; the objectives contributing to it are "
                    "projected on their own pages."
                )
                combined = replace(combined, explanation=f"{combined.explanation} {note}")
    return ObjectiveTracking(
        objective.pk,
        objective.commitment,
        success,
        risk,
        combined,
        tuple(items),
        likely,
        note,
    )


@dataclass(frozen=True)
class Tracked:
    """Objectives' roll-ups and every tracked key result of theirs (including those a
    rolling objective does not count this quarter)."""

    objectives: dict[int, ObjectiveTracking]
    key_results: dict[int, KeyResultTracking]


def track_objectives(
    objectives: Iterable[Objective],
    *,
    today: dt.date | None = None,
    forecast: bool | Collection[int] = True,
    context: TrackingContext | None = None,
) -> Tracked:
    """``objective_tracking``, plus the tracking of each of their key results by id.

    ``forecast`` may also name the objectives (by id) to project; the others get their
    risk only.
    """
    objs = list(objectives)
    if not objs:
        return Tracked({}, {})
    ctx = context or tracking_context(today)
    by_id = {o.pk: o for o in objs}
    if forecast is True:
        projected: set[int] = set(by_id)
    elif forecast is False:
        projected = set()
    else:
        projected = set(forecast)
    krs = list(
        KeyResult.objects.filter(objective_id__in=sorted(by_id))
        .select_related("cycle")
        .only(*_TRACKED_FIELDS)
        .annotate(owner_team_cadence=_team_cadence_subquery())
        .order_by("objective_id", "position", "pk")
    )
    for kr in krs:
        kr.objective = by_id[kr.objective_id]
        ctx.cadences.setdefault(
            kr.owner_id,
            Cadence(kr.owner_team_cadence) if kr.owner_team_cadence else None,  # type: ignore[attr-defined]
        )
    cycles = _load_cycles(krs)
    tracked = _track_key_results(krs, ctx, projected)
    grouped: dict[int, list[KeyResult]] = defaultdict(list)
    for kr in krs:
        grouped[kr.objective_id].append(kr)
    rollups = {
        o.pk: _objective_rollup(o, grouped.get(o.pk, []), cycles, tracked, o.pk in projected)
        for o in objs
    }
    return Tracked(rollups, tracked)


def objective_tracking(
    objectives: Iterable[Objective],
    *,
    today: dt.date | None = None,
    forecast: bool = True,
    context: TrackingContext | None = None,
) -> dict[int, ObjectiveTracking]:
    """Risk summary and combined forecast of each objective, by id.

    The objectives must already have been read through the access policy (their key results
    are visible exactly when they are). ``forecast=False`` skips projections and so reads
    no check-ins: enough for status badges on long lists.
    """
    return track_objectives(
        objectives, today=today, forecast=forecast, context=context
    ).objectives


# ---------------------------------------------------------------------------------------
# Teams


@dataclass(frozen=True)
class TeamRisk:
    """Every tracked key result of the objectives a team and its members own in a cycle."""

    team_id: int
    cycle_id: int
    risk: pc.RiskSummary
    forecast: fc.CombinedForecast | None
    key_results: tuple[KeyResultTracking, ...]  # worst first
    objectives: dict[int, ObjectiveTracking] = field(default_factory=dict)
    likely_to_miss: int = 0

    @property
    def attention(self) -> int:
        return self.risk.attention


def team_risk(
    team: Team,
    cycle: Cycle,
    viewer: Person,
    *,
    include_sub_teams: bool = False,
    today: dt.date | None = None,
    forecast: bool = True,
    context: TrackingContext | None = None,
) -> TeamRisk:
    """Risk and forecast over the key results of the active objectives that ``team`` (and,
    with ``include_sub_teams``, the teams inside it) and its members own in ``cycle``, as
    ``viewer`` may see them.

    A quarter counts its own key results and the key results set for its year as a whole;
    draft and abandoned objectives are left out. The combined forecast weighs each key
    result by its weight, against the weighted mean of their success thresholds.
    """
    ctx = context or tracking_context(today)
    # The teams and their members are read as plain id lists first: written as subqueries
    # inside the objectives query, PostgreSQL plans it as a scan of every objective.
    team_ids = [team.pk]
    if include_sub_teams:
        team_ids += list(
            Team.objects.filter(path__startswith=team.subtree_prefix).values_list("pk", flat=True)
        )
    member_ids = list(
        Membership.objects.filter(team_id__in=team_ids)
        .order_by()
        .values_list("person_id", flat=True)
        .distinct()
    )
    objectives = list(
        objectives_for_user(viewer)
        .filter(cycle_id__in=cycle_scope(cycle), state__in=_LIVE_OBJECTIVE_STATES)
        .filter(Q(owner_team__in=team_ids) | Q(owner_person__in=member_ids))
        .order_by("pk")
    )
    by_objective = objective_tracking(objectives, forecast=forecast, context=ctx)
    allowed_cycles = {cycle.pk, cycle.parent_id} if cycle.parent_id else None
    items = [
        item
        for tracking in by_objective.values()
        for item in tracking.key_results
        if allowed_cycles is None or item.cycle_id in allowed_cycles
    ]
    items.sort(key=lambda i: (-i.status.severity, not i.likely_to_miss, i.key_result_id))
    risk = pc.summarise(item.status for item in items)
    combined: fc.CombinedForecast | None = None
    if forecast:
        weighted = [(i.weight, i.forecast) for i in items if i.forecast is not None]
        total = sum(w for w, _ in weighted)
        success = (
            sum(i.weight * i.success for i in items if i.forecast is not None) / total
            if total > 0
            else fc.SUCCESS_ASPIRATIONAL
        )
        combined = fc.combine(weighted, success=success)
    return TeamRisk(
        team.pk,
        cycle.pk,
        risk,
        combined,
        tuple(items),
        by_objective,
        sum(1 for i in items if i.likely_to_miss),
    )



# ---------------------------------------------------------------------------------------
# For pages and the API: attach the figures to what they show


def annotate_cards(
    cards: Sequence[ObjectiveCard],
    *,
    forecast: bool | Collection[int] = False,
    context: TrackingContext | None = None,
    today: dt.date | None = None,
) -> Tracked:
    """Set each card's ``tracking`` to its objective's roll-up (a fixed number of queries
    for the whole list) and return everything computed."""
    ctx = context or tracking_context(today)
    tracked = track_objectives([c.objective for c in cards], forecast=forecast, context=ctx)
    for card in cards:
        card.tracking = tracked.objectives.get(card.objective.pk)
    return tracked


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
