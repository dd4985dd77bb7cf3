"""The recurring jobs, enqueued by the product itself (no cron needed).

Each job (``settings.SCHEDULE``: a task's dotted path and the seconds between two runs) runs
once per *slot*: slot ``n`` of a job every ``s`` seconds starts ``n * s`` seconds after the
Unix epoch. ``tick`` enqueues the current slot's run of every job whose slot has no run yet;
the run is written as a ``ScheduledRun`` row unique on (job, slot) in the same transaction
as the task it enqueues, so of several schedulers (one per worker process, on several
machines) exactly one enqueues each run, on SQLite and PostgreSQL alike; the others find the
row and move on. A scheduler that was down for several slots enqueues only the current one
(the jobs catch up by themselves: each run looks at everything that is due).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task
from django_tasks_db.utils import is_locked_database_exception

from lineofsight.core.models import ScheduledRun

logger = logging.getLogger("lineofsight.worker")

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Job:
    name: str
    task_path: str
    every: int  # seconds

    def slot(self, now: dt.datetime) -> int:
        """The slot ``now`` falls in."""
        return int((now - EPOCH).total_seconds()) // self.every

    def slot_start(self, slot: int) -> dt.datetime:
        return EPOCH + dt.timedelta(seconds=slot * self.every)

    def next_due(self, now: dt.datetime) -> dt.datetime:
        return self.slot_start(self.slot(now) + 1)

    @property
    def task(self) -> Task:
        found = import_string(self.task_path)
        if not isinstance(found, Task):
            raise TypeError(f"{self.task_path} is not a task.")
        return found


# The queue the recurring jobs go to. A worker with two or more threads keeps one thread off
# it (core.worker), so a long job (planning the reminders of 10,000 people, a snapshot) never
# holds back the short tasks queued meanwhile: messages, webhook deliveries, data-source reads.
RECURRING_QUEUE = "recurring"


def jobs() -> list[Job]:
    """The recurring jobs, from ``settings.SCHEDULE``."""
    schedule: dict[str, dict[str, Any]] = settings.SCHEDULE
    return [
        Job(name=name, task_path=str(spec["task"]), every=int(spec["every"]))
        for name, spec in schedule.items()
    ]


@dataclass
class Tick:
    enqueued: list[str] = field(default_factory=list)  # runs this call enqueued
    taken: list[str] = field(default_factory=list)  # runs another scheduler had enqueued
    busy: list[str] = field(default_factory=list)  # the database was busy: try again


def tick(
    *, now: dt.datetime | None = None, scheduler: str = "", only: list[str] | None = None
) -> Tick:
    """Enqueue the current slot's run of every job (or of the jobs ``only`` names) that has
    none yet. A job the database was too busy to settle (SQLite under load) is reported as
    busy, for the next call."""
    now = now or timezone.now()
    result = Tick()
    for job in jobs():
        if only is not None and job.name not in only:
            continue
        try:
            done = _enqueue_slot(job, job.slot(now), scheduler=scheduler)
        except OperationalError as exc:
            if not is_locked_database_exception(exc):
                raise
            result.busy.append(job.name)
            continue
        (result.enqueued if done else result.taken).append(job.name)
    return result


def _enqueue_slot(job: Job, slot: int, *, scheduler: str) -> bool:
    task = job.task
    queued_in_db = task.get_backend().__class__.__name__ == "DatabaseBackend"
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(
                job=job.name, slot=slot, due_at=job.slot_start(slot), scheduler=scheduler[:64]
            )
            if queued_in_db:
                # The run's row and its task commit together: neither without the other.
                result = task.using(queue_name=RECURRING_QUEUE).enqueue()
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
    except IntegrityError:
        return False  # another scheduler has this slot
    if not queued_in_db:
        # A backend outside the database (the immediate one runs the task at once): after
        # the slot's row is written, so a long job holds no lock on the schedule.
        task.using(queue_name=RECURRING_QUEUE).enqueue()
    logger.info("Enqueued %s for its slot starting %s.", job.name, job.slot_start(slot))
    return True
