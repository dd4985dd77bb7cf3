"""Fixtures of the integration tests that read the demo organisation."""

from __future__ import annotations

import pytest
from django.db import transaction

from lineofsight.demo import loader
from lineofsight.people.models import Person


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The demo organisation, loaded once for a module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield loader.load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def people(demo, db):  # type: ignore[no-untyped-def]
    """The demo's people by username."""
    return {p.username: p for p in Person.objects.all()}
