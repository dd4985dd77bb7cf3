"""``lineofsight provisioning``: SCIM provisioning tokens for Entra ID, Okta and the like."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from lineofsight.core.commands import SubcommandCommand, argument_errors, subcommands, table
from lineofsight.people.models import ScimToken
from lineofsight.people.scim import tokens
from lineofsight.people.selectors import organisation_time_zone


class Command(SubcommandCommand):
    help = "Make, list and revoke SCIM provisioning tokens (only their hashes are stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = subcommands(parser)
        p = sub.add_parser("create", help="Make a token; it is shown once.")
        p.add_argument("--name", required=True, help="The provider, e.g. 'Entra ID'.")
        p = sub.add_parser("revoke", help="Revoke a token by its id (see `provisioning list`).")
        p.add_argument("token_id", metavar="ID")
        sub.add_parser("list", help="List the tokens, live and revoked.")

    def handle_create(self, *, name: str, **_: Any) -> None:
        with argument_errors({"name": "--name"}):
            token, secret = tokens.create_scim_token(acting_user=None, name=name)
        self.stdout.write(f"Provisioning token {token.pk} ({token.name}):")
        self.stdout.write("")
        self.stdout.write(f"    {secret}")
        self.stdout.write("")
        self.stdout.write(
            "Copy it into the identity provider now: it is not stored and cannot be shown "
            "again. The SCIM base URL is <site>/scim/v2/."
        )

    def handle_revoke(self, *, token_id: str, **_: Any) -> None:
        if not token_id.strip().isdigit():
            raise CommandError(f"ID: {token_id!r} is not a token id (a whole number).")
        token = ScimToken.objects.filter(pk=int(token_id)).first()
        if token is None:
            raise CommandError(
                f"ID: there is no token {token_id} (see `lineofsight provisioning list`)."
            )
        with argument_errors({"token": "ID"}):
            tokens.revoke_scim_token(acting_user=None, token=token)
        self.stdout.write(f"Revoked provisioning token {token.pk} ({token.name}).")

    def handle_list(self, **_: Any) -> None:
        tz = zoneinfo.ZoneInfo(organisation_time_zone())

        def when(value: Any) -> str:
            return f"{timezone.localtime(value, tz):%Y-%m-%d %H:%M}" if value else "-"

        rows = [
            [
                t.pk,
                t.name,
                f"{t.prefix}...",
                when(t.created_at),
                when(t.last_used_at),
                "revoked " + when(t.revoked_at) if t.revoked_at else "live",
            ]
            for t in ScimToken.objects.order_by("-created_at")
        ]
        self.stdout.write(table(["ID", "NAME", "STARTS", "MADE", "LAST USED", "STATE"], rows))
