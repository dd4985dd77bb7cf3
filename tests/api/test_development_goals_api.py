"""Development goals over the API: created, read and changed as ``is_development``; a team
objective or a counted contribution is refused naming the field."""

from __future__ import annotations

import pytest

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db


def test_create_read_and_refuse(cast, as_person):
    c = build_cascade(cast)
    ava = as_person("ava")
    made = ava.post(
        "/objectives",
        {
            "title": "Become a confident negotiator",
            "level": "individual",
            "cycle": cast.q4.pk,
            "owner_person": cast.ava.pk,
            "is_development": True,
            "align_to": [{"parent_objective": c.sales.pk, "kind": "supports"}],
        },
    )
    assert made.status_code == 201, made.content
    assert made.json()["is_development"] is True
    counted = ava.post(
        "/objectives",
        {
            "title": "Counted growth",
            "level": "individual",
            "cycle": cast.q4.pk,
            "owner_person": cast.ava.pk,
            "is_development": True,
            "align_to": [{"parent_objective": c.sales.pk, "kind": "contributes"}],
        },
    )
    assert counted.status_code == 422 and list(counted.json()["errors"]) == ["align_to.0.kind"]
    team = as_person("sam").post(
        "/objectives",
        {
            "title": "Team growth",
            "level": "team",
            "cycle": cast.q4.pk,
            "owner_team": cast.enterprise.pk,
            "is_development": True,
        },
    )
    assert team.status_code == 422 and list(team.json()["errors"]) == ["is_development"]
    refused = ava.patch(f"/objectives/{c.ava_obj.pk}", {"is_development": True})
    assert refused.status_code == 422 and list(refused.json()["errors"]) == ["is_development"]
    assert ava.get(f"/objectives/{c.ava_obj.pk}").json()["is_development"] is False


def test_the_evidence_pack_lists_development_goals_under_growth(cast, as_person):
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
    body = as_person("sam").get(f"/reviews/{review.pk}/evidence").json()
    assert [o["title"] for o in body["growth"]] == ["Become a confident negotiator"]
    assert "Become a confident negotiator" not in [o["title"] for o in body["objectives"]]
