"""HR manages the organisation and cycles in Django's admin, through the same rules."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from lineofsight.core.models import AuditEvent
from lineofsight.goals.models import Cycle
from lineofsight.people.models import Person, Team

from ..conftest import PASSWORD
from ..okrs import build_cascade

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


# -- Nobody acts as someone else -------------------------------------------------------


def test_hr_cannot_hand_its_own_token_to_an_employee(cast):
    """HR reassigning its token to Ava would let HR read Ava's anonymous answers and give
    kudos as her, with the audit log naming Ava."""
    from lineofsight.core import tokens
    from lineofsight.core.models import ApiToken, TokenOwnerFixed

    token, secret = tokens.create_token(acting_user=cast.hana, person=cast.hana, name="mine")
    hana = admin_client(cast.hana)
    page = hana.get(f"/admin/core/apitoken/{token.pk}/change/")
    assert page.status_code == 200
    assert 'name="person"' not in page.content.decode()  # shown, not editable
    posted = hana.post(
        f"/admin/core/apitoken/{token.pk}/change/", {"person": cast.ava.pk, "name": "mine"}
    )
    assert posted.status_code == 403
    assert ApiToken.objects.get(pk=token.pk).person_id == cast.hana.pk
    assert hana.get("/admin/core/apitoken/add/").status_code == 403
    me = Client().get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json()["username"] == "hana"

    # Behind the admin, no write can move it either.
    token.person = cast.ava
    with pytest.raises(TokenOwnerFixed):
        token.save()
    with pytest.raises(TokenOwnerFixed):
        ApiToken.objects.filter(pk=token.pk).update(person=cast.ava)
    assert ApiToken.objects.get(pk=token.pk).person_id == cast.hana.pk


def test_nobody_makes_a_token_for_someone_else(cast):
    from lineofsight.core import tokens
    from lineofsight.core.errors import NotAllowed

    with pytest.raises(NotAllowed, match="only create tokens for yourself"):
        tokens.create_token(acting_user=cast.hana, person=cast.ava, name="as Ava")


def test_hr_revokes_a_token_in_the_admin_with_an_audit_row(cast):
    from lineofsight.core import tokens
    from lineofsight.core.models import ApiToken

    token, _ = tokens.create_token(acting_user=cast.ava, person=cast.ava, name="script")
    done = admin_client(cast.hana).post(
        "/admin/core/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
        follow=True,
    )
    assert "Revoked 1 token" in done.content.decode()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEvent.objects.filter(
        action="token.revoke", actor=cast.hana, subject_id=token.pk
    ).exists()


def test_hr_cannot_set_someone_elses_password_in_the_admin(cast):
    hana = admin_client(cast.hana)
    page = hana.get(f"/admin/people/person/{cast.ava.pk}/change/").content.decode()
    assert "Send Ava Adams a link to choose a new one" in page
    assert 'type="password"' not in page
    for url in (
        f"/admin/people/person/{cast.ava.pk}/password/",
        f"/admin/auth/user/{cast.ava.pk}/password/",
    ):
        hana.post(url, {"password1": "taken-over-123", "password2": "taken-over-123"})
    ava = Person.objects.get(pk=cast.ava.pk)
    assert ava.check_password(PASSWORD)
    assert not ava.check_password("taken-over-123")
    add_page = hana.get("/admin/people/person/add/").content.decode()
    assert 'type="password"' not in add_page


def _reset_link(message_body: str) -> str:
    match = re.search(r"http://[^/\s]+(/password-reset/[^/\s]+/[^/\s]+/)", message_body)
    assert match, message_body
    return match.group(1)


def test_hr_sends_a_reset_link_and_the_person_chooses_their_password(cast, mailoutbox):
    hana = admin_client(cast.hana)
    url = f"/admin/people/person/{cast.ava.pk}/send-reset-link/"
    confirm = hana.get(url)
    assert "ava@acme.test" in confirm.content.decode()
    sent = hana.post(url, follow=True)
    assert "A link to choose a new password was sent to Ava Adams" in sent.content.decode()
    assert [m.to for m in mailoutbox] == [["ava@acme.test"]]
    mail = mailoutbox[0]
    assert "Hana Haddad sent you a link" in mail.subject
    assert "Hana Haddad (HR) asked Line of Sight" in mail.body
    assert AuditEvent.objects.filter(
        action="person.send_password_reset", actor=cast.hana, subject_id=cast.ava.pk
    ).exists()
    assert Person.objects.get(pk=cast.ava.pk).check_password(PASSWORD)  # until she acts

    ava = Client()
    form = ava.get(_reset_link(mail.body), follow=True)
    assert "Choose a new password" in form.content.decode()
    done = ava.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Ava-chose-this-9", "new_password2": "Ava-chose-this-9"},
        follow=True,
    )
    assert "Your password is set" in done.content.decode()
    assert Person.objects.get(pk=cast.ava.pk).check_password("Ava-chose-this-9")
    assert AuditEvent.objects.filter(
        action="person.set_password", actor=cast.ava, subject_id=cast.ava.pk
    ).exists()
    signed_in = Client().post(
        "/login/", {"username": "ava", "password": "Ava-chose-this-9"}, follow=True
    )
    assert signed_in.context["user"] == cast.ava
    again = Client().get(_reset_link(mail.body), follow=True)
    assert "This link no longer works" in again.content.decode()


def test_anyone_can_ask_for_a_reset_link_from_the_sign_in_page(cast, mailoutbox):
    client = Client()
    assert "/password-reset/" in client.get("/login/").content.decode()
    client.post("/password-reset/", {"email": "pia@acme.test"}, follow=True)
    client.post("/password-reset/", {"email": "nobody@acme.test"}, follow=True)
    assert [m.to for m in mailoutbox] == [["pia@acme.test"]]
    assert "Someone (we hope you) asked" in mailoutbox[0].body


# -- Every change goes through the named actions ---------------------------------------


def _person_form(client: Client, person: Person) -> dict[str, object]:
    form = client.get(f"/admin/people/person/{person.pk}/change/").context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    memberships = list(person.memberships.order_by("pk"))
    data.update(
        {
            "memberships-TOTAL_FORMS": str(len(memberships)),
            "memberships-INITIAL_FORMS": str(len(memberships)),
        }
    )
    for i, membership in enumerate(memberships):
        data[f"memberships-{i}-id"] = membership.pk
        data[f"memberships-{i}-person"] = person.pk
        data[f"memberships-{i}-team"] = membership.team_id
    return data


def test_person_changes_in_the_admin_are_audited_under_hr(cast):
    hana = admin_client(cast.hana)
    data = _person_form(hana, cast.pia)
    data.update({"job_title": "Senior Account Executive", "is_hr_admin": "on"})
    data["memberships-TOTAL_FORMS"] = "2"
    data["memberships-1-team"] = cast.legal.pk
    data["memberships-1-person"] = cast.pia.pk
    data["memberships-0-DELETE"] = "on"
    saved = hana.post(f"/admin/people/person/{cast.pia.pk}/change/", data)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    pia = Person.objects.get(pk=cast.pia.pk)
    assert pia.job_title == "Senior Account Executive"
    assert pia.is_hr_admin and pia.is_staff
    assert list(pia.teams.values_list("slug", flat=True)) == [cast.legal.slug]
    rows = AuditEvent.objects.filter(actor=cast.hana)
    update = rows.get(action="person.update", subject_id=cast.pia.pk)
    assert update.data == {
        "job_title": "Senior Account Executive",
        "is_hr_admin": True,
        "is_staff": True,
    }
    assert rows.filter(action="team.remove_member", subject_id=cast.enterprise.pk).exists()
    assert rows.filter(action="team.add_member", subject_id=cast.legal.pk).exists()


def test_team_changes_in_the_admin_are_audited_under_hr(cast):
    hana = admin_client(cast.hana)
    data = {
        "name": "Legal & Compliance",
        "slug": cast.legal.slug,
        "kind": "department",
        "parent": cast.acme.pk,
        "lead": cast.otto.pk,
        "check_in_cadence": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    saved = hana.post(f"/admin/people/team/{cast.legal.pk}/change/", data)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    legal = Team.objects.get(pk=cast.legal.pk)
    assert (legal.name, legal.lead_id) == ("Legal & Compliance", cast.otto.pk)
    rows = AuditEvent.objects.filter(actor=cast.hana, subject_id=cast.legal.pk)
    assert rows.get(action="team.update").data["to"] == {"name": "Legal & Compliance"}
    assert rows.get(action="team.set_lead").data == {"lead": cast.otto.pk}

    added = hana.post(
        "/admin/people/team/add/",
        {
            "name": "Privacy",
            "slug": "privacy",
            "kind": "team",
            "parent": cast.legal.pk,
            "lead": "",
            "check_in_cadence": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert added.status_code == 302, added.content.decode()[:3000]
    privacy = Team.objects.get(slug="privacy")
    assert privacy.path == f"{legal.subtree_prefix}"
    assert AuditEvent.objects.filter(
        action="team.create", actor=cast.hana, subject_id=privacy.pk
    ).exists()


def test_adding_a_person_in_the_admin_sends_them_a_link_instead_of_a_password(
    cast, mailoutbox
):
    hana = admin_client(cast.hana)
    added = hana.post(
        "/admin/people/person/add/",
        {
            "username": "nia",
            "display_name": "Nia Novak",
            "email": "nia@acme.test",
            "job_title": "Analyst",
            "manager": cast.sam.pk,
        },
    )
    assert added.status_code == 302, added.content.decode()[:3000]
    nia = Person.objects.get(username="nia")
    assert not nia.has_usable_password()
    assert nia.manager_path == cast.sam.subtree_prefix
    assert AuditEvent.objects.filter(action="person.create", actor=cast.hana, subject_id=nia.pk)
    assert [m.to for m in mailoutbox] == [["nia@acme.test"]]


# -- History keeps its author ----------------------------------------------------------


def test_a_person_with_history_cannot_be_deleted_in_the_admin(cast):
    from lineofsight.goals import actions as goal_actions
    from lineofsight.goals.models import CheckIn

    cascade = build_cascade(cast)
    goal_actions.record_check_in(
        acting_user=cast.ava, key_result=cascade.ava_opps, value=5, confidence="on_track"
    )
    hana = admin_client(cast.hana)
    for response in (
        hana.get(f"/admin/people/person/{cast.ava.pk}/delete/", follow=True),
        hana.post(f"/admin/people/person/{cast.ava.pk}/delete/", {"post": "yes"}, follow=True),
    ):
        text = response.content.decode()
        assert "Ava Adams cannot be deleted" in text
        assert "check ins" in text and "Deactivate them instead" in text
    assert Person.objects.filter(pk=cast.ava.pk).exists()
    assert CheckIn.objects.filter(author=cast.ava).count() == 1
    listing = hana.get("/admin/people/person/").content.decode()
    assert "delete_selected" not in listing


def test_a_person_added_by_mistake_can_be_deleted_with_an_audit_row(cast):
    from lineofsight.people import actions

    mistake = actions.create_person(
        acting_user=cast.hana, username="typo", display_name="Typo", email="t@acme.test"
    )
    hana = admin_client(cast.hana)
    done = hana.post(f"/admin/people/person/{mistake.pk}/delete/", {"post": "yes"})
    assert done.status_code == 302
    assert not Person.objects.filter(username="typo").exists()
    assert AuditEvent.objects.get(action="person.delete", subject_id=mistake.pk).actor == cast.hana
