"""``lineofsight restore PATH [--yes]``: replace the whole database with a backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.core import backup
from lineofsight.core.health import unapplied_migrations


class Command(BaseCommand):
    help = (
        "Replace everything in the database with a backup made by `lineofsight backup`. "
        "Refuses a backup of another kind of database or from a newer version. Stop the "
        "web server and the worker first; start them again afterwards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help="The backup file.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (for scripts)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"]).expanduser()
        try:
            with backup.opened(path) as (manifest, data):
                self.stdout.write(
                    f"{path}: a backup of {manifest.vendor_name} made {manifest.created_at} "
                    f"by version {manifest.product_version} "
                    f"({len(manifest.migrations)} migrations)."
                )
                if not options["yes"]:
                    self._confirm()
                backup.restore(manifest, data)
        except backup.BackupError as exc:
            raise CommandError(f"PATH: {exc}") from None
        self.stdout.write(f"Restored {backup.describe_database()} from {path}.")
        if unapplied_migrations(set(manifest.migrations)):
            self.stdout.write(
                "The backup comes from an older version: run `lineofsight migrate` before "
                "starting the server."
            )

    def _confirm(self) -> None:
        question = (
            f"This replaces everything in {backup.describe_database()} with the backup. "
            "Type 'yes' to go on: "
        )
        self.stdout.write(question, ending="")
        self.stdout.flush()
        try:
            answer = input()
        except EOFError:
            raise CommandError(
                "Not restored: nobody answered (add --yes to restore without asking). "
                "Nothing was changed."
            ) from None
        if answer.strip().lower() != "yes":
            raise CommandError("Not restored: the answer was not 'yes'. Nothing was changed.")
