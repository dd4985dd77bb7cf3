"""``lineofsight cycles``: annual and quarterly periods, opened and closed (closing grades
every key result and objective in the cycle)."""

from __future__ import annotations

import zoneinfo
from dataclasses import asdict
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone

from lineofsight.core.commands import (
    SubcommandCommand,
    argument_errors,
    parse_date,
    subcommands,
    table,
    to_json,
)
from lineofsight.goals import actions
from lineofsight.goals.closing import selectors as closing
from lineofsight.goals.commands import find_cycle
from lineofsight.goals.models import Cycle
from lineofsight.people.cadence import Cadence
from lineofsight.people.selectors import organisation_time_zone

CYCLE_FIELDS = {
    "name": "NAME",
    "kind": "--kind",
    "start_date": "--start",
    "end_date": "--end",
    "parent": "--parent",
    "state": "--state",
    "check_in_cadence": "--cadence",
}
CADENCES = [c.value for c in Cadence]


class Command(SubcommandCommand):
    help = (
        "List, add, open and close cycles (a year and the quarters inside it); summarise and "
        "recompute a closed cycle's grades."
    )

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
        p.add_argument(
            "--cadence",
            choices=CADENCES,
            default=Cadence.WEEKLY.value,
            help="How often key-result owners check in: weekly (default), biweekly, monthly.",
        )

        p = sub.add_parser("update", help="Change a cycle's check-in cadence.")
        p.add_argument("name", metavar="NAME")
        p.add_argument(
            "--cadence",
            choices=CADENCES,
            required=True,
            help="weekly, biweekly (every two weeks) or monthly; a team may set its own.",
        )

        p = sub.add_parser("open", help="Make a planned cycle active.")
        p.add_argument("name", metavar="NAME")

        p = sub.add_parser(
            "close",
            help="Close a cycle: its OKRs freeze (only HR may amend them, with a reason) and "
            "every key result and objective in it gets its grade.",
        )
        p.add_argument("name", metavar="NAME")

        p = sub.add_parser(
            "grades", help="Summarise a closed cycle's grades (--json for scripts)."
        )
        p.add_argument("name", metavar="NAME")
        p.add_argument(
            "--json", dest="as_json", action="store_true", help="Print JSON instead of text."
        )

        p = sub.add_parser(
            "regrade",
            help="Recompute a closed cycle's grades from its figures after HR amended them "
            "(adjusted grades stay).",
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
                            "cadence": c.check_in_cadence,
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
                c.check_in_cadence,
                c.objective_count,  # type: ignore[attr-defined]
            ]
            for c in cycles
        ]
        self.stdout.write(
            table(["NAME", "KIND", "START", "END", "IN", "STATE", "CADENCE", "OBJECTIVES"], rows)
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
        cadence: str = Cadence.WEEKLY.value,
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
                check_in_cadence=cadence,
            )
        inside = f" in {year.name}" if year else ""
        self.stdout.write(
            f"Added {cycle.kind} cycle {cycle.name}{inside}: {cycle.start_date} to "
            f"{cycle.end_date} ({cycle.state})."
        )

    def handle_update(self, *, name: str, cadence: str, **_: Any) -> None:
        cycle = find_cycle(name, "NAME")
        with argument_errors(CYCLE_FIELDS):
            cycle = actions.set_cycle_cadence(acting_user=None, cycle=cycle, cadence=cadence)
        self.stdout.write(f"{cycle.name}: check-ins {Cadence(cadence).label.lower()}.")

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
        self._summary(cycle)

    def _summary(self, cycle: Cycle) -> None:
        for line in closing.grade_summary(None, cycle).lines():
            self.stdout.write(line)

    def _closed(self, name: str) -> Cycle:
        cycle = find_cycle(name, "NAME")
        if not cycle.is_closed:
            raise CommandError(
                f"NAME: {cycle.name} is {cycle.state}; it is graded when it closes "
                "(`lineofsight cycles close`)."
            )
        return cycle

    def handle_grades(self, *, name: str, as_json: bool, **_: Any) -> None:
        cycle = self._closed(name)
        summary = closing.grade_summary(None, cycle)
        if as_json:
            data = {"cycle": cycle.name, **asdict(summary)}
            self.stdout.write(to_json(data))
            return
        when = ""
        if cycle.closed_at is not None:
            tz = zoneinfo.ZoneInfo(organisation_time_zone())
            when = f" on {timezone.localtime(cycle.closed_at, tz).date().isoformat()}"
        self.stdout.write(f"{cycle.name}, closed{when}:")
        self._summary(cycle)

    def handle_regrade(self, *, name: str, **_: Any) -> None:
        cycle = self._closed(name)
        with argument_errors({"state": "NAME"}):
            run = actions.regrade_cycle(acting_user=None, cycle=cycle)
        self.stdout.write(
            f"Regraded {cycle.name}: {run.objectives_written} of {run.objectives} objective "
            f"grades and {run.key_results_written} of {run.key_results} key-result grades "
            "changed."
        )
        self._summary(cycle)
