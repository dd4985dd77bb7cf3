"""The ratings of a review cycle as CSV, for HR: one row per review the viewer may open.

The rows are read through the access policy (``ReviewViewer.review_filter``) in three queries and
written as they are read, so a cycle of 10,000 reviews streams without being held
in memory as text. Cells a spreadsheet would take for a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) are written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from lineofsight.people.models import Membership, Person
from lineofsight.people.selectors import organisation_time_zone
from lineofsight.reviews.access import ReviewViewer
from lineofsight.reviews.cycles.selectors import outcome_flag
from lineofsight.reviews.models import CalibrationSession, Review, ReviewCycle

HEADER = (
    "person",
    "username",
    "teams",
    "manager",
    "rating",
    "rating_label",
    "potential",
    "potential_label",
    "okr_attainment",
    "state",
    "calibrated_in",
    "shared_on",
    "acknowledged_on",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


def safe_cell(value: Any) -> str:
    """A cell's text, defused when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose ``write`` hands the line back (for streaming)."""

    def write(self, value: str) -> str:
        return value


def _teams_of(reviews: QuerySet[Review]) -> dict[int, list[str]]:
    """Team names of every reviewed person, in one query."""
    out: dict[int, list[str]] = defaultdict(list)
    for person_id, name in (
        Membership.objects.filter(person_id__in=reviews.values("subject_id"))
        .order_by("team__name")
        .values_list("person_id", "team__name")
    ):
        out[person_id].append(name)
    return out


def _sessions_of(reviews: QuerySet[Review]) -> dict[int, list[str]]:
    """Names of the completed calibration sessions each review was in, in one query."""
    out: dict[int, list[str]] = defaultdict(list)
    through = CalibrationSession.reviews.through
    for review_id, name in (
        through.objects.filter(
            review_id__in=reviews.values("pk"),
            calibrationsession__state=CalibrationSession.State.COMPLETE,
        )
        .order_by("calibrationsession__name")
        .values_list("review_id", "calibrationsession__name")
    ):
        out[review_id].append(name)
    return out


def _name(display: str, username: str) -> str:
    return display or username or ""


def _day(value: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> str:
    return value.astimezone(tz).date().isoformat() if value else ""


def rating_rows(user: Person, cycle: ReviewCycle) -> Iterator[list[str]]:
    """The rows (header first) of the reviews ``user`` may open in ``cycle``, in name order:
    three queries, the reviews read ``CHUNK`` at a time."""
    yield list(HEADER)
    viewer = ReviewViewer.of(user)
    reviews = Review.objects.filter(review_cycle=cycle).filter(viewer.review_filter())
    teams = _teams_of(reviews)
    sessions = _sessions_of(reviews)
    states = dict(Review.State.choices)
    tz = zoneinfo.ZoneInfo(organisation_time_zone())
    rating_labels = {level["value"]: str(level["label"]) for level in cycle.rating_scale}
    potential_labels = {level["value"]: str(level["label"]) for level in cycle.potential_scale}
    rows = (
        reviews.annotate(rating_visible=outcome_flag(viewer))
        .order_by("subject__display_name", "subject__username", "pk")
        .values_list(
            "pk",
            "subject_id",
            "subject__display_name",
            "subject__username",
            "manager__display_name",
            "manager__username",
            "rating",
            "potential",
            "attainment",
            "state",
            "shared_at",
            "acknowledged_at",
            "rating_visible",
        )
    )
    for (
        pk,
        subject_id,
        subject_name,
        username,
        manager_name,
        manager_username,
        rating,
        potential,
        attainment,
        state,
        shared_at,
        acknowledged_at,
        rating_visible,
    ) in rows.iterator(chunk_size=CHUNK):
        if not rating_visible:  # one's own review before it is shared
            rating = potential = None
        yield [
            safe_cell(value)
            for value in (
                _name(subject_name, username),
                username,
                "; ".join(teams.get(subject_id, ())),
                _name(manager_name or "", manager_username or ""),
                rating,
                rating_labels.get(rating, "") if rating is not None else "",
                potential,
                potential_labels.get(potential, "") if potential is not None else "",
                "" if attainment is None else f"{attainment:.2f}",
                states.get(state, state),
                "; ".join(sessions.get(pk, ())),
                _day(shared_at, tz),
                _day(acknowledged_at, tz),
            )
        ]


def ratings_csv(user: Person, cycle: ReviewCycle) -> Iterator[str]:
    """The CSV text, line by line."""
    writer = csv.writer(_Echo())
    for row in rating_rows(user, cycle):
        yield writer.writerow(row)


def ratings_filename(cycle: ReviewCycle) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in cycle.name.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"ratings-{slug or cycle.pk}.csv"
