"""/api/alignment-links: how objectives align to parent objectives and key results.

Links are never deleted: DELETE ends a link, PATCH ends it and starts its replacement, so
every past roll-up can still be recomputed. A contribution into an objective the caller may
not edit is created as a proposal (``state`` pending): shown, counted nowhere, until one of
the parent's editors accepts it (``POST /{id}/accept``, optionally with another weight) or
declines it with a reason (``POST /{id}/decline``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from lineofsight.api.auth import caller
from lineofsight.api.base import References, page, page_of
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS, fields_named
from lineofsight.api.goals.rows import link_row
from lineofsight.api.goals.schemas import (
    LinkAccept,
    LinkCreate,
    LinkDecline,
    LinkEndQuery,
    LinkOut,
    LinkPatch,
    LinkQuery,
)
from lineofsight.api.sync import SyncPage, sync_page
from lineofsight.api.types import ParamId
from lineofsight.goals import actions, selectors

router = Router(tags=["alignment links"])

FIELDS = {"parent": "parent_objective"}


@router.get("", response={200: SyncPage[LinkOut], **READ_ERRORS})
def list_links(request: HttpRequest, filters: Query[LinkQuery]) -> Any:
    """Links whose child and parent the caller can both see."""
    qs = selectors.links_for_user(caller(request)).filter(ended_at__isnull=filters.live)
    exact = {
        "child_id": filters.child,
        "parent_objective_id": filters.parent_objective,
        "parent_key_result_id": filters.parent_key_result,
        "state": filters.state,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v is not None})
    changed = sync_page(qs, filters, lambda found: [link_row(link) for link in found])
    if changed is not None:
        return changed
    total, rows = page_of(qs.order_by("pk"), filters)
    return page(total, filters, [link_row(link) for link in rows])


@router.post("", response={201: LinkOut, **WRITE_ERRORS})
def create_link(request: HttpRequest, payload: LinkCreate) -> Any:
    """Align an objective to one parent: an objective or a key result at its level or above,
    in its cycle or the year around it. Loops and double counting are refused."""
    user = caller(request)
    refs = References()
    if (payload.parent_objective is None) == (payload.parent_key_result is None):
        refs.error("parent_objective", "Give either parent_objective or parent_key_result.")
    objectives = selectors.objectives_for_user(user).select_related("cycle")
    child = refs.get(objectives, payload.child, "child", "objective")
    parent_objective = refs.get(
        objectives, payload.parent_objective, "parent_objective", "objective"
    )
    parent_key_result = refs.get(
        selectors.key_results_for_user(user),
        payload.parent_key_result,
        "parent_key_result",
        "key result",
    )
    refs.check()
    assert child is not None
    with fields_named(FIELDS):
        link = actions.align_objective(
            acting_user=user,
            child=child,
            parent_objective=parent_objective,
            parent_key_result=parent_key_result,
            kind=payload.kind,
            weight=payload.weight,
            amendment_reason=payload.amendment_reason,
        )
    return Status(201, link_row(selectors.get_link_for_user(user, link.pk)))


@router.get("/{id}", response={200: LinkOut, **READ_ERRORS})
def get_link(request: HttpRequest, id: ParamId) -> Any:
    """One link, live or ended."""
    return link_row(selectors.get_link_for_user(caller(request), id))


@router.patch("/{id}", response={200: LinkOut, **WRITE_ERRORS})
def change_link(request: HttpRequest, id: ParamId, payload: LinkPatch) -> Any:
    """Change a link's kind or weight. The link ends and its replacement is returned (with a
    new id); an unchanged link is returned as it is."""
    user = caller(request)
    link = selectors.get_link_for_user(user, id)
    changes = payload.model_dump(exclude_unset=True)
    with fields_named({**FIELDS, "link": "__all__"}):
        new_link = actions.change_alignment(
            acting_user=user,
            link=link,
            kind=changes.get("kind"),
            weight=changes.get("weight"),
            reason=payload.reason,
            amendment_reason=payload.amendment_reason,
        )
    return link_row(selectors.get_link_for_user(user, new_link.pk))


@router.delete("/{id}", response={204: None, **WRITE_ERRORS})
def end_link(request: HttpRequest, id: ParamId, filters: Query[LinkEndQuery]) -> Any:
    """End a link (it stays in the history with its reason)."""
    user = caller(request)
    link = selectors.get_link_for_user(user, id)
    with fields_named({"link": "__all__"}):
        actions.end_alignment(
            acting_user=user,
            link=link,
            reason=filters.reason,
            amendment_reason=filters.amendment_reason,
        )
    return Status(204, None)


@router.post("/{id}/accept", response={200: LinkOut, **WRITE_ERRORS})
def accept_link(request: HttpRequest, id: ParamId, payload: LinkAccept) -> Any:
    """Accept a proposed contribution (the parent's editors): it counts from now on, with the
    weight proposed or the one given. The proposer is told."""
    user = caller(request)
    link = selectors.get_link_for_user(user, id)
    changes = payload.model_dump(exclude_unset=True)
    with fields_named({"link": "__all__", **FIELDS}):
        actions.accept_alignment(
            acting_user=user,
            link=link,
            weight=changes.get("weight"),
            amendment_reason=payload.amendment_reason,
        )
    return link_row(selectors.get_link_for_user(user, id))


@router.post("/{id}/decline", response={200: LinkOut, **WRITE_ERRORS})
def decline_link(request: HttpRequest, id: ParamId, payload: LinkDecline) -> Any:
    """Decline a proposed contribution with a reason (the parent's editors): it ends, never
    having counted. The proposer is told, with the reason."""
    user = caller(request)
    link = selectors.get_link_for_user(user, id)
    with fields_named({"link": "__all__"}):
        actions.decline_alignment(
            acting_user=user,
            link=link,
            reason=payload.reason,
            amendment_reason=payload.amendment_reason,
        )
    return link_row(selectors.get_link_for_user(user, id))
