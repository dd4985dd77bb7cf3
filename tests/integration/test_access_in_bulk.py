"""The access policy's two forms agree: ``Viewer.objective_filter`` (a query, used by every
page and endpoint) and ``Viewer.sees_objective`` (Python, used by reminder runs that ask for
thousands of people at once), for every member of the cast and objectives of every kind."""

from __future__ import annotations

import pytest

from lineofsight.access.policy import Viewer
from lineofsight.goals.audiences import objective_audiences
from lineofsight.goals.models import Objective
from lineofsight.people import actions as people_actions
from lineofsight.people.models import Membership, Person, Team

from ..okrs import build_cascade

pytestmark = pytest.mark.django_db


def world(cast) -> list[Objective]:
    build_cascade(cast)
    owners: list[dict] = [
        {"owner_person": p, "level": "individual"} for p in cast.everyone().values()
    ] + [
        {"owner_team": t, "level": "team"}
        for t in (cast.acme, cast.sales, cast.enterprise, cast.platform, cast.legal)
    ]
    for n, owner in enumerate(owners):
        for visibility in ("public", "team", "private"):
            Objective.objects.create(
                title=f"{visibility} {n}", cycle=cast.q4, visibility=visibility, **owner
            )
    return list(Objective.objects.all())


def test_the_python_rule_is_the_query_rule(cast):
    objectives = world(cast)
    # A second lead above Platform, someone who left, and a person in two teams.
    people_actions.add_member(acting_user=None, team=cast.legal, person=cast.dev)
    people_actions.set_team_lead(acting_user=None, team=cast.engineering, lead=cast.cora)
    people_actions.update_person(acting_user=None, person=cast.pia, is_active=False)
    audiences = objective_audiences(o.pk for o in objectives)
    people = list(Person.objects.all())
    memberships: dict[int, list[tuple[int, str]]] = {}
    for person_id, team_id, path in Membership.objects.values_list(
        "person_id", "team_id", "team__path"
    ):
        memberships.setdefault(person_id, []).append((team_id, path))
    led: dict[int, set[int]] = {}
    for team_id, lead_id in Team.objects.exclude(lead=None).values_list("pk", "lead_id"):
        led.setdefault(lead_id, set()).add(team_id)
    checked = 0
    for person in people:
        by_query = set(Objective.objects.visible_to(person).values_list("pk", flat=True))
        fresh = Person.objects.get(pk=person.pk)  # a viewer with no teams loaded yet
        Viewer.preload_from([fresh], memberships, led)
        viewer = Viewer.of(fresh)
        by_python = {o.pk for o in objectives if viewer.sees_objective(audiences[o.pk])}
        assert by_python == by_query, person.username
        checked += len(objectives)
    assert checked == len(people) * len(objectives) and len(objectives) > 40
    # Not a test that cannot fail: people see different, partial sets.
    seen = {p.username: len(Objective.objects.visible_to(p).values_list("pk")) for p in people}
    assert seen["hana"] == len(objectives) > seen["ava"] > seen["otto"] > 0
    assert seen["pia"] == 0  # left: sees nothing
