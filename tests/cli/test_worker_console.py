"""``lineofsight worker`` as separate processes on a shared database (the suite's own: a
SQLite file, or the PostgreSQL test database when the suite runs on PostgreSQL).

A worker killed with SIGKILL in the middle of sending a reminder leaves its task running;
another worker gives it back to the queue once the first one's heartbeat is stale, runs it
to completion, and the reminder reaches the mail server once. Two workers started at the
same moment enqueue each recurring job once, and take every queued task once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import connection

from lineofsight.core import schedule
from tests.cli.conftest import SCRIPT, console, copy_database

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]

SETUP = """
from lineofsight.people.models import Person
from lineofsight.integrations.models import Notification
from lineofsight.integrations.delivery import deliver_notification
ava = Person.objects.create(username="ava", display_name="Ava", email="ava@acme.test")
row = Notification.objects.create(
    recipient=ava, kind="reminder", channel="email", dedupe_key="test:ava",
    address="ava@acme.test", subject="Time to check in", body="Your key results are due.",
)
task = deliver_notification.enqueue(row.pk, 0)
print(row.pk, task.id)
"""

INSPECT = """
import json
from django_tasks_db.models import DBTaskResult
from lineofsight.core.models import ScheduledRun
from lineofsight.core.queue import queue_status
from lineofsight.integrations.models import Notification
print(json.dumps({
    "notifications": list(Notification.objects.values_list("pk", "state", "attempts")),
    "tasks": [
        [str(r.pk), r.task_path, r.status, r.worker_ids, r.return_value]
        for r in DBTaskResult.objects.order_by("enqueued_at")
    ],
    "slots": sorted(ScheduledRun.objects.values_list("job", "slot")),
    "queue": queue_status().as_dict(),
}))
"""


def wall_clock() -> dt.datetime:
    """The time the worker processes see: the suite's own clock is moved (tests/conftest.py)."""
    return dt.datetime.fromtimestamp(time_machine.escape_hatch.time.time(), tz=dt.UTC)


@pytest.fixture
def shared(request, tmp_path) -> dict[str, str]:
    """The environment of a worker process on a database this test's processes share."""
    mail = tmp_path / "mail"
    mail.mkdir()
    env = {
        "LOS_DATA_DIR": str(tmp_path),
        "LOS_SECRET_KEY": "only-for-this-test",
        "LOS_TESTING": "1",
        "LOS_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOS_EMAIL_BACKEND": "tests.worker_tasks.HeldMail",
        "LOS_TEST_MAIL_DIR": str(mail),
        "LOS_WORKER_HEARTBEAT_SECONDS": "1",
        "LOS_WORKER_STALE_SECONDS": "3",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "PYTHONUNBUFFERED": "1",
    }
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        user = db.get("USER") or "postgres"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        env["DATABASE_URL"] = (
            f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:"
            f"{db.get('PORT') or 5432}/{db['NAME']}"
        )
    else:
        copy_database(request.getfixturevalue("migrated_database"), tmp_path)
    return env


def lineofsight(env: dict[str, str]) -> Callable[..., subprocess.CompletedProcess[str]]:
    folder = Path(env["LOS_DATA_DIR"])
    run = console(folder, timeout=180, **env)
    database = env.get("DATABASE_URL")

    def _run(*args: str) -> subprocess.CompletedProcess[str]:
        if database:  # console() keeps processes on SQLite unless told otherwise
            return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
                [str(SCRIPT), *args],
                env={**os.environ, **env},
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=180,
            )
        return run(*args)

    return _run


def inspect(run: Callable[..., subprocess.CompletedProcess[str]]) -> dict[str, Any]:
    shown = run("shell", "-c", INSPECT)
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout.strip().splitlines()[-1])


