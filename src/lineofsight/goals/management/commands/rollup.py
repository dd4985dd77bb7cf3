"""``lineofsight rollup``: check or repair the stored progress figures against the history.

Every progress figure is stored (so pages stay fast) and can be recomputed from the
check-in history, the definitions' revisions and the alignment links. ``--verify`` compares
the two and exits non-zero on any difference; ``--rebuild`` rewrites the stored figures
from the history. Both are safe to run at any time and any number of times (for example
nightly from cron): ``--verify`` only reads, and ``--rebuild`` writes only what differs while
holding other writers back, so no check-in is lost in between.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.core.commands import table
from lineofsight.goals import rollup


def _pct(value: float) -> str:
    return f"{value * 100:.4f} %"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Command(BaseCommand):
    help = (
        "Recompute every progress figure from the check-in history and compare it with the "
        "stored one (--verify), or rewrite the stored figures from the history (--rebuild)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument(
            "--verify",
            action="store_true",
            help="Report every stored figure that differs from the history; exit 1 if any.",
        )
        mode.add_argument(
            "--rebuild",
            action="store_true",
            help="Rewrite stored figures from the history; report how many rows changed.",
        )

    def handle(self, *args: Any, verify: bool, rebuild: bool, **options: Any) -> None:
        if rebuild:
            self._rebuild()
        else:
            self._verify()

    def _verify(self) -> None:
        started = time.perf_counter()
        differences, checked = rollup.verify()
        elapsed = time.perf_counter() - started
        if differences:
            rows = [
                [d.kind, d.pk, _short(d.title), _pct(d.stored), _pct(d.recomputed)]
                for d in differences
            ]
            self.stdout.write(table(["KIND", "ID", "TITLE", "STORED", "RECOMPUTED"], rows))
            self.stdout.write("")
        noun = "figure" if checked == 1 else "figures"
        summary = f"Checked {checked:,} {noun} in {elapsed:.2f} s: "
        if not differences:
            self.stdout.write(summary + "no differences.")
            return
        count = len(differences)
        self.stdout.write(summary + f"{count:,} {'difference' if count == 1 else 'differences'}.")
        raise CommandError(
            f"{count:,} stored {'figure differs' if count == 1 else 'figures differ'} from the "
            "history. `lineofsight rollup --rebuild` rewrites them from the history."
        )

    def _rebuild(self) -> None:
        started = time.perf_counter()
        written = rollup.rebuild()
        elapsed = time.perf_counter() - started
        noun = "row" if written == 1 else "rows"
        self.stdout.write(
            f"Rebuilt the stored figures from the history in {elapsed:.2f} s: "
            f"{written:,} {noun} changed."
        )
