"""HR manages the organisation and cycles in Django's admin, through the same rules."""

from __future__ import annotations

import pytest
from django.test import Client

from lineofsight.core.models import AuditEvent
from lineofsight.goals.models import Cycle
from lineofsight.people.models import Person, Team

pytestmark = pytest.mark.django_db


def admin_client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_hr_admins_reach_the_organisation_pages_and_others_do_not(cast):
    hana = admin_client(cast.hana)
    for url in ("/admin/", "/admin/people/person/", "/admin/people/team/", "/admin/goals/cycle/"):
        assert hana.get(url).status_code == 200, url
    sam = admin_client(cast.sam)
    assert sam.get("/admin/people/person/").status_code == 302  # not staff: sent to log in


def test_adding_a_cycle_checks_the_rules(cast):
    hana = admin_client(cast.hana)
    bad = hana.post(
        "/admin/goals/cycle/add/",
        {
            "name": "Q1 2027",
            "kind": "quarter",
            "start_date": "2027-01-01",
            "end_date": "2027-03-31",
            "parent": cast.fy.pk,
        },
    )
    assert bad.status_code == 200
    assert "must lie between" in bad.content.decode()
    assert not Cycle.objects.filter(name="Q1 2027").exists()
    good = hana.post(
        "/admin/goals/cycle/add/",
        {
            "name": "Q1 2026",
            "kind": "quarter",
            "start_date": "2026-01-01",
            "end_date": "2026-03-31",
            "parent": cast.fy.pk,
        },
    )
    assert good.status_code == 302
    q1 = Cycle.objects.get(name="Q1 2026")
    assert AuditEvent.objects.filter(
        action="cycle.create", subject_id=q1.pk, actor=cast.hana
    ).exists()


def test_cycles_move_forward_through_admin_actions(cast):
    hana = admin_client(cast.hana)
    response = hana.post(
        "/admin/goals/cycle/",
        {"action": "close_cycles", "_selected_action": [cast.q4.pk, cast.q3.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "Q4 2026 is now closed" in text
    assert "cycles only move forward" in text  # Q3 was closed already
    q4 = Cycle.objects.get(pk=cast.q4.pk)
    assert q4.state == "closed" and q4.closed_by == cast.hana and q4.closed_at is not None
    # The state cannot be edited directly.
    hana.post(f"/admin/goals/cycle/{cast.fy.pk}/change/", {"state": "closed"})
    assert Cycle.objects.get(pk=cast.fy.pk).state == "active"


def test_person_manager_loop_is_refused_and_a_move_updates_the_chain(cast):
    hana = admin_client(cast.hana)
    page = hana.get(f"/admin/people/person/{cast.sam.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password",)}
    data.update(
        {
            "manager": cast.ava.pk,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "09:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        }
    )
    data.pop("groups", None)
    data.pop("user_permissions", None)
    refused = hana.post(f"/admin/people/person/{cast.sam.pk}/change/", data)
    assert refused.status_code == 200
    assert "loop in the reporting line" in refused.content.decode()
    assert Person.objects.get(pk=cast.sam.pk).manager_id == cast.cora.pk

    data["manager"] = cast.eli.pk
    moved = hana.post(f"/admin/people/person/{cast.sam.pk}/change/", data)
    assert moved.status_code == 302, moved.content.decode()[:2000]
    assert Person.objects.get(pk=cast.ava.pk).chain_ids == [cast.sam.pk, cast.eli.pk, cast.cora.pk]
    assert AuditEvent.objects.filter(action="person.set_manager", actor=cast.hana).exists()


def test_team_cannot_move_inside_itself(cast):
    hana = admin_client(cast.hana)
    data = {
        "name": "Sales",
        "slug": cast.sales.slug,
        "kind": "department",
        "parent": cast.enterprise.pk,
        "lead": cast.sam.pk,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    refused = hana.post(f"/admin/people/team/{cast.sales.pk}/change/", data)
    assert refused.status_code == 200
    assert "cannot sit inside itself" in refused.content.decode()
    assert Team.objects.get(pk=cast.sales.pk).parent_id == cast.acme.pk
