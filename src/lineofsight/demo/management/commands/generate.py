"""``lineofsight generate``: build a synthetic large organisation (for benchmarks)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db import connection, transaction

from lineofsight.demo import generator
from lineofsight.demo.wipe import wipe_organisation
from lineofsight.people.models import Person
from lineofsight.search import build as search_build


class _Plain:
    """The command's stderr, written as-is: no added newline, no error colour."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, style_func=str, ending="")

    def flush(self) -> None:
        self.wrapper.flush()

    def isatty(self) -> bool:
        return self.wrapper.isatty()


class Command(BaseCommand):
    help = (
        "Build a synthetic organisation: about one team per 10 people and one department per "
        "50 teams, 3 objectives per department and team, 2-3 per person, 3 key results each, "
        "all aligned up the cascade, with weekly check-ins. Refuses to touch a database that "
        "already has people unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--people",
            type=int,
            required=True,
            help=f"Head count, {generator.MIN_PEOPLE} to {generator.MAX_PEOPLE:,} "
            "(10000 gives about 25,000 objectives and a million check-ins).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--weeks", type=int, default=13, help="Weeks of weekly check-ins, 1 to 52 (13)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Delete every person, team, cycle and OKR in the database first.",
        )

    def handle(
        self, *args: Any, people: int, seed: int, weeks: int, force: bool, **options: Any
    ) -> None:
        if not generator.MIN_PEOPLE <= people <= generator.MAX_PEOPLE:
            raise CommandError(
                f"--people: {people} is out of range; use {generator.MIN_PEOPLE} to "
                f"{generator.MAX_PEOPLE:,}."
            )
        if not 1 <= weeks <= 52:
            raise CommandError(f"--weeks: {weeks} is out of range; use 1 to 52.")
        existing = Person.objects.count()
        if existing and not force:
            raise CommandError(
                f"The database already has {existing:,} people; nothing was changed. Point "
                "DATABASE_URL at an empty database, or add --force to delete everything in "
                "this one first."
            )
        if existing:
            with transaction.atomic():
                wipe_organisation()
            self.stdout.write(f"Deleted the existing organisation ({existing:,} people).")
        shape = generator.Shape.for_people(people)
        self.stdout.write(
            f"Generating {shape.people:,} people, {shape.departments:,} departments, "
            f"{shape.teams:,} teams on {connection.vendor} (seed {seed}, {weeks} weeks)."
        )
        summary = generator.generate(
            people=people, seed=seed, weeks=weeks, stream=_Plain(self.stderr)
        )
        self.stdout.write(
            f"Generated in {summary.seconds:.1f} s: {summary.people:,} people, "
            f"{summary.departments:,} departments, {summary.teams:,} teams, "
            f"{summary.objectives:,} objectives, {summary.key_results:,} key results, "
            f"{summary.links:,} alignment links, {summary.check_ins:,} check-ins."
        )
        # The generator writes in bulk, past the actions that keep the search index current.
        self.stdout.write(f"Search index: {search_build.rebuild():,} documents.")
        stages = ", ".join(f"{name} {secs:.1f} s" for name, secs in summary.stages.items())
        self.stdout.write(f"Stages: {stages}.")
        if summary.differences:
            raise CommandError(
                f"Roll-up check: {summary.differences:,} of {summary.verified:,} figures differ "
                "from the history; see `lineofsight rollup --verify`."
            )
        self.stdout.write(
            f"Roll-up verified: {summary.verified:,} figures match the check-in history."
        )
        self.stdout.write(
            f"Sign in as p00001 (chief executive) or p00002 (HR admin); everyone's password "
            f"is {generator.GENERATED_PASSWORD}."
        )
