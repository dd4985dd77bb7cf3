"""``lineofsight token``: create (secret shown once), list, revoke."""

from __future__ import annotations

import re

import pytest
from django.core.management.base import CommandError

from lineofsight.core import tokens
from lineofsight.core.models import TOKEN_PREFIX, ApiToken


def _secret(output: str) -> str:
    match = re.search(rf"^\s+({TOKEN_PREFIX}\S+)$", output, re.MULTILINE)
    assert match, output
    return match.group(1)


def test_create_prints_a_working_secret_once(cast, run):
    out = run("token", "create", "ava", "--name", "CRM sync")
    secret = _secret(out)
    assert "cannot be shown again" in out
    assert tokens.authenticate(secret) == cast.ava
    token = ApiToken.objects.get(person=cast.ava)
    assert token.name == "CRM sync" and secret not in token.digest
    listing = run("token", "list")
    assert "CRM sync" in listing and secret not in listing and "live" in listing


def test_list_one_person(cast, run):
    run("token", "create", "ava", "--name", "CRM sync")
    run("token", "create", "sam", "--name", "Dashboards")
    out = run("token", "list", "sam")
    assert "Dashboards" in out and "CRM sync" not in out


def test_revoke_stops_the_token(cast, run):
    secret = _secret(run("token", "create", "ava", "--name", "CRM sync"))
    token = ApiToken.objects.get()
    assert f"Revoked token {token.pk} (CRM sync) of ava." in run("token", "revoke", str(token.pk))
    assert tokens.authenticate(secret) is None
    assert "already revoked" in run("token", "revoke", str(token.pk))
    assert "revoked" in run("token", "list", "ava")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "ghost", "--name", "x"], "USERNAME: nobody has the username 'ghost'"),
        (["create", "ava", "--name", "  "], "--name: Name the token"),
        (["create", "ava", "--name", "x" * 101], "--name: Keep the name under 100"),
        (["create", "ava"], "--name"),
        (["revoke", "abc"], "ID: 'abc' is not a token id"),
        (["revoke", "999999"], "ID: there is no token 999999"),
        (["list", "ghost"], "USERNAME: nobody has the username 'ghost'"),
    ],
)
def test_refusals_change_nothing(cast, run, unchanged, args, message):
    with unchanged(), pytest.raises(CommandError, match=message):
        run("token", *args)


def test_no_token_for_someone_inactive(cast, run, unchanged):
    run("people", "update", "ava", "--inactive")
    with unchanged(), pytest.raises(CommandError, match="USERNAME: Ava Adams is not active"):
        run("token", "create", "ava", "--name", "CRM sync")
