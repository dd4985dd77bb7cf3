"""Health checks for load balancers and monitoring: is the process alive, and is it ready.

Liveness asks nothing of the database. Readiness runs one query against the database,
compares the migrations applied to those this code ships, and reads the task queue. Each
check answers ``ok``, ``degraded`` (working, but someone should look) or ``failing`` (this
process cannot serve); only ``failing`` makes the server not ready. The answers name no
host, version, person or count of people: they are served without signing in.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

log = logging.getLogger(__name__)

OK, DEGRADED, FAILING = "ok", "degraded", "failing"


@dataclass(frozen=True)
class QueueState:
    """What the task queue holds right now."""

    backend: str  # "database", "immediate" or the backend's class name
    ready: int = 0  # tasks waiting that may run now
    running: int = 0
    oldest_ready_age_seconds: float | None = None  # None: nothing waiting
    stuck: int = 0  # running for longer than TASK_STUCK_AFTER_SECONDS


def queue_state() -> QueueState:
    """The queue as the configured Django Tasks backend holds it.

    The database backend (django-tasks-db) is read through ``core.queue.queue_status`` (the
    worker's own view of it) and one more query for tasks running too long; the immediate
    backend has no queue (every task runs when it is enqueued).
    """
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks.backends.immediate import ImmediateBackend
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if isinstance(backend, ImmediateBackend):
        return QueueState(backend="immediate")
    if not isinstance(backend, DatabaseBackend):
        return QueueState(backend=type(backend).__name__)

    from lineofsight.core.queue import queue_status

    now = timezone.now()
    status = queue_status(now=now)
    stuck_since = now - dt.timedelta(seconds=settings.TASK_STUCK_AFTER_SECONDS)
    running_long = (
        DBTaskResult.objects.filter(backend_name=backend.alias)
        .running()
        .filter(started_at__lt=stuck_since)
        .count()
        if status.running
        else 0
    )
    return QueueState(
        backend="database",
        ready=status.ready,
        running=status.running,
        oldest_ready_age_seconds=status.oldest_ready_seconds,
        # Running too long, or its worker gone (no heartbeat): either way, nobody finishes it.
        stuck=max(running_long, status.stale),
    )


def check_queue() -> dict[str, Any]:
    """The queue check: failing when it cannot be read, degraded when the oldest ready task
    has waited too long (no worker is taking tasks) or a task has run for too long."""
    try:
        state = queue_state()
    except DatabaseError:
        log.warning("Health: the task queue cannot be read.", exc_info=True)
        return {"status": FAILING, "detail": "The task queue cannot be read."}
    if state.backend == "immediate":
        return {"status": OK, "backend": "immediate", "detail": "immediate (no queue)"}
    if state.backend != "database":
        return {"status": OK, "backend": state.backend, "detail": "not inspected"}
    answer: dict[str, Any] = {
        "status": OK,
        "backend": "database",
        "ready": state.ready,
        "running": state.running,
        "oldest_ready_age_seconds": (
            None
            if state.oldest_ready_age_seconds is None
            else round(state.oldest_ready_age_seconds, 1)
        ),
        "stuck": state.stuck,
    }
    waited = state.oldest_ready_age_seconds or 0.0
    if waited > settings.QUEUE_MAX_WAIT_SECONDS:
        answer["status"] = DEGRADED
        answer["detail"] = (
            f"The oldest ready task has waited more than {settings.QUEUE_MAX_WAIT_SECONDS} s: "
            "is the worker running?"
        )
    elif state.stuck:
        answer["status"] = DEGRADED
        answer["detail"] = f"A task has run for more than {settings.TASK_STUCK_AFTER_SECONDS} s."
    return answer


def check_database() -> dict[str, Any]:
    """One query on the default database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure to connect or query means not ready
        log.warning("Health: the database cannot be reached.", exc_info=True)
        return {"status": FAILING, "detail": "The database cannot be reached."}
    return {"status": OK}


@cache
def _shipped_migrations() -> tuple[frozenset[tuple[str, str]], dict[Any, Any]]:
    """The migrations this code ships (read from disk once per process, no database)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.leaf_nodes()), dict(loader.replacements)


def unapplied_migrations(applied: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """The latest migration of each app that ``applied`` lacks (a squashed migration counts
    as applied when everything it replaces is)."""
    leaves, replacements = _shipped_migrations()
    missing = []
    for key in sorted(leaves):
        if key in applied:
            continue
        replaced = replacements.get(key)
        if replaced is not None and all(r in applied for r in replaced.replaces):
            continue
        missing.append(key)
    return missing


def check_migrations() -> dict[str, Any]:
    """Every app's latest migration is applied (one query)."""
    try:
        applied = set(MigrationRecorder(connection).applied_migrations())
    except Exception:
        log.warning("Health: the applied migrations cannot be read.", exc_info=True)
        return {"status": FAILING, "detail": "The applied migrations cannot be read."}
    missing = unapplied_migrations(applied)
    if missing:
        return {
            "status": FAILING,
            "detail": f"{len(missing)} app(s) have migrations not applied: run migrate.",
        }
    return {"status": OK}


def liveness() -> dict[str, Any]:
    return {"status": OK}


def readiness() -> tuple[bool, dict[str, Any]]:
    """(ready, the answer): ready unless a check is failing."""
    database = check_database()
    checks: dict[str, Any] = {"database": database}
    if database["status"] == FAILING:
        skipped = {"status": FAILING, "detail": "Not checked: the database cannot be reached."}
        checks["migrations"] = skipped
        checks["queue"] = skipped
    else:
        checks["migrations"] = check_migrations()
        checks["queue"] = check_queue()
    statuses = {c["status"] for c in checks.values()}
    overall = FAILING if FAILING in statuses else DEGRADED if DEGRADED in statuses else OK
    return overall != FAILING, {"status": overall, "checks": checks}
