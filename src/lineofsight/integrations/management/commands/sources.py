"""``lineofsight sources``: key results' data sources: list them, sync them now."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from lineofsight.core.commands import SubcommandCommand, subcommands, table, to_json
from lineofsight.integrations.sources import actions
from lineofsight.integrations.sources.models import DataSource
from lineofsight.people.selectors import organisation_time_zone


def _source_id(raw: str) -> int:
    try:
        pk = int(raw)
    except ValueError:
        raise CommandError(f"--id: {raw!r} is not a source id (a whole number).") from None
    if not DataSource.objects.filter(pk=pk).exists():
        raise CommandError(f"--id: there is no data source {pk} (see `lineofsight sources list`).")
    return pk


class Command(SubcommandCommand):
    help = (
        "List key results' data sources, or read them now and record what they read "
        "(secrets are never shown)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = subcommands(parser)
        p = sub.add_parser("list", help="Every data source, its state and last reading.")
        p.add_argument(
            "--json", dest="as_json", action="store_true", help="Print JSON instead of a table."
        )
        p = sub.add_parser(
            "sync", help="Read every active source now (or one, paused or not, with --id)."
        )
        p.add_argument("--id", dest="source_id", metavar="N", help="Only this source.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "sync":
            # Each source's read happens outside a transaction; its outcome is written in one.
            self.handle_sync(**options)
            return
        super().handle(*args, **options)

    def handle_list(self, *, as_json: bool = False, **_: Any) -> None:
        sources = DataSource.objects.select_related("key_result", "owner").order_by("pk")
        tz = zoneinfo.ZoneInfo(organisation_time_zone())

        def when(value: Any) -> str:
            return f"{timezone.localtime(value, tz):%Y-%m-%d %H:%M}" if value else "-"

        if as_json:
            self.stdout.write(
                to_json(
                    [
                        {
                            "id": s.pk,
                            "key_result": s.key_result_id,
                            "kind": s.kind,
                            "schedule": s.schedule,
                            "state": s.state,
                            "owner": s.owner.username,
                            "last_value": s.last_value,
                            "last_success_at": s.last_success_at,
                            "last_error": s.last_error,
                            "consecutive_failures": s.consecutive_failures,
                        }
                        for s in sources
                    ]
                )
            )
            return
        rows = [
            [
                s.pk,
                s.kind,
                f"{s.key_result_id} {s.key_result.title[:40]}",
                s.schedule,
                s.state,
                "-" if s.last_value is None else f"{s.last_value:g}",
                when(s.last_success_at),
                (s.last_error[:60] or "-") if s.consecutive_failures else "-",
            ]
            for s in sources
        ]
        headers = ["ID", "KIND", "KEY RESULT", "SCHEDULE", "STATE", "LAST", "READ", "ERROR"]
        self.stdout.write(table(headers, rows))

    def handle_sync(self, *, source_id: str | None = None, **_: Any) -> None:
        if source_id is not None:
            ids = [_source_id(source_id)]
        else:
            ids = list(
                DataSource.objects.filter(state=DataSource.State.ACTIVE)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        failed = 0
        for pk in ids:
            result = actions.run(pk, trigger="cli")
            failed += result.outcome == "failed"
            self.stdout.write(f"Source {pk}: {result.outcome}. {result.message}")
        if not ids:
            self.stdout.write("No active data sources.")
        if failed:
            raise CommandError(f"{failed} of {len(ids)} sources failed.")
