"""``lineofsight people``: list, add and change people and their reporting lines."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db.models import Prefetch, Q

from lineofsight.core.commands import (
    SubcommandCommand,
    argument_errors,
    subcommands,
    table,
    to_json,
)
from lineofsight.people import accounts, actions, security
from lineofsight.people.commands import find_person, find_team
from lineofsight.people.models import Membership, Person
from lineofsight.people.selectors import with_report_counts

PERSON_FIELDS = {
    "username": "USERNAME",
    "display_name": "--name",
    "email": "--email",
    "password": "--password",
    "job_title": "--title",
    "manager": "--manager",
    "person": "USERNAME",
    "is_hr_admin": "--hr",
    "is_executive": "--executive",
    "is_active": "--active",
}


def _roles(person: Person) -> list[str]:
    roles = ["employee"]
    if getattr(person, "report_count", 0):
        roles.append("manager")
    if person.is_hr_admin:
        roles.append("hr_admin")
    if person.is_executive:
        roles.append("executive")
    return roles


class Command(SubcommandCommand):
    help = "List, add and change people: names, emails, managers and roles."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = subcommands(parser)

        p = sub.add_parser("list", help="List people (active ones unless --all).")
        p.add_argument("--team", metavar="SLUG", help="Only members of this team or teams in it.")
        p.add_argument(
            "--json", dest="as_json", action="store_true", help="Print JSON instead of a table."
        )
        p.add_argument(
            "--all",
            dest="include_inactive",
            action="store_true",
            help="Include people no longer active.",
        )

        p = sub.add_parser("add", help="Add a person with a login account.")
        p.add_argument("username", metavar="USERNAME")
        p.add_argument("--name", required=True, help="Full name as shown in the product.")
        p.add_argument("--email", required=True)
        p.add_argument("--manager", metavar="USERNAME", help="Who this person reports to.")
        p.add_argument("--title", default="", help="Job title.")
        p.add_argument("--hr", action="store_true", help="Make them an HR admin.")
        p.add_argument("--executive", action="store_true", help="Mark them as an executive.")
        pw = p.add_mutually_exclusive_group()
        pw.add_argument(
            "--password",
            help="Their first password (otherwise you are asked for it on a terminal).",
        )
        pw.add_argument(
            "--no-password",
            action="store_true",
            help="No password: they cannot sign in until one is set (e.g. single sign-on).",
        )

        p = sub.add_parser("set-manager", help="Change who someone reports to.")
        p.add_argument("username", metavar="USERNAME")
        target = p.add_mutually_exclusive_group(required=True)
        target.add_argument("manager", metavar="MANAGER", nargs="?", help="The new manager.")
        target.add_argument("--none", action="store_true", help="Report to nobody (the top).")

        p = sub.add_parser("update", help="Change someone's name, email, title or roles.")
        p.add_argument("username", metavar="USERNAME")
        p.add_argument("--name")
        p.add_argument("--email")
        p.add_argument("--title")
        p.add_argument("--hr", action=argparse.BooleanOptionalAction, default=None)
        p.add_argument("--executive", action=argparse.BooleanOptionalAction, default=None)
        active = p.add_mutually_exclusive_group()
        active.add_argument("--active", dest="active", action="store_const", const=True)
        active.add_argument(
            "--inactive",
            dest="active",
            action="store_const",
            const=False,
            help="Deactivate: they can no longer sign in; their history stays.",
        )

        p = sub.add_parser(
            "delete",
            help="Delete someone added by mistake (refused once any history refers to them).",
        )
        p.add_argument("username", metavar="USERNAME")

        p = sub.add_parser(
            "send-reset-link", help="Email someone a link to choose a new password."
        )
        p.add_argument("username", metavar="USERNAME")

        p = sub.add_parser(
            "unlock", help="Let someone locked out after wrong passwords sign in again now."
        )
        p.add_argument("username", metavar="USERNAME")

        p = sub.add_parser(
            "remove-second-factor",
            help="Remove someone's authenticator app and recovery codes (both lost): they "
            "sign in with their password alone until they set up a new one.",
        )
        p.add_argument("username", metavar="USERNAME")

    # -- list -------------------------------------------------------------------------

    def handle_list(
        self, *, team: str | None, as_json: bool, include_inactive: bool, **_: Any
    ) -> None:
        qs = with_report_counts(Person.objects.select_related("manager")).prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("team"))
        )
        if not include_inactive:
            qs = qs.filter(is_active=True)
        if team:
            t = find_team(team, "--team")
            qs = qs.filter(
                Q(memberships__team=t) | Q(memberships__team__path__startswith=t.subtree_prefix)
            ).distinct()
        people = list(qs.order_by("display_name", "username"))
        if as_json:
            self.stdout.write(
                to_json(
                    [
                        {
                            "id": p.pk,
                            "username": p.username,
                            "name": p.name,
                            "email": p.email,
                            "title": p.job_title,
                            "manager": p.manager.username if p.manager else None,
                            "roles": _roles(p),
                            "teams": sorted(m.team.slug for m in p.memberships.all()),
                            "active": p.is_active,
                        }
                        for p in people
                    ]
                )
            )
            return
        headers = ["USERNAME", "NAME", "TITLE", "MANAGER", "ROLES", "TEAMS"]
        if include_inactive:
            headers.append("ACTIVE")
        rows = []
        for p in people:
            row = [
                p.username,
                p.name,
                p.job_title,
                p.manager.username if p.manager else "-",
                ", ".join(_roles(p)),
                ", ".join(sorted(m.team.slug for m in p.memberships.all())),
            ]
            if include_inactive:
                row.append("yes" if p.is_active else "no")
            rows.append(row)
        self.stdout.write(table(headers, rows))
        self.stdout.write(f"{len(people)} {'person' if len(people) == 1 else 'people'}")

    # -- add --------------------------------------------------------------------------

    def _ask_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError(
                "--password: no terminal to ask for a password on; "
                "pass --password, or --no-password for an account without one."
            )
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("--password: the two passwords differ; nothing was changed.")
        if not first:
            raise CommandError("--password: empty; use --no-password for no password.")
        return first

    def handle_add(
        self,
        *,
        username: str,
        name: str,
        email: str,
        manager: str | None,
        title: str,
        hr: bool,
        executive: bool,
        password: str | None,
        no_password: bool,
        **_: Any,
    ) -> None:
        boss = find_person(manager, "--manager") if manager else None
        if password is None and not no_password:
            password = self._ask_password()
        with argument_errors(PERSON_FIELDS):
            person = actions.create_person(
                acting_user=None,
                username=username,
                display_name=name,
                email=email,
                password=password or None,
                job_title=title,
                manager=boss,
                is_hr_admin=hr,
                is_executive=executive,
            )
        line = f"Added {person.username} ({person.name})"
        if boss:
            line += f", reporting to {boss.username}"
        self.stdout.write(line + ".")

    # -- set-manager ------------------------------------------------------------------

    def handle_set_manager(
        self, *, username: str, manager: str | None, none: bool, **_: Any
    ) -> None:
        person = find_person(username, "USERNAME")
        boss = None if none else find_person(manager or "", "MANAGER")
        with argument_errors({**PERSON_FIELDS, "manager": "MANAGER"}):
            actions.set_manager(acting_user=None, person=person, manager=boss)
        if boss is None:
            self.stdout.write(f"{person.username} now reports to nobody.")
        else:
            self.stdout.write(f"{person.username} now reports to {boss.username}.")

    # -- update -----------------------------------------------------------------------

    def handle_update(
        self,
        *,
        username: str,
        name: str | None,
        email: str | None,
        title: str | None,
        hr: bool | None,
        executive: bool | None,
        active: bool | None,
        **_: Any,
    ) -> None:
        person = find_person(username, "USERNAME")
        if all(v is None for v in (name, email, title, hr, executive, active)):
            raise CommandError(
                "Nothing to change: give at least one of --name, --email, --title, "
                "--hr/--no-hr, --executive/--no-executive, --active/--inactive."
            )
        with argument_errors(PERSON_FIELDS):
            actions.update_person(
                acting_user=None,
                person=person,
                display_name=name,
                email=email,
                job_title=title,
                is_hr_admin=hr,
                is_executive=executive,
                is_active=active,
            )
        self.stdout.write(f"Updated {person.username}.")

    # -- delete, send-reset-link, unlock ----------------------------------------------

    def handle_delete(self, *, username: str, **_: Any) -> None:
        person = find_person(username, "USERNAME")
        with argument_errors(PERSON_FIELDS):
            actions.delete_person(acting_user=None, person=person)
        self.stdout.write(f"Deleted {username} ({person.name}).")

    def handle_send_reset_link(self, *, username: str, **_: Any) -> None:
        person = find_person(username, "USERNAME")
        with argument_errors(PERSON_FIELDS):
            accounts.send_password_reset(acting_user=None, person=person)
        self.stdout.write(f"Sent {person.username} a link to choose a password ({person.email}).")

    def handle_unlock(self, *, username: str, **_: Any) -> None:
        person = find_person(username, "USERNAME")
        was_locked = accounts.locked_until(person) is not None
        with argument_errors(PERSON_FIELDS):
            accounts.unlock_sign_in(acting_user=None, person=person)
        if was_locked:
            self.stdout.write(f"Unlocked {person.username}: they can sign in again now.")
        else:
            self.stdout.write(f"{person.username} was not locked out; nothing to unlock.")

    def handle_remove_second_factor(self, *, username: str, **_: Any) -> None:
        person = find_person(username, "USERNAME")
        with argument_errors(PERSON_FIELDS):
            had_one = security.remove_second_factor(acting_user=None, person=person)
        if had_one:
            self.stdout.write(f"Removed {person.username}'s second factor.")
        else:
            self.stdout.write(f"{person.username} had no second factor; nothing to remove.")
