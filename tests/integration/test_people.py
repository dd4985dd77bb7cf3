"""Organisation actions: reporting lines, nested teams, roles."""

from __future__ import annotations

import pytest

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.people import actions, selectors
from lineofsight.people.models import Person, Team

pytestmark = pytest.mark.django_db


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_reporting_line_paths(cast):
    ava = fresh(cast.ava)
    assert ava.chain_ids == [cast.sam.pk, cast.cora.pk]
    assert [p.username for p in selectors.manager_chain(ava)] == ["sam", "cora"]


def test_a_loop_in_the_reporting_line_is_refused(cast):
    with pytest.raises(InvalidInput) as exc:
        actions.set_manager(acting_user=cast.hana, person=cast.sam, manager=cast.ava)
    assert "loop" in exc.value.errors["manager"][0]
    with pytest.raises(InvalidInput):
        actions.set_manager(acting_user=cast.hana, person=cast.cora, manager=cast.cora)
    with pytest.raises(InvalidInput):  # Ava is two levels under Cora
        actions.set_manager(acting_user=cast.hana, person=cast.cora, manager=cast.ava)
    assert fresh(cast.cora).manager is None


def test_moving_a_manager_moves_their_whole_subtree(cast):
    actions.set_manager(acting_user=cast.hana, person=cast.sam, manager=cast.eli)
    assert fresh(cast.sam).chain_ids == [cast.eli.pk, cast.cora.pk]
    assert fresh(cast.ava).chain_ids == [cast.sam.pk, cast.eli.pk, cast.cora.pk]
    assert fresh(cast.pia).manager_path == f"/{cast.cora.pk}/{cast.eli.pk}/{cast.sam.pk}/"
    actions.set_manager(acting_user=cast.hana, person=cast.sam, manager=None)
    assert fresh(cast.ava).chain_ids == [cast.sam.pk]


def test_only_hr_changes_the_organisation(cast):
    with pytest.raises(NotAllowed):
        actions.set_manager(acting_user=cast.sam, person=cast.ava, manager=cast.eli)
    with pytest.raises(NotAllowed):
        actions.create_team(acting_user=cast.cora, name="Growth", parent=cast.acme)


def test_person_validation(cast):
    before = Person.objects.count()
    with pytest.raises(InvalidInput) as exc:
        actions.create_person(
            acting_user=cast.hana, username="ava", display_name="", email="not-an-email"
        )
    assert {"username", "display_name", "email"} <= set(exc.value.errors)
    with pytest.raises(InvalidInput) as exc:
        actions.create_person(
            acting_user=cast.hana, username="has space", display_name="X", password="123"
        )
    assert {"username", "password"} <= set(exc.value.errors)
    assert Person.objects.count() == before


def test_roles(cast):
    assert fresh(cast.sam).roles() == ["employee", "manager"]
    assert fresh(cast.hana).roles() == ["employee", "hr_admin"]
    assert fresh(cast.cora).roles() == ["employee", "manager", "executive"]
    assert fresh(cast.ava).roles() == ["employee"]


def test_teams_nest_and_move_without_loops(cast):
    assert fresh(cast.enterprise).ancestor_ids == [cast.acme.pk, cast.sales.pk]
    with pytest.raises(InvalidInput):
        actions.move_team(acting_user=cast.hana, team=cast.sales, parent=cast.enterprise)
    with pytest.raises(InvalidInput):
        actions.move_team(acting_user=cast.hana, team=cast.sales, parent=cast.sales)
    actions.move_team(acting_user=cast.hana, team=cast.sales, parent=cast.engineering)
    assert fresh(cast.enterprise).ancestor_ids == [cast.acme.pk, cast.engineering.pk, cast.sales.pk]
    with pytest.raises(InvalidInput) as exc:
        actions.create_team(acting_user=cast.hana, name="", kind="squad")
    assert {"name", "kind"} <= set(exc.value.errors)
    with pytest.raises(InvalidInput) as exc:
        actions.create_team(acting_user=cast.hana, name="Floating")
    assert "parent" in exc.value.errors
    growth = actions.create_team(acting_user=cast.hana, name="Sales", parent=cast.acme)
    assert growth.slug == "sales-2"
    assert Team.objects.filter(name="Sales").count() == 2


def test_team_lead_is_a_member_and_cannot_be_removed_while_leading(cast):
    assert cast.enterprise.members.filter(pk=cast.sam.pk).exists()
    with pytest.raises(InvalidInput):
        actions.remove_member(acting_user=cast.hana, team=cast.enterprise, person=cast.sam)
    actions.remove_member(acting_user=cast.hana, team=cast.enterprise, person=cast.pia)
    assert not cast.enterprise.members.filter(pk=cast.pia.pk).exists()


def test_organisation_time_zone_is_validated(cast):
    with pytest.raises(InvalidInput) as exc:
        actions.update_organisation(acting_user=cast.hana, time_zone="Mars/Olympus")
    assert "time_zone" in exc.value.errors
    actions.update_organisation(acting_user=cast.hana, time_zone="Europe/Berlin")
    selectors.forget_organisation_cache()
    assert selectors.organisation_time_zone() == "Europe/Berlin"
