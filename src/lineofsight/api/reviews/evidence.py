"""The evidence pack over the API: a review's pack (the same figures as its page), its
packet as PDF, a team's context for a review cycle, and the forward-looking drafts (list,
propose, edit, publish, discard). Same access policy as the pages: reviews are private to
the person once shared, their manager chain and HR; missing and forbidden answer 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from ninja import Router, Schema
from pydantic import Field

from lineofsight.access.policy import Viewer
from lineofsight.api.auth import caller
from lineofsight.api.base import ErrorOut, Input
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS, fields_named
from lineofsight.api.types import LongText, Number, ParamId, Title, Unit, Visibility
from lineofsight.core.errors import NotAllowed
from lineofsight.reviews.evidence import actions, forward, pdf, selectors, team
from lineofsight.reviews.evidence.packet import review_packet

reviews = Router(tags=["reviews: evidence"])
review_cycles = Router(tags=["reviews: evidence"])
drafts = Router(tags=["reviews: evidence"])


# ---------------------------------------------------------------------------------------
# Schemas


class EvidenceCheckInOut(Schema):
    at: dt.datetime
    value: float | None
    done: bool | None
    confidence: str
    note: str
    blockers: str


class EvidenceKeyResultOut(Schema):
    id: int
    title: str = Field(description="As defined at the end of the cycle.")
    kind: str
    unit: str
    signal: str
    owner: str
    start: float | None
    target: float | None
    actual: float | None = Field(description="The last reading recorded by the end.")
    done: bool | None
    progress: float = Field(description="0.0-1.0 at the end.")
    confidence: str = Field(description="The last confidence call by the end.")
    computed_grade: float | None
    adjusted_grade: float | None
    grade_reason: str
    abandoned: str
    revision: str
    trend: str = Field(description="The confidence calls over the cycle, in words.")
    check_ins: list[EvidenceCheckInOut] = Field(
        description="The check-ins recorded in the period (from the cycle's start to the end)."
    )
    cycle: str = Field(
        description="Its own OKR cycle: a quarter, for a rolling annual objective's key result."
    )


class EvidenceRetrospectiveOut(Schema):
    what_happened: str
    in_control: str
    learned: str
    decision: str


class EvidenceObjectiveOut(Schema):
    id: int
    title: str
    level: str
    owner: str
    cycle: str
    commitment: str
    state: str = Field(description="Its state at the end of the cycle.")
    progress: float | None = Field(description="0.0-1.0 at the end.")
    computed_grade: float | None
    adjusted_grade: float | None
    grade_reason: str
    rationale: str
    abandoned: str
    key_results: list[EvidenceKeyResultOut]
    retrospective: EvidenceRetrospectiveOut | None
    fed: list[str] = Field(description="What it was aligned to: 'owner: title'.")


class EvidenceShiftOut(Schema):
    at: dt.datetime
    subject: str
    title: str
    change: str
    reason: str
    author: str


class EvidenceTeamOut(Schema):
    team: str
    objectives: list[EvidenceObjectiveOut]


class EvidenceContextOut(Schema):
    company: list[EvidenceObjectiveOut]
    teams: list[EvidenceTeamOut]
    shifts: list[EvidenceShiftOut]


class EvidenceDestinationOut(Schema):
    owner: str
    title: str


class EvidenceMeasureOut(Schema):
    title: str
    kind: str
    unit: str
    start: float | None
    target: float | None
    actual: float | None
    done: bool | None
    abandoned: bool


class EvidenceInitiativeOut(Schema):
    title: str
    state: str
    key_result: str
    key_result_owner: str


class EvidenceKudosOut(Schema):
    at: dt.datetime
    author: str
    message: str
    key_result: str


class EvidenceFeedbackOut(Schema):
    requested: int
    submitted: int
    named_authors: list[str]
    anonymous_submitted: int
    anonymous_shown: bool
    note: str


class EvidenceContributionOut(Schema):
    story: str = Field(description="How their key results fed the team and company figures.")
    fed: list[EvidenceDestinationOut]
    company: EvidenceMeasureOut | None
    initiatives: list[EvidenceInitiativeOut]
    feedback: EvidenceFeedbackOut
    kudos: list[EvidenceKudosOut]


class ForwardDraftOut(Schema):
    id: int
    objective_id: int
    title: str
    rationale: str
    state: str
    parent_id: int | None
    parent: str
    key_results: list[str]
    published: bool
    visibility: str = Field(
        "", description="Who sees the objective: private (like the review) until its owner chooses."
    )


class EvidenceForwardOut(Schema):
    next_cycle: str | None
    team_objectives: list[EvidenceObjectiveOut]
    drafts: list[ForwardDraftOut]
    can_edit: bool


class EvidencePeriodOut(Schema):
    name: str
    kind: str = Field(description="'quarter' or 'annual'.")
    start: dt.date
    end: dt.date


class EvidencePackOut(Schema):
    review_id: int
    person: str
    person_id: int
    review_cycle: str
    goal_cycle: str
    as_of: dt.datetime = Field(description="The instant the figures describe: the cycle's end.")
    ended: bool
    pending: bool = Field(
        description="The cycle has ended but its figures as of the end are still being "
        "prepared: objectives show their latest roll-ups until then."
    )
    context: EvidenceContextOut
    objectives: list[EvidenceObjectiveOut] = Field(
        description="The person's own objectives; each names its cycle."
    )
    other_objectives: list[EvidenceObjectiveOut] = Field(
        description="Objectives of a team or of someone else on which the person owns key "
        "results, with those key results only."
    )
    growth: list[EvidenceObjectiveOut] = Field(
        description="The person's development goals (growth, skills): tracked like the others, "
        "counted in no attainment figure and no review formula."
    )
    periods: list[EvidencePeriodOut] = Field(
        description="The OKR cycles the pack covers, the review's first: a quarter and its "
        "year, or a year and each quarter inside it."
    )
    contribution: EvidenceContributionOut
    forward: EvidenceForwardOut


class TeamAtRiskOut(Schema):
    objective: str
    key_result: str
    owner: str
    confidence: str
    pace: str
    percent: int | None


class TeamMemberOut(Schema):
    name: str
    objectives: int
    mean_progress: float | None
    mean_grade: float | None


class TeamContextOut(Schema):
    team_id: int
    team: str
    review_cycle_id: int
    review_cycle: str
    goal_cycle: str
    as_of: dt.datetime
    ended: bool
    pending: bool = Field(
        description="The cycle has ended but its figures as of the end are still being "
        "prepared: objectives show their latest roll-ups until then."
    )
    objectives: list[EvidenceObjectiveOut]
    at_risk: list[TeamAtRiskOut]
    discipline_due: int = Field(description="Check-in periods due over the period.")
    discipline_kept: int
    members: list[TeamMemberOut]


class DraftKeyResultIn(Input):
    title: Title
    kind: str = Field("increase", description="increase (to a target) or milestone.")
    start_value: Number | None = None
    target_value: Number | None = None
    unit: Unit = ""


class ForwardDraftIn(Input):
    title: Title | None = None
    rationale: LongText | None = None
    key_results: list[DraftKeyResultIn] = Field(
        default_factory=list, description="Key results to add to the draft."
    )


# ---------------------------------------------------------------------------------------
# Routes


def _pack(user: Any, id: int) -> dict[str, Any]:
    review = selectors.get_review_for_user(user, id)
    return selectors.evidence_pack(user, review).as_dict()


@reviews.get("/{id}/evidence", response={200: EvidencePackOut, **READ_ERRORS})
def get_evidence_pack(request: HttpRequest, id: ParamId) -> Any:
    """The review's evidence pack, as of the OKR cycle's end: context, the person's
    objectives, contribution (with the story) and the forward-looking drafts."""
    return _pack(caller(request), id)


@reviews.get(
    "/{id}/packet.pdf",
    response={401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The evidence pack and what the caller may see of the review.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_review_packet_pdf(request: HttpRequest, id: ParamId) -> Any:
    """The review packet as PDF (the same figures as the pack)."""
    user = caller(request)
    review = selectors.get_review_for_user(user, id)
    response = HttpResponse(
        pdf.render_packet(review_packet(user, review)), content_type="application/pdf"
    )
    name = slugify(f"{review.subject.name} {review.review_cycle.name}") or "review"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@reviews.get("/{id}/drafts", response={200: list[ForwardDraftOut], **READ_ERRORS})
def list_forward_drafts(request: HttpRequest, id: ParamId) -> Any:
    """The review's draft objectives for the next OKR cycle (published ones included)."""
    user = caller(request)
    review = selectors.get_review_for_user(user, id)
    return forward.drafts_of(user, review)


