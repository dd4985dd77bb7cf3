"""Benchmark review cycles on the generated organisation: launching a cycle over everyone
(a review, a self review and a manager review per person, with their OKR attainment), then
HR's cycle page and the ratings CSV of that cycle.

    .venv/bin/python bench/review_launch.py                     # SQLite copy of the cascade
    .venv/bin/python bench/review_launch.py \\
        --database-url postgres://postgres@127.0.0.1:5432/reviews_bench

It works on a database of its own, built from the cascade benchmark's organisation (see
``bench/benchdb.py``): by default a copy ``bench/results/reviews-10000.sqlite3`` of
``cascade-10000.sqlite3``, migrated. When the latest quarter is still active it is closed
first, so the objectives have grades and the launch records real OKR attainment; that and
each launch are rolled back, so the database is left as it was. It prints the figures; it
never fails on a timing.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import Any

import benchdb

BUDGET_LAUNCH_S = 10.0  # "10,000 people in seconds"


def main() -> None:
    parser = benchdb.parser(__doc__, requests=12)
    parser.add_argument("--launches", type=int, default=3, help="Times the cycle is launched (3).")
    args = parser.parse_args()
    url = benchdb.start(args, "reviews")

    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lineofsight.goals import actions
    from lineofsight.goals.models import Cycle
    from lineofsight.people.models import Person
    from lineofsight.reviews.cycles.actions import create_review_cycle, launch_review_cycle
    from lineofsight.reviews.cycles.template_actions import ensure_default_template
    from lineofsight.reviews.models import Feedback, Review

    quarter = Cycle.objects.filter(kind="quarter").order_by("-start_date").first()
    if quarter is None:
        sys.exit("No quarter: rebuild the organisation with bench/cascade.py.")
    hr = Person.objects.filter(is_hr_admin=True, is_active=True).order_by("pk").first()
    assert hr is not None
    people = Person.objects.filter(is_active=True).count()

    def create(n: int) -> Any:
        start = quarter.start_date
        return create_review_cycle(
            acting_user=hr,
            name=f"Bench reviews {n}",
            goal_cycle=quarter,
            template=ensure_default_template(acting_user=hr),
            **{
                field: start + dt.timedelta(days=100 + 7 * i)
                for i, field in enumerate(
                    (
                        "self_review_due",
                        "peer_feedback_due",
                        "manager_review_due",
                        "calibration_due",
                        "sharing_due",
                    )
                )
            },
        )

    launch_s: list[float] = []
    launch_queries: list[int] = []
    pages: list[tuple[str, list[float], int]] = []
    reviews = feedback = with_attainment = 0
    with transaction.atomic():
        if quarter.state != Cycle.State.CLOSED:
            # Close the quarter first (rolled back at the end) so every objective has its
            # grade and the launch records real OKR attainment.
            actions.set_cycle_state(acting_user=hr, cycle=quarter, state=Cycle.State.CLOSED)
        for n in range(args.launches):
            with transaction.atomic():
                cycle = create(n)
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    launch_review_cycle(review_cycle=cycle, acting_user=hr)
                    launch_s.append(time.perf_counter() - started)
                launch_queries.append(len(captured.captured_queries))
                reviews = Review.objects.filter(review_cycle=cycle).count()
                feedback = Feedback.objects.filter(review__review_cycle=cycle).count()
                with_attainment = Review.objects.filter(
                    review_cycle=cycle, attainment__isnull=False
                ).count()
                if n == 0:
                    pages = measure_pages(Client, hr, cycle.pk, args.requests)
                transaction.set_rollback(True)
        transaction.set_rollback(True)

    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"\nReview cycles at {people:,} active people, {engine}: {reviews:,} reviews, "
        f"{feedback:,} feedback rows, {with_attainment:,} with OKR attainment ({quarter.name})"
    )
    ordered = sorted(launch_s)
    print(
        f"launch over the organisation: p50 {benchdb.percentile(ordered, 0.5):.2f} s, "
        f"max {ordered[-1]:.2f} s, {min(launch_queries)}-{max(launch_queries)} SQL queries "
        f"({len(launch_s)} launches, each rolled back; budget: a few seconds, here "
        f"{BUDGET_LAUNCH_S:g} s at most)"
    )
    for label, samples, queries in pages:
        ordered = sorted(samples)
        print(
            f"{label}: p50 {benchdb.percentile(ordered, 0.5):.1f} ms, "
            f"p95 {benchdb.percentile(ordered, 0.95):.1f} ms, {queries} SQL queries"
        )


def measure_pages(client_class: Any, hr: Any, cycle_id: int, requests: int) -> list[Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_class()
    client.force_login(hr)
    out = []
    for label, path, stream in (
        (
            "cycle page with progress and the first page of reviews (HR)",
            f"/reviews/cycles/{cycle_id}/",
            False,
        ),
        ("GET /api/review-cycles/<id> (HR)", f"/api/review-cycles/{cycle_id}", False),
        (
            "ratings CSV, every review streamed (HR)",
            f"/reviews/cycles/{cycle_id}/ratings.csv",
            True,
        ),
    ):
        samples: list[float] = []
        queries = 0
        for n in range(requests + 1):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                if stream:
                    b"".join(response.streaming_content)
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (path, response.status_code)
            if n:  # the first call warms up
                samples.append(elapsed)
            queries = len(captured.captured_queries)
        out.append((label, samples, queries))
    return out


if __name__ == "__main__":
    main()
