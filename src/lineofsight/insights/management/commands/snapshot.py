"""``lineofsight snapshot``: refresh the stored figures the dashboards read.

Safe under cron and idempotent: each run recomputes the week in progress (as of now),
finalises weeks that were stored before they ended, and adds the week that just ended if it
is missing; running it twice stores the same figures. ``--backfill`` rebuilds every week of
a cycle that is over from the check-in history, as a run at the end of each week would have
stored it. ``--loop`` runs it as a service (``scripts/run`` keeps one beside the server).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lineofsight.core.commands import argument_errors, table
from lineofsight.core.loop import add_loop_arguments, check_loop_arguments, run_every
from lineofsight.goals.commands import find_cycle
from lineofsight.insights.actions import take_snapshots

DEFAULT_INTERVAL = 900


class Command(BaseCommand):
    help = (
        "Refresh the dashboards' stored weekly figures and at-risk list: the week in "
        "progress, and weeks that ended since the last run (--backfill: every week of the "
        "cycle, recomputed from the history)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cycle",
            action="append",
            metavar="NAME",
            help="Only this cycle (by name; repeat for several). Default: the cycles under way "
            "today.",
        )
        parser.add_argument(
            "--backfill",
            action="store_true",
            help="Recompute every week that is over from the history, not only the missing "
            "and unfinished ones.",
        )
        parser.add_argument(
            "--quiet", action="store_true", help="Print nothing unless something goes wrong."
        )
        add_loop_arguments(parser, default_interval=DEFAULT_INTERVAL)

    def handle(
        self,
        *args: Any,
        cycle: list[str] | None,
        backfill: bool,
        quiet: bool,
        loop: bool,
        interval: int,
        runs: int | None,
        **options: Any,
    ) -> None:
        check_loop_arguments(loop=loop, interval=interval, runs=runs)
        if loop and backfill:
            raise CommandError("--backfill: a backfill is a single run; leave --loop out.")
        if not loop:
            self.run_once(cycle, backfill=backfill, quiet=quiet)
            return
        # Each run looks again at which cycles are under way (or finds the named ones).
        once = lambda: self.run_once(cycle, backfill=False, quiet=quiet)  # noqa: E731
        run_every(self, once, interval=interval, runs=runs)

    def run_once(self, cycle: list[str] | None, *, backfill: bool, quiet: bool) -> None:
        cycles = [find_cycle(name, "--cycle") for name in cycle] if cycle else None
        started = time.perf_counter()
        with argument_errors({"cycle": "--cycle"}):
            reports = take_snapshots(acting_user=None, cycles=cycles, backfill=backfill)
        elapsed = time.perf_counter() - started
        if quiet:
            return
        if not reports:
            self.stdout.write("Nothing to do: no cycle is under way today.")
            return
        rows = [
            [
                r.cycle,
                r.week_ending.isoformat(),
                "in progress" if r.in_progress else "final",
                f"{r.key_results:,}",
                f"{r.rows:,}",
                "" if r.at_risk is None else f"{r.at_risk:,}",
                f"{r.seconds:.2f} s",
            ]
            for r in reports
        ]
        self.stdout.write(
            table(
                ["CYCLE", "WEEK ENDING", "FIGURES", "KEY RESULTS", "ROWS", "AT RISK", "TIME"],
                rows,
            )
        )
        noun = "week" if len(reports) == 1 else "weeks"
        self.stdout.write(f"\nStored {len(reports)} {noun} in {elapsed:.2f} s.")
