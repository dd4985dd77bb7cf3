"""Request middleware: the organisation's time zone, and the viewer for the access policy."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from lineofsight.people.selectors import organisation_time_zone


class OrganisationTimezoneMiddleware:
    """Shows dates and times in the organisation's time zone (cycles are defined in it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.activate(organisation_time_zone())
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
