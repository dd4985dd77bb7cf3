"""The personal API tokens page: list, create (secret shown once), revoke."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.core.models import ApiToken
from lineofsight.core.tokens import authenticate, create_token

pytestmark = pytest.mark.django_db


def test_create_list_and_revoke(cast, as_user):
    client = as_user(cast.ava)
    response = client.get(reverse("tokens"))
    assert response.status_code == 200
    assert b"You have no API tokens yet" in response.content
    response = client.post(reverse("tokens"), {"name": "CRM sync"})
    assert b"Never" in client.get(reverse("tokens")).content  # not used yet
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("los_") and secret.encode() in response.content
    assert authenticate(secret) == cast.ava
    token = ApiToken.objects.get(person=cast.ava)
    assert token.name == "CRM sync"
    # Shown once: the list afterwards carries only the prefix.
    body = client.get(reverse("tokens")).content.decode()
    assert secret not in body
    assert token.prefix in body and "CRM sync" in body and "Live" in body
    response = client.post(reverse("token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert authenticate(secret) is None
    assert b"Revoked" in client.get(reverse("tokens")).content


def test_token_name_is_required(cast, as_user):
    response = as_user(cast.ava).post(reverse("tokens"), {"name": "  "})
    assert response.status_code == 422
    assert "Name the token" in " ".join(response.context["form"].errors["name"])
    assert not ApiToken.objects.exists()


def test_others_tokens_are_not_listed_and_only_hr_may_revoke_them(cast, as_user):
    token, _ = create_token(acting_user=cast.pia, person=cast.pia, name="Pia's script")
    for person in (cast.ava, cast.hana):
        client = as_user(person)
        assert b"Pia&#x27;s script" not in client.get(reverse("tokens")).content
    assert as_user(cast.ava).post(reverse("token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert as_user(cast.hana).post(reverse("token-revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoke_needs_post(cast, as_user):
    token, _ = create_token(acting_user=cast.ava, person=cast.ava, name="script")
    assert as_user(cast.ava).get(reverse("token-revoke", args=[token.pk])).status_code == 405
