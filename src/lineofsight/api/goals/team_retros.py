"""Team retrospectives over the API: ``/teams/{id}/retrospectives/{cycle}`` (read, write,
publish). The same selectors and actions as the page, so the same policy: a draft is the
team's alone (anyone else reads ``retrospective: null``, as if none were written)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from lineofsight.api.auth import caller
from lineofsight.api.base import ErrorOut, Input
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS, body
from lineofsight.api.types import DateTime, Id, LongText, ParamId
from lineofsight.core.errors import Conflict
from lineofsight.goals import actions, selectors
from lineofsight.goals.actions.team_retrospectives import is_open, opens_on, today
from lineofsight.goals.team_retros import selectors as retros
from lineofsight.people.selectors import get_team_for_user

teams = Router(tags=["teams"])

Section = Literal["moved", "not_moved", "learned", "change"]


class GradeOut(Schema):
    computed: float | None
    adjusted: float | None
    reason: str
    verdict: str | None = Field(description="The computed grade's verdict, in words.")


class GradedObjectiveOut(Schema):
    id: int
    title: str
    commitment: str
    state: str
    grade: GradeOut


class SectionOut(Schema):
    section: Section
    label: str
    text: str
    objectives: list[int] = Field(description="The team's objectives it names (you may see).")


class TeamRetrospectiveBodyOut(Schema):
    state: Literal["draft", "published"]
    version: int = Field(description="Send it back with a save; a save from an older one is 409.")
    sections: list[SectionOut]
    updated_at: DateTime
    updated_by: int | None
    published_at: DateTime | None
    published_by: int | None


class TeamRetrospectiveOut(Schema):
    team: int
    cycle: int
    open: bool = Field(description="Whether the team may write it now.")
    opens_on: str = Field(description="The first day it may be written (ISO date).")
    retrospective: TeamRetrospectiveBodyOut | None = Field(
        description="Null when none was written, or when you may not read it (a draft)."
    )
    objectives: list[GradedObjectiveOut] = Field(
        description="The team's objectives of the cycle you may see, with their grades."
    )


class TeamRetrospectiveConflictOut(ErrorOut):
    current: TeamRetrospectiveOut = Field(description="The retrospective as it is saved now.")


class TeamRetrospectiveIn(Input):
    what_moved: LongText = ""
    what_did_not_move: LongText = ""
    learned: LongText = ""
    will_change: LongText = ""
    links: dict[Section, list[Id]] = Field(
        default_factory=dict,
        description="Per section, the team's objectives of the cycle it is about.",
    )
    version: int = Field(
        0,
        ge=0,
        description="The version you read (GET gives it); 0 for a new one. If someone saved "
        "since, nothing is saved: 409 with the newer retrospective in ``current``.",
    )


def _row(view: retros.TeamRetrospectiveView) -> dict[str, Any]:
    retro = view.retro
    out: dict[str, Any] = {
        "team": view.team.pk,
        "cycle": view.cycle.pk,
        "open": is_open(view.cycle, today()),
        "opens_on": opens_on(view.cycle).isoformat(),
        "retrospective": None,
        "objectives": [
            {
                "id": g.objective.pk,
                "title": g.objective.title,
                "commitment": g.objective.commitment,
                "state": g.objective.state,
                "grade": {
                    "computed": g.grade.computed,
                    "adjusted": g.grade.adjusted,
                    "reason": g.grade.reason,
                    "verdict": g.grade.verdict.words if g.grade.verdict else None,
                },
            }
            for g in view.objectives
        ],
    }
    if retro is not None:
        out["retrospective"] = {
            "state": retro.state,
            "version": retro.version,
            "sections": [
                {
                    "section": s.key,
                    "label": s.label,
                    "text": s.text,
                    "objectives": [o.pk for o in s.objectives],
                }
                for s in view.sections
            ],
            "updated_at": retro.updated_at,
            "updated_by": retro.updated_by_id,
            "published_at": retro.published_at,
            "published_by": retro.published_by_id,
        }
    return out


def _view(request: HttpRequest, id: int, cycle_id: int) -> retros.TeamRetrospectiveView:
    user = caller(request)
    team = get_team_for_user(user, id)
    cycle = selectors.get_cycle_for_user(user, cycle_id)
    return retros.team_retrospective(user, team, cycle)


@teams.get("/{id}/retrospectives/{cycle_id}", response={200: TeamRetrospectiveOut, **READ_ERRORS})
def get_team_retrospective(request: HttpRequest, id: ParamId, cycle_id: ParamId) -> Any:
    """The team's retrospective of the cycle (null if none, or a draft you may not read),
    with the grades of the team's objectives of the cycle you may see."""
    return _row(_view(request, id, cycle_id))


@teams.put(
    "/{id}/retrospectives/{cycle_id}",
    response={200: TeamRetrospectiveOut, 409: TeamRetrospectiveConflictOut, **WRITE_ERRORS},
)
def save_team_retrospective(
    request: HttpRequest, id: ParamId, cycle_id: ParamId, payload: TeamRetrospectiveIn
) -> Any:
    """Write or rewrite it (the team's lead and members; from two weeks before the cycle
    ends). Every save is kept as a version; a save from an older version is refused (409)."""
    user = caller(request)
    team = get_team_for_user(user, id)
    cycle = selectors.get_cycle_for_user(user, cycle_id)
    try:
        actions.save_team_retrospective(
            acting_user=user,
            team=team,
            cycle=cycle,
            what_moved=payload.what_moved,
            what_did_not_move=payload.what_did_not_move,
            learned=payload.learned,
            will_change=payload.will_change,
            links={k: list(v) for k, v in payload.links.items()},
            base_version=payload.version or None,
        )
    except Conflict as exc:
        current = _row(retros.team_retrospective(user, team, cycle))
        return Status(409, {**body(exc.summary(), exc.errors), "current": current})
    return _row(retros.team_retrospective(user, team, cycle))


@teams.post(
    "/{id}/retrospectives/{cycle_id}/publish",
    response={200: TeamRetrospectiveOut, **WRITE_ERRORS},
)
def publish_team_retrospective(request: HttpRequest, id: ParamId, cycle_id: ParamId) -> Any:
    """Publish it (the lead; a team without one, its members): whoever may see the team's
    objectives of the cycle reads it from then on, and the team is told."""
    user = caller(request)
    team = get_team_for_user(user, id)
    cycle = selectors.get_cycle_for_user(user, cycle_id)
    actions.publish_team_retrospective(acting_user=user, team=team, cycle=cycle)
    return _row(retros.team_retrospective(user, team, cycle))
