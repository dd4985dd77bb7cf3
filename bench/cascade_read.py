"""Benchmark reading a whole quarter of the 10,000-person cascade, side by side with a bare
SELECT of the same rows: every page of ``GET /api/objectives`` and the cycle stream.

    .venv/bin/python bench/cascade_read.py                   # SQLite copy of the cascade
    .venv/bin/python bench/cascade_read.py \\
        --database-url postgres://postgres@127.0.0.1:5432/cascade_read_bench

It works on a database of its own: by default a copy of ``bench/results/cascade-10000.sqlite3``
(``bench/cascade.py --people 10000`` builds it) at ``bench/results/cascade_read-10000.sqlite3``,
migrated (``--fresh-copy`` copies it again); with ``--database-url`` a PostgreSQL database
whose name contains "bench", made from the cascade's (``CREATE DATABASE cascade_read_bench
TEMPLATE lineofsight_bench``). It reads as an HR administrator, who sees every objective, as a
data team's integration would, server-side through Django's test client, and prints:

1. **bare SELECT**: the quarter's objectives and their key results, the same columns the
   stream writes, read with a plain cursor and nothing done with them: the floor;
2. **cycle stream**: ``GET /api/cycles/{id}/stream`` read to its end (NDJSON);
3. **objectives, every page**: ``GET /api/objectives?cycle=<quarter>&limit=500`` page after
   page, first with every forecast computed from the check-ins (what each page did before
   forecasts were stored), then with the stored forecasts (after ``lineofsight forecasts``,
   which is timed too);

with wall-clock and CPU medians over ``--runs`` runs and each one's ratio to the bare SELECT.
On a busy machine compare the CPU columns (on PostgreSQL the server's work is not in them).
It never fails on a timing.
"""

from __future__ import annotations

import io
import statistics
import time
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import benchdb

PAGE = 500


def measure(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Median wall and CPU seconds of ``runs`` calls, and the last call's result."""
    wall, cpu = [], []
    result = None
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu), result


@contextmanager
def forecasts_computed_live():
    """Every forecast computed from the check-ins, none read or stored: the pages as they
    were before forecasts were stored."""
    from lineofsight.goals.tracking import stored

    saved = stored.stored, stored.save
    stored.stored = lambda kr, key: None  # type: ignore[assignment]
    stored.save = lambda rows: 0  # type: ignore[assignment]
    try:
        yield
    finally:
        stored.stored, stored.save = saved


