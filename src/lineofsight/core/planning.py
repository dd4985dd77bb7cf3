"""Queries whose best plan depends on their parameters.

On PostgreSQL the product prepares statements (``prepare_threshold`` in the settings): after a
few runs the server may keep one generic plan for every parameter. For most statements that
saves planning time; for a few -- an anti-join over a cycle's objectives, say -- the generic
plan skips the parallel index-only scans a plan for the actual cycles chooses, and runs two
times slower. ``planned_for_parameters`` asks for a plan for the actual parameters for the
statements run inside it, in a transaction of its own (or a savepoint in the caller's,
after which the setting is as it was); elsewhere it does nothing.
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
    # Inside a caller's transaction a local setting would outlive the block, until that
    # transaction ends: the setting it had is read first and put back after.
    outer = connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            if outer:
                cursor.execute("SELECT current_setting('plan_cache_mode')")
                (before,) = cursor.fetchone()
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield
        if outer:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('plan_cache_mode', %s, true)", [before])
