"""Bounded queries: every list endpoint runs the same number of SQL queries whatever the
size of the organisation and of the page. Pinned at two data sizes with one bound each."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from lineofsight.core import tokens
from lineofsight.goals import actions
from lineofsight.people import actions as people_actions
from lineofsight.people.selectors import forget_organisation_cache

from ..okrs import build_cascade
from .conftest import Api

pytestmark = pytest.mark.django_db

# endpoint -> the most queries it may run: the session and the caller (2), the caller's
# teams for the access policy (1), the count and the page (2), and for objectives one query
# each for the statuses, the aligned-children counts and the key-result counts of the page.
# Pace and forecast add two: for objectives their key results (with their owners' team
# cadences) and the check-ins; for key results the owners' team cadences and the check-ins.
# The first read of forecasts not stored yet stores them: one statement in a savepoint of
# its own (3 more); later reads find them and read no check-ins (one fewer).
STORE = 3
BOUNDS = {
    "/objectives": 10 + STORE,
    "/objectives?limit=1": 10 + STORE,
    "/objectives?aligned_to={company}": 11 + STORE,
    "/objectives/{company}": 12 + STORE,
    "/objectives/{company}/children": 10 + STORE,
    "/key-results": 7 + STORE,
    "/key-results?owner={ava}&pace_status=stale": 7 + STORE,
    "/key-results?objective={company}&likely_to_miss=true": 7 + STORE,
    "/check-ins": 6,  # and the blockers each check-in raised
    "/blockers": 5,
    "/blockers?team={team}&open=true": 6,  # and the team
    "/alignment-links": 5,
    "/initiatives": 5,
    "/people": 4,
    "/teams": 4,
    "/cycles": 4,
    "/tokens": 3,
    # Incremental reads: the same work as the list they read.
    "/objectives?updated_since=1970-01-01T00:00:00Z": 10 + STORE,
    "/key-results?updated_since=1970-01-01T00:00:00Z": 7 + STORE,
    "/check-ins?updated_since=1970-01-01T00:00:00Z": 6,
    "/alignment-links?updated_since=1970-01-01T00:00:00Z": 5,
    "/initiatives?updated_since=1970-01-01T00:00:00Z": 5,
    "/cycles?updated_since=1970-01-01T00:00:00Z": 4,
    "/people?updated_since=1970-01-01T00:00:00Z": 4,
    "/teams?updated_since=1970-01-01T00:00:00Z": 4,
    "/tombstones": 5,  # and the objectives the caller sees, as a subquery
}
VISIBILITIES = ("public", "team", "private")


def grow(cast, company, size: int) -> None:
    """``size`` more people, teams, objectives (of every visibility), key results,
    check-ins, initiatives, alignment links and tokens."""
    for i in range(size):
        person = people_actions.create_person(
            acting_user=None,
            username=f"p{size}-{i}",
            display_name=f"Person {i}",
            manager=cast.sam,
            check_password=False,
        )
        team = people_actions.create_team(
            acting_user=None, name=f"Squad {size}-{i}", parent=cast.sales, lead=person
        )
        people_actions.add_member(acting_user=None, team=team, person=cast.ava)
        owner = {"owner_team": team} if i % 2 else {"owner_person": person}
        objective = actions.create_objective(
            acting_user=cast.hana,
            title=f"Objective {i}",
            cycle=cast.q4,
            level="team" if i % 2 else "individual",
            visibility=VISIBILITIES[i % 3],
            **owner,
        )
        kr = actions.create_key_result(
            acting_user=cast.hana,
            objective=objective,
            title=f"KR {i}",
            kind="increase",
            start_value=0,
            target_value=10,
            owner=person,
        )
        actions.record_check_in(
            acting_user=cast.hana,
            key_result=kr,
            value=i % 10,
            confidence="at_risk",
            blockers=[actions.BlockerInput(f"Blocker {i}", person.pk)],
        )
        actions.create_initiative(acting_user=cast.hana, key_result=kr, title="Do", owner=person)
        actions.align_objective(
            acting_user=cast.hana, child=objective, parent_objective=company, kind="supports"
        )
        if i < tokens.MAX_LIVE_TOKENS:
            tokens.create_token(acting_user=cast.ava, person=cast.ava, name=f"script {i}")


@pytest.mark.parametrize("size", [2, 25])
def test_list_endpoints_run_a_fixed_number_of_queries(cast, size, django_assert_max_num_queries):
    c = build_cascade(cast)
    grow(cast, c.company, size)
    client = Client()
    client.force_login(cast.ava)
    ava = Api(client)
    ava.get("/me")  # warm the organisation cache
    for endpoint, bound in BOUNDS.items():
        path = endpoint.format(company=c.company.pk, ava=cast.ava.pk, team=cast.enterprise.pk)
        with django_assert_max_num_queries(bound):
            response = ava.client.get(f"/api{path}")
        assert response.status_code == 200, (path, response.content)
        body = response.json()
        items = body["items"] if isinstance(body, dict) and "items" in body else body
        # The unfiltered lists grow with the data.
        if "/objectives/" not in path and "?" not in path and "/tombstones" not in path:
            assert len(items) >= min(size, 3), path


# Review cycles: session and caller (2), the caller's teams (0-1), then for the list the
# count and the page; for one cycle the cycle, its teams and people, its questions and the
# three progress counts.
REVIEW_BOUNDS = {
    "/review-cycles": 4,
    "/review-cycles/{cycle}": 9,
    "/review-policy": 4,
    "/review-templates": 3,
}


@pytest.mark.parametrize("size", [0, 30])
def test_review_cycle_endpoints_run_a_fixed_number_of_queries(
    cast, size, django_assert_max_num_queries
):
    from ..reviews import build_review_cycle

    for i in range(size):
        people_actions.create_person(
            acting_user=None,
            username=f"r{size}-{i}",
            display_name=f"Person {i}",
            manager=cast.sam,
            check_password=False,
        )
    setup = build_review_cycle(cast)
    client = Client()
    client.force_login(cast.hana)
    hana = Api(client)
    hana.get("/me")  # warm the organisation cache
    for endpoint, bound in REVIEW_BOUNDS.items():
        path = endpoint.format(cycle=setup.cycle.pk)
        with django_assert_max_num_queries(bound):
            response = hana.client.get(f"/api{path}")
        assert response.status_code == 200, (path, response.content)
    body = hana.get(f"/review-cycles/{setup.cycle.pk}").json()
    assert body["progress"]["reviews"] == 8 + size


# The review conversation: session and caller (2), then for one review the review, the
# cycle's questions, the feedback the caller may read and its answers, the anonymous rows and
# their answers, the requests, the rating changes, the amendments and the notes shared from
# one-on-ones; the aggregates alone
# in four more; my reviews in five (feedback to write, my reviews, managers' reviews to give
# upward feedback on, requests to approve, reviews to share); one feedback in three.
CONVERSATION_BOUNDS = {
    "/reviews/{review}": 12,
    "/reviews/{review}/aggregates": 6,
    "/my-reviews": 7,
    "/feedback/{feedback}": 5,
}


@pytest.mark.parametrize("peers", [1, 8])
def test_review_conversation_endpoints_run_a_fixed_number_of_queries(
    cast, peers, django_assert_max_num_queries
):
    from ..review_conversation import ask_peers, feedback_of, submit_self, write_peer
    from ..reviews import AFTER_FEEDBACK, DEADLINES_AHEAD, build_review_cycle

    setup = build_review_cycle(cast, anonymous_peer_feedback=True, **DEADLINES_AHEAD)
    review = setup["ava"]
    submit_self(review)
    colleagues = [
        people_actions.create_person(
            acting_user=None,
            username=f"p{peers}-{i}",
            display_name=f"Peer {i}",
            manager=cast.eli,
            check_password=False,
        )
        for i in range(peers)
    ]
    ask_peers(review, cast.sam, *colleagues)
    for peer in colleagues:
        write_peer(review, peer)
    client = Client()
    client.force_login(cast.sam)
    sam = Api(client)
    sam.get("/me")  # warm the organisation cache
    values = {"review": review.pk, "feedback": feedback_of(review, "self").pk}
    traveller = time_machine.travel(AFTER_FEEDBACK)  # the anonymous answers are released
    traveller.start()
    for endpoint, bound in CONVERSATION_BOUNDS.items():
        path = endpoint.format(**values)
        with django_assert_max_num_queries(bound):
            response = sam.client.get(f"/api{path}")
        assert response.status_code == 200, (path, response.content)
    aggregates = sam.get(f"/reviews/{review.pk}/aggregates").json()
    traveller.stop()
    assert aggregates[0]["shown"] is (peers >= 3)


# Calibration: session and caller (2), the organisation, then the board (see
# tests/integration/test_calibration.py, whose own-review check is one) or the list (count
# and page).
CALIBRATION_BOUNDS = {
    "/calibration-sessions": 5,
    "/calibration-sessions/{session}": 16,
    "/calibration-sessions/{session}/changes": 5,
    "/kudos": 5,
    "/spot-bonus-nominations": 5,
}


@pytest.mark.parametrize("size", [0, 15])
def test_calibration_endpoints_run_a_fixed_number_of_queries(
    cast, size, django_assert_max_num_queries
):
    from ..calibration import add_people, build_calibration
    from ..reviews import build_review_cycle

    add_people(cast, cast.enterprise, size, cast.sam, f"c{size}-")
    ratings = {f"c{size}-{i}": (1 + i % 5, i / 15) for i in range(size)}
    ratings.update({"sam": (3, 0.7), "ava": (4, 0.3), "pia": (3, 0.55)})
    c = build_calibration(cast, setup=build_review_cycle(cast), ratings=ratings)
    client = Client()
    client.force_login(cast.sam)
    for endpoint, bound in CALIBRATION_BOUNDS.items():
        path = endpoint.format(session=c.session.pk)
        forget_organisation_cache()
        with django_assert_max_num_queries(bound):
            response = client.get(f"/api{path}")
        assert response.status_code == 200, (path, response.content)
    board = client.get(f"/api/calibration-sessions/{c.session.pk}").json()
    assert len(board["people"]) == 2 + size  # everyone but Sam himself
