"""Tombstones: what ended or was deleted, for integrations that mirror the data.

Named actions call ``record`` inside their transaction, beside their audit row, so a
tombstone exists exactly when the ending committed."""

from __future__ import annotations

import datetime as dt

from lineofsight.core.models import Tombstone

OBJECTIVE = "objective"
KEY_RESULT = "key_result"
ALIGNMENT_LINK = "alignment_link"
PERSON = "person"
TEAM = "team"

ABANDONED = "abandoned"
ENDED = "ended"
DEACTIVATED = "deactivated"
DELETED = "deleted"


def record(
    *,
    kind: str,
    object_id: int,
    event: str,
    objective_id: int | None = None,
    at: dt.datetime | None = None,
) -> Tombstone:
    row = Tombstone(kind=kind, object_id=object_id, event=event, objective_id=objective_id)
    if at is not None:
        row.at = at
    row.save()
    return row


def record_many(*, kind: str, object_ids: list[int], event: str) -> int:
    """The same tombstone for many objects at once (an import deactivating people)."""
    rows = [Tombstone(kind=kind, object_id=pk, event=event) for pk in object_ids]
    Tombstone.objects.bulk_create(rows, batch_size=500)
    return len(rows)