def main() -> None:
    parser = benchdb.parser(__doc__)
    parser.add_argument("--runs", type=int, default=5, help="Timed runs per measure (5).")
    parser.add_argument(
        "--live-runs", type=int, default=1, help="Runs of the pages computing forecasts (1)."
    )
    args = parser.parse_args()
    url = benchdb.start(args, "cascade_read")

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from lineofsight.goals import stream
    from lineofsight.goals.models import Cycle, KeyResult, Objective
    from lineofsight.people.models import Person

    quarter = (
        Cycle.objects.filter(kind="quarter")
        .annotate(n=Count("objectives"))
        .order_by("-n", "-start_date")
        .first()
    )
    assert quarter is not None, "No quarter: build the organisation with bench/cascade.py."
    hr = Person.objects.filter(is_hr_admin=True, is_active=True).order_by("pk").first()
    assert hr is not None
    client = Client()
    client.force_login(hr)
    client.get("/api/me")
    objectives_n = Objective.objects.filter(cycle=quarter).count()
    key_results_n = KeyResult.objects.filter(objective__cycle=quarter).count()
    print(
        f"{connection.vendor}: {quarter.name}, {objectives_n:,} objectives, "
        f"{key_results_n:,} key results, read as {hr.username} (HR) [{url.split('://')[0]}]",
        flush=True,
    )

    o_cols = ", ".join(stream.OBJECTIVE_FIELDS)
    k_cols = ", ".join(f"k.{f}" for f in stream.KEY_RESULT_FIELDS)
    o_table = Objective._meta.db_table
    k_table = KeyResult._meta.db_table
    objectives_sql = f"SELECT {o_cols} FROM {o_table} WHERE cycle_id = %s ORDER BY id"  # noqa: S608
    key_results_sql = (
        f"SELECT {k_cols} FROM {k_table} k JOIN {o_table} o ON o.id = k.objective_id "  # noqa: S608
        "WHERE o.cycle_id = %s ORDER BY k.objective_id, k.position, k.id"
    )

    def bare() -> int:
        with connection.cursor() as cursor:
            cursor.execute(objectives_sql, [quarter.pk])
            rows = len(cursor.fetchall())
            cursor.execute(key_results_sql, [quarter.pk])
            return rows + len(cursor.fetchall())

    def read_stream() -> tuple[int, int]:
        response = client.get(f"/api/cycles/{quarter.pk}/stream")
        assert response.status_code == 200, response
        size = lines = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
        return lines, size

    def every_page() -> int:
        offset, seen = 0, 0
        while True:
            response = client.get(
                "/api/objectives", {"cycle": quarter.pk, "limit": PAGE, "offset": offset}
            )
            assert response.status_code == 200, response.content[:300]
            body = response.json()
            seen += len(body["items"])
            offset += PAGE
            if offset >= body["count"]:
                return seen

    results: list[tuple[str, float, float, str]] = []
    bare_wall, bare_cpu, rows = measure(bare, args.runs)
    results.append(
        ("bare SELECT (objectives + key results)", bare_wall, bare_cpu, f"{rows:,} rows")
    )

    stream_wall, stream_cpu, (lines, size) = measure(read_stream, args.runs)
    results.append(
        ("cycle stream, GET /api/cycles/{id}/stream", stream_wall, stream_cpu,
         f"{lines:,} lines, {size / 1e6:.1f} MB")
    )
    tracemalloc.start()
    read_stream()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    note = f"{results[-1][3]}, peak {peak / 1e6:.1f} MB of Python memory"
    results[-1] = (*results[-1][:3], note)

    print(f"bare SELECT {bare_wall:.3f} s, stream {stream_wall:.3f} s", flush=True)
    pages = -(-objectives_n // PAGE)
    with forecasts_computed_live():
        live_wall, live_cpu, seen = measure(every_page, args.live_runs)
    results.append(
        (f"objectives, {pages} pages of {PAGE}, forecasts computed", live_wall, live_cpu,
         f"{seen:,} objectives")
    )
    started, started_cpu = time.perf_counter(), time.process_time()
    call_command("forecasts", cycle=[quarter.pk], stdout=io.StringIO())
    job = (time.perf_counter() - started, time.process_time() - started_cpu)
    pages_wall, pages_cpu, seen = measure(every_page, args.runs)
    results.append(
        (f"objectives, {pages} pages of {PAGE}, forecasts stored", pages_wall, pages_cpu,
         f"{seen:,} objectives")
    )
    # The stream once more, interleaved with the bare SELECT, to show the drift of the machine.
    again_bare, again_bare_cpu, _ = measure(bare, args.runs)
    again_stream, again_stream_cpu, _ = measure(read_stream, args.runs)

    print()
    print(f"{'measure':58} {'wall s':>8} {'CPU s':>8} {'x bare (wall)':>14} {'x bare (CPU)':>13}")
    for label, wall, cpu, note in results:
        print(
            f"{label:58} {wall:8.3f} {cpu:8.3f} {wall / bare_wall:14.1f} "
            f"{cpu / max(bare_cpu, 1e-9):13.1f}   {note}"
        )
    print(
        f"{'stream again, after the pages (bare SELECT again)':58} {again_stream:8.3f} "
        f"{again_stream_cpu:8.3f} {again_stream / again_bare:14.1f} "
        f"{again_stream_cpu / max(again_bare_cpu, 1e-9):13.1f}   bare {again_bare:.3f} s"
    )
    print(f"{'lineofsight forecasts (storing the quarter, once)':58} {job[0]:8.3f} {job[1]:8.3f}")
    print()
    print(f"pages: {live_wall / pages_wall:.1f}x faster with stored forecasts (wall), "
          f"{live_cpu / max(pages_cpu, 1e-9):.1f}x (CPU)")


if __name__ == "__main__":
    main()
