"""Finding cycles named on the command line (see ``core.commands``)."""

from __future__ import annotations

from django.core.management.base import CommandError

from lineofsight.goals.models import Cycle


def find_cycle(name: str, argument: str) -> Cycle:
    cycle = Cycle.objects.filter(name__iexact=(name or "").strip()).first()
    if cycle is None:
        raise CommandError(
            f"{argument}: no cycle is called {name!r} (see `lineofsight cycles list`)."
        )
    return cycle
