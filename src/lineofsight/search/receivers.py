"""Keeping the index current: every save of an objective, key result, initiative, person or
team by the goals and people actions updates its document in the same transaction (Django's
``post_save`` and ``post_delete``, sent by the models below this app's layer)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models.signals import post_delete, post_save

from lineofsight.search import documents, index


def _connect(model: Any, kind: str, build: Callable[[Any], index.Document]) -> None:
    fields = documents.TEXT_FIELDS[kind]

    def saved(
        sender: Any,
        instance: Any,
        created: bool,
        update_fields: Any = None,
        raw: bool = False,
        **kwargs: Any,
    ) -> None:
        if raw:
            return
        if update_fields is not None and not created and not (set(update_fields) & fields):
            return
        index.write([build(instance)])

    def deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
        index.remove(kind, [instance.pk])

    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"search-save-{kind}")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"search-delete-{kind}")


def connect() -> None:
    from lineofsight.goals.models import Initiative, KeyResult, Objective
    from lineofsight.people.models import Person, Team

    _connect(Objective, "objective", documents.objective)
    _connect(KeyResult, "key_result", documents.key_result)
    _connect(Initiative, "initiative", documents.initiative)
    _connect(Person, "person", documents.person)
    _connect(Team, "team", documents.team)
    from lineofsight.people.signals import people_saved_in_bulk as bulk

    bulk.connect(people_saved_in_bulk, weak=False, dispatch_uid="search-people-bulk")
    from lineofsight.goals.signals import okr_graph_imported

    okr_graph_imported.connect(okrs_saved_in_bulk, weak=False, dispatch_uid="search-okrs-bulk")


def okrs_saved_in_bulk(
    sender: Any,
    objective_ids: Sequence[int] = (),
    key_result_ids: Sequence[int] = (),
    initiative_ids: Sequence[int] = (),
    **kwargs: Any,
) -> None:
    """Re-index objectives, key results and initiatives written in bulk (an OKR import)."""
    from lineofsight.goals.models import Initiative, KeyResult, Objective

    for model, ids, fields, build in (
        (Objective, objective_ids, ("id", "title", "description"), documents.objective),
        (KeyResult, key_result_ids, ("id", "title", "unit"), documents.key_result),
        (Initiative, initiative_ids, ("id", "title"), documents.initiative),
    ):
        ids = list(ids)
        for start in range(0, len(ids), 2000):
            rows = model.objects.filter(pk__in=ids[start : start + 2000]).only(*fields)
            index.write([build(row) for row in rows])


def people_saved_in_bulk(
    sender: Any, person_ids: Sequence[int], team_ids: Sequence[int] = (), **kwargs: Any
) -> None:
    """Re-index people and teams written in bulk (an org-chart import), in its transaction."""
    from lineofsight.people.models import Person, Team

    fields = ("id", "display_name", "first_name", "last_name", "username", "job_title")
    for start in range(0, len(person_ids), 2000):
        batch = Person.objects.filter(pk__in=person_ids[start : start + 2000]).only(*fields)
        index.write([documents.person(p) for p in batch])
    for start in range(0, len(team_ids), 2000):
        teams = Team.objects.filter(pk__in=team_ids[start : start + 2000]).only(
            "id", "name", "kind"
        )
        index.write([documents.team(t) for t in teams])


def after_flush(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Emptying the database (``flush``, as between tests that commit) leaves the virtual
    table alone, which Django does not know; Django then sends ``post_migrate``, so an
    index left without a single person or team behind it is emptied here."""
    from django.db import connections

    from lineofsight.people.models import Person, Team

    conn = connections[using]
    table = "search_document" if conn.vendor == "postgresql" else "search_fts"
    if table not in conn.introspection.table_names(include_views=True):
        return
    if not (Person.objects.using(using).exists() or Team.objects.using(using).exists()):
        index.clear(conn)
