"""Weekly dashboard figures: gathered from the database, added up by ``insights.aggregate``.

``compute_week`` works out one cycle's figures as of one instant:

* **Now** (the week in progress): progress is the stored roll-up, which every check-in keeps
  current; pace and forecast come from ``goals.tracking`` with today's date.
* **The end of a past week**: progress, definitions (kind, start, target, weight, state) and
  the latest reading of every key result are recomputed as they stood then, from the history
  (``goals.rollup.load_snapshot``), and ``goals.tracking`` judges pace and forecast with
  that day as "today", from the check-ins recorded up to then. Recomputing a week therefore
  gives the figures a run at the end of that week would have stored.

Check-in discipline comes from ``insights.discipline`` over the check-in days. Teams, team
membership, visibility, commitment and cadence are taken as they are at the time of the
run (they keep no history). The work is done in batches of ``BATCH`` key results, so memory
stays flat however large the organisation.

Which cycles and weeks a run computes, and the writing, are in ``insights.actions``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone

from lineofsight.goals import forecast as fc
from lineofsight.goals import rollup, tracking
from lineofsight.goals.forecast import Point
from lineofsight.goals.models import CheckIn, Cycle, KeyResult, Objective
from lineofsight.goals.selectors import cycle_scope
from lineofsight.insights import aggregate, discipline
from lineofsight.people.models import Membership, Team

BATCH = 5000
LIVE_OBJECTIVE_STATES = (Objective.State.ACTIVE, Objective.State.CLOSED)


def end_of_day(day: dt.date, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """The last instant of ``day`` in the organisation's time zone."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz) - (
        dt.timedelta(microseconds=1)
    )


# ---------------------------------------------------------------------------------------
# What a run reads once


@dataclass
class Organisation:
    """Teams and memberships as they are now: which teams each key result counts towards."""

    team_ids: list[int]
    ancestors: dict[int, tuple[int, ...]]
    person_teams: dict[int, tuple[int, ...]]

    def teams_of(self, owner_team_id: int | None, owner_person_id: int | None) -> frozenset[int]:
        person_teams = self.person_teams.get(owner_person_id or 0, ())
        return aggregate.counting_teams(owner_team_id, person_teams, self.ancestors)


def load_organisation() -> Organisation:
    ancestors: dict[int, tuple[int, ...]] = {}
    for pk, path in Team.objects.order_by("pk").values_list("pk", "path"):
        ancestors[pk] = tuple(int(p) for p in path.strip("/").split("/") if p)
    person_teams: dict[int, list[int]] = defaultdict(list)
    for person_id, team_id in Membership.objects.order_by().values_list("person_id", "team_id"):
        person_teams[person_id].append(team_id)
    return Organisation(
        sorted(ancestors), ancestors, {k: tuple(v) for k, v in person_teams.items()}
    )


@dataclass(frozen=True)
class ObjectiveRow:
    pk: int
    level: str
    public: bool
    owner_team_id: int | None
    owner_person_id: int | None
    commitment: str
    state: str
    progress: float


# Key results are read as plain rows in the model's field order and turned into (unsaved)
# model instances only when ``goals.tracking`` needs them: positional construction is
# several times cheaper than keyword construction, which matters at 75,000 key results.
KR_FIELDS = tuple(f.attname for f in KeyResult._meta.concrete_fields)
KR_INDEX = {name: i for i, name in enumerate(KR_FIELDS)}


def kr_value(row: tuple[object, ...], name: str) -> Any:
    return row[KR_INDEX[name]]


@dataclass(frozen=True)
class History:
    """One key result's check-ins, oldest first: the day of each (in the organisation's time
    zone) and its value (None for a milestone)."""

    days: list[dt.date]
    values: list[float | None]

    def points(self) -> list[Point]:
        return [Point(d, v) for d, v in zip(self.days, self.values, strict=True) if v is not None]


NO_HISTORY = History([], [])


@dataclass
class CycleData:
    """The current rows of one dashboard cycle: its objectives and key results (those of the
    cycle, and for a quarter those of its year), and the check-ins of those key results."""

    cycle: Cycle
    tz: zoneinfo.ZoneInfo
    cycles: dict[int, Cycle]
    objectives: dict[int, ObjectiveRow]
    key_results: list[tuple[object, ...]]
    history: dict[int, History] = field(default_factory=dict)


def plain_rows(qs: Any, instant_column: int) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset, read on a plain cursor.

    Reading a million check-ins through the ORM spends most of its time converting each
    instant; the driver already returns datetimes (aware on PostgreSQL, naive UTC on SQLite),
    so only ``instant_column`` is made aware here, in UTC."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    utc = dt.UTC
    out = []
    for row in rows:
        at = row[instant_column]
        if isinstance(at, str):
            at = dt.datetime.fromisoformat(at)
        if at.tzinfo is None:
            at = at.replace(tzinfo=utc)
        out.append((*row[:instant_column], at, *row[instant_column + 1 :]))
    return out


