"""Dashboards: the leadership overview, a team's dashboard and a person's, as the viewer may
see them.

Where each figure comes from, and so how fresh it is:

* **Live** (as of the request), through ``insights.tracking``: company objectives' progress,
  pace and forecast on the leadership page; everything about a team's or a person's own
  key results (burn-ups, pace, forecast, discipline) on their dashboards.
* **Stored** (as of the last ``lineofsight snapshot`` run, see ``insights.snapshots``): the
  organisation's, departments' and teams' figures, the weekly trends and the at-risk list.
  Reading them is a handful of indexed queries whatever the size of the organisation.

Access: lists go through the access policy like every other read (objectives and key results
the viewer may see). Stored aggregates are read in the viewer's scope
(``Viewer.figure_scope``): over every objective for HR and executives, over public objectives
for everyone else.

Every figure is rounded once here (``charts.figure``), so the pages' tables, their charts'
``data-value`` attributes and the API carry the same numbers.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import ExpressionWrapper, F, FloatField, Q, QuerySet
from django.utils import timezone

from lineofsight.core.access import Viewer
from lineofsight.core.errors import NotFound
from lineofsight.goals import selectors as goal_selectors
from lineofsight.goals.models import CheckIn, Cycle, KeyResult, Objective
from lineofsight.insights import aggregate, discipline, pace, tracking
from lineofsight.insights.charts import figure
from lineofsight.insights.discipline import Discipline
from lineofsight.insights.models import AtRiskKeyResult, WeeklyFigures
from lineofsight.insights.snapshots import plain_rows
from lineofsight.people import selectors as people_selectors
from lineofsight.people.models import Membership, Person, Team

AT_RISK_LIMIT = 25
TEAMS_LIMIT = 200
LAGGING_TEAMS = 10
LIVE_STATES = (Objective.State.ACTIVE, Objective.State.CLOSED)
# Stacked bars and tables list statuses from the one needing most attention.
STATUS_ORDER = ("off_track", "stale", "at_risk", "pending", "not_started", "on_track")


def _round(value: float | None) -> float | None:
    return None if value is None else figure(value)


def _tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(people_selectors.organisation_time_zone())


def resolve_cycle(user: Person, raw: object = None) -> Cycle | None:
    """The cycle asked for (``NotFound`` when it names nothing), else the current one."""
    if raw not in (None, ""):
        return goal_selectors.get_cycle_for_user(user, raw)
    return goal_selectors.current_cycle()


def cycles_for(user: Person) -> list[Cycle]:
    return list(goal_selectors.cycles_for_user(user).order_by("-start_date", "end_date"))


# ---------------------------------------------------------------------------------------
# Stored figures


@dataclass(frozen=True)
class Statuses:
    on_track: int = 0
    at_risk: int = 0
    off_track: int = 0
    stale: int = 0
    pending: int = 0
    not_started: int = 0

    @classmethod
    def of(cls, source: object) -> Statuses:
        """From a ``WeeklyFigures`` row or a ``pace.RiskSummary``'s counts."""
        counts = getattr(source, "counts", None)
        if isinstance(counts, dict):
            return cls(**{s: int(counts.get(s, 0)) for s in aggregate.STATUSES})
        return cls(**{s: int(getattr(source, s)) for s in aggregate.STATUSES})

    @property
    def total(self) -> int:
        return sum(self.in_order())

    @property
    def attention(self) -> int:
        return self.at_risk + self.off_track + self.stale

    def in_order(self) -> tuple[int, ...]:
        return tuple(getattr(self, s) for s in STATUS_ORDER)

    def as_dict(self) -> dict[str, int]:
        return {s: getattr(self, s) for s in aggregate.STATUSES}


@dataclass(frozen=True)
class WeekPoint:
    """One stored week of a subject: the figures as of ``day`` (the week's last day, or the
    day of the last run for the week in progress)."""

    week_ending: dt.date
    day: dt.date
    progress: float | None
    discipline: float | None
    attention_share: float | None
    likely_to_miss: int
    key_results: int


@dataclass(frozen=True)
class SubjectRow:
    """The organisation, a department or a team, from its latest stored week."""

    key: str
    name: str
    team_id: int | None
    kind: str
    progress: float | None
    objectives: int
    key_results: int
    statuses: Statuses
    likely_to_miss: int
    could_miss: int
    periods_due: int
    periods_kept: int
    discipline: float | None
    attention_share: float | None
    weeks: tuple[WeekPoint, ...] = ()


