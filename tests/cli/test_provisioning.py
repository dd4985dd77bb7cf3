"""``lineofsight provisioning``: SCIM tokens made (shown once), listed and revoked."""

from __future__ import annotations

import re

import pytest
from django.core.management.base import CommandError

from lineofsight.core.models import AuditEvent
from lineofsight.people.models import ScimToken
from lineofsight.people.scim import tokens


def test_create_list_and_revoke(cast, run):
    out = run("provisioning", "create", "--name", "Entra ID")
    match = re.search(r"^\s+(scim_\S+)$", out, re.MULTILINE)
    assert match and "cannot be shown again" in out
    secret = match.group(1)
    token = ScimToken.objects.get()
    assert tokens.authenticate(f"Bearer {secret}") == token
    assert secret not in token.digest
    listing = run("provisioning", "list")
    assert "Entra ID" in listing and "live" in listing and secret not in listing
    assert f"Revoked provisioning token {token.pk}" in run("provisioning", "revoke", str(token.pk))
    assert tokens.authenticate(f"Bearer {secret}") is None
    assert "revoked" in run("provisioning", "list")
    assert AuditEvent.objects.filter(action="scim_token.revoke", subject_id=token.pk).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "--name", "  "], "--name: Name the token"),
        (["create", "--name", "x" * 101], "--name: Keep the name under 100"),
        (["revoke", "abc"], "ID: 'abc' is not a token id"),
        (["revoke", "999999"], "ID: there is no token 999999"),
    ],
)
def test_refusals_change_nothing(cast, run, args, message):
    before = list(ScimToken.objects.values())
    with pytest.raises(CommandError, match=message):
        run("provisioning", *args)
    assert list(ScimToken.objects.values()) == before


def test_revoking_twice_is_refused(cast, run):
    token, _ = tokens.create_scim_token(acting_user=None, name="Okta")
    run("provisioning", "revoke", str(token.pk))
    with pytest.raises(CommandError, match="ID: The token 'Okta' is already revoked"):
        run("provisioning", "revoke", str(token.pk))
