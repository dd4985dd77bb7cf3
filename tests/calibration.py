"""Calibration sessions on top of the cast's review cycle, built through the actions.

``build_calibration(cast)`` launches the standard review cycle (``tests/reviews.py``), gives
the Sales people their managers' ratings (Sam 3, Ava 4 with 30 % attainment, Pia 3) and sets
up "Sales calibration" over the Sales department (Sales and Enterprise Sales: Sam, who leads
them, Ava and Pia), facilitated by Sam with Eli taking part, and opens it (live).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lineofsight.people import actions as people_actions
from lineofsight.people.models import Person, Team
from lineofsight.reviews.calibration import actions
from lineofsight.reviews.models import CalibrationSession, Review

from .conftest import Cast
from .reviews import ReviewSetup, build_review_cycle

SALES_RATINGS = {"sam": (3, 0.7), "ava": (4, 0.3), "pia": (3, 0.55)}


@dataclass
class Calibration:
    setup: ReviewSetup
    session: CalibrationSession

    def review(self, username: str) -> Review:
        return Review.objects.get(pk=self.setup[username].pk)


def rate(
    review: Review,
    rating: int | None,
    *,
    attainment: float | None = None,
    potential: int | None = None,
    state: str = Review.State.SUBMITTED,
) -> Review:
    """The manager's rating as it stands when calibration starts (set directly: how it got
    there is the conversation's business)."""
    Review.objects.filter(pk=review.pk).update(
        rating=rating, attainment=attainment, potential=potential, state=state
    )
    review.refresh_from_db()
    return review


def build_calibration(
    cast: Cast,
    *,
    live: bool = True,
    ratings: dict[str, tuple[int, float | None]] | None = None,
    setup: ReviewSetup | None = None,
    **overrides: Any,
) -> Calibration:
    setup = setup or build_review_cycle(cast)
    for username, (rating, attainment) in (ratings or SALES_RATINGS).items():
        rate(setup[username], rating, attainment=attainment)
    kwargs: dict[str, Any] = {
        "review_cycle": setup.cycle,
        "name": "Sales calibration",
        "facilitator": cast.sam,
        "participants": [cast.eli],
        "population_teams": [cast.sales],
        **overrides,
    }
    session = actions.create_session(acting_user=cast.hana, **kwargs)
    if live:
        session = actions.set_session_state(
            acting_user=kwargs["facilitator"], session=session, state="live"
        )
    return Calibration(setup, session)


def add_people(
    cast: Cast, team: Team, n: int, manager: Person, prefix: str = "rep"
) -> list[Person]:
    """``n`` more people in ``team``, reporting to ``manager`` (before the review cycle is
    launched, so they get reviews)."""
    people = []
    for i in range(n):
        person = people_actions.create_person(
            acting_user=None,
            username=f"{prefix}{i}",
            display_name=f"{prefix.title()} {i:02d}",
            email=f"{prefix}{i}@acme.test",
            password="correct-horse-battery",
            manager=manager,
            check_password=False,
        )
        people_actions.add_member(acting_user=None, team=team, person=person)
        people.append(person)
    return people
