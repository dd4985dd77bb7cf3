"""The actions behind running the organisation from the app: deactivating and reactivating
a person, setting their teams, editing a person or a team all at once (all or nothing),
and editing, proposing and adding cycles."""

from __future__ import annotations

import datetime as dt

import pytest

from lineofsight.core.errors import InvalidInput, NotAllowed
from lineofsight.core.models import AuditEvent
from lineofsight.goals import actions as goal_actions
from lineofsight.goals.models import Cycle
from lineofsight.people import actions
from lineofsight.people.models import Person, Team

pytestmark = pytest.mark.django_db


def test_deactivating_keeps_everything_and_refuses_while_someone_depends_on_them(cast) -> None:
    memberships = set(cast.pia.memberships.values_list("team_id", flat=True))
    actions.deactivate_person(acting_user=cast.hana, person=cast.pia)
    pia = Person.objects.get(pk=cast.pia.pk)
    assert not pia.is_active and pia.manager == cast.sam
    assert set(pia.memberships.values_list("team_id", flat=True)) == memberships
    with pytest.raises(InvalidInput) as exc:
        actions.deactivate_person(acting_user=cast.hana, person=pia)
    assert "already" in exc.value.errors["is_active"][0]
    with pytest.raises(InvalidInput) as exc:
        actions.deactivate_person(acting_user=cast.hana, person=cast.eli)
    assert "manages 1 active person" in exc.value.errors["is_active"][0]
    with pytest.raises(InvalidInput) as exc:
        actions.deactivate_person(acting_user=cast.hana, person=cast.hana)
    assert "yourself" in exc.value.errors["is_active"][0]
    actions.reactivate_person(acting_user=cast.hana, person=pia)
    assert Person.objects.get(pk=pia.pk).is_active
    recorded = AuditEvent.objects.filter(subject_id=pia.pk, actor=cast.hana).order_by("pk")
    assert list(recorded.values_list("action", flat=True)) == [
        "person.deactivate",
        "person.reactivate",
    ]


def test_a_team_lead_is_deactivated_only_once_someone_else_leads(cast) -> None:
    actions.set_manager(acting_user=None, person=cast.dev, manager=cast.cora)
    with pytest.raises(InvalidInput) as exc:
        actions.deactivate_person(acting_user=cast.hana, person=cast.eli)
    assert "leads Engineering, Platform" in exc.value.errors["is_active"][0]


def test_only_hr_changes_people(cast) -> None:
    for action in (actions.deactivate_person, actions.reactivate_person):
        with pytest.raises(NotAllowed):
            action(acting_user=cast.sam, person=cast.ava)
    with pytest.raises(NotAllowed):
        actions.edit_person(acting_user=cast.sam, person=cast.ava, display_name="X")
    with pytest.raises(NotAllowed):
        actions.edit_team(acting_user=cast.sam, team=cast.sales, name="X")


def test_setting_teams_joins_and_leaves_but_a_lead_stays(cast) -> None:
    actions.set_person_teams(acting_user=cast.hana, person=cast.ava, teams=[cast.legal])
    assert list(cast.ava.teams.all()) == [cast.legal]
    with pytest.raises(InvalidInput) as exc:
        actions.set_person_teams(acting_user=cast.hana, person=cast.sam, teams=[])
    assert "choose a new lead" in exc.value.errors["teams"][0]
    assert cast.sam.teams.count() == 2


def test_editing_a_person_is_all_or_nothing_with_every_error(cast) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as exc:
        actions.edit_person(
            acting_user=cast.hana,
            person=cast.sam,
            display_name="Samuel Sato",
            email="not an address",
            manager=cast.pia,  # Pia reports to Sam: a loop
            teams=[cast.legal],  # Sam leads Sales and Enterprise Sales
        )
    assert set(exc.value.errors) == {"email", "manager", "teams"}
    sam = Person.objects.get(pk=cast.sam.pk)
    assert (sam.name, sam.manager) == ("Sam Sato", cast.cora)
    assert AuditEvent.objects.count() == before


def test_hr_cannot_take_away_their_own_hr_role(cast) -> None:
    with pytest.raises(InvalidInput) as exc:
        actions.edit_person(acting_user=cast.hana, person=cast.hana, is_hr_admin=False)
    assert "is_hr_admin" in exc.value.errors
    assert Person.objects.get(pk=cast.hana.pk).is_hr_admin