def _history(
    ids: Sequence[int], since: dt.datetime, until: dt.datetime, tz: zoneinfo.ZoneInfo
) -> dict[int, History]:
    """The check-ins of these key results between two instants, read once for every week a
    run computes (about a million rows at 10,000 people, hence ``plain_rows``)."""
    rows: dict[int, list[tuple[dt.datetime, int, float | None]]] = defaultdict(list)
    for start in range(0, len(ids), BATCH):
        qs = (
            CheckIn.objects.filter(
                key_result_id__in=list(ids[start : start + BATCH]),
                recorded_at__gte=since,
                recorded_at__lte=until,
            )
            .order_by()
            .values_list("key_result_id", "recorded_at", "pk", "value")
        )
        for kr_id, at, pk, value in plain_rows(qs, 1):
            rows[kr_id].append((at, pk, value))
    out = {}
    for kr_id, found in rows.items():
        found.sort()
        out[kr_id] = History(
            [at.astimezone(tz).date() for at, _, _ in found],
            [None if v is None else float(v) for _, _, v in found],
        )
    return out


def load_cycle(cycle: Cycle, tz: zoneinfo.ZoneInfo, until: dt.datetime) -> CycleData:
    scope = cycle_scope(cycle)
    cycles = Cycle.objects.in_bulk(scope)
    objectives = {
        row[0]: ObjectiveRow(
            row[0], row[1], row[2] == Objective.Visibility.PUBLIC, *row[3:]
        )
        for row in Objective.objects.filter(cycle_id__in=scope)
        .order_by()
        .values_list(
            "pk",
            "level",
            "visibility",
            "owner_team_id",
            "owner_person_id",
            "commitment",
            "state",
            "progress",
        )
    }
    key_results = list(
        KeyResult.objects.filter(cycle_id__in=scope, objective__cycle_id__in=scope)
        .order_by("pk")
        .values_list(*KR_FIELDS)
    )
    # Every check-in since the earliest period that can end inside the cycle.
    earliest = min(c.start_date for c in cycles.values())
    since = dt.datetime.combine(earliest, dt.time.min, tzinfo=tz)
    ids = [
        int(kr_value(row, "id"))  # type: ignore[call-overload]
        for row in key_results
        if kr_value(row, "source") == KeyResult.Source.CHECK_INS
    ]
    return CycleData(cycle, tz, cycles, objectives, key_results, _history(ids, since, until, tz))


# ---------------------------------------------------------------------------------------
# One week


@dataclass(frozen=True)
class AtRisk:
    """A key result on the at-risk list, with the figures that put it there."""

    key_result_id: int
    status: str
    confidence: str
    progress: float
    expected: float
    miss_risk: str
    forecast_progress: float
    forecast_low: float
    forecast_high: float
    success: float
    rank: int


@dataclass
class Week:
    """One cycle's figures as of one instant."""

    cycle: Cycle
    week_ending: dt.date
    as_of: dt.datetime
    tallies: dict[aggregate.Subject, aggregate.Tally]
    at_risk: list[AtRisk]
    key_results: int  # tracked key results


@dataclass(frozen=True)
class _State:
    """Progress and definitions as they stood at the instant being computed."""

    objectives: dict[int, tuple[float, str]]  # live objectives: (progress, state)
    key_results: list[KeyResult]  # tracked key results, ready for goals.tracking


def _key_result(
    row: tuple[object, ...], cycle: Cycle, objective: Objective, **changes: object
) -> KeyResult:
    values = list(row)
    for name, value in changes.items():
        values[KR_INDEX[name]] = value
    kr = KeyResult(*values)
    kr.cycle = cycle
    kr.objective = objective
    return kr


def _objective_facts(
    data: CycleData, live: Mapping[int, tuple[float, str]]
) -> dict[int, Objective]:
    """Objectives as ``goals.tracking`` needs them (commitment and state), without a
    query."""
    return {
        pk: Objective(pk=pk, commitment=data.objectives[pk].commitment, state=state)
        for pk, (_, state) in live.items()
    }


def _state_now(data: CycleData) -> _State:
    objectives = {
        pk: (o.progress, o.state)
        for pk, o in data.objectives.items()
        if o.state in LIVE_OBJECTIVE_STATES
    }
    facts_by_id = _objective_facts(data, objectives)
    krs = [
        _key_result(
            row,
            data.cycles[kr_value(row, "cycle_id")],
            facts_by_id[kr_value(row, "objective_id")],
        )
        for row in data.key_results
        if kr_value(row, "state") == KeyResult.State.ACTIVE
        and kr_value(row, "objective_id") in objectives
    ]
    return _State(objectives, krs)


