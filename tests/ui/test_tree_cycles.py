"""The alignment tree and the alignment picker select by cycle: Q4's tree shows Q4 and its
year (labelled as the year), never closed Q3 objectives; the picker offers only objectives of
the cycle and its year, each with its cycle."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lineofsight.goals import actions

pytestmark = pytest.mark.django_db

AMEND = {"amendment_reason": "Recording Q3 after the fact"}


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def q3(cast, cascade):
    """A closed Q3 objective aligned to the year's company objective, and a Q3 key result of
    that company objective."""
    old = actions.create_objective(
        acting_user=cast.hana,
        title="Q3 pipeline clean-up",
        level="team",
        cycle=cast.q3,
        owner_team=cast.sales,
        **AMEND,
    )
    actions.align_objective(
        acting_user=cast.hana, child=old, parent_objective=cascade.company, **AMEND
    )
    kr = actions.create_key_result(
        acting_user=cast.cora,
        objective=cascade.company,
        title="Q3 logos signed",
        kind="increase",
        start_value=0,
        target_value=10,
        owner=cast.sam,
        cycle=cast.q3,
    )
    new = actions.create_objective(
        acting_user=cast.sam,
        title="Q4 enterprise push",
        level="team",
        cycle=cast.q4,
        owner_team=cast.sales,
    )
    actions.align_objective(acting_user=cast.hana, child=new, parent_objective=cascade.company)
    return old, kr, new


def test_the_q4_tree_leaves_out_closed_q3_objectives(cast, cascade, q3, as_user):
    old, _, new = q3
    client = as_user(cast.ava)
    tree = text(client.get(reverse("tree"), {"cycle": cast.q4.pk}))
    # The year's company objective, labelled as the year; it opens onto Q4's objectives.
    assert "FY 2026 (the year)</span>" in tree
    url = reverse("tree-children", args=[cascade.company.pk])
    assert f'data-children-url="{url}?cycle={cast.q4.pk}"' in tree
    children = text(client.get(url, {"cycle": cast.q4.pk}))
    assert new.title in children and old.title not in children
    # "N aligned" counts Q4's children only: Sales, Platform and the Q4 push, not Q3's.
    node = tree[tree.index(f'id="node-{cascade.company.pk}"') :]
    assert "3 aligned" in node[: node.index("</li>")]


def test_the_years_tree_shows_its_quarters_each_labelled(cast, cascade, q3, as_user):
    old, _, new = q3
    client = as_user(cast.ava)
    url = reverse("tree-children", args=[cascade.company.pk])
    children = text(client.get(url, {"cycle": cast.fy.pk}))
    assert old.title in children and new.title in children
    assert '<span class="cycle-label">Q3 2026</span>' in children
    assert '<span class="cycle-label">Q4 2026</span>' in children


def test_the_picker_offers_only_the_cycle_and_its_year_each_labelled(cast, cascade, q3, as_user):
    old, q3_kr, _ = q3
    client = as_user(cast.sam)
    picker = text(
        client.get(reverse("alignment-candidates"), {"level": "team", "cycle": cast.q4.pk})
    )
    assert f'value="o-{cascade.company.pk}"' in picker and "· FY 2026" in picker
    assert f'value="k-{cascade.logos.pk}"' in picker
    assert '<span class="cycle-label">(Q4 2026)</span>' in picker  # a Q4 key result of FY
    assert f'value="k-{q3_kr.pk}"' not in picker and "Q3 logos signed" not in picker
    assert old.title not in picker
    # Searching by a Q3 key result's title finds nothing from Q3 either.
    found = text(
        client.get(
            reverse("alignment-candidates"),
            {"level": "team", "cycle": cast.q4.pk, "q": "Q3 logos"},
        )
    )
    assert "Q3 logos signed" not in found
    # A Q3 parent passed in the address is not slipped back into the list.
    kept = text(
        client.get(
            reverse("alignment-candidates"),
            {"level": "individual", "cycle": cast.q4.pk, "parent": f"o-{old.pk}"},
        )
    )
    assert old.title not in kept
