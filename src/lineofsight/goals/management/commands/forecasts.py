"""``lineofsight forecasts``: store every key result's end-of-cycle forecast ahead of reads.

Lists and the cycle stream read each key result's stored forecast while the inputs it was
computed from are unchanged (``goals.tracking.stored``) and compute (and store) it again
otherwise, so this command is never needed for correct figures: it saves the first reads
the work, after an upgrade and after a cycle ends (every forecast of the cycle turns into
its final reading then). Safe to run at any time and any number of times; ``--loop`` keeps
it running (nightly is plenty).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.core.loop import add_loop_arguments, check_loop_arguments, run_every
from lineofsight.goals.models import Cycle
from lineofsight.goals.tracking import refresh


class Command(BaseCommand):
    help = (
        "Compute and store the forecast of every key result whose stored one is missing or "
        "out of date (every cycle not closed, or --cycle)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cycle",
            type=int,
            action="append",
            metavar="ID",
            help="Only this cycle (repeat for several).",
        )
        add_loop_arguments(parser, default_interval=24 * 3600)

    def handle(
        self,
        *args: Any,
        cycle: list[int] | None,
        loop: bool,
        interval: int,
        runs: int | None,
        **options: Any,
    ) -> None:
        check_loop_arguments(loop=loop, interval=interval, runs=runs)
        if cycle:
            known = set(Cycle.objects.filter(pk__in=cycle).values_list("pk", flat=True))
            missing = sorted(set(cycle) - known)
            if missing:
                raise CommandError(f"--cycle: no cycle with id {missing[0]}.")

        def once() -> None:
            started = time.perf_counter()
            looked, written = refresh.refresh(cycle)
            elapsed = time.perf_counter() - started
            self.stdout.write(
                f"Looked at {looked:,} key results in {elapsed:.2f} s: stored {written:,} "
                f"{'forecast' if written == 1 else 'forecasts'}, the others were up to date."
            )

        if loop:
            run_every(self, once, interval=interval, runs=runs)
        else:
            once()
