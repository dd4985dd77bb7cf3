"""Statements planned for their parameters: on PostgreSQL, inside the block the server plans
each statement for the values it is given and forgets that setting after; elsewhere the block
changes nothing."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from lineofsight.core.planning import planned_for_parameters


def _mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return str(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_plans_for_the_parameters_inside_the_block_only():
    if connection.vendor != "postgresql":
        with planned_for_parameters():
            assert connection.in_atomic_block is False  # nothing started on other databases
        return
    before = _mode()
    assert before != "force_custom_plan"
    with planned_for_parameters():
        assert connection.in_atomic_block
        assert _mode() == "force_custom_plan"
    assert _mode() == before
    assert not connection.in_atomic_block


@pytest.mark.django_db(transaction=True)
def test_an_error_inside_the_block_passes_through_and_leaves_the_setting_as_it_was():
    postgres = connection.vendor == "postgresql"
    before = _mode() if postgres else None
    with pytest.raises(ZeroDivisionError), planned_for_parameters():
        _ = 1 / 0
    assert not connection.in_atomic_block
    if postgres:
        assert _mode() == before


@pytest.mark.django_db(transaction=True)
def test_inside_a_callers_transaction_the_setting_is_put_back_after_the_block():
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        before = _mode() if postgres else None
        with planned_for_parameters():
            if postgres:
                assert _mode() == "force_custom_plan"
        assert connection.in_atomic_block  # still the caller's transaction
        if postgres:
            assert _mode() == before
