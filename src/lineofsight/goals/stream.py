"""Reading a whole cycle as the caller may see it, for integrations: every objective of the
cycle with its key results, in id order, read in chunks from two cursors (server-side on
PostgreSQL) so that memory stays bounded whatever the size of the cycle.

The rows are the stored figures (progress, latest reading, grades) as they are in the
database: nothing is computed per row, so reading a quarter costs little more than the
SELECT itself. Pace and forecasts, which are figures as of today, are in the list
endpoints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from lineofsight.goals.models import Cycle, KeyResult
from lineofsight.goals.selectors import objectives_for_user
from lineofsight.people.models import Person

CHUNK = 2000

OBJECTIVE_FIELDS = (
    "id",
    "title",
    "description",
    "level",
    "cycle_id",
    "owner_person_id",
    "owner_team_id",
    "visibility",
    "state",
    "commitment",
    "progress_mode",
    "is_development",
    "progress",
    "computed_grade",
    "adjusted_grade",
    "created_at",
    "updated_at",
)
KEY_RESULT_FIELDS = (
    "objective_id",
    "id",
    "cycle_id",
    "title",
    "kind",
    "unit",
    "start_value",
    "target_value",
    "current_value",
    "done",
    "weight",
    "owner_id",
    "source",
    "state",
    "position",
    "progress",
    "confidence",
    "last_check_in_at",
    "computed_grade",
    "adjusted_grade",
    "updated_at",
)
# The names the rows are written under (ids without their ``_id``).
OBJECTIVE_NAMES = tuple(f.removesuffix("_id") if f != "id" else f for f in OBJECTIVE_FIELDS)
KEY_RESULT_NAMES = tuple(f.removesuffix("_id") if f != "id" else f for f in KEY_RESULT_FIELDS)
_OBJECTIVE_INSTANTS = ("created_at", "updated_at")
_KEY_RESULT_INSTANTS = ("last_check_in_at", "updated_at")
_OBJECTIVE_FLAGS = ("is_development",)
_KEY_RESULT_FLAGS = ("done",)


def queries(user: Person, cycle: Cycle) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """The cycle's objectives the user may see, in id order, and their key results in
    objective, position and id order (the access policy decides both, once each)."""
    visible = objectives_for_user(user).filter(cycle_id=cycle.pk)
    objectives = visible.order_by("pk").values_list(*OBJECTIVE_FIELDS)
    key_results = (
        KeyResult.objects.filter(objective_id__in=visible.order_by().values("pk"))
        .order_by("objective_id", "position", "pk")
        .values_list(*KEY_RESULT_FIELDS)
    )
    return objectives, key_results


def _instant_writer() -> Callable[[Any], str | None]:
    """Instants as ISO 8601 in UTC with their offset, without the ORM's per-value
    conversion: SQLite hands back UTC text, PostgreSQL aware datetimes."""
    if connection.vendor == "sqlite":

        def sqlite(raw: Any) -> str | None:
            if raw is None:
                return None
            if isinstance(raw, dt.datetime):
                return raw.astimezone(dt.UTC).isoformat()
            return raw.replace(" ", "T", 1) + "+00:00"

        return sqlite

    def aware(raw: Any) -> str | None:
        if raw is None:
            return None
        return raw.astimezone(dt.UTC).isoformat()

    return aware


def _rows(qs: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset, ``CHUNK`` at a time, from a server-side
    cursor on PostgreSQL (a plain one, read in chunks, on SQLite)."""
    sql, params = qs.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            chunk = cursor.fetchmany(CHUNK)
            if not chunk:
                return
            yield from chunk


def _indexes(fields: tuple[str, ...], names: tuple[str, ...]) -> list[int]:
    return [fields.index(name) for name in names]


def cycle_objectives(user: Person, cycle: Cycle) -> Iterator[dict[str, Any]]:
    """Each objective of ``cycle`` the user may see, as a dict of its stored fields with
    ``key_results`` (a list of dicts), in id order."""
    objectives, key_results = queries(user, cycle)
    instant = _instant_writer()
    o_instants = _indexes(OBJECTIVE_FIELDS, _OBJECTIVE_INSTANTS)
    o_flags = _indexes(OBJECTIVE_FIELDS, _OBJECTIVE_FLAGS)
    k_instants = _indexes(KEY_RESULT_FIELDS, _KEY_RESULT_INSTANTS)
    k_flags = _indexes(KEY_RESULT_FIELDS, _KEY_RESULT_FLAGS)
    o_names, k_names = OBJECTIVE_NAMES, KEY_RESULT_NAMES
    krs = _rows(key_results)
    pending = next(krs, None)
    for raw in _rows(objectives):
        row = list(raw)
        for i in o_instants:
            row[i] = instant(row[i])
        for i in o_flags:
            row[i] = bool(row[i])
        item = dict(zip(o_names, row, strict=True))
        own: list[dict[str, Any]] = []
        pk = row[0]
        # Both cursors run in objective order: the key results of this objective come next.
        while pending is not None and pending[0] <= pk:
            if pending[0] == pk:
                kr = list(pending)
                for i in k_instants:
                    kr[i] = instant(kr[i])
                for i in k_flags:
                    kr[i] = bool(kr[i])
                own.append(dict(zip(k_names, kr, strict=True)))
            pending = next(krs, None)
        item["key_results"] = own
        yield item

