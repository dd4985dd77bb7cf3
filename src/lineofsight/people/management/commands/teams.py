"""``lineofsight teams``: the nested teams (company > department > team) and their members."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db.models import Count

from lineofsight.core.commands import SubcommandCommand, argument_errors, subcommands, to_json
from lineofsight.people import actions
from lineofsight.people.cadence import Cadence
from lineofsight.people.commands import find_person, find_team
from lineofsight.people.models import Membership, Team

TEAM_FIELDS = {
    "name": "NAME",
    "kind": "--kind",
    "parent": "--parent",
    "slug": "--slug",
    "lead": "--lead",
    "person": "USERNAME",
}
CADENCES = [c.value for c in Cadence]


class Command(SubcommandCommand):
    help = "Show and change teams: the tree, leads and members."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = subcommands(parser)

        p = sub.add_parser("list", help="Print the team tree.")
        p.add_argument(
            "--json", dest="as_json", action="store_true", help="Print JSON instead of a tree."
        )

        p = sub.add_parser("add", help="Add a team inside another.")
        p.add_argument("name", metavar="NAME")
        p.add_argument("--kind", choices=Team.Kind.values, default=Team.Kind.TEAM)
        p.add_argument(
            "--parent", metavar="SLUG", help="The team it sits in (not for the company)."
        )
        p.add_argument("--lead", metavar="USERNAME")
        p.add_argument("--slug", help="Its short name in URLs and commands (made from NAME).")

        p = sub.add_parser("move", help="Move a team (and everything in it) under another.")
        p.add_argument("slug", metavar="SLUG")
        p.add_argument("--parent", metavar="SLUG", required=True)

        p = sub.add_parser("set-lead", help="Choose a team's lead (also makes them a member).")
        p.add_argument("slug", metavar="SLUG")
        lead = p.add_mutually_exclusive_group(required=True)
        lead.add_argument("username", metavar="USERNAME", nargs="?")
        lead.add_argument("--none", action="store_true", help="Leave the team without a lead.")

        p = sub.add_parser(
            "set-cadence",
            help="Set how often the team's members check in on their key results (instead of "
            "each cycle's cadence).",
        )
        p.add_argument("slug", metavar="SLUG")
        cadence = p.add_mutually_exclusive_group(required=True)
        cadence.add_argument("cadence", metavar="CADENCE", nargs="?", choices=CADENCES)
        cadence.add_argument(
            "--none", action="store_true", help="Follow each cycle's cadence again."
        )

        p = sub.add_parser("add-member", help="Add someone to a team.")
        p.add_argument("slug", metavar="SLUG")
        p.add_argument("username", metavar="USERNAME")

        p = sub.add_parser("remove-member", help="Take someone out of a team.")
        p.add_argument("slug", metavar="SLUG")
        p.add_argument("username", metavar="USERNAME")

    def handle_list(self, *, as_json: bool, **_: Any) -> None:
        teams = list(
            Team.objects.select_related("lead")
            .annotate(member_count=Count("memberships"))
            .order_by("name")
        )
        children: dict[int | None, list[Team]] = defaultdict(list)
        for team in teams:
            children[team.parent_id].append(team)
        if as_json:

            def node(team: Team) -> dict[str, Any]:
                return {
                    "id": team.pk,
                    "slug": team.slug,
                    "name": team.name,
                    "kind": team.kind,
                    "lead": team.lead.username if team.lead else None,
                    "members": team.member_count,  # type: ignore[attr-defined]
                    "cadence": team.check_in_cadence or None,
                    "children": [node(c) for c in children[team.pk]],
                }

            self.stdout.write(to_json([node(t) for t in children[None]]))
            return
        if not teams:
            self.stdout.write("No teams yet. Start with: lineofsight teams add NAME --kind company")
            return

        def describe(team: Team) -> str:
            count = team.member_count  # type: ignore[attr-defined]
            lead = f", lead {team.lead.username}" if team.lead else ""
            members = f"{count} member{'' if count == 1 else 's'}"
            cadence = f", checks in {team.get_check_in_cadence_display().lower()}"
            cadence = cadence if team.check_in_cadence else ""
            return f"{team.name} [{team.slug}] ({team.kind}{lead}, {members}{cadence})"

        def walk(team: Team, prefix: str, last: bool, top: bool) -> None:
            branch = "" if top else ("└── " if last else "├── ")
            self.stdout.write(f"{prefix}{branch}{describe(team)}")
            inner = prefix if top else prefix + ("    " if last else "│   ")
            kids = children[team.pk]
            for i, kid in enumerate(kids):
                walk(kid, inner, i == len(kids) - 1, False)

        for root in children[None]:
            walk(root, "", True, True)

    def handle_add(
        self,
        *,
        name: str,
        kind: str,
        parent: str | None,
        lead: str | None,
        slug: str | None,
        **_: Any,
    ) -> None:
        parent_team = find_team(parent, "--parent") if parent else None
        lead_person = find_person(lead, "--lead") if lead else None
        company = Team.objects.filter(kind=Team.Kind.COMPANY).first()
        if kind == Team.Kind.COMPANY and company is not None:
            raise CommandError(
                f"--kind: there is a company already ({company.name}); add departments and "
                "teams inside it."
            )
        with argument_errors(TEAM_FIELDS):
            team = actions.create_team(
                acting_user=None,
                name=name,
                kind=kind,
                parent=parent_team,
                lead=lead_person,
                slug=slug,
            )
        where = f" in {parent_team.name}" if parent_team else ""
        self.stdout.write(f"Added {team.kind} {team.name} [{team.slug}]{where}.")

    def handle_move(self, *, slug: str, parent: str, **_: Any) -> None:
        team = find_team(slug, "SLUG")
        new_parent = find_team(parent, "--parent")
        if team.kind == Team.Kind.COMPANY:
            raise CommandError(f"SLUG: {team.name} is the company; it stays at the top.")
        with argument_errors(TEAM_FIELDS):
            actions.move_team(acting_user=None, team=team, parent=new_parent)
        self.stdout.write(f"Moved {team.name} into {new_parent.name}.")

    def handle_set_lead(self, *, slug: str, username: str | None, none: bool, **_: Any) -> None:
        team = find_team(slug, "SLUG")
        person = None if none else find_person(username or "", "USERNAME")
        with argument_errors(TEAM_FIELDS):
            actions.set_team_lead(acting_user=None, team=team, lead=person)
        if person is None:
            self.stdout.write(f"{team.name} has no lead now.")
        else:
            self.stdout.write(f"{person.username} leads {team.name}.")

    def handle_set_cadence(self, *, slug: str, cadence: str | None, none: bool, **_: Any) -> None:
        team = find_team(slug, "SLUG")
        with argument_errors({"check_in_cadence": "CADENCE"}):
            actions.set_team_cadence(
                acting_user=None, team=team, cadence="" if none else cadence or ""
            )
        if none:
            self.stdout.write(f"{team.name} follows each cycle's check-in cadence.")
        else:
            label = team.get_check_in_cadence_display().lower()
            self.stdout.write(f"{team.name} checks in {label}.")

    def handle_add_member(self, *, slug: str, username: str, **_: Any) -> None:
        team = find_team(slug, "SLUG")
        person = find_person(username, "USERNAME")
        if Membership.objects.filter(team=team, person=person).exists():
            self.stdout.write(f"{person.username} is already in {team.name}.")
            return
        with argument_errors(TEAM_FIELDS):
            actions.add_member(acting_user=None, team=team, person=person)
        self.stdout.write(f"Added {person.username} to {team.name}.")

    def handle_remove_member(self, *, slug: str, username: str, **_: Any) -> None:
        team = find_team(slug, "SLUG")
        person = find_person(username, "USERNAME")
        if not Membership.objects.filter(team=team, person=person).exists():
            raise CommandError(f"USERNAME: {person.username} is not a member of {team.name}.")
        with argument_errors(TEAM_FIELDS):
            actions.remove_member(acting_user=None, team=team, person=person)
        self.stdout.write(f"Removed {person.username} from {team.name}.")
