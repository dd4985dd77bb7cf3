"""Benchmark the evidence pack on a generated organisation: one person's pack, server-side,
as of the end of the OKR quarter, and the team context a manager reads first.

    .venv/bin/python bench/evidence.py                       # SQLite copy of the cascade
    .venv/bin/python bench/evidence.py \\
        --database-url postgres://postgres@127.0.0.1:5432/evidence_bench

It works on a database of its own built from the cascade benchmark's organisation: by
default a copy of ``bench/results/cascade-10000.sqlite3`` (``evidence-10000.sqlite3``,
migrated); with ``--database-url`` a PostgreSQL database whose name contains "bench" (make it
with ``CREATE DATABASE evidence_bench TEMPLATE lineofsight_bench``, drop it afterwards).

In that copy the generated quarter is ended yesterday when it has not ended yet (its later
check-ins then do not count, as in a real review), a next quarter is made for the forward
drafts, and a review cycle over ``--people`` people (default 300) is created and launched
through the review-cycle actions. Then it times, as each person's reviewing manager:

1. keeping the quarter's figures as of its end (``record_end_figures``), once: the task
   that closing the quarter or launching the review cycle queues, off the request path (the
   launch above runs it; on its own when an earlier run left none);
2. the evidence pack page, ``GET /reviews/<id>/evidence/``, through Django's test client;
3. the pack over the API, ``GET /api/reviews/<id>/evidence``;
4. the pack alone, in-process (``evidence_pack``);
5. the team context, ``GET /reviews/cycles/<id>/teams/<team id>/``.

Every fourth call is counted in SQL queries and left out of the timings. Besides the wall
time it prints the CPU time of the benchmark process for each call (the server-side work
without the waiting, which is what a loaded machine inflates). It prints the figures; it
never fails on a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Callable
from typing import Any

import benchdb

BUDGET_PACK_P95_MS = 150.0


def prepare(args: argparse.Namespace, rng: random.Random) -> tuple[Any, list[Any]]:
    """End the quarter (in the copy), make the next one and a launched review cycle."""
    from django.utils import timezone

    from lineofsight.goals import actions
    from lineofsight.goals.models import Cycle, KeyResult
    from lineofsight.people.models import Person
    from lineofsight.reviews.cycles.actions import create_review_cycle, launch_review_cycle
    from lineofsight.reviews.cycles.template_actions import ensure_default_template
    from lineofsight.reviews.models import Review, ReviewCycle

    existing = ReviewCycle.objects.filter(name="Evidence benchmark").first()
    if existing is not None:
        return existing, list(Review.objects.filter(review_cycle=existing))
    quarter = Cycle.objects.filter(kind="quarter").order_by("-start_date").first()
    if quarter is None:
        sys.exit("No quarter: rebuild the organisation with bench/cascade.py.")
    today = timezone.localdate()
    if quarter.end_date >= today:
        Cycle.objects.filter(pk=quarter.pk).update(end_date=today - dt.timedelta(days=1))
        quarter.refresh_from_db()
    hr = Person.objects.filter(is_hr_admin=True, is_active=True).order_by("pk").first()
    assert hr is not None
    following = actions.create_cycle(
        acting_user=None,
        name=f"Next quarter from {quarter.end_date + dt.timedelta(days=1):%d %b %Y}",
        kind="quarter",
        start_date=quarter.end_date + dt.timedelta(days=1),
        end_date=quarter.end_date + dt.timedelta(days=91),
        parent=quarter.parent,
        state="active",
    )
    owners = list(
        KeyResult.objects.filter(cycle=quarter, objective__owner_person__isnull=False)
        .exclude(owner__manager__isnull=True)
        .values_list("owner_id", flat=True)
        .distinct()[:5000]
    )
    people = list(Person.objects.filter(pk__in=rng.sample(owners, min(args.people, len(owners)))))
    start = max(today, quarter.start_date)
    cycle = create_review_cycle(
        acting_user=hr,
        name="Evidence benchmark",
        kind="quarter",
        goal_cycle=quarter,
        next_goal_cycle=following,
        template=ensure_default_template(acting_user=hr),
        population="people",
        population_people=people,
        self_review_due=start + dt.timedelta(days=7),
        peer_feedback_due=start + dt.timedelta(days=14),
        manager_review_due=start + dt.timedelta(days=21),
        calibration_due=start + dt.timedelta(days=28),
        sharing_due=start + dt.timedelta(days=35),
    )
    launch_review_cycle(review_cycle=cycle, acting_user=hr)
    return cycle, list(Review.objects.filter(review_cycle=cycle))


def main() -> None:
    parser = benchdb.parser(__doc__, requests=100, warmup=5, seed=17)
    parser.add_argument("--people", type=int, default=300, help="Reviews in the cycle (300).")
    args = parser.parse_args()
    url = benchdb.start(args, "evidence")

    from django.test import Client

    from lineofsight.goals.models import KeyResult, Objective
    from lineofsight.people.models import Membership, Person
    from lineofsight.reviews.evidence.actions import record_end_figures
    from lineofsight.reviews.evidence.models import CycleEndFigures
    from lineofsight.reviews.evidence.selectors import evidence_pack

    rng = random.Random(args.seed)
    cycle, reviews = prepare(args, rng)
    reviews = [r for r in reviews if r.manager_id]
    quarter = cycle.goal_cycle
    kept = CycleEndFigures.objects.filter(cycle=quarter).first()
    if kept is None:
        kept = record_end_figures(acting_user=None, cycle=quarter)
    managers = {p.pk: p for p in Person.objects.filter(pk__in={r.manager_id for r in reviews})}
    clients: dict[int, Any] = {}

    def client_for(person_id: int) -> Any:
        if person_id not in clients:
            c = Client()
            c.force_login(managers[person_id])
            clients[person_id] = c
        return clients[person_id]

    picks = [rng.choice(reviews) for _ in range(args.requests + args.warmup)]

    def page(review: Any, path: str) -> Callable[[], Any]:
        def call() -> Any:
            response = client_for(review.manager_id).get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code}")
            return response

        return call

    rows = [
        benchdb.timed(
            "evidence pack page, GET /reviews/<id>/evidence/",
            [page(r, f"/reviews/{r.pk}/evidence/") for r in picks],
            args.warmup,
        ),
        benchdb.timed(
            "evidence pack API, GET /api/reviews/<id>/evidence",
            [page(r, f"/api/reviews/{r.pk}/evidence") for r in picks],
            args.warmup,
        ),
        benchdb.timed(
            "evidence pack in-process (evidence_pack)",
            [(lambda r=r: evidence_pack(managers[r.manager_id], r)) for r in picks],
            args.warmup,
        ),
    ]
    led = {
        r.pk: team_id
        for r in reviews
        for team_id in Membership.objects.filter(
            person_id=r.subject_id, team__lead_id=r.manager_id
        ).values_list("team_id", flat=True)[:1]
    }
    with_team = [r for r in picks if r.pk in led] or []
    if with_team:
        rows.append(
            benchdb.timed(
                "team context, GET /reviews/cycles/<id>/teams/<id>/",
                [page(r, f"/reviews/cycles/{cycle.pk}/teams/{led[r.pk]}/") for r in with_team],
                min(args.warmup, len(with_team) // 2),
            )
        )
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"\nEvidence pack at {Person.objects.count():,} people, {engine}: "
        f"{Objective.objects.filter(cycle=quarter).count():,} objectives and "
        f"{KeyResult.objects.filter(cycle=quarter).count():,} key results in {quarter.name}, "
        f"{len(reviews):,} reviews"
    )
    print(
        f"figures as of the end kept once: {kept.seconds:.1f} s "
        f"({kept.objectives:,} objectives, {kept.key_results:,} aligned key results)"
    )
    width = max(len(r["measure"]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'p50':>9}  {'p95':>9}  {'CPU p50 / p95':>17}  SQL queries")
    for r in rows:
        print(
            f"{r['measure'].ljust(width)}  {r['p50']:6.1f} ms  {r['p95']:6.1f} ms  "
            f"{r['cpu_p50']:6.1f} / {r['cpu_p95']:6.1f} ms  {r['queries']}"
        )
    print(
        f"(budget: the pack's p95 < {BUDGET_PACK_P95_MS:g} ms server-side; "
        f"{rows[0]['samples']} samples per measure)"
    )


if __name__ == "__main__":
    main()
