"""Signing in and out, login required everywhere, CSRF on every form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def page_urls(cast, cascade, initiative_id: int, link_id: int, token_id: int) -> list[str]:
    return [
        reverse("home"),
        reverse("tree"),
        reverse("tree-children", args=[cascade.company.pk]),
        reverse("objective", args=[cascade.sales.pk]),
        reverse("objective-explain", args=[cascade.sales.pk]),
        reverse("objective-history", args=[cascade.sales.pk]),
        reverse("objective-new"),
        reverse("objective-edit", args=[cascade.sales.pk]),
        reverse("objective-align", args=[cascade.sales.pk]),
        reverse("objective-alignment-candidates", args=[cascade.sales.pk]),
        reverse("alignment-candidates"),
        reverse("link-end", args=[link_id]),
        reverse("link-change", args=[link_id]),
        reverse("key-result-new", args=[cascade.sales.pk]),
        reverse("key-result-check-in", args=[cascade.sales_opps.pk]),
        reverse("key-result-explain", args=[cascade.sales_opps.pk]),
        reverse("key-result-edit", args=[cascade.sales_opps.pk]),
        reverse("initiative-new", args=[cascade.sales_opps.pk]),
        reverse("initiative-edit", args=[initiative_id]),
        reverse("people"),
        reverse("person", args=[cast.ava.pk]),
        reverse("teams"),
        reverse("team", args=[cast.sales.pk]),
        reverse("tokens"),
        reverse("token-revoke", args=[token_id]),
    ]


@pytest.fixture
def ids(cast, cascade):
    from lineofsight.core.tokens import create_token
    from lineofsight.goals import actions
    from lineofsight.goals.models import AlignmentLink

    initiative = actions.create_initiative(
        acting_user=cast.sam, key_result=cascade.sales_opps, title="Campaign", owner=cast.pia
    )
    link = AlignmentLink.objects.get(child=cascade.ava_obj)
    token, _ = create_token(acting_user=cast.ava, person=cast.ava, name="script")
    return initiative.pk, link.pk, token.pk


def test_every_page_requires_signing_in(client, cast, cascade, ids):
    for url in page_urls(cast, cascade, *ids):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(f"{reverse('login')}?next="), url


def test_sign_in_and_out(client, cast):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content
    response = client.post(reverse("login"), {"username": "ava", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    response = client.post(
        reverse("login"), {"username": "ava", "password": PASSWORD, "next": "/tree/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/tree/"
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("logout")).status_code == 405  # signing out is a POST
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_sign_in_refuses_an_outside_next(client, cast):
    response = client.post(
        reverse("login"),
        {"username": "ava", "password": PASSWORD, "next": "https://elsewhere.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_post_forms_are_protected_against_csrf(cast, cascade, ids):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(cast.hana)
    initiative_id, link_id, token_id = ids
    posts = [
        (
            reverse("key-result-check-in", args=[cascade.sales_opps.pk]),
            {"confidence": "on_track", "value": "3"},
        ),
        (reverse("objective-new"), {"title": "X"}),
        (reverse("objective-edit", args=[cascade.sales.pk]), {"title": "X"}),
        (reverse("objective-align", args=[cascade.sales.pk]), {}),
        (reverse("link-end", args=[link_id]), {}),
        (reverse("link-change", args=[link_id]), {}),
        (reverse("key-result-new", args=[cascade.sales.pk]), {}),
        (reverse("key-result-edit", args=[cascade.sales_opps.pk]), {}),
        (reverse("initiative-new", args=[cascade.sales_opps.pk]), {}),
        (reverse("initiative-edit", args=[initiative_id]), {}),
        (reverse("tokens"), {"name": "x"}),
        (reverse("token-revoke", args=[token_id]), {}),
        (reverse("logout"), {}),
    ]
    from lineofsight.goals.models import CheckIn

    for url, data in posts:
        response = csrf_client.post(url, data)
        assert response.status_code == 403, url
        assert b"This form has expired" in response.content
    assert not CheckIn.objects.exists()
    # The same client with the token from a page gets through.
    page = csrf_client.get(reverse("key-result-check-in", args=[cascade.sales_opps.pk]))
    token = page.context["csrf_token"]
    response = csrf_client.post(
        reverse("key-result-check-in", args=[cascade.sales_opps.pk]),
        {"confidence": "on_track", "value": "3", "csrfmiddlewaretoken": str(token)},
    )
    assert response.status_code == 302
    assert CheckIn.objects.count() == 1


def test_navigation_shows_admin_link_to_hr_only(as_user, cast):
    body = as_user(cast.ava).get(reverse("home")).content.decode()
    assert 'href="/api/docs"' in body
    assert "/admin/" not in body
    assert "Acme" in body  # the organisation's name
    body = as_user(cast.hana).get(reverse("home")).content.decode()
    assert "/admin/" in body


def test_a_refusal_is_logged_as_one_warning_line_without_a_traceback(as_user, cast, caplog):
    with caplog.at_level("WARNING", logger="django.request"):
        response = as_user(cast.ava).get(reverse("cycle-close", args=[cast.q4.pk]))
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [r.levelname for r in records] == ["WARNING"]
    assert records[0].getMessage() == f"Forbidden (Permission denied): /cycles/{cast.q4.pk}/close/"
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_the_site_icon_is_served_and_linked(as_user, cast):
    icon = Client().get("/favicon.ico")
    assert icon.status_code == 301
    served = Client().get(icon["Location"])
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"\x00\x00\x01\x00")  # an ICO file
    for page in (Client().get(reverse("login")), as_user(cast.ava).get(reverse("home"))):
        assert 'rel="icon"' in page.content.decode()


# -- Sign-in throttling ----------------------------------------------------------------


def _sign_in(client: Client, password: str = PASSWORD, username: str = "ava"):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


def _wrong(client: Client, username: str = "ava", times: int = 1):  # type: ignore[no-untyped-def]
    response = None
    for _ in range(times):
        response = client.post(reverse("login"), {"username": username, "password": "guess"})
    return response


def test_wrong_passwords_lock_the_sign_in_even_for_the_right_one(client, cast):
    from django.conf import settings

    assert settings.AXES_FAILURE_LIMIT == 5
    assert _wrong(client, times=4).status_code == 200  # still the usual "not correct"
    locked = _wrong(client)
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Signing in is locked for now" in text
    assert "Try again in 15 minutes" in text and "ask HR to unlock your account" in text
    assert locked["Retry-After"] == "900"
    right = _sign_in(client)
    assert right.status_code == 429
    assert client.get(reverse("home")).status_code == 302  # not signed in
    # Another person, and the same person from another address, are not locked out.
    assert _sign_in(Client(), username="pia").status_code == 302
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert _sign_in(elsewhere).status_code == 302


def test_a_forged_forwarded_address_does_not_dodge_the_lockout(client, cast):
    for n in range(5):
        client.post(
            reverse("login"),
            {"username": "ava", "password": "guess"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    again = client.post(
        reverse("login"),
        {"username": "ava", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert again.status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, cast):
    import time_machine
    from django.utils import timezone

    assert _wrong(client, times=5).status_code == 429
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=14)):
        assert _sign_in(client).status_code == 429
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        right = _sign_in(client)
    assert right.status_code == 302


def test_api_tokens_work_while_the_sign_in_is_locked(client, cast):
    from lineofsight.core.tokens import create_token

    _, secret = create_token(acting_user=cast.ava, person=cast.ava, name="script")
    assert _wrong(client, times=6).status_code == 429
    me = Client().get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["username"] == "ava"


def test_hr_unlocks_a_sign_in_in_the_admin_with_an_audit_row(client, cast):
    from lineofsight.core.models import AuditEvent

    _wrong(client, times=5)
    hana = Client()
    hana.force_login(cast.hana)
    page = hana.get(f"/admin/people/person/{cast.ava.pk}/change/").content.decode()
    assert "Locked after too many wrong passwords" in page
    done = hana.post(f"/admin/people/person/{cast.ava.pk}/unlock/", follow=True)
    assert "Ava Adams can sign in again." in done.content.decode()
    assert "Not locked." in done.content.decode()
    assert AuditEvent.objects.filter(
        action="person.unlock_sign_in", actor=cast.hana, subject_id=cast.ava.pk
    ).exists()
    right = _sign_in(client)
    assert right.status_code == 302


def test_the_operator_unlocks_a_sign_in_from_the_command_line(client, cast):
    from io import StringIO

    from django.core.management import call_command

    _wrong(client, times=5)
    out = StringIO()
    call_command("people", "unlock", "ava", stdout=out)
    assert out.getvalue() == "Unlocked ava: they can sign in again now.\n"
    assert _sign_in(client).status_code == 302
    out = StringIO()
    call_command("people", "unlock", "ava", stdout=out)
    assert "was not locked out" in out.getvalue()


def test_a_good_password_clears_earlier_failures(client, cast):
    _wrong(client, times=4)
    assert _sign_in(client).status_code == 302
    client.post(reverse("logout"))
    assert _wrong(client, times=4).status_code == 200  # counted from zero again
    assert _wrong(client).status_code == 429
