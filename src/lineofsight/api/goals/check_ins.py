"""/api/check-ins: readings of key results. Append-only: no update, no delete."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from lineofsight.api.auth import caller
from lineofsight.api.base import References, page, page_of
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.api.goals.rows import check_in_row, percent
from lineofsight.api.goals.schemas import (
    CheckInCreate,
    CheckInCreatedOut,
    CheckInOut,
    CheckInQuery,
)
from lineofsight.api.sync import SyncPage, sync_page
from lineofsight.api.types import ParamId
from lineofsight.goals import actions, selectors
from lineofsight.goals.models import KeyResult, Objective

router = Router(tags=["check-ins"])


@router.get("", response={200: SyncPage[CheckInOut], **READ_ERRORS})
def list_check_ins(request: HttpRequest, filters: Query[CheckInQuery]) -> Any:
    """Readings the caller can see, newest first."""
    user = caller(request)
    qs = selectors.check_ins_for_user(user)
    if filters.key_result is not None:
        qs = qs.filter(key_result_id=filters.key_result)
    if filters.author is not None:
        qs = qs.filter(author_id=filters.author)
    if filters.since is not None:
        qs = qs.filter(recorded_at__gte=filters.since)
    if filters.until is not None:
        qs = qs.filter(recorded_at__lte=filters.until)
    qs = qs.prefetch_related("raised_blockers")
    changed = sync_page(qs, filters, lambda found: [check_in_row(ci) for ci in found])
    if changed is not None:
        return changed
    total, rows = page_of(qs.order_by("-recorded_at", "-pk"), filters)
    return page(total, filters, [check_in_row(ci) for ci in rows])


@router.post("", response={201: CheckInCreatedOut, **WRITE_ERRORS})
def record_check_in(request: HttpRequest, payload: CheckInCreate) -> Any:
    """Record a reading: ``value`` for numeric key results, ``done`` for milestones. The key
    result's progress and every objective it counts towards are updated at once."""
    user = caller(request)
    refs = References()
    kr = refs.get(
        selectors.key_results_for_user(user), payload.key_result, "key_result", "key result"
    )
    refs.check()
    assert kr is not None
    check_in = actions.record_check_in(
        acting_user=user,
        key_result=kr,
        confidence=payload.confidence,
        value=payload.value,
        done=payload.done,
        blockers=payload.blocker_inputs(),
        note=payload.note,
        amendment_reason=payload.amendment_reason,
    )
    kr_progress = KeyResult.objects.values_list("progress", flat=True).get(pk=kr.pk)
    obj_progress = Objective.objects.values_list("progress", flat=True).get(pk=kr.objective_id)
    return Status(
        201,
        {
            "check_in": check_in_row(check_in),
            "key_result": {"id": kr.pk, "progress": kr_progress, "percent": percent(kr_progress)},
            "objective": {
                "id": kr.objective_id,
                "progress": obj_progress,
                "percent": percent(obj_progress),
            },
        },
    )


@router.get("/{id}", response={200: CheckInOut, **READ_ERRORS})
def get_check_in(request: HttpRequest, id: ParamId) -> Any:
    """One reading."""
    return check_in_row(selectors.get_check_in_for_user(caller(request), id))
