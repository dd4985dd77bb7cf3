"""The answer to a sign-in refused after too many failed passwords (django-axes calls it)."""

from __future__ import annotations

import math
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def locked_until(request: HttpRequest, credentials: dict[str, Any] | None) -> Any:
    """When the lockout this request met ends: its last counted failure plus the cool-off."""
    handler = AxesProxyHandler.get_implementation()
    latest = [
        attempts.aggregate(last=Max("attempt_time"))["last"]
        for attempts in handler.get_user_attempts(request, credentials)
    ]
    last = max((t for t in latest if t is not None), default=timezone.now())
    return last + settings.AXES_COOLOFF_TIME


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The sign-in page again, saying why and until when, with status 429."""
    until = locked_until(request, credentials)
    seconds = max(60, math.ceil((until - timezone.now()).total_seconds()))
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username")})
    context = {
        "form": form,
        "next": request.POST.get("next", ""),
        "locked_out": True,
        "minutes_left": math.ceil(seconds / 60),
        "locked_until": until,
    }
    response = render(request, "core/login.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
