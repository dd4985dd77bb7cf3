"""Helpers shared by the browser views: errors, fragments, forms and safe redirects.

Views stay thin: they read through selectors, write through actions, and use these helpers
to turn the actions' errors into what a browser expects (a form error naming the field, a
403 page, or a 404 that looks the same for missing and forbidden).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import wraps
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from lineofsight.core import parsing
from lineofsight.core.errors import InvalidInput, NotAllowed, NotFound

if TYPE_CHECKING:
    # The signed-in person is the user model (``AUTH_USER_MODEL``, ``people.Person``): named
    # here for type checking only; the core never imports the people app at run time.
    from lineofsight.people.models import Person

FRAGMENT_BASE = "lineofsight/fragment.html"
PAGE_BASE = "base.html"

View = Callable[..., HttpResponse]


class SignedInRequest(HttpRequest):
    """The request every page but the login page gets: ``page`` guarantees a person."""

    user: Person


def page(view: View) -> View:
    """Sign-in required; missing or invisible things answer 404, refused changes 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (NotFound, ObjectDoesNotExist):
            raise Http404("Not found.") from None
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None

    return login_required(wrapper)


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def base_template(request: HttpRequest) -> str:
    """Fragments for htmx requests, whole pages otherwise (so every form works without JS)."""
    return FRAGMENT_BASE if is_htmx(request) else PAGE_BASE


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context.setdefault("base_template", base_template(request))
    return render(request, template, context, status=status)


def apply_errors(
    form: forms.Form, exc: InvalidInput, field_map: Mapping[str, str] | None = None
) -> None:
    """Copy an action's errors onto the form, each on the field it names."""
    field_map = field_map or {}
    for name, messages in exc.errors.items():
        target = field_map.get(name, name)
        for message in messages:
            if target in form.fields:
                form.add_error(target, message)
            else:
                form.add_error(None, message)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` URL when it points back into this site, else ``fallback``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def parse_as_of(raw: str | None) -> dt.datetime | None:
    """``YYYY-MM-DD`` means the end of that day in the organisation's time zone; a day after
    today is refused (``core.parsing``)."""
    tz = timezone.get_current_timezone()  # the organisation's, set for each request
    today = timezone.localtime(timezone.now(), tz).date()
    return parsing.parse_as_of(raw, tz=tz, today=today)
