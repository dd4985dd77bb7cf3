"""Fixtures for API tests: JSON clients signed in as members of the cast, and the cascade."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lineofsight.core import tokens

from ..conftest import Cast
from ..okrs import Cascade, build_cascade


class Api:
    """A thin JSON client for /api/: ``api.get("/objectives", level="team")``."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api{path}", params)

    def post(self, path: str, data: Any = None) -> Any:
        return self.client.post(
            f"/api{path}", json.dumps(data or {}), content_type="application/json"
        )

    def patch(self, path: str, data: Any = None) -> Any:
        return self.client.patch(
            f"/api{path}", json.dumps(data or {}), content_type="application/json"
        )

    def put(self, path: str, data: Any = None) -> Any:
        return self.client.put(
            f"/api{path}", json.dumps(data or {}), content_type="application/json"
        )

    def delete(self, path: str, **params: Any) -> Any:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return self.client.delete(f"/api{path}" + (f"?{query}" if query else ""))


@pytest.fixture
def as_person(cast: Cast) -> Callable[[str], Api]:
    """``as_person("ava")``: an API client using a personal token of that member of the cast."""

    def make(name: str) -> Api:
        person = getattr(cast, name)
        _, secret = tokens.create_token(acting_user=person, person=person, name="tests")
        return Api(Client(headers={"Authorization": f"Bearer {secret}"}))

    return make


@pytest.fixture
def cascade(cast: Cast) -> Cascade:
    return build_cascade(cast)