@reviews.post("/{id}/drafts", response={200: list[ForwardDraftOut], **WRITE_ERRORS})
def propose_forward_drafts(request: HttpRequest, id: ParamId) -> Any:
    """Propose drafts: one per next-quarter objective of the teams the person's work fed
    (those already drafted are skipped). Returns all the review's drafts."""
    user = caller(request)
    review = selectors.get_review_for_user(user, id)
    actions.propose_forward_drafts(acting_user=user, review=review)
    return forward.drafts_of(user, review)


@review_cycles.get("/{id}/teams/{team_id}/context", response={200: TeamContextOut, **READ_ERRORS})
def get_team_context(request: HttpRequest, id: ParamId, team_id: ParamId) -> Any:
    """A team's OKR summary for the review cycle's period (its leads, their managers and
    HR). Reading it counts as opening the team context before the individual reviews."""
    user = caller(request)
    rc, t = team.get_team_context_for_user(user, id, team_id)
    actions.record_team_context_visit(acting_user=user, review_cycle=rc, team=t)
    return team.team_context(user, rc, t)


def _draft(user: Any, id: int) -> Any:
    draft = forward.get_draft_for_user(user, id)
    if not Viewer.of(user).can_draft_forward(draft.review):
        raise NotAllowed("Only the review's managers, HR and the person (once shared) draft.")
    return draft


