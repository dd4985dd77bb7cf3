"""Output rows about OKRs (the relations each one reads are loaded by the caller's queryset)."""

from __future__ import annotations

from typing import Any

from lineofsight.api.goals.tracking import key_result_fields, objective_fields
from lineofsight.goals import scoring
from lineofsight.goals.models import (
    AlignmentLink,
    CheckIn,
    Cycle,
    Initiative,
    KeyResult,
    Objective,
)
from lineofsight.goals.selectors import ObjectiveCard

# ---------------------------------------------------------------------------------------
# Output rows (the relations each one reads are loaded by the caller's queryset)


def percent(value: float) -> int:
    return scoring.percent(value)


def grade_fields(subject: Objective | KeyResult) -> dict[str, Any]:
    return {
        "computed_grade": subject.computed_grade,
        "adjusted_grade": subject.adjusted_grade,
        "grade_reason": subject.grade_reason,
    }


def objective_row(card: ObjectiveCard) -> dict[str, Any]:
    o = card.objective
    return {
        "id": o.pk,
        "title": o.title,
        "description": o.description,
        "level": o.level,
        "cycle": o.cycle_id,
        "owner_person": o.owner_person_id,
        "owner_team": o.owner_team_id,
        "owner_name": o.owner_name,
        "visibility": o.visibility,
        "state": o.state,
        "commitment": o.commitment,
        "progress_mode": o.progress_mode,
        "is_development": o.is_development,
        "rationale": o.rationale,
        "progress": o.progress,
        "percent": percent(o.progress),
        "status": card.status.value if card.status else None,
        "key_result_count": card.key_result_count,
        "child_count": card.child_count,
        "approval_state": o.approval_state,
        "draft_sharing": o.draft_sharing,
        "copied_from": o.copied_from_id,
        "created_at": o.created_at,
        "updated_at": o.updated_at,
        "progress_updated_at": o.progress_updated_at,
        **grade_fields(o),
        **objective_fields(card.tracking),
    }


def key_result_row(kr: KeyResult) -> dict[str, Any]:
    return {
        "id": kr.pk,
        "objective": kr.objective_id,
        "cycle": kr.cycle_id,
        "title": kr.title,
        "kind": kr.kind,
        "unit": kr.unit,
        "start_value": kr.start_value,
        "target_value": kr.target_value,
        "current_value": kr.current_value,
        "done": kr.done,
        "signal": kr.signal,
        "weight": kr.weight,
        "owner": kr.owner_id,
        "owner_name": kr.owner.name,
        "source": kr.source,
        "state": kr.state,
        "position": kr.position,
        "progress": kr.progress,
        "percent": percent(kr.progress),
        "confidence": kr.confidence or None,
        "last_check_in_at": kr.last_check_in_at,
        "created_at": kr.created_at,
        "updated_at": kr.updated_at,
        **grade_fields(kr),
        **key_result_fields(getattr(kr, "tracking", None)),
    }


def link_row(link: AlignmentLink) -> dict[str, Any]:
    parent = link.parent_objective or link.parent_key_result
    return {
        "id": link.pk,
        "child": link.child_id,
        "child_title": link.child.title,
        "parent_objective": link.parent_objective_id,
        "parent_key_result": link.parent_key_result_id,
        "parent_title": parent.title if parent is not None else "",
        "kind": link.kind,
        "weight": link.weight,
        "state": link.state,
        "counts": link.counts,
        "live": link.ended_at is None,
        "created_at": link.created_at,
        "created_by": link.created_by_id,
        "created_by_name": link.created_by.name if link.created_by else "",
        "decided_at": link.decided_at,
        "decided_by": link.decided_by_id,
        "decision_reason": link.decision_reason,
        "ended_at": link.ended_at,
        "ended_by": link.ended_by_id,
        "end_reason": link.end_reason,
        "updated_at": link.updated_at,
    }


def check_in_row(ci: CheckIn) -> dict[str, Any]:
    raised = sorted(ci.raised_blockers.all(), key=lambda b: b.pk)
    return {
        "id": ci.pk,
        "key_result": ci.key_result_id,
        "value": ci.value,
        "done": ci.done,
        "confidence": ci.confidence,
        "blockers": "\n".join(b.text for b in raised),
        "blocker_ids": [b.pk for b in raised],
        "note": ci.note,
        "author": ci.author_id,
        "author_name": ci.author.name,
        "recorded_at": ci.recorded_at,
        "updated_at": ci.updated_at,
        "progress": ci.progress,
        "percent": percent(ci.progress),
        "amendment_reason": ci.amendment_reason,
    }


def initiative_row(initiative: Initiative) -> dict[str, Any]:
    return {
        "id": initiative.pk,
        "key_result": initiative.key_result_id,
        "title": initiative.title,
        "owner": initiative.owner_id,
        "owner_name": initiative.owner.name,
        "state": initiative.state,
        "link": initiative.link,
        "created_at": initiative.created_at,
        "updated_at": initiative.updated_at,
    }


def cycle_row(cycle: Cycle) -> dict[str, Any]:
    return {
        "id": cycle.pk,
        "name": cycle.name,
        "kind": cycle.kind,
        "start_date": cycle.start_date,
        "end_date": cycle.end_date,
        "parent": cycle.parent_id,
        "state": cycle.state,
        "closed_at": cycle.closed_at,
        "updated_at": cycle.updated_at,
    }


def explanation_row(figure: scoring.Figure) -> dict[str, Any]:
    row = figure.explanation.as_dict()
    row["as_of"] = figure.explanation.as_of  # written in the organisation's time zone
    row["result"] = figure.value
    row["percent"] = percent(figure.value)
    return row
