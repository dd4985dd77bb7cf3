"""Benchmark closing a cycle on a generated organisation: closing the quarter (every grade
computed and stored), and the close-out pages and calibration afterwards.

    .venv/bin/python bench/closing.py                        # SQLite copy of the cascade
    .venv/bin/python bench/closing.py \\
        --database-url postgres://postgres@127.0.0.1:5432/closing_bench

It works on a database of its own, built from the cascade benchmark's organisation and never
written by anyone else: by default it copies ``bench/results/cascade-10000.sqlite3`` (made by
``bench/cascade.py --people 10000``) to ``bench/results/closing-10000.sqlite3`` and migrates
the copy; with ``--database-url`` it uses that PostgreSQL database, whose name must contain
"bench" (make it with ``CREATE DATABASE closing_bench TEMPLATE lineofsight_bench`` and drop it
afterwards). Each close runs in a transaction that is rolled back, so the quarter is closed
afresh every time and the database is left as it was (on PostgreSQL the two tables are
vacuumed between closes, as a real close happens once). It prints the figures; it never
fails on a timing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import benchdb

BUDGET_CLOSE_S = 10.0  # "in seconds" for 25,000 objectives and 75,000 key results
BUDGET_PAGE_P95_MS = 100.0


def summarise(label: str, samples: list[float], queries: list[int], unit: str) -> dict[str, Any]:
    ordered = sorted(samples)


    span = f"{min(queries)}-{max(queries)}" if min(queries) != max(queries) else str(queries[0])
    return {
        "measure": label,
        "p50": benchdb.percentile(ordered, 0.5),
        "p95": benchdb.percentile(ordered, 0.95),
        "unit": unit,
        "queries": span,
        "samples": len(samples),
    }


def timed(label: str, calls: list[Callable[[], Any]], warmup: int) -> dict[str, Any]:
    """Time each call in milliseconds (after ``warmup`` untimed ones); count the queries of
    every fourth, which is left out of the timings."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples: list[float] = []
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
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return summarise(label, samples, queries, "ms")


def main() -> None:
    parser = benchdb.parser(__doc__, requests=40, warmup=4, seed=11)
    parser.add_argument("--closes", type=int, default=5, help="Times the quarter is closed (5).")
    args = parser.parse_args()
    url = benchdb.start(args, "closing")

    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lineofsight.goals import actions
    from lineofsight.goals.closing import selectors as closing
    from lineofsight.goals.models import Cycle, KeyResult, Objective
    from lineofsight.people.models import Person, Team

    rng = random.Random(args.seed)
    quarter = Cycle.objects.filter(kind="quarter", state="active").order_by("-start_date").first()
    if quarter is None:
        sys.exit("No active quarter: rebuild the organisation with bench/cascade.py.")
    hr = Person.objects.filter(is_hr_admin=True, is_active=True).order_by("pk").first()
    assert hr is not None
    objectives = Objective.objects.filter(cycle=quarter).count()
    key_results = KeyResult.objects.filter(cycle=quarter).count()
    owners = list(
        KeyResult.objects.filter(cycle=quarter, objective__owner_person__isnull=False)
        .exclude(owner__manager__isnull=True)
        .values_list("owner_id", flat=True)
        .distinct()[:2000]
    )
    people = list(Person.objects.filter(pk__in=rng.sample(owners, min(200, len(owners)))))
    departments = list(Team.objects.filter(kind="department").select_related("lead"))

    # The cycle page HR sees before closing: what closing will freeze and grade.
    preview = timed(
        "HR's preview before closing (closing_preview)",
        [lambda: closing.closing_preview(quarter)] * (12 + args.warmup),
        args.warmup,
    )

    close_samples: list[float] = []
    close_queries: list[int] = []
    rows: list[dict[str, Any]] = []
    for n in range(args.closes):
        with transaction.atomic():
            cycle = Cycle.objects.get(pk=quarter.pk)
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                actions.set_cycle_state(acting_user=hr, cycle=cycle, state=Cycle.State.CLOSED)
                close_samples.append(time.perf_counter() - started)
            close_queries.append(len(captured.captured_queries))
            graded = KeyResult.objects.filter(cycle=quarter, computed_grade__isnull=False).count()
            check_grades(quarter)
            if n == 0:
                # The pages after closing, on the closed quarter (rolled back with it).
                rows = after_close(args, rng, quarter, hr, people, departments, Client)
            transaction.set_rollback(True)
        if connection.vendor == "postgresql":
            # A rolled-back close leaves a dead version of every row it wrote; a real close
            # happens once, so clear them before the next one.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE goals_keyresult, goals_objective")
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"\nClosing a quarter at {Person.objects.count():,} people, {engine}: "
        f"{objectives:,} objectives and {key_results:,} key results in {quarter.name} "
        f"({graded:,} key results graded)"
    )
    close_row = summarise(
        "close the quarter: set_cycle_state + every grade", close_samples, close_queries, "s"
    )
    width = max(len(r["measure"]) for r in [close_row, preview, *rows])
    print(f"{'measure'.ljust(width)}  {'p50':>10}  {'p95':>10}  SQL queries")
    for r in [close_row, preview, *rows]:
        unit = r["unit"]
        scale = "{:8.2f} s " if unit == "s" else "{:7.1f} ms "
        print(
            f"{r['measure'].ljust(width)}  {scale.format(r['p50'])} {scale.format(r['p95'])} "
            f"{r['queries']}"
        )
    print(
        f"(closing's budget: a few seconds, here {BUDGET_CLOSE_S:g} s at most; pages' budget: "
        f"p95 < {BUDGET_PAGE_P95_MS:g} ms; server-side; "
        f"{statistics.median([r['samples'] for r in rows]):.0f} samples per page measure, "
        f"{len(close_samples)} closes, each rolled back)"
    )


