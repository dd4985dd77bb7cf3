"""``lineofsight worker``: run the queued background tasks and the recurring jobs.

One command for every machine that runs background work: it takes tasks from the database
queue (reminders, digests, deliveries, dashboard figures, end-of-cycle figures) with
``--concurrency`` threads, enqueues the recurring jobs when their time comes (unless
``--no-scheduler``), and gives back the tasks of workers that died. Run as many as you like,
on as many machines: no task runs twice at once and no recurring job is enqueued twice.
``--once`` enqueues what is due, runs every ready task and exits (for cron or a test).
``lineofsight worker --status`` prints the queue's state.
"""

from __future__ import annotations

import json
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lineofsight.core import queue, schedule
from lineofsight.core.worker import WorkerProcess, uses_queue


def _positive(name: str, raw: str | int | None) -> int | None:
    if raw is None:
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise CommandError(f"{name}: give a whole number, not {raw!r}.") from None
    if value < 1:
        raise CommandError(f"{name}: give a number of 1 or more.")
    return value


class Command(BaseCommand):
    help = (
        "Run the background tasks from the queue and enqueue the recurring jobs when they "
        "are due (dashboard figures, reminders and digests, deliveries, end-of-cycle "
        "figures). Stops after the tasks under way on SIGTERM or Ctrl-C."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--concurrency",
            default=os.environ.get("LOS_WORKER_CONCURRENCY", "1"),
            metavar="N",
            help="Tasks run at once by this process (threads; default LOS_WORKER_CONCURRENCY "
            "or 1). With 2 or more, one thread never takes a recurring job.",
        )
        parser.add_argument(
            "--queue",
            default="*",
            metavar="NAMES",
            help="Only the tasks of these queues (comma-separated; default: every queue).",
        )
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Run tasks only; leave the recurring jobs to other workers.",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Enqueue the recurring jobs that are due, run every ready task, then exit.",
        )
        parser.add_argument(
            "--max-tasks",
            metavar="N",
            help="Exit after running N tasks.",
        )
        parser.add_argument(
            "--status",
            action="store_true",
            help="Print the queue's state (as JSON with --json) and exit.",
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="With --status: as JSON."
        )

    def handle(
        self,
        *args: Any,
        concurrency: str,
        queue: str,
        no_scheduler: bool,
        once: bool,
        max_tasks: str | None,
        status: bool,
        as_json: bool,
        **options: Any,
    ) -> None:
        if status:
            self._status(as_json=as_json)
            return
        if as_json:
            raise CommandError("--json: only with --status.")
        threads = _positive("--concurrency", concurrency) or 1
        limit = _positive("--max-tasks", max_tasks)
        queues = [name.strip() for name in queue.split(",") if name.strip()]
        if not queues:
            raise CommandError("--queue: name at least one queue (or * for every queue).")
        if any(len(name) > 32 for name in queues):
            raise CommandError("--queue: a queue's name has at most 32 characters.")
        verbose = int(options.get("verbosity", 1)) >= 1
        say = (lambda text: self.stdout.write(text)) if verbose else (lambda text: None)
        process = WorkerProcess(
            queues=queues,
            concurrency=threads,
            scheduler=not no_scheduler,
            once=once,
            max_tasks=limit,
            say=say,
        )
        if not uses_queue():
            if no_scheduler:
                raise CommandError(
                    "--no-scheduler: the task backend runs tasks where they are enqueued (not "
                    "a queue), so the schedule is all a worker has to run."
                )
            say(
                "The task backend runs tasks where they are enqueued (not a queue): this "
                "worker runs the recurring jobs in its own process as they come due."
            )
        elif not once:
            say(
                f"Worker {process.process} started: {threads} at once, queues "
                f"{', '.join(queues)}, scheduler {'off' if no_scheduler else 'on'}."
            )
        stats = process.run()
        say(
            f"Ran {stats.ran} task(s): {stats.succeeded} succeeded, {stats.failed} failed; "
            f"enqueued {stats.scheduled.total()} recurring job(s)"
            + (
                " (" + ", ".join(f"{job} {n}" for job, n in stats.scheduled.items()) + ")"
                if stats.scheduled
                else ""
            )
            + (f"; gave back {stats.requeued} task(s) of stopped workers" if stats.requeued else "")
            + "."
        )

    def _status(self, *, as_json: bool) -> None:
        state = queue.queue_status()
        if as_json:
            self.stdout.write(json.dumps(state.as_dict()))
            return
        oldest = state.oldest_ready_seconds
        self.stdout.write(
            f"Ready: {state.ready}"
            + (f" (the oldest waiting {oldest:.0f} s)" if oldest is not None else "")
            + f"; waiting for their time: {state.scheduled}; running: {state.running} "
            f"({state.stale} of stopped workers); failed in the last day: "
            f"{state.failed_last_day}; workers alive: {state.workers_alive}."
        )
        now = timezone.now()
        for job in schedule.jobs():
            self.stdout.write(
                f"  {job.name:<24} every {job.every:>5} s, next at "
                f"{timezone.localtime(job.next_due(now)):%Y-%m-%d %H:%M:%S}"
            )
