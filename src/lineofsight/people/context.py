"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lineofsight.people.selectors import organisation_name


def organisation(request: HttpRequest) -> dict[str, Any]:
    return {"organisation_name": organisation_name()}
