"""``lineofsight sso``: the operator's view of single sign-on, and the way back in.

* ``lineofsight sso status``: the identity providers, whether sign-in is SSO only, and the
  break-glass admins;
* ``lineofsight sso password-sign-in on``: turn password sign-in back on for everyone (SSO
  only off), for when the provider fails and no break-glass admin can sign in; ``off`` turns
  SSO only on again (with the same checks as HR's page). Audited with no person as actor.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.core.errors import InvalidInput
from lineofsight.people.models import IdentityProvider, Organisation
from lineofsight.people.sso import actions


class Command(BaseCommand):
    help = "Show single sign-on, or turn password sign-in back on (SSO only off)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="step", required=True)
        sub.add_parser("status", help="Providers, the SSO-only rule and break-glass admins.")
        password = sub.add_parser(
            "password-sign-in", help="on: everyone may sign in with a password (SSO only off)."
        )
        password.add_argument("state", choices=["on", "off"])

    def handle(self, *args: Any, step: str, **options: Any) -> None:
        if step == "password-sign-in":
            try:
                org = actions.set_sso_only(acting_user=None, on=options["state"] == "off")
            except InvalidInput as exc:
                raise CommandError(exc.summary()) from None
            self.stdout.write(
                "Sign-in is single sign-on only (break-glass admins keep their password)."
                if org.sso_only
                else "Everyone may sign in with a password again."
            )
            return
        org = Organisation.current()
        self.stdout.write(f"SSO only: {'on' if org.sso_only else 'off'}")
        for p in IdentityProvider.objects.all():
            state = "on" if p.enabled else "off"
            self.stdout.write(f"provider {p.slug}: {p.name} ({state}), issuer {p.issuer}")
        glass = ", ".join(p.username for p in actions.break_glass_admins()) or "none"
        self.stdout.write(f"break-glass admins: {glass}")
