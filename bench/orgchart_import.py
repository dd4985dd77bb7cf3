"""Benchmark the org-chart import at 10,000 people: dry-run and apply into an empty
organisation, then a re-import of the same file with 5 % of its rows changed.

    .venv/bin/python bench/orgchart_import.py                     # SQLite, a file of its own
    .venv/bin/python bench/orgchart_import.py --people 2000
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE orgchart_bench"
    .venv/bin/python bench/orgchart_import.py \\
        --database-url postgres://postgres@127.0.0.1:5432/orgchart_bench
    psql -h 127.0.0.1 -U postgres -c "DROP DATABASE orgchart_bench"

The file is generated with a realistic hierarchy: one chief executive, managers with 5 to 10
reports each, about eight levels deep; each person in the team of their manager's branch
(department > team > sub-team ...). The re-import changes 5 % of the rows: a new title, a new
manager (someone of the level above) or a new team, and adds 1 % new people. The database is
emptied (flushed and migrated) first: use a database of your own (on PostgreSQL its name must
contain "bench"). It prints the wall time of each step in seconds; it never fails on a timing.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path

import benchdb

BUDGET_S = 30.0


def generate(people: int, seed: int) -> list[list[str]]:
    """Rows of the file, managers before their reports. The chief executive's reports form the
    leadership team and each heads a department; below them about half of the people manage 5
    to 10 others (about eight levels at 10,000 people). A manager's reports share a team inside
    the manager's own, down to six teams deep."""
    rng = random.Random(seed)
    rows = [["p0@bench.test", "Person 0", "", "", "Chief Executive", "no", "2015-01-05"]]
    level: list[tuple[str, tuple[str, ...]]] = [("p0@bench.test", ())]  # (email, unit led)
    n = 1
    while n < people and level:
        top = level[0][0] == "p0@bench.test"
        managers = level if top else [m for m in level if rng.random() < 0.5] or level[:1]
        below: list[tuple[str, tuple[str, ...]]] = []
        for manager, unit in managers:
            for _ in range(rng.randint(5, 10)):
                if n >= people:
                    break
                email = f"p{n}@bench.test"
                team = unit or ("Leadership",)
                if top:
                    led: tuple[str, ...] = (f"Department {n}",)
                else:
                    led = (*unit, f"Team {n}") if len(unit) < 6 else unit
                day = f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                hr = "yes" if n % 97 == 0 else "no"
                rows.append(
                    [email, f"Person {n}", manager, " / ".join(team), f"Title {n % 40}", hr, day]
                )
                below.append((email, led))
                n += 1
        level = below
    return rows


def to_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "name", "manager_email", "team_path", "title", "hr", "start_date"])
    writer.writerows(rows)
    return out.getvalue().encode()


def changed(rows: list[list[str]], seed: int) -> list[list[str]]:
    rng = random.Random(seed + 1)
    rows = [list(r) for r in rows]
    for i in rng.sample(range(1, len(rows)), len(rows) // 20):
        what = rng.choice(["title", "manager", "team"])
        if what == "title":
            rows[i][4] = f"Senior {rows[i][4]}"
        elif what == "manager":
            peer_manager = rows[rng.randrange(0, i)][0]  # someone listed before: no loop
            rows[i][2] = peer_manager
        else:
            rows[i][3] = rows[rng.randrange(1, len(rows))][3] or "Dept 1"
    base = len(rows)
    for k in range(len(rows) // 100):
        rows.append(
            [
                f"new{k}@bench.test",
                f"New person {k}",
                rows[rng.randrange(0, base)][0],
                rows[rng.randrange(1, base)][3],
                "Joiner",
                "no",
                "2026-01-05",
            ]
        )
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--people", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--database-url", help="A PostgreSQL database of your own ('bench').")
    args = p.parse_args()
    if args.database_url:
        name = args.database_url.rsplit("/", 1)[-1].split("?")[0]
        if "bench" not in name or args.database_url == os.environ.get("DATABASE_URL"):
            sys.exit("--database-url: use a database of your own whose name contains 'bench'.")
        url = args.database_url
    else:
        benchdb.RESULTS.mkdir(parents=True, exist_ok=True)
        db = benchdb.RESULTS / "orgchart-import.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{db}"
    benchdb.configure(url, "orgchart")
    sys.path.insert(0, str(benchdb.ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from lineofsight.people import orgchart_apply
    from lineofsight.people.models import Person, Team

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)

    rows = generate(args.people, args.seed)
    first = to_csv(rows)
    second = to_csv(changed(rows, args.seed))
    depth = {"": 0}  # the chief executive is on level 1
    for row in rows:
        depth[row[0]] = depth[row[2]] + 1
    print(
        f"database: {url.split('://')[0]}; file: {len(rows):,} rows, {len(first) / 1e6:.1f} MB, "
        f"{max(depth.values())} levels"
    )

    def timed(label: str, fn):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        result = fn()
        took = time.perf_counter() - start
        flag = "" if took <= BUDGET_S else f"  (over the {BUDGET_S:.0f} s budget)"
        print(f"{label:<44} {took:7.2f} s{flag}")
        return result

    plan = timed(
        "dry-run into an empty organisation",
        lambda: orgchart_apply.dry_run(acting_user=None, data=first),
    )
    assert plan.ok, plan.problems[:5]
    timed(
        "apply into an empty organisation",
        lambda: orgchart_apply.apply_import(
            acting_user=None, data=first, expected_digest=plan.digest
        ),
    )
    print(
        f"  {Person.objects.count():,} people, {Team.objects.count():,} teams, "
        f"{plan.count('create'):,} created"
    )
    plan = timed(
        "dry-run of the re-import (5 % changed)",
        lambda: orgchart_apply.dry_run(acting_user=None, data=second),
    )
    assert plan.ok, plan.problems[:5]
    counts = {k: plan.count(k) for k in ("new_team", "create", "change", "move")}
    timed(
        "apply the re-import",
        lambda: orgchart_apply.apply_import(
            acting_user=None, data=second, expected_digest=plan.digest
        ),
    )
    print(f"  steps: {counts}")
    export = timed("export (CSV)", lambda: orgchart_apply.export(acting_user=None, fmt="csv"))
    timed("export (XLSX)", lambda: orgchart_apply.export(acting_user=None, fmt="xlsx"))
    again = timed(
        "dry-run of the export (no changes)",
        lambda: orgchart_apply.dry_run(acting_user=None, data=export),
    )
    print(f"  steps after a round trip: {len(again.steps)}")


if __name__ == "__main__":
    main()