def test_a_deactivated_person_manages_and_leads_nobody(cast) -> None:
    actions.deactivate_person(acting_user=cast.hana, person=cast.otto)
    otto = Person.objects.get(pk=cast.otto.pk)
    with pytest.raises(InvalidInput) as exc:
        actions.set_manager(acting_user=cast.hana, person=cast.ava, manager=otto)
    assert "deactivated" in exc.value.errors["manager"][0]
    with pytest.raises(InvalidInput) as exc:
        actions.set_team_lead(acting_user=cast.hana, team=cast.legal, lead=otto)
    assert "deactivated" in exc.value.errors["lead"][0]


def test_editing_a_team_moves_it_with_everything_inside(cast) -> None:
    team = actions.edit_team(
        acting_user=cast.hana,
        team=cast.sales,
        name="Revenue",
        parent=cast.people_ops,
        lead=cast.ava,
        check_in_cadence="monthly",
    )
    assert (team.name, team.lead, team.check_in_cadence) == ("Revenue", cast.ava, "monthly")
    enterprise = Team.objects.get(pk=cast.enterprise.pk)
    assert enterprise.path == f"{cast.acme.subtree_prefix}{cast.people_ops.pk}/{team.pk}/"
    with pytest.raises(InvalidInput) as exc:
        actions.edit_team(acting_user=cast.hana, team=team, name="", check_in_cadence="hourly")
    assert set(exc.value.errors) == {"name", "check_in_cadence"}
    assert Team.objects.get(pk=team.pk).name == "Revenue"


def test_the_next_quarter_follows_the_latest_one_or_today(cast) -> None:
    assert goal_actions.next_quarter_dates(dt.date(2026, 12, 7)) == (
        "Q1 2027",
        dt.date(2027, 1, 1),
        dt.date(2027, 3, 31),
    )
    Cycle.objects.filter(kind="quarter").delete()
    assert goal_actions.next_quarter_dates(dt.date(2026, 12, 7))[0] == "Q1 2027"
    assert goal_actions.next_quarter_dates(dt.date(2026, 5, 2)) == (
        "Q3 2026",
        dt.date(2026, 7, 1),
        dt.date(2026, 9, 30),
    )


def test_a_quarter_gets_its_year_and_bad_dates_add_neither(cast) -> None:
    with pytest.raises(InvalidInput):
        goal_actions.create_quarter(
            acting_user=cast.hana,
            name="Q1 2027",
            start_date=dt.date(2027, 3, 1),
            end_date=dt.date(2027, 1, 1),
        )
    assert not Cycle.objects.filter(name="FY 2027").exists()
    q1 = goal_actions.create_quarter(
        acting_user=cast.hana,
        name="Q1 2027",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
    )
    assert q1.parent is not None and q1.parent.name == "FY 2027"
    with pytest.raises(NotAllowed):
        goal_actions.create_quarter(
            acting_user=cast.sam,
            name="Q2 2027",
            start_date=dt.date(2027, 4, 1),
            end_date=dt.date(2027, 6, 30),
        )


def test_updating_a_cycle_keeps_its_quarters_inside_and_a_closed_one_as_graded(cast) -> None:
    with pytest.raises(InvalidInput) as exc:
        goal_actions.update_cycle(
            acting_user=cast.hana, cycle=cast.fy, end_date=dt.date(2026, 11, 30)
        )
    assert "Q4 2026" in exc.value.errors["end_date"][0]
    with pytest.raises(InvalidInput) as exc:
        goal_actions.update_cycle(acting_user=cast.hana, cycle=cast.q3, name="Summer")
    assert "closed" in exc.value.errors["state"][0]
    cycle = goal_actions.update_cycle(
        acting_user=cast.hana, cycle=cast.q4, name="Q4 2026 (last)", check_in_cadence="biweekly"
    )
    assert (cycle.name, cycle.check_in_cadence) == ("Q4 2026 (last)", "biweekly")


def test_saving_a_person_unchanged_records_nothing(cast) -> None:
    before = AuditEvent.objects.count()
    actions.edit_person(
        acting_user=cast.hana,
        person=cast.ava,
        display_name="Ava Adams",
        email=cast.ava.email,
        job_title=cast.ava.job_title,
        manager=cast.sam,
        is_hr_admin=False,
        is_active=True,
    )
    assert AuditEvent.objects.count() == before
