"""Incremental reads: ``updated_since`` and ``next_cursor`` on the list endpoints.

A list called with ``updated_since`` returns the rows the caller can see that changed after
that point, oldest change first (``updated_at``, then ``id`` for rows changed in the same
microsecond), ``limit`` at a time, with the cursor to pass next. ``updated_since`` takes
the ``next_cursor`` of an earlier answer, or an ISO 8601 instant for the first read
(``1970-01-01T00:00:00Z`` reads everything).

The guarantee is **at least once**: every change committed after the cursor's point is
delivered by a later read, some more than once (upsert by ``id``). The last page of a read
does not hand back a cursor newer than ``SETTLE`` ago, so a change made in a transaction
that commits late, or stamped by a server whose clock runs a little behind, still falls
after the cursor; rows changed within that window are read again on the next call.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja import Schema
from pydantic import Field

from lineofsight.api.base import PageQuery
from lineofsight.core.errors import InvalidInput

T = TypeVar("T")
M = TypeVar("M", bound=Model)

SETTLE = dt.timedelta(seconds=60)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_PREFIX = "c1."
FIELD = "updated_since"


class SyncPageQuery(PageQuery):
    updated_since: str | None = Field(
        None,
        max_length=200,
        description="Only rows changed after this point, oldest change first: the "
        "next_cursor of an earlier answer, or an ISO 8601 instant (1970-01-01T00:00:00Z for "
        "everything). With it, offset must be 0: follow next_cursor instead.",
    )


class SyncPage(Schema, Generic[T]):
    count: int = Field(
        description="How many items match, over all pages (with updated_since: how many "
        "changed after the cursor)."
    )
    limit: int
    offset: int
    items: list[T]
    next_cursor: str | None = Field(
        None,
        description="With updated_since: the updated_since of the next read. Opaque. Read "
        "again with it while has_more is true; later, poll with it for new changes.",
    )
    has_more: bool = Field(
        False, description="With updated_since: more changed rows follow at once."
    )


def encode(at: dt.datetime, pk: int) -> str:
    micros = (at - _EPOCH) // dt.timedelta(microseconds=1)
    raw = f"{micros}.{pk}".encode("ascii")
    return _PREFIX + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(value: str) -> tuple[dt.datetime, int]:
    """The point an ``updated_since`` names: (instant, id). A bad one is a 422 on the field."""
    text = value.strip()
    if text.startswith(_PREFIX):
        body = text[len(_PREFIX) :]
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode("ascii")
            micros, pk = (int(part) for part in raw.split("."))
            if pk < 0:
                raise ValueError
            return _EPOCH + dt.timedelta(microseconds=micros), pk
        except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError):
            pass
        raise InvalidInput.one(FIELD, "This cursor is not one this server handed out.")
    try:
        at = parse_datetime(text)
    except ValueError:
        at = None
    if at is None:
        raise InvalidInput.one(
            FIELD, "Give a next_cursor from an earlier answer or an ISO 8601 instant."
        )
    if timezone.is_naive(at):
        raise InvalidInput.one(FIELD, "Give the instant with its UTC offset (or Z).")
    return at, 0


def changed_since(
    qs: QuerySet[M], cursor: tuple[dt.datetime, int], field: str = "updated_at"
) -> QuerySet[M]:
    at, pk = cursor
    return qs.filter(Q(**{f"{field}__gt": at}) | Q(**{field: at, "pk__gt": pk})).order_by(
        field, "pk"
    )


def sync_page(
    qs: QuerySet[M],
    query: SyncPageQuery,
    rows: Callable[[list[M]], Sequence[dict[str, Any]]],
    *,
    field: str = "updated_at",
) -> dict[str, Any] | None:
    """The page of ``qs`` changed after ``query.updated_since`` with its next cursor, or
    None when the request has no ``updated_since`` (the caller pages as usual).

    Two queries (the count and the rows) whatever the sizes."""
    if query.updated_since is None:
        return None
    if query.offset:
        raise InvalidInput.one("offset", "With updated_since, follow next_cursor instead.")
    cursor = decode(query.updated_since)
    settled = timezone.now() - SETTLE
    changed = changed_since(qs, cursor, field)
    total = changed.count()
    found = list(changed[: query.limit + 1]) if total else []
    has_more = len(found) > query.limit
    found = found[: query.limit]
    if has_more:
        last = found[-1]
        next_cursor = encode(getattr(last, field), last.pk)
    else:
        point = cursor
        if found:
            point = (getattr(found[-1], field), found[-1].pk)
        if point[0] > settled:
            # Hand back no point newer than the settling window, so that what commits late
            # is still read: the window's rows come again on the next read.
            point = (settled, 0)
        next_cursor = encode(*point)
    return {
        "count": total,
        "limit": query.limit,
        "offset": 0,
        "items": list(rows(found)),
        "next_cursor": next_cursor,
        "has_more": has_more,
    }
