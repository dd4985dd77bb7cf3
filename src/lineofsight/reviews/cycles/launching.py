"""Writing a launched cycle's reviews and feedback, set-based.

A launch over 10,000 people writes 10,000 reviews and 20,000 feedback rows. They are written
by the database itself, each kind with one ``INSERT ... SELECT`` built by the ORM (so it is
the same SQL on SQLite and PostgreSQL, with the access-free population query as its source):

1. one review per active person in the population, with their manager as it stands and their
   OKR attainment for the cycle under review (a correlated average of their objectives'
   final grades);
2. the few reviews whose manager is no longer active move to the nearest active manager up
   the chain (one read, one batched update);
3. a self review per review (author: the person) and a manager review per review that has a
   manager (author: the manager), all open.

The number of statements does not grow with the population.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    CharField,
    DateTimeField,
    F,
    FloatField,
    IntegerField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from lineofsight.goals.grading import GRADED_OBJECTIVE_STATES
from lineofsight.goals.models import Objective
from lineofsight.people.models import Person
from lineofsight.reviews.cycles.population import cycle_population, reviewers
from lineofsight.reviews.models import Feedback, Review, ReviewCycle


@dataclass(frozen=True)
class Launched:
    reviews: int
    feedback: int
    without_manager: int
    with_attainment: int
    manager_moved: int  # reviews whose manager was inactive, given to the next one up


def _insert_from(model: type[Model], columns: Sequence[str], rows: QuerySet[Any, Any]) -> int:
    """``INSERT INTO <model> (<columns>) <the rows' SELECT>``; returns the rows written. The
    SELECT must list its values in the order of ``columns``."""
    sql, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        # Table and column names come from the models; values travel as parameters.
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)  # noqa: S608
        return max(cursor.rowcount, 0)


def attainment_subquery(cycle: ReviewCycle) -> Subquery:
    """A person's OKR attainment in the cycle under review, for ``OuterRef("pk")`` a person:
    the mean final grade (adjusted where given, else computed) of the graded objectives they
    own, development goals left out; NULL when they own none."""
    graded = (
        Objective.objects.filter(
            cycle_id=cycle.goal_cycle_id,
            owner_person_id=OuterRef("pk"),
            state__in=sorted(GRADED_OBJECTIVE_STATES),
            is_development=False,  # growth, not attainment: the review's growth section
        )
        .annotate(final=Coalesce(F("adjusted_grade"), F("computed_grade")))
        .filter(final__isnull=False)
        .order_by()
        .values("owner_person_id")
        .annotate(mean=Avg("final"))
        .values("mean")[:1]
    )
    return Subquery(graded, output_field=FloatField())


def _write_reviews(cycle: ReviewCycle, now: dt.datetime) -> int:
    # Annotated in the order of the columns: the SELECT lists them so.
    rows = (
        cycle_population(cycle)
        .order_by()
        .annotate(
            r_cycle=Value(cycle.pk, output_field=IntegerField()),
            r_subject=F("pk"),
            r_manager=F("manager_id"),
            r_state=Value(Review.State.SELF_REVIEW, output_field=CharField()),
            r_explanation=Value("", output_field=CharField()),
            r_comment=Value("", output_field=CharField()),
            r_attainment=attainment_subquery(cycle),
            r_created=Value(now, output_field=DateTimeField()),
        )
        .values_list(
            "r_cycle",
            "r_subject",
            "r_manager",
            "r_state",
            "r_explanation",
            "r_comment",
            "r_attainment",
            "r_created",
        )
    )
    columns = (
        "review_cycle_id",
        "subject_id",
        "manager_id",
        "state",
        "rating_explanation",
        "employee_comment",
        "attainment",
        "created_at",
    )
    return _insert_from(Review, columns, rows)


def _move_from_inactive_managers(cycle: ReviewCycle) -> int:
    """Reviews whose manager is inactive go to the nearest active manager up the chain (or
    nobody). Two queries and one batched update, whatever the number."""
    stale = list(
        Review.objects.filter(review_cycle=cycle, manager__is_active=False).values_list(
            "pk", "subject__manager_path"
        )
    )
    if not stale:
        return 0
    chains = {int(p) for _, path in stale for p in path.strip("/").split("/") if p}
    active = set(Person.objects.filter(pk__in=chains, is_active=True).values_list("pk", flat=True))
    moved = reviewers(stale, active)
    table = connection.ops.quote_name(Review._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET manager_id = %s WHERE id = %s",  # noqa: S608
            [(manager, pk) for pk, manager in moved.items()],
        )
    return len(stale)


def _write_feedback(cycle: ReviewCycle, now: dt.datetime, kind: str, author: str) -> int:
    reviews = Review.objects.filter(review_cycle=cycle)
    if kind == Feedback.Kind.MANAGER:
        reviews = reviews.filter(manager_id__isnull=False)
    rows = (
        reviews.order_by()
        .annotate(
            f_review=F("pk"),
            f_kind=Value(kind, output_field=CharField()),
            f_author=F(author),
            f_state=Value(Feedback.State.OPEN, output_field=CharField()),
            f_anonymous=Value(False, output_field=BooleanField()),
            f_decline=Value("", output_field=CharField()),
            f_explanation=Value("", output_field=CharField()),
            f_version=Value(1, output_field=IntegerField()),
            f_created=Value(now, output_field=DateTimeField()),
            f_updated=Value(now, output_field=DateTimeField()),
        )
        .values_list(
            "f_review",
            "f_kind",
            "f_author",
            "f_state",
            "f_anonymous",
            "f_decline",
            "f_explanation",
            "f_version",
            "f_created",
            "f_updated",
        )
    )
    columns = (
        "review_id",
        "kind",
        "author_id",
        "state",
        "anonymous",
        "decline_reason",
        "draft_rating_explanation",
        "version",
        "created_at",
        "updated_at",
    )
    return _insert_from(Feedback, columns, rows)


def write_launch(cycle: ReviewCycle, now: dt.datetime) -> Launched:
    """Write a launching cycle's reviews and their self and manager reviews (inside the
    caller's transaction)."""
    reviews = _write_reviews(cycle, now)
    moved = _move_from_inactive_managers(cycle) if reviews else 0
    selves = _write_feedback(cycle, now, Feedback.Kind.SELF, "subject_id")
    managers = _write_feedback(cycle, now, Feedback.Kind.MANAGER, "manager_id")
    with_attainment = Review.objects.filter(review_cycle=cycle, attainment__isnull=False).count()
    return Launched(
        reviews=reviews,
        feedback=selves + managers,
        without_manager=reviews - managers,
        with_attainment=with_attainment,
        manager_moved=moved,
    )