# Stored rows are read as plain values (no model instances): a leadership page reads a few
# hundred of them.
STORED = (
    "week_ending",
    "team_id",
    "objective_id",
    "progress",
    "objectives",
    "key_results",
    *aggregate.STATUSES,
    "likely_to_miss",
    "could_miss",
    "periods_due",
    "periods_kept",
    "as_of",
)
STORED_TEAM = (*STORED, "team__name", "team__kind")
Stored = dict[str, Any]


def _attention(row: Stored) -> int:
    return int(row["at_risk"] + row["off_track"] + row["stale"])


def _attention_share(row: Stored) -> float | None:
    return _round(_attention(row) / row["key_results"]) if row["key_results"] else None


def _discipline(row: Stored) -> float | None:
    due = row["periods_due"]
    return _round(row["periods_kept"] / due) if due else None


def _week_point(row: Stored, tz: zoneinfo.ZoneInfo) -> WeekPoint:
    return WeekPoint(
        row["week_ending"],
        timezone.localtime(row["as_of"], tz).date(),
        _round(row["progress"]),
        _discipline(row),
        _attention_share(row),
        row["likely_to_miss"],
        row["key_results"],
    )


def _subject_row(
    row: Stored, weeks: Sequence[Stored] = (), tz: zoneinfo.ZoneInfo | None = None
) -> SubjectRow:
    team_id = row["team_id"]
    zone = tz or _tz()
    return SubjectRow(
        key=f"team-{team_id}" if team_id else "organisation",
        name=row["team__name"] if team_id else "The organisation",
        team_id=team_id,
        kind=row["team__kind"] if team_id else "organisation",
        progress=_round(row["progress"]),
        objectives=row["objectives"],
        key_results=row["key_results"],
        statuses=Statuses(**{s: row[s] for s in aggregate.STATUSES}),
        likely_to_miss=row["likely_to_miss"],
        could_miss=row["could_miss"],
        periods_due=row["periods_due"],
        periods_kept=row["periods_kept"],
        discipline=_discipline(row),
        attention_share=_attention_share(row),
        weeks=tuple(_week_point(w, zone) for w in weeks),
    )


def _weekly(cycle: Cycle, scope: str) -> QuerySet[WeeklyFigures]:
    return WeeklyFigures.objects.filter(cycle=cycle, scope=scope)


# ---------------------------------------------------------------------------------------
# Live figures of key results: readings, burn-ups, discipline


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


def _readings(rows: Iterable[tuple[int, dt.datetime, float | None, bool | None, float, str]],
              tz: zoneinfo.ZoneInfo) -> dict[int, list[Reading]]:
    """Per key result, its latest reading of each day, oldest first."""
    by_day: dict[int, dict[dt.date, Reading]] = defaultdict(dict)
    for kr_id, at, value, done, progress, confidence in rows:
        day = at.astimezone(tz).date()
        by_day[kr_id][day] = Reading(
            day,
            None if value is None else figure(value),
            None if done is None else bool(done),
            figure(progress),
            confidence,
        )
    return {k: [v[d] for d in sorted(v)] for k, v in by_day.items()}


