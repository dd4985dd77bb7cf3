"""Development goals in the pages: the objective form marks them, the edit form keeps the
mark, a team objective cannot be one (named on the field), and the evidence pack shows them
in its growth section."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lineofsight.goals.models import Objective

from .test_editing import objective_data

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_form_creates_and_edits_a_development_goal(cast, cascade, as_user):
    client = as_user(cast.ava)
    form = text(client.get(reverse("objective-new")))
    assert 'name="is_development"' in form and "Development goal" in form
    response = client.post(
        reverse("objective-new"),
        objective_data(cast, title="Become a confident negotiator", is_development="on"),
    )
    assert response.status_code == 302, text(response)
    goal = Objective.objects.get(title="Become a confident negotiator")
    assert goal.is_development
    edit = text(client.get(reverse("objective-edit", args=[goal.pk])))
    assert re.search(r'name="is_development"[^>]*checked', edit)


def test_a_team_objective_cannot_be_a_development_goal(cast, cascade, as_user):
    response = as_user(cast.sam).post(
        reverse("objective-new"),
        objective_data(
            cast,
            title="Grow the team",
            level="team",
            owner=f"team-{cast.enterprise.pk}",
            is_development="on",
        ),
    )
    assert response.status_code == 422
    assert "Only an individual objective can be a development goal." in text(response)
    assert not Objective.objects.filter(title="Grow the team").exists()


def test_the_evidence_pack_page_has_a_growth_section(cast, as_user):
    import datetime as dt

    from lineofsight.goals import actions

    from ..reviews import build_review_cycle
    from ..worked_example import build_example

    build_example(cast)
    actions.create_objective(
        acting_user=cast.hana,
        title="Become a confident negotiator",
        level="individual",
        cycle=cast.q3,
        owner_person=cast.ava,
        is_development=True,
        amendment_reason="Agreed in her one-on-one, recorded late",
        at=dt.datetime(2026, 7, 6, 9, tzinfo=dt.UTC),
    )
    review = build_review_cycle(cast)["ava"]
    body = text(as_user(cast.sam).get(f"/reviews/{review.pk}/evidence/"))
    growth = body[body.index('id="growth"') :]
    assert "Growth: development goals" in growth
    assert "Become a confident negotiator" in growth[: growth.index("</section>")]
    planned = body[: body.index('id="growth"')]
    assert "Become a confident negotiator" not in planned
