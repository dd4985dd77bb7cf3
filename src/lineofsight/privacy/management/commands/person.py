"""``lineofsight person``: personal data requests from the command line.

    lineofsight person export USERNAME -o FILE.zip   everything about a person, as a ZIP
    lineofsight person erase USERNAME --confirm      anonymise a person who has left

Both run with the operator's authority and leave an audit row (with no person as actor).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from lineofsight.core.commands import SubcommandCommand, argument_errors, subcommands
from lineofsight.people.commands import find_person
from lineofsight.privacy import actions


class Command(SubcommandCommand):
    help = "Export everything about a person, or erase a person who has left."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = subcommands(parser)
        p = sub.add_parser("export", help="Write everything about a person to a ZIP file.")
        p.add_argument("username", metavar="USERNAME")
        p.add_argument("-o", "--output", required=True, metavar="FILE.zip", help="A new file.")

        p = sub.add_parser(
            "erase", help="Anonymise a person who has left, for good (see the docs first)."
        )
        p.add_argument("username", metavar="USERNAME")
        p.add_argument(
            "--confirm", action="store_true", help="Erase (without it, say what would happen)."
        )

    def handle_export(self, *, username: str, output: str, **_: Any) -> None:
        person = find_person(username, "USERNAME")
        target = Path(output)
        if target.suffix.lower() != ".zip":
            raise CommandError(f"--output: {output!r} should end in .zip.")
        if target.exists():
            raise CommandError(f"--output: {output!r} exists already; choose a new file.")
        if not target.parent.is_dir():
            raise CommandError(f"--output: the folder {str(target.parent)!r} does not exist.")
        with argument_errors({"person": "USERNAME"}):
            data = actions.export_person(acting_user=None, person=person)
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(data)
        os.replace(partial, target)
        self.stdout.write(
            f"Wrote everything about {person.name} ({person.username}) to {target} "
            f"({len(data):,} bytes)."
        )

    def handle_erase(self, *, username: str, confirm: bool, **_: Any) -> None:
        person = find_person(username, "USERNAME")
        refusal = actions.erase_refusal(person)
        if refusal:
            raise CommandError(f"USERNAME: {refusal}")
        if not confirm:
            steps = "\n".join(f"  - {s}" for s in actions.erasure_steps(person))
            raise CommandError(
                f"Erasing {person.name} would do this:\n{steps}\n"
                "Nothing was changed. Run again with --confirm to erase."
            )
        with argument_errors({"person": "USERNAME"}):
            erased = actions.erase_person(acting_user=None, person=person, confirm_name=person.name)
        self.stdout.write(f"Erased {username}: the person is now {erased.name}.")
