"""HR's provisioning page: the SCIM address, tokens made (shown once) and revoked."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from lineofsight.core.models import AuditEvent
from lineofsight.people.models import ScimToken
from lineofsight.people.scim.tokens import authenticate, create_scim_token

pytestmark = pytest.mark.django_db


def test_hr_makes_a_token_shown_once_and_revokes_it(cast, as_user):
    client = as_user(cast.hana)
    page = client.get(reverse("org-provisioning"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "No provisioning tokens yet" in body
    assert "http://testserver/scim/v2/" in body or "/scim/v2/" in body
    made = client.post(reverse("org-provisioning"), {"name": "Entra ID"})
    assert made.status_code == 200
    secret = made.context["secret"]
    assert secret.startswith("scim_") and secret in made.content.decode()
    token = ScimToken.objects.get()
    # Only the fingerprint is kept.
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ScimToken.objects.values().get())
    assert token.created_by == cast.hana
    assert AuditEvent.objects.filter(action="scim_token.create", actor=cast.hana).exists()
    listed = client.get(reverse("org-provisioning")).content.decode()
    assert secret not in listed
    assert "Entra ID" in listed and token.prefix in listed and "Never" in listed
    # Last used shows once the provider calls.
    Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/scim/v2/Users")
    assert "Never" not in client.get(reverse("org-provisioning")).content.decode()

    revoked = client.post(reverse("org-provisioning-revoke", args=[token.pk]))
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == cast.hana
    assert authenticate(f"Bearer {secret}") is None
    assert AuditEvent.objects.filter(action="scim_token.revoke", actor=cast.hana).exists()
    assert "Revoked" in client.get(reverse("org-provisioning")).content.decode()


def test_a_token_needs_a_name_and_nothing_is_made_without_one(cast, as_user):
    response = as_user(cast.hana).post(reverse("org-provisioning"), {"name": "  "})
    assert response.status_code == 422
    assert "Name the token" in response.content.decode()
    assert not ScimToken.objects.exists()


@pytest.mark.parametrize("who", ["cora", "sam", "ava"])
def test_only_hr_sees_or_changes_provisioning(cast, as_user, who):
    token, _ = create_scim_token(acting_user=cast.hana, name="Okta")
    client = as_user(getattr(cast, who))
    page = client.get(reverse("org-provisioning"))
    assert page.status_code == 403
    assert "Okta" not in page.content.decode() and token.prefix not in page.content.decode()
    assert client.post(reverse("org-provisioning"), {"name": "Mine"}).status_code == 403
    assert client.post(reverse("org-provisioning-revoke", args=[token.pk])).status_code == 403
    assert ScimToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None
