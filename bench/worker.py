"""The task queue and its workers: how fast tasks go through, with several workers at once.

    .venv/bin/python bench/worker.py                                   # SQLite
    .venv/bin/python bench/worker.py --database-url postgres://.../worker_bench

Uses a database of its own (a SQLite file in ``bench/results/``, migrated on first use, or
the PostgreSQL database named, which must contain "bench" and is migrated too), empties the
queue, enqueues ``--tasks`` no-op tasks (``core.queue.ping``) and times it; then starts
``--processes`` ``lineofsight worker --once --no-scheduler --concurrency N`` processes at
once and times how long they take to run every task, checking that each task ran once, by
one worker. Then it times ``queue_status()`` over a queue of ``--tasks`` ready tasks. It
prints figures; it never fails.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", help="A PostgreSQL database of your own (name with 'bench')."
    )
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.database_url:
        name = args.database_url.rsplit("/", 1)[-1].split("?")[0]
        if "bench" not in name:
            sys.exit("--database-url: use a database of your own whose name contains 'bench'.")
        url = args.database_url
    else:
        url = f"sqlite:///{RESULTS / 'worker-queue.sqlite3'}"
    env = {
        "DJANGO_SETTINGS_MODULE": "lineofsight.settings",
        "DATABASE_URL": url,
        "LOS_SECRET_KEY": os.environ.get("LOS_SECRET_KEY") or secrets.token_urlsafe(40),
        "LOS_DEBUG": "0",
        "LOS_TESTING": "0",
        "LOS_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOS_DATA_DIR": str(RESULTS / "worker"),
        "LOS_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from lineofsight.core.models import ScheduledRun, WorkerHeartbeat
    from lineofsight.core.queue import ping, queue_status

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"Database: {connection.vendor} (migrated in {time.perf_counter() - started:.1f} s)")
    DBTaskResult.objects.all().delete()
    ScheduledRun.objects.all().delete()
    WorkerHeartbeat.objects.all().delete()

    started = time.perf_counter()
    for _ in range(args.tasks):
        ping.enqueue()
    enqueue = time.perf_counter() - started
    print(
        f"Enqueued {args.tasks:,} tasks in {enqueue:.2f} s "
        f"({enqueue / args.tasks * 1000:.2f} ms each)"
    )

    samples = []
    for _ in range(20):
        t0 = time.perf_counter()
        state = queue_status()
        samples.append(time.perf_counter() - t0)
    print(
        f"queue_status() over {state.ready:,} ready tasks: median "
        f"{statistics.median(samples) * 1000:.1f} ms, worst {max(samples) * 1000:.1f} ms"
    )
    connection.close()

    command = [sys.executable, "-m", "lineofsight", "worker", "--once", "--no-scheduler"]
    command += ["--concurrency", str(args.concurrency), "-v0"]
    started = time.perf_counter()
    workers = [
        subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT)  # noqa: S603 - our own command
        for _ in range(args.processes)
    ]
    for worker in workers:
        worker.wait()
    drained = time.perf_counter() - started
    runs = list(DBTaskResult.objects.values_list("status", "worker_ids"))
    succeeded = sum(1 for status, _ in runs if status == "SUCCESSFUL")
    once = sum(1 for _, ids in runs if len(ids) == 1)
    takers = {ids[0] for _, ids in runs if ids}
    print(
        f"{args.processes} worker processes x {args.concurrency} threads ran {succeeded:,} of "
        f"{args.tasks:,} tasks in {drained:.2f} s ({succeeded / drained:,.0f} tasks/s, "
        f"process start-up included); each task ran once: {once == len(runs)}; "
        f"{len(takers)} workers took tasks"
    )


if __name__ == "__main__":
    main()
