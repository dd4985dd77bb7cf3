"""Fixtures for the browser views tested through Django's test client."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from lineofsight.people.models import Person

from ..okrs import Cascade, build_cascade


@pytest.fixture
def cascade(cast) -> Cascade:
    return build_cascade(cast)


@pytest.fixture
def as_user(client: Client) -> Callable[[Person], Client]:
    """Sign the test client in as one of the cast: ``as_user(cast.ava)``."""

    def sign_in(person: Person) -> Client:
        client.force_login(person)
        return client

    return sign_in


@pytest.fixture
def htmx() -> dict[str, str]:
    """Headers htmx sends with its requests."""
    return {"HTTP_HX_REQUEST": "true"}
