"""The data sources' tasks: ``sync_due_sources`` (the worker's schedule runs it every
``LOS_DATA_SOURCES_INTERVAL`` seconds, 300 by default) picks the sources whose time has come
and enqueues one ``sync_source`` task each."""

from __future__ import annotations

from django_tasks import task

from lineofsight.integrations.sources import actions


@task()
def sync_due_sources() -> str:
    claimed = actions.claim_due()
    for pk in claimed:
        sync_source.enqueue(pk, "schedule")
    return f"{len(claimed)} data source{'s' if len(claimed) != 1 else ''} due"


@task()
def sync_source(source_id: int, trigger: str = "schedule") -> str:
    result = actions.run(source_id, trigger=trigger)
    return f"{result.outcome}: {result.message}"[:500]
