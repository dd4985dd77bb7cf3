"""/api/key-results: list, create, read, change, explain, history."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from lineofsight.access.policy import Viewer
from lineofsight.api.auth import caller
from lineofsight.api.base import References, page, page_of
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.api.goals.rows import explanation_row, key_result_row
from lineofsight.api.goals.schemas import (
    AbandonIn,
    AsOfQuery,
    ExplanationOut,
    KeyResultCreate,
    KeyResultDetailOut,
    KeyResultOut,
    KeyResultPatch,
    KeyResultQuery,
    KeyResultRevisionOut,
)
from lineofsight.api.sync import SyncPage, sync_page
from lineofsight.api.types import ParamId
from lineofsight.core.errors import InvalidInput
from lineofsight.goals import actions, selectors, tracking
from lineofsight.goals.models import KeyResult
from lineofsight.people.models import Person
from lineofsight.people.selectors import people_visible_to

router = Router(tags=["key results"])


def detail(user: Person, pk: int) -> dict[str, Any]:
    kr = selectors.get_key_result_for_user(user, pk)
    tracking.annotate_key_results([kr])
    row = key_result_row(kr)
    row.update(
        objective_title=kr.objective.title,
        can_edit=Viewer.of(user).can_edit_key_result(kr),
    )
    return row


@router.get("", response={200: SyncPage[KeyResultOut], **READ_ERRORS})
def list_key_results(request: HttpRequest, filters: Query[KeyResultQuery]) -> Any:
    """Key results of objectives the caller can see, grouped by objective."""
    user = caller(request)
    exact = {
        "objective_id": filters.objective,
        "owner_id": filters.owner,
        "cycle_id": filters.cycle,
        "kind": filters.kind,
        "state": filters.state,
    }
    qs = selectors.key_results_for_user(user).filter(
        **{k: v for k, v in exact.items() if v is not None}
    )
    qs = qs.order_by("objective_id", "position", "pk")
    tracked_filter = filters.pace_status is not None or filters.likely_to_miss is not None
    if filters.updated_since is not None:
        if tracked_filter:
            raise InvalidInput.one(
                "updated_since", "Read changes without pace_status or likely_to_miss."
            )

        def rows_of(krs: list[KeyResult]) -> list[dict[str, Any]]:
            tracking.annotate_key_results(krs)
            return [key_result_row(kr) for kr in krs]

        return sync_page(qs.select_related("owner"), filters, rows_of)
    if not tracked_filter:
        total, rows = page_of(qs, filters)
        tracking.annotate_key_results(rows)
    else:
        total, rows = _by_tracking(qs, filters)
    return page(total, filters, [key_result_row(kr) for kr in rows])


def _by_tracking(qs: QuerySet[KeyResult], filters: KeyResultQuery) -> tuple[int, list[KeyResult]]:
    """Filter by pace status or forecast: computed for every key result matching the other
    filters, so those must name an objective or an owner (a bounded set)."""
    if filters.objective is None and filters.owner is None:
        name = "pace_status" if filters.pace_status is not None else "likely_to_miss"
        raise InvalidInput.one(
            name, "Filter by objective or owner as well: pace and forecasts are computed on "
            "the key results that match."
        )
    candidates = list(qs)
    tracked = tracking.annotate_key_results(candidates)

    def keep(kr: KeyResult) -> bool:
        found = tracked.get(kr.pk)
        if found is None:
            return False
        if filters.pace_status is not None and found.status.value != filters.pace_status:
            return False
        return filters.likely_to_miss is None or found.likely_to_miss == filters.likely_to_miss

    kept = [kr for kr in candidates if keep(kr)]
    return len(kept), kept[filters.offset : filters.offset + filters.limit]


@router.post("", response={201: KeyResultDetailOut, **WRITE_ERRORS})
def create_key_result(request: HttpRequest, payload: KeyResultCreate) -> Any:
    """Add a key result to an objective the caller may edit."""
    user = caller(request)
    refs = References()
    objective = refs.get(
        selectors.objectives_for_user(user), payload.objective, "objective", "objective"
    )
    owner = refs.get(people_visible_to(user), payload.owner, "owner", "active person")
    cycle = refs.get(selectors.cycles_for_user(user), payload.cycle, "cycle", "cycle")
    refs.check()
    assert objective is not None
    kr = actions.create_key_result(
        acting_user=user,
        objective=objective,
        title=payload.title,
        kind=payload.kind,
        owner=owner or user,
        start_value=payload.start_value,
        target_value=payload.target_value,
        unit=payload.unit,
        signal=payload.signal,
        weight=payload.weight,
        source=payload.source,
        cycle=cycle,
        amendment_reason=payload.amendment_reason,
    )
    return Status(201, detail(user, kr.pk))


@router.get("/{id}", response={200: KeyResultDetailOut, **READ_ERRORS})
def get_key_result(request: HttpRequest, id: ParamId) -> Any:
    """One key result with its latest reading and progress."""
    return detail(caller(request), id)


@router.patch("/{id}", response={200: KeyResultDetailOut, **WRITE_ERRORS})
def update_key_result(request: HttpRequest, id: ParamId, payload: KeyResultPatch) -> Any:
    """Change a key result. Changing how a checked-in key result is scored needs a
    ``reason``; the old definition stays in its revisions."""
    user = caller(request)
    kr = selectors.get_key_result_for_user(user, id)
    changes = payload.model_dump(exclude_unset=True)
    changes.pop("reason", None)
    changes.pop("amendment_reason", None)
    if "owner" in changes:
        refs = References()
        changes["owner"] = refs.get(people_visible_to(user), changes["owner"], "owner", "person")
        refs.check()
    actions.update_key_result(
        acting_user=user,
        key_result=kr,
        reason=payload.reason,
        amendment_reason=payload.amendment_reason,
        **changes,
    )
    return detail(user, id)


@router.post("/{id}/abandon", response={200: KeyResultDetailOut, **WRITE_ERRORS})
def abandon_key_result(request: HttpRequest, id: ParamId, payload: AbandonIn) -> Any:
    """Abandon the key result, with a reason kept in its history. It stops taking check-ins
    and counting in its objective's progress; its readings stay."""
    user = caller(request)
    kr = selectors.get_key_result_for_user(user, id)
    actions.abandon_key_result(
        acting_user=user,
        key_result=kr,
        reason=payload.reason,
        amendment_reason=payload.amendment_reason,
    )
    return detail(user, id)


@router.get("/{id}/explanation", response={200: ExplanationOut, **READ_ERRORS})
def explain_key_result(request: HttpRequest, id: ParamId, filters: Query[AsOfQuery]) -> Any:
    """Why the key result's progress is what it is, now or as of a past date."""
    user = caller(request)
    kr = selectors.get_key_result_for_user(user, id)
    return explanation_row(selectors.explain_key_result(user, kr, as_of=filters.as_of))


@router.get("/{id}/revisions", response={200: list[KeyResultRevisionOut], **READ_ERRORS})
def key_result_revisions(request: HttpRequest, id: ParamId) -> Any:
    """Every version of the key result's definition, oldest first."""
    kr = selectors.get_key_result_for_user(caller(request), id)
    return [
        {
            "number": r.number,
            "title": r.title,
            "kind": r.kind,
            "unit": r.unit,
            "start_value": r.start_value,
            "target_value": r.target_value,
            "signal": r.signal,
            "weight": r.weight,
            "source": r.source,
            "state": r.state,
            "owner": r.owner_id,
            "reason": r.reason,
            "author": r.author_id,
            "valid_from": r.valid_from,
        }
        for r in kr.revisions.order_by("number")
    ]
