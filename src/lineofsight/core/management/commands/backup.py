"""``lineofsight backup [--output PATH]``: a consistent copy of the whole database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.core import backup


class Command(BaseCommand):
    help = (
        "Back up the whole database to one file with a manifest (version, migrations, time, "
        "database). SQLite is copied with its online backup API, PostgreSQL with pg_dump; "
        "both are safe while the server runs. The file holds personal data: it is made "
        "readable by its owner only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            metavar="PATH",
            help=(
                "The file to write (it must not exist), or a folder to write it in with a "
                "dated name. Default: the folder backups/ in the data folder."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target = self._target(options["output"])
        try:
            manifest = backup.backup(target)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        size = target.stat().st_size
        self.stdout.write(
            f"Backed up {backup.describe_database()} to {target} ({_size(size)}, "
            f"{len(manifest.migrations)} migrations, version {manifest.product_version})."
        )

    def _target(self, output: str | None) -> Path:
        if output is None:
            folder = Path(settings.DATA_DIR) / "backups"
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            return folder / backup.default_name()
        if not output.strip():
            raise CommandError("--output: give a file or folder name.")
        path = Path(output).expanduser()
        if path.is_dir():
            return path / backup.default_name()
        if path.exists():
            raise CommandError(f"--output: {path} already exists; a backup never overwrites one.")
        if not path.parent.is_dir():
            raise CommandError(f"--output: the folder {path.parent} does not exist.")
        return path


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} bytes"
