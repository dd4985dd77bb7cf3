"""The leadership dashboard: every company objective (live), the organisation's,
departments' and teams' stored figures and weekly trends, the lagging teams and the at-risk
list, in the viewer's scope."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import ExpressionWrapper, F, FloatField, Q
from django.utils import timezone

from lineofsight.goals import pace, tracking
from lineofsight.goals import selectors as goal_selectors
from lineofsight.goals.models import Cycle, KeyResult, Objective
from lineofsight.insights import aggregate
from lineofsight.insights.access import InsightViewer
from lineofsight.insights.charts import figure
from lineofsight.insights.dashboards.common import (
    AT_RISK_LIMIT,
    LAGGING_TEAMS,
    LIVE_STATES,
    TEAMS_LIMIT,
    org_tz,
)
from lineofsight.insights.dashboards.subjects import (
    STORED,
    STORED_TEAM,
    Statuses,
    Stored,
    SubjectRow,
    WeekPoint,
    stored_weeks,
    subject_row,
    week_point,
)
from lineofsight.insights.models import AtRiskKeyResult, WeeklyFigures
from lineofsight.people.models import Person, Team


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
    progress_now: float | None  # the company objectives' mean progress now, in the scope
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
    viewer = InsightViewer.of(user)
    scope = viewer.figure_scope()
    tz = org_tz()
    now = now or timezone.now()
    today = timezone.localtime(now, tz).date()
    ctx = tracking.tracking_context(today)
    weekly = stored_weeks(cycle, scope)

    org_weeks = list(
        weekly.filter(subject=aggregate.ORGANISATION).order_by("week_ending").values(*STORED)
    )
    latest = org_weeks[-1] if org_weeks else None
    organisation = subject_row(latest, org_weeks, tz) if latest else None

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
            departments.append(subject_row(row, by_team[row["team_id"]], tz))
        if department is not None:
            child_rows = weekly.filter(
                subject=aggregate.TEAM, week_ending=week, team__parent=department
            ).order_by("team__name", "team_id")
            found = list(child_rows.values(*STORED_TEAM)[: TEAMS_LIMIT + 1])
            if len(found) > TEAMS_LIMIT:
                teams_more = child_rows.count() - TEAMS_LIMIT
            teams = [subject_row(r, (), tz) for r in found[:TEAMS_LIMIT]]
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
        lagging = [subject_row(r, (), tz) for r in lagging_rows]

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
            tuple(week_point(w, tz) for w in objective_weeks.get(o.pk, [])),
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
        progress_now=_company_progress_now(objectives, scope),
        organisation=organisation,
        company=company,
        departments=departments,
        department=department,
        teams=teams,
        teams_more=teams_more,
        lagging=lagging,
        at_risk=at_risk,
    )



def _company_progress_now(objectives: list[Objective], scope: str) -> float | None:
    """The organisation's progress as the snapshot computes it (the mean of the company
    objectives' progress; public ones only outside the 'all' scope), from the roll-ups that
    every check-in updates, so it is current. The viewer's company objectives are at hand:
    everyone sees every public one, and the 'all' scope is HR's and executives', who see
    them all."""
    counted = [
        o.progress
        for o in objectives
        if scope == aggregate.ALL or o.visibility == Objective.Visibility.PUBLIC
    ]
    return figure(sum(counted) / len(counted)) if counted else None
