"""Benchmark the OKR graph's export on the 10,000-person organisation, side by side with a
bare SELECT of the same rows.

    .venv/bin/python bench/export_graph.py                      # SQLite, a copy of its own
    psql -h 127.0.0.1 -U postgres -c \\
        "CREATE DATABASE export_graph_bench TEMPLATE lineofsight_bench"
    .venv/bin/python bench/export_graph.py \\
        --database-url postgres://postgres@127.0.0.1:5432/export_graph_bench

The organisation is the one ``bench/cascade.py --people 10000`` builds (see ``benchdb``).
For the quarter (and for everything), it times:

* the bare SELECT: the columns the export reads, of the objectives, key results, alignment
  links, initiatives, check-ins and revisions in scope, fetched through the database driver
  with no conversion at all;
* the export as HR: the JSON stream, read to its end (``graph.stream``);
* the export as one manager (what they may see, through the access policy).

It prints the median of ``--requests`` runs (after one untimed run) of each: wall and CPU
seconds and their ratios to the bare SELECT, the SQL queries, and the rows fetched or the
bytes written; it never fails on a timing. On a busy machine compare the CPU columns on
SQLite (which works inside the process); on PostgreSQL the server's work is in wall time.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb  # noqa: E402

TARGET_RATIO = 3.0

# What the export reads of each table (``goals.exchange.graph``), and how it reaches the
# objective's cycle.
TABLES = {
    "objectives": (
        "goals_objective",
        "id, cycle_id, title, description, level, owner_person_id, owner_team_id, visibility, "
        "state, commitment, progress_mode, is_development, rationale, computed_grade, "
        "adjusted_grade, grade_reason, created_at, created_by_id, progress",
        "",
    ),
    "key_results": (
        "goals_keyresult",
        "id, objective_id, cycle_id, title, kind, unit, start_value, target_value, signal, "
        "weight, owner_id, source, state, position, computed_grade, adjusted_grade, "
        "grade_reason, created_at, progress, current_value, done, confidence",
        "objective_id",
    ),
    "alignment_links": (
        "goals_alignmentlink",
        "id, child_id, parent_objective_id, parent_key_result_id, kind, weight, state, "
        "created_at, created_by_id, decided_at, ended_at, end_reason",
        "child_id",
    ),
    "initiatives": (
        "goals_initiative",
        "id, key_result_id, title, owner_id, state, link, created_at",
        "key_result",
    ),
    "check_ins": (
        "goals_checkin",
        "id, key_result_id, value, done, confidence, note, author_id, recorded_at, "
        "amendment_reason",
        "key_result",
    ),
    "objective_revisions": (
        "goals_objectiverevision",
        "id, objective_id, number, title, description, state, commitment, visibility, "
        "progress_mode, rationale, reason, author_id, valid_from",
        "objective_id",
    ),
    "key_result_revisions": (
        "goals_keyresultrevision",
        "id, key_result_id, number, title, kind, unit, start_value, target_value, signal, "
        "weight, source, state, owner_id, reason, author_id, valid_from",
        "key_result",
    ),
}


def bare_select(cycle_ids: list[int] | None) -> int:
    """Fetch the same rows as the export with plain SQL; returns the number of rows."""
    from django.db import connection

    rows = 0
    in_cycles = ""
    if cycle_ids is not None:
        in_cycles = ", ".join(str(int(pk)) for pk in cycle_ids)
    with connection.cursor() as cursor:
        for table, columns, via in TABLES.values():
            sql = f"SELECT {columns} FROM {table}"  # noqa: S608 - fixed names and ids
            if in_cycles:
                if via == "":
                    sql += f" WHERE cycle_id IN ({in_cycles})"
                elif via == "key_result":
                    objectives = f"SELECT id FROM goals_objective WHERE cycle_id IN ({in_cycles})"  # noqa: S608
                    krs = f"SELECT id FROM goals_keyresult WHERE objective_id IN ({objectives})"  # noqa: S608
                    sql += f" WHERE key_result_id IN ({krs})"
                else:
                    objectives = f"SELECT id FROM goals_objective WHERE cycle_id IN ({in_cycles})"  # noqa: S608
                    sql += f" WHERE {via} IN ({objectives})"
            cursor.execute(sql)
            rows += len(cursor.fetchall())
        # The two small lookups the export also makes: people's emails and teams' paths.
        cursor.execute("SELECT id, email, username FROM people_person")
        rows += len(cursor.fetchall())
        cursor.execute("SELECT id, name, parent_id, kind FROM people_team")
        rows += len(cursor.fetchall())
    return rows


def run_export(scope: Any) -> int:
    from lineofsight.goals.exchange import graph

    return sum(len(piece) for piece in graph.stream(scope))


def measure(label: str, call: Any, runs: int) -> dict[str, Any]:
    """Wall and CPU time (this process's: SQLite works inside it) of ``runs`` calls, after
    one untimed call counted in SQL queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = call()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {
        "label": label,
        "median": statistics.median(wall),
        "cpu": statistics.median(cpu),
        "result": result,
        "queries": len(captured.captured_queries),
    }


def main() -> int:
    parser = benchdb.parser(__doc__ or "", requests=1)
    parser.add_argument("--hr-only", action="store_true", help="Leave out the manager's export.")
    args = parser.parse_args()
    benchdb.start(args, "export_graph")
    runs = max(1, args.requests)

    from django.db import connection
    from django.db.models import Count

    from lineofsight.goals.exchange import graph
    from lineofsight.goals.models import Cycle, KeyResult, Objective
    from lineofsight.people.models import Person

    quarter = (
        Cycle.objects.filter(kind="quarter")
        .order_by()
        .values("pk")
        .annotate(n=Count("objectives"))
        .order_by("-n")
        .first()
    )
    if quarter is None:
        sys.exit("No quarter in the benchmark organisation: build it with bench/cascade.py.")
    cycle = Cycle.objects.get(pk=quarter["pk"])
    hr = Person.objects.filter(is_hr_admin=True, is_active=True).order_by("pk").first()
    manager = (
        Person.objects.filter(reports__isnull=False, is_hr_admin=False)
        .order_by("pk")
        .distinct()
        .first()
    )
    objectives = Objective.objects.filter(cycle=cycle).count()
    krs = KeyResult.objects.filter(objective__cycle=cycle).count()
    print(
        f"OKR graph export on {connection.vendor}: {Person.objects.count():,} people; "
        f"{cycle.name}: {objectives:,} objectives, {krs:,} key results"
    )
    results = []
    cycle_ids = graph.Scope(cycle=cycle).cycle_ids()
    bare = measure(f"bare SELECT, {cycle.name}", lambda: bare_select(cycle_ids), runs)
    results.append(bare)
    scopes = [("export as HR", graph.Scope(cycle=cycle, viewer=hr))]
    if manager is not None and not args.hr_only:
        scopes.append(("export as a manager", graph.Scope(cycle=cycle, viewer=manager)))
    for label, scope in scopes:
        row = measure(f"{label}, {cycle.name}", lambda s=scope: run_export(s), runs)
        row["ratio"] = row["median"] / bare["median"]
        row["cpu_ratio"] = row["cpu"] / bare["cpu"] if bare["cpu"] else 0.0
        results.append(row)
    print(
        f"{'measure':<44} {'wall s':>7} {'x bare':>7} {'cpu s':>7} {'x bare':>7} "
        f"{'queries':>8} {'rows / bytes':>14}"
    )
    for row in results:
        ratio = f"{row['ratio']:.2f}" if "ratio" in row else ""
        cpu_ratio = f"{row['cpu_ratio']:.2f}" if "cpu_ratio" in row else ""
        print(
            f"{row['label']:<44} {row['median']:>7.2f} {ratio:>7} {row['cpu']:>7.2f} "
            f"{cpu_ratio:>7} {row['queries']:>8} {row['result']:>14,}"
        )
    hr_row = results[1]
    verdict = "within" if hr_row["ratio"] <= TARGET_RATIO else "over"
    print(
        f"HR export: {hr_row['ratio']:.2f}x the bare SELECT in wall time "
        f"({verdict} the {TARGET_RATIO:g}x target)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