def start_worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    spawn_env = {**os.environ, **env}
    if "DATABASE_URL" not in env:
        spawn_env.pop("DATABASE_URL", None)
    return subprocess.Popen(  # noqa: S603 - our own console script, fixed arguments
        [str(SCRIPT), "worker", *args],
        env=spawn_env,
        cwd=env["LOS_DATA_DIR"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Gave up waiting for {what}.")
        time.sleep(0.1)


def test_a_worker_killed_mid_send_leaves_the_reminder_to_the_next_one_sent_once(shared):
    run = lineofsight(shared)
    created = run("shell", "-c", SETUP)
    assert created.returncode == 0, created.stderr
    notification_id, task_id = created.stdout.split()[-2:]
    mail = Path(shared["LOS_TEST_MAIL_DIR"])
    (mail / "hold").write_text("")

    first = start_worker(shared, "--no-scheduler")
    wait_for(lambda: any(mail.glob("started-*")), "the first worker to start sending")
    during = inspect(run)
    [(_, path, status, worker_ids, _)] = during["tasks"]
    assert (path, status, len(worker_ids)) == (
        "lineofsight.integrations.delivery.deliver_notification",
        "RUNNING",
        1,
    )
    assert during["notifications"] == [[int(notification_id), "pending", 1]]  # claimed
    first.send_signal(signal.SIGKILL)
    first.wait(30)
    (mail / "hold").unlink()

    # The next worker finds the task running under a worker that no longer beats, gives it
    # back to the queue, runs it and stops after that one task.
    second = start_worker(shared, "--no-scheduler", "--max-tasks", "1")
    output, _ = second.communicate(timeout=180)
    assert second.returncode == 0, output
    assert "Ran 1 task(s): 1 succeeded, 0 failed" in output
    assert "gave back 1 task(s) of stopped workers" in output

    after = inspect(run)
    [(pk, _, status, worker_ids, returned)] = after["tasks"]
    assert (pk, status, returned) == (task_id, "SUCCESSFUL", "sent")
    assert len(worker_ids) == 2 and worker_ids[0] != worker_ids[1]
    assert after["notifications"] == [[int(notification_id), "sent", 2]]
    assert after["queue"]["running"] == 0 and after["queue"]["stale"] == 0
    sent = (mail / "sent.log").read_text().splitlines()
    assert sent == [
        f"<lineofsight-notification-{notification_id}@localhost> ava@acme.test Time to check in"
    ]

    # A later pass (the schedule's delivery sweep included) sends nothing more.
    again = run("worker", "--once")
    assert again.returncode == 0, again.stderr
    assert (mail / "sent.log").read_text().splitlines() == sent


def test_two_workers_started_together_enqueue_each_job_once(shared):
    """Two worker processes of three threads each, started at the same moment on a queue of
    30 tasks: each recurring job is enqueued once, and every task runs once."""
    run = lineofsight(shared)
    queued = run(
        "shell", "-c", "from lineofsight.core.queue import ping\nfor _ in range(30): ping.enqueue()"
    )
    assert queued.returncode == 0, queued.stderr
    started = wall_clock()
    workers = [start_worker(shared, "--once", "--concurrency", "3") for _ in range(2)]
    outputs = [w.communicate(timeout=180)[0] for w in workers]
    finished = wall_clock()
    assert all(w.returncode == 0 for w in workers), outputs
    state = inspect(run)
    pings = [t for t in state["tasks"] if t[1] == "lineofsight.core.queue.ping"]
    assert len(pings) == 30
    assert all(status == "SUCCESSFUL" and len(ids) == 1 for _, _, status, ids, _ in pings)
    # Each job runs once per slot it was due in while the workers ran: once, unless the
    # run straddled the start of a slot (a job due every 30 s can be due twice in a run of
    # a few seconds), and then once in each -- never twice in one.
    assert len(state["slots"]) == len({tuple(row) for row in state["slots"]})
    paths = [path for _, path, _, _, _ in state["tasks"]]
    for job in schedule.jobs():
        slots = [slot for name, slot in state["slots"] if name == job.name]
        due = range(job.slot(started), job.slot(finished) + 1)
        assert slots and set(slots) <= set(due), (job.name, slots, list(due))
        assert paths.count(job.task_path) == len(slots), job.name
    assert len(paths) == 30 + len(state["slots"])
    assert all(status == "SUCCESSFUL" for _, _, status, _, _ in state["tasks"])


def test_a_long_recurring_job_does_not_hold_back_a_reminder(shared):
    """A worker of two threads: while one runs a long recurring job, queued before the
    reminder, the other (kept off recurring jobs) sends the reminder at once."""
    run = lineofsight(shared)
    mail = Path(shared["LOS_TEST_MAIL_DIR"])
    (mail / "job-hold").write_text("")
    queued = run(
        "shell",
        "-c",
        "from tests.worker_tasks import long_job\n"
        f"long_job.using(queue_name='recurring').enqueue({str(mail)!r})\n"
        f"long_job.using(queue_name='recurring').enqueue({str(mail)!r})\n" + SETUP,
    )
    assert queued.returncode == 0, queued.stderr
    worker = start_worker(shared, "--no-scheduler", "--concurrency", "2")
    try:
        wait_for(lambda: (mail / "sent.log").exists(), "the reminder to be sent")
        during = inspect(run)
        states = sorted((p.rsplit(".", 1)[-1], status) for _, p, status, _, _ in during["tasks"])
        # One thread is inside the first long job; the second long job waits for it, not
        # for the thread kept for short tasks.
        assert states == [
            ("deliver_notification", "SUCCESSFUL"),
            ("long_job", "READY"),
            ("long_job", "RUNNING"),
        ]
        assert [state for _, state, _ in during["notifications"]] == ["sent"]
    finally:
        (mail / "job-hold").unlink()
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output
    # Asked to stop, it finished the job under way and left the second one queued.
    assert "Ran 2 task(s): 2 succeeded, 0 failed" in output
    assert [t[2] for t in inspect(run)["tasks"] if t[1].endswith("long_job")] == [
        "SUCCESSFUL",
        "READY",
    ]


def test_sigterm_lets_the_task_under_way_finish(shared):
    """The first SIGTERM stops the worker taking tasks; the reminder it is sending is sent
    and recorded before it exits, and it says it has stopped."""
    run = lineofsight(shared)
    created = run("shell", "-c", SETUP)
    assert created.returncode == 0, created.stderr
    notification_id, task_id = created.stdout.split()[-2:]
    mail = Path(shared["LOS_TEST_MAIL_DIR"])
    (mail / "hold").write_text("")
    worker = start_worker(shared, "--no-scheduler")
    wait_for(lambda: any(mail.glob("started-*")), "the worker to start sending")
    worker.send_signal(signal.SIGTERM)
    time.sleep(0.5)  # the signal is taken while the send is held
    assert worker.poll() is None  # still finishing the task
    (mail / "hold").unlink()
    output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output
    assert "Stopping after the tasks under way" in output
    assert "Ran 1 task(s): 1 succeeded, 0 failed" in output
    after = inspect(run)
    assert after["tasks"][0][0] == task_id and after["tasks"][0][2] == "SUCCESSFUL"
    assert after["notifications"] == [[int(notification_id), "sent", 1]]
    assert after["queue"]["workers_alive"] == 0  # it recorded that it stopped
    assert len((mail / "sent.log").read_text().splitlines()) == 1
