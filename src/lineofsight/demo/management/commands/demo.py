"""``lineofsight demo``: load the demo organisation and print its logins."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from lineofsight.core.commands import parse_date, table
from lineofsight.demo import loader
from lineofsight.demo.content import ORGANISATION_NAME
from lineofsight.demo.wipe import wipe_organisation
from lineofsight.people.models import Person
from lineofsight.people.selectors import organisation_time_zone


class Command(BaseCommand):
    help = (
        "Load the demo organisation (Northwind Analytics: about 30 people, two quarters of "
        "OKRs and weekly check-ins, dated relative to today) and print its logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only into a database without people; otherwise just print the logins.",
        )
        mode.add_argument(
            "--reset",
            action="store_true",
            help="Delete all people and OKR data and load the demo again. Refused when the "
            "database holds anything but the demo, unless --force.",
        )
        mode.add_argument("--list", action="store_true", help="Print everyone's login.")
        parser.add_argument(
            "--today",
            metavar="YYYY-MM-DD",
            help="Lay the demo out as if today were this date (not in the future); the "
            "default is today in the organisation's time zone.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="With --reset: also delete people and teams that are not part of the demo.",
        )

    def handle(
        self,
        *args: Any,
        if_empty: bool,
        reset: bool,
        list: bool,
        force: bool,
        today: str | None,
        **options: Any,
    ) -> None:
        if force and not reset:
            raise CommandError("--force: only means something with --reset.")
        day = self._today(today)
        if list:
            self._logins(everyone=True)
            return
        has_people = Person.objects.exists()
        if reset:
            if has_people and not force and not loader.holds_only_demo_data():
                raise CommandError(
                    "--reset: this database holds people or teams that are not part of the "
                    "demo; nothing was deleted. Add --force to delete them as well."
                )
            with transaction.atomic():
                wipe_organisation()
                summary = loader.load_demo(today=day)
            self._loaded(summary)
        elif has_people:
            if not if_empty:
                raise CommandError(
                    "The database already has people, so the demo was not loaded. Use --reset "
                    "to replace them with the demo, or --if-empty to just print the logins."
                )
            self.stdout.write("The database already has people; the demo was not loaded.")
        else:
            self._loaded(loader.load_demo(today=day))
        self._logins(everyone=False)

    def _today(self, value: str | None) -> dt.date | None:
        if value is None:
            return None
        day = parse_date(value, "--today")
        tz = zoneinfo.ZoneInfo(organisation_time_zone())
        if day > timezone.localdate(timezone.now(), tz):
            raise CommandError(f"--today: {day} is in the future; check-ins cannot be.")
        return day

    def _loaded(self, summary: loader.Summary) -> None:
        self.stdout.write(
            f"Loaded the demo organisation {ORGANISATION_NAME} in {summary.seconds:.1f} s: "
            f"{summary.people} people, {summary.teams} teams, {summary.cycles} cycles, "
            f"{summary.objectives} objectives, {summary.key_results} key results, "
            f"{summary.check_ins:,} check-ins."
        )
        if summary.differences:
            raise CommandError(
                f"The stored roll-ups differ from the history in {summary.differences} places; "
                "see `lineofsight rollup --verify`."
            )
        self.stdout.write(
            f"Roll-up verified: {summary.verified:,} figures match the check-in history."
        )

    def _logins(self, *, everyone: bool) -> None:
        rows = loader.login_rows(everyone=everyone)
        if not rows:
            self.stdout.write(
                "No demo logins in this database (load them with `lineofsight demo`)."
            )
            return
        self.stdout.write("")
        self.stdout.write(f"Demo logins (the password is {loader.DEMO_PASSWORD} for everyone):")
        self.stdout.write("")
        self.stdout.write(table(["ROLE", "USERNAME", "NAME"], rows))
        if not everyone:
            self.stdout.write("")
            self.stdout.write("Everyone else: lineofsight demo --list")
