"""The demo's review cycle: the standard template, the published OKR-to-review policy, and a
launched review cycle for the closed quarter over the Sales department (the worked example's
account executive, Jordan, his manager Priya and their colleagues), in its peer-feedback
phase today. Written by HR (Fatima) through the actions, inside the loader's transaction."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from lineofsight.demo.content import CURRENT, PREVIOUS
from lineofsight.reviews import policy
from lineofsight.reviews.cycles.actions import create_review_cycle, launch_review_cycle
from lineofsight.reviews.cycles.template_actions import ensure_default_template
from lineofsight.reviews.models import PolicyMode, ReviewCycle

if TYPE_CHECKING:
    from lineofsight.demo.world import DemoWorld

HR = "fatima"
POPULATION_TEAM = "sales"
# Deadlines around today: self reviews were due three days ago, peer feedback is due soon.
DEADLINE_OFFSETS = {
    "self_review_due": -3,
    "peer_feedback_due": 4,
    "manager_review_due": 11,
    "calibration_due": 18,
    "sharing_due": 25,
}


def review_cycle_name(quarter_name: str) -> str:
    return f"{quarter_name} reviews"


def _due(today: dt.date, deadline: str) -> dt.date:
    return today + dt.timedelta(days=DEADLINE_OFFSETS[deadline])


def load_reviews(loader: DemoWorld, today: dt.date) -> ReviewCycle:
    hr = loader.people[HR]
    policy.publish_review_policy(
        acting_user=hr,
        mode=PolicyMode.CONTEXT,
        statement=policy.DEFAULT_STATEMENT,
        stretch_penalty=False,
        contribution=policy.DEFAULT_CONTRIBUTION,
        compensation=policy.DEFAULT_COMPENSATION,
        reason="Published with the first review cycle, so everyone knows how OKRs are used.",
    )
    template = ensure_default_template(acting_user=hr)
    previous = loader.plan.quarters[PREVIOUS]
    cycle = create_review_cycle(
        acting_user=hr,
        name=review_cycle_name(previous.name),
        kind=ReviewCycle.Kind.QUARTER,
        goal_cycle=previous,
        next_goal_cycle=loader.plan.quarters[CURRENT],
        template=template,
        population=ReviewCycle.Population.TEAMS,
        population_teams=[loader.teams[POPULATION_TEAM]],
        anonymous_peer_feedback=False,
        anonymous_upward_feedback=True,
        self_review_due=_due(today, "self_review_due"),
        peer_feedback_due=_due(today, "peer_feedback_due"),
        manager_review_due=_due(today, "manager_review_due"),
        calibration_due=_due(today, "calibration_due"),
        sharing_due=_due(today, "sharing_due"),
    )
    return launch_review_cycle(review_cycle=cycle, acting_user=hr)