def check_grades(quarter: Any) -> None:
    """Every stored grade is the scoring module's grade of the stored progress."""
    from lineofsight.goals import grading
    from lineofsight.goals.models import KeyResult, Objective

    for model, graded in (
        (Objective, lambda row: grading.objective_is_graded(row[2])),
        (KeyResult, lambda row: grading.key_result_is_graded(row[2], row[3])),
    ):
        fields = ["progress", "computed_grade", "state"]
        fields.append("objective__state" if model is KeyResult else "state")
        for row in model.objects.filter(cycle=quarter).values_list(*fields):
            wanted = grading.closing_grade(row[0], graded=graded(row))
            if wanted != row[1]:
                sys.exit(f"{model.__name__}: stored grade {row[1]} for progress {row[0]}.")


def after_close(
    args: argparse.Namespace,
    rng: random.Random,
    quarter: Any,
    hr: Any,
    people: list[Any],
    departments: list[Any],
    client_class: Any,
) -> list[dict[str, Any]]:
    from lineofsight.goals.closing import selectors as closing

    n = args.requests + args.warmup

    clients: dict[int, Any] = {}

    def page(viewer: Any, path: Callable[[], str]) -> Callable[[], Any]:
        if viewer.pk not in clients:
            clients[viewer.pk] = client_class()
            clients[viewer.pk].force_login(viewer)
        client = clients[viewer.pk]

        def call() -> Any:
            response = client.get(path())
            assert response.status_code == 200, (path(), response.status_code)
            return response

        return call

    def close_out() -> str:
        return f"/cycles/{quarter.pk}/close-out/"

    def person_calibration(person: Any) -> Callable[[], Any]:
        return lambda: closing.person_calibration(hr, person, quarter)

    def department_calibration(team: Any) -> Callable[[], Any]:
        return lambda: closing.team_calibration(hr, team, quarter)

    owners = [rng.choice(people) for _ in range(n)]
    return [
        timed(
            "close-out page, GET /cycles/<id>/close-out/ (an owner)",
            [page(person, close_out) for person in owners],
            args.warmup,
        ),
        timed(
            "cycle page with the grade summary (HR)",
            [page(hr, lambda: f"/cycles/{quarter.pk}/")] * n,
            args.warmup,
        ),
        timed(
            "GET /api/people/<id>/confidence-calibration (HR)",
            [
                page(hr, lambda p=person: f"/api/people/{p.pk}/confidence-calibration")
                for person in owners
            ],
            args.warmup,
        ),
        timed(
            "person calibration, in-process",
            [person_calibration(person) for person in owners],
            args.warmup,
        ),
        timed(
            "department calibration (500 people), in-process",
            [department_calibration(rng.choice(departments)) for _ in range(12 + args.warmup)],
            args.warmup,
        ),
    ]


if __name__ == "__main__":
    main()
