"""Signing in and out, login required everywhere, CSRF on every form."""

from __future__ import annotations

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
