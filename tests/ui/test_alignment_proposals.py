"""Proposed contributions in the pages: aligning to an objective one may not edit proposes it;
both objectives and the tree show the proposal, who made it and when; the parent's editors
accept it (with a weight) or decline it (with a reason)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lineofsight.goals import actions
from lineofsight.goals.models import AlignmentLink, Objective

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def company(cast):
    return actions.create_objective(
        acting_user=cast.cora,
        title="Win the enterprise market",
        level="company",
        cycle=cast.q4,
        owner_team=cast.acme,
        progress_mode="children",
    )


@pytest.fixture
def side(cast):
    return actions.create_objective(
        acting_user=cast.dev,
        title="Dev's side project",
        level="individual",
        cycle=cast.q4,
        owner_person=cast.dev,
        visibility="private",
    )


def propose(client, side, company):
    return client.post(
        reverse("objective-align", args=[side.pk]),
        {"parent": f"o-{company.pk}", "kind": "contributes", "weight": "100"},
        follow=True,
    )


def test_aligning_to_an_objective_one_may_not_edit_proposes_it(cast, company, side, as_user):
    response = propose(as_user(cast.dev), side, company)
    body = text(response)
    assert (
        "Proposed: it counts towards \u201cWin the enterprise market\u201d once one of its "
        "owners accepts it. They have been told." in body
    )
    link = AlignmentLink.objects.get(child=side)
    assert link.state == "pending" and Objective.objects.get(pk=company.pk).progress == 0.0
    # The child's page: the proposal, who made it and when; nothing to decide there.
    assert 'data-link-state="pending"' in body
    assert (
        "(by Dev Diaz on 23 Nov 2026; not counted until the parent's owners "
        "accept it)" in body
    )
    assert reverse("link-decide", args=[link.pk]) not in body


def test_the_parent_and_the_tree_show_it_to_its_editors_who_decide(cast, company, side, as_user):
    propose(as_user(cast.dev), side, company)
    link = AlignmentLink.objects.get(child=side)
    cora = as_user(cast.cora)
    body = text(cora.get(reverse("objective", args=[company.pk])))
    assert "Dev&#x27;s side project" in body and 'data-link-state="pending"' in body
    decide = reverse("link-decide", args=[link.pk])
    assert f'href="{decide}"' in body
    tree = text(cora.get(reverse("tree-children", args=[company.pk]), {"cycle": cast.q4.pk}))
    assert 'data-link-state="pending"' in tree and "Proposed · weight 100" in tree
    assert cora.get(decide).status_code == 200
    # Someone who may not edit the company objective cannot decide.
    assert as_user(cast.dev).get(decide).status_code == 403


def test_declining_needs_a_reason_and_accepting_sets_the_weight(cast, company, side, as_user):
    propose(as_user(cast.dev), side, company)
    link = AlignmentLink.objects.get(child=side)
    cora = as_user(cast.cora)
    decide = reverse("link-decide", args=[link.pk])
    refused = cora.post(decide, {"decision": "decline", "reason": ""})
    assert refused.status_code == 422
    assert "Say why it does not count towards this objective." in text(refused)
    accepted = cora.post(decide, {"decision": "accept", "weight": "0"})
    assert accepted.status_code == 422 and "Enter a weight more than 0." in text(accepted)
    accepted = cora.post(decide, {"decision": "accept", "weight": "2"}, follow=True)
    assert "Accepted: \u201cDev&#x27;s side project\u201d now counts, with weight 2." in text(
        accepted
    )
    link.refresh_from_db()
    assert (link.state, link.weight, link.decided_by) == ("accepted", 2.0, cast.cora)
