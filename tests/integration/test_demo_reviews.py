"""The demo has the standard template, a published policy and a launched review cycle for the
closed quarter over Sales, with the worked example's account executive in it."""

from __future__ import annotations

import pytest

from lineofsight.demo.reviews import DEADLINE_OFFSETS
from lineofsight.goals.models import Cycle, Objective
from lineofsight.reviews import policy
from lineofsight.reviews.cycles.default_template import DEFAULT_TEMPLATE_NAME
from lineofsight.reviews.cycles.selectors import cycle_phase
from lineofsight.reviews.models import Feedback, Review, ReviewCycle, ReviewTemplate


@pytest.fixture
def cycle(demo, db) -> ReviewCycle:
    return ReviewCycle.objects.select_related("goal_cycle", "created_by").get()


def test_the_policy_and_the_standard_template_are_there(demo, db):
    current = policy.policy_in_force()
    assert current.published and current.mode == "context"
    assert current.row is not None and current.row.author.username == "fatima"
    assert ReviewTemplate.objects.filter(name=DEFAULT_TEMPLATE_NAME).exists()


def test_the_review_cycle_covers_sales_for_the_closed_quarter(cycle):
    closed = Cycle.objects.get(kind="quarter", state="closed")
    assert cycle.goal_cycle == closed and cycle.state == "open"
    assert cycle.name == f"{closed.name} reviews"
    assert cycle.created_by.username == "fatima"
    reviews = {
        r.subject.username: r.manager.username
        for r in Review.objects.filter(review_cycle=cycle).select_related("subject", "manager")
    }
    assert reviews["jordan"] == "priya" and reviews["priya"] == "daniel"
    assert {"sofia", "ahmed", "chloe", "noah", "olivia", "ethan", "daniel"} <= set(reviews)
    assert "maya" not in reviews and "grace" not in reviews
    assert Feedback.objects.filter(review__review_cycle=cycle, kind="self").count() == len(reviews)


def test_jordan_attainment_is_his_closed_quarter_grade(cycle):
    jordan = Review.objects.get(review_cycle=cycle, subject__username="jordan")
    graded = Objective.objects.filter(
        cycle=cycle.goal_cycle,
        owner_person__username="jordan",
        state__in=["active", "closed"],
        is_development=False,  # his growth goal is in the growth section, not attainment
    )
    grades = [
        o.adjusted_grade if o.adjusted_grade is not None else o.computed_grade for o in graded
    ]
    assert grades and jordan.attainment == pytest.approx(sum(grades) / len(grades), abs=1e-4)


def test_the_cycle_is_in_its_peer_feedback_phase_today(cycle):
    phase = cycle_phase(cycle)
    assert phase is not None and phase.key == "peer_feedback"
    assert phase.days_left == DEADLINE_OFFSETS["peer_feedback_due"]
