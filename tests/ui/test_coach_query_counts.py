"""The coach's pages and endpoints run a fixed number of SQL queries, whatever the size of the
organisation (measured with N branches of the cascade and again with 3N).

The counts include the session, the signed-in person, the access policy's look-up of their
teams and the organisation's settings (the cache is emptied first: the worst case).
"""

from __future__ import annotations

import pytest

from lineofsight.coach import actions as coach_actions

from .growth import add_branches
from .test_query_counts import count_queries

pytestmark = pytest.mark.django_db

# The coach's facts (about a dozen queries: objectives, key results, check-ins, links,
# parents, cadences, teams, people, history, acknowledgements), who may acknowledge what (four),
# the page's own look-ups and the inbox's unread count in the navigation.
HEALTH_MAX = 24
DEPARTMENT_MAX = 28
CARD_MAX = 24  # 23 on SQLite
DRAFT_MAX = 19
API_MAX = 17
API_TEAM_MAX = 22


def urls(cast, cascade) -> dict[str, tuple[str, int]]:
    return {
        "health": (f"/health/?cycle={cast.q4.pk}", HEALTH_MAX),
        "department health": (
            f"/health/departments/{cast.sales.pk}/?cycle={cast.q4.pk}",
            DEPARTMENT_MAX,
        ),
        "objective card": (f"/coach/objectives/{cascade.sales.pk}/", CARD_MAX),
        "team card": (f"/coach/teams/{cast.enterprise.pk}/?cycle={cast.q4.pk}", CARD_MAX),
        "api health": (f"/api/coach/health?cycle={cast.q4.pk}", API_MAX),
        "api findings": (f"/api/coach/findings?cycle={cast.q4.pk}", API_MAX),
        "api team findings": (
            f"/api/coach/findings?cycle={cast.q4.pk}&team={cast.sales.pk}",
            API_TEAM_MAX,
        ),
    }


def draft_queries(client, cast, cascade) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lineofsight.people.selectors import forget_organisation_cache

    forget_organisation_cache()
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            "/coach/draft/objective/",
            {
                "title": "Grow ARR",
                "level": "team",
                "owner": f"team-{cast.enterprise.pk}",
                "cycle": str(cast.q4.pk),
                "parent": f"o-{cascade.company.pk}",
            },
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("viewer", ["ava", "otto", "hana"])
def test_coach_query_counts_do_not_grow_with_the_data(cast, cascade, as_user, viewer):
    client = as_user(getattr(cast, viewer))
    add_branches(cast, cascade.company, 2)
    coach_actions.acknowledge_finding(
        acting_user=cast.sam,
        cycle=cast.q4,
        code="focus.too_few_key_results",
        subject="objective",
        subject_id=cascade.sales.pk,
        reason="One big bet",
    )
    before = {name: count_queries(client, url) for name, (url, _) in urls(cast, cascade).items()}
    before["draft"] = draft_queries(client, cast, cascade)
    add_branches(cast, cascade.company, 4, start=2)
    after = {name: count_queries(client, url) for name, (url, _) in urls(cast, cascade).items()}
    after["draft"] = draft_queries(client, cast, cascade)
    assert after == before
    for name, (_, most) in urls(cast, cascade).items():
        assert after[name] <= most, name
    assert after["draft"] <= DRAFT_MAX
