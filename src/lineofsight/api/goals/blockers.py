"""/api/blockers: what stands in the way of key results, raised in check-ins, each with an
assignee and a state. Seen by whoever may see the key result's objective."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from lineofsight.api.auth import caller
from lineofsight.api.base import Page, References, page, page_of
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.api.goals.schemas import BlockerCreate, BlockerOut, BlockerPatch, BlockerQuery
from lineofsight.api.types import ParamId
from lineofsight.core.errors import InvalidInput
from lineofsight.goals import actions, selectors
from lineofsight.goals import blockers as blocker_selectors
from lineofsight.goals.models import Blocker
from lineofsight.people.selectors import teams_visible_to

router = Router(tags=["blockers"])


def blocker_row(b: Blocker, *, events: bool = False) -> dict[str, Any]:
    return {
        "id": b.pk,
        "text": b.text,
        "state": b.state,
        "key_result": b.key_result_id,
        "objective": b.key_result.objective_id,
        "check_in": b.check_in_id,
        "raised_by": b.raised_by_id,
        "raised_by_name": b.raised_by.name,
        "assignee": b.assignee_id,
        "assignee_name": b.assignee.name if b.assignee else "",
        "raised_at": b.raised_at,
        "open_since": b.open_since,
        "resolved_at": b.resolved_at,
        "resolution_note": b.resolution_note,
        "events": [
            {
                "kind": e.kind,
                "at": e.at,
                "actor": e.actor_id,
                "person": e.person_id,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "note": e.note,
            }
            for e in b.events.all()
        ]
        if events
        else [],
    }


@router.get("", response={200: Page[BlockerOut], **READ_ERRORS})
def list_blockers(request: HttpRequest, filters: Query[BlockerQuery]) -> Any:
    """Blockers the caller can see, oldest open first (``open_since``)."""
    user = caller(request)
    qs = blocker_selectors.blockers_for_user(user)
    if filters.assignee is not None:
        qs = qs.filter(assignee_id=filters.assignee)
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    if filters.open is not None:
        qs = qs.unresolved() if filters.open else qs.filter(state=Blocker.State.RESOLVED)
    if filters.key_result is not None:
        qs = qs.filter(key_result_id=filters.key_result)
    if filters.team is not None:
        team = teams_visible_to(user).filter(pk=filters.team).first()
        if team is None:
            raise InvalidInput.one("team", "No such team.")
        ids = Blocker.objects.filter(blocker_selectors.team_filter(team)).values("pk")
        qs = qs.filter(pk__in=ids)
    total, rows = page_of(qs.order_by("open_since", "pk"), filters)
    return page(total, filters, [blocker_row(b) for b in rows])


@router.post("", response={201: list[BlockerOut], **WRITE_ERRORS})
def raise_blockers(request: HttpRequest, payload: BlockerCreate) -> Any:
    """Raise blockers from a check-in (its author or the key result's editors). Errors name
    ``blockers.N.text`` or ``blockers.N.assignee``."""
    user = caller(request)
    refs = References()
    check_in = refs.get(
        selectors.check_ins_for_user(user), payload.check_in, "check_in", "check-in"
    )
    refs.check()
    assert check_in is not None
    made = actions.raise_blockers(
        acting_user=user,
        check_in=check_in,
        blockers=[actions.BlockerInput(b.text, b.assignee) for b in payload.blockers],
    )
    return Status(
        201,
        [
            blocker_row(blocker_selectors.get_blocker_for_user(user, b.pk), events=True)
            for b in made
        ],
    )


@router.get("/{id}", response={200: BlockerOut, **READ_ERRORS})
def get_blocker(request: HttpRequest, id: ParamId) -> Any:
    """One blocker, with its history."""
    return blocker_row(blocker_selectors.get_blocker_for_user(caller(request), id), events=True)


@router.patch("/{id}", response={200: BlockerOut, **WRITE_ERRORS})
def update_blocker(request: HttpRequest, id: ParamId, payload: BlockerPatch) -> Any:
    """Change a blocker's assignee and/or state (resolving needs a ``note``; a resolved one
    may be reopened with ``open``). Both in one transaction: if either is refused, neither
    is saved."""
    user = caller(request)
    blocker = blocker_selectors.get_blocker_for_user(user, id)
    changes = payload.model_dump(exclude_unset=True)
    if "state" not in changes and "assignee" not in changes:
        raise InvalidInput.one("state", "Give a new state or assignee.")
    actions.update_blocker(
        acting_user=user,
        blocker=blocker,
        state=changes.get("state"),
        note=payload.note,
        assignee_id=changes.get("assignee"),
        assign="assignee" in changes,
    )
    return blocker_row(blocker_selectors.get_blocker_for_user(user, id), events=True)
