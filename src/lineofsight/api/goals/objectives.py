"""/api/objectives: list, create (with alignment), read, change, explain, children, history."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Status

from lineofsight.access.policy import Viewer
from lineofsight.api.auth import caller
from lineofsight.api.base import References, page, page_of
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS, fields_named
from lineofsight.api.goals.rows import explanation_row, key_result_row, link_row, objective_row
from lineofsight.api.goals.schemas import (
    AbandonIn,
    AsOfQuery,
    ChildOut,
    ExplanationOut,
    ObjectiveCreate,
    ObjectiveDetailOut,
    ObjectiveOut,
    ObjectivePatch,
    ObjectiveQuery,
    ObjectiveRevisionOut,
)
from lineofsight.api.sync import SyncPage, sync_page
from lineofsight.api.types import ParamId
from lineofsight.goals import actions, selectors, tracking
from lineofsight.goals.models import AlignmentLink, Objective
from lineofsight.people.models import Person
from lineofsight.people.selectors import people_visible_to, teams_visible_to

router = Router(tags=["objectives"])


def detail(user: Person, pk: int) -> dict[str, Any]:
    objective = selectors.get_objective_for_user(user, pk)
    card = selectors.cards(user, [objective])[0]
    tracked = tracking.annotate_cards([card], forecast=True)
    row = objective_row(card)
    key_results = list(objective.key_results.select_related("owner").order_by("position", "pk"))
    for kr in key_results:
        kr.tracking = tracked.key_results.get(kr.pk)  # type: ignore[attr-defined]
    parents = (
        selectors.links_for_user(user).filter(child=objective, ended_at__isnull=True).order_by("pk")
    )
    row.update(
        key_results=[key_result_row(kr) for kr in key_results],
        parents=[link_row(link) for link in parents],
        can_edit=Viewer.of(user).can_edit_objective(objective),
        revision_count=objective.revisions.count(),
    )
    return row


@router.get("", response={200: SyncPage[ObjectiveOut], **READ_ERRORS})
def list_objectives(request: HttpRequest, filters: Query[ObjectiveQuery]) -> Any:
    """Objectives the caller can see, in cycle, level and title order (with
    ``updated_since``: those changed since, oldest change first)."""
    user = caller(request)
    qs = selectors.objectives_for_user(user)
    exact = {
        "cycle_id": filters.cycle,
        "level": filters.level,
        "owner_person_id": filters.owner_person,
        "owner_team_id": filters.owner_team,
        "state": filters.state,
        "visibility": filters.visibility,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v is not None})
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    if filters.aligned_to is not None:
        parent = filters.aligned_to
        if selectors.objectives_for_user(user).filter(pk=parent).exists():
            children = AlignmentLink.objects.live().filter(target_id=parent)
            qs = qs.filter(pk__in=children.values("child_id"))
        else:
            qs = qs.none()

    def rows_of(objectives: list[Objective]) -> list[dict[str, Any]]:
        cards = selectors.cards(user, objectives)
        tracking.annotate_cards(cards, forecast=True)
        return [objective_row(card) for card in cards]

    changed = sync_page(qs, filters, rows_of)
    if changed is not None:
        return changed
    total, rows = page_of(qs, filters)
    return page(total, filters, rows_of(rows))


@router.post("", response={201: ObjectiveDetailOut, **WRITE_ERRORS})
def create_objective(request: HttpRequest, payload: ObjectiveCreate) -> Any:
    """Create an objective with its ``key_results``, aligned to the parents in ``align_to``:
    all of it or nothing."""
    user = caller(request)
    refs = References()
    cycle = refs.get(selectors.cycles_for_user(user), payload.cycle, "cycle", "cycle")
    owner_person = refs.get(
        people_visible_to(user), payload.owner_person, "owner_person", "active person"
    )
    owner_team = refs.get(teams_visible_to(user), payload.owner_team, "owner_team", "team")
    parents = []
    for i, item in enumerate(payload.align_to):
        if (item.parent_objective is None) == (item.parent_key_result is None):
            refs.error(
                f"align_to.{i}.parent_objective",
                "Give either parent_objective or parent_key_result.",
            )
        parent_objective = refs.get(
            selectors.objectives_for_user(user).select_related("cycle"),
            item.parent_objective,
            f"align_to.{i}.parent_objective",
            "objective",
        )
        parent_key_result = refs.get(
            selectors.key_results_for_user(user),
            item.parent_key_result,
            f"align_to.{i}.parent_key_result",
            "key result",
        )
        parents.append((item, parent_objective, parent_key_result))
    owners = [
        refs.get(people_visible_to(user), row.owner, f"key_results.{i}.owner", "active person")
        for i, row in enumerate(payload.key_results)
    ]
    refs.check()
    assert cycle is not None
    owner_field = (
        "owner_team" if payload.owner_team and not payload.owner_person else "owner_person"
    )
    with transaction.atomic():
        with fields_named({"owner": owner_field}):
            objective = actions.create_objective_with_key_results(
                acting_user=user,
                key_results=[
                    actions.KeyResultInput(
                        title=row.title,
                        kind=row.kind,
                        owner=owners[i],
                        start_value=row.start_value,
                        target_value=row.target_value,
                        unit=row.unit,
                        signal=row.signal,
                        weight=row.weight,
                    )
                    for i, row in enumerate(payload.key_results)
                ],
                title=payload.title,
                level=payload.level,
                cycle=cycle,
                owner_person=owner_person,
                owner_team=owner_team,
                description=payload.description,
                visibility=payload.visibility,
                state=payload.state,
                commitment=payload.commitment,
                rationale=payload.rationale,
                progress_mode=payload.progress_mode,
                is_development=payload.is_development,
                amendment_reason=payload.amendment_reason,
            )
        for i, (item, parent_objective, parent_key_result) in enumerate(parents):
            with fields_named({"parent": "parent_objective"}, prefix=f"align_to.{i}."):
                actions.align_objective(
                    acting_user=user,
                    child=objective,
                    parent_objective=parent_objective,
                    parent_key_result=parent_key_result,
                    kind=item.kind,
                    weight=item.weight,
                    amendment_reason=payload.amendment_reason,
                )
    return Status(201, detail(user, objective.pk))


@router.get("/{id}", response={200: ObjectiveDetailOut, **READ_ERRORS})
def get_objective(request: HttpRequest, id: ParamId) -> Any:
    """One objective with its progress, status, key results and parents."""
    return detail(caller(request), id)


@router.patch("/{id}", response={200: ObjectiveDetailOut, **WRITE_ERRORS})
def update_objective(request: HttpRequest, id: ParamId, payload: ObjectivePatch) -> Any:
    """Change an objective. The previous definition is kept as a revision with ``reason``."""
    user = caller(request)
    objective = selectors.get_objective_for_user(user, id)
    changes = payload.model_dump(exclude_unset=True)
    changes.pop("reason", None)
    changes.pop("amendment_reason", None)
    refs = References()
    owner_person = refs.get(
        people_visible_to(user), changes.pop("owner_person", None), "owner_person", "active person"
    )
    owner_team = refs.get(
        teams_visible_to(user), changes.pop("owner_team", None), "owner_team", "team"
    )
    refs.check()
    owner_field = "owner_team" if owner_team and not owner_person else "owner_person"
    with fields_named({"owner": owner_field}):
        actions.update_objective(
            acting_user=user,
            objective=objective,
            reason=payload.reason,
            amendment_reason=payload.amendment_reason,
            owner_person=owner_person,
            owner_team=owner_team,
            **changes,
        )
    return detail(user, id)


@router.post("/{id}/abandon", response={200: ObjectiveDetailOut, **WRITE_ERRORS})
def abandon_objective(request: HttpRequest, id: ParamId, payload: AbandonIn) -> Any:
    """Abandon the objective, with a reason kept in its history. It stops taking check-ins
    and counting towards what it is aligned to; nothing is deleted."""
    user = caller(request)
    objective = selectors.get_objective_for_user(user, id)
    actions.abandon_objective(
        acting_user=user,
        objective=objective,
        reason=payload.reason,
        amendment_reason=payload.amendment_reason,
    )
    return detail(user, id)


@router.get("/{id}/explanation", response={200: ExplanationOut, **READ_ERRORS})
def explain_objective(request: HttpRequest, id: ParamId, filters: Query[AsOfQuery]) -> Any:
    """Why the objective's progress is what it is: inputs, weights and formula, now or as of
    a past date. Objectives the caller cannot see still count but are not named."""
    user = caller(request)
    objective = selectors.get_objective_for_user(user, id)
    return explanation_row(selectors.explain_objective(user, objective, as_of=filters.as_of))


@router.get("/{id}/children", response={200: list[ChildOut], **READ_ERRORS})
def objective_children(request: HttpRequest, id: ParamId) -> Any:
    """Objectives aligned to this one (directly or via a key result) that the caller can see."""
    user = caller(request)
    objective = selectors.get_objective_for_user(user, id)
    out = []
    children = selectors.tree_children(user, objective)
    tracking.annotate_cards(children, forecast=True)
    for card in children:
        link = card.link
        assert link is not None
        link.parent_objective = objective if link.parent_objective_id else None
        out.append({"objective": objective_row(card), "link": link_row(link)})
    return out


@router.get("/{id}/revisions", response={200: list[ObjectiveRevisionOut], **READ_ERRORS})
def objective_revisions(request: HttpRequest, id: ParamId) -> Any:
    """Every version of the objective's definition, oldest first."""
    objective = selectors.get_objective_for_user(caller(request), id)
    return [
        {
            "number": r.number,
            "title": r.title,
            "description": r.description,
            "state": r.state,
            "commitment": r.commitment,
            "visibility": r.visibility,
            "progress_mode": r.progress_mode,
            "rationale": r.rationale,
            "reason": r.reason,
            "author": r.author_id,
            "valid_from": r.valid_from,
        }
        for r in objective.revisions.order_by("number")
    ]
