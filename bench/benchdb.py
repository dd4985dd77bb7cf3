"""What the benchmarks that measure on a copy of the 10,000-person organisation share.

``bench/cascade.py`` builds the organisation once (``bench/results/cascade-10000.sqlite3``,
or the PostgreSQL database ``lineofsight_bench``). The other benchmarks never write to it:
on SQLite they work on a copy of their own, on PostgreSQL on a database the caller made
from it (``CREATE DATABASE <name>_bench TEMPLATE lineofsight_bench``).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SOURCE = RESULTS / "cascade-10000.sqlite3"
SHARED_POSTGRES = "lineofsight_bench"


def configure(url: str, name: str, **extra: str) -> None:
    """Settings for a benchmark run: its database, a data folder of its own, quiet logs."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "lineofsight.settings",
            "DATABASE_URL": url,
            "LOS_SECRET_KEY": os.environ.get("LOS_SECRET_KEY") or secrets.token_urlsafe(40),
            "LOS_DEBUG": "0",
            "LOS_TESTING": "0",
            # Measured as before the worker: each task runs where it is enqueued.
            "LOS_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "LOS_DATA_DIR": str(RESULTS / name),
            "LOS_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "LOS_LOG_LEVEL": "WARNING",
            **extra,
        }
    )


def demo_database(name: str, **extra: str) -> None:
    """A SQLite database of the benchmark's own (``bench/results/<name>.sqlite3``, made afresh
    each run) holding the demo organisation, with Django set up on it."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    configure(f"sqlite:///{path}", name, **extra)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from lineofsight.demo import loader

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    loader.load_demo()


def database_url(args: argparse.Namespace, name: str) -> str:
    """The database to measure on: ``--database-url`` (a PostgreSQL database of the
    caller's, whose name contains "bench"), else a SQLite copy ``<name>-10000.sqlite3`` of
    the shared organisation, made when missing or when ``--fresh-copy`` asks for it."""
    if args.database_url:
        db_name = args.database_url.rsplit("/", 1)[-1].split("?")[0]
        if "bench" not in db_name or db_name == SHARED_POSTGRES:
            sys.exit(
                "--database-url: use a database of your own whose name contains 'bench' "
                f"(CREATE DATABASE {name}_bench TEMPLATE {SHARED_POSTGRES})."
            )
        if args.database_url == os.environ.get("DATABASE_URL"):
            sys.exit("--database-url: that is the DATABASE_URL the product uses; pick another.")
        return str(args.database_url)
    copy = RESULTS / f"{name}-10000.sqlite3"
    if not copy.exists() or args.fresh_copy:
        if not SOURCE.exists():
            sys.exit(f"{SOURCE.name} is missing: build it with bench/cascade.py --people 10000.")
        for suffix in ("", "-wal", "-shm"):
            Path(str(copy) + suffix).unlink(missing_ok=True)
        shutil.copyfile(SOURCE, copy)
    return f"sqlite:///{copy}"


def parser(
    doc: str, *, requests: int | None = None, warmup: int | None = None, seed: int | None = None
) -> argparse.ArgumentParser:
    """The options the copy-based benchmarks take: ``--database-url`` and ``--fresh-copy``
    always; ``--requests``, ``--warmup`` and ``--seed`` when given a default."""
    p = argparse.ArgumentParser(description=doc.split("\n", 1)[0])
    p.add_argument("--database-url", help="A PostgreSQL database of your own ('bench').")
    if requests is not None:
        p.add_argument(
            "--requests", type=int, default=requests, help=f"Calls per measure ({requests})."
        )
    if warmup is not None:
        p.add_argument("--warmup", type=int, default=warmup, help=f"Untimed calls ({warmup}).")
    if seed is not None:
        p.add_argument("--seed", type=int, default=seed)
    p.add_argument("--fresh-copy", action="store_true", help="Copy the SQLite file again.")
    return p


def start(args: argparse.Namespace, name: str) -> str:
    """Pick and configure the database (``database_url``), set Django up on it, migrate it
    and collect the static files the pages link; return the database's URL."""
    url = database_url(args, name)
    configure(url, name)
    sys.path.insert(0, str(ROOT / "src"))

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return url


def percentile(ordered: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) of already sorted samples, nearest rank."""
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(label: str, calls: list[Callable[[], Any]], warmup: int) -> dict[str, Any]:
    """Run the calls in turn: the first ``warmup`` untimed, then every fourth counted in SQL
    queries and left out of the timings, the rest timed in milliseconds of wall and CPU time
    (the benchmark process's, which holds the server-side work). Returns the row to print:
    ``p50``, ``p95``, ``cpu_p50``, ``cpu_p95``, ``queries`` (a count or a range) and
    ``samples``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wall: list[float] = []
    cpu: list[float] = []
    queries: list[int] = []
    for n, call in enumerate(calls):
        if n < warmup:
            call()
            continue
        if n % 4 == 0:
            with CaptureQueriesContext(connection) as captured:
                call()
            queries.append(len(captured.captured_queries))
            continue
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    wall.sort()
    cpu.sort()
    low, high = min(queries), max(queries)
    return {
        "measure": label,
        "p50": percentile(wall, 0.5),
        "p95": percentile(wall, 0.95),
        "cpu_p50": percentile(cpu, 0.5),
        "cpu_p95": percentile(cpu, 0.95),
        "queries": str(low) if low == high else f"{low}-{high}",
        "samples": len(wall),
    }
