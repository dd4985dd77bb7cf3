"""Benchmark pace and forecasts on a generated organisation: the pages and API responses that
show them, and the tracking module on its own.

    .venv/bin/python bench/tracking.py                       # SQLite copy of the cascade
    .venv/bin/python bench/tracking.py \\
        --database-url postgres://postgres@127.0.0.1:5432/tracking_bench

It works on a database of its own, built from the cascade benchmark's organisation and never
written by anyone else: by default it copies ``bench/results/cascade-10000.sqlite3`` (made by
``bench/cascade.py --people 10000``) to ``bench/results/tracking-10000.sqlite3`` and migrates
the copy; with ``--database-url`` it uses that PostgreSQL database, whose name must contain
"bench" (make it with ``CREATE DATABASE tracking_bench TEMPLATE lineofsight_bench``). It
prints p50 and p95 per measure, server-side, with the SQL queries each ran; it never fails
on a timing.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import benchdb

BUDGET_PAGE_P95_MS = 100.0


@contextmanager
def without_tracking() -> Iterator[None]:
    """The same pages with pace and forecast left out, to see what they add."""
    from lineofsight.goals import tracking

    saved = tracking.annotate_cards, tracking.annotate_key_results
    tracking.annotate_cards = lambda *a, **k: tracking.Tracked({}, {})  # type: ignore[assignment]
    tracking.annotate_key_results = lambda *a, **k: {}  # type: ignore[assignment]
    try:
        yield
    finally:
        tracking.annotate_cards, tracking.annotate_key_results = saved


def timed(
    label: str, calls: list[Callable[[], Any]], warmup: int, compare: bool = False
) -> dict[str, Any]:
    """Time each call (after ``warmup`` untimed ones) and count the queries of every fourth.
    With ``compare``, each call also runs without pace and forecast, interleaved, and the
    median CPU time of both is kept (CPU time is less disturbed by a busy machine)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples: list[float] = []
    cpu: list[float] = []
    cpu_without: list[float] = []
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
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if compare:
            with without_tracking():
                started_cpu = time.process_time()
                call()
                cpu_without.append((time.process_time() - started_cpu) * 1000)
    ordered = sorted(samples)


    low, high = min(queries), max(queries)
    return {
        "measure": label,
        "p50": benchdb.percentile(ordered, 0.5),
        "p95": benchdb.percentile(ordered, 0.95),
        "cpu": statistics.median(cpu),
        "added": statistics.median(cpu) - statistics.median(cpu_without) if compare else None,
        "queries": str(low) if low == high else f"{low}-{high}",
        "samples": len(samples),
    }


def main() -> None:
    parser = benchdb.parser(__doc__, requests=60, warmup=5, seed=7)
    args = parser.parse_args()
    url = benchdb.start(args, "tracking")

    from django.test import Client

    from lineofsight.goals import tracking
    from lineofsight.goals.models import Cycle, KeyResult, Objective
    from lineofsight.people.models import Person, Team

    rng = random.Random(args.seed)
    quarter = Cycle.objects.filter(kind="quarter", state="active").order_by("-start_date").first()
    if quarter is None:
        sys.exit("No active quarter: rebuild the organisation with bench/cascade.py.")
    leads = Team.objects.exclude(lead__isnull=True).values("lead_id")
    viewer = (
        Person.objects.filter(is_active=True, is_hr_admin=False, manager__isnull=False)
        .exclude(pk__in=leads)
        .filter(key_results__cycle=quarter)
        .order_by("pk")
        .first()
    )
    assert viewer is not None
    client = Client()
    client.force_login(viewer)
    public = Objective.objects.filter(cycle=quarter, visibility="public", state="active")
    departments = list(public.filter(owner_team__kind="department").values_list("pk", flat=True))
    teams = list(public.filter(owner_team__kind="team").values_list("pk", flat=True))
    department_teams = list(Team.objects.filter(kind="department"))
    n = args.requests + args.warmup

    def get(path: str) -> Callable[[], Any]:
        def call() -> Any:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return call

    def department_risk(team: Team) -> Callable[[], Any]:
        return lambda: tracking.team_risk(team, quarter, viewer, include_sub_teams=True)

    rows = [
        timed("My OKRs, GET /", [get("/") for _ in range(n)], args.warmup, compare=True),
        timed(
            "alignment tree, top two levels",
            [get(f"/tree/?cycle={quarter.pk}") for _ in range(n)],
            args.warmup,
            compare=True,
        ),
        timed(
            "tree expansion (a department objective)",
            [get(f"/tree/{rng.choice(departments)}/children/") for _ in range(n)],
            args.warmup,
            compare=True,
        ),
        timed(
            "objective page (a team objective)",
            [get(f"/objectives/{rng.choice(teams)}/") for _ in range(n)],
            args.warmup,
            compare=True,
        ),
        timed(
            "objective page (a department objective)",
            [get(f"/objectives/{rng.choice(departments)}/") for _ in range(n)],
            args.warmup,
            compare=True,
        ),
        timed(
            "GET /api/objectives?cycle=&limit=50",
            [get(f"/api/objectives?cycle={quarter.pk}&limit=50") for _ in range(n)],
            args.warmup,
            compare=True,
        ),
        timed(
            "GET /api/key-results?owner=me&pace_status=at_risk",
            [get(f"/api/key-results?owner={viewer.pk}&pace_status=at_risk") for _ in range(n)],
            args.warmup,
        ),
        timed(
            "team_risk(a department, with its teams)",
            [department_risk(team) for team in [rng.choice(department_teams) for _ in range(n)]],
            args.warmup,
        ),
    ]
    sample_ids = list(
        KeyResult.objects.filter(cycle=quarter, state="active").values_list("pk", flat=True)
    )
    batch_ids = rng.sample(sample_ids, min(1000, len(sample_ids)))

    def batch() -> Any:
        krs = list(KeyResult.objects.filter(pk__in=batch_ids).select_related("cycle", "objective"))
        return tracking.key_result_tracking(krs)

    rows.append(timed("key_result_tracking, 1,000 key results", [batch] * 25, 3))
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"\nPace and forecast at {Person.objects.count():,} people, {engine}, "
        f"as {viewer.username} (a team member), cycle {quarter.name}"
    )
    width = max(len(r["measure"]) for r in rows)
    print(
        f"{'measure'.ljust(width)}  {'p50':>9}  {'p95':>9}  {'CPU':>9}  {'of which':>9}  "
        "SQL queries"
    )
    print(f"{''.ljust(width)}  {'':>9}  {'':>9}  {'median':>9}  {'tracking':>9}")
    for r in rows:
        added = f"{r['added']:6.1f} ms" if r["added"] is not None else f"{'':9}"
        print(
            f"{r['measure'].ljust(width)}  {r['p50']:6.1f} ms  {r['p95']:6.1f} ms  "
            f"{r['cpu']:6.1f} ms  {added}  {r['queries']}"
        )
    print(
        f"(server-side, {statistics.median([r['samples'] for r in rows]):.0f} samples per "
        f"measure; pages' budget p95 < {BUDGET_PAGE_P95_MS:g} ms; 'of which tracking' is the "
        "median CPU time with pace and forecast minus the same page without them, interleaved)"
    )


if __name__ == "__main__":
    main()
