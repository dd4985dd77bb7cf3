"""Running the organisation over the API: HR adds and changes people, teams, memberships and
cycles; everyone else gets 403; bad input is a 422 naming the field and changes nothing."""

from __future__ import annotations

import pytest

from lineofsight.core.models import AuditEvent
from lineofsight.goals.models import Cycle
from lineofsight.people.models import Person, Team

pytestmark = pytest.mark.django_db


def test_hr_adds_a_person_and_changes_them(cast, as_person) -> None:
    hr = as_person("hana")
    response = hr.post(
        "/people",
        {
            "username": "nia",
            "name": "Nia Novak",
            "email": "nia@acme.test",
            "manager": cast.sam.pk,
            "team_ids": [cast.enterprise.pk],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["manager"] == cast.sam.pk and body["team_ids"] == [cast.enterprise.pk]
    assert body["is_active"] is True
    nia = Person.objects.get(username="nia")
    response = hr.patch(
        f"/people/{nia.pk}",
        {"job_title": "Account Executive", "manager": cast.eli.pk, "team_ids": []},
    )
    assert response.status_code == 200, response.json()
    nia.refresh_from_db()
    assert (nia.job_title, nia.manager, nia.name) == ("Account Executive", cast.eli, "Nia Novak")
    assert not nia.teams.exists()


def test_a_loop_and_other_bad_input_name_their_fields_and_change_nothing(cast, as_person) -> None:
    hr = as_person("hana")
    response = hr.patch(f"/people/{cast.sam.pk}", {"name": "Samuel", "manager": cast.ava.pk})
    assert response.status_code == 422
    assert "loop" in " ".join(response.json()["errors"]["manager"])
    assert Person.objects.get(pk=cast.sam.pk).name == "Sam Sato"
    response = hr.patch(f"/people/{cast.ava.pk}", {"team_ids": [999999]})
    assert response.status_code == 422 and "team_ids" in response.json()["errors"]
    response = hr.post("/people", {"username": "ava", "name": "Ava again"})
    assert response.status_code == 422 and "username" in response.json()["errors"]
    response = hr.patch(f"/people/{cast.ava.pk}", {"is_active": "no"})
    assert response.status_code == 422 and "is_active" in response.json()["errors"]


def test_hr_deactivates_and_reactivates_someone(cast, as_person) -> None:
    hr = as_person("hana")
    pia = as_person("pia")
    assert pia.get("/me").status_code == 200
    response = hr.patch(f"/people/{cast.pia.pk}", {"is_active": False})
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert pia.get("/me").status_code == 401  # her token no longer works
    assert AuditEvent.objects.filter(action="person.deactivate", subject_id=cast.pia.pk).exists()
    response = hr.patch(f"/people/{cast.sam.pk}", {"is_active": False})
    assert response.status_code == 422 and "manages" in response.json()["detail"]
    assert hr.patch(f"/people/{cast.pia.pk}", {"is_active": True}).status_code == 200
    assert pia.get("/me").status_code == 200


def test_hr_adds_moves_and_staffs_a_team(cast, as_person) -> None:
    hr = as_person("hana")
    response = hr.post(
        "/teams",
        {"name": "Renewals", "parent": cast.sales.pk, "lead": cast.pia.pk},
    )
    assert response.status_code == 201, response.json()
    renewals = response.json()
    assert renewals["member_ids"] == [cast.pia.pk]
    response = hr.patch(
        f"/teams/{renewals['id']}",
        {"parent": cast.enterprise.pk, "check_in_cadence": "monthly", "lead": cast.ava.pk},
    )
    assert response.status_code == 200, response.json()
    team = Team.objects.get(pk=renewals["id"])
    assert team.path == cast.enterprise.subtree_prefix and team.lead == cast.ava
    assert team.check_in_cadence == "monthly"
    response = hr.post(f"/teams/{team.pk}/members", {"person": cast.dev.pk})
    assert response.status_code == 201 and cast.dev.pk in response.json()["member_ids"]
    assert hr.delete(f"/teams/{team.pk}/members/{cast.dev.pk}").status_code == 204
    response = hr.delete(f"/teams/{team.pk}/members/{cast.ava.pk}")
    assert response.status_code == 422 and "person" in response.json()["errors"]


def test_a_team_cannot_move_inside_itself(cast, as_person) -> None:
    response = as_person("hana").patch(
        f"/teams/{cast.sales.pk}", {"name": "Revenue", "parent": cast.enterprise.pk}
    )
    assert response.status_code == 422 and "parent" in response.json()["errors"]
    assert Team.objects.get(pk=cast.sales.pk).name == "Sales"


def test_hr_adds_the_next_quarter_edits_and_opens_it(cast, as_person) -> None:
    hr = as_person("hana")
    response = hr.post(f"/cycles/{cast.q4.pk}/next", {})
    assert response.status_code == 201, response.json()
    q1 = response.json()
    assert (q1["name"], q1["start_date"], q1["end_date"], q1["state"]) == (
        "Q1 2027",
        "2027-01-01",
        "2027-03-31",
        "planning",
    )
    assert Cycle.objects.get(pk=q1["parent"]).name == "FY 2027"
    response = hr.patch(f"/cycles/{q1['id']}", {"end_date": "2027-03-28"})
    assert response.status_code == 200 and response.json()["end_date"] == "2027-03-28"
    response = hr.patch(f"/cycles/{q1['id']}", {"end_date": "2026-12-01"})
    assert response.status_code == 422 and "end_date" in response.json()["errors"]
    response = hr.post(f"/cycles/{q1['id']}/open")
    assert response.status_code == 200 and response.json()["state"] == "active"
    assert hr.post(f"/cycles/{q1['id']}/open").status_code == 422
    response = hr.post(
        "/cycles",
        {
            "name": "FY 2028",
            "kind": "annual",
            "start_date": "2028-01-01",
            "end_date": "2028-12-31",
        },
    )
    assert response.status_code == 201
    response = hr.patch(f"/cycles/{cast.q3.pk}", {"name": "Third quarter"})
    assert response.status_code == 422 and "closed" in response.json()["detail"]


@pytest.mark.parametrize("who", ["ava", "sam", "cora"])
def test_everyone_else_is_refused(cast, as_person, who) -> None:
    api = as_person(who)
    assert api.post("/people", {"username": "x", "name": "X"}).status_code == 403
    assert api.patch(f"/people/{cast.ava.pk}", {"name": "X"}).status_code == 403
    assert api.post("/teams", {"name": "X", "parent": cast.acme.pk}).status_code == 403
    assert api.patch(f"/teams/{cast.sales.pk}", {"name": "X"}).status_code == 403
    assert api.post(f"/cycles/{cast.q4.pk}/next", {}).status_code == 403
    assert api.post(f"/cycles/{cast.q4.pk}/open").status_code == 403
    assert Person.objects.get(pk=cast.ava.pk).name == "Ava Adams"
    assert not Person.objects.filter(username="x").exists()
