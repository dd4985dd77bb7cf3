"""The task queue and its worker (core.queue, core.schedule, core.worker, ``lineofsight
worker``) on the database: the schedule enqueues each recurring job once per slot, the worker
runs what is queued, the tasks of dead workers go back to the queue, and a notification
whose worker died mid-send is sent by the next worker, once."""

from __future__ import annotations

import datetime as dt
import json
import threading
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lineofsight.core import queue, schedule
from lineofsight.core.models import ScheduledRun, WorkerHeartbeat
from lineofsight.integrations import delivery
from lineofsight.integrations.delivery import deliver_notification
from lineofsight.integrations.models import Notification
from tests import worker_tasks

pytestmark = pytest.mark.django_db

MID_SLOT = dt.datetime(2026, 11, 23, 10, 0, 10, tzinfo=dt.UTC)  # 20 s before the next
DATABASE_QUEUE = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "recurring", "reports"],
    }
}


@pytest.fixture
def queued(settings):  # type: ignore[no-untyped-def]
    """Tasks go to the database queue, as when the product runs."""
    settings.TASKS = DATABASE_QUEUE
    return settings


def worker(*args: str) -> str:
    out = StringIO()
    call_command("worker", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def pending_for(person) -> Notification:  # type: ignore[no-untyped-def]
    return Notification.objects.create(
        recipient=person,
        kind=Notification.Kind.REMINDER,
        channel=Notification.Channel.EMAIL,
        dedupe_key=f"test:{person.username}",
        address=person.email or f"{person.username}@example.test",
        subject="Time to check in",
        body="Your key results are due.",
    )


def claim_as(result, worker_id: str, *, started: dt.datetime | None = None) -> None:  # type: ignore[no-untyped-def]
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=started or timezone.now(),
        worker_ids=[*DBTaskResult.objects.get(pk=result.id).worker_ids, worker_id],
    )


def beat(worker_id: str, seconds_ago: float) -> None:
    seen = timezone.now() - dt.timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": seen})


def status_of(result) -> str:  # type: ignore[no-untyped-def]
    return DBTaskResult.objects.get(pk=result.id).status


# -- the schedule -----------------------------------------------------------------------------


def test_each_job_is_enqueued_once_per_slot(queued):
    # At the start of a minute, so that a second later is in the same slot of every job (a
    # job due every 30 s has a new slot a second later when the test starts at :29.5).
    now = timezone.now().replace(second=0, microsecond=0)
    first = schedule.tick(now=now, scheduler="a")
    assert sorted(first.enqueued) == sorted(queued.SCHEDULE) and not first.taken
    # A second scheduler in the same slots finds them taken.
    second = schedule.tick(now=now + dt.timedelta(seconds=1), scheduler="b")
    assert second.enqueued == [] and sorted(second.taken) == sorted(queued.SCHEDULE)
    assert DBTaskResult.objects.count() == len(queued.SCHEDULE)
    runs = {r.job: r for r in ScheduledRun.objects.all()}
    assert {r.scheduler for r in runs.values()} == {"a"}
    paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert paths == {spec["task"] for spec in queued.SCHEDULE.values()}
    assert all(
        str(DBTaskResult.objects.get(task_path=queued.SCHEDULE[name]["task"]).pk) == r.task_id
        for name, r in runs.items()
    )
    # Two minutes on: the jobs every 30 and 60 seconds are due again, the others are not
    # (unless a slot of theirs began in between).
    later = now + dt.timedelta(seconds=120)
    again = set(schedule.tick(now=later, scheduler="b").enqueued)
    expected = {job.name for job in schedule.jobs() if job.slot(later) != job.slot(now)}
    assert again == expected and {"figures-after-check-ins", "deliver"} <= again


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_enqueue_each_run_once(queued):
    """Two schedulers reach the same slots at the same moment, each in its own connection
    (threads): each run is enqueued by exactly one of them."""
    now = timezone.now()
    start = threading.Barrier(2)
    taken: dict[str, list[str]] = {"left": [], "right": []}
    errors: list[BaseException] = []

    def run(name: str) -> None:
        # As a worker does: a job the database was too busy to settle is tried again.
        try:
            start.wait(10)
            left: list[str] | None = None
            for _ in range(200):
                ticked = schedule.tick(now=now, scheduler=name, only=left)
                taken[name] += ticked.enqueued
                if not ticked.busy:
                    break
                left = ticked.busy
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in ("left", "right")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sorted(taken["left"] + taken["right"]) == sorted(queued.SCHEDULE)


# -- the worker -------------------------------------------------------------------------------


def test_worker_once_runs_the_schedule_and_every_queued_task(queued, cast):
    """One pass as the product runs it: the schedule's jobs are enqueued, run, and what they
    enqueue (the delivery of a reminder) is run in the same pass."""
    reminder = pending_for(cast.ava)
    with time_machine.travel(MID_SLOT, tick=False):
        out = worker("--once")
    results = list(DBTaskResult.objects.values_list("task_path", "status"))
    assert results and all(status == "SUCCESSFUL" for _, status in results), results
    paths = [path for path, _ in results]
    assert paths.count("lineofsight.integrations.delivery.deliver_notification") >= 1
    assert {spec["task"] for spec in queued.SCHEDULE.values()} <= set(paths)
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == ("sent", 1)
    sent = [m for m in mail.outbox if m.subject == "Time to check in"]
    assert len(sent) == 1
    assert sent[0].extra_headers["Message-ID"] == (
        f"<lineofsight-notification-{reminder.pk}@localhost>"
    )
    assert f"Ran {len(results)} task(s): {len(results)} succeeded, 0 failed" in out
    # The same slots again: nothing is enqueued, nothing is sent twice.
    with time_machine.travel(MID_SLOT + dt.timedelta(seconds=5), tick=False):
        again = worker("--once")
    assert "Ran 0 task(s)" in again and "enqueued 0 recurring job(s)" in again
    assert len([m for m in mail.outbox if m.subject == "Time to check in"]) == 1


def test_without_a_queue_the_worker_runs_the_schedule_in_process(cast):
    """The tests' immediate backend (or LOS_TASKS_BACKEND set to it): the jobs run as the
    schedule enqueues them."""
    reminder = pending_for(cast.ava)
    out = worker("--once")
    assert "runs the recurring jobs in its own process as they come due" in out
    reminder.refresh_from_db()
    assert reminder.state == "sent"
    assert not DBTaskResult.objects.exists()
    assert ScheduledRun.objects.count() == len(schedule.jobs())
    with pytest.raises(CommandError, match="--no-scheduler: the task backend runs tasks where"):
        worker("--no-scheduler")


def test_max_tasks_and_queues(queued):
    for n in range(3):
        worker_tasks.echo.enqueue(n)
    worker_tasks.echo.using(queue_name="reports").enqueue(99)
    assert "Ran 2 task(s)" in worker("--no-scheduler", "--max-tasks", "2", "--queue", "default")
    assert "Ran 1 task(s)" in worker("--once", "--no-scheduler", "--queue", "default")
    assert DBTaskResult.objects.filter(queue_name="reports", status="READY").count() == 1
    assert "Ran 1 task(s)" in worker("--once", "--no-scheduler", "--queue", "reports,other")
    assert not ScheduledRun.objects.exists()  # --no-scheduler


def test_recurring_jobs_go_to_their_own_queue(queued):
    with time_machine.travel(MID_SLOT, tick=False):
        schedule.tick(scheduler="one")
    names = set(DBTaskResult.objects.values_list("queue_name", flat=True))
    assert names == {schedule.RECURRING_QUEUE}


@pytest.mark.parametrize(
    "queues, concurrency, kept",
    [(["*"], 2, 1), (["default", "recurring"], 3, 1), (["*"], 1, 0), (["recurring"], 2, 0)],
)
def test_one_thread_is_kept_for_short_tasks(queued, cast, queues, concurrency, kept):
    """A recurring job queued first goes to a thread free to run it; the thread kept for the
    short tasks takes the reminder queued after it instead."""
    from lineofsight.core.worker import WorkerProcess

    job = worker_tasks.echo.using(queue_name=schedule.RECURRING_QUEUE).enqueue(7)
    reminder = deliver_notification.enqueue(pending_for(cast.ava).pk, 0)
    process = WorkerProcess(queues=queues, concurrency=concurrency, scheduler=False)
    assert len(process.short_only) == kept
    first, _ = process._take(process.ids[0])
    if kept:
        assert first is not None and str(first.pk) == str(reminder.id)
        second, _ = process._take(process.ids[1])
        assert second is not None and str(second.pk) == str(job.id)
    else:  # one thread, or only the recurring queue: the oldest first
        assert first is not None and str(first.pk) == str(job.id)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--concurrency", "0"], "--concurrency: give a number of 1 or more."),
        (["--concurrency", "many"], "--concurrency: give a whole number, not 'many'."),
        (["--max-tasks", "-1"], "--max-tasks: give a number of 1 or more."),
        (["--queue", " , "], "--queue: name at least one queue"),
        (["--queue", "q" * 33], "--queue: a queue's name has at most 32 characters."),
        (["--json"], "--json: only with --status."),
    ],
)
def test_bad_arguments_are_refused_and_nothing_runs(queued, args, message):
    worker_tasks.echo.enqueue(1)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        worker(*args)
    assert DBTaskResult.objects.get().status == "READY"
    assert not ScheduledRun.objects.exists() and not WorkerHeartbeat.objects.exists()


# -- dead workers --------------------------------------------------------------------------


