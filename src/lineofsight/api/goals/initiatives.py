"""/api/initiatives: projects and tasks that move a key result, each owned by one person."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from lineofsight.api.auth import caller
from lineofsight.api.base import References, page, page_of
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.api.goals.rows import initiative_row
from lineofsight.api.goals.schemas import (
    InitiativeCreate,
    InitiativeOut,
    InitiativePatch,
    InitiativeQuery,
)
from lineofsight.api.sync import SyncPage, sync_page
from lineofsight.api.types import ParamId
from lineofsight.goals import actions, selectors
from lineofsight.people.selectors import people_visible_to

router = Router(tags=["initiatives"])


@router.get("", response={200: SyncPage[InitiativeOut], **READ_ERRORS})
def list_initiatives(request: HttpRequest, filters: Query[InitiativeQuery]) -> Any:
    """Initiatives under key results the caller can see."""
    exact = {
        "key_result_id": filters.key_result,
        "owner_id": filters.owner,
        "state": filters.state,
    }
    qs = selectors.initiatives_for_user(caller(request)).filter(
        **{k: v for k, v in exact.items() if v is not None}
    )
    changed = sync_page(qs, filters, lambda found: [initiative_row(i) for i in found])
    if changed is not None:
        return changed
    total, rows = page_of(qs.order_by("key_result_id", "pk"), filters)
    return page(total, filters, [initiative_row(i) for i in rows])


@router.post("", response={201: InitiativeOut, **WRITE_ERRORS})
def create_initiative(request: HttpRequest, payload: InitiativeCreate) -> Any:
    """Add an initiative to a key result the caller may check in on."""
    user = caller(request)
    refs = References()
    kr = refs.get(
        selectors.key_results_for_user(user), payload.key_result, "key_result", "key result"
    )
    owner = refs.get(people_visible_to(user), payload.owner, "owner", "active person")
    refs.check()
    assert kr is not None
    initiative = actions.create_initiative(
        acting_user=user,
        key_result=kr,
        title=payload.title,
        owner=owner or user,
        state=payload.state,
        link=payload.link,
        amendment_reason=payload.amendment_reason,
    )
    return Status(201, initiative_row(selectors.get_initiative_for_user(user, initiative.pk)))


@router.get("/{id}", response={200: InitiativeOut, **READ_ERRORS})
def get_initiative(request: HttpRequest, id: ParamId) -> Any:
    """One initiative."""
    return initiative_row(selectors.get_initiative_for_user(caller(request), id))


@router.patch("/{id}", response={200: InitiativeOut, **WRITE_ERRORS})
def update_initiative(request: HttpRequest, id: ParamId, payload: InitiativePatch) -> Any:
    """Change an initiative's title, owner, state or link."""
    user = caller(request)
    initiative = selectors.get_initiative_for_user(user, id)
    changes = payload.model_dump(exclude_unset=True)
    refs = References()
    owner = refs.get(people_visible_to(user), changes.get("owner"), "owner", "active person")
    refs.check()
    actions.update_initiative(
        acting_user=user,
        initiative=initiative,
        title=changes.get("title"),
        owner=owner,
        state=changes.get("state"),
        link=changes.get("link"),
        amendment_reason=payload.amendment_reason,
    )
    return initiative_row(selectors.get_initiative_for_user(user, id))
