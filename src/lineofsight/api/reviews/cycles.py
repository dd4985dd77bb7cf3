"""Review cycles over the API: the OKR-to-review policy (everyone reads it, HR publishes a
new version with a reason), review templates (HR), review cycles (list, detail, create,
launch, close) and the ratings CSV (HR).

The routes call the same selectors and actions as the pages, so the access policy is the
same: templates and draft cycles are HR's (404 for everyone else), open and closed cycles'
names, deadlines and phases are everyone's, and progress counts are taken over the reviews
the caller may open.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from lineofsight.access.policy import Viewer
from lineofsight.api.auth import caller
from lineofsight.api.base import ErrorOut, Input, Page, PageQuery, References, page, page_of
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS, fields_named
from lineofsight.api.reviews.types import (
    AnswerKindName,
    DescriptionText,
    FormulaPart,
    FormulaWeight,
    HelpText,
    LevelLabel,
    Name,
    OptionalName,
    PolicyModeName,
    PolicyText,
    PopulationKind,
    ReviewCycleKind,
    ReviewCycleState,
    ScaleValue,
    SectionName,
    ShortText,
)
from lineofsight.api.types import DateTime, Flag, Id, ParamId
from lineofsight.core.errors import NotAllowed
from lineofsight.goals.models import Cycle
from lineofsight.people.models import Person, Team
from lineofsight.reviews import formula, policy
from lineofsight.reviews.cycles import actions, export, selectors
from lineofsight.reviews.cycles import template_actions as templates
from lineofsight.reviews.models import ReviewCycle, ReviewTemplate, question_values

policy_router = Router(tags=["reviews: policy"])
template_router = Router(tags=["reviews: templates"])
cycle_router = Router(tags=["reviews: cycles"])


def _require_hr(user: Person, what: str) -> None:
    if not Viewer.of(user).can_manage_reviews():
        raise NotAllowed(f"Only HR admins manage {what}.")


# ---------------------------------------------------------------------------------------
# Policy


class ReviewPolicyVersionOut(Schema):
    id: int
    mode: PolicyModeName
    created_at: DateTime
    author: int | None
    author_name: str
    reason: str


class ReviewPolicyOut(Schema):
    mode: PolicyModeName = Field(description="context (the default) or formula.")
    statement: str
    stretch_penalty: bool = Field(description="Whether missing a stretch goal counts against.")
    contribution: str
    compensation: str
    published: bool = Field(description="False while the default policy is in force.")
    history: list[ReviewPolicyVersionOut] = Field(description="Published versions, newest first.")


class ReviewPolicyIn(Input):
    mode: PolicyModeName = "context"
    statement: PolicyText = Field(description="The published text (required).")
    stretch_penalty: Flag = False
    contribution: PolicyText = ""
    compensation: PolicyText = ""
    reason: PolicyText = Field(description="Why it changes (required; kept with the version).")


def _policy() -> dict[str, Any]:
    current = policy.policy_in_force()
    return {
        "mode": current.mode,
        "statement": current.statement,
        "stretch_penalty": current.stretch_penalty,
        "contribution": current.contribution,
        "compensation": current.compensation,
        "published": current.published,
        "history": [
            {
                "id": v.pk,
                "mode": v.mode,
                "created_at": v.created_at,
                "author": v.author_id,
                "author_name": v.author.name if v.author else "",
                "reason": v.reason,
            }
            for v in policy.policy_history()[:100]
        ],
    }


@policy_router.get("", response={200: ReviewPolicyOut, **READ_ERRORS})
def get_review_policy(request: HttpRequest) -> Any:
    """The organisation's OKR-to-review policy in force (the default until HR publishes one),
    with its history. Every employee may read it."""
    caller(request)
    return _policy()


@policy_router.put("", response={200: ReviewPolicyOut, **WRITE_ERRORS})
def publish_review_policy(request: HttpRequest, payload: ReviewPolicyIn) -> Any:
    """Publish a new version of the policy (HR). Earlier versions stay in the history."""
    policy.publish_review_policy(acting_user=caller(request), **payload.dict())
    return _policy()


# ---------------------------------------------------------------------------------------
# Templates


class ScaleLevelIO(Schema):
    value: ScaleValue
    label: LevelLabel
    description: ShortText = ""


class TemplateQuestionIO(Schema):
    text: ShortText
    help_text: HelpText = ""
    section: SectionName = "general"
    kind: AnswerKindName = "text"
    for_self: Flag = True
    for_manager: Flag = True
    for_peer: Flag = False
    for_upward: Flag = False
    required: Flag = False


class ReviewTemplateIn(Input):
    name: Name
    description: DescriptionText = ""
    rating_scale: list[ScaleLevelIO] = Field(description="Levels with values 1..n, no gaps.")
    rate_potential: Flag = False
    potential_scale: list[ScaleLevelIO] | None = Field(
        None, description="Required when rate_potential is true."
    )
    questions: list[TemplateQuestionIO] = Field(description="In the order they are asked.")


class ReviewTemplateOut(Schema):
    id: int
    name: str
    description: str
    rating_scale: list[ScaleLevelIO]
    rate_potential: bool
    potential_scale: list[ScaleLevelIO]
    archived: bool
    questions: list[TemplateQuestionIO]
    created_at: DateTime
    updated_at: DateTime


class ReviewTemplateSummaryOut(Schema):
    id: int
    name: str
    archived: bool
    question_count: int
    cycle_count: int


class TemplateDuplicateIn(Input):
    name: OptionalName = Field("", description="Default: 'Copy of <name>'.")


class TemplateArchiveIn(Input):
    archived: Flag = Field(True, description="False restores an archived template.")


def _template_row(template: ReviewTemplate) -> dict[str, Any]:
    return {
        "id": template.pk,
        "name": template.name,
        "description": template.description,
        "rating_scale": template.rating_scale,
        "rate_potential": template.rate_potential,
        "potential_scale": template.potential_scale,
        "archived": template.archived,
        "questions": [question_values(q) for q in template.questions.all()],
        "created_at": template.created_at,
        "updated_at": template.updated_at,
    }


def _template_values(payload: ReviewTemplateIn) -> dict[str, Any]:
    data = payload.dict()
    if data["potential_scale"] is None:
        data.pop("potential_scale")
    return data


@template_router.get(
    "", response={200: list[ReviewTemplateSummaryOut], 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
)
def list_review_templates(request: HttpRequest) -> Any:
    """Every template (HR), archived ones last."""
    user = caller(request)
    _require_hr(user, "review templates")
    return [
        {
            "id": t.pk,
            "name": t.name,
            "archived": t.archived,
            "question_count": t.question_count,  # type: ignore[attr-defined]
            "cycle_count": t.cycle_count,  # type: ignore[attr-defined]
        }
        for t in selectors.review_templates_for_user(user)
    ]


@template_router.post("", response={201: ReviewTemplateOut, **WRITE_ERRORS})
def create_review_template(request: HttpRequest, payload: ReviewTemplateIn) -> Any:
    """A new template (HR). Errors name the field, e.g. ``questions.2.text`` or
    ``rating_scale``."""
    user = caller(request)
    _require_hr(user, "review templates")
    created = templates.create_review_template(acting_user=user, **_template_values(payload))
    return Status(201, _template_row(created))


@template_router.get("/{id}", response={200: ReviewTemplateOut, **READ_ERRORS})
def get_review_template(request: HttpRequest, id: ParamId) -> Any:
    """One template with its scales and questions (HR; 404 for everyone else)."""
    return _template_row(selectors.get_review_template_for_user(caller(request), id))


@template_router.put("/{id}", response={200: ReviewTemplateOut, **WRITE_ERRORS})
def update_review_template(request: HttpRequest, id: ParamId, payload: ReviewTemplateIn) -> Any:
    """Replace a template's name, scales and questions (HR). Cycles made from it keep their
    own copy."""
    user = caller(request)
    template = selectors.get_review_template_for_user(user, id)
    saved = templates.update_review_template(
        acting_user=user, template=template, **_template_values(payload)
    )
    return _template_row(saved)


@template_router.post("/{id}/duplicate", response={201: ReviewTemplateOut, **WRITE_ERRORS})
def duplicate_review_template(
    request: HttpRequest, id: ParamId, payload: TemplateDuplicateIn
) -> Any:
    """A copy of the template under a new name (HR)."""
    user = caller(request)
    template = selectors.get_review_template_for_user(user, id)
    copy = templates.duplicate_review_template(
        acting_user=user, template=template, name=payload.name
    )
    return Status(201, _template_row(copy))


@template_router.post("/{id}/archive", response={200: ReviewTemplateOut, **WRITE_ERRORS})
def archive_review_template(request: HttpRequest, id: ParamId, payload: TemplateArchiveIn) -> Any:
    """Archive a template (new cycles cannot use it) or restore it (HR)."""
    user = caller(request)
    template = selectors.get_review_template_for_user(user, id)
    templates.archive_review_template(
        acting_user=user, template=template, archived=payload.archived
    )
    return _template_row(template)


# ---------------------------------------------------------------------------------------
# Review cycles


class ReviewCyclePhaseOut(Schema):
    key: str = Field(
        description="self_review, peer_feedback, manager_review, calibration, "
        "sharing, or wrap_up after the sharing deadline."
    )
    label: str
    due: dt.date | None
    days_left: int | None


class ReviewCycleProgressOut(Schema):
    reviews: int = Field(description="Reviews the caller may open (all of them for HR).")
    self_submitted: int
    peer_total: int
    peer_submitted: int
    peer_waiting_approval: int
    manager_total: int
    manager_submitted: int
    calibrated: int
    shared: int
    acknowledged: int


class ReviewCycleOut(Schema):
    id: int
    name: str
    kind: ReviewCycleKind
    state: ReviewCycleState
    goal_cycle: int
    goal_cycle_name: str
    next_goal_cycle: int | None
    self_review_due: dt.date
    peer_feedback_due: dt.date
    manager_review_due: dt.date
    calibration_due: dt.date
    sharing_due: dt.date
    phase: ReviewCyclePhaseOut | None = Field(description="Today's phase (open cycles only).")
    launched_at: DateTime | None
    closed_at: DateTime | None


class ReviewCycleDetailOut(ReviewCycleOut):
    template: int | None
    population: PopulationKind
    population_teams: list[int]
    population_people: list[int]
    rating_scale: list[ScaleLevelIO]
    rate_potential: bool
    potential_scale: list[ScaleLevelIO]
    anonymous_peer_feedback: bool
    anonymous_upward_feedback: bool
    policy_mode: PolicyModeName
    formula_weights: dict[str, float]
    formula: str = Field(description="The stated formula in words (formula mode only).")
    question_count: int
    progress: ReviewCycleProgressOut | None = Field(description="Null for a draft.")


class ReviewCycleIn(Input):
    name: Name
    kind: ReviewCycleKind = "quarter"
    goal_cycle: Id = Field(description="The OKR cycle under review.")
    next_goal_cycle: Id | None = None
    template: Id
    population: PopulationKind = "organisation"
    population_teams: list[Id] = Field(default_factory=list, max_length=1000)
    population_people: list[Id] = Field(default_factory=list, max_length=100_000)
    self_review_due: dt.date
    peer_feedback_due: dt.date
    manager_review_due: dt.date
    calibration_due: dt.date
    sharing_due: dt.date
    anonymous_peer_feedback: Flag = False
    anonymous_upward_feedback: Flag = True
    policy_mode: PolicyModeName = "context"
    formula_weights: dict[FormulaPart, FormulaWeight] = Field(
        default_factory=dict, description="Formula mode: a weight per part, at least one above 0."
    )


class ReviewCycleQuery(PageQuery):
    state: ReviewCycleState | None = None


def _cycle_row(cycle: ReviewCycle) -> dict[str, Any]:
    phase = selectors.cycle_phase(cycle)
    return {
        "id": cycle.pk,
        "name": cycle.name,
        "kind": cycle.kind,
        "state": cycle.state,
        "goal_cycle": cycle.goal_cycle_id,
        "goal_cycle_name": cycle.goal_cycle.name,
        "next_goal_cycle": cycle.next_goal_cycle_id,
        **selectors.deadlines_of(cycle),
        "phase": None
        if phase is None
        else {
            "key": phase.key,
            "label": phase.label,
            "due": phase.due,
            "days_left": phase.days_left,
        },
        "launched_at": cycle.launched_at,
        "closed_at": cycle.closed_at,
    }


def _cycle_detail(user: Person, pk: int) -> dict[str, Any]:
    cycle = selectors.get_review_cycle_for_user(user, pk)
    progress = None
    if cycle.state != ReviewCycle.State.DRAFT:
        progress = selectors.cycle_progress(user, cycle).__dict__
    return {
        **_cycle_row(cycle),
        "template": cycle.template_id,
        "population": cycle.population,
        "population_teams": list(cycle.population_teams.values_list("pk", flat=True)),
        "population_people": list(cycle.population_people.values_list("pk", flat=True)),
        "rating_scale": cycle.rating_scale,
        "rate_potential": cycle.rate_potential,
        "potential_scale": cycle.potential_scale,
        "anonymous_peer_feedback": cycle.anonymous_peer_feedback,
        "anonymous_upward_feedback": cycle.anonymous_upward_feedback,
        "policy_mode": cycle.policy_mode,
        "formula_weights": cycle.formula_weights,
        "formula": formula.describe(cycle.formula_weights)
        if cycle.policy_mode == "formula" and cycle.formula_weights
        else "",
        "question_count": cycle.questions.count(),
        "progress": progress,
    }


@cycle_router.get("", response={200: Page[ReviewCycleOut], **READ_ERRORS})
def list_review_cycles(request: HttpRequest, filters: Query[ReviewCycleQuery]) -> Any:
    """The review cycles that concern the caller (HR: all, drafts included)."""
    user = caller(request)
    qs = selectors.review_cycles_for_list(user)
    if filters.state:
        qs = qs.filter(state=filters.state)
    total, items = page_of(qs.order_by("-self_review_due", "name", "pk"), filters)
    return page(total, filters, [_cycle_row(c) for c in items])


@cycle_router.get("/{id}", response={200: ReviewCycleDetailOut, **READ_ERRORS})
def get_review_cycle(request: HttpRequest, id: ParamId) -> Any:
    """One review cycle: deadlines, today's phase, its policy and (once launched) progress per
    phase over the reviews the caller may open. Drafts are HR's (404 for everyone else)."""
    return _cycle_detail(caller(request), id)


