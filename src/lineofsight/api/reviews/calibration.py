"""Calibration over the API: sessions (HR sets them up; the facilitator opens and completes
them), the session's board (distribution, 9-box grid, people with flags and, in formula
cycles, what the formula indicates), rating moves with their log, flag explanations, and
the flag rules HR edits.

The routes call the same selectors and actions as the pages, so the access policy is the
same: a session is seen by HR, its facilitator and its participants (404 for everyone
else), and inside it never the caller's own review; moves, explanations and state changes
are the facilitator's and HR's (403 for participants). Groups of fewer than four people
show their size only.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, Field

from lineofsight.access.policy import Viewer
from lineofsight.api.auth import caller
from lineofsight.api.base import Input, Page, PageQuery, References, page, page_of
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.api.reviews.types import Name
from lineofsight.api.types import DateTime, Flag, Id, LongText, ParamId, Reason
from lineofsight.core.errors import NotAllowed, NotFound
from lineofsight.people.selectors import people_visible_to, teams_visible_to
from lineofsight.reviews.calibration import actions, figures, rules
from lineofsight.reviews.calibration import selectors as calibration
from lineofsight.reviews.cycles.selectors import review_cycles_visible_to
from lineofsight.reviews.models import CalibrationSession, RatingChange

sessions = Router(tags=["reviews: calibration"])
rule_router = Router(tags=["reviews: calibration"])

SessionState = Literal["draft", "live", "complete"]
GridKind = Literal["rating_attainment", "performance_potential"]
ChangeField = Literal["rating", "potential"]
RuleCode = Literal[
    "high_rating_low_attainment", "big_move", "low_rating_high_recognition", "manager_skew"
]


# ---------------------------------------------------------------------------------------
# Schemas (the board's many rows are plain pydantic models: they are built from dicts, and
# skipping the attribute lookups ninja's Schema offers for ORM objects makes a board of
# 1,000 people several times faster to serialise)


class SessionOut(Schema):
    id: int
    name: str
    review_cycle: int
    review_cycle_name: str
    state: SessionState
    grid: GridKind
    facilitator: int
    facilitator_name: str
    size: int = Field(description="Reviews in the session.")
    created_at: DateTime
    started_at: DateTime | None
    completed_at: DateTime | None


class SessionIn(Input):
    review_cycle: Id = Field(description="An open review cycle.")
    name: Name
    facilitator: Id
    participants: list[Id] = Field(default_factory=list, max_length=500)
    population_teams: list[Id] = Field(
        description="Teams whose people (with the teams inside them) are calibrated.",
        min_length=1,
        max_length=500,
    )
    grid: GridKind = "rating_attainment"


class SessionChangeIn(Input):
    name: Name
    facilitator: Id
    participants: list[Id] = Field(default_factory=list, max_length=500)
    population_teams: list[Id] = Field(min_length=1, max_length=500)
    grid: GridKind = "rating_attainment"


class StateIn(Input):
    state: SessionState = Field(description="live (from draft) or complete (from live).")


class LevelCountOut(BaseModel):
    value: int
    label: str
    count: int
    share: float


class DistributionOut(BaseModel):
    key: str
    name: str
    people: int
    rated: int | None = Field(description="Null when the group is too small to show.")
    mean: float | None
    hidden: bool = Field(description="Fewer than four people: mean and counts withheld.")
    levels: list[LevelCountOut]


class PlacedOut(BaseModel):
    review: int
    name: str


class GridOut(BaseModel):
    kind: GridKind
    row_labels: list[str] = Field(description="Rating bands, high first.")
    column_labels: list[str] = Field(description="Attainment or potential bands, low first.")
    cells: list[list[list[PlacedOut]]] = Field(description="Rows (high rating first) of cells.")
    not_placed: list[PlacedOut]


class FlagOut(BaseModel):
    rule: RuleCode
    title: str
    reason: str
    requires_explanation: bool
    explanation: str | None


class IndicationOut(BaseModel):
    value: float | None
    nearest: int | None
    weights_used: dict[str, float]
    left_out: list[str]
    explanation: list[str]


class PersonRowOut(BaseModel):
    review: int
    person: int
    name: str
    team: int | None
    team_name: str
    manager: int | None
    manager_name: str
    state: str
    rating: int | None
    rating_label: str
    potential: int | None
    attainment: float | None
    previous_rating: int | None
    previous_cycle: str
    flags: list[FlagOut]
    formula: IndicationOut | None = Field(description="Only in cycles with a stated formula.")


class ManagerMeanOut(BaseModel):
    manager: int
    manager_name: str
    ratings: int
    mean: float
    session_mean: float
    difference: float


class BoardOut(SessionOut):
    participants: list[int]
    population_teams: list[int]
    distribution: DistributionOut
    by_team: list[DistributionOut]
    by_manager: list[DistributionOut]
    nine_box: GridOut
    managers: list[ManagerMeanOut]
    people: list[PersonRowOut] = Field(
        description="The people of the session you may see (never yourself), by name."
    )
    missing_explanations: list[int] = Field(
        description="Reviews with a flag that needs an explanation and has none."
    )


class MoveIn(Input):
    review: Id
    field: ChangeField = "rating"
    value: int = Field(ge=0, le=100, strict=True)
    reason: Reason = Field(min_length=1, description="Required; kept in the change log.")


class ChangeOut(Schema):
    id: int
    review: int
    name: str
    field: ChangeField
    old_value: int | None
    new_value: int | None
    reason: str
    author: int | None
    author_name: str
    created_at: DateTime


class ExplainIn(Input):
    review: Id
    rule: RuleCode
    text: LongText = Field(description="Required: why the rating stands, or what changed.")


class FlagExplanationOut(Schema):
    id: int
    review: int
    rule: RuleCode
    text: str
    author: int | None
    created_at: DateTime


class RuleOut(Schema):
    code: RuleCode
    title: str
    description: str
    enabled: bool
    requires_explanation: bool
    params: dict[str, float]
    defaults: dict[str, float]


class RuleIn(Input):
    enabled: Flag
    requires_explanation: Flag
    params: dict[str, float] = Field(default_factory=dict, description="Left out: defaults.")


# ---------------------------------------------------------------------------------------
# Rows


def _session_row(s: CalibrationSession) -> dict[str, Any]:
    return {
        "id": s.pk,
        "name": s.name,
        "review_cycle": s.review_cycle_id,
        "review_cycle_name": s.review_cycle.name,
        "state": s.state,
        "grid": s.grid,
        "facilitator": s.facilitator_id,
        "facilitator_name": s.facilitator.name,
        "size": getattr(s, "people", 0),
        "created_at": s.created_at,
        "started_at": s.started_at,
        "completed_at": s.completed_at,
    }


def _distribution(d: figures.Distribution) -> dict[str, Any]:
    return {
        "key": d.key,
        "name": d.name,
        "people": d.people,
        "rated": None if d.hidden else d.rated,
        "mean": d.mean,
        "hidden": d.hidden,
        "levels": [
            {"value": lv.value, "label": lv.label, "count": lv.count, "share": lv.share}
            for lv in d.levels
        ],
    }


def _placed(people: Any) -> list[dict[str, Any]]:
    return [{"review": p.review_id, "name": p.name} for p in people]


def _indication(row: calibration.Row) -> dict[str, Any] | None:
    i = row.indication
    if i is None:
        return None
    return {
        "value": i.value,
        "nearest": i.nearest,
        "weights_used": i.weights_used,
        "left_out": list(i.left_out),
        "explanation": i.lines(),
    }


def _board(user: Any, session: CalibrationSession) -> dict[str, Any]:
    b = calibration.board(user, session)
    return {
        **_session_row(session),
        "participants": [p.pk for p in b.participants],
        "population_teams": [t.pk for t in b.population],
        "distribution": _distribution(b.overall),
        "by_team": [_distribution(d) for d in b.by_team],
        "by_manager": [_distribution(d) for d in b.by_manager],
        "nine_box": {
            "kind": b.grid.kind,
            "row_labels": list(b.grid.row_labels),
            "column_labels": list(b.grid.column_labels),
            "cells": [[_placed(cell.people) for cell in row] for row in b.grid.rows],
            "not_placed": _placed(b.grid.not_placed),
        },
        "managers": [
            {
                "manager": m.manager_id,
                "manager_name": m.manager_name,
                "ratings": m.ratings,
                "mean": m.mean,
                "session_mean": m.population_mean,
                "difference": m.difference,
            }
            for m in b.managers
        ],
        "people": [
            {
                "review": r.review_id,
                "person": r.subject_id,
                "name": r.name,
                "team": r.team_id,
                "team_name": r.team_name,
                "manager": r.manager_id,
                "manager_name": r.manager_name,
                "state": r.state,
                "rating": r.rating,
                "rating_label": b.scale.labels.get(r.rating, "") if r.rating is not None else "",
                "potential": r.potential,
                "attainment": r.attainment,
                "previous_rating": r.previous_rating,
                "previous_cycle": r.previous_cycle,
                "flags": [
                    {
                        "rule": f.code,
                        "title": f.title,
                        "reason": f.reason,
                        "requires_explanation": f.requires_explanation,
                        "explanation": r.explanations.get(f.code),
                    }
                    for f in r.flags
                ],
                "formula": _indication(r),
            }
            for r in b.rows
        ],
        "missing_explanations": [r.review_id for r in b.missing],
    }


def _change_row(c: RatingChange) -> dict[str, Any]:
    return {
        "id": c.pk,
        "review": c.review_id,
        "name": c.review.subject.name,
        "field": c.field,
        "old_value": c.old_value,
        "new_value": c.new_value,
        "reason": c.reason,
        "author": c.author_id,
        "author_name": c.author.name if c.author else "",
        "created_at": c.created_at,
    }


def _session_refs(user: Any, payload: SessionIn | SessionChangeIn) -> dict[str, Any]:
    refs = References()
    people = people_visible_to(user)
    facilitator = refs.get(people, payload.facilitator, "facilitator", "active person")
    participants = []
    for i, pk in enumerate(payload.participants):
        found = refs.get(people, pk, f"participants.{i}", "active person")
        if found is not None:
            participants.append(found)
    teams = []
    for i, pk in enumerate(payload.population_teams):
        team = refs.get(teams_visible_to(user), pk, f"population_teams.{i}", "team")
        if team is not None:
            teams.append(team)
    refs.check()
    return {
        "name": payload.name,
        "facilitator": facilitator,
        "participants": participants,
        "population_teams": teams,
        "grid": payload.grid,
    }


# ---------------------------------------------------------------------------------------
# Sessions


def _listed(user: Any, pk: int) -> CalibrationSession:
    """The session with its size (reviews in it), or NotFound."""
    found = calibration.sessions_for_list(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("No such calibration session.")
    return found


@sessions.get("", response={200: Page[SessionOut], **READ_ERRORS})
def list_calibration_sessions(request: HttpRequest, filters: Query[PageQuery]) -> Any:
    """The sessions you facilitate or take part in (HR: all of them)."""
    total, rows = page_of(calibration.sessions_for_list(caller(request)), filters)
    return page(total, filters, [_session_row(s) for s in rows])


@sessions.post("", response={201: BoardOut, **WRITE_ERRORS})
def create_calibration_session(request: HttpRequest, payload: SessionIn) -> Any:
    """Set up a draft session over the reviews of the people in these teams (and the teams
    inside them) in an open review cycle (HR)."""
    user = caller(request)
    if not Viewer.of(user).can_manage_reviews():
        raise NotAllowed("Only HR admins set up calibration sessions.")
    refs = References()
    cycle = refs.get(
        review_cycles_visible_to(user), payload.review_cycle, "review_cycle", "review cycle"
    )
    refs.check()
    session = actions.create_session(
        acting_user=user, review_cycle=cycle, **_session_refs(user, payload)
    )
    return Status(201, _board(user, _listed(user, session.pk)))


@sessions.get("/{id}", response={200: BoardOut, **READ_ERRORS})
def get_calibration_session(request: HttpRequest, id: ParamId) -> Any:
    """The session: distribution (groups of fewer than four show their size only), the 9-box
    grid, the managers' means, and the people with rating, attainment, flags (each saying
    why, with the numbers) and, in formula cycles, what the formula indicates."""
    user = caller(request)
    return _board(user, _listed(user, id))


@sessions.patch("/{id}", response={200: BoardOut, **WRITE_ERRORS})
def update_calibration_session(request: HttpRequest, id: ParamId, payload: SessionChangeIn) -> Any:
    """Change a draft session (HR); its people are worked out again from the teams."""
    user = caller(request)
    session = calibration.get_session_for_user(user, id)
    if not Viewer.of(user).can_manage_reviews():
        raise NotAllowed("Only HR admins change calibration sessions.")
    actions.update_session(acting_user=user, session=session, **_session_refs(user, payload))
    return _board(user, _listed(user, id))


@sessions.post("/{id}/state", response={200: SessionOut, **WRITE_ERRORS})
def set_calibration_session_state(request: HttpRequest, id: ParamId, payload: StateIn) -> Any:
    """Open (draft > live) or complete (live > complete) the session: its facilitator or HR.
    Completing is refused while a flag that needs an explanation has none (the error names
    the people)."""
    user = caller(request)
    session = calibration.get_session_for_user(user, id)
    session = actions.set_session_state(acting_user=user, session=session, state=payload.state)
    return _session_row(_listed(user, session.pk))


@sessions.post("/{id}/moves", response={201: ChangeOut, **WRITE_ERRORS})
def move_calibration_rating(request: HttpRequest, id: ParamId, payload: MoveIn) -> Any:
    """Move one review's rating (or potential) while the session is live, with a reason: the
    change is logged (who, when, old, new, why) and the review's rating becomes the new
    value."""
    user = caller(request)
    session = calibration.get_session_for_user(user, id)
    if not Viewer.of(user).can_facilitate(session):
        raise NotAllowed("Only the session's facilitator and HR move ratings.")
    refs = References()
    review = refs.get(
        calibration.session_reviews(user, session), payload.review, "review", "review"
    )
    refs.check()
    assert review is not None
    change = actions.move_rating(
        acting_user=user,
        session=session,
        review=review,
        field=payload.field,
        value=payload.value,
        reason=payload.reason,
    )
    change = RatingChange.objects.select_related("review__subject", "author").get(pk=change.pk)
    return Status(201, _change_row(change))


@sessions.get("/{id}/changes", response={200: Page[ChangeOut], **READ_ERRORS})
def list_calibration_changes(request: HttpRequest, id: ParamId, filters: Query[PageQuery]) -> Any:
    """The session's change log, newest first (never the caller's own review)."""
    user = caller(request)
    session = calibration.get_session_for_user(user, id)
    qs = (
        RatingChange.objects.filter(session=session)
        .filter(Viewer.of(user).calibration_review_filter("review__"))
        .select_related("review__subject", "author")
        .order_by("-created_at", "-pk")
    )
    total, rows = page_of(qs, filters)
    return page(total, filters, [_change_row(c) for c in rows])


@sessions.post("/{id}/explanations", response={201: FlagExplanationOut, **WRITE_ERRORS})
def explain_calibration_flag(request: HttpRequest, id: ParamId, payload: ExplainIn) -> Any:
    """Explain a flag on one review while the session is live (its facilitator or HR). The
    newest explanation of a flag counts; all are kept."""
    user = caller(request)
    session = calibration.get_session_for_user(user, id)
    if not Viewer.of(user).can_facilitate(session):
        raise NotAllowed("Only the session's facilitator and HR explain flags.")
    refs = References()
    review = refs.get(
        calibration.session_reviews(user, session), payload.review, "review", "review"
    )
    refs.check()
    assert review is not None
    explanation = actions.explain_flag(
        acting_user=user, session=session, review=review, rule=payload.rule, text=payload.text
    )
    return Status(
        201,
        {
            "id": explanation.pk,
            "review": explanation.review_id,
            "rule": explanation.rule,
            "text": explanation.text,
            "author": explanation.author_id,
            "created_at": explanation.created_at,
        },
    )


# ---------------------------------------------------------------------------------------
# Rules


def _rule_row(row: calibration.RuleRow) -> dict[str, Any]:
    return {
        "code": row.definition.code,
        "title": row.definition.title,
        "description": row.definition.description,
        "enabled": row.setting.enabled,
        "requires_explanation": row.setting.requires_explanation,
        "params": dict(row.setting.params),
        "defaults": row.definition.defaults(),
    }


def _require_hr(user: Any) -> None:
    if not Viewer.of(user).can_manage_reviews():
        raise NotAllowed("Only HR admins manage the calibration rules.")


@rule_router.get("", response={200: list[RuleOut], **WRITE_ERRORS})
def list_calibration_rules(request: HttpRequest) -> Any:
    """The flag rules with their settings in force and their defaults (HR)."""
    _require_hr(caller(request))
    return [_rule_row(r) for r in calibration.rule_rows()]


@rule_router.put("/{code}", response={200: RuleOut, **WRITE_ERRORS})
def update_calibration_rule(request: HttpRequest, code: str, payload: RuleIn) -> Any:
    """Switch a rule on or off, set its parameters and whether its flags need an explanation
    before a session completes (HR)."""
    user = caller(request)
    _require_hr(user)
    if code not in rules.DEFINITIONS:
        raise NotFound("No such rule.")
    actions.update_rule(
        acting_user=user,
        code=code,
        enabled=payload.enabled,
        requires_explanation=payload.requires_explanation,
        params=payload.params,
    )
    return next(_rule_row(r) for r in calibration.rule_rows() if r.definition.code == code)
