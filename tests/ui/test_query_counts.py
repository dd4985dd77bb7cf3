"""Pages run a fixed number of SQL queries, whatever the size of the organisation.

The counts include the session, the signed-in person, the access policy's look-up of their
teams and the organisation's settings (the cache is emptied first, so this is the worst
case).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lineofsight.people.selectors import forget_organisation_cache

from .growth import add_branches

pytestmark = pytest.mark.django_db

# Pace and forecast add the key results (with their owners' team cadences) and, where
# forecasts are shown, the check-ins of the page: two queries on My OKRs, one on the tree.
HOME_MAX = 15
TREE_MAX = 12
TREE_CHILDREN_MAX = 12
OBJECTIVE_MAX = 18


def count_queries(client, url: str, **headers: str) -> int:
    forget_organisation_cache()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def pages(cast, cascade) -> dict[str, str]:
    return {
        "home": "/",
        "tree": f"/tree/?cycle={cast.q4.pk}",
        "tree children": f"/tree/{cascade.company.pk}/children/",
        "objective": f"/objectives/{cascade.company.pk}/",
        "objective explanation": f"/objectives/{cascade.company.pk}/explain/",
        "key result explanation": f"/key-results/{cascade.logos.pk}/explain/",
        "history": f"/objectives/{cascade.company.pk}/history/",
        "person": f"/people/{cast.ava.pk}/",
        "team": f"/teams/{cast.enterprise.pk}/",
    }


def test_heavy_pages_stay_within_their_pinned_counts(
    cast, cascade, as_user, django_assert_max_num_queries
):
    client = as_user(cast.ava)
    add_branches(cast, cascade.company, 2)
    forget_organisation_cache()
    with django_assert_max_num_queries(HOME_MAX):
        assert client.get("/").status_code == 200
    forget_organisation_cache()
    with django_assert_max_num_queries(TREE_MAX):
        assert client.get(f"/tree/?cycle={cast.q4.pk}").status_code == 200
    forget_organisation_cache()
    with django_assert_max_num_queries(TREE_CHILDREN_MAX):
        response = client.get(f"/tree/{cascade.company.pk}/children/", HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    forget_organisation_cache()
    with django_assert_max_num_queries(OBJECTIVE_MAX):
        assert client.get(f"/objectives/{cascade.company.pk}/").status_code == 200


@pytest.mark.parametrize("viewer", ["ava", "otto", "hana"])
def test_query_counts_do_not_grow_with_the_data(cast, cascade, as_user, viewer):
    """Measured with N branches and again with 3N: every page runs the same queries."""
    client = as_user(getattr(cast, viewer))
    n = 2
    add_branches(cast, cascade.company, n)
    before = {name: count_queries(client, url) for name, url in pages(cast, cascade).items()}
    add_branches(cast, cascade.company, 2 * n, start=n)
    after = {name: count_queries(client, url) for name, url in pages(cast, cascade).items()}
    assert after == before
