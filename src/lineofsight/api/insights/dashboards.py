"""/api/dashboards: the leadership, team and person dashboards, with the pages' numbers.

Thin: each endpoint resolves what it names through the access policy, asks
``insights.dashboards`` for the figures (the same call the pages make) and writes them out.
Figures (progress, shares, forecasts) are rounded to four decimals, exactly as the pages'
tables and charts carry them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from lineofsight.api.auth import caller
from lineofsight.api.errors import READ_ERRORS
from lineofsight.api.goals.tracking import ForecastOut, PaceOut, RiskOut, forecast_row, pace_row
from lineofsight.api.types import DateTime, ParamId
from lineofsight.core.errors import NotFound
from lineofsight.goals.forecast import CombinedForecast
from lineofsight.goals.models import Cycle
from lineofsight.insights import dashboards as dash
from lineofsight.insights.charts import figure
from lineofsight.insights.discipline import Discipline

router = Router(tags=["dashboards"])

Scope = Literal["all", "public"]


# ---------------------------------------------------------------------------------------
# Schemas


class DashboardCycleQuery(Schema):
    cycle: ParamId | None = Field(None, description="A cycle id; default: the current cycle.")


class DashboardLeadershipQuery(DashboardCycleQuery):
    department: ParamId | None = Field(
        None, description="A team id: also list the teams directly inside it."
    )


class DashboardCycleRef(Schema):
    id: int
    name: str
    start_date: dt.date
    end_date: dt.date
    state: str


class DashboardStatusCounts(Schema):
    on_track: int
    at_risk: int
    off_track: int
    stale: int
    pending: int
    not_started: int


class DashboardDisciplineOut(Schema):
    due: int = Field(description="Check-in periods that have ended.")
    kept: int = Field(description="Of those, periods with at least one check-in.")
    share: float | None = Field(description="kept / due; null when nothing was due yet.")


class DashboardWeekOut(Schema):
    week_ending: dt.date
    day: dt.date = Field(description="The day the figures describe (the week's last day, or "
                         "the day of the last run for the week in progress).")
    progress: float | None
    discipline: float | None
    attention_share: float | None
    likely_to_miss: int
    key_results: int


class DashboardSubjectOut(Schema):
    key: str
    name: str
    team: int | None
    kind: str
    progress: float | None = Field(description="Mean progress of the objectives it owns.")
    objectives: int
    key_results: int
    statuses: DashboardStatusCounts
    attention: int
    attention_share: float | None
    likely_to_miss: int
    could_miss: int
    periods_due: int
    periods_kept: int
    discipline: float | None = Field(description="Share of check-ins made on time.")
    weeks: list[DashboardWeekOut]


class DashboardCombinedOut(Schema):
    progress: float
    progress_low: float
    progress_high: float
    miss_risk: str
    success: float
    explanation: str


class DashboardCompanyObjectiveOut(Schema):
    id: int
    title: str
    commitment: str
    progress: float
    risk: RiskOut | None
    forecast: DashboardCombinedOut | None
    weeks: list[DashboardWeekOut]


class DashboardAtRiskOut(Schema):
    key_result: int
    title: str
    objective: int
    objective_title: str
    owner: int
    owner_name: str
    status: str
    confidence: str | None
    progress: float
    expected: float
    miss_risk: str | None
    forecast_progress: float
    forecast_low: float
    forecast_high: float
    success: float
    as_of: DateTime


class LeadershipDashboardOut(Schema):
    cycle: DashboardCycleRef
    scope: Scope = Field(description="'all': stored figures count every objective (HR and "
                         "executives); 'public': public objectives only.")
    today: dt.date
    expected: float = Field(description="Progress expected by today at an even pace.")
    as_of: DateTime | None = Field(description="When the stored figures were taken.")
    progress_now: float | None = Field(
        description="The company objectives' mean progress now, in the caller's scope, from "
        "the roll-ups every check-in updates (organisation.progress is as of as_of)."
    )
    organisation: DashboardSubjectOut | None
    company_objectives: list[DashboardCompanyObjectiveOut]
    departments: list[DashboardSubjectOut]
    department: int | None
    teams: list[DashboardSubjectOut]
    teams_more: int
    lagging_teams: list[DashboardSubjectOut]
    at_risk: list[DashboardAtRiskOut]


class DashboardReadingOut(Schema):
    day: dt.date
    value: float | None
    done: bool | None
    progress: float
    confidence: str


class DashboardKeyResultOut(Schema):
    id: int
    title: str
    objective: int
    owner: int
    owner_name: str
    kind: str
    unit: str
    cycle: int
    cycle_start: dt.date
    cycle_end: dt.date
    progress: float
    expected: float
    success: float
    target: float = Field(description="Progress of the target: always 1.0.")
    even_pace: bool = Field(description="Whether an even-pace line applies (increase and "
                            "decrease key results).")
    confidence: str | None
    pace: PaceOut
    forecast: ForecastOut | None
    discipline: DashboardDisciplineOut
    readings: list[DashboardReadingOut] = Field(
        description="Each day's latest check-in in its cycle."
    )


class DashboardObjectiveOut(Schema):
    id: int
    title: str
    commitment: str
    progress: float
    risk: RiskOut | None
    forecast: DashboardCombinedOut | None
    key_results: list[DashboardKeyResultOut]


class DashboardMemberOut(Schema):
    person: int
    name: str
    key_results: int
    attention: int
    likely_to_miss: int
    discipline: DashboardDisciplineOut


class DashboardTeamRef(Schema):
    id: int
    name: str
    kind: str
    parent: int | None


class TeamDashboardOut(Schema):
    team: DashboardTeamRef
    cycle: DashboardCycleRef
    scope: Scope
    today: dt.date
    expected: float
    as_of: DateTime | None
    risk: RiskOut = Field(description="Live: key results of the team and its members.")
    forecast: DashboardCombinedOut | None
    discipline: DashboardDisciplineOut
    objectives: list[DashboardObjectiveOut]
    members: list[DashboardMemberOut]
    whole: DashboardSubjectOut | None = Field(
        description="Stored: the team with the teams inside it."
    )
    sub_teams: list[DashboardSubjectOut]


class DashboardPersonRef(Schema):
    id: int
    name: str


class PersonDashboardOut(Schema):
    person: DashboardPersonRef
    cycle: DashboardCycleRef
    today: dt.date
    expected: float
    statuses: DashboardStatusCounts
    attention: int
    likely_to_miss: int
    discipline: DashboardDisciplineOut
    objectives: list[DashboardObjectiveOut]
    key_results: list[DashboardKeyResultOut]


# ---------------------------------------------------------------------------------------
# Rows


def _round(value: float | None) -> float | None:
    return None if value is None else figure(value)


def _cycle(user: Any, raw: int | None) -> Cycle:
    cycle = dash.resolve_cycle(user, raw)
    if cycle is None:
        raise NotFound("No cycles yet.")
    return cycle


def cycle_ref(cycle: Cycle) -> dict[str, Any]:
    return {
        "id": cycle.pk,
        "name": cycle.name,
        "start_date": cycle.start_date,
        "end_date": cycle.end_date,
        "state": cycle.state,
    }


def discipline_row(d: Discipline) -> dict[str, Any]:
    return {"due": d.due, "kept": d.kept, "share": _round(d.share)}


def week_row(w: dash.WeekPoint) -> dict[str, Any]:
    return {
        "week_ending": w.week_ending,
        "day": w.day,
        "progress": w.progress,
        "discipline": w.discipline,
        "attention_share": w.attention_share,
        "likely_to_miss": w.likely_to_miss,
        "key_results": w.key_results,
    }


def subject_row(row: dash.SubjectRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "name": row.name,
        "team": row.team_id,
        "kind": row.kind,
        "progress": row.progress,
        "objectives": row.objectives,
        "key_results": row.key_results,
        "statuses": row.statuses.as_dict(),
        "attention": row.statuses.attention,
        "attention_share": row.attention_share,
        "likely_to_miss": row.likely_to_miss,
        "could_miss": row.could_miss,
        "periods_due": row.periods_due,
        "periods_kept": row.periods_kept,
        "discipline": row.discipline,
        "weeks": [week_row(w) for w in row.weeks],
    }


def combined(forecast: CombinedForecast | None) -> dict[str, Any] | None:
    if forecast is None:
        return None
    return {
        "progress": figure(forecast.progress),
        "progress_low": figure(forecast.progress_low),
        "progress_high": figure(forecast.progress_high),
        "miss_risk": forecast.miss_risk.value,
        "success": figure(forecast.success),
        "explanation": forecast.explanation,
    }


def risk_row(tracking: Any) -> dict[str, Any] | None:
    if tracking is None:
        return None
    risk = tracking.risk
    return {
        "total": risk.total,
        "counts": dict(risk.counts),
        "worst": risk.worst.value if risk.worst else None,
        "attention": risk.attention,
        "likely_to_miss": tracking.likely_to_miss,
    }


def key_result_row(item: dash.KeyResultFigures) -> dict[str, Any]:
    kr = item.key_result
    t = item.tracking
    pace = pace_row(t.pace, t.cadence.value)
    for name in ("expected", "actual", "ratio"):
        pace[name] = _round(pace[name])
    forecast = None
    if t.forecast is not None:
        forecast = forecast_row(t.forecast)
        for name in ("progress", "progress_low", "progress_high", "success", "grade"):
            forecast[name] = figure(forecast[name])
        for name in ("value", "low", "high"):
            forecast[name] = _round(forecast[name])
    return {
        "id": kr.pk,
        "title": kr.title,
        "objective": kr.objective_id,
        "owner": kr.owner_id,
        "owner_name": kr.owner.name,
        "kind": kr.kind,
        "unit": kr.unit,
        "cycle": kr.cycle_id,
        "cycle_start": item.cycle_start,
        "cycle_end": item.cycle_end,
        "progress": item.progress,
        "expected": item.expected,
        "success": item.success,
        "target": 1.0,
        "even_pace": item.is_paced,
        "confidence": kr.confidence or None,
        "pace": pace,
        "forecast": forecast,
        "discipline": discipline_row(item.discipline),
        "readings": [
            {
                "day": r.day,
                "value": r.value,
                "done": r.done,
                "progress": r.progress,
                "confidence": r.confidence,
            }
            for r in item.readings
        ],
    }


def objective_row(block: dash.ObjectiveBlock) -> dict[str, Any]:
    o = block.objective
    return {
        "id": o.pk,
        "title": o.title,
        "commitment": o.commitment,
        "progress": block.progress,
        "risk": risk_row(block.tracking),
        "forecast": combined(block.tracking.forecast if block.tracking else None),
        "key_results": [key_result_row(item) for item in block.key_results],
    }


def at_risk_row(item: dash.AtRiskItem) -> dict[str, Any]:
    r = item.row
    kr = item.key_result
    return {
        "key_result": kr.pk,
        "title": kr.title,
        "objective": kr.objective_id,
        "objective_title": item.objective.title,
        "owner": kr.owner_id,
        "owner_name": kr.owner.name,
        "status": r.status,
        "confidence": r.confidence or None,
        "miss_risk": r.miss_risk or None,
        "as_of": r.as_of,
        **item.figures(),
    }


# ---------------------------------------------------------------------------------------
# Endpoints


@router.get("/leadership", response={200: LeadershipDashboardOut, **READ_ERRORS})
def leadership_dashboard(request: HttpRequest, query: Query[DashboardLeadershipQuery]) -> Any:
    """The leadership dashboard: company objectives (live), departments and teams, the
    at-risk list and weekly trends (stored), in the caller's scope."""
    user = caller(request)
    cycle = _cycle(user, query.cycle)
    department = dash.get_team(user, query.department) if query.department else None
    data = dash.leadership(user, cycle, department=department)
    return {
        "cycle": cycle_ref(cycle),
        "scope": data.scope,
        "today": data.today,
        "expected": data.expected,
        "as_of": data.as_of,
        "progress_now": data.progress_now,
        "organisation": subject_row(data.organisation) if data.organisation else None,
        "company_objectives": [
            {
                "id": c.objective.pk,
                "title": c.objective.title,
                "commitment": c.objective.commitment,
                "progress": c.progress,
                "risk": risk_row(c.tracking),
                "forecast": combined(c.tracking.forecast if c.tracking else None),
                "weeks": [week_row(w) for w in c.weeks],
            }
            for c in data.company
        ],
        "departments": [subject_row(r) for r in data.departments],
        "department": department.pk if department else None,
        "teams": [subject_row(r) for r in data.teams],
        "teams_more": data.teams_more,
        "lagging_teams": [subject_row(r) for r in data.lagging],
        "at_risk": [at_risk_row(item) for item in data.at_risk],
    }


