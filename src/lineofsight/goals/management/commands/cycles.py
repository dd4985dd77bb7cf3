"""``lineofsight cycles``: annual and quarterly periods, opened and closed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db.models import Count

from lineofsight.core.commands import (
    SubcommandCommand,
    argument_errors,
    find_cycle,
    parse_date,
    subcommands,
    table,
    to_json,
)
from lineofsight.goals import actions
from lineofsight.goals.models import Cycle

CYCLE_FIELDS = {
    "name": "NAME",
    "kind": "--kind",
    "start_date": "--start",
    "end_date": "--end",
    "parent": "--parent",
    "state": "--state",
}


class Command(SubcommandCommand):
    help = "List, add, open and close cycles (a year and the quarters inside it)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = subcommands(parser)

        p = sub.add_parser("list", help="List cycles, oldest first.")
        p.add_argument(
            "--json", dest="as_json", action="store_true", help="Print JSON instead of a table."
        )

        p = sub.add_parser("add", help="Add a year, or a quarter inside a year.")
        p.add_argument("name", metavar="NAME", help='For example "FY 2026" or "Q1 2026".')
        p.add_argument("--kind", choices=Cycle.Kind.values, required=True)
        p.add_argument("--start", required=True, metavar="YYYY-MM-DD", help="First day.")
        p.add_argument("--end", required=True, metavar="YYYY-MM-DD", help="Last day (inclusive).")
        p.add_argument("--parent", metavar="NAME", help="The year a quarter belongs to.")
        p.add_argument(
            "--state",
            choices=[Cycle.State.PLANNING, Cycle.State.ACTIVE],
            default=Cycle.State.PLANNING,
            help="planning (default) or active.",
        )

        p = sub.add_parser("open", help="Make a planned cycle active.")
        p.add_argument("name", metavar="NAME")

        p = sub.add_parser(
            "close", help="Close a cycle: its OKRs freeze; only HR may amend them, with a reason."
        )
        p.add_argument("name", metavar="NAME")

    def handle_list(self, *, as_json: bool, **_: Any) -> None:
        cycles = list(
            Cycle.objects.select_related("parent")
            .annotate(objective_count=Count("objectives"))
            .order_by("start_date", "-end_date", "name")
        )
        if as_json:
            self.stdout.write(
                to_json(
                    [
                        {
                            "id": c.pk,
                            "name": c.name,
                            "kind": c.kind,
                            "start": c.start_date,
                            "end": c.end_date,
                            "parent": c.parent.name if c.parent else None,
                            "state": c.state,
                            "objectives": c.objective_count,  # type: ignore[attr-defined]
                        }
                        for c in cycles
                    ]
                )
            )
            return
        rows = [
            [
                c.name,
                c.kind,
                c.start_date,
                c.end_date,
                c.parent.name if c.parent else "-",
                c.state,
                c.objective_count,  # type: ignore[attr-defined]
            ]
            for c in cycles
        ]
        self.stdout.write(
            table(["NAME", "KIND", "START", "END", "IN", "STATE", "OBJECTIVES"], rows)
        )

    def handle_add(
        self,
        *,
        name: str,
        kind: str,
        start: str,
        end: str,
        parent: str | None,
        state: str,
        **_: Any,
    ) -> None:
        start_date = parse_date(start, "--start")
        end_date = parse_date(end, "--end")
        year = find_cycle(parent, "--parent") if parent else None
        with argument_errors(CYCLE_FIELDS):
            cycle = actions.create_cycle(
                acting_user=None,
                name=name,
                kind=kind,
                start_date=start_date,
                end_date=end_date,
                parent=year,
                state=state,
            )
        inside = f" in {year.name}" if year else ""
        self.stdout.write(
            f"Added {cycle.kind} cycle {cycle.name}{inside}: {cycle.start_date} to "
            f"{cycle.end_date} ({cycle.state})."
        )

    def _move(self, name: str, state: str) -> Cycle:
        cycle = find_cycle(name, "NAME")
        if cycle.state == state:
            raise CommandError(f"NAME: {cycle.name} is already {state}.")
        with argument_errors({"state": "NAME"}):
            return actions.set_cycle_state(acting_user=None, cycle=cycle, state=state)

    def handle_open(self, *, name: str, **_: Any) -> None:
        cycle = self._move(name, Cycle.State.ACTIVE)
        self.stdout.write(f"{cycle.name} is now active.")

    def handle_close(self, *, name: str, **_: Any) -> None:
        cycle = self._move(name, Cycle.State.CLOSED)
        self.stdout.write(
            f"{cycle.name} is closed: its OKRs are frozen; HR can still amend them with a reason."
        )
