"""/api/tombstones: what ended or was deleted, for integrations that mirror the data.

Only ids, kinds and events: never a title or a name. A tombstone of something under an
objective (the objective itself, a key result, an alignment link) is shown to those who may
see that objective; those of people and teams to everyone who may read the directory."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from lineofsight.api.auth import caller
from lineofsight.api.errors import READ_ERRORS
from lineofsight.api.sync import SyncPage, SyncPageQuery, encode, sync_page
from lineofsight.api.types import DateTime
from lineofsight.core.models import Tombstone
from lineofsight.goals import selectors

router = Router(tags=["tombstones"])

Kind = Literal["objective", "key_result", "alignment_link", "person", "team"]
Event = Literal["abandoned", "ended", "deactivated", "deleted"]


class TombstoneOut(Schema):
    id: int = Field(description="The tombstone's own id.")
    kind: Kind
    object_id: int = Field(description="The id of what ended, in its own list endpoint.")
    event: Event
    objective: int | None = Field(
        description="For a key result or an alignment link: its objective (the child "
        "objective of a link)."
    )
    at: DateTime


class TombstoneQuery(SyncPageQuery):
    kind: Kind | None = None


def tombstone_row(row: Tombstone) -> dict[str, Any]:
    return {
        "id": row.pk,
        "kind": row.kind,
        "object_id": row.object_id,
        "event": row.event,
        "objective": row.objective_id,
        "at": row.at,
    }


@router.get("", response={200: SyncPage[TombstoneOut], **READ_ERRORS})
def list_tombstones(request: HttpRequest, filters: Query[TombstoneQuery]) -> Any:
    """Endings and deletions the caller may know of, oldest first: objectives and key
    results abandoned, alignment links ended (removed, re-weighted or declined), people
    deactivated or deleted, teams deleted. Without ``updated_since``: from the beginning."""
    user = caller(request)
    visible = selectors.objectives_for_user(user).order_by().values("pk")
    qs = Tombstone.objects.filter(Q(objective_id__isnull=True) | Q(objective_id__in=visible))
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind)
    if filters.updated_since is None:
        filters.updated_since = encode(dt.datetime(1970, 1, 1, tzinfo=dt.UTC), 0)
    return sync_page(qs, filters, lambda found: [tombstone_row(t) for t in found], field="at")
