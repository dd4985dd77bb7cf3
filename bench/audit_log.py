"""Benchmark the audit log at the size of a 10,000-person organisation's log: the HR page
with each filter, the API and the streamed exports, server-side.

    .venv/bin/python bench/audit_log.py                      # 10,000 people, 500,000 entries
    .venv/bin/python bench/audit_log.py --people 10000 --entries 1000000 --reuse
    .venv/bin/python bench/audit_log.py \\
        --database-url postgres://postgres@127.0.0.1:5432/audit_bench

It builds a database of its own (``bench/results/audit-<entries>.sqlite3``, or a PostgreSQL
database whose name contains "bench"): people made in bulk and audit entries spread over a
year, across people and actions like the product's, some about people. Then it times,
through Django's test client in this process, ``GET /audit/`` (first page, a deep page, each
filter), ``GET /api/audit`` and the two exports of one person's entries, counting SQL queries
on every fourth call. It prints p50 and p95 in milliseconds; it never fails on a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

import benchdb

ACTIONS = [
    "check_in.record",
    "objective.create",
    "objective.update",
    "key_result.update",
    "comment.post",
    "review.share",
    "feedback.submit",
    "person.update",
    "team.add_member",
    "admin.change",
]


def _build(people: int, entries: int, seed: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from lineofsight.core.models import AuditEvent
    from lineofsight.people.models import Person

    if Person.objects.count() >= people and AuditEvent.objects.count() >= entries:
        return
    rng = random.Random(seed)
    password = make_password(None)
    with transaction.atomic():
        Person.objects.bulk_create(
            [
                Person(
                    username=f"p{n}",
                    display_name=f"Person {n}",
                    email=f"p{n}@bench.test",
                    password=password,
                    is_hr_admin=n == 0,
                    is_staff=n == 0,
                )
                for n in range(people)
            ],
            batch_size=2000,
        )
    ids = list(Person.objects.values_list("pk", flat=True))
    now = timezone.now()
    made = 0
    while made < entries:
        batch = []
        for _ in range(min(20000, entries - made)):
            action = rng.choice(ACTIONS)
            about_person = action.startswith(("person.", "admin."))
            batch.append(
                AuditEvent(
                    actor_id=rng.choice(ids) if rng.random() > 0.05 else None,
                    action=action,
                    subject_type="people.person" if about_person else "goals.objective",
                    subject_id=rng.choice(ids) if about_person else rng.randrange(1, 40000),
                    at=now - dt.timedelta(seconds=rng.randrange(0, 365 * 86400)),
                    data={"note": "words", "value": rng.random()},
                )
            )
        with transaction.atomic():
            AuditEvent.objects.bulk_create(batch, batch_size=5000)
        made += len(batch)
        print(f"  {made:,} entries", file=sys.stderr)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--database-url", help="A PostgreSQL database of your own ('bench').")
    p.add_argument("--people", type=int, default=10000)
    p.add_argument("--entries", type=int, default=500000)
    p.add_argument("--requests", type=int, default=24, help="Calls per measure (24).")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--reuse", action="store_true", help="Keep the database if it is there.")
    args = p.parse_args()
    if args.database_url:
        db_name = args.database_url.rsplit("/", 1)[-1]
        if "bench" not in db_name:
            sys.exit("--database-url: use a database of your own whose name contains 'bench'.")
        url = args.database_url
    else:
        benchdb.RESULTS.mkdir(parents=True, exist_ok=True)
        path = benchdb.RESULTS / f"audit-{args.entries}.sqlite3"
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    benchdb.configure(url, "audit")
    sys.path.insert(0, str(benchdb.ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from lineofsight.people.models import Person

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    _build(args.people, args.entries, args.seed)
    hr = Person.objects.get(username="p0")
    client = Client()
    client.force_login(hr)
    someone = Person.objects.get(username="p4242")

    def page(query: dict[str, Any]) -> Any:
        return lambda: client.get("/audit/", query)

    def drain(url: str, query: dict[str, Any]) -> Any:
        def call() -> None:
            response = client.get(url, query)
            for _ in response.streaming_content:
                pass

        return call

    n = args.requests
    day = (dt.datetime.now(tz=dt.UTC).date() - dt.timedelta(days=30)).isoformat()
    measures = [
        ("GET /audit/ (first page)", page({})),
        ("GET /audit/?page=200", page({"page": 200})),
        ("GET /audit/?actor=<person>", page({"actor": someone.username})),
        ("GET /audit/?action=person.", page({"action": "person."})),
        (
            "GET /audit/?subject=<person>",
            page({"subject_type": "people.person", "subject_id": someone.pk}),
        ),
        ("GET /audit/?since=<30 days ago>", page({"since": day})),
        ("GET /audit/?q=review", page({"q": "review"})),
        ("GET /api/audit?limit=500", lambda: client.get("/api/audit", {"limit": 500})),
        ("CSV export, one person's", drain("/audit/export.csv", {"actor": someone.username})),
        ("JSON export, one month", drain("/audit/export.json", {"since": day})),
    ]
    print(f"audit log: {args.people:,} people, {args.entries:,} entries ({url.split(':')[0]})")
    print(f"{'measure':<34} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'queries':>8}")
    for label, call in measures:
        calls = [call] * (n if "export" not in label else max(4, n // 4))
        row = benchdb.timed(label, calls, args.warmup)
        print(
            f"{label:<34} {row['p50']:>8.1f} {row['p95']:>8.1f} {row['cpu_p50']:>8.1f} "
            f"{row['queries']:>8}"
        )


if __name__ == "__main__":
    main()
