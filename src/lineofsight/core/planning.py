"""Queries whose best plan depends on their parameters.

On PostgreSQL the product prepares statements (``prepare_threshold`` in the settings): after a
few runs the server may keep one generic plan for every parameter. For most statements that
saves planning time; for a few -- an anti-join over a cycle's objectives, say -- the generic
plan skips the parallel index-only scans a plan for the actual cycles chooses, and runs two
times slower. Inside ``planned_for_parameters`` the connection prepares nothing: each
statement goes to the server unnamed, and the server plans it for the values it is given.
It sends no statement of its own and starts no transaction; after the block (an error
included) the connection prepares as before. Elsewhere it does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def planned_for_parameters() -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    driver = connection.connection
    before = driver.prepare_threshold
    driver.prepare_threshold = None  # psycopg: prepare nothing on this connection
    try:
        yield
    finally:
        driver.prepare_threshold = before
