"""Pages run a fixed number of SQL queries, whatever the size of the organisation.

The counts include the session, the signed-in person, the access policy's look-up of their
teams, the organisation's settings (the cache is emptied first, so this is the worst
case) and, on every page, the inbox's unread count in the navigation (one query).
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
# My OKRs also reads the blockers assigned to the person and their direct reports (two).
# The first read after a check-in also stores the forecasts it computed (three queries:
# the stale ones, their inputs, one bulk write); later reads find them stored.
HOME_MAX = 20
TREE_MAX = 13
TREE_CHILDREN_MAX = 12
# The objective page also reads its key results' blockers and those its check-ins raised,
# and stores its key results' forecasts on the first read (three more, as on the home page).
OBJECTIVE_MAX = 23


def count_queries(client, url: str, **headers: str) -> int:
    """The queries of a read once what it stores for later reads (forecasts) is stored."""
    assert client.get(url, **headers).status_code == 200, url
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
        "team retrospective": f"/teams/{cast.enterprise.pk}/retrospectives/{cast.q4.pk}/",
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


# -- review cycles: the same queries for a cycle of 8 people and one of 38 ------------------

# The cycle page for HR: session, person, organisation, the cycle, progress (three), the
# page of reviews (count and rows) and the session's messages.
REVIEW_CYCLE_PAGE_MAX = 11
REVIEW_PAGES_MAX = 10  # a manager: no table, the progress counts over their people


def _review_pages(cycle_id: int, template_id: int) -> dict[str, str]:
    return {
        "cycles": "/reviews/cycles/",
        "cycle": f"/reviews/cycles/{cycle_id}/",
        "cycle shared": f"/reviews/cycles/{cycle_id}/?state=shared",
        "close": f"/reviews/cycles/{cycle_id}/close/",
        "policy": "/reviews/policy/",
        "templates": "/reviews/templates/",
        "template": f"/reviews/templates/{template_id}/",
    }


def _csv_queries(client, cycle_id: int) -> int:
    forget_organisation_cache()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/reviews/cycles/{cycle_id}/ratings.csv")
        b"".join(response.streaming_content)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("viewer", ["hana", "sam"])
def test_review_cycle_pages_do_not_grow_with_the_cycle(cast, as_user, viewer):
    from lineofsight.people import actions as people_actions
    from lineofsight.reviews.models import Review

    from ..reviews import build_review_cycle

    client = as_user(getattr(cast, viewer))
    small = build_review_cycle(cast, name="Small")
    Review.objects.filter(review_cycle=small.cycle, subject=cast.ava).update(state="shared")
    for i in range(30):
        people_actions.create_person(
            acting_user=None,
            username=f"more{i}",
            display_name=f"More {i}",
            manager=cast.sam if i % 2 else cast.eli,
            check_password=False,
        )
    big = build_review_cycle(cast, name="Big")
    Review.objects.filter(review_cycle=big.cycle, subject=cast.ava).update(state="shared")
    if viewer != "hana":
        pages = {"cycles": "/reviews/cycles/", "cycle": f"/reviews/cycles/{small.cycle.pk}/"}
        before = {n: count_queries(client, u) for n, u in pages.items()}
        pages = {"cycles": "/reviews/cycles/", "cycle": f"/reviews/cycles/{big.cycle.pk}/"}
        assert {n: count_queries(client, u) for n, u in pages.items()} == before
        assert max(before.values()) <= REVIEW_PAGES_MAX
        return
    before = {
        n: count_queries(client, u)
        for n, u in _review_pages(small.cycle.pk, small.template.pk).items()
    }
    after = {
        n: count_queries(client, u) for n, u in _review_pages(big.cycle.pk, big.template.pk).items()
    }
    assert after == before
    assert before["cycle"] <= REVIEW_CYCLE_PAGE_MAX
    assert max(before.values()) <= REVIEW_CYCLE_PAGE_MAX
    assert _csv_queries(client, big.cycle.pk) == _csv_queries(client, small.cycle.pk)


# The review conversation: the review page (with the evidence pack: its OKR figures as of the
# cycle's end, kudos and drafts, and the notes shared from one-on-ones: one query), the
# inbox, a feedback form and the peer requests page.
CONVERSATION_MAX = {"review": 25, "inbox": 11, "feedback": 11, "peers": 9}


def test_review_conversation_pages_do_not_grow_with_the_feedback(cast, as_user):
    from lineofsight.people import actions as people_actions
    from lineofsight.reviews.conversation import actions as talk

    from ..review_conversation import ask_peers, feedback_of, shared_review, write_peer
    from ..reviews import build_review_cycle

    setup = build_review_cycle(cast)
    review = shared_review(setup, cast)
    pages = {
        "review": f"/reviews/{review.pk}/",
        "inbox": "/reviews/",
        "feedback": f"/reviews/feedback/{feedback_of(review, 'manager').pk}/",
        "peers": f"/reviews/{review.pk}/peers/",
    }
    client = as_user(cast.sam)
    client.get(pages["review"])  # the first look stores the OKR cycle's end figures
    before = {name: count_queries(client, url) for name, url in pages.items()}
    # More colleagues' feedback, more reviews to write and more history: the same counts.
    more = build_review_cycle(cast, name="Another cycle")
    peers = [
        people_actions.create_person(
            acting_user=None,
            username=f"peer{i}",
            display_name=f"Peer {i}",
            manager=cast.sam,
            check_password=False,
        )
        for i in range(6)
    ]
    other = more["ava"]
    ask_peers(other, cast.sam, *peers)
    for peer in peers:
        write_peer(other, peer)
    type(review).objects.filter(pk=other.pk).update(state="submitted", rating=3)
    talk.share_review(acting_user=cast.sam, review=other)
    talk.amend_review(acting_user=cast.hana, review=other, reason="Calibrated", rating=2)
    pages["review"] = f"/reviews/{other.pk}/"
    after = {name: count_queries(client, url) for name, url in pages.items()}
    assert after == before
    for name, count in before.items():
        assert count <= CONVERSATION_MAX[name], (name, count)


# -- calibration: the session page runs the same queries for 3 people and for 18 ------------

# Session and person, the organisation, the nav's due count (for a calibrator with key
# results), the board (the session, its teams, reviews, the people's teams (two), previous
# ratings, kudos, peer ratings, explanations, rules, the change log, participants, whether
# the viewer's own review is in it) and the session's messages.
CALIBRATION_PAGE_MAX = 19


@pytest.mark.parametrize("viewer", ["hana", "sam"])
def test_the_calibration_page_runs_a_fixed_number_of_queries(cast, as_user, viewer):
    from ..calibration import add_people, build_calibration
    from ..reviews import build_review_cycle

    client = as_user(getattr(cast, viewer))
    small = build_calibration(cast)
    add_people(cast, cast.enterprise, 15, cast.sam, "calibrated")
    ratings = {f"calibrated{i}": (1 + i % 5, i / 15) for i in range(15)}
    ratings.update({"sam": (3, 0.7), "ava": (4, 0.3), "pia": (3, 0.55)})
    large = build_calibration(
        cast, setup=build_review_cycle(cast, name="Bigger reviews"), ratings=ratings
    )
    counts = [
        count_queries(client, f"/reviews/calibration/{c.session.pk}/") for c in (small, large)
    ]
    assert counts[0] == counts[1] <= CALIBRATION_PAGE_MAX


def test_the_inbox_and_a_thread_run_a_fixed_number_of_queries(cast, cascade, as_user):
    from lineofsight.discussion import actions as talk
    from lineofsight.integrations.models import InboxItem

    client = as_user(cast.sam)
    url = f"/discussion/objectives/{cascade.company.pk}/"

    def grow(n: int) -> None:
        for i in range(n):
            comment = talk.post_comment(
                acting_user=cast.ava, objective=cascade.company, body=f"Update {i} @sam"
            )
            talk.toggle_reaction(acting_user=cast.pia, comment=comment, emoji="eyes")
            InboxItem.objects.create(
                recipient=cast.sam,
                kind="mention",
                dedupe_key=f"grow:{n}:{i}",
                subject="S",
                body="B",
            )

    grow(2)
    before = (count_queries(client, "/inbox/"), count_queries(client, url))
    grow(8)
    after = (count_queries(client, "/inbox/"), count_queries(client, url))
    assert before == after
    assert after[0] <= 9 and after[1] <= 14, after
