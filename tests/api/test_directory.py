"""Read-only: /api/people, /api/teams, /api/cycles and /api/me."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def names(response):
    assert response.status_code == 200, response.content
    return [item["username"] for item in response.json()["items"]]


def test_people_directory(cast, as_person):
    otto = as_person("otto")
    everyone = otto.get("/people").json()
    assert everyone["count"] == 8
    assert names(otto.get("/people", manager=cast.sam.pk)) == ["ava", "pia"]
    assert names(otto.get("/people", team=cast.enterprise.pk)) == ["ava", "pia", "sam"]
    assert names(otto.get("/people", q="engineer")) == ["dev", "eli"]
    assert names(otto.get("/people", q="haddad")) == ["hana"]
    page = otto.get("/people", limit=2, offset=2).json()
    assert (page["count"], len(page["items"])) == (8, 2)
    sam = next(p for p in everyone["items"] if p["username"] == "sam")
    assert sam["roles"] == ["employee", "manager"] and sam["manager"] == cast.cora.pk
    cast.pia.is_active = False
    cast.pia.save(update_fields=["is_active"])
    assert "pia" not in names(otto.get("/people"))
    assert otto.get(f"/people/{cast.pia.pk}").status_code == 404


def test_person_detail(cast, as_person):
    body = as_person("otto").get(f"/people/{cast.ava.pk}").json()
    assert body["name"] == "Ava Adams" and body["job_title"] == "Account Executive"
    assert body["manager_chain"] == [cast.sam.pk, cast.cora.pk]
    assert body["team_ids"] == [cast.enterprise.pk]
    assert body["report_ids"] == []
    sam = as_person("otto").get(f"/people/{cast.sam.pk}").json()
    assert sam["report_ids"] == sorted([cast.ava.pk, cast.pia.pk])
    assert as_person("otto").get("/people/99999").status_code == 404


def test_teams(cast, as_person):
    ava = as_person("ava")
    teams = ava.get("/teams").json()
    assert teams["count"] == 7
    assert teams["items"][0]["name"] == "Acme"  # outermost first
    departments = ava.get("/teams", kind="department").json()["items"]
    assert {t["name"] for t in departments} == {"People Ops", "Sales", "Engineering", "Legal"}
    assert [t["name"] for t in ava.get("/teams", parent=cast.sales.pk).json()["items"]] == [
        "Enterprise Sales"
    ]
    sales = ava.get(f"/teams/{cast.sales.pk}").json()
    assert sales["lead"] == cast.sam.pk and sales["parent"] == cast.acme.pk
    assert sales["sub_team_ids"] == [cast.enterprise.pk]
    assert sales["ancestor_ids"] == [cast.acme.pk]
    enterprise = ava.get(f"/teams/{cast.enterprise.pk}").json()
    assert enterprise["member_ids"] == sorted([cast.sam.pk, cast.ava.pk, cast.pia.pk])
    assert ava.get("/teams/99999").status_code == 404


def test_cycles(cast, as_person):
    ava = as_person("ava")
    cycles = ava.get("/cycles").json()["items"]
    assert [c["name"] for c in cycles] == ["FY 2026", "Q3 2026", "Q4 2026"]
    assert cycles[1]["parent"] == cast.fy.pk and cycles[1]["state"] == "closed"
    assert [c["name"] for c in ava.get("/cycles", kind="quarter").json()["items"]] == [
        "Q3 2026",
        "Q4 2026",
    ]
    assert [c["name"] for c in ava.get("/cycles", state="closed").json()["items"]] == ["Q3 2026"]
    q4 = ava.get(f"/cycles/{cast.q4.pk}").json()
    assert (q4["start_date"], q4["end_date"], q4["kind"]) == ("2026-10-01", "2026-12-31", "quarter")
    assert ava.get("/cycles/99999").status_code == 404


@pytest.mark.parametrize(
    ("name", "roles"),
    [
        ("ava", ["employee"]),
        ("sam", ["employee", "manager"]),
        ("hana", ["employee", "hr_admin"]),
        ("cora", ["employee", "manager", "executive"]),
    ],
)
def test_me(cast, as_person, name, roles):
    body = as_person(name).get("/me").json()
    assert body["username"] == name
    assert body["roles"] == roles


def test_me_lists_teams(cast, as_person):
    sam = as_person("sam").get("/me").json()
    led = sorted([cast.sales.pk, cast.enterprise.pk])
    assert sam["team_ids"] == led and sam["led_team_ids"] == led
    assert as_person("ava").get("/me").json()["team_ids"] == [cast.enterprise.pk]
