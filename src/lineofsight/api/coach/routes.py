"""/api/coach: the coach's findings, alignment health and acknowledgements.

Thin: the same selectors as the pages (``coach.selectors``, ``coach_health``), so
a finding, a count or a quality score is the same here as on the health page and in
``lineofsight coach``; the facts are read as the caller may see them. Writes go through
``coach.actions``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lineofsight.api.auth import caller
from lineofsight.api.base import Page, PageQuery, References, page
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.api.types import DateTime, Id, LongText, ParamId, text
from lineofsight.coach import actions as coach_actions
from lineofsight.coach.health import HealthRow, health
from lineofsight.coach.limits import coach_rules
from lineofsight.coach.rules.quality import Quality
from lineofsight.coach.scope import CoachScope
from lineofsight.coach.selectors import (
    acknowledgement_data,
    coach_report,
    finding_data,
    get_acknowledgement_for_user,
    resolve_cycle,
    subject_of,
)
from lineofsight.core.errors import InvalidInput, NotFound
from lineofsight.goals.models import Cycle
from lineofsight.people import actions as people_actions

router = Router(tags=["coach"])

FindingLevel = Literal["error", "warning", "info"]
FindingSubjectKind = Literal["objective", "key_result", "person", "team", "cycle", "review_cycle"]


# ---------------------------------------------------------------------------------------
# Schemas


class CoachCycleRef(Schema):
    id: int
    name: str
    start_date: dt.date
    end_date: dt.date
    state: str


class CoachAcknowledgementOut(Schema):
    id: int
    cycle: int
    code: str
    subject: FindingSubjectKind
    subject_id: int
    reason: str
    acknowledged_by: int | None
    acknowledged_by_name: str | None
    acknowledged_at: DateTime
    reopened_at: DateTime | None
    reopened_by: int | None
    reopen_reason: str


class CoachFindingOut(Schema):
    check: str = Field(
        description="The check: focus, copy_paste, orphan, measurable, "
        "lagging_only, sandbagging, neglect or attainment_rating."
    )
    code: str = Field(description="The precise rule, e.g. focus.person_objectives.")
    level: FindingLevel
    subject: FindingSubjectKind
    subject_id: int
    subject_label: str
    objective: int | None = Field(description="The objective it is about, if any.")
    message: str
    suggestion: str
    acknowledgement: CoachAcknowledgementOut | None = Field(
        description="The acknowledgement in force, if someone acknowledged it."
    )


class CoachFindingsQuery(PageQuery):
    cycle: ParamId | None = Field(None, description="A cycle id; default: the current cycle.")
    team: ParamId | None = Field(
        None, description="A team id: its objectives, its teams' and their members'."
    )
    person: ParamId | None = Field(None, description="A person id: their objectives.")
    acknowledged: bool | None = Field(
        None, description="true: acknowledged findings only; false: open ones only."
    )


class CoachHealthQuery(Schema):
    cycle: ParamId | None = Field(None, description="A cycle id; default: the current cycle.")
    department: ParamId | None = Field(
        None, description="A team id: its health, with a row per team directly inside it."
    )


class CoachQualityOut(Schema):
    score: int = Field(description="0-100.")
    reasons: list[str] = Field(description="Each deduction, with its points.")


class CoachHealthRowOut(Schema):
    name: str
    team: int | None
    objectives: int = Field(description="Live team and individual objectives.")
    aligned: int
    aligned_share: float | None
    company_objectives: int
    orphans: int
    copy_paste: int
    focus: int
    neglected: int = Field(description="Key results not checked in on within their cadence.")
    other: int
    acknowledged: int
    quality: CoachQualityOut | None


class CoachSettingsOut(Schema):
    max_objectives_person: int
    max_objectives_team: int
    min_key_results: int
    max_key_results: int
    min_key_results_company: int
    max_key_results_company: int
    copy_paste_similarity: float
    sandbagging_cycles: int
    sandbagging_attainment: float
    sandbagging_min_check_ins: int
    neglect_missed_check_ins: int
    closing_days: int
    max_nesting_depth: int
    min_objectives_team: int
    rating_attainment_correlation: float
    rating_attainment_min_people: int


class CoachSettingsIn(Schema):
    """The limits to change; those left out stay as they are."""

    model_config = {"extra": "forbid"}

    max_objectives_person: int | None = None
    max_objectives_team: int | None = None
    min_objectives_team: int | None = None
    min_key_results: int | None = None
    max_key_results: int | None = None
    min_key_results_company: int | None = None
    max_key_results_company: int | None = None
    copy_paste_similarity: float | None = None
    sandbagging_cycles: int | None = None
    sandbagging_attainment: float | None = None
    sandbagging_min_check_ins: int | None = None
    neglect_missed_check_ins: int | None = None
    closing_days: int | None = None
    max_nesting_depth: int | None = None
    rating_attainment_correlation: float | None = None
    rating_attainment_min_people: int | None = None


class CoachLimitOut(Schema):
    name: str = Field(description="The setting, as in PATCH /api/coach/settings.")
    label: str
    value: float
    default: float
    minimum: float
    maximum: float
    share: bool = Field(description="A share from 0 to 1 rather than a count.")
    reason: str = Field(description="Why the default is what it is.")


class CoachRuleOut(Schema):
    name: str
    title: str
    description: str
    limits: list[CoachLimitOut]


class CoachRulesOut(Schema):
    rules: list[CoachRuleOut]
    can_edit: bool = Field(description="Whether the caller (HR) may change the limits.")


class CoachHealthOut(Schema):
    cycle: CoachCycleRef
    department: int | None
    today: dt.date
    settings: CoachSettingsOut
    total: CoachHealthRowOut
    rows: list[CoachHealthRowOut]
    top: list[CoachFindingOut] = Field(description="The open findings to look at first.")
    open_findings: int
    acknowledged_findings: int


class CoachAcknowledgeIn(Schema):
    cycle: Id
    code: text(100, min_length=1)  # type: ignore[valid-type]
    subject: FindingSubjectKind
    subject_id: Id
    reason: LongText


class CoachReopenIn(Schema):
    reason: LongText = ""


# ---------------------------------------------------------------------------------------
# Rows


def cycle_ref(cycle: Cycle) -> dict[str, Any]:
    return {
        "id": cycle.pk,
        "name": cycle.name,
        "start_date": cycle.start_date,
        "end_date": cycle.end_date,
        "state": cycle.state,
    }


def quality_row(quality: Quality | None) -> dict[str, Any] | None:
    if quality is None:
        return None
    return {
        "score": quality.score,
        "reasons": [f"-{r.points:g} {r.text}" for r in quality.reasons],
    }


def health_row(row: HealthRow) -> dict[str, Any]:
    return {
        "name": row.name,
        "team": row.team_id,
        "objectives": row.objectives,
        "aligned": row.aligned,
        "aligned_share": round(row.aligned_share, 4) if row.aligned_share is not None else None,
        "company_objectives": row.company_objectives,
        "orphans": row.orphans,
        "copy_paste": row.copy_paste,
        "focus": row.focus,
        "neglected": row.neglected,
        "other": row.other,
        "acknowledged": row.acknowledged,
        "quality": quality_row(row.quality),
    }


def _cycle(user: Any, raw: int | None) -> Cycle:
    cycle = resolve_cycle(user, raw)
    if cycle is None:
        raise NotFound("No cycle yet.")
    return cycle


# ---------------------------------------------------------------------------------------
# Endpoints


@router.get("/health", response={200: CoachHealthOut, **READ_ERRORS})
def coach_health(request: HttpRequest, query: Query[CoachHealthQuery]) -> Any:
    """Alignment health for a cycle: the organisation (or a department) and a row per
    department (or team), with the findings to look at first. The same figures as
    ``/health/``, over the objectives the caller may see."""
    user = caller(request)
    cycle = _cycle(user, query.cycle)
    department = subject_of(user, "team", query.department) if query.department else None
    data = health(user, cycle, department=department)
    settings = data.settings
    return {
        "cycle": cycle_ref(cycle),
        "department": department.pk if department else None,
        "today": data.today,
        "settings": {name: getattr(settings, name) for name in CoachSettingsOut.model_fields},
        "total": health_row(data.total),
        "rows": [health_row(r) for r in data.rows],
        "top": [finding_data(r) for r in data.top],
        "open_findings": len(data.report.open_rows),
        "acknowledged_findings": len(data.report.acknowledged_rows),
    }


@router.get("/findings", response={200: Page[CoachFindingOut], **READ_ERRORS})
def coach_findings(request: HttpRequest, filters: Query[CoachFindingsQuery]) -> Any:
    """Every finding for a cycle, for the whole organisation, a team or a person, errors
    first, each with the acknowledgement in force (if any)."""
    user = caller(request)
    if filters.team is not None and filters.person is not None:
        raise InvalidInput.one("person", "Give a team or a person, not both.")
    cycle = _cycle(user, filters.cycle)
    if filters.team is not None:
        scope = CoachScope.of_team(cycle, subject_of(user, "team", filters.team))
    elif filters.person is not None:
        scope = CoachScope.of_person(cycle, subject_of(user, "person", filters.person))
    else:
        scope = CoachScope.organisation(cycle)
    rows = coach_report(user, scope).rows
    if filters.acknowledged is not None:
        rows = [r for r in rows if r.acknowledged is filters.acknowledged]
    shown = rows[filters.offset : filters.offset + filters.limit]
    return page(len(rows), filters, [finding_data(r) for r in shown])


@router.post("/acknowledgements", response={201: CoachAcknowledgementOut, **WRITE_ERRORS})
def acknowledge_finding(request: HttpRequest, payload: CoachAcknowledgeIn) -> Any:
    """Acknowledge a finding as a deliberate exception, with a reason: it stops nagging and
    is counted apart. Whoever may change its subject may (HR for a cycle)."""
    user = caller(request)
    refs = References()
    cycle = refs.get(Cycle.objects.all(), payload.cycle, "cycle", "cycle")
    try:
        subject_of(user, payload.subject, payload.subject_id)
    except NotFound:
        refs.error(
            "subject_id",
            f"No {payload.subject.replace('_', ' ')} with id "
            f"{payload.subject_id} that you can see.",
        )
    refs.check()
    assert cycle is not None
    ack = coach_actions.acknowledge_finding(
        acting_user=user,
        cycle=cycle,
        code=payload.code,
        subject=payload.subject,
        subject_id=payload.subject_id,
        reason=payload.reason,
    )
    return Status(201, acknowledgement_data(ack))


@router.post(
    "/acknowledgements/{id}/reopen", response={200: CoachAcknowledgementOut, **WRITE_ERRORS}
)
def reopen_finding(request: HttpRequest, id: ParamId, payload: CoachReopenIn) -> Any:
    """Take an acknowledgement back (the finding nags again); the row is kept, marked
    reopened."""
    user = caller(request)
    ack = get_acknowledgement_for_user(user, id)
    ack = coach_actions.reopen_finding(acting_user=user, acknowledgement=ack, reason=payload.reason)
    return acknowledgement_data(ack)


def _rules_data(user: Any) -> dict[str, Any]:
    return {
        "rules": [
            {
                "name": rule.name,
                "title": rule.title,
                "description": rule.description,
                "limits": [
                    {
                        "name": row.name,
                        "label": row.limit.label,
                        "value": row.value,
                        "default": row.limit.default,
                        "minimum": row.low,
                        "maximum": row.high,
                        "share": row.limit.share,
                        "reason": row.limit.reason,
                    }
                    for row in rule.limits
                ],
            }
            for rule in coach_rules()
        ],
        "can_edit": bool(user.is_hr_admin),
    }


@router.get("/rules", response={200: CoachRulesOut, **READ_ERRORS})
def coach_rules_list(request: HttpRequest) -> Any:
    """Every check the coach runs, what it looks for, and its limits: the value in force,
    the default, the allowed range and the reason for the default. Readable by everyone."""
    return _rules_data(caller(request))


@router.patch("/settings", response={200: CoachRulesOut, **WRITE_ERRORS})
def update_coach_settings(request: HttpRequest, payload: CoachSettingsIn) -> Any:
    """Change the coach's limits (HR only). All or nothing: a value out of range answers 422
    naming each field at fault, and nothing changes. Answers the rules with the new limits."""
    user = caller(request)
    changes = payload.model_dump(exclude_none=True)
    people_actions.update_coach_settings(acting_user=user, **changes)
    return _rules_data(user)
