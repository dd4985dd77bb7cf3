"""Benchmark the dashboards on a copy of the generated organisation: the snapshot job, the
leadership, team and person dashboards (pages and API), server-side.

    .venv/bin/python bench/dashboards.py
    .venv/bin/python bench/dashboards.py --reuse
    .venv/bin/python bench/dashboards.py \\
        --database-url postgres://postgres@127.0.0.1:5432/lineofsight_dashboards_bench \\
        --template lineofsight_bench

It never touches the organisation it starts from: on SQLite it copies
bench/results/cascade-<people>.sqlite3 (built by bench/cascade.py) to
bench/results/dashboards-<people>.sqlite3; on PostgreSQL it creates its own database (whose
name must contain "bench") from the template database and drops it at the end (--keep keeps
it). It prints figures next to their budgets and never fails on a slow one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from cascade import RESULTS, Row, configure_environment, print_table

BUDGET_LEADERSHIP_P95_MS = 150.0
BUDGET_TEAM_P95_MS = 100.0


# ---------------------------------------------------------------------------------------
# The benchmark's own copy


def _pg_settings(url: str) -> dict[str, Any]:
    import dj_database_url

    db = dj_database_url.parse(url)
    if "postgresql" not in db["ENGINE"]:
        sys.exit("--database-url: use a postgres:// address.")
    name = str(db["NAME"])
    if "bench" not in name:
        sys.exit(f"--database-url: the database name must contain 'bench' (got {name!r}).")
    return db


def _pg_connect(db: dict[str, Any]) -> Any:
    import psycopg

    return psycopg.connect(
        dbname="postgres",
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
    )


def copy_postgres(url: str, template: str, wait: float = 600.0) -> None:
    """CREATE DATABASE <ours> TEMPLATE <template>; waits while others use the template."""
    from psycopg import errors, sql

    db = _pg_settings(url)
    if template == db["NAME"]:
        sys.exit("--template: pick the organisation to copy, not the benchmark's own database.")
    deadline = time.monotonic() + wait
    with _pg_connect(db) as conn:
        name = sql.Identifier(str(db["NAME"]))
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        while True:
            try:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        name, sql.Identifier(template)
                    )
                )
                return
            except errors.ObjectInUse:
                if time.monotonic() > deadline:
                    sys.exit(f"--template: {template} stayed in use; try again later.")
                time.sleep(5)


def drop_postgres(url: str) -> None:
    from psycopg import sql

    db = _pg_settings(url)
    with _pg_connect(db) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(str(db["NAME"]))
            )
        )


def copy_sqlite(people: int, reuse: bool) -> str:
    source = RESULTS / f"cascade-{people}.sqlite3"
    target = RESULTS / f"dashboards-{people}.sqlite3"
    if not (reuse and target.exists()):
        if not source.exists():
            sys.exit(f"{source} is missing: build it with bench/cascade.py --people {people}.")
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        shutil.copyfile(source, target)
    return f"sqlite:///{target}"


# ---------------------------------------------------------------------------------------
# Measurements


def time_snapshots(quarter: Any, *, backfill_too: bool = True) -> list[Row]:
    from lineofsight.insights.actions import take_snapshots

    rows = []
    runs = (("snapshot --backfill (the quarter's weeks)", True),
            ("snapshot (a regular run)", False))
    for label, backfill in runs if backfill_too else runs[1:]:
        started = time.perf_counter()
        reports = take_snapshots(acting_user=None, cycles=[quarter], backfill=backfill)
        elapsed = (time.perf_counter() - started) * 1000
        row = Row(label)
        row.samples.append(elapsed)
        at_risk = next((r.at_risk for r in reports if r.at_risk is not None), 0)
        row.note = (
            f"{len(reports)} week{'s' if len(reports) != 1 else ''}, "
            f"{reports[-1].key_results:,} key results, {sum(r.rows for r in reports):,} rows, "
            f"{at_risk:,} at risk" if reports else "nothing to do"
        )
        rows.append(row)
    return rows


def viewers() -> tuple[Any, Any]:
    """An executive (figures over every objective) and a regular team member (public
    figures; the access policy does its full work)."""
    from lineofsight.people.models import Person, Team

    executive = Person.objects.filter(is_active=True, is_executive=True).order_by("pk").first()
    if executive is None:
        executive = Person.objects.filter(is_active=True, is_hr_admin=True).order_by("pk").first()
    leads = Team.objects.exclude(lead__isnull=True).values("lead_id")
    member = (
        Person.objects.filter(is_active=True, is_hr_admin=False, is_executive=False)
        .exclude(pk__in=leads)
        .exclude(manager__isnull=True)
        .order_by("pk")
        .first()
    )
    assert executive is not None and member is not None
    return executive, member


def measure(label: str, viewer: Any, paths: list[str], warmup: int, budget: float) -> Row:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    row = Row(f"{label}, server-side", budget=f"p95 < {budget:g} ms")
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    statuses: set[int] = set()
    for n, path in enumerate(paths):
        if n >= warmup and n % 4 == 0:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            row.queries.append(len(captured.captured_queries))
        else:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            if n >= warmup:
                row.samples.append(elapsed)
        statuses.add(response.status_code)
    bad = sorted(s for s in statuses if s != 200)
    if bad:
        row.note = f"answered {', '.join(map(str, bad))}"
    p95 = row.pct(0.95)
    row.within = p95 is not None and p95 < budget
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000, help="Size of the organisation.")
    parser.add_argument(
        "--database-url",
        help="A PostgreSQL database of the benchmark's own (its name must contain 'bench'), "
        "made from --template. Default: a SQLite copy in bench/results/.",
    )
    parser.add_argument(
        "--template", default="lineofsight_bench", help="PostgreSQL database to copy."
    )
    parser.add_argument("--reuse", action="store_true", help="Use the copy already made.")
    parser.add_argument("--keep", action="store_true", help="Keep the PostgreSQL copy.")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="With --reuse: time the pages only, on the figures the copy already holds.",
    )
    parser.add_argument(
        "--no-backfill",
        action="store_true",
        help="Take the week in progress only (a regular run), not every week of the quarter: "
        "the pages then show one week's figures, with the same queries.",
    )
    parser.add_argument("--requests", type=int, default=100, help="Requests per route to time.")
    parser.add_argument("--warmup", type=int, default=10, help="Untimed calls before each series.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", metavar="PATH", help="Also write the figures to this file.")
    args = parser.parse_args(argv)
    if args.pages_only and not args.reuse:
        parser.error("--pages-only: only with --reuse (a fresh copy has no figures yet).")

    if args.database_url:
        url = args.database_url
        if not args.reuse:
            copy_postgres(url, args.template)
    else:
        url = copy_sqlite(args.people, args.reuse)
    configure_environment(url)
    # Static files of its own (the pages link their hashed names), next to its database.
    data_dir = RESULTS / "dashboards"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["LOS_DATA_DIR"] = str(data_dir)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from lineofsight.goals.models import CheckIn, Cycle, KeyResult, Objective
    from lineofsight.people.models import Person, Team

    try:
        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)
        quarter = (
            Cycle.objects.filter(kind="quarter", state="active").order_by("-start_date").first()
        )
        if quarter is None:
            sys.exit("The organisation has no active quarter.")
        where = connection.vendor
        counts = (
            f"{Person.objects.count():,} people, "
            f"{Team.objects.filter(kind='team').count():,} teams, "
            f"{Objective.objects.count():,} objectives, {KeyResult.objects.count():,} key "
            f"results, {CheckIn.objects.count():,} check-ins"
        )
        rows = (
            [] if args.pages_only else time_snapshots(quarter, backfill_too=not args.no_backfill)
        )

        rng = random.Random(args.seed)
        n = args.requests + args.warmup
        q = quarter.pk
        teams = list(Team.objects.filter(kind="team").values_list("pk", flat=True))
        department = Team.objects.filter(kind="department").order_by("pk").first()
        assert department is not None
        executive, member = viewers()
        people = list(
            Person.objects.filter(is_active=True, key_results__cycle=quarter)
            .values_list("pk", flat=True)
            .distinct()[:2000]
        )
        plans = [
            ("leadership dashboard (executive)", executive, [f"/dashboards/?cycle={q}"] * n,
             BUDGET_LEADERSHIP_P95_MS),
            ("leadership dashboard (member)", member, [f"/dashboards/?cycle={q}"] * n,
             BUDGET_LEADERSHIP_P95_MS),
            ("leadership with a department's teams", executive,
             [f"/dashboards/?cycle={q}&department={department.pk}"] * n,
             BUDGET_LEADERSHIP_P95_MS),
            ("GET /api/dashboards/leadership", member,
             [f"/api/dashboards/leadership?cycle={q}"] * n, BUDGET_LEADERSHIP_P95_MS),
            ("team dashboard", member,
             [f"/dashboards/teams/{rng.choice(teams)}/?cycle={q}" for _ in range(n)],
             BUDGET_TEAM_P95_MS),
            ("GET /api/dashboards/teams/{id}", member,
             [f"/api/dashboards/teams/{rng.choice(teams)}?cycle={q}" for _ in range(n)],
             BUDGET_TEAM_P95_MS),
            ("person dashboard", member,
             [f"/dashboards/people/{rng.choice(people)}/?cycle={q}" for _ in range(n)],
             BUDGET_TEAM_P95_MS),
            ("GET /api/dashboards/people/{id}", member,
             [f"/api/dashboards/people/{rng.choice(people)}?cycle={q}" for _ in range(n)],
             BUDGET_TEAM_P95_MS),
        ]
        for label, viewer, paths, budget in plans:
            rows.append(measure(label, viewer, paths, args.warmup, budget))
        print_table(f"Line of Sight dashboards benchmark on {where}: {counts}", rows)
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "database": where,
                        "organisation": counts,
                        "rows": [r.as_dict() for r in rows],
                    },
                    indent=2,
                )
            )
    finally:
        connections.close_all()
        if args.database_url and not args.keep:
            drop_postgres(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
