"""Request and response bodies about cycles, objectives, key results, check-ins, alignment
and initiatives."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from lineofsight.api.base import Input, PageQuery
from lineofsight.api.goals.tracking import (
    KeyResultForecastOut,
    KeyResultPaceOut,
    ObjectiveForecastOut,
    ObjectiveRiskOut,
    PaceStatus,
)
from lineofsight.api.sync import SyncPageQuery
from lineofsight.api.types import (
    AsOfInstant,
    Commitment,
    Confidence,
    CycleKind,
    CycleState,
    DateTime,
    EndInstant,
    Flag,
    Id,
    InitiativeState,
    KeyResultKind,
    KeyResultState,
    Level,
    LinkKind,
    LinkState,
    LongText,
    Number,
    ObjectiveState,
    ParamId,
    ProgressMode,
    Reason,
    Search,
    Signal,
    Source,
    StartInstant,
    Title,
    Unit,
    Url,
    Visibility,
    Weight,
    optional,
)
from lineofsight.goals.actions import BlockerInput


class CycleOut(Schema):
    id: int
    name: str
    kind: CycleKind
    start_date: dt.date
    end_date: dt.date
    parent: int | None
    state: CycleState
    closed_at: DateTime | None
    updated_at: DateTime = Field(description="When the row last changed (updated_since reads it).")


class CycleQuery(SyncPageQuery):
    kind: CycleKind | None = None
    state: CycleState | None = None


# ---------------------------------------------------------------------------------------
# Objectives


class KeyResultOut(Schema):
    id: int
    objective: int
    cycle: int
    title: str
    kind: KeyResultKind
    unit: str
    start_value: float | None
    target_value: float | None
    current_value: float | None
    done: bool
    signal: Signal
    weight: float
    owner: int
    owner_name: str
    source: Source
    state: KeyResultState
    position: int
    progress: float
    percent: int
    confidence: Confidence | None
    last_check_in_at: DateTime | None
    created_at: DateTime
    updated_at: DateTime = Field(description="When the row last changed (updated_since reads it).")
    pace: KeyResultPaceOut | None = Field(
        description="Status from pace, beside (never instead of) the owner's confidence; "
        "null when the key result is not tracked (abandoned, or its objective is)."
    )
    forecast: KeyResultForecastOut | None = Field(
        description="Where it is projected to land at the end of its cycle, and how sure."
    )
    computed_grade: float | None = Field(
        description="End-of-cycle grade, 0.0-1.0, stored when its cycle closes."
    )
    adjusted_grade: float | None = Field(
        description="The owner's adjusted grade, kept beside the computed one."
    )
    grade_reason: str = Field(description="Why the grade was adjusted.")


class KeyResultDetailOut(KeyResultOut):
    objective_title: str
    can_edit: bool = Field(description="Whether the caller may check in and edit it.")


class LinkOut(Schema):
    id: int
    child: int
    child_title: str
    parent_objective: int | None
    parent_key_result: int | None
    parent_title: str
    kind: LinkKind
    weight: float
    state: LinkState = Field(
        description="accepted; pending: a contribution proposed by someone who may not edit "
        "the parent, shown but counted nowhere until one of its editors accepts it; declined."
    )
    counts: bool = Field(description="Whether it counts in the parent's progress now.")
    live: bool
    created_at: DateTime = Field(description="When it was made (proposed, for a proposal).")
    created_by: int | None = Field(description="Who made (or proposed) it.")
    created_by_name: str
    decided_at: DateTime | None = Field(
        description="When it was accepted (counting from then) or declined."
    )
    decided_by: int | None
    decision_reason: str = Field(description="Why a proposal was declined.")
    ended_at: DateTime | None
    ended_by: int | None
    end_reason: str
    updated_at: DateTime = Field(description="When the row last changed (updated_since reads it).")


class ObjectiveOut(Schema):
    id: int
    title: str
    description: str
    level: Level
    cycle: int
    owner_person: int | None
    owner_team: int | None
    owner_name: str
    visibility: Visibility
    state: ObjectiveState
    commitment: Commitment
    progress_mode: ProgressMode
    is_development: bool = Field(
        description="A development goal: left out of attainment, reviews and the roll-up."
    )
    rationale: str
    progress: float = Field(description="Stored roll-up, 0.0-1.0.")
    percent: int
    status: Confidence | None = Field(
        description="The worst latest confidence among its active key results."
    )
    key_result_count: int
    child_count: int = Field(description="Aligned objectives the caller can see.")
    approval_state: str = Field(
        "", description="A draft's approval: '', proposed, changes (sent back) or approved."
    )
    draft_sharing: str = Field(
        "nobody", description="Whom a draft is shared with: nobody, people or audience."
    )
    copied_from: int | None = Field(None, description="The objective it was copied from.")
    created_at: DateTime
    updated_at: DateTime
    progress_updated_at: DateTime | None
    risk: ObjectiveRiskOut | None = Field(
        description="Its key results' pace statuses rolled up: counts, the worst, how many "
        "need attention."
    )
    forecast: ObjectiveForecastOut | None = Field(
        description="Its key results' forecasts combined, weighted by their weights."
    )
    computed_grade: float | None = Field(
        description="End-of-cycle grade, 0.0-1.0, stored when its cycle closes."
    )
    adjusted_grade: float | None = Field(
        description="The owner's adjusted grade, kept beside the computed one."
    )
    grade_reason: str = Field(description="Why the grade was adjusted.")


class ObjectiveDetailOut(ObjectiveOut):
    key_results: list[KeyResultOut]
    parents: list[LinkOut] = Field(description="Live links to the parents the caller can see.")
    can_edit: bool
    revision_count: int


class ChildOut(Schema):
    objective: ObjectiveOut
    link: LinkOut


class ObjectiveQuery(SyncPageQuery):
    cycle: ParamId | None = None
    level: Level | None = None
    owner_person: ParamId | None = None
    owner_team: ParamId | None = None
    state: ObjectiveState | None = None
    visibility: Visibility | None = None
    q: Search | None = Field(None, description="Part of the title.")
    aligned_to: ParamId | None = Field(
        None, description="Objectives aligned (directly or via a key result) to this objective."
    )


class AlignTo(Input):
    parent_objective: Id | None = None
    parent_key_result: Id | None = None
    kind: LinkKind = "contributes"
    weight: Weight = 1.0


class KeyResultRowIn(Input):
    title: Title
    kind: KeyResultKind = "increase"
    owner: Id | None = Field(None, description="Defaults to the objective's owner.")
    start_value: Number | None = None
    target_value: Number | None = None
    unit: Unit = ""
    signal: Signal = "lagging"
    weight: Weight = 1.0


class ObjectiveCreate(Input):
    title: Title
    level: Level
    cycle: Id
    owner_person: Id | None = None
    owner_team: Id | None = None
    description: LongText = ""
    visibility: Visibility = "public"
    state: ObjectiveState = "active"
    commitment: Commitment = "aspirational"
    rationale: LongText = Field("", description="If we hit this, the parent becomes more likely.")
    progress_mode: ProgressMode = "key_results"
    is_development: Flag = Field(
        False, description="Individual objectives only: a development goal (growth, skills)."
    )
    align_to: list[AlignTo] = Field(
        default_factory=list,
        max_length=20,
        description="Parents to align to; the objective and its links are saved together or "
        "not at all.",
    )
    key_results: list[KeyResultRowIn] = Field(
        default_factory=list,
        max_length=10,
        description="Key results created with it, checked together and saved all or nothing; "
        "errors name the row (key_results.1.target_value).",
    )
    amendment_reason: Reason = Field("", description="Required from HR in a closed cycle.")


class ObjectivePatch(Input):
    title: Title = optional()
    description: LongText = optional()
    state: ObjectiveState = optional()
    commitment: Commitment = optional()
    visibility: Visibility = optional()
    progress_mode: ProgressMode = optional()
    rationale: LongText = optional()
    is_development: Flag = optional(description="Mark or unmark it as a development goal.")
    owner_person: Id = optional(description="Hand the objective to this person.")
    owner_team: Id = optional(description="Hand the objective to this team.")
    reason: Reason = Field("", description="Why it changes; kept in the revision history.")
    amendment_reason: Reason = Field("", description="Required from HR in a closed cycle.")


class TermOut(Schema):
    kind: str
    id: int | None
    label: str
    value: float
    weight: float
    counted: bool
    note: str


class ExplanationOut(Schema):
    subject: str
    formula: str
    result: float
    percent: int
    as_of: DateTime | None
    terms: list[TermOut]
    notes: list[str]


class AsOfQuery(Schema):
    as_of: AsOfInstant | None = Field(
        None,
        description="Explain the figure as it stood then (a date means the end of it); a day "
        "after today is refused.",
    )


class ObjectiveRevisionOut(Schema):
    number: int
    title: str
    description: str
    state: ObjectiveState
    commitment: Commitment
    visibility: Visibility
    progress_mode: ProgressMode
    rationale: str
    reason: str
    author: int | None
    valid_from: DateTime


# ---------------------------------------------------------------------------------------
# Key results


class KeyResultQuery(SyncPageQuery):
    objective: ParamId | None = None
    owner: ParamId | None = None
    cycle: ParamId | None = None
    kind: KeyResultKind | None = None
    state: KeyResultState | None = None
    pace_status: PaceStatus | None = Field(
        None, description="Only key results with this pace status (needs objective or owner)."
    )
    likely_to_miss: bool | None = Field(
        None,
        description="true: only key results projected to miss success; false: only the "
        "others (needs objective or owner).",
    )


class AbandonIn(Input):
    reason: Reason = Field(description="Why it is abandoned; kept in its history.")
    amendment_reason: Reason = Field("", description="Required from HR in a closed cycle.")


class KeyResultCreate(Input):
    objective: Id
    title: Title
    kind: KeyResultKind
    owner: Id | None = Field(None, description="Defaults to the caller.")
    start_value: Number | None = None
    target_value: Number | None = None
    unit: Unit = ""
    signal: Signal = "lagging"
    weight: Weight = 1.0
    source: Source = "check_ins"
    cycle: Id | None = Field(
        None, description="The objective's cycle (default) or one of its quarters."
    )
    amendment_reason: Reason = ""


class KeyResultPatch(Input):
    title: Title = optional()
    kind: KeyResultKind = optional()
    unit: Unit = optional()
    start_value: Number | None = optional()
    target_value: Number | None = optional()
    signal: Signal = optional()
    weight: Weight = optional()
    source: Source = optional()
    state: KeyResultState = optional()
    owner: Id = optional()
    reason: Reason = Field(
        "",
        description="Why it changes; required when the scoring of a checked-in key result "
        "changes or when it is abandoned.",
    )
    amendment_reason: Reason = ""


class KeyResultRevisionOut(Schema):
    number: int
    title: str
    kind: KeyResultKind
    unit: str
    start_value: float | None
    target_value: float | None
    signal: Signal
    weight: float
    source: Source
    state: KeyResultState
    owner: int
    reason: str
    author: int | None
    valid_from: DateTime


# ---------------------------------------------------------------------------------------
# Check-ins


class CheckInOut(Schema):
    id: int
    key_result: int
    value: float | None
    done: bool | None
    confidence: Confidence
    blockers: str = Field(description="The texts of the blockers raised in it, one a line.")
    blocker_ids: list[int] = Field(description="The blockers raised in it (/api/blockers).")
    note: str
    author: int
    author_name: str
    recorded_at: DateTime
    updated_at: DateTime = Field(description="When the row last changed (updated_since reads it).")
    progress: float = Field(description="The key result's progress right after this reading.")
    percent: int
    amendment_reason: str


class ProgressOut(Schema):
    id: int
    progress: float
    percent: int


class CheckInCreatedOut(Schema):
    check_in: CheckInOut
    key_result: ProgressOut
    objective: ProgressOut


class CheckInQuery(SyncPageQuery):
    key_result: ParamId | None = None
    author: ParamId | None = None
    since: StartInstant | None = Field(
        None, description="Recorded at or after (a date: from its start)."
    )
    until: EndInstant | None = Field(
        None, description="Recorded at or before (a date: to its end)."
    )


class BlockerRaise(Input):
    text: LongText = Field(description="What is in the way.")
    assignee: Id | None = Field(None, description="Who it is for (a person's id); optional.")


class CheckInCreate(Input):
    key_result: Id
    value: Number | None = Field(None, description="The current value (numeric key results).")
    done: Flag | None = Field(None, description="Whether it is done (milestones).")
    confidence: Confidence
    blockers: list[BlockerRaise] | LongText = Field(
        default="",
        description="Blockers to raise: a list of {text, assignee}, or one text (one "
        "unassigned blocker). Errors name blockers.N.text or blockers.N.assignee.",
    )
    note: LongText = ""
    amendment_reason: Reason = ""

    def blocker_inputs(self) -> str | list[BlockerInput]:
        if isinstance(self.blockers, str):
            return self.blockers
        return [BlockerInput(b.text, b.assignee) for b in self.blockers]


# ---------------------------------------------------------------------------------------
# Alignment links


class LinkQuery(SyncPageQuery):
    child: ParamId | None = None
    parent_objective: ParamId | None = None
    parent_key_result: ParamId | None = None
    live: bool = Field(True, description="Only links in force (false: only ended ones).")
    state: LinkState | None = Field(None, description="Only links in this state.")


class LinkAccept(Input):
    weight: Weight = optional(description="The weight it counts with (default: as proposed).")
    amendment_reason: Reason = ""


class LinkDecline(Input):
    reason: Reason = Field(description="Why it does not count: told to the proposer.")
    amendment_reason: Reason = ""


class LinkCreate(Input):
    child: Id
    parent_objective: Id | None = None
    parent_key_result: Id | None = None
    kind: LinkKind = "contributes"
    weight: Weight = 1.0
    amendment_reason: Reason = ""


class LinkPatch(Input):
    kind: LinkKind = optional()
    weight: Weight = optional()
    reason: Reason = ""
    amendment_reason: Reason = ""


class LinkEndQuery(Schema):
    reason: Search = ""
    amendment_reason: Search = ""


# ---------------------------------------------------------------------------------------
# Initiatives


class InitiativeOut(Schema):
    id: int
    key_result: int
    title: str
    owner: int
    owner_name: str
    state: InitiativeState
    link: str
    created_at: DateTime
    updated_at: DateTime


class InitiativeQuery(SyncPageQuery):
    key_result: ParamId | None = None
    owner: ParamId | None = None
    state: InitiativeState | None = None


class InitiativeCreate(Input):
    key_result: Id
    title: Title
    owner: Id | None = Field(None, description="Defaults to the caller.")
    state: InitiativeState = "planned"
    link: Url = ""
    amendment_reason: Reason = ""


class InitiativePatch(Input):
    title: Title = optional()
    owner: Id = optional()
    state: InitiativeState = optional()
    link: Url = optional()
    amendment_reason: Reason = ""


# ---------------------------------------------------------------------------------------
# Blockers

BlockerState = Literal["open", "handling", "resolved"]


class BlockerEventOut(Schema):
    kind: Literal["raised", "assigned", "state", "escalated"]
    at: DateTime
    actor: int | None
    person: int | None = Field(description="The new assignee, or whom it was escalated to.")
    from_state: str
    to_state: str
    note: str


class BlockerOut(Schema):
    id: int
    text: str
    state: BlockerState
    key_result: int
    objective: int
    check_in: int | None
    raised_by: int
    raised_by_name: str
    assignee: int | None
    assignee_name: str
    raised_at: DateTime
    open_since: DateTime = Field(
        description="Raised or last reopened: escalation counts from here."
    )
    resolved_at: DateTime | None
    resolution_note: str
    events: list[BlockerEventOut] = Field(default_factory=list, description="One blocker only.")


class BlockerQuery(PageQuery):
    assignee: ParamId | None = Field(None, description="Assigned to this person.")
    state: BlockerState | None = None
    open: bool | None = Field(None, description="true: open or being handled; false: resolved.")
    team: ParamId | None = Field(
        None, description="On the key results of this team and its members."
    )
    key_result: ParamId | None = None


class BlockerCreate(Input):
    check_in: Id = Field(description="The check-in it is raised from.")
    blockers: list[BlockerRaise] = Field(min_length=1, max_length=5)


class BlockerPatch(Input):
    state: BlockerState | None = None
    note: LongText = Field("", description="How it was resolved (required when resolving).")
    assignee: Id | None = Field(None, description="Who it is for; null to unassign.")


class ShareDraftIn(Input):
    sharing: Literal["nobody", "people", "audience"]
    people: list[Id] = Field(default_factory=list, max_length=200)


class ProposeIn(Input):
    note: Reason = ""


class ApproveIn(Input):
    note: Reason = ""


class RequestChangesIn(Input):
    comment: Reason = Field(description="What should change; required, the author reads it.")


class CopyIn(Input):
    cycle: Id | None = Field(None, description="A later cycle; default: the next one.")


class OkrTemplateKeyResultOut(Schema):
    title: str
    kind: str
    unit: str
    start_value: float | None
    target_value: float | None


class OkrTemplateOut(Schema):
    id: str = Field(description="A built-in template's slug, or org-<id> for the organisation's.")
    function: str
    function_label: str
    title: str
    description: str
    built_in: bool
    key_results: list[OkrTemplateKeyResultOut]


TemplateFunction = Literal[
    "sales", "marketing", "engineering", "product", "support", "people", "finance", "operations"
]


class OkrTemplateQuery(Schema):
    q: Search | None = Field(None, description="Words in the title, description or key results.")
    function: TemplateFunction | None = Field(None, description="The function it is for.")
