"""Statements planned for their parameters: on PostgreSQL, inside the block the connection
prepares nothing (so the server plans each statement for the values it is given) and
prepares as before after it; the block itself sends no statement. Elsewhere it changes
nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lineofsight.core.planning import planned_for_parameters

pytestmark = pytest.mark.django_db

STATEMENT = "SELECT count(*) FROM core_scheduledrun WHERE slot > %s"


def _prepared() -> int:
    """How many statements the server holds prepared for this connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return int(cursor.fetchone()[0])


def _run_often(times: int = 8) -> None:
    with connection.cursor() as cursor:
        for n in range(times):
            cursor.execute(STATEMENT, [n])
            cursor.fetchone()


def test_inside_the_block_nothing_is_prepared_and_after_it_statements_are_again():
    with CaptureQueriesContext(connection) as ctx, planned_for_parameters():
        pass
    assert ctx.captured_queries == []  # the block sends nothing itself
    if connection.vendor != "postgresql":
        with planned_for_parameters():
            _run_often()
        return
    before = _prepared()
    with planned_for_parameters():
        _run_often()
        assert _prepared() == before
    _run_often()
    assert _prepared() > before  # the same statement, run as often after the block


def test_an_error_inside_the_block_passes_through_and_leaves_the_connection_as_it_was():
    postgres = connection.vendor == "postgresql"
    if postgres:
        connection.ensure_connection()
        threshold = connection.connection.prepare_threshold
    with pytest.raises(ZeroDivisionError), planned_for_parameters():
        _ = 1 / 0
    if postgres:
        assert connection.connection.prepare_threshold == threshold
