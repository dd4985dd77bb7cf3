"""``lineofsight organisation``: show or change the organisation's name and time zone."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lineofsight.core.commands import argument_errors
from lineofsight.people import actions
from lineofsight.people.models import Organisation


class Command(BaseCommand):
    help = (
        "Show the organisation's name and time zone, or change them. Cycles start and end at "
        "midnight in this time zone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", help="The organisation's name, shown in the product.")
        parser.add_argument(
            "--time-zone", help="An IANA time zone such as Europe/Paris or America/New_York."
        )

    def handle(self, *args: Any, name: str | None, time_zone: str | None, **options: Any) -> None:
        if name is not None or time_zone is not None:
            with argument_errors({"name": "--name", "time_zone": "--time-zone"}):
                actions.update_organisation(acting_user=None, name=name, time_zone=time_zone)
            self.stdout.write("Updated the organisation.")
        org = Organisation.current()
        self.stdout.write(f"Name:      {org.name}")
        self.stdout.write(f"Time zone: {org.time_zone}")
