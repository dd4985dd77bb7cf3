"""Benchmark search on the 10,000-person organisation: what the navigation's box asks as
someone types, the results page and the API, server-side, as an employee and as HR.

    .venv/bin/python bench/search.py                         # SQLite copy of the cascade
    .venv/bin/python bench/search.py --source /elsewhere/cascade-10000.sqlite3
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE search_bench TEMPLATE lineofsight_bench"
    .venv/bin/python bench/search.py \\
        --database-url postgres://postgres@127.0.0.1:5432/search_bench
    psql -h 127.0.0.1 -U postgres -c "DROP DATABASE search_bench"

It works on a database of its own made from the cascade benchmark's organisation
(``bench/cascade.py --people 10000``): a SQLite copy (``search-10000.sqlite3`` beside the
source, or ``--copy``), or a PostgreSQL database whose name contains "bench". Migrating the
copy builds the search index (the search app's first migration fills it from the data).
It times, through Django's test client in this process (server-side), the list the box shows
as you type (``GET /search/?q=`` as htmx), the results page and ``GET /api/search``, and the
selector in-process, for typical queries: one to four letters as typed, full words, a
person's name and a word nothing matches. Every fourth call counts its SQL queries. It
prints p50 and p95 in milliseconds, of wall time and of this process's CPU time (on SQLite
the database works inside it; CPU time is far less disturbed by a busy machine); it never
fails on a timing.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import benchdb

BUDGET_P95_MS = 100.0


def database(args: Any) -> str:
    if args.database_url:
        return benchdb.database_url(args, "search")
    source = Path(args.source)
    copy = Path(args.copy) if args.copy else source.with_name("search-10000.sqlite3")
    if not copy.exists() or args.fresh_copy:
        if not source.exists():
            sys.exit(f"{source} is missing: build it with bench/cascade.py --people 10000.")
        for suffix in ("", "-wal", "-shm"):
            Path(str(copy) + suffix).unlink(missing_ok=True)
        shutil.copyfile(source, copy)
    return f"sqlite:///{copy}"


def main() -> None:
    parser = benchdb.parser(__doc__, requests=60, warmup=5, seed=7)
    parser.add_argument("--source", default=str(benchdb.SOURCE), help="The organisation to copy.")
    parser.add_argument("--copy", help="Where to put the SQLite copy (default: beside it).")
    args = parser.parse_args()
    url = database(args)
    benchdb.configure(url, "search")
    if not args.database_url:
        os.environ["LOS_DATA_DIR"] = str(Path(url.removeprefix("sqlite:///")).parent / "search")
    sys.path.insert(0, str(benchdb.ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    from lineofsight.people.models import Person, Team
    from lineofsight.search import selectors

    leads = Team.objects.exclude(lead__isnull=True).values("lead_id")
    employee = (
        Person.objects.filter(is_active=True, is_hr_admin=False, manager__isnull=False)
        .exclude(pk__in=leads)
        .order_by("pk")
        .first()
    )
    hr = Person.objects.filter(is_active=True, is_hr_admin=True).order_by("pk").first()
    assert employee is not None and hr is not None
    someone = Person.objects.filter(is_active=True).order_by("-pk").first()
    assert someone is not None
    queries = {
        "1 letter as typed ('d')": "d",
        "2 letters ('da')": "da",
        "3 letters ('dat')": "dat",
        "4 letters ('data')": "data",
        "full words ('data warehouse migration')": "data warehouse migration",
        f"a person's name ('{someone.name}')": someone.name,
        "no hit ('zyxwvut')": "zyxwvut",
    }
    n = args.requests + args.warmup
    rows = []
    for role, person in (("employee", employee), ("HR", hr)):
        client = Client()
        client.force_login(person)

        def box(text: str, c: Client = client) -> Callable[[], Any]:
            def call() -> Any:
                response = c.get(
                    "/search/",
                    {"q": text},
                    headers={"HX-Request": "true", "HX-Target": "site-search-results"},
                )
                assert response.status_code == 200, response.status_code
                return response

            return call

        for label, text in queries.items():
            rows.append(benchdb.timed(f"box, {label}, {role}", [box(text)] * n, args.warmup))

        def page(c: Client = client) -> Any:
            response = c.get("/search/", {"q": "data"})
            assert response.status_code == 200
            return response

        def api(c: Client = client) -> Any:
            response = c.get("/api/search", {"q": "data"})
            assert response.status_code == 200
            return response

        rows.append(benchdb.timed(f"results page ('data'), {role}", [page] * n, args.warmup))
        rows.append(benchdb.timed(f"GET /api/search?q=data, {role}", [api] * n, args.warmup))
        rows.append(
            benchdb.timed(
                f"selector in-process ('da'), {role}",
                [lambda p=person: selectors.search(p, "da")] * n,
                args.warmup,
            )
        )

    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"\nSearch on {engine}, {Person.objects.count():,} people; milliseconds; server-side.")
    width = max(len(r["measure"]) for r in rows)
    print(
        f"{'measure':<{width}}  {'p50':>7}  {'p95':>7}  {'CPU p50':>7}  {'CPU p95':>7}  "
        f"{'queries':>7}  budget p95<100"
    )
    for r in rows:
        ok = "ok" if r["p95"] < BUDGET_P95_MS else "OVER"
        print(
            f"{r['measure']:<{width}}  {r['p50']:7.1f}  {r['p95']:7.1f}  {r['cpu_p50']:7.1f}  "
            f"{r['cpu_p95']:7.1f}  {r['queries']:>7}  {ok}"
        )


if __name__ == "__main__":
    main()
