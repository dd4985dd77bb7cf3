"""``lineofsight search``: rebuild the full-text index (``--rebuild``) or check it against the
data (``--verify``, exit status 1 on any difference).

The index is kept current by every action that changes an objective, key result,
initiative, person or team; rebuild it after loading data in bulk (``generate``, a restore
of an older backup) or when ``--verify`` finds a difference. Both are safe at any time:
``--rebuild`` swaps the index in one transaction.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.search import build


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the data (--rebuild) or compare the two (--verify, "
        "exit status 1 on a difference)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--rebuild", action="store_true", help="Empty and refill the index.")
        mode.add_argument(
            "--verify", action="store_true", help="Compare the index with the data; change nothing."
        )

    def handle(self, *args: Any, rebuild: bool, verify: bool, **options: Any) -> None:
        started = time.perf_counter()
        if rebuild:
            written = build.rebuild()
            self.stdout.write(
                f"Search index rebuilt: {written:,} documents in "
                f"{time.perf_counter() - started:.1f} s."
            )
            return
        result = build.verify()
        summary = (
            f"{result.documents:,} documents expected: {result.missing:,} missing, "
            f"{result.stale:,} out of date, {result.extra:,} left over."
        )
        if not result.ok:
            raise CommandError(
                f"The search index differs from the data. {summary} "
                "Run `lineofsight search --rebuild`."
            )
        self.stdout.write(f"The search index matches the data. {summary}")
