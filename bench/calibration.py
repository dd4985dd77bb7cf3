"""Benchmark calibration on the 10,000-person organisation: a session of about 1,000 people.

    .venv/bin/python bench/calibration.py                    # SQLite copy of the cascade
    .venv/bin/python bench/calibration.py \\
        --database-url postgres://postgres@127.0.0.1:5432/calibration_bench

It works on a database of its own, built from the cascade benchmark's organisation: by
default a copy of ``bench/results/cascade-10000.sqlite3`` (``calibration-10000.sqlite3``,
migrated); with ``--database-url`` a PostgreSQL database whose name contains "bench" (make it
with ``CREATE DATABASE calibration_bench TEMPLATE lineofsight_bench``, drop it afterwards).

The first run prepares the copy through the product's actions where there is one: the
standard template, a review cycle over everyone launched by HR (10,000 reviews), ratings,
potential and OKR attainment for every review (set in bulk: the generated quarter is not
graded), an earlier review cycle for the session's people with their previous ratings (for
the "moved two levels" rule), kudos and named peer ratings for a share of them, and
"Bench calibration" over two departments (about 1,000 people), set up by HR and opened by
its facilitator. Later runs reuse it (``--fresh-copy`` starts again).

Then it times, server-side through Django's test client: the session page as HR and as the
facilitator, ``GET /api/calibration-sessions/{id}`` and the distribution export; in-process:
the board selector, the completion check (every flag over the whole session) and a rating
move. Every fourth call counts its SQL queries and is left out of the timings. Beside wall
time it reports the median CPU time of the process (the database runs in the process on
SQLite; on PostgreSQL its work is not counted there), far less disturbed than wall time on a
busy machine. It prints the figures; it never fails on a timing.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from collections.abc import Callable
from typing import Any

import benchdb

BUDGET_PAGE_P95_MS = 300.0
CYCLE = "Bench calibration reviews"
PREVIOUS = "Bench earlier reviews"
SESSION = "Bench calibration"
TARGET_PEOPLE = 1000


def deadlines(start: dt.date, offset: int) -> dict[str, dt.date]:
    names = (
        "self_review_due",
        "peer_feedback_due",
        "manager_review_due",
        "calibration_due",
        "sharing_due",
    )
    return {name: start + dt.timedelta(days=offset + 7 * i) for i, name in enumerate(names)}


def prepare(rng: random.Random) -> Any:
    """The review cycles, ratings, kudos, peer ratings and the session (once per copy)."""
    from django.db import connection, transaction

    from lineofsight.goals.models import Cycle, KeyResult
    from lineofsight.people.models import Person, Team
    from lineofsight.reviews.calibration import actions as calibration
    from lineofsight.reviews.cycles.actions import create_review_cycle, launch_review_cycle
    from lineofsight.reviews.cycles.population import population_people
    from lineofsight.reviews.cycles.template_actions import ensure_default_template
    from lineofsight.reviews.models import (
        Answer,
        AnswerKind,
        CalibrationSession,
        CycleQuestion,
        Feedback,
        Kudos,
        Review,
        ReviewCycle,
    )

    found = CalibrationSession.objects.filter(name=SESSION).first()
    if found is not None:
        return found
    hr = Person.objects.filter(is_hr_admin=True, is_active=True).order_by("pk").first()
    assert hr is not None
    quarter = Cycle.objects.filter(kind="quarter").order_by("-start_date").first()
    if quarter is None:
        sys.exit("No quarter: rebuild the organisation with bench/cascade.py.")
    started = time.perf_counter()
    with transaction.atomic():
        template = ensure_default_template(acting_user=hr)
        departments = list(
            Team.objects.filter(kind="department").select_related("lead").order_by("pk")
        )
        chosen: list[Any] = []
        size = 0
        for department in departments:
            chosen.append(department)
            size += population_people(population="teams", teams=[department]).count()
            if size >= TARGET_PEOPLE * 0.95:
                break
        earlier = create_review_cycle(
            acting_user=hr,
            name=PREVIOUS,
            kind="quarter",
            goal_cycle=quarter,
            next_goal_cycle=None,
            template=template,
            population="teams",
            population_teams=chosen,
            **deadlines(quarter.start_date, 0),
        )
        launch_review_cycle(review_cycle=earlier, acting_user=hr)
        cycle = create_review_cycle(
            acting_user=hr,
            name=CYCLE,
            kind="quarter",
            goal_cycle=quarter,
            next_goal_cycle=None,
            template=template,
            population="organisation",
            **deadlines(quarter.start_date, 40),
        )
        launch_review_cycle(review_cycle=cycle, acting_user=hr)
        weights = [1, 3, 8, 4, 1]
        for review_cycle, with_attainment in ((earlier, False), (cycle, True)):
            rows = list(Review.objects.filter(review_cycle=review_cycle).only("pk"))
            for review in rows:
                review.rating = rng.choices(range(1, 6), weights)[0]
                review.potential = rng.choice([1, 2, 3])
                review.state = Review.State.SUBMITTED
                if with_attainment:
                    review.attainment = None if rng.random() < 0.1 else round(rng.random(), 2)
            Review.objects.bulk_update(
                rows, ["rating", "potential", "state", "attainment"], batch_size=1000
            )
        if earlier.state != ReviewCycle.State.CLOSED:
            ReviewCycle.objects.filter(pk=earlier.pk).update(state=ReviewCycle.State.CLOSED)
        session = calibration.create_session(
            acting_user=hr,
            review_cycle=cycle,
            name=SESSION,
            facilitator=chosen[0].lead,
            participants=[d.lead for d in chosen[1:] if d.lead is not None],
            population_teams=chosen,
        )
        subjects = list(session.reviews.values_list("subject_id", flat=True))
        key_results = dict(
            KeyResult.objects.filter(owner_id__in=subjects, cycle=quarter)
            .order_by("owner_id", "pk")
            .values_list("owner_id", "pk")
        )
        now = dt.datetime.combine(quarter.start_date, dt.time(12), tzinfo=dt.UTC)
        kudos = []
        for recipient in rng.sample(subjects, len(subjects) // 2):
            for _ in range(rng.randrange(1, 5)):
                author = rng.choice(subjects)
                if author != recipient:
                    kudos.append(
                        Kudos(
                            author_id=author,
                            recipient_id=recipient,
                            key_result_id=key_results.get(recipient),
                            message="Thanks for the help this quarter.",
                            created_at=now + dt.timedelta(days=rng.randrange(80)),
                        )
                    )
        Kudos.objects.bulk_create(kudos, batch_size=1000)
        rated = list(
            CycleQuestion.objects.filter(
                review_cycle=cycle,
                for_peer=True,
                kind__in=[AnswerKind.RATING, AnswerKind.RATING_TEXT],
            ).values_list("pk", flat=True)
        )
        reviews = dict(session.reviews.values_list("subject_id", "pk"))
        peer_rows = []
        for subject in rng.sample(subjects, len(subjects) // 3):
            for author in rng.sample(subjects, 3):
                if author != subject:
                    peer_rows.append(
                        Feedback(
                            review_id=reviews[subject],
                            kind=Feedback.Kind.PEER,
                            author_id=author,
                            state=Feedback.State.SUBMITTED,
                            submitted_at=now,
                        )
                    )
        Feedback.objects.bulk_create(peer_rows, batch_size=1000, ignore_conflicts=True)
        answers = [
            Answer(feedback=fb, question_id=q, rating=rng.choice([3, 4, 5]))
            for fb in Feedback.objects.filter(review__review_cycle=cycle, kind=Feedback.Kind.PEER)
            for q in rated
        ]
        Answer.objects.bulk_create(answers, batch_size=1000, ignore_conflicts=True)
        session = calibration.set_session_state(
            acting_user=session.facilitator, session=session, state="live"
        )
    with connection.cursor() as cursor:
        # Fresh statistics for the planner, as autovacuum (or an operator) would keep them.
        cursor.execute("ANALYZE")
    print(
        f"Prepared in {time.perf_counter() - started:.0f} s: {Review.objects.count():,} reviews, "
        f"a session of {session.reviews.count():,} people over {len(chosen)} departments, "
        f"{Kudos.objects.count():,} kudos, {len(peer_rows):,} peer feedback rows."
    )
    return session


def main() -> None:
    parser = benchdb.parser(__doc__, requests=40, warmup=4, seed=17)
    args = parser.parse_args()
    url = benchdb.start(args, "calibration")

    from django.db import transaction
    from django.test import Client

    from lineofsight.people.models import Person
    from lineofsight.people.selectors import forget_organisation_cache
    from lineofsight.reviews.calibration import actions as calibration
    from lineofsight.reviews.calibration import selectors

    rng = random.Random(args.seed)
    session = prepare(rng)
    session = selectors.sessions_for_user(session.facilitator).get(pk=session.pk)
    hr = Person.objects.filter(is_hr_admin=True, is_active=True).order_by("pk").first()
    facilitator = session.facilitator
    size = session.reviews.count()
    board = selectors.board(hr, session)
    flagged = sum(1 for r in board.rows if r.flags)

    def page_as(person: Any, path: str) -> Callable[[], Any]:
        client = Client()
        client.force_login(person)

        def call() -> None:
            forget_organisation_cache()
            response = client.get(path)
            if response.status_code != 200:
                sys.exit(f"{path}: {response.status_code}")

        return call

    n = args.requests + args.warmup
    page = f"/reviews/calibration/{session.pk}/"
    rows = [
        benchdb.timed("session page, HR, server-side", [page_as(hr, page)] * n, args.warmup),
        benchdb.timed(
            "session page, the facilitator, server-side",
            [page_as(facilitator, page)] * n,
            args.warmup,
        ),
        benchdb.timed(
            "GET /api/calibration-sessions/{id}",
            [page_as(facilitator, f"/api/calibration-sessions/{session.pk}")] * n,
            args.warmup,
        ),
        benchdb.timed(
            "distribution export (CSV)",
            [page_as(hr, f"{page}distribution.csv")] * n,
            args.warmup,
        ),
        benchdb.timed(
            "the board, in-process (selectors.board)",
            [lambda: selectors.board(hr, session)] * n,
            args.warmup,
        ),
        benchdb.timed(
            "completion check: every flag of the session",
            [lambda: selectors.unexplained_flags(session)] * (args.requests // 2 + args.warmup),
            args.warmup,
        ),
    ]
    reviews = list(session.reviews.exclude(subject=facilitator).values_list("pk", "rating"))
    picks = rng.sample(reviews, min(len(reviews), args.requests + args.warmup))
    review_model = session.reviews.model

    def mover(pk: int, rating: int) -> Callable[[], Any]:
        def call() -> None:
            with transaction.atomic():
                calibration.move_rating(
                    acting_user=facilitator,
                    session=session,
                    review=review_model.objects.get(pk=pk),
                    value=1 + rating % 5,
                    reason="Benchmark move",
                )
                transaction.set_rollback(True)

        return call

    rows.append(
        benchdb.timed(
            "move a rating (move_rating), in-process",
            [mover(pk, rating) for pk, rating in picks],
            args.warmup,
        )
    )
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"\nCalibration at {Person.objects.count():,} people, {engine}: a session of "
        f"{size:,} people, {flagged:,} of them flagged"
    )
    width = max(len(r["measure"]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'p50':>9}  {'p95':>9}  {'CPU p50':>9}  SQL queries")
    for r in rows:
        print(
            f"{r['measure'].ljust(width)}  {r['p50']:6.1f} ms  {r['p95']:6.1f} ms  "
            f"{r['cpu_p50']:6.1f} ms  {r['queries']}"
        )
    print(
        f"(budget for the session page: p95 < {BUDGET_PAGE_P95_MS:g} ms server-side; load "
        f"average {os.getloadavg()[0]:.1f}; "
        f"{args.requests} calls per measure, the queries counted on every fourth)"
    )


if __name__ == "__main__":
    main()