def _state_as_of(data: CycleData, as_of: dt.datetime) -> _State:
    """Definitions, readings and progress recomputed from the history as of ``as_of``."""
    snap = rollup.load_snapshot(as_of)
    result = snap.compute(explain=False)
    objectives: dict[int, tuple[float, str]] = {
        pk: (result.objectives[pk].value, str(Objective.State.ACTIVE))
        for pk in data.objectives
        if pk in snap.objectives and snap.objectives[pk].live
    }
    facts_by_id = _objective_facts(data, objectives)
    krs = []
    for row in data.key_results:
        pk = kr_value(row, "id")
        objective_id = kr_value(row, "objective_id")
        node = snap.key_results.get(pk)
        if node is None or not node.live or objective_id not in objectives:
            continue
        reading = node.reading
        krs.append(
            _key_result(
                row,
                data.cycles[kr_value(row, "cycle_id")],
                facts_by_id[objective_id],
                kind=str(node.spec.kind),
                start_value=node.spec.start,
                target_value=node.spec.target,
                unit=node.spec.unit,
                weight=node.weight,
                source=KeyResult.Source.ALIGNED if node.aligned else KeyResult.Source.CHECK_INS,
                state=KeyResult.State.ACTIVE,
                progress=result.key_results[pk].value,
                done=bool(reading.done) if reading is not None else False,
                last_check_in_at=reading.at if reading is not None else None,
            )
        )
    return _State(objectives, krs)


def _batches(items: Sequence[KeyResult]) -> Iterator[Sequence[KeyResult]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def project(
    kr: KeyResult, item: tracking.KeyResultTracking, history: History, today: dt.date
) -> tuple[str, float, float, float]:
    """(miss risk, projected progress, band low, band high) of one key result.

    The projection ``goals.tracking`` makes (its tests and this module's pin the two
    together), from check-ins the run has already read: a backfill projects every week from
    one read of the history instead of one per week. Key results that roll up from aligned
    objectives have no trend of their own and hold their current progress."""
    if item.aligned:
        p = item.pace.actual
        return fc.MissRisk.UNKNOWN.value, p, p, p
    cycle = kr.cycle
    f = fc.forecast_key_result(
        spec=kr.spec(),
        points=history.points(),
        cycle_start=cycle.start_date,
        cycle_end=cycle.end_date,
        today=today,
        done=kr.done,
        current_progress=kr.progress,
        success=item.success,
    )
    return f.miss_risk.value, f.progress, f.progress_low, f.progress_high


def compute_week(
    data: CycleData,
    org: Organisation,
    *,
    week_ending: dt.date,
    as_of: dt.datetime,
    live: bool,
) -> Week:
    """The figures of ``data.cycle`` as of ``as_of``: from the stored figures when ``live``
    (now), else recomputed from the history."""
    tz = data.tz
    local = timezone.localtime(as_of, tz)
    ctx = tracking.tracking_context(local.date())
    state = _state_now(data) if live else _state_as_of(data, as_of)
    cycle = data.cycle
    window = (cycle.start_date, cycle.end_date)
    through = min(discipline.last_complete_day(local), cycle.end_date)
    owners = {pk: (o.owner_team_id, o.owner_person_id) for pk, o in data.objectives.items()}
    objective_facts = [
        aggregate.ObjectiveFact(
            pk, data.objectives[pk].public, data.objectives[pk].level, owners[pk][0], progress
        )
        for pk, (progress, _) in state.objectives.items()
    ]
    facts: list[aggregate.KeyResultFact] = []
    at_risk: list[AtRisk] = []
    for batch in _batches(state.key_results):
        tracked = tracking.key_result_tracking(batch, context=ctx, forecast=False)
        for kr in batch:
            item = tracked.get(kr.pk)
            if item is None:
                continue
            history = data.history.get(kr.pk, NO_HISTORY)
            kr_cycle = data.cycles[kr.cycle_id]
            if kr.source == KeyResult.Source.CHECK_INS:
                kept = discipline.discipline(
                    cycle_start=kr_cycle.start_date,
                    cycle_end=kr_cycle.end_date,
                    cadence_days=item.cadence.days,
                    check_in_days=history.days,
                    through=through,
                    added=timezone.localtime(kr.created_at, tz).date(),
                    window=window,
                )
            else:
                kept = discipline.NOTHING
            status = item.status.value
            risk, f_progress, f_low, f_high = project(kr, item, history, ctx.today)
            owner_team, owner_person = owners[kr.objective_id]
            facts.append(
                aggregate.KeyResultFact(
                    kr.pk,
                    kr.objective_id,
                    data.objectives[kr.objective_id].public,
                    org.teams_of(owner_team, owner_person),
                    status,
                    risk,
                    kept.due,
                    kept.kept,
                )
            )
            if aggregate.needs_attention(status, risk):
                at_risk.append(
                    AtRisk(
                        kr.pk,
                        status,
                        kr.confidence or "",
                        item.pace.actual,
                        item.pace.expected,
                        risk,
                        f_progress,
                        f_low,
                        f_high,
                        item.success,
                        aggregate.attention_rank(status, risk, f_progress),
                    )
                )
    tallies = aggregate.tally(facts, objective_facts, teams=org.team_ids)
    return Week(cycle, week_ending, as_of, tallies, at_risk, len(facts))


