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