def test_a_dead_workers_task_goes_back_to_the_queue(queued, settings):
    settings.WORKER_STALE_SECONDS = 60
    settings.TASK_LEASE_SECONDS = 3600
    settings.TASK_MAX_RUNS = 3
    now = timezone.now()
    alive, dead, plain_recent, plain_old, unlucky = (worker_tasks.echo.enqueue(n) for n in range(5))
    beat("alive-1", seconds_ago=5)
    beat("dead-1", seconds_ago=90)
    claim_as(alive, "alive-1", started=now - dt.timedelta(hours=3))
    claim_as(dead, "dead-1", started=now - dt.timedelta(minutes=2))
    # Claimed by a worker that writes no heartbeat (django-tasks-db's db_worker): held for
    # the lease.
    claim_as(plain_recent, "db-worker", started=now - dt.timedelta(minutes=10))
    claim_as(plain_old, "db-worker", started=now - dt.timedelta(hours=2))
    for who in ("dead-1", "dead-1", "dead-1"):
        claim_as(unlucky, who, started=now - dt.timedelta(minutes=2))

    state = queue.queue_status()
    assert (state.running, state.stale, state.ready, state.workers_alive) == (5, 3, 0, 1)
    assert queue.requeue_stale() == 3
    assert status_of(alive) == "RUNNING" and status_of(plain_recent) == "RUNNING"
    assert status_of(dead) == "READY" and status_of(plain_old) == "READY"
    lost = DBTaskResult.objects.get(pk=unlucky.id)
    assert lost.status == "FAILED" and lost.exception_class_path == queue.LOST_WORKER
    assert "stopped without finishing it 3 times" in lost.traceback
    # Given back once: a second pass (another worker's) changes nothing.
    assert queue.requeue_stale() == 0
    state = queue.queue_status()
    assert (state.ready, state.running, state.stale, state.failed_last_day) == (2, 2, 0, 1)
    assert state.oldest_ready_seconds is not None and state.oldest_ready_seconds >= 0


def test_a_worker_that_stopped_cleanly_is_not_waited_for(queued, settings):
    result = worker_tasks.echo.enqueue(1)
    beat("gone-1", seconds_ago=1)
    WorkerHeartbeat.objects.filter(pk="gone-1").update(stopped_at=timezone.now())
    claim_as(result, "gone-1", started=timezone.now() - dt.timedelta(seconds=61))
    assert queue.requeue_stale() == 1 and status_of(result) == "READY"


def test_the_queue_status_as_json(queued):
    worker_tasks.echo.enqueue(1)
    worker_tasks.echo.using(run_after=timezone.now() + dt.timedelta(hours=1)).enqueue(2)
    out = worker("--status", "--json")
    state = json.loads(out)
    assert state["ready"] == 1 and state["scheduled"] == 1 and state["running"] == 0
    assert "deliver" in worker("--status") and "every    60 s" in worker("--status")


def test_a_notification_whose_worker_died_mid_send_is_sent_once_by_the_next(queued, cast):
    """Worker A claimed the reminder and died inside the send. Its task goes back to the
    queue; worker B's run takes the claim over and sends it; the delivery sweep, which
    finds the row again once A's claim has lapsed, sends nothing more."""
    reminder = pending_for(cast.ava)
    task = deliver_notification.enqueue(reminder.pk, 0)
    claim_as(task, "a-1", started=timezone.now() - dt.timedelta(minutes=2))
    beat("a-1", seconds_ago=90)
    assert delivery._claim(reminder.pk, 0, timezone.now()) is not None  # A took the row
    assert queue.requeue_stale() == 1
    assert "Ran 1 task(s): 1 succeeded" in worker("--once", "--no-scheduler")
    done = DBTaskResult.objects.get(pk=task.id)
    assert done.return_value == "sent" and len(done.worker_ids) == 2
    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == ("sent", 2)
    # The sweep with A's attempt number, or a repeat of B's task, is skipped.
    assert delivery.deliver(reminder.pk, 1) == "skipped"
    assert delivery.deliver(reminder.pk, 0, take_over=True) == "skipped"
    assert len([m for m in mail.outbox if m.subject == "Time to check in"]) == 1


def test_a_take_over_and_a_sweep_race_for_the_row_and_one_sends(queued, cast):
    reminder = pending_for(cast.ava)
    assert delivery._claim(reminder.pk, 0, timezone.now()) is not None  # the dead worker
    # The sweep's task (attempt 1) and the taken-over one (attempt 0): the first wins.
    assert delivery.deliver(reminder.pk, 1) == "sent"
    assert delivery.deliver(reminder.pk, 0, take_over=True) == "skipped"
    assert len(mail.outbox) == 1


def test_a_ping_goes_through_the_queue(queued):
    result = queue.ping.enqueue()
    assert queue.queue_status().ready == 1
    worker("--once", "--no-scheduler")
    assert DBTaskResult.objects.get(pk=result.id).return_value == "pong"
    assert queue.queue_status().ready == 0