@cycle_router.post("", response={201: ReviewCycleDetailOut, **WRITE_ERRORS})
def create_review_cycle(request: HttpRequest, payload: ReviewCycleIn) -> Any:
    """A draft review cycle from a template (HR): it copies the template's scales and
    questions. Deadlines in phase order, none before the OKR cycle starts."""
    user = caller(request)
    _require_hr(user, "review cycles")
    refs = References()
    goal_cycle = refs.get(Cycle.objects.all(), payload.goal_cycle, "goal_cycle", "OKR cycle")
    next_cycle = refs.get(
        Cycle.objects.all(), payload.next_goal_cycle, "next_goal_cycle", "OKR cycle"
    )
    template = refs.get(
        selectors.review_templates_for_user(user), payload.template, "template", "template"
    )
    teams = list(Team.objects.filter(pk__in=payload.population_teams))
    if len(teams) != len(set(payload.population_teams)):
        missing = sorted(set(payload.population_teams) - {t.pk for t in teams})
        refs.error("population_teams", f"No team with id {', '.join(map(str, missing))}.")
    people = list(Person.objects.filter(pk__in=payload.population_people))
    if len(people) != len(set(payload.population_people)):
        missing = sorted(set(payload.population_people) - {p.pk for p in people})
        refs.error("population_people", f"Nobody has id {', '.join(map(str, missing[:20]))}.")
    refs.check()
    data = payload.dict()
    with fields_named():
        cycle = actions.create_review_cycle(
            acting_user=user,
            name=data["name"],
            kind=data["kind"],
            goal_cycle=goal_cycle,
            next_goal_cycle=next_cycle,
            template=template,
            population=data["population"],
            population_teams=teams,
            population_people=people,
            anonymous_peer_feedback=data["anonymous_peer_feedback"],
            anonymous_upward_feedback=data["anonymous_upward_feedback"],
            policy_mode=data["policy_mode"],
            formula_weights=data["formula_weights"],
            self_review_due=data["self_review_due"],
            peer_feedback_due=data["peer_feedback_due"],
            manager_review_due=data["manager_review_due"],
            calibration_due=data["calibration_due"],
            sharing_due=data["sharing_due"],
        )
    return Status(201, _cycle_detail(user, cycle.pk))


