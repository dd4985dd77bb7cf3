"""Commands that also run as a service: ``--loop`` (a run every ``--interval`` seconds until
SIGTERM or Ctrl-C, or ``--runs`` runs). ``scripts/run`` keeps such loops beside the web
server, so a default install refreshes its figures and sends its reminders without cron."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection


def add_loop_arguments(parser: CommandParser, *, default_interval: int) -> None:
    parser.add_argument(
        "--loop",
        action="store_true",
        help="Keep running: a run every --interval seconds until stopped (SIGTERM/Ctrl-C).",
    )
    parser.add_argument(
        "--interval",
        type=int,
        default=default_interval,
        metavar="SECONDS",
        help=f"Seconds between runs with --loop (default {default_interval}).",
    )
    parser.add_argument(
        "--runs",
        type=int,
        metavar="N",
        help="With --loop, stop after N runs (default: run until stopped).",
    )


def check_loop_arguments(*, loop: bool, interval: int, runs: int | None) -> None:
    if interval < 1 and loop:
        raise CommandError("--interval: give at least 1 second.")
    if runs is not None and (runs < 1 or not loop):
        raise CommandError("--runs: give a number of runs of 1 or more, with --loop.")


def run_every(
    command: BaseCommand, once: Callable[[], None], *, interval: int, runs: int | None
) -> None:
    """Call ``once`` every ``interval`` seconds; a failed run is reported and the next one
    still comes. SIGTERM and Ctrl-C stop the loop after the run under way."""
    stop = threading.Event()

    def ask_to_stop(signum: int, frame: Any) -> None:
        command.stdout.write("Stopping after this run.")
        stop.set()

    previous = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        # Outside the main thread signals stay with the caller.
        with contextlib.suppress(ValueError):
            previous[sig] = signal.signal(sig, ask_to_stop)
    done = 0
    try:
        while not stop.is_set():
            # A long-lived service drops connections the server has closed between runs;
            # a caller's open transaction (the test suite's) keeps its connection.
            if not connection.in_atomic_block:
                close_old_connections()
            try:
                once()
            except Exception as exc:  # a bad run is reported; the service keeps going
                command.stderr.write(f"The run failed: {exc.__class__.__name__}: {exc}")
            done += 1
            if runs is not None and done >= runs:
                break
            stop.wait(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
