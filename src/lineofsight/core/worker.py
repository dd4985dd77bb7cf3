"""``lineofsight worker``'s engine: django-tasks-db's queue, run by threads of one process,
with heartbeats, the schedule and the recovery of dead workers' tasks.

* Each of ``concurrency`` threads takes the next ready task from the queue table, marks it
  running under its own worker id and runs it (django-tasks-db's ``Worker.run_task``
  records the outcome). On PostgreSQL the take is ``SELECT ... FOR UPDATE SKIP LOCKED``,
  so any number of threads and processes on any number of machines take tasks without
  waiting on each other or taking the same one; on SQLite a take is one short exclusive
  transaction.
* With two or more threads and both queues to serve, the first thread never takes a
  recurring job (``schedule.RECURRING_QUEUE``): messages, webhook deliveries and data-source
  reads queued while long jobs run on the other threads go out at once, not after them.
* The process's main thread keeps house every second: it writes the heartbeat of every
  thread (every ``LOS_WORKER_HEARTBEAT_SECONDS``), gives back the tasks of dead workers
  (``core.queue.requeue_stale``) and enqueues the recurring jobs whose slot has come
  (``core.schedule``), trying each job once per slot.
* SIGTERM or Ctrl-C: no new task is taken, the tasks under way finish, then the process
  ends. A second signal ends it at once; its unfinished tasks go back to the queue once its
  heartbeat is stale, like those of a killed worker.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.utils import OperationalError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker as TaskRunner
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from lineofsight.core import queue, schedule
from lineofsight.core.models import WorkerHeartbeat

logger = logging.getLogger("lineofsight.worker")

HOUSEKEEPING_SECONDS = 1.0


def uses_queue(backend_name: str = DEFAULT_TASK_BACKEND_ALIAS) -> bool:
    """Whether tasks go through the database queue (else they run where enqueued)."""
    return isinstance(task_backends[backend_name], DatabaseBackend)


def process_id() -> str:
    host = socket.gethostname().split(".")[0][:30]
    return f"{host}-{os.getpid()}-{get_random_string(6)}"


@dataclass
class Stats:
    ran: int = 0
    succeeded: int = 0
    failed: int = 0
    scheduled: Counter[str] = field(default_factory=Counter)
    requeued: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class WorkerProcess:
    def __init__(
        self,
        *,
        queues: list[str],
        concurrency: int = 1,
        scheduler: bool = True,
        once: bool = False,
        max_tasks: int | None = None,
        backend_name: str = DEFAULT_TASK_BACKEND_ALIAS,
        poll_seconds: float | None = None,
        say: Callable[[str], None] = lambda text: None,
    ) -> None:
        self.queues = queues
        self.concurrency = concurrency
        self.scheduler = scheduler
        self.once = once
        self.max_tasks = max_tasks
        self.backend_name = backend_name
        self.poll = float(poll_seconds or settings.WORKER_POLL_SECONDS)
        self.say = say
        self.process = process_id()
        self.ids = [f"{self.process}-{n}" for n in range(1, concurrency + 1)]
        # The thread kept for the short tasks: never on a recurring job, while others are.
        recurring = schedule.RECURRING_QUEUE
        serves_both = "*" in queues or (recurring in queues and any(q != recurring for q in queues))
        self.short_only = {self.ids[0]} if concurrency > 1 and serves_both else set()
        self.stop = threading.Event()  # take no more tasks
        self.done = threading.Event()  # the process is ending
        self.stats = Stats()
        self.seen_slots: dict[str, int] = {}
        self.queued = uses_queue(backend_name)
        self._last_beat = 0.0
        self._last_requeue = 0.0
        self._signals: dict[int, Any] = {}

    # -- the whole process -------------------------------------------------------------------

    def run(self) -> Stats:
        self._catch_signals()
        keeper: threading.Thread | None = None
        try:
            if self.queued:
                self._beat(first=True)
            self._housekeeping(force=True)
            if not self.queued:
                # Tasks run where they are enqueued (the immediate backend): this process
                # only keeps the schedule, the jobs running in it as they come.
                while not self.once and not self.stop.wait(HOUSEKEEPING_SECONDS):
                    self._housekeeping()
                return self.stats
            # Heartbeats (and, for a lasting worker, the schedule and the recovery of dead
            # workers' tasks) go on in a thread of their own, so a long task does not make
            # this worker look dead.
            keeper = threading.Thread(target=self._keep_house, name="housekeeping", daemon=True)
            keeper.start()
            if self.concurrency == 1:
                self._work(self.ids[0], own_connection=False)
            else:
                threads = [
                    threading.Thread(target=self._work, args=(wid,), name=wid, daemon=True)
                    for wid in self.ids
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    while thread.is_alive():
                        thread.join(HOUSEKEEPING_SECONDS)
            return self.stats
        finally:
            self.stop.set()
            self.done.set()
            if keeper is not None:
                keeper.join(5)
            if self.queued:
                self._stopped()
            self._restore_signals()

    def _catch_signals(self) -> None:
        def ask_to_stop(signum: int, frame: Any) -> None:
            if self.stop.is_set():
                # At once, as a killed worker would: its unfinished tasks go back to the queue.
                self.say("Stopping now; unfinished tasks go back to the queue.")
                self._stopped()
                os._exit(1)
            self.say("Stopping after the tasks under way (again to stop at once).")
            self.stop.set()

        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(ValueError):  # not the main thread: the caller's signals
                self._signals[sig] = signal.signal(sig, ask_to_stop)

    def _restore_signals(self) -> None:
        for sig, handler in self._signals.items():
            signal.signal(sig, handler)

    def _keep_house(self) -> None:
        try:
            while not self.done.wait(HOUSEKEEPING_SECONDS):
                try:
                    if self.once:
                        self._beat()
                    else:
                        self._housekeeping()
                except Exception:  # the next pass tries again; the tasks go on meanwhile
                    logger.warning("Housekeeping failed.", exc_info=True)
        finally:
            connection.close()

    # -- housekeeping (the main thread) ----------------------------------------------------

    def _housekeeping(self, *, force: bool = False) -> None:
        if not connection.in_atomic_block:
            close_old_connections()
        try:
            if self.queued:
                self._beat()
            now = timezone.now().timestamp()
            if force or now - self._last_requeue >= settings.WORKER_HEARTBEAT_SECONDS:
                self.stats.requeued += queue.requeue_stale()
                self._last_requeue = now
            if self.scheduler:
                self._schedule()
        except OperationalError as exc:  # a busy or lost database: again at the next pass
            if not is_locked_database_exception(exc):
                logger.warning("Housekeeping failed: %s", exc)

    def _beat(self, *, first: bool = False) -> None:
        now = timezone.now()
        if not first and now.timestamp() - self._last_beat < settings.WORKER_HEARTBEAT_SECONDS:
            return
        if first:
            host = socket.gethostname()[:255]
            WorkerHeartbeat.objects.bulk_create(
                [
                    WorkerHeartbeat(worker_id=wid, hostname=host, pid=os.getpid(), seen_at=now)
                    for wid in self.ids
                ]
            )
        else:
            WorkerHeartbeat.objects.filter(worker_id__in=self.ids).update(seen_at=now)
        self._last_beat = now.timestamp()

    def _stopped(self) -> None:
        with contextlib.suppress(Exception):  # the database may be what failed
            WorkerHeartbeat.objects.filter(worker_id__in=self.ids).update(stopped_at=timezone.now())

    def _schedule(self) -> None:
        now = timezone.now()
        due = [
            job.name for job in schedule.jobs() if self.seen_slots.get(job.name) != job.slot(now)
        ]
        if not due:
            return
        ticked = schedule.tick(now=now, scheduler=self.process, only=due)
        for job in schedule.jobs():
            if job.name in due and job.name not in ticked.busy:
                self.seen_slots[job.name] = job.slot(now)
        self.stats.scheduled.update(ticked.enqueued)

    # -- the task threads ------------------------------------------------------------------

    def _work(self, worker_id: str, *, own_connection: bool = True) -> None:
        runner = TaskRunner(
            queue_names=self.queues,
            interval=self.poll,
            batch=self.once,
            backend_name=self.backend_name,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        try:
            while not self.stop.is_set():
                if not connection.in_atomic_block:  # a caller's transaction keeps its own
                    close_old_connections()
                taken, found = self._take(worker_id)
                if taken is not None:
                    self._run(runner, taken)
                    if self._enough():
                        self.stop.set()
                    continue
                if self.once and found:
                    return  # the queue is empty
                self.stop.wait(self.poll)
        finally:
            if own_connection:
                connection.close()

    def _take(self, worker_id: str) -> tuple[DBTaskResult | None, bool]:
        """The next ready task, claimed for this thread; and whether the queue could be read
        (False when SQLite was busy)."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if "*" not in self.queues:
            tasks = tasks.filter(queue_name__in=self.queues)
        if worker_id in self.short_only:
            tasks = tasks.exclude(queue_name=schedule.RECURRING_QUEUE)
        try:
            with exclusive_transaction(tasks.db):
                found = tasks.get_locked()
                if found is not None:
                    found.claim(worker_id)
                return found, True
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None, False
            raise

    def _run(self, runner: TaskRunner, taken: DBTaskResult) -> None:
        logger.info("Running %s (%s).", taken.task_path, taken.pk)
        runner.run_task(taken)
        with self.stats.lock:
            self.stats.ran += 1
            if taken.status == "SUCCESSFUL":
                self.stats.succeeded += 1
            else:
                self.stats.failed += 1
                logger.error("Task %s (%s) failed.", taken.task_path, taken.pk)

    def _enough(self) -> bool:
        return self.max_tasks is not None and self.stats.ran >= self.max_tasks