def _one(user: Any, draft: Any) -> Any:
    for row in forward.drafts_of(user, draft.review):
        if row.id == draft.pk:
            return row
    return None


@drafts.patch("/{id}", response={200: ForwardDraftOut, **WRITE_ERRORS})
def update_forward_draft(request: HttpRequest, id: ParamId, payload: ForwardDraftIn) -> Any:
    """Edit a draft: title, rationale, key results to add."""
    user = caller(request)
    draft = _draft(user, id)
    with fields_named():
        actions.update_forward_draft(
            acting_user=user,
            draft=draft,
            title=payload.title,
            rationale=payload.rationale,
            new_key_results=[kr.model_dump() for kr in payload.key_results],
        )
    return _one(user, draft)


@drafts.post("/{id}/publish", response={200: ForwardDraftOut, **WRITE_ERRORS})
def publish_forward_draft(
    request: HttpRequest, id: ParamId, visibility: Visibility | None = None
) -> Any:
    """Publish a draft: it becomes the person's active objective, aligned (contributing)
    to the team objective it was drafted for. Needs a rationale and a key result. It stays
    private unless the person publishes it and chooses ``visibility`` (only they may)."""
    user = caller(request)
    draft = _draft(user, id)
    actions.publish_forward_draft(acting_user=user, draft=draft, visibility=visibility)
    return _one(user, draft)


@drafts.post("/{id}/discard", response={200: list[ForwardDraftOut], **WRITE_ERRORS})
def discard_forward_draft(request: HttpRequest, id: ParamId) -> Any:
    """Set a draft aside (its objective is abandoned, with the reason kept)."""
    user = caller(request)
    draft = _draft(user, id)
    actions.discard_forward_draft(acting_user=user, draft=draft)
    return forward.drafts_of(user, draft.review)
