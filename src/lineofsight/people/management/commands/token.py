"""``lineofsight token``: personal API tokens for scripts and integrations."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from lineofsight.core import tokens
from lineofsight.core.commands import SubcommandCommand, argument_errors, subcommands, table
from lineofsight.core.models import ApiToken
from lineofsight.people.commands import find_person
from lineofsight.people.selectors import organisation_time_zone


class Command(SubcommandCommand):
    help = "Create, list and revoke personal API tokens (only their hashes are stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = subcommands(parser)

        p = sub.add_parser("create", help="Make a token for someone; the secret is shown once.")
        p.add_argument("username", metavar="USERNAME")
        p.add_argument("--name", required=True, help="What will use it, e.g. 'CRM sync'.")

        p = sub.add_parser("revoke", help="Revoke a token by its id (see `token list`).")
        p.add_argument("token_id", metavar="ID")

        p = sub.add_parser("list", help="List tokens (everyone's, or one person's).")
        p.add_argument("username", metavar="USERNAME", nargs="?")

    def handle_create(self, *, username: str, name: str, **_: Any) -> None:
        person = find_person(username, "USERNAME")
        with argument_errors({"name": "--name", "person": "USERNAME"}):
            token, secret = tokens.create_token(acting_user=None, person=person, name=name)
        self.stdout.write(f"Token {token.pk} ({token.name}) for {person.username}:")
        self.stdout.write("")
        self.stdout.write(f"    {secret}")
        self.stdout.write("")
        self.stdout.write(
            "Copy it now: it is not stored and cannot be shown again. "
            "Send it as 'Authorization: Bearer <token>'."
        )

    def handle_revoke(self, *, token_id: str, **_: Any) -> None:
        try:
            pk = int(token_id)
        except ValueError:
            raise CommandError(f"ID: {token_id!r} is not a token id (a whole number).") from None
        token = ApiToken.objects.select_related("person").filter(pk=pk).first()
        if token is None:
            raise CommandError(f"ID: there is no token {pk} (see `lineofsight token list`).")
        if token.revoked_at is not None:
            self.stdout.write(f"Token {pk} was already revoked.")
            return
        with argument_errors({"token": "ID"}):
            tokens.revoke_token(acting_user=None, token=token)
        self.stdout.write(f"Revoked token {pk} ({token.name}) of {token.person.username}.")

    def handle_list(self, *, username: str | None, **_: Any) -> None:
        qs = ApiToken.objects.select_related("person").order_by("person__username", "-created_at")
        if username:
            qs = qs.filter(person=find_person(username, "USERNAME"))

        tz = zoneinfo.ZoneInfo(organisation_time_zone())

        def when(value: Any) -> str:
            return f"{timezone.localtime(value, tz):%Y-%m-%d %H:%M}" if value else "-"

        rows = [
            [
                t.pk,
                t.person.username,
                t.name,
                f"{t.prefix}...",
                when(t.created_at),
                when(t.last_used_at),
                "revoked " + when(t.revoked_at) if t.revoked_at else "live",
            ]
            for t in qs
        ]
        self.stdout.write(
            table(["ID", "USERNAME", "NAME", "STARTS", "CREATED", "LAST USED", "STATE"], rows)
        )
