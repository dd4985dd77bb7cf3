"""A long level of the alignment tree comes a page at a time, on the tree and on an
objective's page, so neither grows with the number of departments or teams."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lineofsight.goals import actions, selectors
from lineofsight.goals.models import AlignmentLink

pytestmark = pytest.mark.django_db

PAGE = 4


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_CHILDREN", PAGE)


def add_children(cast, parent, count, *, by=None, start=0):
    made = []
    for n in range(start, start + count):
        child = actions.create_objective(
            acting_user=cast.hana,
            title=f"Regional push {n:02d}",
            level="team",
            cycle=cast.q4,
            owner_team=cast.sales,
        )
        actions.align_objective(acting_user=by or cast.cora, child=child, parent_objective=parent)
        made.append(child)
    return made


def titles(body: str) -> list[str]:
    """The titles of the children on a page, in order (a node names its title twice)."""
    return list(dict.fromkeys(re.findall(r"Regional push \d\d", body)))


def fragment(client, parent, **params):
    response = client.get(
        reverse("tree-children", args=[parent.pk]), params, HTTP_HX_REQUEST="true"
    )
    return response.status_code, re.sub(r"\s+", " ", response.content.decode())


def test_the_tree_loads_a_long_level_a_page_at_a_time(cast, cascade, as_user, small_pages):
    company = cascade.company
    add_children(cast, company, 9)
    total = AlignmentLink.objects.live().filter(target=company).count()  # Sales, Platform, ...
    pia = as_user(cast.pia)
    seen: list[str] = []
    offset, pages = 0, 0
    while True:
        status, body = fragment(pia, company, cycle=cast.q4.pk, offset=offset)
        assert status == 200
        items = body.count('class="tree-node')
        assert 0 < items <= PAGE
        seen += titles(body)
        pages += 1
        offset += items
        more = re.search(r'hx-get="([^"]+)"[^>]*data-tree-more', body)
        if offset >= total:
            assert more is None and "more</button>" not in body
            break
        assert more is not None, body
        remaining = min(total - offset, PAGE)
        assert f"Show {remaining} more" in body and f"{offset} of {total} shown" in body
        assert f"offset={offset}" in more.group(1).replace("&amp;", "&")
        assert f"cycle={cast.q4.pk}" in more.group(1).replace("&amp;", "&")
    assert pages == -(-total // PAGE)
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 9  # each once, in order


def test_the_hidden_count_and_the_empty_note_come_once(cast, cascade, as_user, small_pages):
    add_children(cast, cascade.company, 6)
    actions.update_objective(
        acting_user=cast.hana, objective=cascade.platform, visibility="private"
    )
    otto = as_user(cast.otto)
    _, first = fragment(otto, cascade.company)
    _, second = fragment(otto, cascade.company, offset=PAGE)
    assert "you cannot see" in first and "you cannot see" not in second
    assert "Nothing aligns" not in first + second
    assert cascade.platform.title not in first + second


def test_a_bad_offset_is_refused_naming_it(cast, cascade, as_user):
    for bad in ("-1", "two", "1e3", "99999999999"):
        status, body = fragment(as_user(cast.pia), cascade.company, offset=bad)
        assert status == 400 and "offset" in body


def test_a_page_of_children_costs_the_same_queries_however_many(cast, cascade, as_user):
    pia = as_user(cast.pia)
    pia.get(reverse("tree-children", args=[cascade.company.pk]))  # stores forecasts

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            pia.get(reverse("tree-children", args=[cascade.company.pk]))
        return len(ctx.captured_queries)

    add_children(cast, cascade.company, 3)
    pia.get(reverse("tree-children", args=[cascade.company.pk]))
    few = count()
    add_children(cast, cascade.company, 60, start=3)
    pia.get(reverse("tree-children", args=[cascade.company.pk]))
    many = count()
    assert many == few
    _, body = fragment(pia, cascade.company)
    assert body.count('class="tree-node') == selectors.PAGE_CHILDREN


def test_the_objective_page_shows_a_page_with_proposals_first(cast, cascade, as_user, small_pages):
    company = cascade.company
    add_children(cast, company, 6)
    side = actions.create_objective(
        acting_user=cast.dev,
        title="Zebra side project",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.dev,
    )
    actions.align_objective(acting_user=cast.dev, child=side, parent_objective=company)
    assert AlignmentLink.objects.get(child=side).state == "pending"
    body = re.sub(
        r"\s+",
        " ",
        as_user(cast.cora).get(reverse("objective", args=[company.pk])).content.decode(),
    )
    section = body.split('id="children-h"', 1)[1].split("</section>", 1)[0]
    assert section.count('class="link-item"') == PAGE
    assert section.index("Zebra side project") < section.index("Regional push")
    total = AlignmentLink.objects.live().filter(target=company).count()
    assert f"{PAGE} of {total} shown, proposals waiting for a decision first." in section
    assert f'href="{reverse("tree")}?cycle={company.cycle_id}"' in section
