"""Queries whose best plan depends on their parameters.

On PostgreSQL the product prepares statements (``prepare_threshold`` in the settings): after a
few runs the server may keep one generic plan for every parameter. For most statements that
saves planning time; for a few -- an anti-join over a cycle's objectives, say -- the generic
plan skips the parallel index-only scans a plan for the actual cycles chooses, and runs two
times slower. ``planned_for_parameters`` asks for a plan for the actual parameters for the
statements run inside it, in a transaction of its own (or the caller's); elsewhere it does
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def planned_for_parameters() -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield
