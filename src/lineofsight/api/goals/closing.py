"""Closing a cycle over the API: close and regrade (HR), the grades, adjusted grades,
retrospectives, carrying key results over, and calibrated confidence.

The routes sit under the resources they belong to (``/cycles/{id}/close``,
``/objectives/{id}/grade``, ``/key-results/{id}/carry-over``, ``/people/{id}/
confidence-calibration``...) and call the same selectors and actions as the close-out pages.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lineofsight.access.policy import Viewer
from lineofsight.api.auth import caller
from lineofsight.api.base import Input, References
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.api.goals import key_results as key_result_routes
from lineofsight.api.goals import objectives as objective_routes
from lineofsight.api.goals.rows import cycle_row
from lineofsight.api.goals.schemas import CycleOut, KeyResultDetailOut, ObjectiveDetailOut
from lineofsight.api.types import (
    DateTime,
    Id,
    LongText,
    Number,
    ParamId,
    Reason,
    Title,
)
from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound
from lineofsight.goals import actions, grading, selectors
from lineofsight.goals.closing import selectors as closing
from lineofsight.goals.models import Cycle, KeyResult, Objective, Retrospective
from lineofsight.people.selectors import (
    get_person_for_user,
    get_team_for_user,
    people_visible_to,
)

Grade = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False, strict=True)]

objectives = Router(tags=["objectives"])
key_results = Router(tags=["key results"])
cycles = Router(tags=["cycles"])
people = Router(tags=["people"])
teams = Router(tags=["teams"])

# ---------------------------------------------------------------------------------------
# Bodies


class GradeIn(Input):
    adjusted_grade: Grade | None = Field(
        ...,
        description="The owner's grade, 0.0-1.0 (kept to two decimals); null withdraws the "
        "adjustment. The computed grade is kept either way.",
    )
    reason: Reason = Field(description="Why; required, kept with the grade and in the audit log.")


class RetrospectiveIn(Input):
    what_happened: LongText = Field(description="What happened (required).")
    in_control: LongText = Field("", description="What was in the owner's control, and not.")
    learned: LongText = Field("", description="What was learned.")
    decision: Literal["keep", "change", "drop"] = Field(description="Keep, change or drop.")


class RetrospectiveOut(Schema):
    what_happened: str
    in_control: str
    learned: str
    decision: str
    author: int | None
    author_name: str
    created_at: DateTime
    updated_at: DateTime


class ObjectiveRetrospectiveOut(Schema):
    objective: int
    cycle_closed: bool = Field(description="Retrospectives are written once the cycle closes.")
    retrospective: RetrospectiveOut | None


class CarryOverIn(Input):
    objective: Id | None = Field(
        None,
        description="An objective of the next cycle (or its year) you may edit. Without it, the "
        "key result goes into a copy of its objective there (made once, then reused).",
    )
    cycle: Id | None = Field(None, description="The cycle to carry it into; default the next.")
    title: Title | None = Field(None, description="Default: the key result's title.")
    target_value: Number | None = Field(None, description="Default: the key result's target.")
    owner: Id | None = Field(None, description="Default: the key result's owner.")


class CarriedOut(KeyResultDetailOut):
    carried_from: int = Field(description="The key result this one continues.")


class LinkedKeyResultOut(Schema):
    id: int
    title: str
    objective: int
    objective_title: str
    cycle: int
    cycle_name: str


class CarryLinksOut(Schema):
    carried_from: LinkedKeyResultOut | None
    carried_into: list[LinkedKeyResultOut]


class GradeSummaryOut(Schema):
    graded: int = Field(description="Objectives graded (drafts and abandoned ones are not).")
    not_graded: int
    average: float | None = Field(description="Mean computed grade of the graded objectives.")
    committed: int
    committed_missed: int
    aspirational: int
    aspirational_successes: int
    adjusted: int
    lines: list[str] = Field(description="The summary in words.")


class CycleGradesOut(Schema):
    cycle: CycleOut
    closed: bool
    summary: GradeSummaryOut | None = Field(
        description="Over the objectives you can see; null until the cycle closes."
    )


class GradingRunOut(Schema):
    objectives: int
    key_results: int
    objectives_written: int
    key_results_written: int


class CycleClosedOut(CycleGradesOut):
    key_results_graded: int = Field(description="Key results of the cycle with a grade.")


class CycleRegradedOut(CycleGradesOut):
    regraded: GradingRunOut = Field(description="Rows examined, and grades that changed.")


class CalibrationQuery(Schema):
    cycle: ParamId | None = Field(
        None, description="A closed cycle; default the latest closed quarter."
    )


class KeyResultCalibrationOut(Schema):
    id: int
    title: str
    calls: int = Field(description="Check-ins with a confidence call.")
    mean_probability: float
    grade: float
    success_threshold: float
    succeeded: bool
    brier: float


class CalibrationOut(Schema):
    cycle: int | None = Field(description="The closed cycle scored (null: none is closed).")
    brier: float | None = Field(description="Mean Brier score: 0 perfect, 0.25 = always 50/50.")
    reading: str = Field(description="overconfident, underconfident, well_calibrated, no_calls")
    reading_label: str
    calls: int
    mean_probability: float | None
    success_rate: float | None
    key_results: list[KeyResultCalibrationOut]
    summary: str
    method: str
    reference: str
    reading_rule: str
    mapping: dict[str, float] = Field(description="The probability each confidence stands for.")


class PersonCalibrationOut(CalibrationOut):
    person: int


class TeamCalibrationOut(CalibrationOut):
    team: int


# ---------------------------------------------------------------------------------------
# Grades


@objectives.post("/{id}/grade", response={200: ObjectiveDetailOut, **WRITE_ERRORS})
def grade_objective(request: HttpRequest, id: ParamId, payload: GradeIn) -> Any:
    """Set, change or (``adjusted_grade: null``) withdraw the objective's adjusted grade, with
    a reason, once its cycle is closed. Its owner and those who may edit it can; the computed
    grade is kept beside it and each change keeps the previous one in the audit log."""
    user = caller(request)
    objective = selectors.get_objective_for_user(user, id)
    actions.adjust_objective_grade(
        acting_user=user,
        objective=objective,
        adjusted_grade=payload.adjusted_grade,
        reason=payload.reason,
    )
    return objective_routes.detail(user, id)


@key_results.post("/{id}/grade", response={200: KeyResultDetailOut, **WRITE_ERRORS})
def grade_key_result(request: HttpRequest, id: ParamId, payload: GradeIn) -> Any:
    """Set, change or withdraw the key result's adjusted grade, with a reason (as for
    objectives)."""
    user = caller(request)
    kr = selectors.get_key_result_for_user(user, id)
    actions.adjust_key_result_grade(
        acting_user=user,
        key_result=kr,
        adjusted_grade=payload.adjusted_grade,
        reason=payload.reason,
    )
    return key_result_routes.detail(user, id)


# ---------------------------------------------------------------------------------------
# Retrospectives


def _retrospective(objective: Objective, retro: Retrospective | None) -> dict[str, Any]:
    body = None
    if retro is not None:
        body = {
            "what_happened": retro.what_happened,
            "in_control": retro.in_control,
            "learned": retro.learned,
            "decision": retro.decision,
            "author": retro.author_id,
            "author_name": retro.author.name if retro.author else "",
            "created_at": retro.created_at,
            "updated_at": retro.updated_at,
        }
    return {
        "objective": objective.pk,
        "cycle_closed": objective.cycle.is_closed,
        "retrospective": body,
    }


@objectives.get("/{id}/retrospective", response={200: ObjectiveRetrospectiveOut, **READ_ERRORS})
def get_retrospective(request: HttpRequest, id: ParamId) -> Any:
    """The objective's retrospective (null until someone writes it)."""
    objective, retro = closing.get_retrospective(caller(request), id)
    return _retrospective(objective, retro)


@objectives.put("/{id}/retrospective", response={200: ObjectiveRetrospectiveOut, **WRITE_ERRORS})
def save_retrospective(request: HttpRequest, id: ParamId, payload: RetrospectiveIn) -> Any:
    """Write or rewrite the objective's retrospective once its cycle is closed: what
    happened, what was in the owner's control, what was learned, keep / change / drop."""
    user = caller(request)
    objective = selectors.get_objective_for_user(user, id)
    actions.save_retrospective(
        acting_user=user,
        objective=objective,
        what_happened=payload.what_happened,
        in_control=payload.in_control,
        learned=payload.learned,
        decision=payload.decision,
    )
    objective, retro = closing.get_retrospective(user, id)
    return _retrospective(objective, retro)


# ---------------------------------------------------------------------------------------
# Carrying key results over


def _linked(kr: KeyResult) -> dict[str, Any]:
    return {
        "id": kr.pk,
        "title": kr.title,
        "objective": kr.objective_id,
        "objective_title": kr.objective.title,
        "cycle": kr.cycle_id,
        "cycle_name": kr.cycle.name,
    }


@key_results.get("/{id}/carry-over", response={200: CarryLinksOut, **READ_ERRORS})
def key_result_carry_links(request: HttpRequest, id: ParamId) -> Any:
    """Where the key result was carried from and into (the ones you can see)."""
    user = caller(request)
    kr = selectors.get_key_result_for_user(user, id)
    links = closing.carry_links(user, [kr])[kr.pk]
    return {
        "carried_from": _linked(links.carried_from) if links.carried_from else None,
        "carried_into": [_linked(k) for k in links.carried_into],
    }


@key_results.post("/{id}/carry-over", response={201: CarriedOut, **WRITE_ERRORS})
def carry_over_key_result(request: HttpRequest, id: ParamId, payload: CarryOverIn) -> Any:
    """Carry an unfinished key result of a closed cycle into the next cycle. The new key
    result links back to this one, starts from its last value and keeps its kind, unit,
    target, signal, weight and owner unless the body says otherwise."""
    user = caller(request)
    kr = selectors.get_key_result_for_user(user, id)
    refs = References()
    into = refs.get(
        selectors.objectives_for_user(user), payload.objective, "objective", "objective"
    )
    cycle = refs.get(selectors.cycles_for_user(user), payload.cycle, "cycle", "cycle")
    owner = refs.get(people_visible_to(user), payload.owner, "owner", "active person")
    refs.check()
    carried = actions.carry_over_key_result(
        acting_user=user,
        key_result=kr,
        into_objective=into,
        cycle=cycle,
        title=payload.title,
        target_value=payload.target_value,
        owner=owner,
    )
    row = key_result_routes.detail(user, carried.pk)
    row["carried_from"] = kr.pk
    return Status(201, row)


# ---------------------------------------------------------------------------------------
# Cycles


def _summary(summary: grading.GradeSummary) -> dict[str, Any]:
    return {**asdict(summary), "lines": summary.lines()}


def _grades(user: Any, cycle: Cycle) -> dict[str, Any]:
    return {
        "cycle": cycle_row(cycle),
        "closed": cycle.is_closed,
        "summary": _summary(closing.grade_summary(user, cycle)) if cycle.is_closed else None,
    }


@cycles.get("/{id}/grades", response={200: CycleGradesOut, **READ_ERRORS})
def cycle_grades(request: HttpRequest, id: ParamId) -> Any:
    """A closed cycle's grades in summary: objectives graded, average grade, committed ones
    missed, aspirational successes; over the objectives you can see."""
    user = caller(request)
    return _grades(user, selectors.get_cycle_for_user(user, id))


@cycles.post("/{id}/close", response={200: CycleClosedOut, **WRITE_ERRORS})
def close_cycle(request: HttpRequest, id: ParamId) -> Any:
    """Close the cycle (HR admins): its OKRs freeze and every key result and objective in it
    gets its computed grade, in one transaction."""
    user = caller(request)
    cycle = selectors.get_cycle_for_user(user, id)
    if not Viewer.of(user).can_close_cycles():
        raise NotAllowed("Only HR admins close cycles.")
    if cycle.is_closed:
        raise InvalidInput.one("state", f"{cycle.name} is already closed.")
    cycle = actions.set_cycle_state(acting_user=user, cycle=cycle, state=Cycle.State.CLOSED)
    graded = KeyResult.objects.filter(cycle=cycle, computed_grade__isnull=False).count()
    return {**_grades(user, cycle), "key_results_graded": graded}


@cycles.post("/{id}/regrade", response={200: CycleRegradedOut, **WRITE_ERRORS})
def regrade_cycle(request: HttpRequest, id: ParamId) -> Any:
    """Recompute a closed cycle's grades from its current figures, after HR amended some
    (HR admins). Adjusted grades are left as they are."""
    user = caller(request)
    cycle = selectors.get_cycle_for_user(user, id)
    run = actions.regrade_cycle(acting_user=user, cycle=cycle)
    return {**_grades(user, cycle), "regraded": run.as_dict()}


# ---------------------------------------------------------------------------------------
# Calibrated confidence


def _calibration(result: grading.Calibration, cycle: Cycle | None) -> dict[str, Any]:
    return {
        "cycle": cycle.pk if cycle else None,
        "brier": result.brier,
        "reading": result.reading.value,
        "reading_label": result.reading.label,
        "calls": result.calls,
        "mean_probability": result.mean_probability,
        "success_rate": result.success_rate,
        "key_results": [
            {
                "id": kr.ref,
                "title": kr.title,
                "calls": kr.calls,
                "mean_probability": kr.mean_probability,
                "grade": kr.grade,
                "success_threshold": kr.threshold,
                "succeeded": kr.succeeded,
                "brier": kr.brier,
            }
            for kr in result.key_results
        ],
        "summary": result.summary,
        "method": grading.METHOD,
        "reference": grading.REFERENCE,
        "reading_rule": grading.READING_RULE,
        "mapping": dict(grading.CONFIDENCE_PROBABILITY),
    }


def _calibration_cycle(raw: int | None) -> Cycle | None:
    choices = closing.closed_cycles()
    if raw is not None and raw not in {c.pk for c in choices}:
        raise InvalidInput.one("cycle", f"No closed cycle has the id {raw}.")
    return closing.calibration_cycle(raw, choices)


@people.get("/{id}/confidence-calibration", response={200: PersonCalibrationOut, **READ_ERRORS})
def person_confidence_calibration(
    request: HttpRequest, id: ParamId, filters: Query[CalibrationQuery]
) -> Any:
    """How well the person's confidence calls predicted their key results' outcomes in a
    closed cycle (Brier score, per key result, with the reading). Only the person, their
    manager chain and HR may see it; for anyone else it is not found."""
    user = caller(request)
    person = get_person_for_user(user, id)
    if not Viewer.of(user).can_see_calibration_of(person):
        raise NotFound("Not found.")
    cycle = _calibration_cycle(filters.cycle)
    result = closing.person_calibration(user, person, cycle) if cycle else grading.calibrate([])
    return {**_calibration(result, cycle), "person": person.pk}


@teams.get("/{id}/confidence-calibration", response={200: TeamCalibrationOut, **READ_ERRORS})
def team_confidence_calibration(
    request: HttpRequest, id: ParamId, filters: Query[CalibrationQuery]
) -> Any:
    """The same for a team: the key results owned by its members and those of the teams
    inside it. Only the team's lead, the leads above it, the lead's manager chain and HR."""
    user = caller(request)
    team = get_team_for_user(user, id)
    if not Viewer.of(user).can_see_team_calibration(team):
        raise NotFound("Not found.")
    cycle = _calibration_cycle(filters.cycle)
    result = closing.team_calibration(user, team, cycle) if cycle else grading.calibrate([])
    return {**_calibration(result, cycle), "team": team.pk}
