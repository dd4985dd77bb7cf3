"""Request middleware: the organisation's time zone, and signed-in sessions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
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


SESSION_ROW = "los_sign_in_session"
SEEN_AT = "los_seen_at"
NEEDS_FACTOR = "los_needs_second_factor"
# The identity provider a session signed in with (single sign-on): its own second factor
# counts, so the rule that HR admins need one here does not send such a session anywhere.
SSO_PROVIDER = "los_sso_provider"
# Paths an HR admin who must set up a second factor may still open.
ENROL_PATHS = ("/settings/security/", "/logout/", "/login/", "/static/", "/favicon.ico")


def client_of(request: HttpRequest) -> Any:
    from lineofsight.people.security import Client

    ip = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or None
    return Client(ip_address=ip, user_agent=request.META.get("HTTP_USER_AGENT", ""))


def on_signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Every sign-in (the form, its second step, a test's ``force_login``) opens a row."""
    from lineofsight.people import security

    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    row = security.start_session(
        person=user, session_key=request.session.session_key or "", client=client_of(request)
    )
    request.session[SESSION_ROW] = row.pk
    request.session[SEEN_AT] = timezone.now().timestamp()
    request.session[NEEDS_FACTOR] = security.second_factor_required(
        user
    ) and not security.has_second_factor(user)


def on_signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from lineofsight.people import security

    if request is not None and hasattr(request, "session"):
        security.end_session_on_sign_out(request.session.get(SESSION_ROW))


class SignInSessionMiddleware:
    """Keeps the sessions list current and sends HR admins who must have a second factor,
    and have none, to set one up.

    Ending a session deletes it from the session store, so its next request is signed out.
    Once a minute a page request also looks at its row (``last seen``, an end the store
    missed, the second-factor rule); in between, and for the API, it costs no query. API
    calls with a bearer token are not sessions and pass untouched.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            refused = self._check(request, user)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request: HttpRequest, user: Any) -> HttpResponse | None:
        from lineofsight.people import security
        from lineofsight.people.models import SignInSession

        session = request.session
        now = timezone.now().timestamp()
        row_id = session.get(SESSION_ROW)
        if row_id is None:
            # A session from before sessions were listed: list it from now on.
            on_signed_in(None, request, user)
        elif (
            not request.path.startswith("/api/")
            and now - session.get(SEEN_AT, 0) >= security.LAST_SEEN_EVERY.total_seconds()
        ):
            row = SignInSession.objects.filter(pk=row_id).first()
            if row is None or row.ended_at is not None or row.person_id != user.pk:
                logout(request)
                return redirect_to_login(request.get_full_path())
            security.seen(row, session_key=session.session_key or "", client=client_of(request))
            session[SEEN_AT] = now
            session[NEEDS_FACTOR] = (
                not session.get(SSO_PROVIDER)
                and security.second_factor_required(user)
                and not security.has_second_factor(user)
            )
        if session.get(NEEDS_FACTOR) and not request.path.startswith(ENROL_PATHS):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Set up a second factor at /settings/security/ first."}, status=403
                )
            return redirect("security")
        return None
