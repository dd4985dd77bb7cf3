"""HR runs the organisation from the app: the hub, people (list, filters, add, edit, the
manager picker, deactivating), teams (the tree, moving, leads, members, cadence) and cycles
(the next quarter, editing, opening, closing). Everyone else is refused; bad input names the
field and changes nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lineofsight.core.models import AuditEvent
from lineofsight.goals.models import Cycle
from lineofsight.people import actions
from lineofsight.people.models import Membership, Person, Team
from lineofsight.people.selectors import forget_organisation_cache

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def person_form(person: Person, **changes) -> dict:
    data = {
        "display_name": person.name,
        "email": person.email,
        "job_title": person.job_title,
        "manager": person.manager.username if person.manager else "",
        "teams": [str(pk) for pk in person.memberships.values_list("team_id", flat=True)],
        "is_active": "on" if person.is_active else "",
        "is_hr_admin": "on" if person.is_hr_admin else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v not in ("", None)}


def field_error(response, field: str) -> str:
    """The error shown on one field of the form."""
    match = re.search(
        rf'data-field="{field}".*?<ul class="errorlist"[^>]*>(.*?)</ul>', text(response)
    )
    assert match, f"no error on {field}"
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip()


PAGES = [
    "/organisation/",
    "/organisation/people/",
    "/organisation/people/new/",
    "/organisation/teams/",
    "/organisation/teams/new/",
    "/organisation/cycles/",
    "/organisation/cycles/new/",
]


def test_hr_sees_every_page_and_the_link_in_the_navigation(cast) -> None:
    hr = signed_in(cast.hana)
    for url in [
        *PAGES,
        f"/organisation/people/{cast.ava.pk}/",
        f"/organisation/teams/{cast.sales.pk}/",
        f"/organisation/cycles/{cast.q4.pk}/",
    ]:
        assert hr.get(url).status_code == 200, url
    home = text(hr.get("/organisation/"))
    assert '<a href="/organisation/" aria-current="page">Organisation</a>' in home
    assert 'href="/organisation/import/"' in home and 'href="/organisation/export/"' in home


@pytest.mark.parametrize("who", ["ava", "sam", "cora"])
def test_everyone_else_is_refused_and_has_no_link(cast, who) -> None:
    client = signed_in(getattr(cast, who))
    for url in [*PAGES, f"/organisation/people/{cast.ava.pk}/"]:
        assert client.get(url).status_code == 403, url
    response = client.post(f"/organisation/people/{cast.ava.pk}/", {"display_name": "X"})
    assert response.status_code == 403
    assert Person.objects.get(pk=cast.ava.pk).name == "Ava Adams"
    assert "/organisation/" not in text(client.get("/"))


def test_the_people_list_searches_and_filters(cast) -> None:
    hr = signed_in(cast.hana)
    actions.deactivate_person(acting_user=cast.hana, person=cast.otto)
    page = text(hr.get("/organisation/people/?q=account"))
    assert 'data-person="ava"' in page and 'data-person="pia"' in page
    assert 'data-person="sam"' not in page
    page = text(hr.get(f"/organisation/people/?team={cast.enterprise.pk}"))
    assert {"ava", "pia"} <= set(re.findall(r'data-person="(\w+)"', page))
    assert 'data-person="dev"' not in page
    page = text(hr.get(f"/organisation/people/?manager={cast.sam.pk}"))
    assert set(re.findall(r'data-person="(\w+)"', page)) == {"ava", "pia"}
    page = text(hr.get("/organisation/people/?manager=eli"))
    assert set(re.findall(r'data-person="(\w+)"', page)) == {"dev"}
    page = text(hr.get("/organisation/people/?manager=ghost"))
    assert "Nobody has the username &#x27;ghost&#x27;" in page and "data-person=" not in page
    assert 'data-person="otto"' not in text(hr.get("/organisation/people/"))
    page = text(hr.get("/organisation/people/?active=inactive"))
    assert set(re.findall(r'data-person="(\w+)"', page)) == {"otto"}


def _many_people(cast, n: int) -> None:
    Person.objects.bulk_create(
        [
            Person(
                username=f"bulk{i:03}",
                display_name=f"Bulk {i:03}",
                manager=cast.sam,
                manager_path=cast.sam.subtree_prefix,
            )
            for i in range(n)
        ]
    )
    Membership.objects.bulk_create(
        [
            Membership(person=p, team=t)
            for p in Person.objects.filter(username__startswith="bulk")
            for t in (cast.sales, cast.enterprise)
        ]
    )


def _queries(client: Client, url: str) -> int:
    forget_organisation_cache()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_people_list_reads_a_fixed_number_of_queries_and_pages_by_fifty(cast) -> None:
    hr = signed_in(cast.hana)
    small = _queries(hr, "/organisation/people/")
    _many_people(cast, 120)
    large = _queries(hr, "/organisation/people/")
    assert large == small
    assert _queries(hr, "/organisation/people/?page=3&q=bulk") == small
    page = text(hr.get("/organisation/people/?q=bulk&page=2"))
    assert len(re.findall(r'data-person="bulk', page)) == 50
    assert "Page 2 of 3" in page and "q=bulk&amp;page=3" in page


def test_hr_adds_a_person_with_a_manager_and_teams(cast) -> None:
    hr = signed_in(cast.hana)
    response = hr.post(
        "/organisation/people/new/",
        {
            "username": "nia",
            "display_name": "Nia Novak",
            "email": "nia@acme.test",
            "job_title": "Account Executive",
            "manager": "sam",
            "teams": [str(cast.enterprise.pk)],
        },
    )
    nia = Person.objects.get(username="nia")
    assert response.status_code == 302 and response.url == f"/organisation/people/{nia.pk}/"
    assert nia.manager == cast.sam and nia.manager_path == cast.sam.subtree_prefix
    assert list(nia.teams.all()) == [cast.enterprise]
    assert not nia.has_usable_password()
    assert AuditEvent.objects.filter(action="person.create", subject_id=nia.pk).exists()


def test_adding_a_person_with_bad_input_names_the_field_and_adds_nobody(cast) -> None:
    hr = signed_in(cast.hana)
    before = Person.objects.count()
    response = hr.post(
        "/organisation/people/new/",
        {"username": "ava", "display_name": "Another Ava", "manager": "nobody-here"},
    )
    assert response.status_code == 422
    assert "nobody-here" in field_error(response, "manager")
    response = hr.post(
        "/organisation/people/new/",
        {"username": "ava", "display_name": "Another Ava", "email": "not-an-address"},
    )
    assert response.status_code == 422
    assert "already has the username" in field_error(response, "username")
    assert "not an email address" in field_error(response, "email")
    assert Person.objects.count() == before


def test_hr_edits_a_person_all_at_once(cast) -> None:
    hr = signed_in(cast.hana)
    data = person_form(
        cast.dev,
        display_name="Dev Diaz-Ortiz",
        job_title="Senior Engineer",
        manager="sam",
        teams=[str(cast.platform.pk), str(cast.legal.pk)],
        is_hr_admin="on",
    )
    response = hr.post(f"/organisation/people/{cast.dev.pk}/", data)
    assert response.status_code == 302
    dev = Person.objects.get(pk=cast.dev.pk)
    assert (dev.name, dev.job_title, dev.manager, dev.is_hr_admin) == (
        "Dev Diaz-Ortiz",
        "Senior Engineer",
        cast.sam,
        True,
    )
    assert set(dev.teams.all()) == {cast.platform, cast.legal}
    actions_recorded = set(
        AuditEvent.objects.filter(subject_id=dev.pk, actor=cast.hana).values_list(
            "action", flat=True
        )
    )
    assert {"person.update", "person.set_manager", "person.set_teams"} <= actions_recorded


def test_a_manager_loop_is_refused_naming_the_field_and_nothing_changes(cast) -> None:
    hr = signed_in(cast.hana)
    audit_rows = AuditEvent.objects.count()
    # Sam manages Ava: making Ava Sam's manager would close a loop. The name changes too,
    # and must not be saved either.
    data = person_form(cast.sam, display_name="Samuel Sato", manager="ava")
    response = hr.post(f"/organisation/people/{cast.sam.pk}/", data)
    assert response.status_code == 422
    assert "loop" in field_error(response, "manager")
    sam = Person.objects.get(pk=cast.sam.pk)
    assert (sam.name, sam.manager) == ("Sam Sato", cast.cora)
    assert AuditEvent.objects.count() == audit_rows


def test_the_manager_picker_leaves_out_the_person_and_everyone_under_them(cast) -> None:
    hr = signed_in(cast.hana)
    url = f"/organisation/people/picker/?field=manager&manager=a&below={cast.sam.pk}"
    options = re.findall(r'<option value="(\w+)"', text(hr.get(url)))
    assert "ava" not in options and "sam" not in options
    assert {"hana", "cora"} <= set(options)
    assert signed_in(cast.ava).get(url).status_code == 403


def test_deactivating_keeps_history_and_stops_sign_in(cast, cascade) -> None:
    hr = signed_in(cast.hana)
    response = hr.post(f"/organisation/people/{cast.pia.pk}/", person_form(cast.pia, is_active=""))
    assert response.status_code == 302
    pia = Person.objects.get(pk=cast.pia.pk)
    assert not pia.is_active
    assert Membership.objects.filter(person=pia).exists()
    assert AuditEvent.objects.filter(action="person.deactivate", subject_id=pia.pk).exists()
    login = Client().post("/login/", {"username": "pia", "password": PASSWORD})
    assert login.status_code == 200  # the form again, not a redirect into the app
    former = signed_in(pia)
    assert former.get("/").status_code == 302  # back to the sign-in page
    # ... and HR brings her back.
    response = hr.post(f"/organisation/people/{pia.pk}/", person_form(pia, is_active="on"))
    assert response.status_code == 302
    assert Person.objects.get(pk=pia.pk).is_active


def test_deactivating_a_manager_with_reports_is_refused(cast) -> None:
    hr = signed_in(cast.hana)
    response = hr.post(f"/organisation/people/{cast.sam.pk}/", person_form(cast.sam, is_active=""))
    assert response.status_code == 422
    assert "manages 2 active people" in field_error(response, "is_active")
    assert Person.objects.get(pk=cast.sam.pk).is_active


def test_the_team_tree_shows_the_nesting(cast) -> None:
    page = text(signed_in(cast.hana).get("/organisation/teams/"))
    order = re.findall(r'data-depth="(\d)" data-team="([\w-]+)"', page)
    assert order.index(("0", "acme")) < order.index(("1", "sales"))
    assert order.index(("1", "sales")) < order.index(("2", "enterprise-sales"))


def test_hr_moves_a_team_sets_its_lead_and_cadence(cast) -> None:
    hr = signed_in(cast.hana)
    response = hr.post(
        f"/organisation/teams/{cast.platform.pk}/",
        {
            "name": "Platform",
            "kind": "team",
            "parent": str(cast.sales.pk),
            "lead": "dev",
            "check_in_cadence": "biweekly",
        },
    )
    assert response.status_code == 302
    platform = Team.objects.get(pk=cast.platform.pk)
    assert platform.parent == cast.sales and platform.path == cast.sales.subtree_prefix
    assert platform.lead == cast.dev and platform.check_in_cadence == "biweekly"


def test_a_team_cannot_move_inside_itself_and_nothing_changes(cast) -> None:
    hr = signed_in(cast.hana)
    response = hr.post(
        f"/organisation/teams/{cast.sales.pk}/",
        {"name": "Revenue", "kind": "department", "parent": str(cast.enterprise.pk)},
    )
    assert response.status_code == 422
    assert "parent" in text(response)
    sales = Team.objects.get(pk=cast.sales.pk)
    assert (sales.name, sales.parent) == ("Sales", cast.acme)


def test_hr_adds_and_removes_members_and_a_lead_cannot_be_removed(cast) -> None:
    hr = signed_in(cast.hana)
    url = f"/organisation/teams/{cast.legal.pk}/members/"
    assert hr.post(url, {"person": "dev"}).status_code == 302
    assert cast.dev.teams.filter(pk=cast.legal.pk).exists()
    response = hr.post(url, {"person": "ghost"})
    assert response.status_code == 422 and "ghost" in field_error(response, "person")
    remove = f"/organisation/teams/{cast.legal.pk}/members/{cast.dev.pk}/remove/"
    assert hr.post(remove).status_code == 302
    assert not cast.dev.teams.filter(pk=cast.legal.pk).exists()
    lead = f"/organisation/teams/{cast.sales.pk}/members/{cast.sam.pk}/remove/"
    page = text(hr.post(lead, follow=True))
    assert "leads Sales" in page
    assert cast.sam.teams.filter(pk=cast.sales.pk).exists()


def test_hr_adds_a_team(cast) -> None:
    hr = signed_in(cast.hana)
    response = hr.post(
        "/organisation/teams/new/",
        {"name": "Renewals", "kind": "team", "parent": str(cast.sales.pk), "lead": "pia"},
    )
    team = Team.objects.get(name="Renewals")
    assert response.status_code == 302
    assert team.parent == cast.sales and team.lead == cast.pia
    response = hr.post("/organisation/teams/new/", {"name": "", "kind": "team"})
    assert response.status_code == 422 and field_error(response, "name")


def test_the_next_quarter_is_proposed_and_added_with_its_year(cast) -> None:
    hr = signed_in(cast.hana)
    form = text(hr.get("/organisation/cycles/new/"))
    assert 'value="Q1 2027"' in form
    assert 'value="2027-01-01"' in form and 'value="2027-03-31"' in form
    response = hr.post(
        "/organisation/cycles/new/",
        {
            "name": "Q1 2027",
            "start_date": "2027-01-01",
            "end_date": "2027-03-31",
            "check_in_cadence": "weekly",
        },
    )
    assert response.status_code == 302
    q1 = Cycle.objects.get(name="Q1 2027")
    assert q1.state == "planning" and q1.parent is not None and q1.parent.name == "FY 2027"


def test_a_new_quarter_with_bad_dates_names_the_field_and_adds_nothing(cast) -> None:
    hr = signed_in(cast.hana)
    before = Cycle.objects.count()
    response = hr.post(
        "/organisation/cycles/new/",
        {
            "name": "Q1 2027",
            "start_date": "2027-03-31",
            "end_date": "2027-01-01",
            "check_in_cadence": "weekly",
        },
    )
    assert response.status_code == 422
    assert "on or after" in field_error(response, "end_date")
    response = hr.post(
        "/organisation/cycles/new/",
        {
            "name": "Q4 2026",
            "start_date": "2027-01-01",
            "end_date": "2027-03-31",
            "check_in_cadence": "weekly",
        },
    )
    assert "exists already" in field_error(response, "name")
    assert Cycle.objects.count() == before


def test_hr_edits_opens_and_closes_a_cycle(cast) -> None:
    hr = signed_in(cast.hana)
    q1 = Cycle.objects.create(
        name="Q1 2027",
        kind="quarter",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
        parent=Cycle.objects.create(
            name="FY 2027",
            kind="annual",
            start_date=dt.date(2027, 1, 1),
            end_date=dt.date(2027, 12, 31),
        ),
    )
    response = hr.post(
        f"/organisation/cycles/{q1.pk}/",
        {
            "name": "Q1 2027 (Jan-Mar)",
            "start_date": "2027-01-04",
            "end_date": "2027-03-31",
            "check_in_cadence": "monthly",
        },
    )
    assert response.status_code == 302
    q1.refresh_from_db()
    assert (q1.name, q1.start_date, q1.check_in_cadence) == (
        "Q1 2027 (Jan-Mar)",
        dt.date(2027, 1, 4),
        "monthly",
    )
    page = text(hr.get("/organisation/cycles/"))
    assert f'action="/organisation/cycles/{q1.pk}/open/"' in page
    assert f'href="/cycles/{cast.q4.pk}/close/"' in page
    assert hr.post(f"/organisation/cycles/{q1.pk}/open/").status_code == 302
    q1.refresh_from_db()
    assert q1.state == "active"
    assert AuditEvent.objects.filter(action="cycle.update", subject_id=q1.pk).exists()
    assert hr.post(f"/cycles/{cast.q4.pk}/close/").status_code == 302
    assert Cycle.objects.get(pk=cast.q4.pk).state == "closed"


def test_a_started_cycle_keeps_its_first_day_and_a_quarter_stays_in_its_year(cast) -> None:
    hr = signed_in(cast.hana)
    data = {
        "name": "Q4 2026",
        "start_date": "2026-10-05",
        "end_date": "2027-01-15",
        "check_in_cadence": "weekly",
    }
    response = hr.post(f"/organisation/cycles/{cast.q4.pk}/", data)
    assert response.status_code == 422
    errors = field_error(response, "start_date")
    assert "only its end date may move" in errors or "must lie between" in errors
    assert Cycle.objects.get(pk=cast.q4.pk).start_date == dt.date(2026, 10, 1)