@router.get("/teams/{id}", response={200: TeamDashboardOut, **READ_ERRORS})
def team_dashboard(request: HttpRequest, id: ParamId, query: Query[DashboardCycleQuery]) -> Any:
    """A team's dashboard: its objectives with each key result's readings, pace, forecast
    and discipline; its members; the stored figures of the teams inside it."""
    user = caller(request)
    team = dash.get_team(user, id)
    cycle = _cycle(user, query.cycle)
    data = dash.team_dashboard(user, team, cycle)
    return {
        "team": {"id": team.pk, "name": team.name, "kind": team.kind, "parent": team.parent_id},
        "cycle": cycle_ref(cycle),
        "scope": data.scope,
        "today": data.today,
        "expected": data.expected,
        "as_of": data.as_of,
        "risk": {
            "total": data.risk.risk.total,
            "counts": dict(data.risk.risk.counts),
            "worst": data.risk.risk.worst.value if data.risk.risk.worst else None,
            "attention": data.risk.attention,
            "likely_to_miss": data.risk.likely_to_miss,
        },
        "forecast": combined(data.risk.forecast),
        "discipline": discipline_row(data.discipline),
        "objectives": [objective_row(b) for b in data.objectives],
        "members": [
            {
                "person": m.person.pk,
                "name": m.person.name,
                "key_results": m.key_results,
                "attention": m.attention,
                "likely_to_miss": m.likely_to_miss,
                "discipline": discipline_row(m.discipline),
            }
            for m in data.members
        ],
        "whole": subject_row(data.whole) if data.whole else None,
        "sub_teams": [subject_row(r) for r in data.sub_teams],
    }


@router.get("/people/{id}", response={200: PersonDashboardOut, **READ_ERRORS})
def person_dashboard(request: HttpRequest, id: ParamId, query: Query[DashboardCycleQuery]) -> Any:
    """A person's dashboard: the objectives and key results they own that the caller may
    see, with readings, pace, forecast and discipline."""
    user = caller(request)
    person = dash.get_person(user, id)
    cycle = _cycle(user, query.cycle)
    data = dash.person_dashboard(user, person, cycle)
    statuses = data.statuses
    return {
        "person": {"id": person.pk, "name": person.name},
        "cycle": cycle_ref(cycle),
        "today": data.today,
        "expected": data.expected,
        "statuses": statuses.as_dict(),
        "attention": statuses.attention,
        "likely_to_miss": data.likely_to_miss,
        "discipline": discipline_row(data.discipline),
        "objectives": [objective_row(b) for b in data.objectives],
        "key_results": [key_result_row(item) for item in data.key_results],
    }
