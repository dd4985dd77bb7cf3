"""The task queue's state, and what keeps it honest when a worker dies.

The queue is django-tasks-db's table of task results: a task is READY until a worker claims
it (RUNNING), then SUCCESSFUL or FAILED. A worker killed in the middle of a task (SIGKILL, a
lost machine) leaves it RUNNING for good; ``requeue_stale`` gives such a task back to the
queue, so another worker runs it again:

* a task claimed by a ``lineofsight worker`` is stale once that worker has not written its
  heartbeat (``WorkerHeartbeat``, every ``LOS_WORKER_HEARTBEAT_SECONDS``) for
  ``LOS_WORKER_STALE_SECONDS`` (60 by default);
* a task claimed by a worker that writes no heartbeat (django-tasks-db's own ``db_worker``)
  is stale ``LOS_TASK_LEASE_SECONDS`` (an hour) after it started;
* a task whose workers died ``LOS_TASK_MAX_RUNS`` times (3) is marked failed rather than
  tried again, so a task that kills its worker cannot take every worker down in turn.

Every worker calls ``requeue_stale`` between tasks (a conditional update per stale task, so
two workers doing it at once give a task back once). Tasks are written to be run again
safely: the outbox's claim and each message's idempotency key keep a message from going out
twice (see ``integrations.delivery``).

``queue_status`` is the queue's health in one call (for a health check or a metrics page).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult, get_date_max

from lineofsight.core.models import ScheduledRun, WorkerHeartbeat

logger = logging.getLogger("lineofsight.worker")

LOST_WORKER = "lineofsight.core.queue.WorkerLost"


class WorkerLost(Exception):
    """The worker running a task stopped without finishing it."""


@dataclass(frozen=True)
class QueueStatus:
    ready: int  # tasks waiting for a worker now
    oldest_ready_seconds: float | None  # how long the oldest of them has waited
    scheduled: int  # tasks waiting for a later time (retries, deferred work)
    running: int
    stale: int  # running tasks whose worker is gone (given back at the next worker pass)
    failed_last_day: int
    workers_alive: int  # workers seen within the stale window

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "ready": self.ready,
            "oldest_ready_seconds": self.oldest_ready_seconds,
            "scheduled": self.scheduled,
            "running": self.running,
            "stale": self.stale,
            "failed_last_day": self.failed_last_day,
            "workers_alive": self.workers_alive,
        }


def _stale_window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.WORKER_STALE_SECONDS)


def _live_workers(now: dt.datetime) -> set[str]:
    return set(
        WorkerHeartbeat.objects.filter(
            seen_at__gte=now - _stale_window(), stopped_at__isnull=True
        ).values_list("worker_id", flat=True)
    )


def _stale_running(now: dt.datetime) -> list[tuple[str, list[str], dt.datetime | None]]:
    """The running tasks whose worker is gone: (id, worker ids, started at)."""
    running = list(DBTaskResult.objects.running().values_list("id", "worker_ids", "started_at"))
    if not running:
        return []
    live = _live_workers(now)
    known = set(
        WorkerHeartbeat.objects.filter(
            worker_id__in={ids[-1] for _, ids, _ in running if ids}
        ).values_list("worker_id", flat=True)
    )
    window = _stale_window()
    lease = dt.timedelta(seconds=settings.TASK_LEASE_SECONDS)
    stale = []
    for pk, worker_ids, started_at in running:
        worker = worker_ids[-1] if worker_ids else ""
        age = now - started_at if started_at else lease
        if worker in live:
            continue
        # A worker with heartbeats is gone once they stop (a grace of one window after the
        # start covers a task claimed just before the first heartbeat); one without them
        # holds its task for the whole lease.
        if (worker in known and age >= window) or age >= lease:
            stale.append((str(pk), list(worker_ids), started_at))
    return stale


def requeue_stale(*, now: dt.datetime | None = None) -> int:
    """Give the tasks of dead workers back to the queue (or fail them after too many lost
    runs); the number of tasks given back or failed."""
    now = now or timezone.now()
    done = 0
    for pk, worker_ids, started_at in _stale_running(now):
        still = DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        if len(worker_ids) >= settings.TASK_MAX_RUNS:
            changed = still.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=LOST_WORKER,
                traceback=(
                    f"{LOST_WORKER}: the workers running this task stopped without finishing "
                    f"it {len(worker_ids)} times ({', '.join(worker_ids)})."
                ),
            )
            if changed:
                logger.error("Task %s failed: its workers stopped %d times.", pk, len(worker_ids))
        else:
            changed = still.update(status=TaskResultStatus.READY)
            if changed:
                logger.warning(
                    "Task %s given back to the queue: its worker %s stopped mid-task.",
                    pk,
                    worker_ids[-1] if worker_ids else "?",
                )
        done += changed
    return done


def queue_status(*, now: dt.datetime | None = None) -> QueueStatus:
    """The queue at a glance, in three queries that read only the live part of the queue
    (plus two for the running tasks' workers when tasks are running)."""
    now = now or timezone.now()
    ready_now = Q(status=TaskResultStatus.READY) & Q(run_after__lte=now)
    day_ago = now - dt.timedelta(days=1)
    # Finished tasks are most of the table: only the live ones and the day's failures count.
    live = DBTaskResult.objects.filter(
        Q(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
        | Q(status=TaskResultStatus.FAILED, finished_at__gte=day_ago)
    )
    counts = live.aggregate(
        ready=Count("pk", filter=ready_now),
        scheduled=Count("pk", filter=Q(status=TaskResultStatus.READY, run_after__gt=now)),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count(
            "pk",
            filter=Q(status=TaskResultStatus.FAILED, finished_at__gte=day_ago),
        ),
        oldest=Min("enqueued_at", filter=ready_now),
    )
    # A task enqueued without a time to wait for carries the farthest date as its run_after.
    undated = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, run_after=get_date_max()
    ).aggregate(n=Count("pk"), oldest=Min("enqueued_at"))
    ready = counts["ready"] + undated["n"]
    oldest_times = [t for t in (counts["oldest"], undated["oldest"]) if t is not None]
    oldest = (now - min(oldest_times)).total_seconds() if oldest_times else None
    return QueueStatus(
        ready=ready,
        oldest_ready_seconds=oldest,
        scheduled=counts["scheduled"] - undated["n"],
        running=counts["running"],
        stale=len(_stale_running(now)) if counts["running"] else 0,
        failed_last_day=counts["failed"],
        workers_alive=len(_live_workers(now)),
    )


@task()
def prune_finished() -> int:
    """Delete the results of tasks that finished, and the schedule's slots, older than
    ``LOS_TASK_RESULTS_KEEP_DAYS``; the number of rows deleted."""
    cutoff = timezone.now() - dt.timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    results, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    slots, _ = ScheduledRun.objects.filter(enqueued_at__lt=cutoff).delete()
    gone, _ = WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).delete()
    return results + slots + gone


@task()
def ping() -> str:
    """A task that does nothing: enqueue it to see a task go through the queue end to end
    (a health check, a benchmark of the queue itself)."""
    return "pong"
