"""The one access policy, checked person by person over the named cast."""

from __future__ import annotations

import pytest

from lineofsight.access.policy import Viewer
from lineofsight.goals import actions
from lineofsight.goals.models import AlignmentLink, CheckIn, Initiative, KeyResult, Objective

pytestmark = pytest.mark.django_db

EVERYONE = {"cora", "hana", "sam", "ava", "pia", "eli", "dev", "otto"}

# owner, visibility -> who may see it
SEE = {
    ("ava", "public"): EVERYONE,
    ("ava", "team"): {"ava", "sam", "cora", "hana", "pia"},
    ("ava", "private"): {"ava", "sam", "cora", "hana"},
    ("enterprise", "public"): EVERYONE,
    ("enterprise", "team"): {"ava", "pia", "sam", "cora", "hana"},
    ("enterprise", "private"): {"sam", "cora", "hana"},
    ("sales", "team"): {"ava", "pia", "sam", "cora", "hana"},
    ("platform", "team"): {"eli", "dev", "cora", "hana"},
    ("platform", "private"): {"eli", "cora", "hana"},
    ("legal", "team"): {"otto", "cora", "hana"},
    ("legal", "private"): {"cora", "hana"},  # Legal has no lead: its chain is above it
}
# owner -> who may edit
EDIT = {
    "ava": {"ava", "sam", "cora", "hana"},
    "enterprise": {"sam", "cora", "hana"},
    "sales": {"sam", "cora", "hana"},
    "platform": {"eli", "cora", "hana"},
    "legal": {"cora", "hana"},
}


def make_objective(cast, owner: str, visibility: str) -> Objective:
    kwargs = (
        {"owner_person": cast.ava, "level": "individual"}
        if owner == "ava"
        else {"owner_team": getattr(cast, owner), "level": "team"}
    )
    objective = actions.create_objective(
        acting_user=cast.hana,
        title=f"{owner} {visibility}",
        cycle=cast.q4,
        visibility=visibility,
        **kwargs,
    )
    kr = actions.create_key_result(
        acting_user=cast.hana,
        objective=objective,
        title="A number",
        kind="increase",
        start_value=0,
        target_value=10,
        owner=cast.hana,
    )
    actions.record_check_in(acting_user=cast.hana, key_result=kr, value=3, confidence="on_track")
    actions.create_initiative(acting_user=cast.hana, key_result=kr, title="Work", owner=cast.hana)
    return objective


@pytest.mark.parametrize(("owner", "visibility"), sorted(SEE))
def test_who_sees_what(cast, owner, visibility):
    objective = make_objective(cast, owner, visibility)
    # A public parent so links can be checked too.
    parent = actions.create_objective(
        acting_user=cast.cora,
        title="Company",
        level="company",
        cycle=cast.fy,
        owner_team=cast.acme,
    )
    actions.align_objective(
        acting_user=cast.hana, child=objective, parent_objective=parent, kind="supports"
    )
    for name, person in cast.everyone().items():
        expected = name in SEE[(owner, visibility)]
        seen = Objective.objects.visible_to(person).filter(pk=objective.pk).exists()
        assert seen is expected, f"{name} seeing {owner}/{visibility}"
        # Everything hanging off the objective follows it.
        assert KeyResult.objects.visible_to(person).filter(objective=objective).exists() is expected
        assert (
            CheckIn.objects.visible_to(person).filter(key_result__objective=objective).exists()
            is expected
        )
        assert (
            Initiative.objects.visible_to(person).filter(key_result__objective=objective).exists()
            is expected
        )
        assert AlignmentLink.objects.visible_to(person).filter(child=objective).exists() is expected


@pytest.mark.parametrize("owner", sorted(EDIT))
def test_who_edits_what(cast, owner):
    objective = make_objective(cast, owner, "public")
    objective = Objective.objects.select_related("owner_person", "owner_team__lead").get(
        pk=objective.pk
    )
    for name, person in cast.everyone().items():
        assert Viewer.of(person).can_edit_objective(objective) is (name in EDIT[owner]), name


def test_key_result_owner_may_check_in_without_editing_the_objective(cast):
    objective = make_objective(cast, "enterprise", "public")
    kr = actions.create_key_result(
        acting_user=cast.sam,
        objective=objective,
        title="Opportunities",
        kind="increase",
        start_value=0,
        target_value=25,
        owner=cast.ava,
    )
    kr = KeyResult.objects.select_related("objective__owner_team__lead").get(pk=kr.pk)
    viewer = Viewer.of(cast.ava)
    assert viewer.can_check_in(kr)
    assert not viewer.can_edit_objective(kr.objective)
    assert not Viewer.of(cast.pia).can_check_in(kr)


def test_inactive_people_see_nothing(cast):
    make_objective(cast, "ava", "public")
    cast.otto.is_active = False
    assert not Objective.objects.visible_to(cast.otto).exists()


def test_manager_chain_follows_a_reorganisation(cast):
    from lineofsight.people import actions as people_actions
    from lineofsight.people.models import Person

    objective = make_objective(cast, "ava", "private")
    eli = Person.objects.get(pk=cast.eli.pk)
    assert not Objective.objects.visible_to(eli).filter(pk=objective.pk).exists()
    # Sam (and with him Ava) now reports to Eli.
    people_actions.set_manager(acting_user=cast.hana, person=cast.sam, manager=cast.eli)
    eli = Person.objects.get(pk=cast.eli.pk)
    assert Objective.objects.visible_to(eli).filter(pk=objective.pk).exists()
