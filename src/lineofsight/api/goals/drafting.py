"""Writing OKRs together over the API: sharing, proposing, approving, asking for changes and
activating a draft (``/api/objectives/{id}/...``), copying an objective to a later cycle, and
the OKR template library (``/api/okr-templates``). Creating an objective with its key results
is ``POST /api/objectives`` with ``key_results``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from lineofsight.api.auth import caller
from lineofsight.api.base import References
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.api.goals.objectives import detail
from lineofsight.api.goals.schemas import (
    ApproveIn,
    CopyIn,
    ObjectiveDetailOut,
    OkrTemplateOut,
    OkrTemplateQuery,
    ProposeIn,
    RequestChangesIn,
    ShareDraftIn,
)
from lineofsight.api.types import ParamId
from lineofsight.core.errors import InvalidInput
from lineofsight.goals import actions, selectors, template_library
from lineofsight.people.selectors import people_visible_to

objectives = Router(tags=["objectives"])
templates = Router(tags=["okr templates"])


@objectives.post("/{id}/share", response={200: ObjectiveDetailOut, **WRITE_ERRORS})
def share_draft(request: HttpRequest, id: ParamId, payload: ShareDraftIn) -> Any:
    """Share a draft for comment with chosen ``people`` or its usual ``audience`` (or nobody
    again). Readers see it and write in its thread; they do not edit it."""
    user = caller(request)
    objective = selectors.get_objective_for_user(user, id)
    refs = References()
    people = [
        refs.get(people_visible_to(user), pk, f"people.{i}", "active person")
        for i, pk in enumerate(payload.people)
    ]
    refs.check()
    actions.share_draft(
        acting_user=user,
        objective=objective,
        sharing=payload.sharing,
        people=[p for p in people if p is not None],
    )
    return detail(user, id)


@objectives.post("/{id}/propose", response={200: ObjectiveDetailOut, **WRITE_ERRORS})
def propose_objective(request: HttpRequest, id: ParamId, payload: ProposeIn) -> Any:
    """Propose a draft to its approver (the owner's manager; a team's lead, or the lead's
    manager when the lead proposes), when the organisation asks for approval."""
    user = caller(request)
    objective = selectors.get_objective_for_user(user, id)
    actions.propose_objective(acting_user=user, objective=objective, note=payload.note)
    return detail(user, id)


@objectives.post("/{id}/approve", response={200: ObjectiveDetailOut, **WRITE_ERRORS})
def approve_objective(request: HttpRequest, id: ParamId, payload: ApproveIn) -> Any:
    """The approver (or HR) approves a proposed draft: it becomes active."""
    user = caller(request)
    objective = selectors.get_objective_for_user(user, id)
    actions.approve_objective(acting_user=user, objective=objective, note=payload.note)
    return detail(user, id)


@objectives.post("/{id}/request-changes", response={200: ObjectiveDetailOut, **WRITE_ERRORS})
def request_changes(request: HttpRequest, id: ParamId, payload: RequestChangesIn) -> Any:
    """The approver (or HR) sends a proposed draft back with a required comment."""
    user = caller(request)
    objective = selectors.get_objective_for_user(user, id)
    actions.request_changes(acting_user=user, objective=objective, comment=payload.comment)
    return detail(user, id)


@objectives.post("/{id}/activate", response={200: ObjectiveDetailOut, **WRITE_ERRORS})
def activate_draft(request: HttpRequest, id: ParamId) -> Any:
    """Make a draft active (when no approval is needed, or by its approver or HR)."""
    user = caller(request)
    objective = selectors.get_objective_for_user(user, id)
    actions.activate_draft(acting_user=user, objective=objective)
    return detail(user, id)


@objectives.post("/{id}/copy", response={201: ObjectiveDetailOut, **WRITE_ERRORS})
def copy_objective(request: HttpRequest, id: ParamId, payload: CopyIn) -> Any:
    """Copy the objective and its active key results into a later cycle, as a draft linked
    back to it; refused when it was copied there already."""
    user = caller(request)
    objective = selectors.get_objective_for_user(user, id)
    refs = References()
    cycle = refs.get(selectors.cycles_for_user(user), payload.cycle, "cycle", "cycle")
    refs.check()
    copy = actions.copy_objective_to_cycle(acting_user=user, objective=objective, cycle=cycle)
    return Status(201, detail(user, copy.pk))


@templates.get("", response={200: list[OkrTemplateOut], **READ_ERRORS})
def list_okr_templates(request: HttpRequest, filters: Query[OkrTemplateQuery]) -> Any:
    """The template library: the organisation's templates and the built-in ones, by
    function, filtered by words."""
    caller(request)
    repeated = sorted(k for k in ("q", "function") if len(request.GET.getlist(k)) > 1)
    if repeated:
        raise InvalidInput({k: "Give it once." for k in repeated})
    found = template_library.library(query=filters.q or "", function=filters.function or "")
    return [
        {
            "id": t.id,
            "function": t.function,
            "function_label": t.function_label,
            "title": t.title,
            "description": t.description,
            "built_in": t.built_in,
            "key_results": [kr.as_dict() for kr in t.key_results],
        }
        for t in found
    ]
