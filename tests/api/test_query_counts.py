"""Bounded queries: every list endpoint runs the same number of SQL queries whatever the
size of the organisation and of the page. Pinned at two data sizes with one bound each."""

from __future__ import annotations

import pytest
from django.test import Client

from lineofsight.core import tokens
from lineofsight.goals import actions
from lineofsight.people import actions as people_actions

from ..okrs import build_cascade
from .conftest import Api

pytestmark = pytest.mark.django_db

# endpoint -> the most queries it may run: the session and the caller (2), the caller's
# teams for the access policy (1), the count and the page (2), and for objectives one query
# each for the statuses, the aligned-children counts and the key-result counts of the page.
# Pace and forecast add two: for objectives their key results (with their owners' team
# cadences) and the check-ins; for key results the owners' team cadences and the check-ins.
BOUNDS = {
    "/objectives": 10,
    "/objectives?limit=1": 10,
    "/objectives?aligned_to={company}": 11,
    "/objectives/{company}": 12,
    "/objectives/{company}/children": 10,
    "/key-results": 7,
    "/key-results?owner={ava}&pace_status=stale": 7,
    "/key-results?objective={company}&likely_to_miss=true": 7,
    "/check-ins": 5,
    "/alignment-links": 5,
    "/initiatives": 5,
    "/people": 4,
    "/teams": 4,
    "/cycles": 4,
    "/tokens": 3,
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
            acting_user=cast.hana, key_result=kr, value=i % 10, confidence="at_risk"
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
        path = endpoint.format(company=c.company.pk, ava=cast.ava.pk)
        with django_assert_max_num_queries(bound):
            response = ava.client.get(f"/api{path}")
        assert response.status_code == 200, (path, response.content)
        body = response.json()
        items = body["items"] if isinstance(body, dict) and "items" in body else body
        # The unfiltered lists grow with the data.
        if "/objectives/" not in path and "limit" not in path and "&" not in path:
            assert len(items) >= min(size, 3), path