@cycle_router.post("/{id}/launch", response={200: ReviewCycleDetailOut, **WRITE_ERRORS})
def launch_review_cycle(request: HttpRequest, id: ParamId) -> Any:
    """Launch a draft (HR): a review per active person in its population, each with a self
    review and a manager review to write; 422 (``state``) when it was launched already."""
    user = caller(request)
    cycle = selectors.get_review_cycle_for_user(user, id)
    _require_hr(user, "review cycles")
    actions.launch_review_cycle(review_cycle=cycle, acting_user=user)
    return _cycle_detail(user, id)


@cycle_router.post("/{id}/close", response={200: ReviewCycleDetailOut, **WRITE_ERRORS})
def close_review_cycle(request: HttpRequest, id: ParamId) -> Any:
    """Close an open cycle (HR): everything in it becomes read-only."""
    user = caller(request)
    cycle = selectors.get_review_cycle_for_user(user, id)
    _require_hr(user, "review cycles")
    actions.close_review_cycle(review_cycle=cycle, acting_user=user)
    return _cycle_detail(user, id)


@cycle_router.get(
    "/{id}/ratings.csv",
    response={**READ_ERRORS, 403: ErrorOut},
    openapi_extra={
        "responses": {
            "200": {
                "description": "One row per review: person, teams, manager, rating and its "
                "label, potential, OKR attainment, state, completed calibration sessions, "
                "shared and acknowledged dates.",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def review_cycle_ratings(request: HttpRequest, id: ParamId) -> Any:
    """The ratings of a cycle as CSV (HR), streamed; cells a spreadsheet would read as a
    formula are written with a leading apostrophe."""
    user = caller(request)
    cycle = selectors.get_review_cycle_for_user(user, id)
    _require_hr(user, "review cycles")
    response = StreamingHttpResponse(
        export.ratings_csv(user, cycle), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{export.ratings_filename(cycle)}"'
    return response
