"""The caller's inbox in the app (``/api/inbox``): only ever their own messages.

* ``GET /api/inbox`` (``unread=true`` for unread only): newest first, paged.
* ``GET /api/inbox/unread-count``: the number the navigation shows.
* ``POST /api/inbox/{id}/read``: mark one read; ``POST /api/inbox/read-all``: all of them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from lineofsight.api.auth import caller
from lineofsight.api.base import Page, PageQuery, page, page_of
from lineofsight.api.errors import READ_ERRORS, WRITE_ERRORS
from lineofsight.api.integrations.notifications import NotificationKind
from lineofsight.api.types import DateTime, ParamId
from lineofsight.integrations import actions, selectors
from lineofsight.integrations.inbox import unread_count
from lineofsight.integrations.models import InboxItem

router = Router(tags=["inbox"])


class InboxItemOut(Schema):
    id: int
    kind: NotificationKind
    subject: str
    body: str
    url: str = Field(description="Where it leads in the app (a path), or empty.")
    created_at: DateTime
    read_at: DateTime | None
    unread: bool


class InboxQuery(PageQuery):
    unread: bool = Field(False, description="Only the unread messages.")


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int = Field(description="How many messages this marked read.")
    unread: int


def inbox_row(item: InboxItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "subject": item.subject,
        "body": item.body,
        "url": item.url,
        "created_at": item.created_at,
        "read_at": item.read_at,
        "unread": item.read_at is None,
    }


@router.get("", response={200: Page[InboxItemOut], **READ_ERRORS})
def list_inbox(request: HttpRequest, filters: Query[InboxQuery]) -> Any:
    """Your messages in the app, newest first."""
    qs = selectors.inbox_for_user(caller(request))
    if filters.unread:
        qs = qs.filter(read_at=None)
    total, rows = page_of(qs.order_by("-created_at", "-pk"), filters)
    return page(total, filters, [inbox_row(i) for i in rows])


@router.get("/unread-count", response={200: UnreadOut, **READ_ERRORS})
def inbox_unread_count(request: HttpRequest) -> Any:
    return {"unread": unread_count(caller(request).pk)}


@router.post("/read-all", response={200: MarkedOut, **WRITE_ERRORS})
def mark_all_read(request: HttpRequest) -> Any:
    user = caller(request)
    marked = actions.mark_all_read(acting_user=user)
    return {"marked": marked, "unread": unread_count(user.pk)}


@router.get("/{id}", response={200: InboxItemOut, **READ_ERRORS})
def get_inbox_item(request: HttpRequest, id: ParamId) -> Any:
    return inbox_row(selectors.get_inbox_item_for_user(caller(request), id))


@router.post("/{id}/read", response={200: InboxItemOut, **WRITE_ERRORS})
def mark_read(request: HttpRequest, id: ParamId) -> Any:
    user = caller(request)
    item = selectors.get_inbox_item_for_user(user, id)
    actions.mark_read(acting_user=user, items=[item])
    item.refresh_from_db()
    return inbox_row(item)
