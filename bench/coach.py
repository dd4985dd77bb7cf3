"""Benchmark the coach on a generated organisation: the full alignment-health report for a
cycle (every check over every objective), as HR, as an ordinary member and as the command
line, with the time each part takes and the SQL queries it runs.

    .venv/bin/python bench/coach.py                         # SQLite copy of the cascade
    .venv/bin/python bench/coach.py \\
        --database-url postgres://postgres@127.0.0.1:5432/coach_bench

It works on a database of its own built from the cascade benchmark's organisation and never
written by anyone else: by default it copies ``bench/results/cascade-10000.sqlite3`` (made by
``bench/cascade.py --people 10000``) to ``bench/results/coach-10000.sqlite3`` and migrates
the copy; with ``--database-url`` it uses that PostgreSQL database, whose name must contain
"bench" (make it with ``CREATE DATABASE coach_bench TEMPLATE lineofsight_bench`` and drop it
afterwards). It only reads. It prints the figures; it never fails on a timing.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import benchdb

BUDGET_S = 10.0  # the full health report for a cycle at 10,000 people


def main() -> None:
    parser = benchdb.parser(__doc__)
    parser.add_argument("--runs", type=int, default=3, help="Timed runs of each measure (3).")
    args = parser.parse_args()
    url = benchdb.start(args, "coach")

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lineofsight.coach.facts import load_population
    from lineofsight.coach.health import health
    from lineofsight.coach.rules import run_checks
    from lineofsight.coach.scope import CoachScope
    from lineofsight.goals.models import CheckIn, Cycle, KeyResult, Objective
    from lineofsight.people.models import Membership, Person, Team

    quarter = Cycle.objects.filter(kind="quarter", state="active").order_by("-start_date").first()
    if quarter is None:
        sys.exit("No active quarter: rebuild the organisation with bench/cascade.py.")
    hr = Person.objects.filter(is_hr_admin=True, is_active=True).order_by("pk").first()
    led = Team.objects.exclude(lead=None).values("lead_id")
    member = (
        Person.objects.filter(is_active=True, is_hr_admin=False, is_executive=False)
        .filter(pk__in=Membership.objects.values("person_id"))
        .exclude(pk__in=led)
        .order_by("pk")
        .first()
    )
    department = Team.objects.filter(kind="department").order_by("pk").first()
    assert hr is not None and member is not None and department is not None

    def measure(label: str, call: Callable[[], Any]) -> dict[str, Any]:
        print(f"  {label}...", flush=True)
        call()  # warm: the first run reads the rows from disk
        samples: list[float] = []
        cpu: list[float] = []
        queries = 0
        for n in range(args.runs + 1):
            if n == 0:
                with CaptureQueriesContext(connection) as captured:
                    call()
                queries = len(captured.captured_queries)
                continue
            started, started_cpu = time.perf_counter(), time.process_time()
            call()
            samples.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        row = {
            "measure": label,
            "median": statistics.median(samples),
            "best": min(samples),
            "cpu": statistics.median(cpu),
            "queries": queries,
        }
        print(
            f"    median {row['median']:.2f} s, best {row['best']:.2f} s, CPU {row['cpu']:.2f} s, "
            f"{queries} queries",
            flush=True,
        )
        return row

    def page(person: Any, path: str) -> Callable[[], Any]:
        client = Client()
        client.force_login(person)

        def call() -> Any:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return call

    def typing(person: Any) -> Callable[[], Any]:
        """The key-result form's inline check, each time with wording not seen before (so no
        judgement comes from a cache), as its owner types."""
        client = Client()
        client.force_login(person)
        objective = Objective.objects.filter(owner_person=person, cycle=quarter).first()
        assert objective is not None, "the member owns no objective this quarter"
        path = f"/coach/draft/objectives/{objective.pk}/key-result/"
        typed = iter(range(1_000_000))

        def call() -> Any:
            n = next(typed)
            response = client.post(path, {
                "title": f"Run {n} onboarding workshops for region {n % 17} partners",
                "kind": "increase", "start_value": "0", "target_value": str(n + 5),
            }, HTTP_HX_REQUEST="true")
            assert response.status_code == 200, (path, response.status_code)
            return response

        return call

    scope = CoachScope.organisation(quarter)
    loaded = load_population(None, scope)
    started = time.perf_counter()
    findings = run_checks(loaded.population, loaded.settings)
    checks_once = time.perf_counter() - started
    per_check: dict[str, float] = {}
    from lineofsight.coach.rules import CHECKS

    for name in CHECKS:
        started = time.perf_counter()
        run_checks(loaded.population, loaded.settings, checks=[name])
        per_check[name] = time.perf_counter() - started

    rows = [
        measure("load the facts (HR's view), load_population", lambda: load_population(hr, scope)),
        measure(
            "run every check, run_checks", lambda: run_checks(loaded.population, loaded.settings)
        ),
        measure("full health report, in-process (HR)", lambda: health(hr, quarter)),
        measure("full health report, in-process (a team member)", lambda: health(member, quarter)),
        measure("GET /health/ (HR), server-side", page(hr, f"/health/?cycle={quarter.pk}")),
        measure(
            "GET /health/departments/<id>/ (HR), server-side",
            page(hr, f"/health/departments/{department.pk}/?cycle={quarter.pk}"),
        ),
        measure("GET /api/coach/health (HR)", page(hr, f"/api/coach/health?cycle={quarter.pk}")),
        measure("inline check of a key result as it is typed (its owner)", typing(member)),
        measure(
            "lineofsight coach --json (the operator)",
            lambda: call_command("coach", "--cycle", quarter.name, "--json", stdout=_Null()),
        ),
    ]

    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    population = loaded.population
    print(
        f"\nThe coach at {Person.objects.count():,} people, {engine}, {quarter.name}: "
        f"{len(population.objectives):,} objectives (with the year's), "
        f"{sum(len(o.key_results) for o in population.objectives):,} key results, "
        f"{CheckIn.objects.filter(key_result__cycle=quarter).count():,} check-ins; "
        f"{len(findings):,} findings ({Objective.objects.filter(cycle=quarter).count():,} "
        f"objectives and {KeyResult.objects.filter(cycle=quarter).count():,} key results in "
        f"the quarter itself)"
    )
    width = max(len(r["measure"]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'median':>9}  {'best':>9}  {'CPU':>9}  SQL queries")
    for r in rows:
        print(
            f"{r['measure'].ljust(width)}  {r['median']:8.2f}s  {r['best']:8.2f}s  "
            f"{r['cpu']:8.2f}s  {r['queries']}"
        )
    print("checks, one at a time: " + ", ".join(f"{k} {v:.2f} s" for k, v in per_check.items()))
    print(
        f"(all checks once, cold: {checks_once:.2f} s; budget for the full report: "
        f"< {BUDGET_S:g} s; {args.runs} timed runs each after a warm-up)"
    )


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


if __name__ == "__main__":
    main()
