"""Review cycles on top of the cast, built through the actions (as HR would).

``build_review_cycle(cast)`` makes the standard template and an open review cycle over the
whole cast, with the closed quarter ``q3`` as the evidence and ``q4`` as the next quarter:
one review per person (reviewer: their manager; Cora, at the top, has none), each with an
open self review and an open manager review. Keyword overrides go to
``create_review_cycle`` (e.g. ``population="teams", population_teams=[cast.sales]``);
``launch=False`` leaves the cycle in draft. ``**DEADLINES_AHEAD`` gives a cycle whose phases
are still to come (anonymous answers, for one, are released only when the feedback phase
closes: travel to ``AFTER_FEEDBACK`` for that).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from lineofsight.reviews.cycles.actions import create_review_cycle, launch_review_cycle
from lineofsight.reviews.cycles.template_actions import ensure_default_template
from lineofsight.reviews.evidence.actions import keep_end_figures
from lineofsight.reviews.models import Review, ReviewCycle, ReviewTemplate

from .conftest import Cast

DEADLINES = {
    "self_review_due": dt.date(2026, 10, 9),
    "peer_feedback_due": dt.date(2026, 10, 16),
    "manager_review_due": dt.date(2026, 10, 23),
    "calibration_due": dt.date(2026, 10, 30),
    "sharing_due": dt.date(2026, 11, 6),
}
# The same phases still ahead of the suite's clock (Monday 23 November 2026): the self review
# and the feedback are open, and anonymous answers are not released before 4 December.
DEADLINES_AHEAD = {
    "self_review_due": dt.date(2026, 11, 27),
    "peer_feedback_due": dt.date(2026, 12, 4),
    "manager_review_due": dt.date(2026, 12, 11),
    "calibration_due": dt.date(2026, 12, 16),
    "sharing_due": dt.date(2026, 12, 23),
}
AFTER_FEEDBACK = dt.datetime(2026, 12, 5, 9, tzinfo=dt.UTC)  # the feedback phase is over


@dataclass
class ReviewSetup:
    cycle: ReviewCycle
    template: ReviewTemplate
    reviews: dict[str, Review] = field(default_factory=dict)  # by the subject's username

    def __getitem__(self, username: str) -> Review:
        return self.reviews[username]


def default_template() -> ReviewTemplate:
    """The standard "Quarterly review" template (1-5 rating, potential, OKR, baseline,
    contribution, growth, peer and upward questions)."""
    return ensure_default_template(acting_user=None)


def build_review_cycle(cast: Cast, *, launch: bool = True, **overrides: Any) -> ReviewSetup:
    template = overrides.pop("template", None) or default_template()
    kwargs: dict[str, Any] = {
        "name": "Q3 2026 reviews",
        "kind": "quarter",
        "goal_cycle": cast.q3,
        "next_goal_cycle": cast.q4,
        "template": template,
        "population": "organisation",
        **DEADLINES,
    }
    kwargs.update(overrides)
    cycle = create_review_cycle(acting_user=cast.hana, **kwargs)
    setup = ReviewSetup(cycle=cycle, template=template)
    if launch:
        launch_review_cycle(review_cycle=cycle, acting_user=cast.hana)
        # The launch asks for the OKR cycle's end figures once it commits; a test's
        # transaction never commits, so run that task here.
        keep_end_figures.call(cycle.goal_cycle_id)
        setup.reviews = {
            r.subject.username: r
            for r in Review.objects.filter(review_cycle=cycle).select_related(
                "subject", "manager", "review_cycle"
            )
        }
    return setup


def open_review_cycle(cast: Cast) -> ReviewCycle:
    """An open review cycle over the cast (made, launched, when there is none)."""
    found = ReviewCycle.objects.filter(state="open").order_by("pk").first()
    if found is not None:
        return found
    n = ReviewCycle.objects.count() + 1
    return build_review_cycle(cast, name=f"Open reviews {n}").cycle


def draft_review_cycle(cast: Cast) -> ReviewCycle:
    """A review cycle still in draft (made when there is none)."""
    found = ReviewCycle.objects.filter(state="draft").order_by("pk").first()
    if found is not None:
        return found
    n = ReviewCycle.objects.count() + 1
    return build_review_cycle(cast, name=f"Draft reviews {n}", launch=False).cycle


ANNUAL_DEADLINES = {
    "self_review_due": dt.date(2027, 1, 22),
    "peer_feedback_due": dt.date(2027, 1, 29),
    "manager_review_due": dt.date(2027, 2, 5),
    "calibration_due": dt.date(2027, 2, 12),
    "sharing_due": dt.date(2027, 2, 19),
}


def build_annual_review_cycle(cast: Cast) -> ReviewSetup:
    """The annual review of FY 2026 over the whole cast (its evidence: the year and its
    quarters)."""
    return build_review_cycle(
        cast,
        name="FY 2026 reviews",
        kind="annual",
        goal_cycle=cast.fy,
        next_goal_cycle=None,
        **ANNUAL_DEADLINES,
    )
