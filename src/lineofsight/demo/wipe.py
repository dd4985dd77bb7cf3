"""Remove the organisation's people and OKR data, for reloading the demo or a generated org.

Deletes every row of the people, teams, cycles and OKR tables and of every table that
refers to them (audit log, API tokens, admin log, sessions), dependants first, one
statement per table, in the caller's transaction. Only ``lineofsight demo --reset`` and
``lineofsight generate --force`` call it, after checking they may.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection, models

from lineofsight.people.models import Organisation, Person, Team
from lineofsight.search import index as search_index

ROOTS: tuple[type[models.Model], ...] = (Person, Team)
GOAL_APP = "goals"


def _tables_to_wipe() -> list[type[models.Model]]:
    """Models to empty, ordered so that a model comes before every model it points to."""
    every = list(apps.get_models(include_auto_created=True))
    chosen: set[type[models.Model]] = set(ROOTS)
    chosen.update(m for m in every if m._meta.app_label == GOAL_APP)
    chosen.add(Session)
    changed = True
    while changed:
        changed = False
        for model in every:
            if model in chosen or model is Organisation:
                continue
            targets = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
            if targets & chosen:
                chosen.add(model)
                changed = True

    def points_to(model: type[models.Model]) -> set[type[models.Model]]:
        return {
            f.related_model  # type: ignore[misc]
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model in chosen and f.related_model is not model
        }

    ordered: list[type[models.Model]] = []
    placed: set[type[models.Model]] = set()
    pending = sorted(chosen, key=lambda m: m._meta.label)
    while pending:
        # A model can go once nothing still pending points to it.
        ready = [m for m in pending if not any(m in points_to(o) for o in pending if o is not m)]
        if not ready:  # a reference loop between tables: constraints are checked at commit
            ready = pending[:1]
        for model in ready:
            ordered.append(model)
            placed.add(model)
        pending = [m for m in pending if m not in placed]
    return ordered


def wipe_organisation() -> dict[str, int]:
    """Empty the tables; returns how many rows each held. Run inside a transaction."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for model in _tables_to_wipe():
            table = connection.ops.quote_name(model._meta.db_table)
            # Table names come from the models, never from input.
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            counts[model._meta.label] = max(cursor.rowcount, 0)
    # The rows went without their model signals, so the search index forgets them too.
    search_index.clear(connection)
    return counts