def key_result_figures(
    key_results: Sequence[KeyResult],
    tracked: dict[int, tracking.KeyResultTracking],
    *,
    window: Cycle,
    now: dt.datetime,
) -> dict[int, KeyResultFigures]:
    """Readings and discipline of tracked key results (one query for all their check-ins).

    The key results need their ``cycle`` loaded."""
    tz = _tz()
    krs = [kr for kr in key_results if kr.pk in tracked]
    if not krs:
        return {}
    earliest = min(kr.cycle.start_date for kr in krs)
    qs = (
        CheckIn.objects.filter(
            key_result_id__in=[kr.pk for kr in krs],
            recorded_at__gte=dt.datetime.combine(earliest, dt.time.min, tzinfo=tz),
            recorded_at__lte=now,
        )
        .order_by("key_result_id", "recorded_at", "pk")
        .values_list("key_result_id", "recorded_at", "value", "done", "progress", "confidence")
    )
    readings = _readings(plain_rows(qs, 1), tz)
    through = min(discipline.last_complete_day(timezone.localtime(now, tz)), window.end_date)
    out: dict[int, KeyResultFigures] = {}
    for kr in krs:
        item = tracked[kr.pk]
        cycle = kr.cycle
        mine = [r for r in readings.get(kr.pk, []) if cycle.start_date <= r.day <= cycle.end_date]
        kept = discipline.NOTHING
        if kr.source == KeyResult.Source.CHECK_INS:
            kept = discipline.discipline(
                cycle_start=cycle.start_date,
                cycle_end=cycle.end_date,
                cadence_days=item.cadence.days,
                check_in_days=[r.day for r in readings.get(kr.pk, [])],
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


# ---------------------------------------------------------------------------------------
# The leadership dashboard


@dataclass(frozen=True)
class CompanyObjective:
    objective: Objective
    progress: float
    tracking: tracking.ObjectiveTracking | None
    weeks: tuple[WeekPoint, ...]

    @property
    def key(self) -> str:
        return f"objective-{self.objective.pk}"

    @property
    def name(self) -> str:
        return self.objective.title

    @property
    def forecast(self) -> tuple[float, float, float] | None:
        f = self.tracking.forecast if self.tracking else None
        if f is None:
            return None
        return figure(f.progress), figure(f.progress_low), figure(f.progress_high)

    @property
    def statuses(self) -> Statuses:
        return Statuses.of(self.tracking.risk) if self.tracking else Statuses()


@dataclass(frozen=True)
class AtRiskItem:
    row: AtRiskKeyResult

    @property
    def key_result(self) -> KeyResult:
        return self.row.key_result

    @property
    def objective(self) -> Objective:
        return self.row.key_result.objective

    def figures(self) -> dict[str, float]:
        r = self.row
        return {
            "progress": figure(r.progress),
            "expected": figure(r.expected),
            "forecast_progress": figure(r.forecast_progress),
            "forecast_low": figure(r.forecast_low),
            "forecast_high": figure(r.forecast_high),
            "success": figure(r.success),
        }


@dataclass
class Leadership:
    cycle: Cycle
    scope: str
    today: dt.date
    expected: float  # progress expected by today at an even pace through the cycle
    as_of: dt.datetime | None  # of the stored figures; None before the first run
    organisation: SubjectRow | None
    company: list[CompanyObjective]
    departments: list[SubjectRow]
    department: Team | None
    teams: list[SubjectRow]
    teams_more: int
    lagging: list[SubjectRow]
    at_risk: list[AtRiskItem]

    @property
    def company_weeks(self) -> bool:
        """Whether any company objective has stored weeks to draw."""
        return any(c.weeks for c in self.company)


def leadership(
    user: Person, cycle: Cycle, *, department: Team | None = None, now: dt.datetime | None = None
) -> Leadership:
    viewer = Viewer.of(user)
    scope = viewer.figure_scope()
    tz = _tz()
    now = now or timezone.now()
    today = timezone.localtime(now, tz).date()
    ctx = tracking.tracking_context(today)
    weekly = _weekly(cycle, scope)

    org_weeks = list(
        weekly.filter(subject=aggregate.ORGANISATION).order_by("week_ending").values(*STORED)
    )
    latest = org_weeks[-1] if org_weeks else None
    organisation = _subject_row(latest, org_weeks, tz) if latest else None

    departments: list[SubjectRow] = []
    teams: list[SubjectRow] = []
    lagging: list[SubjectRow] = []
    teams_more = 0
    if latest is not None:
        week = latest["week_ending"]
        top_rows = list(
            weekly.filter(subject=aggregate.TEAM)
            .filter(
                Q(team__kind=Team.Kind.DEPARTMENT)
                | Q(team__parent__isnull=False, team__parent__parent__isnull=True)
            )
            .order_by("team__name", "team_id", "week_ending")
            .values(*STORED_TEAM)
        )
        by_team: dict[int, list[Stored]] = defaultdict(list)
        for row in top_rows:
            by_team[row["team_id"]].append(row)
        latest_rows = [rows[-1] for rows in by_team.values() if rows[-1]["week_ending"] == week]
        departments_only = [r for r in latest_rows if r["team__kind"] == Team.Kind.DEPARTMENT]
        for row in departments_only or latest_rows:
            departments.append(_subject_row(row, by_team[row["team_id"]], tz))
        if department is not None:
            child_rows = weekly.filter(
                subject=aggregate.TEAM, week_ending=week, team__parent=department
            ).order_by("team__name", "team_id")
            found = list(child_rows.values(*STORED_TEAM)[: TEAMS_LIMIT + 1])
            if len(found) > TEAMS_LIMIT:
                teams_more = child_rows.count() - TEAMS_LIMIT
            teams = [_subject_row(r, (), tz) for r in found[:TEAMS_LIMIT]]
        share = ExpressionWrapper(
            (F("at_risk") + F("off_track") + F("stale")) * 1.0 / F("key_results"),
            output_field=FloatField(),
        )
        lagging_rows = (
            weekly.filter(
                subject=aggregate.TEAM,
                week_ending=week,
                team__kind=Team.Kind.TEAM,
                key_results__gt=0,
            )
            .annotate(share=share)
            .order_by("-share", "progress", "team__name", "team_id")
            .values(*STORED_TEAM)[:LAGGING_TEAMS]
        )
        lagging = [_subject_row(r, (), tz) for r in lagging_rows]

    objectives = list(
        goal_selectors.objectives_for_user(user)
        .filter(
            level=Objective.Level.COMPANY,
            cycle_id__in=goal_selectors.cycle_scope(cycle),
            state__in=LIVE_STATES,
        )
        .order_by("title", "pk")
    )
    tracked = tracking.track_objectives(objectives, forecast=True, context=ctx).objectives
    objective_weeks: dict[int, list[Stored]] = defaultdict(list)
    if objectives:
        for row in (
            WeeklyFigures.objects.filter(
                cycle=cycle,
                subject=aggregate.OBJECTIVE,
                objective_id__in=[o.pk for o in objectives],
            )
            .order_by("week_ending")
            .values(*STORED)
        ):
            objective_weeks[row["objective_id"]].append(row)
    company = [
        CompanyObjective(
            o,
            figure(o.progress),
            tracked.get(o.pk),
            tuple(_week_point(w, tz) for w in objective_weeks.get(o.pk, [])),
        )
        for o in objectives
    ]

    at_risk = [
        AtRiskItem(row)
        for row in AtRiskKeyResult.objects.visible_to(user)
        .filter(cycle=cycle)
        .select_related(
            "key_result__objective__owner_team",
            "key_result__objective__owner_person",
            "key_result__owner",
        )
        .order_by("-rank", "key_result_id")[:AT_RISK_LIMIT]
    ]
    return Leadership(
        cycle=cycle,
        scope=scope,
        today=today,
        expected=figure(pace.expected_progress(cycle.start_date, cycle.end_date, today)),
        as_of=latest["as_of"] if latest else None,
        organisation=organisation,
        company=company,
        departments=departments,
        department=department,
        teams=teams,
        teams_more=teams_more,
        lagging=lagging,
        at_risk=at_risk,
    )


# ---------------------------------------------------------------------------------------
# A team's dashboard


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


@dataclass(frozen=True)
class MemberRow:
    person: Person
    key_results: int
    attention: int
    likely_to_miss: int
    discipline: Discipline


@dataclass
class TeamDashboard:
    team: Team
    cycle: Cycle
    scope: str
    today: dt.date
    expected: float
    ancestors: list[Team]
    risk: tracking.TeamRisk
    discipline: Discipline
    objectives: list[ObjectiveBlock]
    members: list[MemberRow]
    whole: SubjectRow | None  # stored: the team together with the teams inside it
    sub_teams: list[SubjectRow]  # stored: each team inside it, with the teams inside that
    as_of: dt.datetime | None

    @property
    def statuses(self) -> Statuses:
        return Statuses.of(self.risk.risk)

    @property
    def key_results(self) -> list[KeyResultFigures]:
        return [kr for block in self.objectives for kr in block.key_results]


def get_team(user: Person, pk: object) -> Team:
    try:
        return people_selectors.teams_visible_to(user).get(pk=int(pk))  # type: ignore[call-overload]
    except (ValueError, TypeError, Team.DoesNotExist):
        raise NotFound("No such team.") from None


def get_person(user: Person, pk: object) -> Person:
    try:
        return people_selectors.people_visible_to(user).get(pk=int(pk))  # type: ignore[call-overload]
    except (ValueError, TypeError, Person.DoesNotExist):
        raise NotFound("No such person.") from None


def _blocks(
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


def team_dashboard(
    user: Person, team: Team, cycle: Cycle, *, now: dt.datetime | None = None
) -> TeamDashboard:
    """A team's objectives with a burn-up per key result, the pace, forecast and check-in
    discipline of everything the team and its members own (live), and the stored figures of
    the teams inside it."""
    scope = Viewer.of(user).figure_scope()
    tz = _tz()
    now = now or timezone.now()
    today = timezone.localtime(now, tz).date()
    ctx = tracking.tracking_context(today)
    risk = tracking.team_risk(team, cycle, user, context=ctx)
    tracked = {item.key_result_id: item for item in risk.key_results}
    krs = list(
        KeyResult.objects.filter(pk__in=list(tracked))
        .select_related("cycle", "owner")
        .order_by("objective_id", "position", "pk")
    )
    figures_by_kr = key_result_figures(krs, tracked, window=cycle, now=now)
    # The team's own objectives among those ``team_risk`` read through the access policy.
    own = list(
        Objective.objects.filter(pk__in=list(risk.objectives), owner_team=team).order_by(
            "title", "pk"
        )
    )
    own_ids = {o.pk for o in own}
    blocks = _blocks(
        own,
        risk.objectives,
        {k: v for k, v in figures_by_kr.items() if v.key_result.objective_id in own_ids},
    )
    members = list(
        Person.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(team=team).values("person_id"),
        ).order_by("display_name", "username", "pk")
    )
    member_rows = []
    for person in members:
        theirs = [f for f in figures_by_kr.values() if f.key_result.owner_id == person.pk]
        member_rows.append(
            MemberRow(
                person,
                len(theirs),
                sum(1 for f in theirs if f.tracking.needs_attention),
                sum(1 for f in theirs if f.tracking.likely_to_miss),
                total_discipline(theirs),
            )
        )
    stored = list(
        _weekly(cycle, scope)
        .filter(subject=aggregate.TEAM, team=team)
        .order_by("week_ending")
        .values(*STORED_TEAM)
    )
    whole = _subject_row(stored[-1], stored, tz) if stored else None
    sub_teams: list[SubjectRow] = []
    if stored:
        sub_teams = [
            _subject_row(row, (), tz)
            for row in _weekly(cycle, scope)
            .filter(
                subject=aggregate.TEAM, team__parent=team, week_ending=stored[-1]["week_ending"]
            )
            .order_by("team__name", "team_id")
            .values(*STORED_TEAM)[:TEAMS_LIMIT]
        ]
    return TeamDashboard(
        team=team,
        cycle=cycle,
        scope=scope,
        today=today,
        expected=figure(pace.expected_progress(cycle.start_date, cycle.end_date, today)),
        ancestors=people_selectors.team_ancestors(team),
        risk=risk,
        discipline=total_discipline(figures_by_kr.values()),
        objectives=blocks,
        members=member_rows,
        whole=whole,
        sub_teams=sub_teams,
        as_of=stored[-1]["as_of"] if stored else None,
    )


# ---------------------------------------------------------------------------------------
# A person's dashboard


@dataclass
class PersonDashboard:
    person: Person
    cycle: Cycle
    today: dt.date
    expected: float
    objectives: list[ObjectiveBlock]  # the objectives they own (figures only)
    key_results: list[KeyResultFigures]  # the key results they own, with their readings
    discipline: Discipline

    @property
    def statuses(self) -> Statuses:
        return Statuses.of(pace.summarise(f.tracking.status for f in self.key_results))

    @property
    def likely_to_miss(self) -> int:
        return sum(1 for f in self.key_results if f.tracking.likely_to_miss)


def person_dashboard(
    user: Person, person: Person, cycle: Cycle, *, now: dt.datetime | None = None
) -> PersonDashboard:
    """A person's objectives and the key results they own in a cycle, as the viewer may see
    them, with their readings, pace, forecast and check-in discipline (all live)."""
    tz = _tz()
    now = now or timezone.now()
    today = timezone.localtime(now, tz).date()
    ctx = tracking.tracking_context(today)
    scope = goal_selectors.cycle_scope(cycle)
    objectives = list(
        goal_selectors.objectives_for_user(user)
        .filter(owner_person=person, cycle_id__in=scope, state__in=LIVE_STATES)
        .order_by("title", "pk")
    )
    tracked_objectives = tracking.track_objectives(objectives, forecast=True, context=ctx)
    krs = list(
        goal_selectors.key_results_for_user(user)
        .filter(
            owner=person,
            cycle_id__in=scope,
            objective__cycle_id__in=scope,
            objective__state__in=LIVE_STATES,
        )
        .order_by("objective__title", "objective_id", "position", "pk")
    )
    tracked = tracking.key_result_tracking(krs, forecast=True, context=ctx)
    figures_by_kr = key_result_figures(krs, tracked, window=cycle, now=now)
    return PersonDashboard(
        person=person,
        cycle=cycle,
        today=today,
        expected=figure(pace.expected_progress(cycle.start_date, cycle.end_date, today)),
        objectives=_blocks(objectives, tracked_objectives.objectives, {}),
        key_results=[figures_by_kr[kr.pk] for kr in krs if kr.pk in figures_by_kr],
        discipline=total_discipline(figures_by_kr.values()),
    )
